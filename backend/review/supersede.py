"""One open review item per ticket: a newer draft of the ticket supersedes older items.

When a draft of a ticket is finished, the pending review items of the ticket's older drafts
are marked ``superseded`` with the newer draft's id: the agent sees the newer draft, so the
old one is not worth a reviewer's time, and the queue says so with a link. A decided item
(approved or rejected) keeps its decision: it belongs to its draft and version.

A draft that finishes after a newer one of its ticket (a slow worker) opens its item already
superseded by that newer one, so the queue never goes back to an older draft.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend import audit
from backend.db import rows_changed
from backend.models import Draft, ReviewItem, utcnow

PENDING = "pending"
SUPERSEDED = "superseded"


def newer_draft(session: Session, draft: Draft) -> str | None:
    """The id of a ready draft of the same ticket requested after ``draft``, if any."""
    return session.scalar(
        select(Draft.id)
        .where(
            Draft.tenant_id == draft.tenant_id,
            Draft.ticket_id == draft.ticket_id,
            Draft.status == "ready",
            Draft.created_at > draft.created_at,
        )
        .order_by(Draft.created_at.desc())
        .limit(1)
    )


def supersede_older(session: Session, draft: Draft) -> list[int]:
    """Mark the pending items of the ticket's older drafts superseded by ``draft``.

    Each is a compare-and-set on ``pending``: a reviewer's decision that got there first
    stands. Returns the ids of the items superseded, each audited.
    """
    older = session.scalars(
        select(ReviewItem.id)
        .join(Draft, ReviewItem.draft_id == Draft.id)
        .where(
            ReviewItem.tenant_id == draft.tenant_id,
            ReviewItem.status == PENDING,
            Draft.ticket_id == draft.ticket_id,
            Draft.id != draft.id,
            Draft.created_at <= draft.created_at,
        )
    ).all()
    return [item_id for item_id in older if _supersede(session, item_id, draft)]


def _supersede(session: Session, item_id: int, draft: Draft) -> bool:
    won = rows_changed(
        session,
        update(ReviewItem)
        .where(ReviewItem.id == item_id, ReviewItem.status == PENDING)
        .values(status=SUPERSEDED, superseded_by=draft.id, decided_at=utcnow()),
    )
    if won:
        details = {"superseded_by": draft.id, "ticket_id": draft.ticket_id}
        audit.record(
            session, draft.tenant_id, "gate", "review.superseded", f"review:{item_id}", details
        )
    return bool(won)


def successor_item(session: Session, item: ReviewItem) -> int | None:
    """The review item of the draft that superseded ``item``; None when that draft needed
    no review (or there is none)."""
    if not item.superseded_by:
        return None
    return session.scalar(select(ReviewItem.id).where(ReviewItem.draft_id == item.superseded_by))


def successor_of(session: Session, draft: Draft) -> str | None:
    """The newer draft whose review replaced ``draft``'s, if one did."""
    item = session.scalars(select(ReviewItem).where(ReviewItem.draft_id == draft.id)).first()
    return item.superseded_by if item and item.status == SUPERSEDED else None
