"""Pre-drafting: a "ticket created" webhook starts the draft before any agent opens the ticket.

The draft is made exactly as ``POST /api/v1/drafts`` makes one (``DraftStore.request``,
committed, then the Celery task) and marked ``awaiting_pickup``. The sidebar's first
``POST /api/v1/drafts`` for that ticket is then handed this draft — queued, running or
already ready — instead of starting another, and stamps it with the ticket's version; later
requests find it by that version (backend/drafts/version.py), and "Draft again" starts a new one.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from backend import audit
from backend.db import db, rows_changed
from backend.drafts import DraftStore
from backend.models import Draft, Tenant


def request_predraft(
    store: DraftStore, tenant: str, ticket_id: str, actor: str
) -> tuple[Draft, bool]:
    """The ticket's draft: the one it already has (a webhook delivered twice, or an agent
    was quicker), else a new one, committed; the caller enqueues a new one (``created``)."""
    existing = _existing(tenant, ticket_id)
    if existing is not None:
        return existing, False
    return store.request(tenant, ticket_id, actor, awaiting_pickup=True)


def pick_up(tenant: str, ticket_id: str, actor: str, version: str | None = None) -> Draft | None:
    """The pre-drafted draft of this ticket, once, unless it failed.

    Taken by a compare-and-set on ``awaiting_pickup``: of two requests at once, one gets it;
    the other is handled as a later request (None). The webhook did not read the ticket, so
    the draft takes the ``version`` of the request that picks it up: it was drafted from the
    ticket as it was created, moments before an agent opened it.
    """
    with db.session() as session:
        draft = session.scalars(
            select(Draft)
            .options(selectinload(Draft.citations))
            .join(Tenant)
            .where(
                Tenant.slug == tenant,
                Draft.ticket_id == ticket_id,
                Draft.awaiting_pickup.is_(True),
                Draft.status != "failed",
            )
            .order_by(Draft.created_at.desc())
            .limit(1)
        ).first()
        if draft is None or not _take(session, draft, version):
            return None
        details = {"ticket_id": ticket_id, "status": draft.status}
        audit.record(
            session, draft.tenant_id, actor, "draft.picked_up", f"draft:{draft.id}", details
        )
        return draft


def _take(session: Session, draft: Draft, version: str | None) -> bool:
    stamped = draft.version or version
    taken = rows_changed(
        session,
        update(Draft)
        .where(Draft.id == draft.id, Draft.awaiting_pickup.is_(True))
        .values(awaiting_pickup=False, version=stamped),
    )
    if taken:  # as the row now is; no re-write
        set_committed_value(draft, "awaiting_pickup", False)
        set_committed_value(draft, "version", stamped)
    return taken == 1


def _existing(tenant: str, ticket_id: str) -> Draft | None:
    with db.session() as session:
        return session.scalars(
            select(Draft)
            .join(Tenant)
            .where(Tenant.slug == tenant, Draft.ticket_id == ticket_id, Draft.status != "failed")
            .order_by(Draft.created_at.desc())
            .limit(1)
        ).first()
