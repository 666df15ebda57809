"""Reviewers hear of new review items: delivered to a real local SMTP server and a local
webhook receiver, one notice per item or a digest, failures audited and the item kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from backend import create_app, migrate, review, services, tasks
from backend.config import SETTINGS
from backend.db import db
from backend.errors import ConfigError
from backend.gate.decision import GateDecision
from backend.jobs import beat_schedule
from backend.models import AuditEvent, Reviewer, ReviewItem
from backend.notify import app as notify_app
from backend.notify import settings as notify_settings
from backend.notify.app import digest_now, notify_now
from backend.tenants import ensure_tenant
from backend.types import VerifiedDraft
from tests.conftest import app_config
from tests.servers import Received, smtp_server, webhook_receiver
from tests.unit.test_review import DECISION

TICKETS = [
    {
        "id": "N-3",
        "subject": "Refund after renewal for Sam Park, sam@example.com",
        "body": "My annual plan renewed yesterday and I would like a refund please.",
        "requester": {"name": "Sam Park", "email": "sam@example.com"},
    },
    {"id": "N-5", "subject": "Claim after the storm", "body": "Is the roof covered?"},
    {"id": "N-6", "subject": "Fumes from the heater", "body": "We all feel dizzy."},
]
SAFETY = {**DECISION, "domains": ["safety"], "rules": []}


def make_app(tmp_path: Path, **settings: Any) -> Iterator[Flask]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text("".join(json.dumps(t) + "\n" for t in TICKETS))
    flask_app = create_app(app_config(tmp_path, FILES_INBOX=str(inbox), **settings))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        add_reviewer("Ana", "insurance")
        add_reviewer("Dr Okafor", "medical")  # not eligible for insurance items
        add_reviewer("Duty", "safety")
        yield flask_app


@pytest.fixture
def mail(tmp_path: Path) -> Iterator[Received]:
    with smtp_server() as (port, received):
        smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_FROM": "precedent@example.com"}
        yield from _with(make_app(tmp_path, NOTIFY="smtp", **smtp), received)


@pytest.fixture
def hook(tmp_path: Path) -> Iterator[Received]:
    with webhook_receiver() as (url, received):
        yield from _with(make_app(tmp_path, NOTIFY="webhook", NOTIFY_WEBHOOK_URL=url), received)


@pytest.fixture
def digest_mail(tmp_path: Path) -> Iterator[Received]:
    with smtp_server() as (port, received):
        smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_FROM": "precedent@example.com"}
        settings = {"NOTIFY": "smtp", "NOTIFY_DIGEST_MINUTES": 15, **smtp}
        yield from _with(make_app(tmp_path, **settings), received)


def _with(apps: Iterator[Flask], received: Received) -> Iterator[Received]:
    for _ in apps:
        yield received


def add_reviewer(name: str, domain: str) -> None:
    with db.session() as session:
        tenant = ensure_tenant(session, "demo")
        email = f"{name.split()[-1].lower()}@example.com"
        person, _ = review.add_reviewer(session, tenant.id, name, email)
        expires = date.today() + timedelta(days=365)
        review.add_credential(session, person, domain, ["US-*"], f"LIC-{name}", expires)


def gated(ticket_id: str = "N-3", decision: dict[str, Any] = DECISION) -> int:
    """A drafted, gated ticket (committed); returns its review item's id."""
    store = services.draft_store()
    draft, _ = store.request("demo", ticket_id, "agent:test")
    claim = store.claim(draft.id)
    assert claim is not None
    text = VerifiedDraft("It is covered under your policy.", (), (), (), "t", "m")
    store.complete(claim, text, {}, GateDecision.from_json(decision))
    with db.session() as session:
        return session.scalars(select(ReviewItem.id).where(ReviewItem.draft_id == draft.id)).one()


def events(action: str) -> list[dict[str, Any]]:
    with db.session() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        return [e.details for e in rows]


def notified_at(item_id: int) -> object:
    with db.session() as session:
        item = session.get(ReviewItem, item_id)
        assert item is not None and item.status == "pending"
        return item.notified_at


