"""Cohere chat (v2 API, official SDK): sources go in as documents, citations come back native.

Cohere answers with plain text plus citations that point at character spans of that text
and at the ids of the documents supporting them. We send source n as document id "n", so a
citation maps straight onto our marker ``[n]``; each marker is placed at the end of the
sentence holding the cited span, which is where an agent looks for it. Vendor errors stop
here: they become ``ProviderUnavailable`` (worth retrying) or ``ProviderRejected``.

Streamed (``chat_stream``), the text arrives as ``content-delta`` events and each citation
as a ``citation-start`` event; they are collected into the same shape as a ``chat`` reply,
so markers are placed exactly as without streaming, once the stream has ended. A stream
that stops before ``message-end`` is a failed call, never a short draft.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import cohere
import httpx
from cohere.core.api_error import ApiError

from backend.drafting import TextSink, drafters, prompt
from backend.drafting.providers import Provider
from backend.errors import ProviderRejected, ProviderUnavailable
from backend.redaction import RedactedText
from backend.types import DraftText, Source

log = logging.getLogger(__name__)

SENTENCE_END = re.compile(r"[.!?](?=[\s)\"']|$)|\n")


@dataclass(frozen=True)
class Cited:
    """One citation in our terms: where the cited span ends, and which sources back it."""

    end: int
    markers: tuple[int, ...]


@drafters.register("cohere")
class CohereDrafter:
    def __init__(self, provider: Provider, api_key: str, tone: str = "") -> None:
        self.name = provider.name
        self.model = provider.model
        self._timeout = provider.timeout_seconds
        self._tone = tone
        # max_retries=0: retries, backoff and the breaker are ours (backend.drafting.resilience)
        self._client = cohere.ClientV2(
            api_key=api_key,
            base_url=provider.base_url or None,
            timeout=provider.timeout_seconds,
            max_retries=0,
        )

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        if on_text is None:
            reply: Any = self._chat(question, sources).message
        else:
            reply = self._chat_stream(question, sources, on_text)
        text, citations = read_reply(reply, len(sources))
        if not text.strip():
            raise ProviderRejected(f"{self.name} returned an empty reply")
        return DraftText(
            place_markers(text, citations), tuple(sources), (), (), self.name, self.model
        )

    def _chat(self, question: RedactedText, sources: Sequence[Source]) -> cohere.V2ChatResponse:
        with self._vendor_errors():
            return self._client.chat(
                model=self.model, messages=self._messages(question), documents=documents(sources)
            )

    def _chat_stream(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink
    ) -> StreamedReply:
        reply = StreamedReply()
        with self._vendor_errors():
            events = self._client.chat_stream(
                model=self.model, messages=self._messages(question), documents=documents(sources)
            )
            for event in events:
                reply.add(event, on_text)
        if not reply.ended:
            raise ProviderUnavailable(f"{self.name} stopped streaming before the reply ended")
        if reply.error:
            log.warning("cohere provider %s ended its stream with: %s", self.name, reply.error)
            raise ProviderUnavailable(f"{self.name} reported an error while streaming")
        return reply

    def _messages(self, question: RedactedText) -> cohere.ChatMessages:
        return [
            cohere.SystemChatMessageV2(content=prompt.system_message(self._tone, False)),
            cohere.UserChatMessageV2(content=question.text),
        ]

    @contextmanager
    def _vendor_errors(self) -> Iterator[None]:
        try:
            yield
        except ApiError as exc:
            raise mapped(self.name, exc) from exc
        except httpx.TimeoutException as exc:
            raise ProviderUnavailable(
                f"{self.name} did not answer within {self._timeout}s"
            ) from exc
        except httpx.TransportError as exc:
            log.warning("cohere provider %s unreachable: %s", self.name, exc)
            raise ProviderUnavailable(f"{self.name} could not be reached") from exc


@dataclass(frozen=True)
class TextPart:
    text: str
    type: str = "text"


@dataclass
class StreamedReply:
    """A ``chat_stream`` collected into what ``read_reply`` reads from a ``chat`` message."""

    parts: dict[int, list[str]] = field(default_factory=dict)
    citations: list[Any] = field(default_factory=list)
    ended: bool = False
    error: str | None = None

    @property
    def content(self) -> list[TextPart]:
        return [TextPart("".join(self.parts[index])) for index in sorted(self.parts)]

    def add(self, event: Any, on_text: TextSink) -> None:
        kind = getattr(event, "type", "")
        if kind == "content-delta":
            text = event.delta.message.content.text or ""
            self.parts.setdefault(event.index or 0, []).append(text)
            if text:
                on_text(text)
        elif kind == "citation-start":
            self.citations.append(event.delta.message.citations)
        elif kind == "message-end":
            self.ended = True
            self.error = event.delta.error if event.delta else None


def documents(sources: Sequence[Source]) -> list[cohere.Document]:
    """Source n becomes document id "n"; only redacted fields are sent."""
    return [
        cohere.Document(id=str(n), data=_document_data(source))
        for n, source in enumerate(sources, start=1)
    ]


def _document_data(source: Source) -> dict[str, Any]:
    data = {"title": source.title, "kind": prompt.kind_label(source)}
    if source.kind == "ticket":
        data["customer_question"] = source.text
    return {**data, "snippet": prompt.evidence(source)}


def mapped(provider: str, exc: ApiError) -> ProviderUnavailable | ProviderRejected:
    """The vendor's status decides; its message goes to the log, never into ours."""
    status = exc.status_code or 0
    log.warning("cohere provider %s answered HTTP %s: %s", provider, status, exc.body)
    if status == 429:
        return ProviderUnavailable(f"{provider} is rate limiting us", retry_after(exc.headers))
    if status >= 500 or status == 0:
        return ProviderUnavailable(f"{provider} had a server error (HTTP {status})")
    return ProviderRejected(f"{provider} refused the request (HTTP {status})")


