"""What happens when a model provider fails: retry, stop calling, and still deliver a draft.

Timeouts, 429 and 5xx (``ProviderUnavailable``) are retried with exponential backoff and
jitter. A circuit breaker per provider opens after a run of consecutive failures, so a
provider that is down is not called again until a cool-down has passed; then one trial
call decides whether it closes again. When the provider cannot answer, the offline drafter
writes an evidence-only draft flagged ``model_unavailable``: the draft is never lost. The
vendor's own error text is logged by the provider module, never shown to the agent.

Streamed text belongs to one attempt: when that attempt fails, ``on_text.reset()`` voids
what it sent, so a retry starts on a clean slate and half a draft is never left standing.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from backend.drafting import Drafter, TextSink, draft_with, streams
from backend.drafting.offline import GAP_BELOW
from backend.errors import ProviderRejected, ProviderUnavailable
from backend.redaction import RedactedText
from backend.types import DraftText, Source

log = logging.getLogger(__name__)

MODEL_UNAVAILABLE = "model_unavailable"
MAX_DELAY_SECONDS = 8.0


class CircuitOpen(ProviderUnavailable):
    """The breaker is open: the provider is not called at all."""

    code = "provider_circuit_open"


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    backoff_seconds: float = 0.5

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds before retry number ``retry`` (0-based): doubling, with jitter, capped."""
        ceiling = min(MAX_DELAY_SECONDS, self.backoff_seconds * 2.0**retry)
        # Jitter keeps many workers that failed together from retrying in lockstep.
        jittered = ceiling * random.uniform(0.5, 1.0)
        if retry_after is not None:
            return max(jittered, min(retry_after, MAX_DELAY_SECONDS))
        return jittered


class CircuitBreaker:
    """Closed → open after ``failures`` in a row → half-open after ``cooldown`` seconds."""

    def __init__(
        self, failures: int, cooldown: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._threshold = failures
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def allow(self) -> bool:
        """May we call now? In half-open state only one trial call goes through."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half-open" and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def succeeded(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial_running = 0, None, False

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self._threshold:
                self._opened_at = self._clock()  # (re)open: a failed trial restarts the wait
            self._trial_running = False

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._cooldown:
            return "half-open"
        return "open"


class Guarded:
    """A model drafter behind retries and a breaker, with the offline drafter to fall back on."""

    def __init__(
        self,
        remote: Drafter,
        fallback: Drafter,
        breaker: CircuitBreaker,
        retry: RetryPolicy,
        verification: dict[str, object],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = remote.name
        self.streams = streams(remote)
        self._remote, self._fallback = remote, fallback
        self._breaker, self._retry, self._sleep = breaker, retry, sleep
        self._verification = verification

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        if not any(source.score >= GAP_BELOW for source in sources):
            # No evidence at all: a model could only guess, so the offline drafter says so.
            return self._fallback.draft(question, sources)
        try:
            drafted = self._with_retries(question, sources, on_text)
        except (ProviderUnavailable, ProviderRejected) as exc:
            log.warning("provider %s failed (%s): %s", self.name, exc.code, exc.message)
            return self._evidence_only(question, sources, exc.message, exc.code)
        except Exception:
            log.exception("provider %s failed unexpectedly", self.name)
            _void(on_text)
            self._breaker.failed()
            why = f"{self.name} failed unexpectedly"
            return self._evidence_only(question, sources, why, "internal_error")
        return replace(drafted, verification=self._verification)

    def _with_retries(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None
    ) -> DraftText:
        for retry in range(self._retry.max_retries + 1):
            if not self._breaker.allow():
                raise CircuitOpen(f"{self.name} failed repeatedly and is paused")
            try:
                drafted = draft_with(self._remote, question, sources, on_text)
            except ProviderUnavailable as exc:
                _void(on_text)
                self._breaker.failed()
                if retry == self._retry.max_retries:
                    raise
                self._sleep(self._retry.delay(retry, exc.retry_after))
                continue
            except ProviderRejected:
                _void(on_text)
                self._breaker.failed()  # a bad key fails every call: stop hammering too
                raise
            self._breaker.succeeded()
            return drafted
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _evidence_only(
        self, question: RedactedText, sources: Sequence[Source], why: str, error: str
    ) -> DraftText:
        drafted = self._fallback.draft(question, sources)
        note = (
            f"Model unavailable — evidence-only draft: {why}. The text below is stitched "
            "from the cited sources; check it reads well before sending."
        )
        return replace(
            drafted,
            flags=(MODEL_UNAVAILABLE, *drafted.flags),
            notes=(note, *drafted.notes),
            verification={**self._verification, "outcome": "fallback", "error": error},
        )


def _void(on_text: TextSink | None) -> None:
    if on_text is not None:
        on_text.reset()
