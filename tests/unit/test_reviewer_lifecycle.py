"""Reviewer lifecycle as an administrator runs it: each command, each refusal, its audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import create_app, migrate
from backend.cli import cli
from backend.db import db
from backend.models import AuditEvent
from tests.unit.test_review import gated_draft

FIXTURES = Path(__file__).parent.parent / "fixtures"
SOON = date.today() + timedelta(days=10)
LATER = date.today() + timedelta(days=400)


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app the CLI below works on (same environment, same database)."""
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PRECEDENT_FILES_INBOX", str(FIXTURES / "inbox.jsonl"))
    monkeypatch.setenv("PRECEDENT_SECRET_KEY", "unit-test-secret-key")
    flask_app = create_app({"TESTING": True})
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def add(name: str, domain: str = "insurance", expires: date = LATER) -> str:
    """A reviewer with one licence; returns their token."""
    email = f"{name.lower()}@example.com"
    token = run("reviewers", "add", name, email).output.strip().splitlines()[-1]
    licence = ["--licence", f"LIC-{name}", "--expires", expires.isoformat()]
    run("reviewers", "credential", email, "--domain", domain, "--jurisdiction", "US-*", *licence)
    return token


def queue(client: FlaskClient, token: str) -> tuple[int, list[int]]:
    response = client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
    reviews = response.get_json().get("reviews", [])
    return response.status_code, [r["id"] for r in reviews]


def audited(action: str) -> list[dict[str, object]]:
    with db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        return [e.details for e in events]


def test_when_a_reviewer_is_deactivated_then_their_token_dies_at_once_until_reactivated(
    api: Flask,
) -> None:
    token = add("Ana")
    gated_draft()
    client = api.test_client()
    assert queue(client, token) == (200, [1])

    result = run("reviewers", "deactivate", "ana@example.com")
    assert (result.exit_code, result.output) == (
        0,
        "ana@example.com is deactivated; 'precedent reviewers reactivate ana@example.com' "
        "undoes it\n",
    )
    assert queue(client, token)[0] == 401
    decided = client.post(
        "/api/v1/reviews/1/decision",
        headers={"Authorization": f"Bearer {token}"},
        json={"action": "approve"},
    )
    assert decided.status_code == 401
    assert "  DEACTIVATED" in run("reviewers", "list").output
    assert audited("reviewer.deactivated") == [{"email": "ana@example.com"}]

    again = run("reviewers", "deactivate", "ana@example.com")
    assert (again.exit_code, again.output) == (
        1,
        "Error: reviewer ana@example.com is already deactivated\n",
    )

    back = run("reviewers", "reactivate", "ana@example.com")
    assert back.output.startswith("ana@example.com is active again; their current token works")
    assert queue(client, token) == (200, [1])
    assert audited("reviewer.reactivated") == [{"email": "ana@example.com"}]
    twice = run("reviewers", "reactivate", "ana@example.com")
    assert (twice.exit_code, twice.output) == (
        1,
        "Error: reviewer ana@example.com is already active\n",
    )


def test_when_a_token_is_rotated_then_the_old_one_dies_and_the_new_one_works(api: Flask) -> None:
    old = add("Ana")
    client = api.test_client()
    new = run("reviewers", "rotate", "ana@example.com").output.strip().splitlines()[-1]
    assert queue(client, old)[0] == 401
    assert queue(client, new)[0] == 200
    assert run("reviewers", "revoke", "ana@example.com").exit_code == 0
    assert queue(client, new)[0] == 401
    assert [d["email"] for d in audited("reviewer.token_rotated")] == ["ana@example.com"]


def test_when_a_credential_is_removed_then_its_items_leave_the_queue(api: Flask) -> None:
    token = add("Ana")
    gated_draft()
    client = api.test_client()
    result = run("reviewers", "remove-credential", "ana@example.com", "--licence", "LIC-Ana")
    assert (
        result.output
        == "removed insurance licence LIC-Ana from ana@example.com (0 licence(s) left)\n"
    )
    assert queue(client, token) == (200, [])
    assert audited("credential.removed") == [
        {
            "domain": "insurance",
            "jurisdictions": ["US-*"],
            "licence_id": "LIC-Ana",
            "expires_on": LATER.isoformat(),
        }
    ]
    unknown = run("reviewers", "remove-credential", "ana@example.com", "--licence", "LIC-Ana")
    assert (unknown.exit_code, unknown.output) == (
        1,
        "Error: ana@example.com has no licence LIC-Ana; their licences: none\n",
    )


def test_when_a_licence_has_already_expired_then_it_is_refused_naming_the_date(
    api: Flask,
) -> None:
    run("reviewers", "add", "Ana", "ana@example.com")
    refused = run(
        "reviewers",
        "credential",
        "ana@example.com",
        *("--domain", "insurance", "--jurisdiction", "US-CA"),
        *("--licence", "CA-0912", "--expires", "2020-01-01"),
    )
    assert (refused.exit_code, refused.output) == (
        1,
        f"Error: licence CA-0912 expired on 2020-01-01 (today is {date.today().isoformat()}): "
        "record a licence that is valid today or later\n",
    )
    assert audited("credential.added") == []
    assert "CA-0912" not in run("reviewers", "list").output


