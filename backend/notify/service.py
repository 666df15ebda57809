"""Who is told about which review item, and when; every delivery and failure is audited.

``notify_review_item`` tells the reviewers eligible for one pending item now (the Celery task
``backend.tasks.notify_review`` calls it once the item's transaction has committed).
``send_digests`` gives each reviewer one notice listing every pending item not yet notified
that they may decide (``PRECEDENT_NOTIFY_DIGEST_MINUTES``). An item counts as notified once
at least one reviewer got it; a failure is logged and audited, and never touches the item.
Delivery is at least once: a worker lost between sending and recording sends again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit, review
from backend.errors import PrecedentError
from backend.models import Reviewer, ReviewItem, utcnow
from backend.notify import ItemNotice, Notice, Notifier
from backend.notify.settings import NotifySettings

log = logging.getLogger("backend.notify")

# (tenant slug, ticket id) -> the ticket's subject, redacted; "" when it cannot be read
SubjectOf = Callable[[str, str], str]


@dataclass(frozen=True)
class Delivery:
    """What one round of sending achieved: reviewers told, and why the others were not."""

    told: tuple[Reviewer, ...] = ()
    failed: tuple[tuple[Reviewer, str], ...] = ()


def item_notice(item: ReviewItem, settings: NotifySettings, subject_of: SubjectOf) -> ItemNotice:
    return ItemNotice(
        review_id=item.id,
        ticket_id=item.draft.ticket_id,
        # stored with the draft, redacted; read from the helpdesk only for older drafts
        subject=item.draft.subject or subject_of(item.draft.tenant.slug, item.draft.ticket_id),
        domains=tuple(item.domains),
        jurisdiction=item.jurisdiction,
        urgent=item.urgent,
        link=f"{settings.review_url}#review-{item.id}",
    )


def notify_review_item(
    session: Session,
    item_id: int,
    notifier: Notifier,
    settings: NotifySettings,
    subject_of: SubjectOf,
) -> Delivery | None:
    """Tell the reviewers eligible for a pending item; None when there is nothing to do
    (decided, already notified, or gone), so the task may run twice."""
    item = session.get(ReviewItem, item_id)
    if item is None or item.status != "pending" or item.notified_at is not None:
        return None
    reviewers = review.eligible_reviewers(session, item)
    if not reviewers:
        _audit(session, item, "review.notify_skipped", {"reason": "no eligible reviewer"})
        return Delivery()
    notice = item_notice(item, settings, subject_of)
    delivery = deliver(notifier, [(r, (notice,)) for r in reviewers])
    record(session, [item], delivery, settings, digest=False)
    return delivery


def send_digests(
    session: Session, notifier: Notifier, settings: NotifySettings, subject_of: SubjectOf
) -> Delivery:
    """One notice per reviewer listing the pending, not yet notified items they may decide."""
    items = session.scalars(
        select(ReviewItem)
        .where(ReviewItem.status == "pending", ReviewItem.notified_at.is_(None))
        .order_by(ReviewItem.created_at)
    ).all()
    if not items:
        return Delivery()
    notices = {i.id: item_notice(i, settings, _cached(subject_of)) for i in items}
    plan = []
    for reviewer in _active_reviewers(session, {i.tenant_id for i in items}):
        mine = [i for i in items if may_decide(reviewer, i, date.today())]
        mine.sort(key=lambda i: not i.urgent)  # safety first, then oldest
        if mine:
            plan.append((reviewer, tuple(notices[i.id] for i in mine)))
    delivery = deliver(notifier, plan)
    record(session, list(items), delivery, settings, digest=True)
    return delivery


Plan = Sequence[tuple[Reviewer, tuple[ItemNotice, ...]]]  # who gets which items


def deliver(notifier: Notifier, plan: Plan) -> Delivery:
    told: list[Reviewer] = []
    failed: list[tuple[Reviewer, str]] = []
    for reviewer, items in plan:
        try:
            notifier.send(Notice(reviewer.name, reviewer.email, items))
        except PrecedentError as exc:  # ours: the notifiers map every vendor error
            log.warning("notice to reviewer %d not delivered: %s", reviewer.id, exc.message)
            failed.append((reviewer, exc.message))
        else:
            told.append(reviewer)
    return Delivery(tuple(told), tuple(failed))


def record(
    session: Session,
    items: Sequence[ReviewItem],
    delivery: Delivery,
    settings: NotifySettings,
    digest: bool,
) -> None:
    """Audit each item's delivery and failures; mark the items someone was told about."""
    today = date.today()
    for item in items:
        told = [r for r in delivery.told if may_decide(r, item, today)]
        failed = [(r, e) for r, e in delivery.failed if may_decide(r, item, today)]
        for reviewer, error in failed:
            details = {"notifier": settings.notifier, "reviewer_id": reviewer.id, "error": error}
            _audit(session, item, "review.notify_failed", details)
        if told:
            item.notified_at = utcnow()
            reviewers = [r.id for r in told]
            details = {"notifier": settings.notifier, "reviewer_ids": reviewers, "digest": digest}
            _audit(session, item, "review.notified", details)
    session.flush()


def may_decide(reviewer: Reviewer, item: ReviewItem, today: date) -> bool:
    return reviewer.tenant_id == item.tenant_id and not review.eligibility(reviewer, item, today)


def _active_reviewers(session: Session, tenant_ids: set[int]) -> Sequence[Reviewer]:
    return session.scalars(
        select(Reviewer)
        .where(Reviewer.tenant_id.in_(tenant_ids), Reviewer.active)
        .order_by(Reviewer.id)
    ).all()


def _cached(subject_of: SubjectOf) -> SubjectOf:
    seen: dict[tuple[str, str], str] = {}

    def lookup(tenant: str, ticket_id: str) -> str:
        if (tenant, ticket_id) not in seen:
            seen[(tenant, ticket_id)] = subject_of(tenant, ticket_id)
        return seen[(tenant, ticket_id)]

    return lookup


def _audit(session: Session, item: ReviewItem, action: str, details: dict[str, object]) -> None:
    audit.record(session, item.tenant_id, "notifier", action, f"review:{item.id}", details)
