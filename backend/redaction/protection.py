"""What must survive redaction, found on the full text before any entity is kept.

Presidio's own ``allow_list`` only sees the substring a recognizer detected, so an order id
tagged as a phone ("2024-118734" inside "ORD-2024-118734") slips past it. Here the id rules
of ``policies/redaction.yaml`` and the tenant's allow-list run over the whole text. An entity
overlapping an id is dropped; an entity is allow-listed only when allowed terms make up all of
it (so "jane@example.org" is still redacted when "Jane" is allowed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from backend.redaction.config import ProtectRule

ALLOW = "allow-list"


@dataclass(frozen=True)
class Shield:
    """Characters ``start:end`` survive because of ``rule`` (a protect rule or the allow-list)."""

    start: int
    end: int
    rule: str


def shields(text: str, rules: Sequence[ProtectRule], allowed: Sequence[str]) -> list[Shield]:
    """Every protected span of ``text``, in reading order."""
    found = [
        Shield(m.start(), m.end(), rule.name)
        for rule in rules
        for m in rule.pattern.finditer(text)
        if m.end() > m.start()
    ]
    if allowed:
        terms = _allow_regex(tuple(allowed)).finditer(text)
        found += [Shield(m.start(), m.end(), ALLOW) for m in terms]
    return sorted(found, key=lambda s: (s.start, s.end))


def covering(start: int, end: int, protected: Iterable[Shield]) -> Shield | None:
    """The first id rule's span overlapping ``start:end``, if any."""
    return next((s for s in protected if s.rule != ALLOW and s.start < end and start < s.end), None)


def allowed_term(text: str, start: int, end: int, protected: Iterable[Shield]) -> str | None:
    """The allowed term when allowed terms make up all of ``text[start:end]``, else None."""
    terms = [s for s in protected if s.rule == ALLOW and start <= s.start and s.end <= end]
    rest = list(text[start:end])
    for s in terms:
        rest[s.start - start : s.end - start] = " " * (s.end - s.start)
    if not terms or any(ch.isalnum() for ch in rest):
        return None
    return text[terms[0].start : terms[0].end]


def trim_allowed(
    text: str, start: int, end: int, protected: Iterable[Shield]
) -> tuple[int, int, str] | None:
    """``start:end`` without allowed terms at its edges ("Breeze Max" → "Max"), or None.

    Only for names and places found by the NER model, whose spans often run into a product
    name; a structured value (an e-mail) is never cut, or part of it would be left visible.
    """
    terms = [s for s in protected if s.rule == ALLOW and s.start < end and start < s.end]
    if not terms:
        return None
    term = text[terms[0].start : terms[0].end]
    for s in sorted(terms, key=lambda s: s.start):
        if s.start <= start < s.end:
            start = s.end
    for s in sorted(terms, key=lambda s: -s.end):
        if s.start < end <= s.end:
            end = s.start
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end, term


@lru_cache(maxsize=64)
def _allow_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "Tidewater Pro" wins over "Tidewater"; whole words, any case.
    alternatives = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
