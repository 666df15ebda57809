"""Escalation correctness: escalations the receiving team sends back or routes on.

Per intent, agent or team, each escalated draft in the window gets a fate from where the
ticket went next. The intent is read one of two ways:

- ``ticket_type``: the helpdesk's type field, as the agent or a form set it; often empty or
  coarse ("question", "incident");
- ``topic``: what the ticket asks, as its knowledge-gap topic cluster would name it. Each
  escalated ticket's topic (``Topics``: its stored query vector and redacted question, else
  the hashed words of its draft; backend/learning/topics.py) is clustered with the other
  escalated tickets' (``cluster_titles``, backend/learning/gaps.py) and the cluster's title
  is the key. A ticket whose topic cannot be read is keyed "" (unknown): ``DraftTopics``
  reads only the newest ``NEWEST`` tickets, enough for the few hundred escalations of a
  month. Two clusters that come out with one title are one row.

Where the ticket went next: its moves between teams after the escalating draft was made are
read first:

- from the helpdesk's own group changes (``team_changes``: Zendesk audits, Freshdesk and
  Zendesk webhooks; backend/learning/team_changes.py), when any moved it off the escalating
  team; else
- from the teams the ticket's later drafts recorded (a draft records the ticket's team when
  it is made), which miss moves between drafts.

*Sent back*: the ticket came back to the escalating team. *Re-routed*: it went on to a
further team. *Held*: one receiving team kept it. *Unseen*: neither source saw it leave the
escalating team. ``from_history`` counts the escalations judged from the helpdesk's changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import Subquery, and_, exists, func, select
from sqlalchemy.orm import Session

from backend.learning.gaps import Topics, cluster_titles
from backend.learning.sql import Filters, decided, plain_rows
from backend.learning.team_changes import TeamChange
from backend.learning.topics import DraftTopics
from backend.learning.window import Window
from backend.models import Draft

# By topic, the newest escalations clustered: a month of them at 100,000 outcomes in half a
# year, within the API's time budget (docs/benchmarks.md); older ones are left out, counted.
TOPICS = 1000
Escalation = Literal["ticket_type", "topic", "agent", "team"]  # the first two: the intent
ESCALATION_KEYS: tuple[Escalation, ...] = ("ticket_type", "topic", "agent", "team")


class Trail(NamedTuple):
    """One escalation and the teams its ticket was seen in afterwards, in order."""

    key: str
    team: str  # the escalating team
    later: list[str]
    ticket_id: str
    at: float  # when the escalation was recorded, seconds since 1970


Trails = dict[int, Trail]  # by outcome


@dataclass(frozen=True)
class EscalationRate:
    key: str
    escalations: int
    sent_back: int
    rerouted: int
    held: int
    unseen: int  # neither the helpdesk's changes nor a later draft saw the ticket move
    from_history: int  # judged from the helpdesk's group changes; the others seen, from drafts

    @property
    def from_drafts(self) -> int:
        return self.escalations - self.unseen - self.from_history

    @property
    def wrong_rate(self) -> float:
        """Sent back or re-routed, of the escalations whose destination was seen."""
        seen = self.escalations - self.unseen
        return round((self.sent_back + self.rerouted) / seen, 4) if seen else 0.0


def escalation_correctness(
    session: Session,
    tenant_id: int,
    window: Window,
    by: Escalation = "ticket_type",
    filters: Filters | None = None,
    topics: Topics | None = None,  # by topic; None: the stored ones (DraftTopics)
) -> list[EscalationRate]:
    rows = decided(tenant_id, window, filters)
    history = _trails(session, _moves(rows, tenant_id), by)
    if by == "topic":
        history = _by_topic(history, topics or DraftTopics(session, tenant_id, limit=TOPICS))
    # later drafts are read only for the escalations the helpdesk's changes did not settle
    unsettled = any(_fate(t.team, t.later) == "unseen" for t in history.values())
    drafts = _trails(session, _later_drafts(rows, tenant_id), by) if unsettled else {}
    return _rates(history, drafts)


def _escalating_draft_made(rows: Subquery) -> Any:
    return select(Draft.created_at).where(Draft.id == rows.c.draft_id).scalar_subquery()


def _escalating_draft_seen(rows: Subquery) -> Any:
    """When the agent saw the escalating draft (else when it was made): a draft made ahead
    from a webhook may wait hours, and a move in those hours came before the escalation."""
    seen = func.coalesce(Draft.shown_at, Draft.created_at)
    # named: inside NOT EXISTS the escalation's row is two levels up, past auto-correlation
    return select(seen).where(Draft.id == rows.c.draft_id).correlate(rows).scalar_subquery()


def _moves_after(rows: Subquery, tenant_id: int, move: Any) -> Any:
    return and_(
        move.c.tenant_id == tenant_id,
        move.c.ticket_id == rows.c.ticket_id,
        move.c.at >= _escalating_draft_seen(rows),
    )


def _moves(rows: Subquery, tenant_id: int) -> Any:
    """Each escalation with the teams the helpdesk moved its ticket to afterwards."""
    move = TeamChange.__table__.alias("move")
    after = _moves_after(rows, tenant_id, move)
    return _with_teams(rows, move, after, move.c.to_team, (move.c.at, move.c.id))


def _later_drafts(rows: Subquery, tenant_id: int) -> Any:
    """The escalations no move took off the escalating team, with the teams their tickets'
    later drafts recorded."""
    later, move = Draft.__table__.alias("later"), TeamChange.__table__.alias("move")
    after = and_(
        later.c.tenant_id == tenant_id,
        later.c.ticket_id == rows.c.ticket_id,
        later.c.created_at > _escalating_draft_made(rows),
    )
    left = and_(_moves_after(rows, tenant_id, move), move.c.to_team != rows.c.team)
    query = _with_teams(rows, later, after, later.c.team, (later.c.created_at,))
    return query.where(~exists().where(left))


def _with_teams(rows: Subquery, table: Any, after: Any, team: Any, order: tuple[Any, ...]) -> Any:
    return (
        select(
            rows.c.outcome_id,
            rows.c.ticket_type,
            rows.c.agent,
            rows.c.team,
            rows.c.ticket_id,
            rows.c.at_seconds,
            team,
        )
        .outerjoin(table, after)
        .where(rows.c.action == "escalated")
        .order_by(rows.c.outcome_id, *order)
    )


def _trails(session: Session, query: Any, by: Escalation) -> Trails:
    trails: Trails = {}
    # the driver's rows (strings and numbers): thousands of escalations over half a year
    for outcome_id, ticket_type, agent, team, ticket_id, at, moved_to in plain_rows(session, query):
        entry = trails.get(outcome_id)
        if entry is None:
            # by topic the key is known only once all the escalated tickets are clustered
            key = {"ticket_type": ticket_type, "topic": "", "agent": agent, "team": team}[by]
            entry = trails[outcome_id] = Trail(str(key), str(team), [], ticket_id, float(at))
        if moved_to is not None:
            entry.later.append(str(moved_to))
    return trails


def _by_topic(trails: Trails, topics: Topics) -> Trails:
    """The newest ``TOPICS`` escalations, each keyed by its ticket's topic cluster title (""
    when unreadable or alone in its cluster); older ones are left out (``left_out``)."""
    newest = dict(sorted(trails.items(), key=lambda kept: kept[1].at)[-TOPICS:])
    when = [(t.ticket_id, datetime.fromtimestamp(t.at, UTC)) for t in newest.values()]
    titles = cluster_titles(when, topics)
    return {o: t._replace(key=titles.get(t.ticket_id, "")) for o, t in newest.items()}


def left_out(
    session: Session, tenant_id: int, window: Window, filters: Filters | None = None
) -> int:
    """Escalations of the window that ``by="topic"`` leaves out: all but the newest
    ``TOPICS``."""
    rows = decided(tenant_id, window, filters)
    escalations = session.scalar(select(func.count()).where(rows.c.action == "escalated")) or 0
    return max(escalations - TOPICS, 0)


def _fate(team: str, later: list[str]) -> str:
    moved = [i for i, t in enumerate(later) if t != team]
    if not moved:
        return "unseen"  # nothing later, or nothing that saw another team
    if team in later[moved[0] :]:
        return "sent_back"
    return "rerouted" if len(set(later[moved[0] :])) > 1 else "held"


def _judged(history: Trails, drafts: Trails) -> Iterable[tuple[str, str, bool]]:
    """(key, fate, from the helpdesk's changes) per escalation."""
    for outcome_id, trail in history.items():
        fate = _fate(trail.team, trail.later)
        if fate != "unseen":
            yield trail.key, fate, True
        else:
            later = drafts[outcome_id].later if outcome_id in drafts else []
            yield trail.key, _fate(trail.team, later), False


def _rates(history: Trails, drafts: Trails) -> list[EscalationRate]:
    tally: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, fate, from_history in _judged(history, drafts):
        tally[key][fate] += 1
        tally[key]["from_history"] += from_history
    rates = [
        EscalationRate(
            key,
            sum(c[f] for f in ("sent_back", "rerouted", "held", "unseen")),
            c["sent_back"],
            c["rerouted"],
            c["held"],
            c["unseen"],
            c["from_history"],
        )
        for key, c in tally.items()
    ]
    return sorted(rates, key=lambda r: (-r.escalations, r.key))
