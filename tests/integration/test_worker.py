"""A real Celery worker on a real Redis drafts tickets end to end, and survives being killed."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from backend import create_app, migrate, services
from backend.db import db
from backend.models import AuditEvent, Citation
from tests.conftest import FIXTURES, load_fixture_corpus
from tests.integration.conftest import Worker

pytestmark = pytest.mark.integration


def make_app(settings: dict[str, str]) -> Flask:
    app = create_app({"TESTING": True, **settings})
    migrate.upgrade(app.config["DATABASE_URL"])
    return app


def wait_for_status(app: Flask, draft_id: str, wanted: set[str], worker: Worker) -> str:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with app.app_context():
            draft = services.draft_store().get("demo", draft_id)
        if draft and draft.status in wanted:
            return draft.status
        time.sleep(0.1)
    raise AssertionError(f"draft never reached {wanted}; worker log:\n{worker.log.read_text()}")


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path, redis_url: str) -> dict[str, str]:
    values = {
        "DATA_DIR": str(tmp_path / "var"),
        "BROKER_URL": redis_url,
        "FILES_INBOX": str(FIXTURES / "inbox.jsonl"),
    }
    if request.param == "postgres":
        values["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    return values


def test_a_worker_drafts_a_ticket_requested_through_the_api(
    settings: dict[str, str], start_worker: Callable[[dict[str, str]], Worker]
) -> None:
    app = make_app(settings)
    with app.app_context():
        load_fixture_corpus(services.get())
    worker = start_worker(settings)

    response = app.test_client().post("/api/v1/drafts", json={"ticket_id": "N-1"})
    assert response.status_code == 202
    draft_id = response.get_json()["id"]
    assert wait_for_status(app, draft_id, {"ready", "failed"}, worker) == "ready"

    body = app.test_client().get(f"/api/v1/drafts/{draft_id}").get_json()
    assert body["citations"][0]["source_id"] == "R-1"
    assert "2.4 GHz" in body["text"] and "[1]" in body["text"]
    assert body["attempts"] == 1
    health = app.test_client().get("/api/v1/health").get_json()
    assert health["checks"]["broker"]["ok"] is True


def test_a_draft_whose_worker_is_killed_mid_task_is_finished_once_by_another(
    tmp_path: Path, redis_url: str, start_worker: Callable[[dict[str, str]], Worker]
) -> None:
    # The first worker blocks in the fetch stage reading a FIFO, so it is surely mid-task
    # (status running, lease held) when it is killed.
    inbox = tmp_path / "inbox.jsonl"
    os.mkfifo(inbox)
    settings = {
        "DATA_DIR": str(tmp_path / "var"),
        "BROKER_URL": redis_url,
        "FILES_INBOX": str(inbox),
        "DRAFT_LEASE_SECONDS": "2",
    }
    app = make_app(settings)
    with app.app_context():
        load_fixture_corpus(services.get())
        draft, _ = services.draft_store().request("demo", "N-1", "test")
        from backend.tasks import draft as draft_task

        first = start_worker(settings)
        draft_task.delay(draft.id)
    assert wait_for_status(app, draft.id, {"running"}, first) == "running"
    first.kill()

    inbox.unlink()
    shutil.copy(FIXTURES / "inbox.jsonl", inbox)
    time.sleep(2.1)  # the dead worker's lease runs out
    second = start_worker(settings)  # its start-up sweep re-sends the stale draft
    assert wait_for_status(app, draft.id, {"ready", "failed"}, second) == "ready"

    with app.app_context(), db.session() as session:
        row = services.draft_store().get("demo", draft.id)
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        markers = session.scalars(select(Citation.marker).where(Citation.draft_id == draft.id))
        assert row is not None and row.attempts == 2
        assert actions == ["draft.requested", "draft.ready"]
        marker_list = sorted(markers)
        assert marker_list == list(range(1, len(marker_list) + 1))
