"""A "ticket created" webhook drafts the ticket on a real worker before any agent opens it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from backend import create_app, migrate, services
from tests.conftest import FIXTURES, load_fixture_corpus
from tests.helpdesk_accounts import app_token, connect_helpdesks, signed
from tests.integration.conftest import Worker

pytestmark = pytest.mark.integration


def test_a_webhook_triggered_draft_is_ready_before_the_sidebar_asks_for_it(
    tmp_path: Path, redis_url: str, start_worker: Callable[[dict[str, str]], Worker]
) -> None:
    settings = {
        "DATA_DIR": str(tmp_path / "var"),
        "BROKER_URL": redis_url,
        "FILES_INBOX": str(FIXTURES / "inbox.jsonl"),
        "SECRET_KEY": "integration-secret-key",
    }
    app = create_app({"TESTING": True, **settings})
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        load_fixture_corpus(services.get(), tenant="acme")
        connect_helpdesks(app)  # acme's Zendesk account holds the webhook secret
    worker = start_worker(settings)
    client = app.test_client()

    body = json.dumps({"event": "ticket_created", "ticket_id": "N-1"}).encode()
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert response.status_code == 202, response.get_json()
    predraft_id = response.get_json()["draft_id"]
    wait_until_ready(app, predraft_id, worker)  # nobody has opened the ticket yet

    opened = client.post(
        "/api/v1/drafts", json={"ticket_id": "N-1"}, headers=app_token(app, "acme")
    )  # the agent opens the ticket: the sidebar's first request
    draft = opened.get_json()
    assert draft["id"] == predraft_id
    assert draft["status"] == "ready"
    assert draft["citations"][0]["source_id"] == "R-1"


def wait_until_ready(app: Flask, draft_id: str, worker: Worker) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with app.app_context():
            draft = services.draft_store().get("acme", draft_id)
        if draft is not None and draft.status in ("ready", "failed"):
            assert draft.status == "ready", draft.error
            return
        time.sleep(0.1)
    raise AssertionError(f"the pre-draft never finished; worker log:\n{worker.log.read_text()}")
