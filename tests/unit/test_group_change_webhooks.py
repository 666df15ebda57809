"""A helpdesk says a ticket's group changed (Freshdesk automation, Zendesk trigger): a team
change is recorded from the ticket's last known team, once per delivery, after the signature
or shared secret is checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import services
from backend.db import db
from backend.learning.team_changes import TeamChange
from backend.models import AuditEvent, Draft, Tenant
from tests.helpdesk_accounts import FRESHDESK_WEBHOOK_SECRET, connect_helpdesks, signed

FRESHDESK = "/api/v1/webhooks/freshdesk/globex"
SECRET = {"X-Precedent-Webhook-Secret": FRESHDESK_WEBHOOK_SECRET}


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    connect_helpdesks(app)
    return app.test_client()


def group_changed(ticket: str, group: str, at: str) -> bytes:
    return json.dumps(
        {"event": "group_changed", "ticket_id": ticket, "group": group, "changed_at": at}
    ).encode()


def changes() -> list[tuple[str, str, str, str, str, datetime]]:
    with db.session() as session:
        rows = session.execute(
            select(Tenant.slug, TeamChange.ticket_id, TeamChange.from_team, TeamChange.to_team,
                   TeamChange.source, TeamChange.at)
            .join(Tenant, Tenant.id == TeamChange.tenant_id)
            .order_by(TeamChange.at)
        )  # fmt: skip
        return [(s, t, f, to, src, at.replace(tzinfo=UTC)) for s, t, f, to, src, at in rows]


def drafted(tenant: str, ticket: str, team: str) -> None:
    """A draft of the ticket, made while the helpdesk showed it with ``team``."""
    draft, _ = services.draft_store().request(tenant, ticket, "agent:test")
    made = datetime(2026, 3, 19, tzinfo=UTC)  # before the moves these tests report
    with db.session() as session:
        found = session.get_one(Draft, draft.id)
        found.team, found.created_at = team, made


def test_when_freshdesk_moves_a_ticket_then_a_team_change_from_its_last_team_is_recorded(
    client: FlaskClient,
) -> None:
    drafted("globex", "20", "Billing")

    first = client.post(FRESHDESK, data=group_changed("20", "Finance", "2026-03-20T10:05:00Z"),
                        headers=SECRET)  # fmt: skip
    second = client.post(FRESHDESK, data=group_changed("20", "Legal", "2026-03-21T09:00:00"),
                         headers=SECRET)  # fmt: skip

    assert (first.status_code, first.get_json()) == (
        202,
        {"event": "group_changed", "ticket_id": "20", "result": "team change recorded"},
    )
    assert second.status_code == 202
    assert changes() == [
        ("globex", "20", "Billing", "Finance", "freshdesk_webhook",
         datetime(2026, 3, 20, 10, 5, tzinfo=UTC)),
        ("globex", "20", "Finance", "Legal", "freshdesk_webhook",
         datetime(2026, 3, 21, 9, 0, tzinfo=UTC)),
    ]  # fmt: skip


def test_when_the_same_change_is_delivered_again_then_it_is_recorded_once(
    client: FlaskClient,
) -> None:
    body = group_changed("20", "Finance", "2026-03-20T10:05:00Z")
    client.post(FRESHDESK, data=body, headers=SECRET)

    again = client.post(FRESHDESK, data=body, headers=SECRET)

    assert again.get_json()["result"] == "team change already recorded"
    assert [(t, f, to) for _, t, f, to, _, _ in changes()] == [("20", "", "Finance")]


def test_one_moment_sent_with_two_offsets_is_one_change(client: FlaskClient) -> None:
    client.post(FRESHDESK, data=group_changed("20", "Finance", "2026-03-20T10:05:00Z"),
                headers=SECRET)  # fmt: skip

    again = client.post(FRESHDESK, data=group_changed("20", "Finance", "2026-03-20T11:05:00+01:00"),
                        headers=SECRET)  # fmt: skip

    assert again.get_json()["result"] == "team change already recorded"
    assert len(changes()) == 1


def test_a_group_change_without_the_shared_secret_is_refused_and_nothing_recorded(
    client: FlaskClient,
) -> None:
    body = group_changed("20", "Finance", "2026-03-20T10:05:00Z")

    refused = client.post(FRESHDESK, data=body, headers={"X-Precedent-Webhook-Secret": "wrong"})

    assert refused.status_code == 401
    assert changes() == []
    with db.session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions == ["webhook.rejected"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"group": "Finance"}, "changed_at is required: when the group changed, e.g. 2026-"),
        ({"group": "Finance", "changed_at": "yesterday"}, "changed_at 'yesterday' is not ISO"),
        ({"changed_at": "2026-03-20T10:05:00Z"}, "group is required: the team's name"),
    ],
)
def test_when_a_group_change_lacks_its_group_or_time_then_400_says_which(
    client: FlaskClient, body: dict[str, str], message: str
) -> None:
    sent = json.dumps({"event": "group_changed", "ticket_id": "20", **body}).encode()

    response = client.post(FRESHDESK, data=sent, headers=SECRET)

    assert response.status_code == 400
    assert message in response.get_json()["error"]["message"]
    assert changes() == []


def test_a_signed_zendesk_group_change_is_recorded_in_utc_as_the_zendesk_webhooks(
    client: FlaskClient,
) -> None:
    body = group_changed("42", "Billing", "2026-03-20T10:05:00+01:00")

    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))

    assert response.status_code == 202
    assert changes() == [
        ("acme", "42", "", "Billing", "zendesk_webhook", datetime(2026, 3, 20, 9, 5, tzinfo=UTC))
    ]