def retry_after(headers: dict[str, str] | None) -> float | None:
    value = (headers or {}).get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # absent, or an HTTP date: our own backoff decides


def read_reply(message: Any, source_count: int) -> tuple[str, list[Cited]]:
    """The reply's text parts joined, and its citations shifted onto the joined text."""
    parts: list[str] = []
    offsets: dict[int, int] = {}
    for index, item in enumerate(message.content or []):
        if getattr(item, "type", "") == "text":
            offsets[index] = sum(len(part) for part in parts)
            parts.append(item.text)
    text = "".join(parts)
    cited = [
        Cited(offsets[_content_index(c, offsets)] + (c.end or 0), _markers(c, source_count))
        for c in message.citations or []
        if _content_index(c, offsets) in offsets and c.end is not None
    ]
    return text, [c for c in cited if c.markers]


def _content_index(citation: Any, offsets: dict[int, int]) -> int:
    if citation.content_index is not None:
        return int(citation.content_index)
    return min(offsets, default=-1)  # older replies omit it: the first text part


def _markers(citation: Any, source_count: int) -> tuple[int, ...]:
    """Document ids we sent ("1", "2", …); anything else points nowhere and is dropped."""
    found = []
    for source in citation.sources or []:
        document_id = getattr(source, "id", None) or ""
        if document_id.isdigit() and 1 <= int(document_id) <= source_count:
            found.append(int(document_id))
    return tuple(sorted(set(found)))


def place_markers(text: str, citations: Iterable[Cited]) -> str:
    """Insert `` [n]`` at the end of each sentence holding a cited span, once per source."""
    at: dict[int, set[int]] = {}
    for cited in citations:
        at.setdefault(_sentence_end(text, cited.end), set()).update(cited.markers)
    for position in sorted(at, reverse=True):  # from the back, so earlier offsets hold
        label = "".join(f" [{n}]" for n in sorted(at[position]))
        text = text[:position] + label + text[position:]
    return text


def _sentence_end(text: str, end: int) -> int:
    end = max(0, min(end, len(text)))
    found = SENTENCE_END.search(text, max(0, end - 1))
    if found is None:
        return len(text.rstrip())
    return found.start() if found.group() == "\n" else found.end()
