"""Workers recover stale drafts by themselves, stop hung drafts and shut down in time."""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from backend import create_app, migrate, services
from backend.db import db
from backend.models import AuditEvent
from tests.conftest import FIXTURES, load_fixture_corpus
from tests.integration.conftest import Worker

pytestmark = pytest.mark.integration
LEASE = 5  # seconds
GRACE = 5  # seconds


def make_app(settings: dict[str, str]) -> Flask:
    app = create_app({"TESTING": True, **settings})
    migrate.upgrade(app.config["DATABASE_URL"])
    return app


def status_of(app: Flask, draft_id: str) -> str:
    with app.app_context():
        draft = services.draft_store().get("demo", draft_id)
    assert draft is not None
    return draft.status


def wait_for_status(
    app: Flask, draft_id: str, wanted: set[str], worker: Worker, seconds: float
) -> float:
    """Seconds it took the draft to reach one of ``wanted``."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if status_of(app, draft_id) in wanted:
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"draft never reached {wanted}; worker log:\n{worker.log.read_text()}")


@pytest.fixture
def fifo_settings(tmp_path: Path, redis_url: str) -> dict[str, str]:
    # A FIFO as the inbox blocks the fetch stage, so a draft is surely mid-task.
    inbox = tmp_path / "inbox.jsonl"
    os.mkfifo(inbox)
    return {
        "DATA_DIR": str(tmp_path / "var"),
        "BROKER_URL": redis_url,
        "FILES_INBOX": str(inbox),
        "DRAFT_LEASE_SECONDS": str(LEASE),
        "WORKER_SHUTDOWN_SECONDS": str(GRACE),
    }


def unblock(settings: dict[str, str]) -> None:
    inbox = Path(settings["FILES_INBOX"])
    inbox.unlink()
    shutil.copy(FIXTURES / "inbox.jsonl", inbox)


def start_running_draft(app: Flask, worker: Worker) -> str:
    with app.app_context():
        load_fixture_corpus(services.get())
        draft, _ = services.draft_store().request("demo", "N-1", "test")
        from backend.tasks import draft as draft_task

        draft_task.delay(draft.id)
    wait_for_status(app, draft.id, {"running"}, worker, 60)
    return draft.id


def audit_actions(app: Flask) -> list[str]:
    with app.app_context(), db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def stop(worker: Worker) -> float:
    """SIGTERM the worker; seconds until it exited."""
    started = time.monotonic()
    os.kill(worker.process.pid, signal.SIGTERM)
    worker.process.wait(60)
    return time.monotonic() - started


def test_when_a_workers_children_are_killed_mid_draft_then_it_finishes_the_draft_once(
    fifo_settings: dict[str, str], start_worker: Callable[..., Worker]
) -> None:
    # Its pool process and its embedded beat: no scheduler is left anywhere.
    app = make_app(fifo_settings)
    worker = start_worker(fifo_settings, "--beat")
    draft_id = start_running_draft(app, worker)
    children = worker.children()
    assert len(children) == 2
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    unblock(fifo_settings)

    wait_for_status(app, draft_id, {"ready", "failed"}, worker, LEASE + 30)
    assert status_of(app, draft_id) == "ready"
    assert audit_actions(app) == ["draft.requested", "draft.ready"]
    assert stop(worker) < 30


def test_when_a_worker_with_a_hung_draft_is_stopped_then_it_exits_and_another_finishes_it(
    fifo_settings: dict[str, str], start_worker: Callable[..., Worker]
) -> None:
    app = make_app(fifo_settings)
    first = start_worker(fifo_settings)
    draft_id = start_running_draft(app, first)

    assert stop(first) < GRACE + 10
    assert "cancelling the drafts in hand" in first.log.read_text()
    unblock(fifo_settings)
    second = start_worker(fifo_settings)
    wait_for_status(app, draft_id, {"ready", "failed"}, second, LEASE + 30)
    assert status_of(app, draft_id) == "ready"
    assert audit_actions(app) == ["draft.requested", "draft.ready"]


def test_when_a_draft_hangs_for_two_leases_then_its_worker_stops_it_and_drafts_it_again(
    fifo_settings: dict[str, str], start_worker: Callable[..., Worker]
) -> None:
    # One pool process, blocked for good on the old FIFO: only the attempt's deadline frees it
    # for the draft its own sweep reclaimed when the lease ran out.
    app = make_app(fifo_settings)
    worker = start_worker(fifo_settings)
    draft_id = start_running_draft(app, worker)
    running_since = time.monotonic()
    wait_for_status(app, draft_id, {"queued"}, worker, LEASE + 10)
    unblock(fifo_settings)

    wait_for_status(app, draft_id, {"ready", "failed"}, worker, LEASE + 30)
    assert status_of(app, draft_id) == "ready"
    assert f"draft attempt stopped: still running after {2 * LEASE} s" in worker.log.read_text()
    assert time.monotonic() - running_since >= 2 * LEASE - 1  # not before that deadline
    assert audit_actions(app) == ["draft.requested", "draft.ready"]
