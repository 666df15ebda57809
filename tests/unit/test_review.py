"""Gated drafts: routing to credentialed reviewers, decisions, and refusing insertion."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import sessionmaker

from backend import create_app, migrate, review, services
from backend.db import db
from backend.errors import Conflict
from backend.gate.decision import GateDecision
from backend.models import AuditEvent, Credential, Draft, ReviewItem
from backend.types import VerifiedDraft
from tests.conftest import app_config

ADMIN = {"Authorization": "Bearer admin-secret"}
DECISION = {
    "domains": ["insurance"],
    "jurisdiction": "US-CA",
    "rules": [
        {
            "rule": "coverage-opinion",
            "domain": "insurance",
            "source": "draft",
            "start": 0,
            "end": 10,
            "text": "is covered under your policy",
        }
    ],
    "policy_versions": {"insurance": "abc123"},
}


@pytest.fixture
def admin_app(tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    flask_app = create_app(app_config(tmp_path, ADMIN_TOKEN="admin-secret"))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def client(admin_app: Flask) -> FlaskClient:
    return admin_app.test_client()


def gated_draft(decision: dict[str, object] = DECISION, ticket: str = "N-3") -> str:
    store = services.draft_store()
    draft, _ = store.request("demo", ticket, "agent:test")
    claim = store.claim(draft.id)
    assert claim is not None
    text = VerifiedDraft("It is covered under your policy.", (), (), (), "t", "m")
    store.complete(claim, text, {}, GateDecision.from_json(decision))
    return draft.id


def reviewer(
    client: FlaskClient, name: str, domain: str, where: list[str], expires: date | None = None
) -> str:
    created = client.post(
        "/api/v1/admin/reviewers",
        headers=ADMIN,
        json={"name": name, "email": f"{name.lower()}@example.com"},
    )
    assert created.status_code == 201
    body = created.get_json()
    expires = expires or date.today() + timedelta(days=365)
    response = client.post(
        f"/api/v1/admin/reviewers/{body['reviewer']['id']}/credentials",
        headers=ADMIN,
        json={
            "domain": domain,
            "jurisdictions": where,
            "licence_id": f"LIC-{name}",
            "expires_on": max(expires, date.today()).isoformat(),
        },
    )
    assert response.status_code == 201
    if expires < date.today():  # a licence that lapsed after it was recorded
        with db.session() as session:
            lapsed = update(Credential).where(Credential.licence_id == f"LIC-{name}")
            session.execute(lapsed.values(expires_on=expires))
    return str(body["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def actions() -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_gated_draft_cannot_be_inserted_until_an_eligible_reviewer_approves(
    client: FlaskClient,
) -> None:
    ana = reviewer(client, "Ana", "insurance", ["US-*"])
    draft_id = gated_draft()

    draft = client.get(f"/api/v1/drafts/{draft_id}").get_json()
    assert draft["gate"]["status"] == "review_required"
    assert draft["gate"]["insertable"] is False
    assert draft["gate"]["reason"] == (
        "This draft may give insurance advice for US-CA; a reviewer credentialed for insurance "
        "in US-CA must approve it before use (eligible: Ana)."
    )
    refused = client.post(f"/api/v1/drafts/{draft_id}/insert")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "review_required"

    queue = client.get("/api/v1/reviews", headers=bearer(ana)).get_json()["reviews"]
    assert [(r["draft_id"], r["domains"]) for r in queue] == [(draft_id, ["insurance"])]
    detail = client.get(f"/api/v1/reviews/{queue[0]['id']}", headers=bearer(ana)).get_json()
    assert detail["ticket"]["subject"] == "Refund after renewal"
    assert detail["rules"][0]["text"] == "is covered under your policy"
    approved = client.post(
        f"/api/v1/reviews/{queue[0]['id']}/decision",
        headers=bearer(ana),
        json={"action": "approve", "note": "Accurate product facts."},
    )
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"

    inserted = client.post(f"/api/v1/drafts/{draft_id}/insert")
    assert inserted.status_code == 200
    assert inserted.get_json()["gate"]["status"] == "approved"
    assert actions() == [
        "reviewer.added",
        "credential.added",
        "draft.requested",
        "gate.routed",
        "draft.ready",
        "draft.insert_refused",
        "review.approved",
        "draft.inserted",
    ]


@pytest.mark.parametrize(
    ("domain", "where", "expires", "problem"),
    [
        ("medical", ["US-*"], None, "no insurance credential"),
        ("insurance", ["US-NY"], None, "insurance licence LIC-Bo does not cover US-CA"),
        (
            "insurance",
            ["US-CA"],
            date(2026, 1, 1),
            "insurance licence LIC-Bo expired on 2026-01-01",
        ),
    ],
)
def test_an_ineligible_or_expired_reviewer_can_neither_see_nor_decide(
    client: FlaskClient, domain: str, where: list[str], expires: date | None, problem: str
) -> None:
    bo = reviewer(client, "Bo", domain, where, expires)
    draft_id = gated_draft()
    assert client.get("/api/v1/reviews", headers=bearer(bo)).get_json()["reviews"] == []
    with db.session() as session:
        from backend.models import ReviewItem

        item_id = session.scalars(select(ReviewItem.id)).one()
    response = client.post(
        f"/api/v1/reviews/{item_id}/decision", headers=bearer(bo), json={"action": "approve"}
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == (
        f"you cannot decide review {item_id}: {problem}"
    )
    assert actions()[-1] == "review.refused"
    assert client.get(f"/api/v1/drafts/{draft_id}").get_json()["gate"]["status"] == (
        "review_required"
    )


def test_a_rejected_draft_stays_blocked_and_an_edit_replaces_the_text(
    client: FlaskClient,
) -> None:
    ana = reviewer(client, "Ana", "insurance", ["US-CA"])
    rejected_id = gated_draft()
    items = client.get("/api/v1/reviews", headers=bearer(ana)).get_json()["reviews"]
    client.post(
        f"/api/v1/reviews/{items[0]['id']}/decision",
        headers=bearer(ana),
        json={"action": "reject", "note": "Interprets coverage."},
    )
    refused = client.post(f"/api/v1/drafts/{rejected_id}/insert").get_json()["error"]
    assert refused["code"] == "rejected"
    assert refused["message"].startswith("A reviewer rejected this draft")

    store = services.draft_store()
    draft, _ = store.request("demo", "N-1", "agent:test")
    claim = store.claim(draft.id)
    assert claim is not None
    store.complete(
        claim,
        VerifiedDraft("Claims are decided by the insurer.", (), (), (), "t", "m"),
        {},
        GateDecision.from_json(DECISION),
    )
    items = client.get("/api/v1/reviews", headers=bearer(ana)).get_json()["reviews"]
    response = client.post(
        f"/api/v1/reviews/{items[0]['id']}/decision",
        headers=bearer(ana),
        json={
            "action": "edit_and_approve",
            "note": "",
            "text": "Meridian Mutual decides every claim.",
        },
    )
    assert response.status_code == 200
    assert client.get(f"/api/v1/drafts/{draft.id}").get_json()["text"] == (
        "Meridian Mutual decides every claim."
    )


def test_an_edit_that_invents_a_citation_marker_is_refused_and_changes_nothing(
    client: FlaskClient,
) -> None:
    ana = reviewer(client, "Ana", "insurance", ["US-CA"])
    draft_id = gated_draft()
    before = client.get(f"/api/v1/drafts/{draft_id}").get_json()["text"]
    item = client.get("/api/v1/reviews", headers=bearer(ana)).get_json()["reviews"][0]

    response = client.post(
        f"/api/v1/reviews/{item['id']}/decision",
        headers=bearer(ana),
        json={"action": "edit_and_approve", "note": "", "text": "Your insurer decides [2]."},
    )

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == (
        "the edited text cites [2], which this draft does not have; its citations are: none"
    )
    after = client.get(f"/api/v1/drafts/{draft_id}").get_json()
    assert (after["text"], after["gate"]["status"]) == (before, "review_required")


def test_a_clear_draft_is_insertable_at_once(client: FlaskClient) -> None:
    draft_id = gated_draft({})
    body = client.post(f"/api/v1/drafts/{draft_id}/insert").get_json()
    assert body["gate"] == {
        "status": "clear",
        "domains": [],
        "jurisdiction": None,
        "rules": [],
        "held": [],
        "languages": {},
        "notes": [],
        "insertable": True,
        "reason": None,
        "urgent": False,
    }
    assert body["inserted_at"] is not None


def test_without_an_admin_token_setting_the_admin_api_is_off(
    indexed_app: Flask,
) -> None:
    response = indexed_app.test_client().get("/api/v1/admin/reviewers", headers=ADMIN)
    assert response.status_code == 403
    assert response.get_json()["error"]["message"] == (
        "the admin API is disabled: set PRECEDENT_ADMIN_TOKEN to enable it"
    )


def test_a_reviewer_without_a_token_is_told_how_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/api/v1/reviews")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.get_json()["error"]["message"]


def test_the_real_gate_routes_a_medical_question_and_an_eligible_reviewer_releases_it(
    indexed_app: Flask,
) -> None:
    from backend import pipeline, review
    from backend.tenants import ensure_tenant

    client = indexed_app.test_client()
    draft_id = client.post("/api/v1/drafts", json={"ticket_id": "N-4"}).get_json()["id"]
    pipeline.process_draft(draft_id, services.draft_store(), services.get())  # the worker
    gate = client.get(f"/api/v1/drafts/{draft_id}").get_json()["gate"]
    assert (gate["status"], gate["domains"], gate["jurisdiction"]) == (
        "review_required",
        ["medical"],
        "US-CA",
    )
    assert any(r["source"] == "ticket" and r["text"] for r in gate["rules"])
    assert client.post(f"/api/v1/drafts/{draft_id}/insert").status_code == 409

    with db.session() as session:
        tenant = ensure_tenant(session, "demo")
        doctor, token = review.add_reviewer(session, tenant.id, "Dr Okafor", "ok@example.com")
        review.add_credential(
            session, doctor, "medical", ["US-*"], "MD-7781", date.today() + timedelta(days=30)
        )
    item = client.get("/api/v1/reviews", headers=bearer(token)).get_json()["reviews"][0]
    client.post(
        f"/api/v1/reviews/{item['id']}/decision",
        headers=bearer(token),
        json={"action": "approve", "note": "No dosing advice given."},
    )
    assert client.post(f"/api/v1/drafts/{draft_id}/insert").status_code == 200
    with db.session() as session:
        routed = session.scalars(select(AuditEvent).where(AuditEvent.action == "gate.routed")).one()
    assert routed.details["policy_versions"]["medical"].startswith("sha256:")


def test_when_a_decision_lands_after_the_item_was_read_then_the_late_one_gets_409_naming_it(
    admin_app: Flask, client: FlaskClient
) -> None:
    ana = reviewer(client, "Ana", "insurance", ["US-CA"])
    bo = reviewer(client, "Bo", "insurance", ["US-CA"])
    draft_id = gated_draft()
    item_id = client.get("/api/v1/reviews", headers=bearer(ana)).get_json()["reviews"][0]["id"]
    engine = db.engine(admin_app.config["DATABASE_URL"])
    with sessionmaker(engine, expire_on_commit=False)() as session:
        with session.begin():  # Ana opens the item: pending
            ana_row = review.reviewer_for_token(session, ana)
            item = session.get(ReviewItem, item_id)  # kept: the session's copy of the item
            assert item is not None and item.status == "pending"
        rejected = client.post(
            f"/api/v1/reviews/{item_id}/decision",
            headers=bearer(bo),
            json={"action": "reject", "note": "Interprets coverage."},
        )
        assert rejected.status_code == 200
        with pytest.raises(Conflict) as late, session.begin():  # Ana approves what she read
            review.decide(session, ana_row, item_id, "approve", "Fine.", None)

    assert late.value.code == "already_decided"
    assert late.value.message == f"review {item_id} was already rejected by Bo"
    assert late.value.fields["decision"]["status"] == "rejected"
    assert late.value.fields["decision"]["note"] == "Interprets coverage."
    draft = client.get(f"/api/v1/drafts/{draft_id}").get_json()
    assert draft["gate"]["status"] == "rejected"
    assert [a for a in actions() if a.startswith("review.")] == ["review.rejected"]


def test_when_two_reviewers_decide_at_once_on_sqlite_then_the_loser_gets_the_winners_decision(
    admin_app: Flask, client: FlaskClient
) -> None:
    tokens = {"approve": reviewer(client, "Ana", "insurance", ["US-*"])}
    tokens["reject"] = reviewer(client, "Bo", "insurance", ["US-*"])
    for _ in range(5):
        draft_id = gated_draft()
        with db.session() as session:
            item_id = session.scalars(
                select(ReviewItem.id).where(ReviewItem.draft_id == draft_id)
            ).one()
        answers = race_decisions(admin_app, item_id, tokens)
        assert sorted(status for status, _ in answers.values()) == [200, 409]
        winner = next(a for a, (status, _) in answers.items() if status == 200)
        loser = next(body for status, body in answers.values() if status == 409)["error"]
        assert loser["code"] == "already_decided"
        assert loser["decision"]["status"] == {"approve": "approved", "reject": "rejected"}[winner]
        assert loser["decision"]["reviewer"] == ("Ana" if winner == "approve" else "Bo")
        insert = client.post(f"/api/v1/drafts/{draft_id}/insert")
        assert insert.status_code == (200 if winner == "approve" else 409)
    decided = [a for a in actions() if a in ("review.approved", "review.rejected")]
    assert len(decided) == 5


def race_decisions(
    app: Flask, item_id: int, tokens: dict[str, str]
) -> dict[str, tuple[int, dict[str, Any]]]:
    barrier = threading.Barrier(len(tokens))
    answers: dict[str, tuple[int, dict[str, Any]]] = {}

    def decide(action: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/v1/reviews/{item_id}/decision",
            headers=bearer(tokens[action]),
            json={"action": action},
        )
        answers[action] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=decide, args=(action,)) for action in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def test_when_a_rejection_lands_after_the_agent_opened_the_draft_then_the_insert_says_rejected(
    admin_app: Flask, client: FlaskClient
) -> None:
    bo = reviewer(client, "Bo", "insurance", ["US-CA"])
    draft_id = gated_draft()
    engine = db.engine(admin_app.config["DATABASE_URL"])
    with sessionmaker(engine, expire_on_commit=False)() as session:
        with session.begin():  # the agent's view: awaiting review
            draft = session.get(Draft, draft_id)
            assert draft is not None and draft.gate_status == "review_required"
        item_id = client.get("/api/v1/reviews", headers=bearer(bo)).get_json()["reviews"][0]["id"]
        client.post(
            f"/api/v1/reviews/{item_id}/decision", headers=bearer(bo), json={"action": "reject"}
        )
        with session.begin():
            refusal = review.mark_inserted(session, draft, "agent:test")

    assert refusal is not None and refusal.code == "rejected"
    assert actions()[-2:] == ["review.rejected", "draft.insert_refused"]
    with db.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and event.details["gate_status"] == "rejected"


def test_the_queue_restores_every_subject_from_one_read_of_the_vaults(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = reviewer(client, "Ana", "insurance", ["US-*"])
    names = {"N-3": "Jane Roe", "N-4": "Bob Lee", "N-5": "Ada Park"}
    for ticket, name in names.items():
        draft_id = gated_draft(ticket=ticket)
        texts = services.ticket_texts("demo", ticket)
        subject = texts.redact(f"Refund for {name}")
        assert name not in subject  # stored redacted, as the pipeline does
        texts.save()
        with db.session() as session:
            session.execute(update(Draft).where(Draft.id == draft_id).values(subject=subject))
    one_by_one: list[str] = []
    at_once: list[set[str]] = []
    real_one, real_many = services.ticket_texts, services.many_ticket_texts
    monkeypatch.setattr(
        services,
        "ticket_texts",
        lambda t, ticket, s=None: one_by_one.append(ticket) or real_one(t, ticket, s),
    )
    monkeypatch.setattr(
        services,
        "many_ticket_texts",
        lambda t, tickets, s=None: at_once.append(set(tickets)) or real_many(t, tickets, s),
    )

    queue = client.get("/api/v1/reviews", headers=bearer(ana)).get_json()["reviews"]

    assert {r["ticket_id"]: r["subject"] for r in queue} == {
        t: f"Refund for {name}" for t, name in names.items()
    }
    assert (one_by_one, at_once) == ([], [set(names)])
