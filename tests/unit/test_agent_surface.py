"""The agent's surface on the server: a repeated insert records nothing new, and a
thumbs-down says why (wrong facts, wrong tone, missing info, not needed)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend.db import db
from backend.models import AuditEvent, Outcome
from tests.helpdesk_accounts import ready_draft

DRAFT = "Restart the router and switch to the 2.4 GHz band [1]."


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def audit_actions() -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_when_a_draft_is_inserted_twice_then_the_second_records_nothing_and_answers_the_same(
    client: FlaskClient,
) -> None:
    draft_id = ready_draft("demo", "N-1", DRAFT)
    first = client.post(f"/api/v1/drafts/{draft_id}/insert")
    second = client.post(f"/api/v1/drafts/{draft_id}/insert")
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_json()["inserted_at"] == first.get_json()["inserted_at"] is not None
    assert audit_actions().count("draft.inserted") == 1


def test_a_gated_draft_is_refused_every_time_it_is_inserted(client: FlaskClient) -> None:
    gate = {"domains": ["insurance"], "jurisdiction": "US-CA", "rules": []}
    draft_id = ready_draft("demo", "N-3", DRAFT, gate)
    codes = [client.post(f"/api/v1/drafts/{draft_id}/insert").status_code for _ in range(2)]
    assert codes == [409, 409]
    assert audit_actions().count("draft.insert_refused") == 2


@pytest.mark.parametrize("reason", ["wrong_facts", "wrong_tone", "missing_info", "not_needed"])
def test_when_a_thumbs_down_gives_a_reason_then_it_is_stored_and_audited(
    client: FlaskClient, reason: str
) -> None:
    draft_id = ready_draft("demo", "N-1", DRAFT)
    body = {"rating": "down", "reason": reason}
    response = client.post(f"/api/v1/drafts/{draft_id}/outcome", json=body)
    assert response.status_code == 201
    assert (response.get_json()["rating"], response.get_json()["reason"]) == ("down", reason)
    with db.session() as session:
        assert session.scalars(select(Outcome.reason)).one() == reason
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and event.details["reason"] == reason


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"rating": "down", "reason": "too_long"},
            "unknown reason 'too_long'. Valid values are: wrong_facts, wrong_tone, missing_info, "
            "not_needed",
        ),
        (
            {"rating": "up", "reason": "wrong_tone"},
            "reason 'wrong_tone' explains a thumbs-down: send it with rating 'down'",
        ),
        (
            {"reason": "not_needed"},
            "reason 'not_needed' explains a thumbs-down: send it with rating 'down'",
        ),
    ],
)
def test_when_a_reason_is_bad_then_400_names_it_and_nothing_is_recorded(
    client: FlaskClient, body: dict[str, str], message: str
) -> None:
    draft_id = ready_draft("demo", "N-1", DRAFT)
    response = client.post(f"/api/v1/drafts/{draft_id}/outcome", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message
    with db.session() as session:
        assert session.scalars(select(Outcome)).first() is None
