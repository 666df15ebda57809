"""Safety escalation: urgent review items, who reviews them, the instruction, the audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import create_app, migrate, pipeline, services
from backend.db import db
from backend.errors import ConfigError
from backend.models import AuditEvent
from backend.review import safety
from tests.conftest import app_config, load_fixture_corpus
from tests.unit.test_review import ADMIN, DECISION, bearer, gated_draft, reviewer

EMERGENCY = {
    "domains": ["safety"],
    "jurisdiction": "US-CA",
    "rules": [
        {
            "rule": "swallowed-something-dangerous",
            "domain": "safety",
            "type": "regex",
            "source": "ticket",
            "start": 14,
            "end": 40,
            "text": "bit into one of your dishwasher pods",
            "score": None,
            "detail": None,
        }
    ],
    "policy_versions": {"safety": "sha256:0123456789abcdef"},
}
POISONED = {
    "id": "S-1",
    "subject": "Dishwasher pods",
    "body": "My 2 year old just bit into one of your dishwasher pods. What do I do??",
    "jurisdiction": "US-CA",
    "requester": {"name": "Kim Lee", "email": "kim@example.com"},
}


@contextmanager
def safety_app(tmp_path: Path, **settings: Any) -> Iterator[Flask]:
    flask_app = create_app(app_config(tmp_path, ADMIN_TOKEN="admin-secret", **settings))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[FlaskClient]:
    with safety_app(tmp_path) as flask_app:
        yield flask_app.test_client()


def gate_of(client: FlaskClient, draft_id: str) -> dict[str, Any]:
    gate: dict[str, Any] = client.get(f"/api/v1/drafts/{draft_id}").get_json()["gate"]
    return gate


def test_when_a_decision_includes_safety_then_the_draft_is_urgent_with_the_default_instruction(
    client: FlaskClient,
) -> None:
    gate = gate_of(client, gated_draft(EMERGENCY))
    assert (gate["status"], gate["urgent"], gate["insertable"]) == ("review_required", True, False)
    assert gate["instruction"] == safety.DEFAULT_INSTRUCTION
    assert gate["eligible_reviewers"] == 0
    assert gate["reason"] == (
        "Someone may be in danger: follow the safety instruction now. This draft is held until "
        "a reviewer credentialed for safety (or medical) in US-CA approves it (no reviewer is "
        "credentialed for it yet, so do not wait for one)."
    )


def test_when_a_decision_has_no_safety_domain_then_the_draft_is_not_urgent(
    client: FlaskClient,
) -> None:
    gate = gate_of(client, gated_draft(DECISION))
    assert gate["urgent"] is False
    assert "instruction" not in gate


def test_when_urgent_and_older_ordinary_items_wait_then_the_queue_lists_the_urgent_first(
    client: FlaskClient,
) -> None:
    token = reviewer(client, "Ana", "insurance", ["US-*"])
    reviewer_id = client.get("/api/v1/reviews", headers=bearer(token)).get_json()["reviewer"]["id"]
    client.post(
        f"/api/v1/admin/reviewers/{reviewer_id}/credentials",
        headers=ADMIN,
        json={
            "domain": "medical",
            "jurisdictions": ["US-CA"],
            "licence_id": "MD-1",
            "expires_on": "2099-12-31",
        },
    )
    # three tickets: a newer draft of the same ticket would supersede the older one's item
    older = gated_draft(ticket="N-3")
    urgent, newer = gated_draft(EMERGENCY, ticket="N-4"), gated_draft(ticket="N-5")
    queue = client.get("/api/v1/reviews", headers=bearer(token)).get_json()["reviews"]
    assert [(r["draft_id"], r["urgent"]) for r in queue] == [
        (urgent, True),
        (older, False),
        (newer, False),
    ]
    assert queue[0]["instruction"] == safety.DEFAULT_INSTRUCTION
    assert "instruction" not in queue[1]


@pytest.mark.parametrize(
    ("domain", "sees_it"), [("safety", True), ("medical", True), ("legal", False)]
)
def test_when_a_reviewer_holds_one_licence_then_safety_items_are_theirs_only_for_safety_or_medical(
    client: FlaskClient, domain: str, sees_it: bool
) -> None:
    token = reviewer(client, "Bo", domain, ["US-*"])
    draft_id = gated_draft(EMERGENCY)
    queue = client.get("/api/v1/reviews", headers=bearer(token)).get_json()["reviews"]
    assert [r["draft_id"] for r in queue] == ([draft_id] if sees_it else [])
    assert gate_of(client, draft_id)["eligible_reviewers"] == (1 if sees_it else 0)


def test_when_a_safety_item_is_routed_then_its_escalation_is_audited(client: FlaskClient) -> None:
    reviewer(client, "Cy", "safety", ["*"])
    draft_id = gated_draft(EMERGENCY)
    with db.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith("gate.")).order_by(AuditEvent.id)
        ).all()
        found = [(e.action, e.subject, e.details) for e in events]
    item = found[0][1]
    assert found == [
        (
            "gate.routed",
            item,
            {
                "draft_id": draft_id,
                "domains": ["safety"],
                "jurisdiction": "US-CA",
                "rules": ["swallowed-something-dangerous"],
                "policy_versions": {"safety": "sha256:0123456789abcdef"},
                "eligible_reviewers": 1,
            },
        ),
        (
            "gate.safety_escalated",
            item,
            {
                "draft_id": draft_id,
                "domains": ["safety"],
                "jurisdiction": "US-CA",
                "rules": ["swallowed-something-dangerous"],
                "eligible_reviewers": 1,
            },
        ),
    ]


def test_when_an_ordinary_item_is_routed_then_no_escalation_is_audited(
    client: FlaskClient,
) -> None:
    gated_draft(DECISION)
    with db.session() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "gate.routed" in actions and "gate.safety_escalated" not in actions


def test_when_the_instruction_is_set_per_deployment_and_per_tenant_then_the_tenants_own_wins(
    tmp_path: Path,
) -> None:
    settings = {
        "SAFETY_INSTRUCTION": "Call the duty manager on 555-0100 now.",
        "SAFETY_INSTRUCTIONS": json.dumps({"demo": "Demo: ring 555-0199, then log it."}),
    }
    with safety_app(tmp_path, **settings) as flask_app:
        client = flask_app.test_client()
        assert gate_of(client, gated_draft(EMERGENCY))["instruction"] == (
            "Demo: ring 555-0199, then log it."
        )
        assert safety.instruction(flask_app.config, "acme") == (
            "Call the duty manager on 555-0100 now."
        )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{demo: call}", "PRECEDENT_SAFETY_INSTRUCTIONS is not valid JSON: "),
        ('["call 911"]', "PRECEDENT_SAFETY_INSTRUCTIONS must be a JSON object of tenant to "),
        ('{"demo": ""}', "PRECEDENT_SAFETY_INSTRUCTIONS must be a JSON object of tenant to "),
    ],
)
def test_when_per_tenant_instructions_are_malformed_then_start_up_names_the_setting(
    tmp_path: Path, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        create_app(app_config(tmp_path, SAFETY_INSTRUCTIONS=value))
    assert caught.value.message.startswith(message)


def test_when_the_real_gate_reads_an_emergency_ticket_then_the_draft_is_urgent(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text(json.dumps(POISONED) + "\n")
    with safety_app(tmp_path, FILES_INBOX=str(inbox)) as flask_app:
        load_fixture_corpus(services.get())
        client = flask_app.test_client()
        draft_id = client.post("/api/v1/drafts", json={"ticket_id": "S-1"}).get_json()["id"]
        pipeline.process_draft(draft_id, services.draft_store(), services.get())  # the worker
        gate = gate_of(client, draft_id)
        assert (gate["status"], gate["urgent"]) == ("review_required", True)
        assert "safety" in gate["domains"]
        hit = next(r for r in gate["rules"] if r["domain"] == "safety")
        assert (hit["rule"], hit["type"], hit["source"], hit["text"]) == (
            "swallowed-something-dangerous",
            "regex",
            "ticket",
            "bit into one of your dishwasher pods",
        )
        assert client.post(f"/api/v1/drafts/{draft_id}/insert").status_code == 409