def test_when_an_item_is_gated_then_its_eligible_reviewer_gets_an_email(
    mail: Received,
) -> None:
    item_id = gated()
    delivery = notify_now(item_id)

    assert delivery is not None and [r.name for r in delivery.told] == ["Ana"]
    [(recipients, message)] = mail.items
    assert recipients == ["ana@example.com"]
    assert message["Subject"] == "[Precedent] Review needed: ticket N-3 (insurance)"
    assert message["From"] == "precedent@example.com"
    body = message.get_content()
    assert f"review {item_id}: http://127.0.0.1:5000/review#review-{item_id}" in body
    assert "insurance advice, US-CA" in body
    assert "ticket N-3: Refund after renewal for <PERSON_1>, <EMAIL_ADDRESS_1>" in body
    assert "Sam Park" not in message.as_string() and "sam@example.com" not in body
    assert events("review.notified") == [{"notifier": "smtp", "reviewer_ids": [1], "digest": False}]
    assert notified_at(item_id) is not None

    assert notify_now(item_id) is None  # a task delivered twice sends nothing more
    assert len(mail.items) == 1


def test_when_the_draft_stored_its_subject_then_the_notice_reads_no_ticket(
    hook: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    item_id = gated()
    with db.session() as session:
        item = session.get_one(ReviewItem, item_id)
        item.draft.subject = "Refund for <PERSON_1>"  # as the pipeline stores it: redacted

    def unread(tenant: str, ticket_id: str) -> str:
        raise AssertionError("the helpdesk was asked for the ticket again")

    monkeypatch.setattr(notify_app, "redacted_subject", unread)
    notify_now(item_id)

    [body] = hook.items
    assert body["items"][0]["subject"] == "Refund for <PERSON_1>"


def test_when_the_webhook_is_chosen_then_the_receiver_gets_the_notice_as_json(
    hook: Received,
) -> None:
    item_id = gated()
    notify_now(item_id)

    [body] = hook.items
    assert body["event"] == "review.new"
    assert body["reviewer"] == {"name": "Ana", "email": "ana@example.com"}
    assert body["items"] == [
        {
            "review_id": item_id,
            "ticket_id": "N-3",
            "subject": "Refund after renewal for <PERSON_1>, <EMAIL_ADDRESS_1>",
            "domains": ["insurance"],
            "jurisdiction": "US-CA",
            "urgent": False,
            "link": f"http://127.0.0.1:5000/review#review-{item_id}",
        }
    ]
    assert body["title"] == "Review needed: ticket N-3 (insurance)"


def test_when_the_webhook_fails_then_the_failure_is_audited_and_the_item_kept(
    hook: Received,
) -> None:
    hook.status = 500
    item_id = gated()
    delivery = notify_now(item_id)

    assert delivery is not None and delivery.told == ()
    assert events("review.notify_failed") == [
        {
            "notifier": "webhook",
            "reviewer_id": 1,
            "error": "webhook http://127.0.0.1/… answered HTTP 500",
        }
    ]
    assert notified_at(item_id) is None  # still pending, and a retry or digest may tell them
    hook.status = 200
    assert notify_now(item_id) is not None and len(hook.items) == 2


def test_when_the_mail_server_is_down_then_the_failure_is_audited(tmp_path: Path) -> None:
    with smtp_server() as (port, _):
        pass  # stopped: nothing listens on the port any more
    smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_FROM": "precedent@example.com"}
    for _ in make_app(tmp_path, NOTIFY="smtp", **smtp):
        item_id = gated()
        notify_now(item_id)
        [failed] = events("review.notify_failed")
        assert failed["error"].startswith(f"mail server 127.0.0.1:{port} did not take the mail")
        assert notified_at(item_id) is None


def test_when_nobody_is_eligible_then_nothing_is_sent_and_that_is_audited(
    mail: Received,
) -> None:
    item_id = gated(decision={**DECISION, "domains": ["legal"]})
    assert notify_now(item_id) is not None
    assert mail.items == []
    assert events("review.notify_skipped") == [{"reason": "no eligible reviewer"}]


def test_when_a_draft_is_gated_then_the_task_enqueues_a_notice_after_commit(
    mail: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(tasks.notify_review, "delay", sent.append)
    item_id = gated()
    with db.session() as session:
        item = session.get(ReviewItem, item_id)
        assert item is not None
        draft_id = item.draft_id
    tasks._notify_new_review(draft_id)
    assert sent == [item_id]


def test_when_digests_are_on_then_each_reviewer_gets_one_mail_listing_safety_first(
    digest_mail: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert beat_schedule(0, 15) == {
        "notify-digest": {"task": "backend.tasks.notify_digest", "schedule": 900.0}
    }
    sent: list[int] = []
    monkeypatch.setattr(tasks.notify_review, "delay", sent.append)
    first, second = gated("N-3"), gated("N-5")
    urgent = gated("N-6", SAFETY)
    for item_id in (first, second, urgent):
        with db.session() as session:
            draft_id = session.get(ReviewItem, item_id).draft_id  # type: ignore[union-attr]
        tasks._notify_new_review(draft_id)
    assert sent == [urgent]  # a safety item is never held for the digest

    # The immediate notice of the safety item failed: the digest carries it too, first.
    with db.session() as session:  # a second licence for the duty reviewer
        duty = session.scalars(select(Reviewer).where(Reviewer.name == "Duty")).one()
        review.add_credential(session, duty, "insurance", ["US-*"], "I-9", date(2099, 1, 1))
    delivery = digest_now()
    by_person = {to[0]: message for to, message in digest_mail.items}
    assert sorted(by_person) == ["ana@example.com", "duty@example.com", "okafor@example.com"]
    ana = by_person["ana@example.com"]
    assert ana["Subject"] == "[Precedent] 2 drafts await your review"
    body = ana.get_content()
    assert body.index("ticket N-3") < body.index("ticket N-5: Claim after the storm")
    duty = by_person["duty@example.com"]
    assert duty["Subject"] == "[Precedent] 3 drafts await your review, 1 urgent (safety)"
    assert duty.get_content().index("URGENT") < duty.get_content().index("ticket N-3")
    assert by_person["okafor@example.com"]["Subject"] == (
        "[Precedent] URGENT (safety) review needed: ticket N-6 (safety)"
    )
    assert sorted(r.name for r in delivery.told) == ["Ana", "Dr Okafor", "Duty"]
    assert [e["digest"] for e in events("review.notified")] == [True, True, True]
    assert digest_now().told == ()  # nothing new: no second digest
    assert len(digest_mail.items) == 3


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"NOTIFY": "webhook"},
            "PRECEDENT_NOTIFY 'webhook' needs PRECEDENT_NOTIFY_WEBHOOK_URL, an http(s) URL such "
            "as https://hooks.example.com/precedent; got (not set)",
        ),
        (
            {"NOTIFY": "smtp", "SMTP_FROM": "p@example.com"},
            "PRECEDENT_NOTIFY 'smtp' needs PRECEDENT_SMTP_HOST",
        ),
        (
            {"NOTIFY_DIGEST_MINUTES": -5},
            "PRECEDENT_NOTIFY_DIGEST_MINUTES must be 0 (a notice per item) or more, got -5",
        ),
        (
            {"NOTIFY": "pigeon"},
            "PRECEDENT_NOTIFY 'pigeon' is unknown. Valid values are: log, none, webhook, smtp",
        ),
    ],
)
def test_when_a_notifier_cannot_deliver_then_start_up_says_what_is_missing(
    tmp_path: Path, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        create_app(app_config(tmp_path, **settings))
    assert refused.value.message == message


def test_when_settings_are_shown_then_secrets_are_masked() -> None:
    shown = repr(
        notify_settings.NotifySettings(
            "webhook", "https://hooks.example.com/T0/secret-path", "", 0, "", 25, "u", "pw", ""
        )
    )
    assert shown == "NotifySettings(notifier='webhook', webhook=https://hooks.example.com/…)"
    assert SETTINGS["SMTP_PASSWORD"].secret and SETTINGS["NOTIFY_WEBHOOK_URL"].secret


def test_when_the_mail_server_wants_a_login_then_it_is_given_and_a_refusal_hides_the_password(
    tmp_path: Path,
) -> None:
    with smtp_server(logins={"precedent": "s3cret-pw"}) as (port, received):
        smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_FROM": "precedent@example.com"}
        login = {"SMTP_USER": "precedent", "SMTP_PASSWORD": "s3cret-pw"}
        for _ in make_app(tmp_path / "good", NOTIFY="smtp", **smtp, **login):
            notify_now(gated())
            assert received.logins == ["precedent"]
        wrong = {**login, "SMTP_PASSWORD": "wrong-pw"}
        for _ in make_app(tmp_path / "bad", NOTIFY="smtp", **smtp, **wrong):
            notify_now(gated())
            [failed] = events("review.notify_failed")
            assert failed["error"] == (
                f"mail server 127.0.0.1:{port} refused the login of PRECEDENT_SMTP_USER "
                "'precedent' (535)"
            )
            assert "wrong-pw" not in json.dumps(events("review.notify_failed"))
        assert len(received.items) == 1
