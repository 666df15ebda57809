"""Drafting providers: turn a redacted question and retrieved sources into cited text."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Protocol

from backend.redaction import RedactedText
from backend.registry import Registry
from backend.types import DraftText, Source


class TextSink(Protocol):
    """Where a drafter sends its text while it is being generated (still redacted)."""

    def __call__(self, chunk: str) -> None:
        """More text, in order; the chunks joined are the reply so far."""
        ...

    def reset(self) -> None:
        """Everything sent so far is void: the attempt failed and is retried or replaced."""
        ...


class Drafter(Protocol):
    name: str

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        """Text with [n] markers, n indexing ``sources`` from 1.

        With ``on_text`` the drafter may stream its text there as it is generated; the
        returned DraftText is still the whole, final draft and is what gets stored.
        """
        ...


class DrafterChoice(Protocol):
    """Which drafter a tenant may use (see backend/drafting/router.py)."""

    def for_tenant(self, tenant: str) -> Drafter: ...


def streams(drafter: Drafter) -> bool:
    """Whether ``drafter`` may hand out text before its draft is finished.

    A drafter whose ``draft`` takes no ``on_text`` cannot; one that takes it but never calls
    it (the offline drafter) says so with ``streams = False``.
    """
    takes_text = "on_text" in inspect.signature(drafter.draft).parameters
    return takes_text and bool(getattr(drafter, "streams", True))


def draft_with(
    drafter: Drafter, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None
) -> DraftText:
    """``drafter.draft``, passing ``on_text`` only to drafters that take it.

    Drafters written before streaming (test doubles, wrappers) keep working: they are called
    as before and their text simply arrives all at once, when the draft is ready.
    """
    if on_text is None or "on_text" not in inspect.signature(drafter.draft).parameters:
        return drafter.draft(question, sources)
    return drafter.draft(question, sources, on_text=on_text)


drafters: Registry[Drafter] = Registry(
    "drafter",
    {
        "offline": "backend.drafting.offline",
        "cohere": "backend.drafting.cohere",
        "openai-compatible": "backend.drafting.openai_compatible",
    },
)
