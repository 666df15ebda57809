"""Policy problems are visible and fail closed: health, the audit trail, the admin API, drafts."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import create_app, migrate, pipeline, services
from backend.db import db
from backend.gate import PolicyAlert
from backend.models import AuditEvent
from backend.policy_audit import PolicyAuditor
from tests.conftest import app_config, load_fixture_corpus

ADMIN = {"Authorization": "Bearer admin-secret"}
POLICY = """\
version: 1
owner: compliance@example.com
domain: {domain}
jurisdictions: ["*"]
rules:
  - id: words
    type: terms
    terms: [{term}]
"""
TERMS = {"financial": "index fund", "insurance": "deductible", "legal": "lawyer", "medical": "dose"}
BROKEN = POLICY.format(domain="legal", term="lawyer") + "    acton: 1\n"
RENT = {
    "id": "L-1",
    "subject": "Rent and a broken heater",
    "body": "My heater has been broken for a month. Can I legally withhold rent until it is fixed?",
    "jurisdiction": "US-CA",
    "requester": {"name": "Ola Berg", "email": "ola@example.com"},
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    policies = tmp_path / "policies"
    policies.mkdir()
    for domain, term in TERMS.items():
        (policies / f"{domain}.yaml").write_text(POLICY.format(domain=domain, term=term))
    return policies


@pytest.fixture
def app(tmp_path: Path, folder: Path) -> Iterator[Flask]:
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text(json.dumps(RENT) + "\n")
    config = app_config(
        tmp_path / "data",
        POLICIES_DIR=str(folder),
        POLICY_CHECK_SECONDS=0,
        ADMIN_TOKEN="admin-secret",
        FILES_INBOX=str(inbox),
    )
    flask_app = create_app(config)
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def audit_events(action: str) -> list[AuditEvent]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_when_all_policies_load_then_health_lists_them(client: FlaskClient) -> None:
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok"
    assert body["checks"]["policies"] == {
        "ok": True,
        "detail": "4 policies in force (financial, insurance, legal, medical) from policies",
    }


def test_when_an_edit_is_broken_then_health_is_degraded_naming_file_and_line(
    client: FlaskClient, folder: Path
) -> None:
    client.get("/api/v1/health")  # the policies are loaded and in force
    (folder / "legal.yaml").write_text(BROKEN)
    response = client.get("/api/v1/health")
    body = response.get_json()
    assert response.status_code == 200  # every dependency answers; drafting still works
    assert body["status"] == "degraded"
    assert body["checks"]["policies"]["ok"] is False
    detail = body["checks"]["policies"]["detail"]
    assert detail.startswith("policies/legal.yaml:9:5 rule 'words': unknown key 'acton'.")
    assert "(not loaded; the running version sha256:" in detail and "stays in force)" in detail
    assert str(folder) not in detail  # no server path on an open endpoint


def test_when_a_broken_edit_is_seen_many_times_then_one_error_line_and_one_audit_event(
    client: FlaskClient, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    running = client.get("/api/v1/admin/policies", headers=ADMIN).get_json()["in_force"]
    (folder / "legal.yaml").write_text(BROKEN)
    with caplog.at_level(logging.ERROR, logger="backend.gate.store"):
        for _ in range(3):
            client.get("/api/v1/health")
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1
    events = audit_events("policy.load_failed")
    assert len(events) == 1
    assert events[0].subject == "policy:policies/legal.yaml"
    assert events[0].actor == "gate"
    details = events[0].details
    assert (details["file"], details["line"], details["column"]) == ("policies/legal.yaml", 9, 5)
    assert details["message"].startswith("rule 'words': unknown key 'acton'. Valid keys are:")
    assert details["running_version"] == running["legal"]


def test_when_another_process_reports_the_same_failure_then_it_is_audited_once(
    app: Flask,
) -> None:
    alert = PolicyAlert("policy.missing", "policy:legal", "legal missing", {"domain": "legal"})
    for _ in range(2):  # two workers, each with its own store
        PolicyAuditor(app.config["DATABASE_URL"], "demo")(alert)
    assert [e.details for e in audit_events("policy.missing")] == [{"domain": "legal"}]


def test_when_files_differ_from_what_is_in_force_then_the_admin_api_lists_each(
    client: FlaskClient, folder: Path
) -> None:
    before = client.get("/api/v1/admin/policies", headers=ADMIN).get_json()
    assert before["status"] == "ok" and before["required"] == sorted(TERMS)
    assert {f["file"]: f["state"] for f in before["files"]} == {
        f"policies/{d}.yaml": "ok" for d in TERMS
    }
    (folder / "legal.yaml").write_text(BROKEN)
    (folder / "medical.yaml").write_text(POLICY.format(domain="medical", term="dosage"))
    (folder / "notes.yml").write_text("a: 1\n")
    after = client.get("/api/v1/admin/policies", headers=ADMIN).get_json()
    files = {f["file"]: f for f in after["files"]}
    assert after["status"] == "degraded" and after["enabled"] is True
    assert files["policies/legal.yaml"]["state"] == "broken"
    assert files["policies/legal.yaml"]["loaded_version"] == before["in_force"]["legal"]
    assert files["policies/legal.yaml"]["error"].startswith("policies/legal.yaml:9:5 rule")
    medical = files["policies/medical.yaml"]
    assert medical["state"] == "not_loaded"
    assert medical["loaded_version"] == before["in_force"]["medical"] != medical["disk_version"]
    assert files["policies/notes.yml"]["state"] == "ignored"
    assert files["policies/financial.yaml"]["state"] == "ok"


def test_when_the_admin_token_is_wrong_then_the_policy_listing_is_refused(
    client: FlaskClient,
) -> None:
    response = client.get("/api/v1/admin/policies", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 403


def test_when_legal_yaml_is_deleted_then_a_legal_ticket_is_held_for_legal_review(
    client: FlaskClient, folder: Path, app: Flask
) -> None:
    (folder / "legal.yaml").unlink()
    load_fixture_corpus(services.get())
    draft = client.post("/api/v1/drafts", json={"ticket_id": "L-1"}).get_json()
    assert pipeline.process_draft(draft["id"], services.draft_store(), services.get()) == "ready"

    gate = client.get(f"/api/v1/drafts/{draft['id']}").get_json()["gate"]
    assert gate["status"] == "review_required" and gate["insertable"] is False
    assert gate["domains"] == ["legal"]
    assert [r["rule"] for r in gate["rules"]] == ["policy-for-legal-is-missing"]
    assert gate["held"] == ["policy for legal is missing: policies/legal.yaml not found"]
    refused = client.post(f"/api/v1/drafts/{draft['id']}/insert")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "review_required"

    routed = audit_events("gate.routed")[0].details
    assert routed["domains"] == ["legal"] and routed["policy_versions"]["legal"] == "missing"
    missing = audit_events("policy.missing")
    assert [e.details for e in missing] == [
        {
            "domain": "legal",
            "reason": "policy for legal is missing: policies/legal.yaml not found",
        }
    ]
    health = client.get("/api/v1/health").get_json()
    assert health["status"] == "degraded"
    assert health["checks"]["policies"]["detail"] == (
        "policy for legal is missing: policies/legal.yaml not found: every draft is held for "
        "legal review"
    )
