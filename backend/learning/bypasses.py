"""Gate bypasses for the policy review list: a gated, unapproved draft's text sent anyway.

Each with the rules that gated it and where its review stood when the list is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.gate.decision import GateDecision
from backend.learning.window import Window
from backend.models import Draft, Outcome, Reviewer, ReviewItem


@dataclass(frozen=True)
class Bypass:
    outcome_id: int
    draft_id: str
    ticket_id: str
    agent: str  # the verified agent; "" when no credential named one
    at: datetime
    similarity: float
    gate_status: str  # the draft's when the reply was recorded: review_required | rejected
    domains: tuple[str, ...]
    rules: tuple[str, ...]  # "policy/rule" of each rule that gated the draft
    review_status: str  # the review item's now: pending | approved | rejected; "" if none
    reviewer: str  # who decided it, if anyone


def gate_bypasses(session: Session, tenant_id: int, window: Window) -> list[Bypass]:
    """Newest first."""
    query = (
        select(Outcome, Draft.gate, ReviewItem.status, Reviewer.name)
        .join(Draft, Draft.id == Outcome.draft_id)
        .outerjoin(ReviewItem, ReviewItem.draft_id == Draft.id)
        .outerjoin(Reviewer, Reviewer.id == ReviewItem.reviewer_id)
        .where(
            Outcome.tenant_id == tenant_id,
            Outcome.bypass.is_(True),
            Outcome.created_at >= window.since,
            Outcome.created_at < window.until,
        )
        .order_by(Outcome.created_at.desc(), Outcome.id.desc())
    )
    return [_bypass(*row) for row in session.execute(query)]


def _bypass(
    outcome: Outcome, stored: dict[str, Any] | None, status: str | None, reviewer: str | None
) -> Bypass:
    decision = GateDecision.from_json(stored or {})
    hits = decision.hits if decision else ()
    rules = dict.fromkeys(f"{hit.policy}/{hit.rule}" for hit in hits)
    return Bypass(
        outcome_id=outcome.id,
        draft_id=outcome.draft_id,
        ticket_id=outcome.ticket_id,
        agent=outcome.agent or "",
        at=outcome.created_at,
        similarity=outcome.similarity or 0.0,
        gate_status=outcome.gate_status,
        domains=decision.domains if decision else (),
        rules=tuple(rules),
        review_status=status or "",
        reviewer=reviewer or "",
    )
