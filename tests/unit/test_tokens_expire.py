"""Reviewer and app tokens expire; reviewer tokens are rotated and revoked at once (CLI)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from backend import create_app, migrate
from backend.auth import app_tokens
from backend.cli import cli
from backend.db import db
from backend.errors import ConfigError
from backend.models import AuditEvent, Reviewer, utcnow
from tests.conftest import app_config
from tests.helpdesk_accounts import app_token, connect_helpdesks

SETTINGS = {"ADMIN_TOKEN": "admin-secret", "REVIEWER_TOKEN_DAYS": 30, "APP_TOKEN_MINUTES": 30}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    settings = app_config(tmp_path, **SETTINGS)
    for name in ("DATA_DIR", "SECRET_KEY", "REVIEWER_TOKEN_DAYS"):  # the CLI reads these
        monkeypatch.setenv(f"PRECEDENT_{name}", str(settings[name]))
    flask_app = create_app(settings)
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def add_reviewer() -> str:
    added = CliRunner().invoke(cli, ["reviewers", "add", "Ana Ruiz", "ana@example.com"])
    return added.output.strip().splitlines()[-1]


def queue(client: FlaskClient, token: str) -> tuple[int, str]:
    answer = client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
    body = answer.get_json()
    return answer.status_code, body["error"]["message"] if "error" in body else ""


def issued(days_ago: int | None, created_days_ago: int = 0) -> None:
    """Move the reviewer's token issue time (None: issued before tokens expired at all)."""
    now = utcnow()
    values = {
        "token_issued_at": None if days_ago is None else now - timedelta(days=days_ago),
        "created_at": now - timedelta(days=created_days_ago),
    }
    with db.session() as session:
        session.execute(update(Reviewer).values(**values))


def test_when_a_reviewer_token_is_younger_than_its_lifetime_then_it_works(
    client: FlaskClient,
) -> None:
    token = add_reviewer()
    issued(29)
    assert queue(client, token) == (200, "")


@pytest.mark.parametrize(
    ("days_ago", "created_days_ago"), [(31, 31), (None, 31)], ids=["issued", "before-expiry"]
)
def test_when_a_reviewer_token_is_older_than_its_lifetime_then_it_is_refused(
    client: FlaskClient, days_ago: int | None, created_days_ago: int
) -> None:
    token = add_reviewer()
    issued(days_ago, created_days_ago)
    expired_on = (utcnow() - timedelta(days=1)).date().isoformat()
    assert queue(client, token) == (
        401,
        f"your reviewer token expired on {expired_on}; ask an administrator for a new one "
        "('precedent reviewers rotate EMAIL')",
    )


def test_when_a_token_is_rotated_then_the_old_one_stops_and_the_new_one_works(
    client: FlaskClient,
) -> None:
    old = add_reviewer()
    issued(31, 31)
    rotated = CliRunner().invoke(cli, ["reviewers", "rotate", "ana@example.com"])
    assert rotated.exit_code == 0
    lines = rotated.output.strip().splitlines()
    assert lines[0] == (
        "new access token for ana@example.com (valid 30 days; the old one no longer works):"
    )
    assert queue(client, lines[1]) == (200, "")
    assert queue(client, old) == (401, "unknown, revoked or deactivated reviewer token")
    listing = CliRunner().invoke(cli, ["reviewers", "list"]).output
    until = (utcnow() + timedelta(days=30)).date().isoformat()
    assert listing.startswith(f"1  Ana Ruiz <ana@example.com>  token until {until}\n")


def test_when_a_token_is_revoked_then_the_next_request_is_refused(client: FlaskClient) -> None:
    token = add_reviewer()
    assert queue(client, token) == (200, "")
    revoked = CliRunner().invoke(cli, ["reviewers", "revoke", "ana@example.com"])
    assert revoked.output == (
        "ana@example.com's access token is revoked; 'precedent reviewers rotate' issues a new one\n"
    )
    assert queue(client, token) == (401, "unknown, revoked or deactivated reviewer token")
    with db.session() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-1] == "reviewer.token_revoked"


def test_when_an_unknown_reviewer_is_rotated_then_the_cli_says_so(app: Flask) -> None:
    result = CliRunner().invoke(cli, ["reviewers", "rotate", "bo@example.com"])
    assert (result.exit_code, result.output) == (
        1,
        "Error: no reviewer with e-mail bo@example.com\n",
    )


def test_when_the_app_token_lifetime_is_set_then_renewed_tokens_carry_it(
    client: FlaskClient, app: Flask
) -> None:
    connect_helpdesks(app)
    renewed = client.post("/api/v1/app/token", headers=app_token(app, "acme"))
    assert renewed.get_json()["expires_in"] == 1800
    claims = app_tokens.verify(str(app.config["SECRET_KEY"]), renewed.get_json()["token"])
    assert 1790 <= claims.expires_at - int(utcnow().timestamp()) <= 1800


def test_when_app_tokens_would_expire_before_the_sidebar_renews_them_then_start_up_refuses(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError) as error:
        create_app(app_config(tmp_path, APP_TOKEN_MINUTES=10))
    assert error.value.message == (
        "PRECEDENT_APP_TOKEN_MINUTES must be more than 10 (the sidebar renews its token every "
        "10 minutes), got 10"
    )
