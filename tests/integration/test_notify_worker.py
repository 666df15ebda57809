"""A real worker tells the eligible reviewer about a gated draft, by e-mail, after the commit."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask

from backend import create_app, migrate, review, services
from backend.db import db
from backend.tenants import ensure_tenant
from tests.conftest import FIXTURES, load_fixture_corpus
from tests.integration.conftest import Worker
from tests.servers import Received, smtp_server

pytestmark = pytest.mark.integration


def wait_for_mail(received: Received, worker: Worker) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if received.items:
            return
        time.sleep(0.2)
    raise AssertionError(f"no notice arrived; worker log:\n{worker.log.read_text()}")


def test_when_a_worker_gates_a_draft_then_the_reviewer_gets_an_email(
    tmp_path: Path, redis_url: str, start_worker: Callable[[dict[str, str]], Worker]
) -> None:
    with smtp_server() as (port, received):
        settings = {
            "DATA_DIR": str(tmp_path / "var"),
            "BROKER_URL": redis_url,
            "FILES_INBOX": str(FIXTURES / "inbox.jsonl"),
            "NOTIFY": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_FROM": "precedent@example.com",
            "NOTIFY_REVIEW_URL": "https://precedent.example.com/review",
        }
        app: Flask = create_app({"TESTING": True, **settings})
        migrate.upgrade(app.config["DATABASE_URL"])
        with app.app_context():
            load_fixture_corpus(services.get())
            with db.session() as session:
                tenant = ensure_tenant(session, "demo")
                doctor, _ = review.add_reviewer(session, tenant.id, "Dr Okafor", "ok@example.com")
                expires = date.today() + timedelta(days=365)
                review.add_credential(session, doctor, "medical", ["US-*"], "MD-7781", expires)
        worker = start_worker(settings)

        drafted = app.test_client().post("/api/v1/drafts", json={"ticket_id": "N-4"})
        assert drafted.status_code == 202
        wait_for_mail(received, worker)

    [(recipients, message)] = received.items
    assert recipients == ["ok@example.com"]
    assert message["Subject"].startswith("[Precedent] ")
    assert "ticket N-4 (" in message["Subject"] and "medical" in message["Subject"]
    body = message.get_content()
    assert "ticket N-4: Asthma and the purifier" in body
    assert "https://precedent.example.com/review#review-1" in body
    assert "inhaler" not in body and "lee.moss" not in body  # the ticket's text stays out
