"""POST /drafts/<id>/shown: the sidebar's report that an agent saw the ready draft."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend import services
from backend.db import db
from backend.models import Draft
from tests.helpdesk_accounts import app_token, connect_helpdesks, ready_draft

TEXT = "Restart the router [1]."


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def shown_at(draft_id: str) -> datetime | None:
    with db.session() as session:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        # SQLite hands back naive UTC
        return draft.shown_at.replace(tzinfo=UTC) if draft.shown_at else None


def test_the_first_report_is_stamped_and_a_repeat_answers_the_same_moment(
    client: FlaskClient,
) -> None:
    draft_id = ready_draft("demo", "S-1", TEXT)
    before = datetime.now(UTC)

    first = client.post(f"/api/v1/drafts/{draft_id}/shown")
    again = client.post(f"/api/v1/drafts/{draft_id}/shown")

    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    assert first.get_json()["id"] == draft_id
    stamped = shown_at(draft_id)
    assert stamped is not None
    assert first.get_json()["shown_at"] == stamped.isoformat().replace("+00:00", "Z")
    assert before <= stamped <= datetime.now(UTC)


def test_a_draft_that_is_not_ready_is_refused_and_not_stamped(client: FlaskClient) -> None:
    draft, _ = services.draft_store().request("demo", "S-2", "agent:test")

    refused = client.post(f"/api/v1/drafts/{draft.id}/shown")

    assert refused.status_code == 409
    assert refused.get_json()["error"] == {
        "code": "draft_not_ready",
        "message": f"draft {draft.id} is queued, not ready",
    }
    assert shown_at(draft.id) is None


def test_another_tenants_draft_is_not_found_and_not_stamped(
    client: FlaskClient, app: Flask
) -> None:
    connect_helpdesks(app)
    theirs = ready_draft("globex", "S-3", TEXT)

    answer = client.post(f"/api/v1/drafts/{theirs}/shown", headers=app_token(app, "acme"))

    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "draft_not_found"
    assert shown_at(theirs) is None


def test_the_app_token_of_the_drafts_tenant_is_accepted(client: FlaskClient, app: Flask) -> None:
    connect_helpdesks(app)
    ours = ready_draft("acme", "S-4", TEXT)

    answer = client.post(f"/api/v1/drafts/{ours}/shown", headers=app_token(app, "acme"))

    assert answer.status_code == 200
    assert shown_at(ours) is not None


def test_without_a_credential_a_connected_helpdesks_draft_is_refused(
    client: FlaskClient, app: Flask
) -> None:
    connect_helpdesks(app)
    ours = ready_draft("acme", "S-5", TEXT)

    assert client.post(f"/api/v1/drafts/{ours}/shown").status_code == 401
    assert shown_at(ours) is None
