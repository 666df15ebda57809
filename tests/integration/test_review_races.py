"""Review decisions, inserts and outcomes racing each other on a real PostgreSQL.

Each round opens a fresh gated draft and fires the competing requests from threads released
by one barrier, each through its own Flask test client (its own request, session and
database connection). Every state change is a compare-and-set, so exactly one decision
wins, the loser is told which, and no insert ever follows a rejection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import audit, create_app, migrate, review, services
from backend.db import db
from backend.drafts.predraft import pick_up
from backend.gate.decision import GateDecision
from backend.models import AuditEvent, Draft, Outcome, ReviewItem
from backend.tenants import ensure_tenant
from backend.types import VerifiedDraft
from tests.conftest import app_config

pytestmark = pytest.mark.integration
ROUNDS = 100
TEXT = "Water damage from a burst pipe is covered under your policy."
GATED = {"domains": ["insurance"], "jurisdiction": "US-CA", "rules": [], "policy_versions": {}}
DECISIONS = ("review.approved", "review.rejected")
Answer = tuple[int, dict[str, Any]]


@pytest.fixture
def app(tmp_path: Path, postgres_url: str) -> Iterator[Flask]:
    flask_app = create_app(app_config(tmp_path, DATABASE_URL=postgres_url))
    migrate.upgrade(postgres_url)
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def tokens(app: Flask) -> dict[str, str]:
    """Two reviewers, both credentialed for insurance in every US state."""
    with db.session() as session:
        tenant = ensure_tenant(session, "demo")
        found = {}
        for name in ("Ana", "Bo"):
            person, token = review.add_reviewer(session, tenant.id, name, f"{name}@example.com")
            expires = date.today() + timedelta(days=30)
            review.add_credential(session, person, "insurance", ["US-*"], f"LIC-{name}", expires)
            found[name] = token
        return found


def gated_draft(ticket: str) -> tuple[str, int]:
    """A ready draft the gate held, and its review item."""
    store = services.draft_store()
    draft, _ = store.request("demo", ticket, "agent:test")
    claim = store.claim(draft.id)
    assert claim is not None
    decision = GateDecision.from_json(GATED)
    store.complete(claim, VerifiedDraft(TEXT, (), (), (), "t", "m"), {}, decision)
    with db.session() as session:
        item_id = session.scalars(select(ReviewItem.id).where(ReviewItem.draft_id == draft.id))
        return draft.id, item_id.one()


def race(app: Flask, *calls: Callable[[FlaskClient], Answer]) -> list[Answer]:
    """Run the calls at once, each on its own thread and client; answers in call order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Answer | None] = [None] * len(calls)

    def run(index: int, call: Callable[[FlaskClient], Answer]) -> None:
        client = app.test_client()
        barrier.wait()
        answers[index] = call(client)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(answer is not None for answer in answers), "a request never answered"
    return [a for a in answers if a is not None]


def decision(item_id: int, token: str, action: str) -> Callable[[FlaskClient], Answer]:
    def call(client: FlaskClient) -> Answer:
        response = client.post(
            f"/api/v1/reviews/{item_id}/decision",
            headers={"Authorization": f"Bearer {token}"},
            json={"action": action, "note": f"{action} in a race"},
        )
        return response.status_code, response.get_json()

    return call


def insert(draft_id: str) -> Callable[[FlaskClient], Answer]:
    def call(client: FlaskClient) -> Answer:
        response = client.post(f"/api/v1/drafts/{draft_id}/insert")
        return response.status_code, response.get_json()

    return call


def outcome(draft_id: str) -> Callable[[FlaskClient], Answer]:
    def call(client: FlaskClient) -> Answer:
        body = {"sent_text": TEXT, "sent_type": "public"}
        response = client.post(f"/api/v1/drafts/{draft_id}/outcome", json=body)
        return response.status_code, response.get_json()

    return call


def trail(*subjects: str) -> list[str]:
    """The actions recorded about these subjects, in the order the chain holds them."""
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.subject.in_(subjects))
                .order_by(AuditEvent.id)
            )
        )


def chain_is_intact() -> bool:
    with db.session() as session:
        return audit.verify(session, ensure_tenant(session, "demo").id) == []


