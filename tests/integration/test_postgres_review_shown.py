"""Review time from shown (never shown: ready) to inserted or sent, at least 0, on a real
PostgreSQL: the triggers of migration 0023, a shown time set later, and 0023 down and up."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from backend import migrate
from backend.db import Database
from backend.learning import report
from backend.learning.signals import Spread, draft_quality
from tests.learning_data import WINDOW, History
from tests.shown_history import (
    QUARTILES,
    REVIEW_SECONDS,
    ready_plus,
    review_by_ticket,
    shown_history,
)

pytestmark = pytest.mark.integration


def test_on_postgres_review_time_counts_from_shown_and_follows_a_later_shown_time(
    postgres_url: str,
) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        h = History(session)
        shown_history(h)
        found = review_by_ticket(h)
        [everyone] = draft_quality(session, h.tenant.id, WINDOW)
        overview = report.overview(session, h.tenant.id, WINDOW)
        agents = report.action_mix(session, h.tenant.id, WINDOW, "agent")  # the 0020 index
        later = h.draft("T5")
        later.inserted_at = ready_plus(later, 300)
        h.outcome(later, "accepted", similarity=1.0)
        later.shown_at = ready_plus(later, 120)
        session.flush()
        recomputed = review_by_ticket(h)["T5"]
    database.dispose()

    assert found == REVIEW_SECONDS
    assert everyone.review_seconds == overview.overall.review_seconds == Spread(*QUARTILES)
    assert [(q.key, q.review_seconds) for q in agents] == [
        ("ann", Spread(52.5, 65.0, 77.5)),
        ("bob", Spread(6.25, 12.5, 18.75)),
    ]
    assert recomputed == 180.0


def test_on_postgres_migration_0023_goes_down_to_0018s_figures_and_up_again(
    postgres_url: str,
) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        h = History(session)
        shown_history(h)
    database.dispose()

    command.downgrade(migrate.alembic_config(postgres_url), "0022")
    engine = create_engine(postgres_url)
    down = {c["name"] for c in inspect(engine).get_columns("drafts")}
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT ticket_id, review_seconds FROM draft_facts")
        from_ready = {str(t): round(float(s), 4) for t, s in rows}
    migrate.upgrade(postgres_url)
    inspector = inspect(engine)
    up = {c["name"] for c in inspector.get_columns("draft_facts")}
    indexes = {i["name"] for i in inspector.get_indexes("draft_facts")}
    engine.dispose()

    assert "shown_at" not in down
    # 0018's figures: from ready, unclamped (T4 was inserted 10 s after ready)
    assert from_ready == {
        "T1": 3640.0,
        "T2": 90.0,
        "T3": 625.0,
        "T4": 10.0,
    }
    assert "shown_at" in up
    assert {"ix_draft_facts_review", "ix_draft_facts_agent_review"} <= indexes
