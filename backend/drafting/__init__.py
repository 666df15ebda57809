"""Drafting providers: turn a redacted question and retrieved sources into cited text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from backend.redaction import RedactedText
from backend.registry import Registry
from backend.types import DraftText, Source


class Drafter(Protocol):
    name: str

    def draft(self, question: RedactedText, sources: Sequence[Source]) -> DraftText:
        """Text with [n] markers, n indexing ``sources`` from 1."""
        ...


class DrafterChoice(Protocol):
    """Which drafter a tenant may use (see backend/drafting/router.py)."""

    def for_tenant(self, tenant: str) -> Drafter: ...


drafters: Registry[Drafter] = Registry(
    "drafter",
    {
        "offline": "backend.drafting.offline",
        "cohere": "backend.drafting.cohere",
        "openai-compatible": "backend.drafting.openai_compatible",
    },
)