def test_when_a_licence_expires_soon_then_adding_warns_and_the_list_flags_it(
    api: Flask,
) -> None:
    run("reviewers", "add", "Ana", "ana@example.com")
    added = run(
        "reviewers",
        "credential",
        "ana@example.com",
        *("--domain", "insurance", "--jurisdiction", "US-CA"),
        *("--licence", "CA-0912", "--expires", SOON.isoformat()),
    )
    assert added.exit_code == 0
    assert added.stderr == (
        f"warning: licence CA-0912 expires in 10 day(s), on {SOON.isoformat()}; record the "
        "renewed licence before then\n"
    )
    listing = run("reviewers", "list").output
    assert f"CA-0912 until {SOON.isoformat()}  EXPIRES IN 10 DAYS" in listing
    later = run(
        "reviewers",
        "credential",
        "ana@example.com",
        *("--domain", "legal", "--jurisdiction", "US-CA"),
        *("--licence", "B-1", "--expires", LATER.isoformat()),
    )
    assert later.stderr == ""
    assert f"B-1 until {LATER.isoformat()}\n" in run("reviewers", "list").output


ADMIN = {"Authorization": "Bearer admin-secret"}


@pytest.fixture
def admin(api: Flask) -> FlaskClient:
    api.config["ADMIN_TOKEN"] = "admin-secret"
    return api.test_client()


def test_when_the_admin_api_changes_a_reviewer_then_each_change_holds_and_is_audited(
    admin: FlaskClient,
) -> None:
    created = admin.post(
        "/api/v1/admin/reviewers", headers=ADMIN, json={"name": "Ana", "email": "ana@example.com"}
    )
    token = created.get_json()["token"]
    licence = {"domain": "insurance", "jurisdictions": ["US-*"], "licence_id": "I-1"}
    soon = admin.post(
        "/api/v1/admin/reviewers/1/credentials",
        headers=ADMIN,
        json={**licence, "expires_on": SOON.isoformat()},
    ).get_json()["reviewer"]
    assert soon["credentials"] == [
        {
            **licence,
            "id": 1,
            "expires_on": SOON.isoformat(),
            "days_left": 10,
            "expired": False,
            "expiring_soon": True,
        }
    ]
    assert (soon["active"], soon["token_expires_on"]) == (
        True,
        (date.today() + timedelta(days=90)).isoformat(),
    )

    off = admin.post("/api/v1/admin/reviewers/1/deactivate", headers=ADMIN)
    assert (off.status_code, off.get_json()["reviewer"]["active"]) == (200, False)
    assert queue(admin, token)[0] == 401
    again = admin.post("/api/v1/admin/reviewers/1/deactivate", headers=ADMIN)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_inactive")
    assert admin.post("/api/v1/admin/reviewers/1/reactivate", headers=ADMIN).status_code == 200
    assert queue(admin, token)[0] == 200

    rotated = admin.post("/api/v1/admin/reviewers/1/token", headers=ADMIN).get_json()
    assert queue(admin, token)[0] == 401
    assert queue(admin, rotated["token"])[0] == 200
    assert admin.delete("/api/v1/admin/reviewers/1/token", headers=ADMIN).status_code == 200
    assert queue(admin, rotated["token"])[0] == 401

    removed = admin.delete("/api/v1/admin/reviewers/1/credentials/1", headers=ADMIN)
    assert (removed.status_code, removed.get_json()["reviewer"]["credentials"]) == (200, [])
    gone = admin.delete("/api/v1/admin/reviewers/1/credentials/1", headers=ADMIN)
    assert (gone.status_code, gone.get_json()["error"]["message"]) == (
        404,
        "reviewer 1 has no credential 1",
    )
    with db.session() as session:
        trail = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert trail == [
        "reviewer.added",
        "credential.added",
        "reviewer.deactivated",
        "reviewer.reactivated",
        "reviewer.token_rotated",
        "reviewer.token_revoked",
        "credential.removed",
    ]


def test_when_the_admin_api_gets_an_expired_licence_then_it_refuses_naming_the_date(
    admin: FlaskClient,
) -> None:
    admin.post(
        "/api/v1/admin/reviewers", headers=ADMIN, json={"name": "Ana", "email": "ana@example.com"}
    )
    refused = admin.post(
        "/api/v1/admin/reviewers/1/credentials",
        headers=ADMIN,
        json={
            "domain": "insurance",
            "jurisdictions": ["US-CA"],
            "licence_id": "CA-0912",
            "expires_on": "2020-01-01",
        },
    )
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == (
        f"licence CA-0912 expired on 2020-01-01 (today is {date.today().isoformat()}): "
        "record a licence that is valid today or later"
    )
    listed = admin.get("/api/v1/admin/reviewers", headers=ADMIN).get_json()
    assert listed["reviewers"][0]["credentials"] == []
    other = admin.post("/api/v1/admin/reviewers/99/deactivate", headers=ADMIN)
    assert (other.status_code, other.get_json()["error"]["message"]) == (
        404,
        "reviewer 99 was not found",
    )
