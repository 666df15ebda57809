"""Escalation correctness from the helpdesk's own group changes, on SQLite: exact figures,
idempotent recording, and a sync that one failing ticket does not stop."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import MetaData, func, select

from backend import create_app, migrate, services, tasks
from backend.connectors import Connector, TeamMove
from backend.connectors.settings import HelpdeskSettings
from backend.connectors.zendesk import ZendeskConnector
from backend.db import Database, SessionFactory, db
from backend.errors import ConnectorError
from backend.learning import demo
from backend.learning.cli import insights
from backend.learning.signals import escalation_correctness, last
from backend.learning.team_changes import (
    Synced,
    TeamChange,
    TeamHistorySync,
    last_team,
    record,
    record_webhook_move,
    sync_escalated,
    tickets_to_sync,
)
from backend.models import Base, Tenant
from tests.conftest import FIXTURES, app_config
from tests.learning_data import DAY, NOW, WINDOW, History
from tests.servers import zendesk_api
from tests.team_change_data import (
    BY_AGENT,
    BY_INTENT,
    escalated,
    other_tenant_moves,
    team_change_history,
)
from tests.zendesk_audits import audited_acme


def figures(rates: list) -> list[tuple[object, ...]]:  # type: ignore[type-arg]
    return [
        (r.key, r.escalations, r.sent_back, r.rerouted, r.held, r.unseen, r.from_history,
         r.from_drafts, r.wrong_rate)
        for r in rates
    ]  # fmt: skip


def test_when_the_helpdesk_moved_a_ticket_then_its_changes_decide_per_intent_and_agent(
    history: History,
) -> None:
    team_change_history(history)
    other_tenant_moves(History(history.session, "globex"))
    tenant = history.tenant.id

    assert figures(escalation_correctness(history.session, tenant, WINDOW)) == BY_INTENT
    by_agent = escalation_correctness(history.session, tenant, WINDOW, "agent")
    assert figures(by_agent) == BY_AGENT


def test_a_move_before_the_agent_saw_a_draft_made_ahead_is_not_after_the_escalation(
    history: History,
) -> None:
    ahead = history.draft("T30", 10 * DAY, team="Devices", ticket_type="incident")
    ahead.shown_at = NOW - 5 * DAY  # made from a webhook, opened five days later
    history.outcome(ahead, "escalated", created_at=NOW - 5 * DAY)
    record(history.session, history.tenant.id, "T30", [
        TeamMove(NOW - 7 * DAY, "Devices", "Triage", "zendesk_audit", "1:1"),  # before it
        TeamMove(NOW - 7 * DAY + DAY / 2, "Triage", "Devices", "zendesk_audit", "2:1"),
        TeamMove(NOW - 4 * DAY, "Devices", "Finance", "zendesk_audit", "3:1"),  # the escalation
    ])  # fmt: skip

    [incident] = escalation_correctness(history.session, history.tenant.id, WINDOW)

    assert figures([incident]) == [("incident", 1, 0, 0, 1, 0, 1, 0, 0.0)]  # held by Finance


def test_when_filtered_then_only_the_matching_escalations_count(history: History) -> None:
    team_change_history(history)

    [ann] = escalation_correctness(
        history.session,
        history.tenant.id,
        WINDOW,
        "ticket_type",
        {"agent": "ann", "team": "Billing"},
    )

    assert figures([ann]) == [("refund", 1, 0, 1, 0, 0, 1, 0, 1.0)]


def test_when_the_same_moves_are_recorded_twice_then_they_are_stored_once(
    history: History,
) -> None:
    moves = [
        TeamMove(NOW - 2 * DAY, "Billing", "Finance", "zendesk_audit", "8802:88023"),
        TeamMove(NOW - DAY, "Finance", "Billing", "zendesk_audit", "8803:88032"),
    ]
    session, tenant = history.session, history.tenant.id

    assert record(session, tenant, "T1", moves) == 2
    assert record(session, tenant, "T1", moves + [replace_key(moves[0], "9:9")]) == 1
    assert session.scalar(select(func.count()).select_from(TeamChange)) == 3
    assert record(session, History(session, "globex").tenant.id, "T1", moves) == 2  # its own


def replace_key(move: TeamMove, key: str) -> TeamMove:
    return TeamMove(move.at, move.from_team, move.to_team, move.source, key)


def test_when_a_webhook_reports_a_move_then_it_starts_from_the_last_known_team(
    history: History,
) -> None:
    session, tenant = history.session, history.tenant.id
    history.draft("T7", 3 * DAY, team="Devices")
    first = TeamMove(NOW - 2 * DAY, "ignored", "Billing", "freshdesk_webhook", "T7:a")
    second = TeamMove(NOW - DAY, "ignored", "Finance", "freshdesk_webhook", "T7:b")

    assert last_team(session, tenant, "T7") == "Devices"  # the newest draft's team
    assert record_webhook_move(session, tenant, "T7", first) is True
    assert record_webhook_move(session, tenant, "T7", second) is True
    assert record_webhook_move(session, tenant, "T7", second) is False  # delivered again
    stored = session.execute(
        select(TeamChange.from_team, TeamChange.to_team).order_by(TeamChange.at)
    ).all()
    assert [tuple(r) for r in stored] == [("Devices", "Billing"), ("Billing", "Finance")]
    assert last_team(session, tenant, "T8") == ""


def test_a_late_delivery_starts_from_the_team_of_its_own_time(history: History) -> None:
    session, tenant = history.session, history.tenant.id
    history.draft("T7", 3 * DAY, team="Devices")
    newer = TeamMove(NOW - DAY, "ignored", "Finance", "freshdesk_webhook", "T7:b")
    older = TeamMove(NOW - 2 * DAY, "ignored", "Billing", "freshdesk_webhook", "T7:a")

    record_webhook_move(session, tenant, "T7", newer)
    record_webhook_move(session, tenant, "T7", older)  # delivered after the newer one

    stored = session.execute(
        select(TeamChange.from_team, TeamChange.to_team).order_by(TeamChange.at)
    ).all()
    assert [tuple(r) for r in stored] == [("Devices", "Billing"), ("Devices", "Finance")]


@dataclass(frozen=True)
class Synced42:
    sessions: SessionFactory
    tenant: int
    zendesk: ZendeskConnector

    def count(self, model: type[Base]) -> int | None:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def zendesk_history(learning_url: str) -> Iterator[Synced42]:
    """Tickets 42, 43 and 44 escalated (committed); the helpdesk has audits for 42 and 44."""
    database = Database()
    with database.session(learning_url) as session:
        history = History(session, "acme")
        for ticket in ("42", "43", "44"):
            escalated(history, ticket, "Devices", "refund", "ann")
    with zendesk_api(audited_acme(42, 44)) as api:
        settings = HelpdeskSettings(
            tenant="acme", platform="zendesk", host="acme", email="bot@acme.test",
            api_token="zd-api-token", api_url=api,
        )  # fmt: skip
        zendesk = ZendeskConnector(lambda tenant: settings)
        yield Synced42(lambda: database.session(learning_url), history.tenant.id, zendesk)
    database.dispose()


def test_a_ticket_the_helpdesk_no_longer_has_counts_as_read_and_waits_its_turn(
    zendesk_history: Synced42,
) -> None:
    h = zendesk_history

    synced = sync_escalated(h.sessions, h.tenant, h.zendesk, WINDOW)

    assert synced == Synced(tickets=3, recorded=6, failed=())  # 43: not found, no moves
    with h.sessions() as session:
        keys = session.scalars(select(TeamChange.ticket_id + "/" + TeamChange.key)).all()
        assert sorted(keys) == [
            "42/8802:88023", "42/8803:88032", "42/8804:88041",
            "44/208802:288023", "44/208803:288032", "44/208804:288041",
        ]  # fmt: skip
        assert tickets_to_sync(session, h.tenant, WINDOW, 3) == []  # all read lately


class Unavailable:
    """The helpdesk answers 503 for ticket 43 (our connector's error), the others as Zendesk."""

    def __init__(self, zendesk: ZendeskConnector) -> None:
        self.zendesk = zendesk

    def team_history(self, tenant: str, ticket_id: str) -> list[TeamMove]:
        if ticket_id == "43":
            raise ConnectorError("Zendesk acme is unavailable (HTTP 503)")
        return self.zendesk.team_history(tenant, ticket_id)


def test_when_one_ticket_fails_then_the_others_are_synced_and_it_is_read_first_next_time(
    zendesk_history: Synced42, caplog: pytest.LogCaptureFixture
) -> None:
    h = zendesk_history
    connector = cast(Connector, Unavailable(h.zendesk))

    synced = sync_escalated(h.sessions, h.tenant, connector, WINDOW)

    assert synced == Synced(tickets=2, recorded=6, failed=("43",))
    assert "ticket 43 not read (Zendesk acme is unavailable (HTTP 503))" in caplog.text
    with h.sessions() as session:
        assert tickets_to_sync(session, h.tenant, WINDOW, 3, timedelta(0)) == ["43", "42", "44"]
        assert tickets_to_sync(session, h.tenant, WINDOW, 3) == ["43"]  # the rest read lately


def test_when_synced_again_then_nothing_new_is_recorded(zendesk_history: Synced42) -> None:
    h = zendesk_history
    sync_escalated(h.sessions, h.tenant, h.zendesk, WINDOW)

    soon = sync_escalated(h.sessions, h.tenant, h.zendesk, WINDOW)
    again = sync_escalated(h.sessions, h.tenant, h.zendesk, WINDOW, again_after=timedelta(0))

    assert soon == Synced(tickets=0, recorded=0, failed=())  # none was due
    assert again == Synced(tickets=3, recorded=0, failed=())
    assert (h.count(TeamChange), h.count(TeamHistorySync)) == (6, 3)


def test_when_capped_then_a_run_reads_at_most_the_limit(zendesk_history: Synced42) -> None:
    h = zendesk_history

    synced = sync_escalated(h.sessions, h.tenant, h.zendesk, WINDOW, limit=1)

    assert synced == Synced(tickets=1, recorded=3, failed=())  # 42: none read yet, first by id
    assert h.count(TeamHistorySync) == 1


def test_a_move_without_a_time_zone_is_taken_as_utc(history: History) -> None:
    naive = TeamMove(datetime(2026, 3, 20, 9, 30), "Billing", "Finance", "files", "k1")

    record(history.session, history.tenant.id, "T1", [naive])

    stored = history.session.scalars(select(TeamChange.at)).one()
    assert stored.replace(tzinfo=None) == datetime(2026, 3, 20, 9, 30)


# per ticket type: escalations, sent back, re-routed, held, unseen (backend/learning/demo.py)
DEMO_STORY = {
    "order": (8, 0, 0, 8, 0),
    "billing": (6, 0, 0, 6, 0),
    "claim": (6, 0, 6, 0, 0),  # sent to Hardware, re-routed to Claims
    "account": (4, 1, 1, 2, 0),
    "device": (4, 1, 0, 3, 0),
}
OURS = ("team_changes", "team_history_syncs")


def ours_only(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    return (name if kind == "table" else item.table.name) in OURS


def test_the_model_matches_migration_0021(learning_url: str) -> None:
    tables = MetaData()
    for table in (Tenant.__table__, TeamChange.__table__, TeamHistorySync.__table__):
        table.to_metadata(tables)
    database = Database()
    with database.session(learning_url) as session:
        options = {"include_object": ours_only, "compare_type": True}
        context = MigrationContext.configure(session.connection(), opts=options)
        differences = compare_metadata(context, tables)
    database.dispose()
    assert differences == []


@pytest.fixture
def files_app(tmp_path: Path) -> Iterator[Flask]:
    """The files connector on a copy of the inbox, so its escalations file is the test's."""
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text((FIXTURES / "inbox.jsonl").read_text())
    flask_app = create_app(app_config(tmp_path, FILES_INBOX=str(inbox)))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


def test_the_insights_refresh_reads_where_escalated_tickets_went_first(files_app: Flask) -> None:
    with db.session() as session:
        history = History(session, "demo")
        ago = NOW - datetime.now(UTC)  # History counts back from NOW: these drafts are recent
        draft = history.draft("N-3", ago + DAY, team="Billing", ticket_type="refund")
        history.outcome(draft, "escalated", agent="ann")
    connector = services.get().connector
    connector.escalate("demo", "N-3", "refund after renewal", "Finance", ())
    connector.escalate("demo", "N-3", "not ours", "Billing", ())

    tasks.refresh_insights.run(history.tenant.id)  # what the worker does

    with db.session() as session:
        [refund] = escalation_correctness(session, history.tenant.id, last("30d"))
    assert figures([refund]) == [("refund", 1, 1, 0, 0, 0, 1, 0, 1.0)]


def test_when_the_history_cannot_be_read_then_the_lists_are_refreshed_all_the_same(
    files_app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with db.session() as session:
        history = History(session, "demo")
        ago = NOW - datetime.now(UTC)
        history.outcome(history.draft("N-3", ago + DAY, team="Billing"), "escalated")

    def broken(tenant: str, ticket_id: str) -> list[TeamMove]:
        raise ValueError("a hand-edited escalations file")

    monkeypatch.setattr(services.get().connector, "team_history", broken)

    assert tasks.refresh_insights.run(history.tenant.id) >= 0  # computed, not -1
    assert "team history of tenant" in caplog.text and "the lists are refreshed" in caplog.text


def test_the_cli_prints_each_intent_with_where_its_fate_was_judged_from(
    learning_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = Database()
    with database.session(learning_url) as session:
        team_change_history(History(session, "acme"))
    database.dispose()
    monkeypatch.setenv("PRECEDENT_DATABASE_URL", learning_url)
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path))

    result = CliRunner().invoke(insights, ["escalations", "--tenant", "acme", "--since", "3650d"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "  refund: 4, sent back 0, re-routed 1, held 2, unseen 1 (judged from helpdesk changes 2,"
        " from later drafts 1)",
        "  incident: 2, sent back 2, re-routed 0, held 0, unseen 0 (judged from helpdesk changes"
        " 1, from later drafts 1)",
    ]


def test_the_demo_tells_the_escalation_story_from_the_helpdesk_s_changes(
    history: History,
) -> None:
    now = datetime(2026, 3, 31, tzinfo=UTC)
    demo.seed(history.session, history.tenant.id, [], now, weeks=8, per_week=70, lists=False)

    rates = escalation_correctness(history.session, history.tenant.id, last("56d", now))
    found = {r.key: (r.escalations, r.sent_back, r.rerouted, r.held, r.unseen) for r in rates}

    assert all(r.from_history == r.escalations for r in rates)  # every one moved in the demo
    assert found == DEMO_STORY
    claim = next(r for r in rates if r.key == "claim")
    assert claim.wrong_rate == max(r.wrong_rate for r in rates)  # claims go to the wrong team
