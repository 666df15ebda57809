"""Draft identity (issue 16 item 1): opening a ticket shows the newest draft of its version.

A version is what the customer wrote, the policies in force and the knowledge revision.
Reopening answers the same draft (approved or not) instead of drafting again; "Draft again"
is explicit; a new customer message makes a new version, whose gated draft supersedes the
older review item, which the queue shows with a link to its successor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import create_app, migrate, pipeline, services
from backend.db import db
from backend.drafts.version import draft_version, ticket_fingerprint
from backend.models import AuditEvent, ReviewItem, Tenant
from backend.redaction import Vault
from backend.retrieval import IndexRecord
from backend.retrieval.revision import RevisedIndex, knowledge_revision
from backend.types import Comment, Ticket
from tests.conftest import FIXTURES, app_config, load_fixture_corpus
from tests.unit.test_review import bearer, reviewer

ASTHMA = "N-4"  # a medical question: the gate holds its draft for a reviewer


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.jsonl"
    path.write_text((FIXTURES / "inbox.jsonl").read_text())
    return path


@pytest.fixture
def app(tmp_path: Path, inbox: Path) -> Iterator[Flask]:
    flask_app = create_app(
        app_config(tmp_path / "var", FILES_INBOX=str(inbox), ADMIN_TOKEN="admin-secret")
    )
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        load_fixture_corpus(services.get())
        yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def open_ticket(client: FlaskClient, ticket_id: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    response = client.post("/api/v1/drafts", json={"ticket_id": ticket_id, **extra})
    body: dict[str, Any] = response.get_json()
    return response.status_code, body


def drafted(client: FlaskClient, ticket_id: str, **extra: Any) -> dict[str, Any]:
    """Open the ticket and let the worker finish the draft it was given."""
    _, body = open_ticket(client, ticket_id, **extra)
    pipeline.process_draft(body["id"], services.draft_store(), services.get())
    ready: dict[str, Any] = client.get(body["links"]["self"]).get_json()
    return ready


def customer_writes(inbox: Path, ticket_id: str, text: str) -> None:
    rows = [json.loads(line) for line in inbox.read_text().splitlines() if line.strip()]
    for row in rows:
        if row["id"] == ticket_id:
            comment = {"author": "customer", "body": text, "public": True}
            row["comments"] = [*row.get("comments", []), comment]
    inbox.write_text("".join(json.dumps(row) + "\n" for row in rows))


def items_of(ticket_id: str) -> list[tuple[str, str, str | None]]:
    """(draft id, status, superseded_by) of the ticket's review items, oldest first."""
    with db.session() as session:
        items = session.scalars(select(ReviewItem).order_by(ReviewItem.id)).all()
        return [
            (i.draft_id, i.status, i.superseded_by) for i in items if i.draft.ticket_id == ticket_id
        ]


def medical_reviewer(client: FlaskClient) -> str:
    return reviewer(client, "Okafor", "medical", ["US-*"])


def approve(client: FlaskClient, token: str, draft_id: str) -> None:
    queue = client.get("/api/v1/reviews", headers=bearer(token)).get_json()["reviews"]
    [item] = [r for r in queue if r["draft_id"] == draft_id]
    decided = client.post(
        f"/api/v1/reviews/{item['id']}/decision", headers=bearer(token), json={"action": "approve"}
    )
    assert decided.status_code == 200, decided.get_json()


def test_when_a_ticket_is_opened_again_then_its_ready_draft_is_answered_not_redrafted(
    client: FlaskClient,
) -> None:
    first = drafted(client, "N-1")
    status, again = open_ticket(client, "N-1")
    assert status == 200
    assert (again["id"], again["status"], again["version"]) == (
        first["id"],
        "ready",
        first["version"],
    )
    assert again["text"] == first["text"]


def test_when_draft_again_is_asked_then_a_new_draft_of_the_same_version_starts(
    client: FlaskClient,
) -> None:
    first = drafted(client, "N-1")
    status, again = open_ticket(client, "N-1", again=True)
    assert status == 202 and again["status"] == "queued"
    assert again["id"] != first["id"] and again["version"] == first["version"]
    status, twice = open_ticket(client, "N-1", again=True)  # a double click: the same one
    assert (status, twice["id"]) == (200, again["id"])
    assert open_ticket(client, "N-1")[1]["id"] == again["id"]  # reopening: the newest


