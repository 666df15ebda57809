"""Escalation correctness from the helpdesk's group changes on a real PostgreSQL: the SQLite
figures, moves recorded once (ON CONFLICT), and a sync with the real Zendesk connector."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend import migrate
from backend.connectors import TeamMove
from backend.connectors.settings import HelpdeskSettings
from backend.connectors.zendesk import ZendeskConnector
from backend.db import Database
from backend.learning.signals import escalation_correctness
from backend.learning.team_changes import (
    Synced,
    TeamChange,
    TeamHistorySync,
    _store,
    record,
    sync_escalated,
)
from tests.learning_data import NOW, WINDOW, History
from tests.servers import zendesk_api
from tests.team_change_data import (
    BY_AGENT,
    BY_INTENT,
    escalated,
    other_tenant_moves,
    team_change_history,
)
from tests.unit.test_escalation_history import figures
from tests.zendesk_audits import audited_acme

pytestmark = pytest.mark.integration


def test_on_postgres_the_escalation_figures_are_the_sqlite_ones(postgres_url: str) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        history = History(session, "acme")
        team_change_history(history)
        other_tenant_moves(History(session, "globex"))
        by_intent = escalation_correctness(session, history.tenant.id, WINDOW)
        by_agent = escalation_correctness(session, history.tenant.id, WINDOW, "agent")
        move = TeamMove(NOW, "Billing", "Finance", "freshdesk_webhook", "T9:1")
        first = record(session, history.tenant.id, "T9", [move, move])
        again = record(session, history.tenant.id, "T9", [move])
    database.dispose()

    assert figures(by_intent) == BY_INTENT
    assert figures(by_agent) == BY_AGENT
    assert (first, again) == (1, 0)


def test_on_postgres_a_sync_records_once_and_passes_over_a_missing_ticket(
    postgres_url: str,
) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        history = History(session, "acme")
        for ticket in ("42", "43", "44"):
            escalated(history, ticket, "Devices", "refund", "ann")
    with zendesk_api(audited_acme(42, 44)) as api:
        settings = HelpdeskSettings(
            tenant="acme", platform="zendesk", host="acme", email="bot@acme.test",
            api_token="zd-api-token", api_url=api,
        )  # fmt: skip
        zendesk = ZendeskConnector(lambda tenant: settings)
        sessions = lambda: database.session(postgres_url)  # noqa: E731
        first = sync_escalated(sessions, history.tenant.id, zendesk, WINDOW)
        again = sync_escalated(sessions, history.tenant.id, zendesk, WINDOW, 200, timedelta(0))
    with database.session(postgres_url) as session:
        stored = session.scalar(select(func.count()).select_from(TeamChange))
    database.dispose()

    assert first == Synced(tickets=3, recorded=6, failed=())  # 43: gone from the helpdesk
    assert again == Synced(tickets=3, recorded=0, failed=())
    assert stored == 6


def test_on_postgres_two_workers_reading_one_ticket_both_land(postgres_url: str) -> None:
    """The second worker's read time waits for the first's commit, then updates it: no
    unique-key error loses its refresh."""
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        tenant_id = History(session, "racing").tenant.id
    move = TeamMove(NOW - timedelta(days=1), "Billing", "Finance", "zendesk_audit", "1:1")
    done: list[int] = []
    with database.session(postgres_url) as first:
        _store(first, tenant_id, "42", [move])  # not committed yet
        second = threading.Thread(
            target=lambda: done.append(store_alone(database, postgres_url, tenant_id, move))
        )
        second.start()
        second.join(timeout=1)
        assert second.is_alive()  # waiting on the first worker's row
    second.join(timeout=10)
    with database.session(postgres_url) as session:
        reads = session.scalar(select(func.count()).select_from(TeamHistorySync))
    database.dispose()

    assert (done, reads) == ([0], 1)


def store_alone(database: Database, url: str, tenant_id: int, move: TeamMove) -> int:
    with database.session(url) as session:
        return _store(session, tenant_id, "42", [move])
