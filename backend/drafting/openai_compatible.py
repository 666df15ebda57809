"""Any OpenAI-compatible chat endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, …).

These models have no native citations, so the prompt numbers the sources and asks for a
``[n]`` marker after each sentence that uses one. We trust none of them: ``verify`` drops
any marker that does not point at a source retrieved for this draft. Vendor errors stop
here: they become ``ProviderUnavailable`` (worth retrying) or ``ProviderRejected``.

Streamed (``stream=True``), each chunk's delta goes to ``on_text`` as it arrives; a stream
that stops before a choice says why it finished is a failed call, never a short draft.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx
import openai
from openai.types.chat import ChatCompletionMessageParam

from backend.drafting import TextSink, drafters, prompt
from backend.drafting.providers import Provider
from backend.errors import ProviderRejected, ProviderUnavailable
from backend.redaction import RedactedText
from backend.types import DraftText, Source

log = logging.getLogger(__name__)


@drafters.register("openai-compatible")
class OpenAICompatibleDrafter:
    def __init__(self, provider: Provider, api_key: str, tone: str = "") -> None:
        self.name = provider.name
        self.model = provider.model
        self._timeout = provider.timeout_seconds
        self._tone = tone
        # max_retries=0: retries, backoff and the breaker are ours (backend.drafting.resilience)
        self._client = openai.OpenAI(
            api_key=api_key,
            base_url=provider.base_url,
            timeout=provider.timeout_seconds,
            max_retries=0,
        )

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        chat = messages(self._tone, question, sources)
        text = self._complete(chat) if on_text is None else self._stream(chat, on_text)
        if not text.strip():
            raise ProviderRejected(f"{self.name} returned an empty reply")
        return DraftText(text.strip(), tuple(sources), (), (), self.name, self.model)

    def _complete(self, chat: list[ChatCompletionMessageParam]) -> str:
        with self._vendor_errors():
            response = self._client.chat.completions.create(model=self.model, messages=chat)
        if not response.choices:
            raise ProviderRejected(f"{self.name} returned no answer")
        return response.choices[0].message.content or ""

    def _stream(self, chat: list[ChatCompletionMessageParam], on_text: TextSink) -> str:
        parts: list[str] = []
        finished = False
        with self._vendor_errors():
            chunks = self._client.chat.completions.create(
                model=self.model, messages=chat, stream=True
            )
            for chunk in chunks:
                for choice in chunk.choices[:1]:
                    if choice.delta.content:
                        parts.append(choice.delta.content)
                        on_text(choice.delta.content)
                    finished = finished or choice.finish_reason is not None
        if not finished:
            raise ProviderUnavailable(f"{self.name} stopped streaming before the reply ended")
        return "".join(parts)

    @contextmanager
    def _vendor_errors(self) -> Iterator[None]:
        try:
            yield
        except openai.APITimeoutError as exc:
            raise ProviderUnavailable(
                f"{self.name} did not answer within {self._timeout}s"
            ) from exc
        except openai.APIConnectionError as exc:
            log.warning("openai-compatible provider %s unreachable: %s", self.name, exc)
            raise ProviderUnavailable(f"{self.name} could not be reached") from exc
        except openai.APIStatusError as exc:
            raise mapped(self.name, exc) from exc
        except openai.APIError as exc:  # an error event inside a stream
            log.warning("openai-compatible provider %s stream error: %s", self.name, exc.message)
            raise ProviderUnavailable(f"{self.name} reported an error while streaming") from exc
        except httpx.TimeoutException as exc:  # a stream's reads are not wrapped by the SDK
            raise ProviderUnavailable(f"{self.name} stalled while streaming") from exc
        except httpx.TransportError as exc:
            log.warning("openai-compatible provider %s stream broke: %s", self.name, exc)
            raise ProviderUnavailable(f"{self.name} dropped the stream") from exc


def messages(
    tone: str, question: RedactedText, sources: Sequence[Source]
) -> list[ChatCompletionMessageParam]:
    return [
        {"role": "system", "content": prompt.system_message(tone, cite_by_marker=True)},
        {"role": "user", "content": prompt.user_message(question, sources)},
    ]


def mapped(provider: str, exc: openai.APIStatusError) -> ProviderUnavailable | ProviderRejected:
    """The vendor's status decides; its message goes to the log, never into ours."""
    status = exc.status_code
    log.warning("openai-compatible provider %s answered HTTP %s: %s", provider, status, exc.message)
    if status == 429:
        return ProviderUnavailable(f"{provider} is rate limiting us", _retry_after(exc))
    if status >= 500:
        return ProviderUnavailable(f"{provider} had a server error (HTTP {status})")
    return ProviderRejected(f"{provider} refused the request (HTTP {status})")


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        return max(0.0, float(exc.response.headers.get("retry-after", "")))
    except ValueError:
        return None
