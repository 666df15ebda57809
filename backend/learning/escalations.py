"""Escalation correctness: escalations the receiving team sends back or routes on.

What the stored data allows: a draft records the ticket's team (helpdesk group) when it is
made, so a ticket's later drafts show where it went after an escalation. An escalation is
*sent back* when a later draft finds the ticket with the escalating team again, *re-routed*
when later drafts find it with two or more other teams, *held* when one other team kept it,
and *unseen* when no later draft saw another team. The helpdesk's own group-change history (Zendesk
ticket audits, Freshdesk activities) is not read yet, so moves between drafts are not seen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from backend.learning.sql import decided
from backend.learning.window import Window
from backend.models import Draft

Escalation = Literal["ticket_type", "agent", "team"]  # ticket_type stands for the intent


@dataclass(frozen=True)
class EscalationRate:
    key: str
    escalations: int
    sent_back: int
    rerouted: int
    held: int
    unseen: int  # no later draft: where the ticket went is not known

    @property
    def wrong_rate(self) -> float:
        """Sent back or re-routed, of the escalations whose destination was seen."""
        seen = self.escalations - self.unseen
        return round((self.sent_back + self.rerouted) / seen, 4) if seen else 0.0


def escalation_correctness(
    session: Session, tenant_id: int, window: Window, by: Escalation = "ticket_type"
) -> list[EscalationRate]:
    rows = decided(tenant_id, window)
    escalating = select(Draft.created_at).where(Draft.id == rows.c.draft_id).scalar_subquery()
    later = Draft.__table__.alias("later")
    query = (
        select(rows.c.outcome_id, rows.c[by], rows.c.team, later.c.team)
        .outerjoin(
            later,
            and_(
                later.c.tenant_id == tenant_id,
                later.c.ticket_id == rows.c.ticket_id,
                later.c.created_at > escalating,
            ),
        )
        .where(rows.c.action == "escalated")
        .order_by(rows.c.outcome_id, later.c.created_at)
    )
    trail: dict[int, tuple[str, str, list[str]]] = {}
    for outcome_id, key, team, later_team in session.execute(query):
        entry = trail.setdefault(outcome_id, (str(key), str(team), []))
        if later_team is not None:
            entry[2].append(str(later_team))
    return _rates(trail.values())


def _fate(team: str, later: list[str]) -> str:
    moved = [i for i, t in enumerate(later) if t != team]
    if not moved:
        return "unseen"  # no later draft, or none that saw another team
    if team in later[moved[0] :]:
        return "sent_back"
    return "rerouted" if len(set(later[moved[0] :])) > 1 else "held"


def _rates(trails: Iterable[tuple[str, str, list[str]]]) -> list[EscalationRate]:
    tally: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, team, later in trails:
        tally[key][_fate(team, later)] += 1
    rates = [
        EscalationRate(key, sum(c.values()), c["sent_back"], c["rerouted"], c["held"], c["unseen"])
        for key, c in tally.items()
    ]
    return sorted(rates, key=lambda r: (-r.escalations, r.key))
