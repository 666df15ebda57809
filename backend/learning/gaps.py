"""Knowledge gaps: tickets the help centre could not answer well, clustered by topic.

A ticket is a gap when its draft had weak evidence, no precedent (``knowledge_gap``) or terms
no source covered, or when the agent kept less than ``HEAVY_EDIT`` of it. Their topics (the
ticket's redacted question and its vector, from ``Topics``) are clustered greedily: each
ticket joins the closest cluster at ``similarity`` cosine or more, else starts one. Each
cluster has its size, trend (second half of the window against the first), redacted example
tickets and its top terms as a suggested article title.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import numpy as np
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from backend.learning.window import Window
from backend.models import Draft, Outcome

GAP_FLAGS = ("weak_evidence", "knowledge_gap", "uncovered_terms")
HEAVY_EDIT = 0.5  # similarity of the sent reply to the draft below this: heavily edited
PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
STOP = frozenset(
    "the and for you your with this that have has was are not but can our from will what "
    "when how why who which there their they them then than into out about just been also "
    "would could should please thanks thank hello dear any all get got does did its it's "
    "my me we us hi regards between could find article team checking works".split()
)


@dataclass(frozen=True)
class Topic:
    text: str  # the ticket's question, redacted
    vector: Sequence[float]  # L2-normalised, as the index embeds it


class Topics(Protocol):
    def __call__(self, ticket_ids: Sequence[str]) -> Mapping[str, Topic]:
        """The topic of each ticket it can read; others are left out."""
        ...


@dataclass(frozen=True)
class GapTicket:
    ticket_id: str
    draft_id: str  # its newest draft in the window
    at: datetime
    reasons: tuple[str, ...]  # gap flags, and heavy_edit


@dataclass(frozen=True)
class GapCluster:
    title: str  # its top terms: a suggested article title
    terms: tuple[str, ...]
    size: int
    earlier: int  # tickets in the first half of the window
    later: int  # and in the second
    examples: tuple[tuple[str, str], ...]  # (ticket id, redacted question opening)
    members: tuple[GapTicket, ...] = ()

    @property
    def trend(self) -> str:
        return trend(self.earlier, self.later)


def trend(earlier: int, later: int) -> str:
    """The second half of a window against the first."""
    if later == earlier:
        return "steady"
    return "rising" if later > earlier else "falling"


def gap_tickets(session: Session, tenant_id: int, window: Window) -> list[GapTicket]:
    """Tickets whose newest draft in the window is a gap, oldest first."""
    # each draft's outcomes by their draft id (indexed), not a tenant-wide subquery that
    # SQLite scanned once per draft
    sims = and_(Outcome.draft_id == Draft.id, Outcome.similarity.is_not(None))
    query = (
        select(Draft.id, Draft.ticket_id, Draft.completed_at, Draft.flags, Outcome.similarity)
        .outerjoin(Outcome, sims)
        .where(
            Draft.tenant_id == tenant_id,
            Draft.status == "ready",
            Draft.completed_at >= window.since,
            Draft.completed_at < window.until,
        )
        .order_by(Draft.completed_at)
    )
    found: dict[str, GapTicket] = {}
    for draft_id, ticket_id, at, flags, similarity in session.execute(query):
        reasons = [f for f in GAP_FLAGS if f in (flags or ())]
        if similarity is not None and similarity < HEAVY_EDIT:
            reasons.append("heavy_edit")
        if reasons and at is not None:  # never None: the window bounds completed_at
            at = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite keeps no zone
            reasons_once = tuple(dict.fromkeys(reasons))
            found[ticket_id] = GapTicket(ticket_id, draft_id, at, reasons_once)
    return sorted(found.values(), key=lambda t: (t.at, t.ticket_id))


def knowledge_gaps(
    session: Session,
    tenant_id: int,
    window: Window,
    topics: Topics,
    similarity: float = 0.6,
    examples: int = 3,
) -> list[GapCluster]:
    """Clusters of gap tickets, largest first."""
    tickets = gap_tickets(session, tenant_id, window)
    known = topics([t.ticket_id for t in tickets])
    tickets = [t for t in tickets if t.ticket_id in known]
    groups = _cluster([np.asarray(known[t.ticket_id].vector) for t in tickets], similarity)
    texts = {t: _words(known[t].text) for t in known}
    clusters = [_describe(window, [tickets[i] for i in g], known, texts, examples) for g in groups]
    return sorted(clusters, key=lambda c: (-c.size, c.title))


def _cluster(vectors: list[np.ndarray], threshold: float) -> list[list[int]]:
    groups: list[list[int]] = []
    centres: list[np.ndarray] = []
    for i, vector in enumerate(vectors):
        scores = [float(vector @ c) for c in centres]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= threshold:
            groups[best].append(i)
            centre = np.mean([vectors[j] for j in groups[best]], axis=0)
            centres[best] = centre / (np.linalg.norm(centre) or 1.0)
        else:
            groups.append([i])
            centres.append(vector)
    return groups


def _describe(
    window: Window,
    members: list[GapTicket],
    topics: Mapping[str, Topic],
    texts: Mapping[str, set[str]],
    examples: int,
) -> GapCluster:
    inside = Counter(w for t in members for w in texts[t.ticket_id])
    everywhere = Counter(w for words in texts.values() for w in words)
    ranked = sorted(inside, key=lambda w: (-(inside[w] ** 2) / everywhere[w], w))
    terms = tuple(ranked[:4])
    earlier = sum(1 for t in members if t.at < window.middle)
    shown = tuple((t.ticket_id, _opening(topics[t.ticket_id].text)) for t in members[:examples])
    title = _title(terms, topics[members[0].ticket_id].text)
    later = len(members) - earlier
    return GapCluster(title, terms, len(members), earlier, later, shown, tuple(members))


def _title(terms: tuple[str, ...], text: str) -> str:
    """The terms in the order the cluster's first ticket uses them, as a phrase reads."""
    lowered = text.lower()
    ordered = sorted(terms, key=lambda t: (lowered.find(t) % (len(lowered) + 1), t))
    return " ".join(ordered).capitalize()


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(PLACEHOLDER.sub(" ", text).lower()) if w not in STOP}


def _opening(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