def test_when_two_reviewers_approve_and_reject_at_once_then_one_wins_and_the_other_gets_409(
    app: Flask, tokens: dict[str, str]
) -> None:
    winners = set()
    for n in range(ROUNDS):
        draft_id, item_id = gated_draft(f"R-{n}")
        approved, rejected = race(
            app,
            decision(item_id, tokens["Ana"], "approve"),
            decision(item_id, tokens["Bo"], "reject"),
        )
        assert sorted([approved[0], rejected[0]]) == [200, 409], (n, approved, rejected)
        winner = "approved" if approved[0] == 200 else "rejected"
        loser = (rejected if winner == "approved" else approved)[1]["error"]
        assert loser["code"] == "already_decided"
        assert loser["decision"]["status"] == winner
        assert loser["message"].startswith(f"review {item_id} was already {winner} by ")
        decided = [a for a in trail(f"review:{item_id}") if a in DECISIONS]
        assert decided == [f"review.{winner}"], n
        expected = 200 if winner == "approved" else 409
        assert insert(draft_id)(app.test_client())[0] == expected
        winners.add(winner)
    assert chain_is_intact()
    assert winners  # each round asserted above; which side wins is up to the scheduler


@pytest.mark.parametrize(("action", "status"), [("approve", "approved"), ("reject", "rejected")])
def test_when_an_agent_inserts_while_a_reviewer_decides_then_no_insert_precedes_approval(
    app: Flask, tokens: dict[str, str], action: str, status: str
) -> None:
    for n in range(ROUNDS):
        draft_id, item_id = gated_draft(f"I-{n}")
        decided, inserted = race(app, decision(item_id, tokens["Ana"], action), insert(draft_id))
        assert decided[0] == 200, (n, decided)
        events = trail(f"review:{item_id}", f"draft:{draft_id}")[-2:]  # the two racers
        if events == [f"review.{status}", "draft.inserted"]:
            assert (status, inserted[0]) == ("approved", 200), n
        elif events == [f"review.{status}", "draft.insert_refused"]:
            assert (status, inserted[0], inserted[1]["error"]["code"]) == ("rejected", 409, status)
        else:  # the insert came first
            assert events == ["draft.insert_refused", f"review.{status}"], (n, events)
            assert (inserted[0], inserted[1]["error"]["code"]) == (409, "review_required"), n
        with db.session() as session:
            inserted_at = session.get(Draft, draft_id).inserted_at  # type: ignore[union-attr]
        assert (inserted_at is not None) == (inserted[0] == 200)
    assert chain_is_intact()


def test_when_an_outcome_races_an_approval_then_it_is_judged_by_the_status_it_was_recorded_under(
    app: Flask, tokens: dict[str, str]
) -> None:
    for n in range(ROUNDS // 2):
        draft_id, item_id = gated_draft(f"O-{n}")
        decided, reported = race(
            app, decision(item_id, tokens["Ana"], "approve"), outcome(draft_id)
        )
        assert (decided[0], reported[0]) == (200, 201), (n, decided, reported)
        events = trail(f"review:{item_id}", f"draft:{draft_id}")
        before = events.index("outcome.recorded") < events.index("review.approved")
        with db.session() as session:
            row = session.scalars(select(Outcome).where(Outcome.draft_id == draft_id)).one()
            assert row.gate_status == ("review_required" if before else "approved"), events
            assert row.bypass is before
        assert ("gate.bypass" in events) is before


def test_when_the_same_ticket_is_requested_at_once_then_one_draft_is_started(app: Flask) -> None:
    def request(ticket: str) -> Callable[[FlaskClient], Answer]:
        def call(_client: FlaskClient) -> Answer:
            with app.app_context():
                draft, created = services.draft_store().request("demo", ticket, "agent:test")
            return (201 if created else 200), {"id": draft.id}

        return call

    for n in range(20):
        answers = race(app, *(request(f"D-{n}") for _ in range(3)))
        assert sorted(status for status, _ in answers) == [200, 200, 201], n
        assert len({body["id"] for _, body in answers}) == 1


def test_when_two_sidebars_pick_up_a_predraft_at_once_then_only_one_gets_it(app: Flask) -> None:
    def take(ticket: str) -> Callable[[FlaskClient], Answer]:
        def call(_client: FlaskClient) -> Answer:
            with app.app_context():
                draft = pick_up("demo", ticket, "agent:test")
            return (200, {"id": draft.id}) if draft else (404, {})

        return call

    store = services.draft_store()
    for n in range(20):
        draft, _ = store.request("demo", f"P-{n}", "webhook", awaiting_pickup=True)
        answers = race(app, take(f"P-{n}"), take(f"P-{n}"))
        assert sorted(status for status, _ in answers) == [200, 404], n
        assert trail(f"draft:{draft.id}").count("draft.picked_up") == 1
