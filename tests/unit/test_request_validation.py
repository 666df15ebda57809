"""Bodies, ids and tokens that once answered 500 (issue 18, item 5) now answer 4xx naming
what is wrong; a database that cannot be reached answers 503 with Retry-After on every route."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import create_app, migrate
from backend.auth import identity
from backend.db import db
from backend.models import Outcome
from tests.conftest import app_config
from tests.helpdesk_accounts import app_token, connect_helpdesks, ready_draft, signed
from tests.servers import free_port

ADMIN = {"Authorization": "Bearer admin-secret"}
HUGE = 2**63


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = create_app(app_config(tmp_path, ADMIN_TOKEN="admin-secret"))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.get_json()["error"]
    return body


def nested(depth: int) -> bytes:
    return b'{"ticket_id": ' + b"[" * depth + b"]" * depth + b"}"


def reviewer_token(client: FlaskClient, email: str = "ana@example.com") -> str:
    created = client.post(
        "/api/v1/admin/reviewers", headers=ADMIN, json={"name": "Ana", "email": email}
    )
    assert created.status_code == 201
    return str(created.get_json()["token"])


@pytest.mark.parametrize("depth", [33, 100_000])
def test_when_a_body_is_nested_too_deep_then_400_saying_so(client: FlaskClient, depth: int) -> None:
    response = client.post("/api/v1/drafts", data=nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert error(response) == {
        "code": "bad_input",
        "message": "the JSON body is nested more than 32 levels deep",
    }


def test_when_a_signed_webhook_is_nested_too_deep_then_400_saying_so(
    client: FlaskClient, app: Flask
) -> None:
    connect_helpdesks(app)
    body = nested(100_000)
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert response.status_code == 400
    assert error(response)["message"] == "the JSON body is nested more than 32 levels deep"


@pytest.mark.parametrize("sent_type", [["public"], {"type": "public"}, 3])
def test_when_sent_type_is_not_a_string_then_400_naming_the_field_and_its_values(
    client: FlaskClient, app: Flask, sent_type: object
) -> None:
    draft_id = ready_draft("demo", "N-1", "Restart the router [1].")
    response = client.post(
        f"/api/v1/drafts/{draft_id}/outcome", json={"sent_text": "x", "sent_type": sent_type}
    )
    assert response.status_code == 400
    assert error(response) == {
        "code": "bad_input",
        "message": "sent_type must be one of: public, internal, publicReply, internalNote",
        "field": "sent_type",
    }


def test_when_sent_type_is_an_unknown_string_then_400_quoting_it(client: FlaskClient) -> None:
    draft_id = ready_draft("demo", "N-1", "Restart the router [1].")
    response = client.post(f"/api/v1/drafts/{draft_id}/outcome", json={"sent_type": "email"})
    assert response.status_code == 400
    assert error(response)["message"] == (
        "unknown sent_type 'email'. Valid values are: public, internal, publicReply, internalNote"
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        ("get", f"/api/v1/reviews/{HUGE}", None, f"review {HUGE} was not found"),
        (
            "post",
            f"/api/v1/reviews/{HUGE}/decision",
            {"action": "approve"},
            f"review {HUGE} was not found",
        ),
        (
            "post",
            f"/api/v1/admin/reviewers/{HUGE}/credentials",
            {
                "domain": "legal",
                "jurisdictions": ["US-CA"],
                "licence_id": "L-1",
                "expires_on": "2030-01-01",
            },
            f"reviewer {HUGE} was not found",
        ),
    ],
)
def test_when_an_id_is_beyond_what_the_database_holds_then_404_naming_it(
    client: FlaskClient, method: str, path: str, body: object, message: str
) -> None:
    headers = ADMIN if "/admin/" in path else {"Authorization": f"Bearer {reviewer_token(client)}"}
    response = getattr(client, method)(path, json=body, headers=headers)
    assert response.status_code == 404
    assert error(response)["message"] == message


@pytest.mark.parametrize("text", [["an", "edit"], {"text": "an edit"}, 42])
def test_when_edit_and_approve_text_is_not_a_string_then_400_naming_text(
    client: FlaskClient, text: object
) -> None:
    headers = {"Authorization": f"Bearer {reviewer_token(client)}"}
    response = client.post(
        "/api/v1/reviews/1/decision",
        json={"action": "edit_and_approve", "text": text},
        headers=headers,
    )
    assert response.status_code == 400
    assert error(response) == {
        "code": "bad_input",
        "message": "text must be a string",
        "field": "text",
    }


def test_when_the_admin_token_is_not_ascii_then_403_wrong_token(client: FlaskClient) -> None:
    token = "admin-sécret".encode().decode("latin-1")  # as a WSGI server hands it over
    response = client.get("/api/v1/admin/reviewers", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert error(response) == {"code": "forbidden", "message": "wrong admin token"}


def test_when_a_reviewer_e_mail_is_taken_then_409_saying_how_to_give_a_new_token(
    client: FlaskClient,
) -> None:
    reviewer_token(client, "ana@example.com")
    response = client.post(
        "/api/v1/admin/reviewers", headers=ADMIN, json={"name": "Ana", "email": "ANA@example.com"}
    )
    assert response.status_code == 409
    assert error(response) == {
        "code": "reviewer_exists",
        "message": "reviewer 1 already has the e-mail ana@example.com; to give them a new "
        "token run 'precedent reviewers rotate ana@example.com'",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "Ana"}, "email is required and must be an e-mail address"),
        ({"name": "Ana", "email": "ana"}, "email is required and must be an e-mail address"),
        ({"name": ["Ana"], "email": "a@b.c"}, "name is required and must be a non-empty string"),
        ({"name": "A" * 201, "email": "a@b.c"}, "name is longer than 200 characters"),
        ({"name": "Ana\u0000", "email": "a@b.c"}, "name contains a NUL character"),
    ],
)
def test_when_a_new_reviewer_is_malformed_then_400_naming_the_field(
    client: FlaskClient, body: dict[str, object], message: str
) -> None:
    response = client.post("/api/v1/admin/reviewers", headers=ADMIN, json=body)
    assert response.status_code == 400
    assert error(response)["message"].startswith(message)


def comment_event(comment: dict[str, object]) -> bytes:
    base = {"id": "c-1", "body": "Restart the router.", "public": True}
    return json.dumps(
        {"event": "comment_added", "ticket_id": "N-1", "comment": {**base, **comment}}
    ).encode()


def test_when_a_webhook_comment_author_is_a_string_then_it_is_the_author(
    client: FlaskClient, app: Flask
) -> None:
    connect_helpdesks(app)
    ready_draft("acme", "N-1", "Restart the router [1].", {"domains": ["legal"], "rules": []})
    body = comment_event({"author": "9001"})
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert response.status_code == 202
    with db.session() as session:
        assert session.scalars(select(Outcome.agent)).one() == "9001"


@pytest.mark.parametrize("author", [["9001"], "x" * 201, True])
def test_when_a_webhook_comment_author_is_unusable_then_400_naming_it(
    client: FlaskClient, app: Flask, author: object
) -> None:
    connect_helpdesks(app)
    body = comment_event({"author": author})
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert response.status_code == 400
    assert error(response) == {
        "code": "bad_input",
        "message": "comment.author is required: a string or number of at most 200 characters",
        "field": "comment.author",
    }


def test_when_the_url_holds_a_nul_then_400_not_a_database_error(
    client: FlaskClient, app: Flask
) -> None:
    response = client.get("/api/v1/drafts/%00", headers=app_token(app, "demo"))
    assert response.status_code == 400
    assert error(response)["message"] == "the URL contains a NUL character (%00); remove it"


# Every route, with a body good enough to get past validation to the database.
BODIES: dict[str, object] = {
    "drafts.request_draft": {"ticket_id": "N-1"},
    "outcomes.report_outcome": {"action": "accepted"},
    "reviews.decide": {"action": "approve"},
    "admin.add_reviewer": {"name": "Ana", "email": "ana@example.com"},
    "admin.add_credential": {
        "domain": "legal",
        "jurisdictions": ["US-CA"],
        "licence_id": "L-1",
        "expires_on": "2030-01-01",
    },
    "webhooks.zendesk": {"event": "ticket_created", "ticket_id": "1"},
    "webhooks.freshdesk": {"event": "ticket_created", "ticket_id": "1"},
    "insights.api.mark": {"done": True},
}
# Routes that never touch the database.
WITHOUT_DATABASE = {"openapi.openapi", "pages.index", "pages.preview", "pages.review_queue"}
WITHOUT_DATABASE |= {"static", "admin.policy_status", "insights.page"}


@pytest.fixture
def database_down(tmp_path: Path) -> Iterator[Flask]:
    """The app on a PostgreSQL URL where nothing listens: psycopg's own connection error."""
    url = f"postgresql+psycopg://precedent@127.0.0.1:{free_port()}/precedent"
    flask_app = create_app(app_config(tmp_path, DATABASE_URL=url, ADMIN_TOKEN="admin-secret"))
    with flask_app.app_context():
        yield flask_app


