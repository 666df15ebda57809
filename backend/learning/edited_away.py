"""Edited-away sources: help-centre sections whose cited sentences agents remove or rewrite.

Each sentence of a draft that cites a source ``[n]`` is aligned with the closest sentence of
the reply the agent sent (both as stored: with the ticket's placeholders, so nothing personal
is read or shown). Closest at ``KEPT`` similarity or more: kept; at ``REMOVED`` or more:
changed substantially; below: removed. A section whose cited sentences are edited away at
``threshold`` or more, over at least ``min_cited`` of them, becomes a revision item for its
owner. Only replies that were sent count (accepted or edited).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.learning.outcomes import plain
from backend.learning.sql import decided
from backend.learning.window import Window
from backend.models import Citation, Draft, Outcome

KEPT = 0.8
REMOVED = 0.5
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
MARKERS = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


@dataclass(frozen=True)
class EditExample:
    draft_id: str
    cited: str  # the draft's sentence, markers removed
    sent: str  # the closest sentence of the reply; "" when removed


@dataclass
class SourceEdits:
    source_id: str
    title: str  # the section, as its citation card names it
    url: str
    cited: int = 0  # cited sentences in sent replies
    removed: int = 0
    changed: int = 0
    revise: bool = False  # a revision item for the content owner
    examples: list[EditExample] = field(default_factory=list)
    by_draft: dict[str, list[int]] = field(default_factory=dict)  # draft -> cited, removed, changed

    @property
    def rate(self) -> float:
        return round((self.removed + self.changed) / self.cited, 4) if self.cited else 0.0


def edited_away_sources(
    session: Session,
    tenant_id: int,
    window: Window,
    threshold: float = 0.3,
    min_cited: int = 5,
    examples: int = 3,
) -> list[SourceEdits]:
    """Every cited section, the most edited away first."""
    found: dict[tuple[str, str], SourceEdits] = {}
    for draft_id, draft_text, sent_text, cards in _sent_drafts(session, tenant_id, window):
        replies = [s for s in (plain(p) for p in SENTENCE_END.split(sent_text)) if s]
        for sentence, markers in _cited_sentences(draft_text):
            for marker in markers:
                if marker in cards:
                    source_id, title, url = cards[marker]
                    edits = found.setdefault((source_id, title), SourceEdits(source_id, title, url))
                    _count(edits, draft_id, sentence, replies, examples)
    for edits in found.values():
        edits.revise = edits.cited >= min_cited and edits.rate >= threshold
    return sorted(found.values(), key=lambda e: (-e.rate, -e.cited, e.source_id, e.title))


def _count(
    edits: SourceEdits, draft_id: str, sentence: str, replies: list[str], limit: int
) -> None:
    best, closest = max(
        ((Levenshtein.normalized_similarity(sentence, r), r) for r in replies),
        default=(0.0, ""),
    )
    edits.cited += 1
    share = edits.by_draft.setdefault(draft_id, [0, 0, 0])
    share[0] += 1
    if best >= KEPT:
        return
    if best >= REMOVED:
        edits.changed += 1
        share[2] += 1
    else:
        edits.removed += 1
        share[1] += 1
        closest = ""
    if len(edits.examples) < limit:
        edits.examples.append(EditExample(draft_id, sentence, closest))


def _cited_sentences(text: str) -> list[tuple[str, set[int]]]:
    cited = []
    for part in SENTENCE_END.split(text):
        markers = {int(n) for group in MARKERS.findall(part) for n in group.split(",")}
        if markers and plain(part):
            cited.append((plain(part), markers))
    return cited


Cards = dict[int, tuple[str, str, str]]


def _sent_drafts(
    session: Session, tenant_id: int, window: Window
) -> list[tuple[str, str, str, Cards]]:
    rows = decided(tenant_id, window)
    query = (
        select(Draft.id, Draft.text, Outcome.sent_text)
        .join(rows, rows.c.draft_id == Draft.id)
        .join(Outcome, Outcome.id == rows.c.outcome_id)
        .where(rows.c.action.in_(("accepted", "edited")), Outcome.sent_text.is_not(None))
        .order_by(Outcome.id)
    )
    sent = [(str(d), str(t or ""), str(s)) for d, t, s in session.execute(query)]
    cards: defaultdict[str, Cards] = defaultdict(dict)
    ids = [draft_id for draft_id, _, _ in sent]
    for c in session.scalars(select(Citation).where(Citation.draft_id.in_(ids))):
        cards[c.draft_id][c.marker] = (c.source_id, c.title, c.url or "")
    return [(d, t, s, cards[d]) for d, t, s in sent]
