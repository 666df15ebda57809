"""Outcome capture: what the agent sent, the action, edit distance, gate bypass, and the
helpdesk webhook that confirms or corrects the sidebar's report."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import review
from backend.db import db
from backend.learning.outcomes import BYPASS_SIMILARITY, derive_action, measure, plain
from backend.models import AuditEvent, Outcome
from backend.tenants import ensure_tenant
from tests.helpdesk_accounts import app_token, connect_helpdesks, ready_draft, signed

DRAFT = "Restart the router and switch to the 2.4 GHz band [1]. It reconnects in a minute [2]."
AS_INSERTED = "Restart the router and switch to the 2.4 GHz band. It reconnects in a minute."
GATE = {"domains": ["insurance"], "jurisdiction": "US-CA", "rules": []}


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def audit_actions() -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def outcome_rows() -> list[Outcome]:
    with db.session() as session:
        return list(session.scalars(select(Outcome).order_by(Outcome.id)))


@pytest.mark.parametrize(
    ("draft", "sent", "distance", "similarity"),
    [
        ("kitten", "sitting", 3, 0.5714),
        (DRAFT, AS_INSERTED, 0, 1.0),  # citation markers are not part of the reply
        ("Hello  there,\r\nfriend.", "Hello there, friend.", 0, 1.0),  # whitespace only
        ("Reset it.", "<p>Reset&nbsp;it.</p>", 0, 1.0),  # an HTML editor's reply
        ("abcd", "", 4, 0.0),
    ],
)
def test_when_texts_are_compared_then_the_distance_is_levenshtein_on_plain_text(
    draft: str, sent: str, distance: int, similarity: float
) -> None:
    measured = measure(draft, sent)
    assert (measured.distance, measured.similarity) == (distance, similarity)


def test_plain_text_keeps_what_the_customer_reads() -> None:
    assert plain("<p>One</p><p>Two &amp; three [1, 2]</p>") == "One Two & three"


@pytest.mark.parametrize(
    ("explicit", "distance", "action"),
    [
        (None, 0, "accepted"),
        (None, 5, "edited"),
        ("accepted", 5, "edited"),  # the text decides between accepted and edited
        ("rejected", 0, "rejected"),
        ("escalated", 5, "escalated"),
        ("rejected", None, "rejected"),
        (None, None, None),  # a thumbs-up alone
    ],
)
def test_when_the_action_is_absent_or_measurable_then_it_is_derived(
    explicit: str | None, distance: int | None, action: str | None
) -> None:
    measured = None if distance is None else measure("a" * 10, "a" * (10 - distance))
    assert derive_action(explicit, measured) == action


@pytest.mark.parametrize(
    ("body", "action", "distance", "sent_type"),
    [
        ({"sent_text": AS_INSERTED, "sent_type": "publicReply"}, "accepted", 0, "public"),
        (
            {"sent_text": AS_INSERTED + " Thanks!", "sent_type": "public"},
            "edited",
            8,
            "public",
        ),
        ({"action": "rejected"}, "rejected", None, None),
        (
            {
                "sent_text": "Passing this to tier 2.",
                "sent_type": "internalNote",
                "action": "escalated",
            },
            "escalated",
            None,
            "internal",
        ),
    ],
)
def test_when_the_sidebar_reports_then_the_outcome_is_recorded_and_audited(
    client: FlaskClient, body: dict[str, str], action: str, distance: int | None, sent_type: str
) -> None:
    draft_id = ready_draft("demo", "N-1", DRAFT)
    response = client.post(f"/api/v1/drafts/{draft_id}/outcome", json={**body, "agent": "ana"})
    assert response.status_code == 201
    outcome = response.get_json()
    assert (outcome["action"], outcome["sent_type"], outcome["source"]) == (
        action,
        sent_type,
        "sidebar",
    )
    if distance is not None:
        assert outcome["edit_distance"] == distance
    assert outcome["agent"] is None and outcome["bypass"] is False  # "ana" is only claimed
    assert outcome["ticket_id"] == "N-1"
    assert audit_actions()[-1] == "outcome.recorded"
    assert outcome_rows()[0].sent_text == body.get("sent_text")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "send at least one of sent_text, action or rating"),
        ({"sent_text": "x", "sent_type": "email"}, "unknown sent_type 'email'. Valid values are:"),
        ({"action": "ignored"}, "unknown action 'ignored'. Valid values are: accepted, edited"),
        ({"sent_text": 3}, "sent_text must be a string"),
    ],
)
def test_when_a_report_is_bad_then_400_and_nothing_is_recorded(
    client: FlaskClient, body: dict[str, object], message: str
) -> None:
    draft_id = ready_draft("demo", "N-1", DRAFT)
    response = client.post(f"/api/v1/drafts/{draft_id}/outcome", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith(message)
    assert outcome_rows() == []


def test_a_report_for_an_unknown_draft_is_404(client: FlaskClient) -> None:
    response = client.post("/api/v1/drafts/nope/outcome", json={"rating": "down"})
    assert response.status_code == 404


def test_when_a_gated_unapproved_drafts_text_is_sent_then_it_is_flagged_as_a_bypass(
    client: FlaskClient,
) -> None:
    draft_id = ready_draft("demo", "N-3", DRAFT, GATE)
    sent = AS_INSERTED + " Best, Ana"
    response = client.post(f"/api/v1/drafts/{draft_id}/outcome", json={"sent_text": sent})
    outcome = response.get_json()
    assert outcome["similarity"] >= BYPASS_SIMILARITY
    assert (outcome["bypass"], outcome["gate_status"]) == (True, "review_required")
    assert audit_actions()[-2:] == ["outcome.recorded", "gate.bypass"]
    with db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "gate.bypass")).one()
    assert event.details["domains"] == ["insurance"]
    assert event.details["threshold"] == BYPASS_SIMILARITY


def test_an_unverified_caller_cannot_pin_a_gate_bypass_on_another_agent(
    client: FlaskClient,
) -> None:
    draft_id = ready_draft("demo", "N-3", DRAFT, GATE)
    body = {"sent_text": AS_INSERTED, "agent": "bob"}
    outcome = client.post(f"/api/v1/drafts/{draft_id}/outcome", json=body).get_json()
    assert (outcome["bypass"], outcome["agent"]) == (True, None)
    with db.session() as session:
        bypass = session.scalars(select(AuditEvent).where(AuditEvent.action == "gate.bypass")).one()
    assert (bypass.details["agent"], bypass.details["claimed_agent"]) == (None, "bob")


def test_an_app_tokens_agent_wins_over_the_body_and_nothing_is_claimed(
    client: FlaskClient, app: Flask
) -> None:
    connect_helpdesks(app)
    theirs = ready_draft("acme", "N-3", DRAFT, GATE)
    body = {"sent_text": AS_INSERTED, "agent": "bob"}
    verified = client.post(
        f"/api/v1/drafts/{theirs}/outcome", headers=app_token(app, "acme"), json=body
    ).get_json()
    assert verified["agent"] == "9001"  # the token's agent; the body's name is not even kept
    with db.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and "claimed_agent" not in last.details


def test_a_rewrite_of_a_gated_draft_is_not_a_bypass(client: FlaskClient) -> None:
    draft_id = ready_draft("demo", "N-3", DRAFT, GATE)
    sent = "Our claims team will look at your policy and get back to you by Friday."
    outcome = client.post(f"/api/v1/drafts/{draft_id}/outcome", json={"sent_text": sent})
    assert outcome.get_json()["bypass"] is False
    assert "gate.bypass" not in audit_actions()


def test_when_the_gated_draft_was_approved_then_sending_it_is_no_bypass(
    client: FlaskClient,
) -> None:
    draft_id = ready_draft("demo", "N-3", DRAFT, GATE)
    with db.session() as session:
        tenant = ensure_tenant(session, "demo")
        ana, _ = review.add_reviewer(session, tenant.id, "Ana", "ana@example.com")
        review.add_credential(
            session, ana, "insurance", ["US-*"], "LIC-1", date.today() + timedelta(days=30)
        )
        item_id = session.scalars(select(review.ReviewItem.id)).one()
        assert review.decide(session, ana, item_id, "approve", "fine", None) is None
    response = client.post(f"/api/v1/drafts/{draft_id}/outcome", json={"sent_text": AS_INSERTED})
    outcome = response.get_json()
    assert (outcome["bypass"], outcome["gate_status"], outcome["action"]) == (
        False,
        "approved",
        "accepted",
    )
    assert "gate.bypass" not in audit_actions()


# --- the helpdesk webhook confirms or corrects ----------------------------------------------


def comment_event(comment_id: str, body: str, **extra: object) -> bytes:
    comment = {"id": comment_id, "body": body, "public": True, "author_id": "9001", **extra}
    return json.dumps({"event": "comment_added", "ticket_id": "N-1", "comment": comment}).encode()


def webhook(client: FlaskClient, body: bytes) -> dict[str, object]:
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert response.status_code == 202
    result: dict[str, object] = response.get_json()
    return result


@pytest.mark.parametrize(
    ("helpdesk_text", "confirmation", "action", "distance"),
    [
        (AS_INSERTED + " Thanks!", "confirmed", "edited", 8),
        (AS_INSERTED, "corrected", "accepted", 0),  # the agent removed the sign-off after all
    ],
)
def test_a_webhook_for_the_same_comment_confirms_or_corrects_the_sidebar_report(
    client: FlaskClient,
    app: Flask,
    helpdesk_text: str,
    confirmation: str,
    action: str,
    distance: int,
) -> None:
    connect_helpdesks(app)
    draft_id = ready_draft("acme", "N-1", DRAFT)
    first = client.post(
        f"/api/v1/drafts/{draft_id}/outcome",
        headers=app_token(app, "acme"),
        json={"sent_text": AS_INSERTED + " Thanks!", "sent_type": "publicReply"},
    ).get_json()
    assert first["agent"] == "9001"  # from the verified token

    result = webhook(client, comment_event("c-1", f"<p>{helpdesk_text}</p>"))
    assert (result["result"], result["confirmation"]) == ("outcome_recorded", confirmation)
    sidebar, helpdesk = outcome_rows()
    assert (helpdesk.source, helpdesk.confirms_id, helpdesk.comment_id) == (
        "webhook",
        sidebar.id,
        "c-1",
    )
    assert (helpdesk.action, helpdesk.edit_distance) == (action, distance)
    assert sidebar.confirms_id is None  # the sidebar row is never rewritten

    again = webhook(client, comment_event("c-1", "<p>anything</p>"))
    assert again["result"] == "ignored: this comment was already recorded"
    later = webhook(client, comment_event("c-2", "A follow-up a day later."))
    assert later["result"] == "ignored: an earlier reply is this draft's outcome"
    assert len(outcome_rows()) == 2


def test_a_webhook_comment_on_an_unused_draft_is_ignored_unless_the_draft_is_gated(
    client: FlaskClient, app: Flask
) -> None:
    connect_helpdesks(app)
    ready_draft("acme", "N-1", "Some unrelated draft.")
    result = webhook(client, comment_event("c-1", "I wrote my own reply."))
    assert result["result"] == "ignored: the agent did not use this draft"

    ready_draft("acme", "N-1", DRAFT, GATE)
    result = webhook(client, comment_event("c-2", AS_INSERTED))
    assert result["result"] == "outcome_recorded"
    assert outcome_rows()[0].bypass is True
    assert "gate.bypass" in audit_actions()


def test_a_customer_comment_is_not_an_outcome(client: FlaskClient, app: Flask) -> None:
    connect_helpdesks(app)
    draft_id = ready_draft("acme", "N-1", DRAFT)
    client.post(f"/api/v1/drafts/{draft_id}/insert", headers=app_token(app, "acme"))
    result = webhook(client, comment_event("c-9", "Thanks, that worked!", author_role="end-user"))
    assert result["event"] == "unknown" and str(result["result"]).startswith("ignored")
    assert outcome_rows() == []


def test_a_note_posted_first_does_not_hide_the_gated_text_pasted_after_it(
    client: FlaskClient, app: Flask
) -> None:
    connect_helpdesks(app)
    ready_draft("acme", "N-1", DRAFT, GATE)
    note = webhook(client, comment_event("c-1", "Looking into this now.", public=False))
    assert note["result"] == "outcome_recorded"
    assert "gate.bypass" not in audit_actions()

    pasted = webhook(client, comment_event("c-2", AS_INSERTED + " Best, Ana"))
    assert pasted["result"] == "outcome_recorded"
    assert [row.bypass for row in outcome_rows()] == [False, True]
    assert audit_actions().count("gate.bypass") == 1

    rewritten = webhook(client, comment_event("c-3", "Our claims team will call you on Friday."))
    assert rewritten["result"] == "ignored: an earlier reply is this draft's outcome"
    assert len(outcome_rows()) == 2


@pytest.mark.parametrize(
    "author",
    [
        {"author_role": "End-user"},
        {"author_is_agent": False},
        {"author_is_agent": "false"},
        {"author": {"id": "77", "is_staff": False}},
    ],
    ids=["role", "not-agent", "not-agent-text", "not-staff"],
)
def test_when_the_body_says_the_author_is_the_customer_then_no_outcome_is_recorded(
    client: FlaskClient, app: Flask, author: dict[str, object]
) -> None:
    connect_helpdesks(app)
    ready_draft("acme", "N-1", DRAFT, GATE)  # gated: any agent comment is an outcome
    quoted = webhook(client, comment_event("c-9", AS_INSERTED + " Is that right?", **author))
    assert str(quoted["result"]).startswith("ignored")
    assert outcome_rows() == [] and "gate.bypass" not in audit_actions()
    agent = webhook(client, comment_event("c-10", "Thanks!", author_is_agent="true"))
    assert agent["result"] == "outcome_recorded"
