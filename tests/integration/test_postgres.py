"""Migrations and the draft lifecycle on a real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DatabaseError

from backend import migrate
from backend.db import Database
from backend.drafts import DraftStore

pytestmark = pytest.mark.integration
TABLES = {
    "alembic_version",
    "tenants",
    "helpdesk_connections",
    "drafts",
    "citations",
    "audit_events",
    "reviewers",
    "credentials",
    "review_items",
    "redaction_vaults",
    "outcomes",
    "sync_cursors",
    "sync_leases",
    "leads",
    "insight_items",
    "escalations",
    "draft_facts",
    "draft_vectors",
    "team_changes",
    "team_history_syncs",
    "insight_members",
    "insight_refreshes",
}


def test_migrations_upgrade_downgrade_and_upgrade_again(postgres_url: str) -> None:
    migrate.upgrade(postgres_url)
    engine = create_engine(postgres_url)
    assert set(inspect(engine).get_table_names()) == TABLES
    migrate.downgrade(postgres_url)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate.upgrade(postgres_url)
    assert set(inspect(engine).get_table_names()) == TABLES
    engine.dispose()


def test_on_postgres_audit_events_are_append_only_and_a_draft_is_claimed_once(
    postgres_url: str,
) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    store = DraftStore(lambda: database.session(postgres_url), 60, 3)
    draft, _ = store.request("acme", "T-1", "agent")

    claims = []
    barrier = threading.Barrier(4)

    def claim() -> None:
        barrier.wait()
        claims.append(store.claim(draft.id))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([c for c in claims if c is not None]) == 1

    for statement in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            database.session(postgres_url) as session,
        ):
            session.execute(text(statement))
    database.dispose()
