"""Nothing personal rests in plaintext: a full draft / review / outcome cycle with seeded
values leaves none of them in the database file, the search index or the logs, while the
agent's and the reviewer's reads show the real values (restored from the ticket's vault)."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from backend import create_app, migrate, pipeline, services
from backend.db import db
from backend.drafting import TextSink
from backend.models import Draft, Outcome, RedactionVault, utcnow
from backend.redaction import RedactedText
from backend.types import DraftText, Source
from tests.conftest import app_config, load_fixture_corpus

NAME, EMAIL, PHONE = "Zebulon Quixote-Farnsworth", "zq.farnsworth@quixmail.example", "212-555-0187"
NEW_NAME, NEW_EMAIL = "Ophelia Brightwater-Mendez", "ophelia.bm@quixmail.example"
NEW_PHONE = "646-555-0121"
SEEDED = (
    NAME,
    "Zebulon",
    "Quixote",
    "Farnsworth",
    EMAIL,
    PHONE,
    "2125550187",
    NEW_NAME,
    "Ophelia",
    "Brightwater",
    NEW_EMAIL,
    NEW_PHONE,
    "6465550121",
)
TICKET = {
    "id": "P-1",
    "subject": "Purifier stopped after the storm",
    "body": (f"My purifier died after a power cut. I am {NAME}, write to {EMAIL} or call {PHONE}."),
    "requester": {"name": NAME, "email": EMAIL},
    "jurisdiction": "US-CA",
    "comments": [],
}
# The draft may stray into insurance: a reviewer must see it before the agent uses it.
POLICY = """\
version: 1
owner: compliance@example.com
domain: insurance
jurisdictions: ["*"]
rules:
  - id: coverage-words
    type: terms
    reads: draft
    terms: [coverage]
"""
ADMIN = {"Authorization": "Bearer admin-secret"}
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")


class Model:
    """A streaming model: greets with the placeholders it was given, then mentions coverage.

    After its first chunk it looks at what rests on disk while the text so far is stored.
    """

    name = "model"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.while_streaming: list[tuple[str, dict[str, list[str]]]] = []

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        who = " ".join(dict.fromkeys(PLACEHOLDER.findall(question.text)))
        chunks = [f"Thanks {who}, a power cut can reset the purifier.", " Coverage may apply."]
        for chunk in chunks:
            if on_text:
                on_text(chunk)
            time.sleep(0.2)  # each chunk is written to the draft row while it streams
            if not self.while_streaming:
                self.while_streaming.append((text_so_far(), leaks(self.folder)))
        return DraftText("".join(chunks) + " [1]", tuple(sources), (), (), "model", "m-1")


def text_so_far() -> str:
    with db.session() as session:
        return session.scalars(select(Draft.partial_text)).one() or ""


@pytest.fixture
def cycle_app(tmp_path: Path) -> Iterator[Flask]:
    inbox, policies = tmp_path / "inbox.jsonl", tmp_path / "policies"
    inbox.write_text(json.dumps(TICKET) + "\n")
    policies.mkdir()
    (policies / "insurance.yaml").write_text(POLICY)
    config = app_config(
        tmp_path / "data",
        FILES_INBOX=str(inbox),
        POLICIES_DIR=str(policies),
        REQUIRED_POLICIES="",
        ADMIN_TOKEN="admin-secret",
    )
    flask_app = create_app(config)
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        load_fixture_corpus(services.get())
        yield flask_app


def reviewer_token(client: FlaskClient) -> str:
    made = client.post(
        "/api/v1/admin/reviewers", headers=ADMIN, json={"name": "Ana", "email": "a@x.io"}
    )
    body = made.get_json()
    client.post(
        f"/api/v1/admin/reviewers/{body['reviewer']['id']}/credentials",
        headers=ADMIN,
        json={
            "domain": "insurance",
            "jurisdictions": ["US-*"],
            "licence_id": "LIC-1",
            "expires_on": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    return f"Bearer {body['token']}"


def drafted(client: FlaskClient, folder: Path) -> str:
    """The agent asks for a draft and a worker writes it, streaming: nothing leaks meanwhile."""
    draft_id = str(client.post("/api/v1/drafts", json={"ticket_id": "P-1"}).get_json()["id"])
    model = Model(folder)
    service = replace(services.get(), drafter=model)
    assert pipeline.process_draft(draft_id, services.draft_store(), service) == "ready"
    ((partial, found),) = model.while_streaming
    assert partial.startswith("Thanks <PERSON_1>") and found == {}
    return draft_id


def reviewed(client: FlaskClient, draft_id: str) -> str:
    """The reviewer reads the draft restored and approves it edited, with a new name."""
    token = {"Authorization": reviewer_token(client)}
    (item,) = client.get("/api/v1/reviews", headers=token).get_json()["reviews"]
    read = client.get(f"/api/v1/reviews/{item['id']}", headers=token).get_json()
    assert NAME in read["draft"]["text"] and read["draft"]["restored"] is True
    edited = read["draft"]["text"].replace(
        " Coverage may apply.", f" {NEW_NAME} ({NEW_EMAIL}) in billing will follow up."
    )
    decision = {"action": "edit_and_approve", "text": edited, "note": f"Spoke to {NAME}."}
    decided = client.post(f"/api/v1/reviews/{item['id']}/decision", headers=token, json=decision)
    assert decided.status_code == 200 and decided.get_json()["note"] == f"Spoke to {NAME}."
    again = client.get(f"/api/v1/reviews/{item['id']}", headers=token).get_json()
    assert again["draft"]["text"] == edited
    return edited


def leaks(folder: Path) -> dict[str, list[str]]:
    """Seeded values found in any file under ``folder`` (raw bytes, any letter case)."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        content = path.read_bytes().lower()
        hits = [v for v in SEEDED if v.lower().encode() in content]
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


def test_when_a_draft_is_reviewed_and_sent_then_no_seeded_value_rests_in_plaintext(
    cycle_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = cycle_app.test_client()
    draft_id = drafted(client, Path(cycle_app.config["DATA_DIR"]))
    edited = reviewed(client, draft_id)
    sent = f"{edited} Or call me on {NEW_PHONE}."
    outcome = client.post(f"/api/v1/drafts/{draft_id}/outcome", json={"sent_text": sent})
    assert outcome.status_code == 201 and outcome.get_json()["action"] == "edited"

    read = client.get(f"/api/v1/drafts/{draft_id}").get_json()
    assert read["text"] == edited and read["restored"] is True
    assert NAME in edited and NEW_NAME in edited and NEW_EMAIL in edited
    with db.session() as session:
        stored = session.scalars(select(Outcome.sent_text)).one() or ""
    assert "<PHONE_NUMBER_" in stored and NEW_PHONE not in stored
    db.dispose()  # every connection closed: the file is what rests on disk

    assert leaks(Path(cycle_app.config["DATA_DIR"])) == {}
    assert [v for v in SEEDED if v.lower() in caplog.text.lower()] == []


def test_when_the_vault_has_expired_then_reads_show_placeholders_and_say_so(
    cycle_app: Flask,
) -> None:
    client = cycle_app.test_client()
    draft_id = drafted(client, Path(cycle_app.config["DATA_DIR"]))
    with db.session() as session:
        session.execute(update(RedactionVault).values(expires_at=utcnow() - timedelta(hours=1)))
        stored = session.scalars(select(Draft.text).where(Draft.id == draft_id)).one() or ""

    read = client.get(f"/api/v1/drafts/{draft_id}").get_json()
    assert read["restored"] is False
    assert read["text"] == stored and "<PERSON_1>" in stored and NAME not in read["text"]
