"""Knowledge gaps: tickets the help centre could not answer well, clustered by topic.

A ticket is a gap when its draft had weak evidence, no precedent (``knowledge_gap``) or terms
no source covered, or when the agent kept less than ``HEAVY_EDIT`` of it. Their topics (the
ticket's redacted question and its vector, from ``Topics``) are clustered greedily: each
ticket joins the closest cluster at ``similarity`` cosine or more, else starts one. Each
cluster has its size, trend (second half of the window against the first), redacted example
tickets and its top terms as a suggested article title.

The clustering itself, ``topic_clusters``, takes any tickets with a time, not only gaps:
escalation correctness groups escalated tickets by it (``cluster_titles``), so an intent
there is named the way a knowledge gap is.
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
SIMILARITY = 0.6  # cosine at or above which a ticket joins a cluster
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
    draft_id: str  # its newest draft in the window that was a gap
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
    similarity: float = SIMILARITY,
    examples: int = 3,
) -> list[GapCluster]:
    """Clusters of gap tickets, largest first."""
    tickets = {t.ticket_id: t for t in gap_tickets(session, tenant_id, window)}
    found = topic_clusters([(t.ticket_id, t.at) for t in tickets.values()], topics, similarity)
    clusters = [_gap_cluster(window, c, tickets, examples) for c in found]
    return sorted(clusters, key=lambda c: (-c.size, c.title))


@dataclass(frozen=True)
class TopicCluster:
    title: str  # its top terms, in the order its first ticket's question uses them
    terms: tuple[str, ...]
    tickets: tuple[str, ...]  # oldest first
    questions: tuple[str, ...]  # each ticket's redacted question, in the same order


def topic_clusters(
    tickets: Sequence[tuple[str, datetime]], topics: Topics, similarity: float = SIMILARITY
) -> list[TopicCluster]:
    """The tickets (id, time) whose topic can be read, clustered oldest first.

    A ticket given more than once counts at its newest time. Clusters come in the order of
    their first ticket.
    """
    ordered = _oldest_first(tickets)
    known = topics(ordered)
    ordered = [t for t in ordered if t in known]
    groups = _cluster([np.asarray(known[t].vector) for t in ordered], similarity)
    texts = {t: _words(known[t].text) for t in known}
    everywhere = Counter(w for words in texts.values() for w in words)
    return [_named([ordered[i] for i in g], known, texts, everywhere) for g in groups]


def cluster_titles(
    tickets: Sequence[tuple[str, datetime]],
    topics: Topics,
    similarity: float = SIMILARITY,
    least: int = 2,
) -> dict[str, str]:
    """Each ticket's cluster title. A ticket whose topic cannot be read is left out, and so
    is one whose cluster has fewer than ``least`` tickets: a lone ticket's own words would
    name it, and a title is shown as an aggregate's label."""
    found = topic_clusters(tickets, topics, similarity)
    return {t: c.title for c in found if len(c.tickets) >= least for t in c.tickets}


def _oldest_first(tickets: Sequence[tuple[str, datetime]]) -> list[str]:
    newest: dict[str, datetime] = {}
    for ticket_id, at in tickets:
        newest[ticket_id] = max(at, newest.get(ticket_id, at))
    return sorted(newest, key=lambda t: (newest[t], t))


def _cluster(vectors: list[np.ndarray], threshold: float) -> list[list[int]]:
    """Each vector joins the cluster whose centre (its members' mean direction) is closest,
    at ``threshold`` cosine or more, else starts one. The centres are rows of one matrix and
    each cluster keeps its members' sum, so a vector costs one product, however big the
    clusters grow."""
    groups: list[list[int]] = []
    if not vectors:
        return groups
    centres = np.zeros((len(vectors), len(vectors[0])))  # row k: cluster k's unit centre
    sums = np.zeros_like(centres)
    for i, vector in enumerate(vectors):
        scores = centres[: len(groups)] @ vector
        best = int(np.argmax(scores)) if len(groups) else -1
        if best >= 0 and scores[best] >= threshold:
            groups[best].append(i)
            sums[best] += vector
            centres[best] = sums[best] / (np.linalg.norm(sums[best]) or 1.0)
        else:
            centres[len(groups)], sums[len(groups)] = vector, vector
            groups.append([i])
    return groups


def _named(
    members: list[str],
    topics: Mapping[str, Topic],
    texts: Mapping[str, set[str]],
    everywhere: Counter[str],
) -> TopicCluster:
    inside = Counter(w for t in members for w in texts[t])
    ranked = sorted(inside, key=lambda w: (-(inside[w] ** 2) / everywhere[w], w))
    terms = tuple(ranked[:4])
    questions = tuple(topics[t].text for t in members)
    return TopicCluster(_title(terms, questions[0]), terms, tuple(members), questions)


def _gap_cluster(
    window: Window, cluster: TopicCluster, tickets: Mapping[str, GapTicket], examples: int
) -> GapCluster:
    members = [tickets[t] for t in cluster.tickets]
    earlier = sum(1 for t in members if t.at < window.middle)
    openings = map(_opening, cluster.questions[:examples])
    shown = tuple(zip(cluster.tickets[:examples], openings, strict=True))
    later = len(members) - earlier
    return GapCluster(
        cluster.title, cluster.terms, len(members), earlier, later, shown,
        tuple(members),
    )  # fmt: skip


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
