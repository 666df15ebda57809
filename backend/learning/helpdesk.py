"""A reply the helpdesk stored (from a webhook) as the outcome of the ticket's draft.

Which draft: the newest ready draft of the ticket. The comment counts only if the agent
used that draft (reported an outcome from the sidebar, or inserted it) or if the draft is
gated and unapproved (so a gated text retyped or pasted by hand is still caught as a
bypass). The first reply after a draft is its outcome; later ones are ignored, except that
while the draft is gated and unapproved every agent comment is checked, and one close to the
gated text is recorded as a bypass (a note posted first must not hide the paste that
follows). A repeated delivery of the same comment is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import review
from backend.learning.outcomes import (
    KEPT_ACTIONS,
    Report,
    hold,
    is_bypass,
    measure,
    record,
    unconfirmed_sidebar_report,
)
from backend.models import Draft, Outcome, utcnow
from backend.redaction.at_rest import TicketTexts


@dataclass(frozen=True)
class HelpdeskComment:
    ticket_id: str
    comment_id: str
    body: str
    public: bool
    author: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Recorded:
    outcome: Outcome | None
    result: str  # outcome_recorded, or why nothing was recorded


def record_comment(
    session: Session, tenant_id: int, comment: HelpdeskComment, actor: str, texts: TicketTexts
) -> Recorded:
    """``texts``: the comment's ticket's placeholders (its draft is stored with them)."""
    draft = _latest_ready_draft(session, tenant_id, comment.ticket_id)
    if draft is None:
        return Recorded(None, "ignored: no ready draft for this ticket")
    hold(session, draft)  # one delivery at a time per draft; the gate status as it is now
    if _already_recorded(session, tenant_id, comment.comment_id):
        return Recorded(None, "ignored: this comment was already recorded")
    if _has_webhook_outcome(session, draft.id) and not _bypasses(draft, comment, texts):
        return Recorded(None, "ignored: an earlier reply is this draft's outcome")
    previous = unconfirmed_sidebar_report(session, draft.id)
    used = previous is not None or draft.inserted_at is not None
    if not used and draft.gate_status not in review.GATED:
        return Recorded(None, "ignored: the agent did not use this draft")
    kept = previous.action if previous and previous.action in KEPT_ACTIONS else None
    report = Report(
        source="webhook",
        sent_text=comment.body,
        sent_type="public" if comment.public else "internal",
        action=kept,
        agent=comment.author or (previous.agent if previous else None),
        comment_id=comment.comment_id,
        sent_at=comment.created_at or utcnow(),
    )
    outcome = record(session, draft, report, actor, texts, confirms=previous)
    return Recorded(outcome, "outcome_recorded")


def _bypasses(draft: Draft, comment: HelpdeskComment, texts: TicketTexts) -> bool:
    return is_bypass(draft, measure(texts.restore(draft.text or ""), comment.body))


def _latest_ready_draft(session: Session, tenant_id: int, ticket_id: str) -> Draft | None:
    return session.scalars(
        select(Draft)
        .where(Draft.tenant_id == tenant_id, Draft.ticket_id == ticket_id, Draft.status == "ready")
        .order_by(Draft.completed_at.desc(), Draft.created_at.desc())
        .limit(1)
    ).first()


def _already_recorded(session: Session, tenant_id: int, comment_id: str) -> bool:
    found = session.scalars(
        select(Outcome.id).where(Outcome.tenant_id == tenant_id, Outcome.comment_id == comment_id)
    ).first()
    return found is not None


def _has_webhook_outcome(session: Session, draft_id: str) -> bool:
    found = session.scalars(
        select(Outcome.id).where(Outcome.draft_id == draft_id, Outcome.source == "webhook")
    ).first()
    return found is not None
