"""The production profile end to end: gunicorn + a Celery worker on Redis + PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from backend import create_app, migrate, services
from backend.auth import app_tokens
from tests.conftest import FIXTURES, load_fixture_corpus
from tests.integration.conftest import ROOT, Worker, settings_env
from tests.servers import free_port, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def production(tmp_path: Path, redis_url: str, postgres_url: str) -> dict[str, str]:
    # Weaviate cannot run here; the embedded index stands in (it has the same contract suite).
    return {
        "PROFILE": "production",
        "BROKER_URL": redis_url,
        "DATABASE_URL": postgres_url,
        "SECRET_KEY": "integration-secret-key",
        "VAULT_KEY": "integration-vault-key",
        "AUDIT_KEY": "integration-audit-key",
        "DATA_DIR": str(tmp_path / "var"),
        "INDEX": "lancedb",
        "FILES_INBOX": str(FIXTURES / "inbox.jsonl"),
    }


@contextmanager
def gunicorn(settings: dict[str, str], log_path: Path) -> Iterator[str]:
    """A real gunicorn serving ``backend.wsgi:web_app()``; yields its base URL."""
    port = free_port()
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "backend.wsgi:web_app()",
        ],
        cwd=ROOT,
        env=settings_env(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: call(url + "/api/v1/health")[0] == 200, "gunicorn", seconds=60)
        yield url
    finally:
        process.terminate()
        process.wait(15)
        log.close()


def call(
    url: str, body: dict[str, Any] | None = None, token: str = ""
) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data, headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_draft_goes_through_gunicorn_a_worker_redis_and_postgresql(
    production: dict[str, str],
    start_worker: Callable[[dict[str, str]], Worker],
    tmp_path: Path,
) -> None:
    app = create_app({"TESTING": True, **production})
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        load_fixture_corpus(services.get())
    worker = start_worker(production)
    # The sidebar's token after a Zendesk sign-in: production never serves the app API
    # without a credential, even before any helpdesk is connected.
    token = app_tokens.issue(production["SECRET_KEY"], "demo", "9001")

    with gunicorn(production, tmp_path / "gunicorn.log") as url:
        status, health = call(url + "/api/v1/health")
        assert status == 200 and health["checks"]["broker"]["ok"] is True
        status, refused = call(url + "/api/v1/drafts", {"ticket_id": "N-1"})
        assert status == 401 and "no helpdesk is connected" in refused["error"]["message"]
        status, queued = call(url + "/api/v1/drafts", {"ticket_id": "N-1"}, token)
        assert status == 202
        draft = wait_until_done(url, queued["id"], worker, token)

    assert draft["status"] == "ready", draft
    assert draft["citations"][0]["source_id"] == "R-1"
    assert "[1]" in draft["text"]


def test_a_worker_refuses_to_start_when_postgresql_is_unreachable(
    production: dict[str, str],
) -> None:
    dead = {**production, "DATABASE_URL": f"postgresql+psycopg://x@127.0.0.1:{free_port()}/x"}
    result = subprocess.run(
        [sys.executable, "-m", "backend.cli", "worker"],
        cwd=ROOT,
        env=settings_env(dead),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the production profile cannot start:\n") or (
        result.stdout.startswith("Error: the production profile cannot start:\n")
    )
    assert "database (PRECEDENT_DATABASE_URL) is unreachable" in result.stdout + result.stderr


def wait_until_done(url: str, draft_id: str, worker: Worker, token: str) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        _, draft = call(f"{url}/api/v1/drafts/{draft_id}", token=token)
        if draft["status"] in ("ready", "failed"):
            return draft
        time.sleep(0.2)
    raise AssertionError(f"draft {draft_id} never finished; worker log:\n{worker.log.read_text()}")
