"""GET /api/v1/insights/escalations: escalation correctness for the team lead, by intent (ticket
type, or topic cluster), agent or team, with the window and dimension filters of the other
figures."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from backend.db import db
from backend.learning import leads
from tests.escalation_topic_data import BY_STORED_TOPIC, stored_topic_history
from tests.learning_data import History
from tests.team_change_data import BY_AGENT, BY_INTENT, team_change_history

URL = "/api/v1/insights/escalations"
MARCH = {"from": "2026-03-01", "to": "2026-03-30"}  # the constructed history's 30 days
FIELDS = ("key", "escalations", "sent_back", "rerouted", "held", "unseen", "from_history",
          "from_drafts", "wrong_rate")  # fmt: skip


@pytest.fixture
def lead(app: Flask) -> tuple[FlaskClient, dict[str, str]]:
    with db.session() as session:
        history = History(session, "acme")
        team_change_history(history)
        _, token = leads.add(session, history.tenant.id, "Ada Lee", "ada@example.com")
    return app.test_client(), {"Authorization": f"Bearer {token}"}


@pytest.fixture
def topic_lead(app: Flask) -> tuple[FlaskClient, dict[str, str]]:
    with db.session() as session:
        history = History(session, "acme")
        stored_topic_history(history)
        _, token = leads.add(session, history.tenant.id, "Ada Lee", "ada@example.com")
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def rows(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(row[f] for f in FIELDS) for row in body["rows"]]


def test_by_default_escalations_are_counted_per_intent(lead: Any) -> None:
    client, auth = lead

    response = client.get(URL, query_string=MARCH, headers=auth)

    assert response.status_code == 200
    body = response.get_json()
    assert (body["by"], body["window"]["filters"]) == ("ticket_type", {})
    assert rows(body) == BY_INTENT


def test_by_agent_and_filtered_by_team(lead: Any) -> None:
    client, auth = lead

    by_agent = client.get(URL, query_string={**MARCH, "by": "agent"}, headers=auth).get_json()
    billing = client.get(URL, query_string={**MARCH, "by": "agent", "team": "Billing"},
                         headers=auth).get_json()  # fmt: skip

    assert rows(by_agent) == BY_AGENT
    assert rows(billing) == [
        ("bob", 3, 0, 0, 2, 1, 1, 1, 0.0),
        ("ann", 1, 0, 1, 0, 0, 1, 0, 1.0),
    ]
    assert billing["window"]["filters"] == {"team": "Billing"}


def test_by_topic_each_escalated_tickets_topic_cluster_is_the_intent(topic_lead: Any) -> None:
    client, auth = topic_lead

    response = client.get(URL, query_string={**MARCH, "by": "topic"}, headers=auth)
    devices = client.get(URL, query_string={**MARCH, "by": "topic", "team": "Devices"},
                         headers=auth).get_json()  # fmt: skip

    assert response.status_code == 200
    assert response.get_json()["by"] == "topic"
    assert rows(response.get_json()) == BY_STORED_TOPIC
    assert rows(devices) == [("", 2, 0, 1, 0, 1, 1, 0, 1.0)]  # E3 and E4: no shared topic


def test_an_unknown_grouping_is_400_with_the_valid_ones(lead: Any) -> None:
    client, auth = lead

    response = client.get(URL, query_string={"by": "brand"}, headers=auth)

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == (
        "unknown grouping 'brand' for escalations. Valid values are: ticket_type, topic, agent, "
        "team"
    )


def test_without_a_lead_token_escalations_are_refused(lead: Any) -> None:
    client, _ = lead
    assert client.get(URL).status_code == 401
