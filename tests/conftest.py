"""Fixtures shared by every layer: an app on a temporary folder and a small corpus."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request_finished

from backend import create_app, migrate, services
from backend.connectors.files import read_doc_folder, read_ticket_export
from backend.db import db
from backend.pipeline import Services
from backend.retrieval.ingest import doc_records, ingest, ticket_records
from tests.openapi_check import ResponseCheck

FIXTURES = Path(__file__).parent / "fixtures"

# One thread for inference, as in production on small machines.
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(autouse=True)
def _close_database_connections() -> Iterator[None]:
    yield
    db.dispose()


@pytest.fixture(autouse=True)
def _collect_as_usual() -> Iterator[None]:
    """A test that starts a web entry point in-process freezes the collector's view of
    everything alive (``settle_after_start``); the tests after it must collect as usual."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()


# Every /api/v1 response of every app, checked against the served OpenAPI document.
RESPONSES = ResponseCheck()


def pytest_sessionstart(session: pytest.Session) -> None:
    request_finished.connect(RESPONSES.check)


def pytest_runtest_setup(item: pytest.Item) -> None:
    RESPONSES.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    if RESPONSES.problems:
        shown = "\n".join(dict.fromkeys(RESPONSES.problems))
        pytest.fail(f"responses that do not match /api/v1/openapi.json:\n{shown}", False)
    return result


def app_config(data_dir: Path, **overrides: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "FILES_INBOX": str(FIXTURES / "inbox.jsonl"),
        "SECRET_KEY": "unit-test-secret-key",  # app tokens refuse the development value
        **overrides,
    }


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = create_app(app_config(tmp_path))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


def load_fixture_corpus(service: Services, tenant: str = "demo") -> None:
    tickets = read_ticket_export(FIXTURES / "tickets.jsonl")
    ingest(
        tenant,
        "ticket",
        ticket_records(tickets, service.redactor, "https://t/{id}"),
        service.embedder,
        service.index,
    )
    docs = read_doc_folder(FIXTURES / "docs")
    ingest(
        tenant,
        "doc",
        doc_records(docs, service.redactor, "https://help.test"),
        service.embedder,
        service.index,
    )


@pytest.fixture
def indexed_app(app: Flask) -> Flask:
    load_fixture_corpus(services.get())
    return app


def draft_n1() -> tuple[str, dict[str, Any]]:
    """Draft ticket N-1 as a worker does; the draft id and its draft.ready audit details."""
    from sqlalchemy import select

    from backend import pipeline
    from backend.models import AuditEvent

    store = services.draft_store()
    row, _ = store.request("demo", "N-1", "test")
    assert pipeline.process_draft(row.id, store, services.get()) == "ready"
    with db.session() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "draft.ready", AuditEvent.subject == f"draft:{row.id}"
            )
        ).one()
        return row.id, dict(event.details)
