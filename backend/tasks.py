"""Celery tasks: thin, take ids, call the pipeline."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from celery import current_app as current_celery_app
from celery import shared_task
from celery.signals import worker_process_init
from flask import current_app
from sqlalchemy import select

from backend import pipeline, services, worker
from backend.db import db
from backend.errors import Conflict, RetryableError
from backend.escalation import app as escalation_app
from backend.learning import items as insights_items
from backend.learning import team_changes, thresholds
from backend.learning.window import last
from backend.models import ReviewItem
from backend.notify import app as notify_app
from backend.redaction import Vault
from backend.retrieval import helpdesk

log = logging.getLogger(__name__)
SYNC_RETRIES = 10  # after that the next scheduled sync carries on from the saved cursors
NOTIFY_RETRIES = 3  # at 1, 2 and 4 minutes; a digest (if on) picks the item up later
ESCALATE_RETRIES = 6  # over ~16 minutes; then the agent is told it failed and may try again


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def draft(self: Any, draft_id: str) -> str:
    stop_after, _kill_after = worker.draft_time_limits(current_app.config["DRAFT_LEASE_SECONDS"])
    try:
        with worker.deadline(stop_after):
            status = pipeline.process_draft(draft_id, services.draft_store(), services.get())
    except RetryableError as exc:
        # Back off with jitter; the draft row itself counts attempts and gives up.
        delay = exc.retry_after or min(60.0, 2.0**self.request.retries)
        raise self.retry(countdown=delay + random.uniform(0, 1)) from exc
    _notify_new_review(draft_id)  # the draft's transaction, and any review item, committed
    return status


def _notify_new_review(draft_id: str) -> None:
    with db.session() as session:
        item = session.scalars(
            select(ReviewItem).where(
                ReviewItem.draft_id == draft_id,
                ReviewItem.status == "pending",
                ReviewItem.notified_at.is_(None),
            )
        ).first()
        wanted = item is not None and notify_app.immediate(item.urgent)
    if item is not None and wanted:
        notify_review.delay(item.id)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=NOTIFY_RETRIES)
def notify_review(self: Any, item_id: int) -> int:
    """Tell the reviewers eligible for a new review item; safe to run twice."""
    delivery = notify_app.notify_now(item_id)
    if delivery is not None and delivery.failed and not delivery.told:
        if self.request.retries < NOTIFY_RETRIES:  # after that the failures stay audited
            raise self.retry(countdown=60.0 * 2**self.request.retries)
    return len(delivery.told) if delivery else 0


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=ESCALATE_RETRIES)
def escalate(self: Any, escalation_id: int) -> str:
    """Note, group and tags in the helpdesk, then the people told; safe to run twice."""
    try:
        return escalation_app.run_now(escalation_id)
    except RetryableError as exc:
        if self.request.retries >= ESCALATE_RETRIES:
            escalation_app.give_up(escalation_id, exc.message)
            return "failed"
        delay = exc.retry_after or min(600.0, 15.0 * 2**self.request.retries)
        raise self.retry(countdown=delay + random.uniform(0, 1)) from exc


@shared_task(acks_late=True, ignore_result=True)
def refresh_insights(tenant_id: int) -> int:
    """Recompute a tenant's insights lists, queued by the lists endpoint when they are stale;
    the number of current entries (-1: refreshed moments ago, nothing done, not even the
    sync). First, where the helpdesk moved the tickets escalated lately (escalation
    correctness reads it; a failure there is logged and the lists refreshed all the same)."""
    with db.session() as session:
        if insights_items.fresh(session, tenant_id):  # another task did it moments ago
            return -1
    span = last(insights_items.SPAN)
    try:
        team_changes.sync_escalated(db.session, tenant_id, services.get().connector, span)
    except Exception:  # the lists must not wait on the helpdesk's history: later drafts remain
        log.exception("team history of tenant %s not read; the lists are refreshed", tenant_id)
    with db.session() as session:
        limits = thresholds.from_config(current_app.config)
        found = insights_items.refresh_stale(session, tenant_id, limits=limits)
    return -1 if found is None else found


@shared_task(ignore_result=True)
def refresh_all_insights() -> int:
    """Queue a refresh of every tenant's lists (PRECEDENT_INSIGHTS_REFRESH_MINUTES), so a
    lead opening the page finds them fresh; the number of tenants queued."""
    with db.session() as session:
        tenant_ids = insights_items.tenants_to_refresh(session)
    for tenant_id in tenant_ids:
        refresh_insights.delay(tenant_id)
    return len(tenant_ids)


@shared_task(ignore_result=True)
def notify_digest() -> int:
    """One notice per reviewer listing the pending items they have not been told about."""
    return len(notify_app.digest_now().told)


def recover_stale_drafts() -> int:
    """Send a task again for drafts whose message or worker was lost: each worker's recovery
    step calls this in its main process (backend/worker.py); it is not a task itself."""
    lease = timedelta(seconds=current_app.config["DRAFT_LEASE_SECONDS"])
    stale = services.draft_store().reclaim(queued_for=lease)
    for draft_id in stale:
        draft.delay(draft_id)
    if stale:
        log.info("re-sent %d stale draft(s): %s", len(stale), ", ".join(stale))
    return len(stale)


@shared_task(ignore_result=True)
def sync_helpdesks() -> int:
    """Queue a sync of every tenant that has a stored Zendesk or Freshdesk account."""
    tenants = helpdesk.connected_tenants(current_app.config)
    for slug, _platform in tenants:
        sync_helpdesk.delay(slug)
    return len(tenants)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=SYNC_RETRIES)
def sync_helpdesk(self: Any, tenant: str) -> int:
    """Index the tenant's new resolved tickets and articles from its saved cursors."""
    platforms = dict(helpdesk.connected_tenants(current_app.config))
    if tenant not in platforms:
        log.warning("sync skipped: tenant '%s' has no helpdesk account any more", tenant)
        return 0
    service = services.get()
    sync = helpdesk.for_platform(
        current_app.config,
        platforms[tenant],
        service.redactor,
        service.embedder,
        service.index,
        service.vendors,
    )
    pages: list[helpdesk.PageReport] = []
    try:
        for stream in helpdesk.STREAMS:
            try:
                pages += sync.run(tenant, stream)
            except Conflict as exc:  # the last sync (or an ingest) is still at it
                log.info("sync skipped: %s", exc.message)
    except RetryableError as exc:
        # Pages indexed so far keep their cursors; the retry continues after them.
        delay = exc.retry_after or min(600.0, 30.0 * 2**self.request.retries)
        raise self.retry(countdown=delay) from exc
    indexed = sum(p.sources for p in pages)
    log.info("synced tenant '%s': %d pages, %d sources indexed", tenant, len(pages), indexed)
    return indexed


@worker_process_init.connect
def _prepare_process(**_: Any) -> None:
    # Database connections must not be shared across a fork.
    db.dispose(close=False)
    # Load models and policies now, so the first draft does not pay for it.
    flask_app = current_celery_app.flask_app
    with flask_app.app_context():
        service = services.get()
        warm = service.redactor.redact("warm up", Vault())
        try:
            service.embedder.embed([warm])
            if service.gate:
                service.gate.evaluate(warm, warm, "")
        except RetryableError as exc:  # a vendor embedder that is down must not stop the worker
            log.warning("warm-up skipped: %s", exc.message)