def test_when_the_customer_writes_again_then_the_ticket_has_a_new_version(
    client: FlaskClient, inbox: Path
) -> None:
    first = drafted(client, "N-1")
    customer_writes(inbox, "N-1", "Still flashing E-104, now on the 5 GHz band too.")
    status, second = open_ticket(client, "N-1")
    assert status == 202 and second["id"] != first["id"]
    assert second["version"] != first["version"]


def test_when_a_reviewer_approved_then_reopening_shows_the_approved_draft_and_no_new_item(
    client: FlaskClient,
) -> None:
    token = medical_reviewer(client)
    gated = drafted(client, ASTHMA)
    assert gated["gate"]["status"] == "review_required"
    approve(client, token, gated["id"])

    for _ in range(3):  # the sidebar and the preview both open it, more than once
        status, shown = open_ticket(client, ASTHMA)
        assert (status, shown["id"]) == (200, gated["id"])
        assert shown["gate"]["status"] == "approved" and shown["gate"]["insertable"] is True
    assert items_of(ASTHMA) == [(gated["id"], "approved", None)]
    queue = client.get("/api/v1/reviews", headers=bearer(token)).get_json()
    assert queue["reviews"] == [] and queue["superseded"] == []


def test_when_the_customer_writes_again_then_the_new_draft_supersedes_the_open_item(
    client: FlaskClient, inbox: Path
) -> None:
    token = medical_reviewer(client)
    old = drafted(client, ASTHMA)
    customer_writes(inbox, ASTHMA, "He is wheezing less. Can I halve the inhaler dose?")
    new = drafted(client, ASTHMA)
    assert new["id"] != old["id"] and new["gate"]["status"] == "review_required"
    assert items_of(ASTHMA) == [(old["id"], "superseded", new["id"]), (new["id"], "pending", None)]

    queue = client.get("/api/v1/reviews", headers=bearer(token)).get_json()
    [pending] = queue["reviews"]  # one open item per ticket
    assert pending["draft_id"] == new["id"]
    assert pending["subject"] == "Asthma and the purifier"
    assert (pending["domains"], pending["jurisdiction"]) == (["medical"], "US-CA")
    [replaced] = queue["superseded"]
    assert replaced["status"] == "superseded" and replaced["draft_id"] == old["id"]
    assert replaced["superseded_by"] == {"draft_id": new["id"], "review_id": pending["id"]}

    refused = client.post(
        f"/api/v1/reviews/{replaced['id']}/decision",
        headers=bearer(token),
        json={"action": "approve"},
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"] == {
        "code": "superseded",
        "message": f"review {replaced['id']} was superseded: ticket {ASTHMA} has a newer draft, "
        "and only the newest one is reviewed",
    }
    assert (
        client.get(f"/api/v1/drafts/{old['id']}").get_json()["gate"]["superseded_by"] == new["id"]
    )
    with db.session() as session:
        audited = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "review.superseded")
        ).one()
        assert audited.details == {"superseded_by": new["id"], "ticket_id": ASTHMA}


def test_when_an_approved_ticket_gets_a_new_message_then_the_approval_stays_with_its_version(
    client: FlaskClient, inbox: Path
) -> None:
    token = medical_reviewer(client)
    approved = drafted(client, ASTHMA)
    approve(client, token, approved["id"])
    customer_writes(inbox, ASTHMA, "Also, can he use the purifier overnight?")
    status, new = open_ticket(client, ASTHMA)
    assert status == 202 and new["id"] != approved["id"]
    pipeline.process_draft(new["id"], services.draft_store(), services.get())
    assert items_of(ASTHMA) == [(approved["id"], "approved", None), (new["id"], "pending", None)]
    old = client.get(f"/api/v1/drafts/{approved['id']}").get_json()
    assert old["gate"]["status"] == "approved"  # a decision is never taken back


