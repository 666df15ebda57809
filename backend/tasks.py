"""Celery tasks: thin, take ids, call the pipeline."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.signals import worker_process_init, worker_ready

from backend import pipeline, services
from backend.db import db
from backend.errors import RetryableError

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def draft(self: Any, draft_id: str) -> str:
    try:
        return pipeline.process_draft(draft_id, services.draft_store(), services.get())
    except RetryableError as exc:
        # Back off with jitter; the draft row itself counts attempts and gives up.
        delay = exc.retry_after or min(60.0, 2.0**self.request.retries)
        raise self.retry(countdown=delay + random.uniform(0, 1)) from exc


@shared_task(ignore_result=True)
def recover_stale_drafts() -> int:
    """Send a task again for drafts whose message or worker was lost."""
    store = services.draft_store()
    queued_for = timedelta(seconds=store_lease_seconds())
    stale = store.stale(queued_for)
    for draft_id in stale:
        draft.delay(draft_id)
    if stale:
        log.info("re-sent %d stale draft(s)", len(stale))
    return len(stale)


def store_lease_seconds() -> int:
    from flask import current_app

    return int(current_app.config["DRAFT_LEASE_SECONDS"])


@worker_ready.connect
def _recover_on_start(sender: Any = None, **_: Any) -> None:
    sender.app.send_task("backend.tasks.recover_stale_drafts")


@worker_process_init.connect
def _fresh_connections(**_: Any) -> None:
    # Database connections must not be shared across a fork.
    db.dispose()