def routes(app: Flask) -> Iterator[tuple[str, str, str]]:
    for rule in app.url_map.iter_rules():
        ids = ("item_id", "reviewer_id", "credential_id")
        args = {n: 7 if n in ids else "x" for n in rule.arguments}
        built = rule.build(args, append_unknown=False)
        assert built is not None
        path = built[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def test_when_postgresql_is_down_then_every_route_answers_503_with_retry_after(
    database_down: Flask,
) -> None:
    client = database_down.test_client()
    seen = []
    for endpoint, method, path in routes(database_down):
        # each route's refusal is written (so the database is reached), not throttled as the
        # eleventh anonymous refusal of the minute would be
        database_down.extensions.pop(identity.THROTTLE, None)
        headers = {**ADMIN} if endpoint.startswith("admin.") else {"Authorization": "Bearer t"}
        response = client.open(path, method=method, json=BODIES.get(endpoint), headers=headers)
        seen.append(endpoint)
        if endpoint in WITHOUT_DATABASE:
            assert response.status_code < 500, (endpoint, response.status_code)
            continue
        assert (endpoint, response.status_code) == (endpoint, 503)
        assert response.headers["Retry-After"] == "30"
        if endpoint != "health.health":
            assert error(response) == {
                "code": "database_unavailable",
                "message": "the database cannot be reached right now; try again in 30 seconds",
            }
    assert len(seen) >= 20
