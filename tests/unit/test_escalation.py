"""Escalate: an internal note, group and tags through the connector, the people told, and the
sentence the sidebar shows; idempotent, retried on our RetryableError, audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import select

from backend import services, tasks
from backend.cli import cli
from backend.connectors import Connector
from backend.connectors.settings import HelpdeskSettings
from backend.db import db
from backend.errors import ConnectorRateLimited, InputError, TicketNotFound
from backend.escalation import Target, target
from backend.escalation import app as escalation_app
from backend.escalation.run import About, Deps, run
from backend.models import AuditEvent, Escalation, Outcome, ReviewItem
from backend.notify import notifier_for
from backend.notify import settings as notify_settings
from tests.helpdesk_accounts import queued_messages
from tests.servers import Received, webhook_receiver
from tests.unit.test_notify import DECISION, gated, make_app

NOTE = "Sam Park asks for a refund after renewal; needs someone from billing."
LEGAL = {**DECISION, "domains": ["legal"], "rules": []}  # nobody here may review legal advice


@pytest.fixture
def escalating(tmp_path: Path) -> Iterator[tuple[Flask, Received]]:
    """The demo inbox, reviewers Ana (insurance), Dr Okafor (medical) and Duty (safety), an
    escalation address, and a local webhook receiver for the notices."""
    with webhook_receiver() as (url, received):
        settings = {"NOTIFY": "webhook", "NOTIFY_WEBHOOK_URL": url}
        for flask_app in make_app(tmp_path, ESCALATION_EMAIL="tier2@example.com", **settings):
            yield flask_app, received


@pytest.fixture
def client(escalating: tuple[Flask, Received]) -> FlaskClient:
    return escalating[0].test_client()


@pytest.fixture
def hook(escalating: tuple[Flask, Received]) -> Received:
    return escalating[1]


def draft_of(item_id: int) -> str:
    with db.session() as session:
        item = session.get(ReviewItem, item_id)
        assert item is not None
        return item.draft_id


def escalations_file(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "inbox.escalations.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def actions() -> list[str]:
    with db.session() as session:
        rows = session.scalars(select(AuditEvent.action).where(AuditEvent.actor != "gate"))
        return [a for a in rows if a.startswith("escalation.")]


def test_when_the_agent_escalates_a_gated_draft_then_note_tags_and_notices_follow(
    client: FlaskClient, hook: Received, tmp_path: Path
) -> None:
    draft_id = draft_of(gated())
    before = len(queued_messages(client.application))

    queued = client.post(f"/api/v1/drafts/{draft_id}/escalate", json={"note": NOTE})

    assert queued.status_code == 202, queued.get_json()
    body = queued.get_json()
    assert body["status"] == "queued" and body["note"] == NOTE
    assert body["summary"].startswith("Escalating")
    assert len(queued_messages(client.application)) == before + 1  # the task, after commit
    assert tasks.escalate.apply(args=[body["id"]]).get() == "done"

    [row] = escalations_file(tmp_path)
    assert row["private"] is True and row["ticket_id"] == "N-3"
    assert row["tags"] == ["precedent-escalated"] and row["group"] == ""
    assert row["note"].startswith("Escalated from Precedent by the agent.\nNote: " + NOTE)
    assert "Precedent is telling: Ana, tier2@example.com." in row["note"]
    assert [n["recipient"]["email"] for n in hook.items] == ["ana@example.com", "tier2@example.com"]
    notice = hook.items[0]
    assert notice["event"] == "ticket.escalated" and notice["title"] == (
        "Escalated: ticket N-3 (insurance)"
    )
    assert notice["tags"] == ["precedent-escalated"] and notice["ticket_id"] == "N-3"
    assert "Sam Park" not in json.dumps(hook.items)  # the note and subject go out redacted
    assert notice["note"].startswith("<PERSON_1> asks for a refund")

    read = client.get(f"/api/v1/drafts/{draft_id}/escalation").get_json()
    assert read["status"] == "done" and read["told"] == ["Ana", "tier2@example.com"]
    assert read["summary"] == (
        "Escalated: internal note added, tagged precedent-escalated. Told: Ana, tier2@example.com."
    )
    with db.session() as session:
        assert session.scalars(select(Outcome.action)).all() == ["escalated"]
        stored = session.scalars(select(Escalation.note)).one()
    assert "Sam Park" not in stored  # at rest with the ticket's placeholders
    assert actions() == ["escalation.requested", "escalation.helpdesk", "escalation.notified"]


def test_when_escalate_is_asked_twice_or_the_task_runs_twice_then_it_happens_once(
    client: FlaskClient, hook: Received, tmp_path: Path
) -> None:
    draft_id = draft_of(gated())
    first = client.post(f"/api/v1/drafts/{draft_id}/escalate", json={}).get_json()
    again = client.post(f"/api/v1/drafts/{draft_id}/escalate", json={"note": "x"})
    assert again.status_code == 200 and again.get_json()["id"] == first["id"]

    assert escalation_app.run_now(first["id"]) == "done"
    assert escalation_app.run_now(first["id"]) == "done"  # a task delivered twice

    assert len(escalations_file(tmp_path)) == 1 and len(hook.items) == 2
    with db.session() as session:
        assert len(session.scalars(select(Outcome)).all()) == 1


def test_when_nobody_may_review_and_no_address_is_set_then_the_agent_is_told_so(
    tmp_path: Path,
) -> None:
    for flask_app in make_app(tmp_path):
        draft_id = draft_of(gated(decision=LEGAL))
        web = flask_app.test_client()
        escalation_id = web.post(f"/api/v1/drafts/{draft_id}/escalate", json={}).get_json()["id"]
        escalation_app.run_now(escalation_id)

        read = web.get(f"/api/v1/drafts/{draft_id}/escalation").get_json()
        assert read["told"] == []
        assert read["summary"].endswith(
            "Nobody was told: no reviewer can take it and no escalation address is set."
        )
        [row] = escalations_file(tmp_path)
        assert "needs review (legal, US-CA) and no reviewer is credentialed for it" in row["note"]


class Flaky:
    """A connector whose escalate is rate-limited first, or whose ticket is gone."""

    def __init__(self, real: Connector, error: Exception) -> None:
        self.real, self.error, self.calls = real, error, 0

    def escalate(self, *args: Any) -> None:
        self.calls += 1
        if self.calls == 1 or isinstance(self.error, TicketNotFound):
            raise self.error
        self.real.escalate(*args)


def deps(connector: Any) -> Deps:
    return Deps(
        sessions=db.session,
        connector=connector,
        notifier=notifier_for(notify_settings.from_config(current_app.config)),
        target_of=escalation_app.target_of,
        restore=escalation_app.restore,
        about=lambda tenant, ticket: About("subject", "https://helpdesk.test/N-3"),
    )


def test_when_the_helpdesk_is_rate_limited_then_a_retry_writes_the_note_once(
    client: FlaskClient, hook: Received, tmp_path: Path
) -> None:
    draft_id = draft_of(gated())
    escalation_id = client.post(f"/api/v1/drafts/{draft_id}/escalate", json={}).get_json()["id"]
    flaky = Flaky(services.get().connector, ConnectorRateLimited("Zendesk acme: 429", 30.0))

    with pytest.raises(ConnectorRateLimited):
        run(escalation_id, deps(flaky))
    assert escalations_file(tmp_path) == [] and hook.items == []
    assert run(escalation_id, deps(flaky)) == "done"
    assert len(escalations_file(tmp_path)) == 1 and len(hook.items) == 2


def test_when_the_ticket_is_gone_then_the_escalation_fails_saying_why_and_may_be_retried(
    client: FlaskClient, hook: Received
) -> None:
    draft_id = draft_of(gated())
    escalation_id = client.post(f"/api/v1/drafts/{draft_id}/escalate", json={}).get_json()["id"]
    gone = Flaky(services.get().connector, TicketNotFound("ticket 'N-3' was not found in acme"))

    assert run(escalation_id, deps(gone)) == "failed"

    read = client.get(f"/api/v1/drafts/{draft_id}/escalation").get_json()
    assert read["status"] == "failed" and hook.items == []
    assert read["summary"] == "Escalation failed: ticket 'N-3' was not found in acme. Try again."
    retried = client.post(f"/api/v1/drafts/{draft_id}/escalate", json={"note": "again"})
    assert retried.status_code == 202 and retried.get_json()["status"] == "queued"
    assert actions() == ["escalation.requested", "escalation.failed", "escalation.requested"]


def test_when_retries_run_out_then_the_agent_reads_that_it_failed(
    client: FlaskClient, hook: Received
) -> None:
    draft_id = draft_of(gated())
    escalation_id = client.post(f"/api/v1/drafts/{draft_id}/escalate", json={}).get_json()["id"]
    escalation_app.give_up(escalation_id, "Zendesk acme is unavailable (HTTP 503)")
    read = client.get(f"/api/v1/drafts/{draft_id}/escalation").get_json()
    assert (
        read["summary"] == "Escalation failed: Zendesk acme is unavailable (HTTP 503). Try again."
    )


def test_when_the_sidebar_polls_an_escalation_without_a_note_then_no_vault_is_opened(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    quiet_id, noted_id = draft_of(gated("N-3")), draft_of(gated("N-4"))
    client.post(f"/api/v1/drafts/{quiet_id}/escalate", json={})
    client.post(f"/api/v1/drafts/{noted_id}/escalate", json={"note": "Call Jane Roe back"})
    opened: list[str] = []
    real = services.ticket_texts

    def counted(tenant: str, ticket_id: str, session: Any = None) -> Any:
        opened.append(ticket_id)
        return real(tenant, ticket_id, session)

    monkeypatch.setattr(services, "ticket_texts", counted)
    quiet = client.get(f"/api/v1/drafts/{quiet_id}/escalation").get_json()
    noted = client.get(f"/api/v1/drafts/{noted_id}/escalation").get_json()

    assert (quiet["note"], noted["note"]) == ("", "Call Jane Roe back")
    assert opened == ["N-4"]


def test_when_a_draft_was_not_escalated_then_reading_its_escalation_is_404(
    client: FlaskClient,
) -> None:
    draft_id = draft_of(gated())
    assert client.get(f"/api/v1/drafts/{draft_id}/escalation").status_code == 404
    assert client.post("/api/v1/drafts/nope/escalate", json={}).status_code == 404


CONFIG = {"ESCALATION_GROUP": "", "ESCALATION_TAGS": "precedent-escalated", "ESCALATION_EMAIL": ""}
ZENDESK = HelpdeskSettings(tenant="acme", platform="zendesk", host="acme")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (None, Target("", ("precedent-escalated",), "")),
        (
            replace(ZENDESK, escalation_group="360001", escalation_tags="tier2, legal ,tier2"),
            Target("360001", ("tier2", "legal"), ""),
        ),
        (
            replace(ZENDESK, escalation_email="t2@acme.test"),
            Target("", ("precedent-escalated",), "t2@acme.test"),
        ),
    ],
)
def test_when_a_tenant_sets_escalation_then_it_wins_over_the_deployment(
    settings: HelpdeskSettings | None, expected: Target
) -> None:
    assert target(CONFIG, settings) == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"escalation_group": "Tier 2"}, "escalation group 'Tier 2' is not a zendesk group id"),
        ({"escalation_email": "tier2"}, "escalation e-mail 'tier2' is not an address"),
    ],
)
def test_when_escalation_settings_are_wrong_then_they_are_refused_naming_them(
    change: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        replace(ZENDESK, **change)


def test_when_helpdesk_connect_is_given_escalation_options_then_show_prints_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PRECEDENT_SECRET_KEY", "cli-test-secret-key")
    options = ["--escalation-group", "360009", "--escalation-tags", "tier2,precedent"]
    connected = CliRunner().invoke(
        cli,
        ["helpdesk", "connect", "freshdesk", "--tenant", "globex", "--host", "globex.test"]
        + options
        + ["--escalation-email", "tier2@globex.test", "--api-token", "fd-key"],
    )
    assert connected.exit_code == 0, connected.output
    shown = CliRunner().invoke(cli, ["helpdesk", "show", "--tenant", "globex"]).output
    assert "escalation_group: 360009" in shown and "escalation_tags: tier2,precedent" in shown
    assert "escalation_email: tier2@globex.test" in shown