def test_when_an_older_draft_finishes_after_a_newer_one_then_its_item_is_born_superseded(
    client: FlaskClient, inbox: Path
) -> None:
    store = services.draft_store()
    _, slow = open_ticket(client, ASTHMA)
    customer_writes(inbox, ASTHMA, "Please answer quickly.")
    fast = drafted(client, ASTHMA)
    pipeline.process_draft(slow["id"], store, services.get())  # the slow worker finishes last
    assert items_of(ASTHMA) == [
        (fast["id"], "pending", None),
        (slow["id"], "superseded", fast["id"]),
    ]


def test_when_a_webhook_pre_drafted_then_the_first_open_takes_it_with_the_version(
    client: FlaskClient,
) -> None:
    from backend.drafts.predraft import request_predraft

    predraft, created = request_predraft(services.draft_store(), "demo", "N-1", "webhook")
    assert created and predraft.version is None
    status, opened = open_ticket(client, "N-1")
    assert (status, opened["id"]) == (200, predraft.id) and opened["version"]
    assert open_ticket(client, "N-1")[1]["id"] == predraft.id  # found by its version now


TICKET = Ticket("demo", "T-1", "Refund", "Where is my refund?", jurisdiction="US-CA")


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (lambda t: t, True),
        (lambda t: _with(t, Comment("agent", "Looking into it.", public=True)), True),
        (lambda t: _with(t, Comment("agent", "Internal: VIP", public=False)), True),
        (lambda t: _with(t, Comment("customer", "Any news?", public=True)), False),
        (lambda t: Ticket("demo", "T-1", "Refund!", t.body, jurisdiction="US-CA"), False),
        (lambda t: Ticket("demo", "T-1", t.subject, t.body, jurisdiction="US-NY"), False),
    ],
    ids=["unchanged", "agent-reply", "internal-note", "customer-message", "subject", "where"],
)
def test_when_a_ticket_changes_then_only_what_the_customer_wrote_makes_a_new_fingerprint(
    change: Any, same: bool
) -> None:
    assert (ticket_fingerprint(change(TICKET)) == ticket_fingerprint(TICKET)) is same


def _with(ticket: Ticket, comment: Comment) -> Ticket:
    return Ticket(
        ticket.tenant,
        ticket.id,
        ticket.subject,
        ticket.body,
        (*ticket.comments, comment),
        jurisdiction=ticket.jurisdiction,
    )


def test_when_policies_or_knowledge_move_on_then_the_version_changes() -> None:
    base = draft_version(TICKET, "p1", 0)
    assert draft_version(TICKET, "p1", 0) == base
    assert len({base, draft_version(TICKET, "p2", 0), draft_version(TICKET, "p1", 1)}) == 3


def test_when_documentation_is_ingested_then_the_knowledge_revision_moves_on_tickets_do_not(
    app: Flask,
) -> None:
    index = services.get().index
    assert isinstance(index, RevisedIndex)
    with db.session() as session:
        before = knowledge_revision(session, "demo")
    vector = np.zeros((1, services.get().embedder.dimensions), dtype=np.float32)

    text = services.get().redactor.redact("Reset the filter.", Vault(), (), "demo")

    def record(kind: Any, source_id: str) -> IndexRecord:
        when = "2024-01-01T00:00:00Z"
        return IndexRecord(kind, source_id, f"{source_id}#0", "t", "", text, text, when)

    index.upsert("demo", [record("ticket", "R-99")], vector)
    with db.session() as session:
        assert knowledge_revision(session, "demo") == before
    index.upsert("demo", [record("doc", "new.md")], vector)
    assert index.delete("demo", "doc", ["new.md"]) == 1
    assert index.delete("demo", "doc", ["never-there.md"]) == 0
    with db.session() as session:
        assert knowledge_revision(session, "demo") == before + 2
        assert session.scalars(select(Tenant.slug)).all() == ["demo"]


def test_when_the_queue_is_read_then_a_draft_from_before_subjects_shows_none(
    client: FlaskClient,
) -> None:
    token = medical_reviewer(client)
    gated = drafted(client, ASTHMA)
    with db.session() as session:
        item = session.scalars(select(ReviewItem)).one()
        item.draft.subject = None
    [row] = client.get("/api/v1/reviews", headers=bearer(token)).get_json()["reviews"]
    assert (row["draft_id"], row["subject"]) == (gated["id"], None)
