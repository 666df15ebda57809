"""Review time counts from when the sidebar showed the draft (never shown: when it was ready)
to the insert or the first send, at least 0: exact figures on SQLite, and migration 0023
up and down."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from backend import migrate
from backend.db import Database
from backend.drafts.shown import mark_shown
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


def test_review_time_counts_from_shown_when_shown_and_from_ready_when_never_shown(
    history: History,
) -> None:
    shown_history(history)

    [everyone] = draft_quality(history.session, history.tenant.id, WINDOW)
    overview = report.overview(history.session, history.tenant.id, WINDOW)
    teams = draft_quality(history.session, history.tenant.id, WINDOW, "team")

    assert review_by_ticket(history) == REVIEW_SECONDS
    assert everyone.review_seconds == Spread(*QUARTILES)
    assert overview.overall.review_seconds == Spread(*QUARTILES)  # read from the 0019 index
    assert [(q.key, q.review_seconds) for q in teams] == [
        ("Billing", Spread(52.5, 65.0, 77.5)),
        ("Devices", Spread(6.25, 12.5, 18.75)),
    ]


def test_a_shown_time_set_after_the_outcome_recomputes_the_review_time(
    history: History,
) -> None:
    draft = history.draft("T1")
    draft.inserted_at = ready_plus(draft, 300)
    history.outcome(draft, "accepted", similarity=1.0)
    assert review_by_ticket(history) == {"T1": 300.0}

    draft.shown_at = ready_plus(draft, 120)
    history.session.flush()

    assert review_by_ticket(history) == {"T1": 180.0}


def test_a_shown_report_after_the_insert_or_the_reply_is_not_stamped(history: History) -> None:
    inserted = history.draft("T1")  # ready and inserted weeks ago (NOW is in the past)
    inserted.inserted_at = ready_plus(inserted, 300)
    history.outcome(inserted, "accepted", similarity=1.0)
    answered = history.draft("T2")  # answered in the helpdesk, the sidebar opened later
    history.outcome(answered, "edited", similarity=0.8, sent_at=ready_plus(answered, 90))

    assert mark_shown(history.session, inserted) is None
    assert mark_shown(history.session, answered) is None
    assert review_by_ticket(history) == {"T1": 300.0, "T2": 90.0}  # from ready, not 0


def test_concurrent_reports_keep_the_first_moment(history: History) -> None:
    draft = history.draft("T1")

    first = mark_shown(history.session, draft)
    again = mark_shown(history.session, draft)

    assert first is not None and again == first


def test_a_draft_never_inserted_nor_sent_has_no_review_time(history: History) -> None:
    draft = history.draft("T1")
    draft.shown_at = ready_plus(draft, 5)
    history.outcome(draft, "rejected")

    assert review_by_ticket(history) == {"T1": None}


def facts_review(url: str) -> dict[str, float]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute("SELECT ticket_id, review_seconds FROM draft_facts").fetchall()
    return {ticket: round(value, 4) for ticket, value in rows}


def schema(url: str) -> list[tuple[str, str]]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_migration_0023_recomputes_on_the_way_up_and_restores_0018_on_the_way_down(
    tmp_path: Path,
) -> None:
    url, before = f"sqlite:///{tmp_path / 'up-down.db'}", f"sqlite:///{tmp_path / '0022.db'}"
    command.upgrade(migrate.alembic_config(before), "0022")
    migrate.upgrade(url)
    database = Database()
    with database.session(url) as session:
        h = History(session)
        shown = h.draft("T1")
        shown.shown_at = ready_plus(shown, 100)
        shown.inserted_at = ready_plus(shown, 130)
        h.outcome(shown, "accepted", similarity=1.0)
        skewed = h.draft("T2")  # inserted "before" it was ready: two servers' clocks
        skewed.inserted_at = ready_plus(skewed, -5)
        h.outcome(skewed, "accepted", similarity=1.0)
    database.dispose()
    assert facts_review(url) == {"T1": 30.0, "T2": 0.0}

    command.downgrade(migrate.alembic_config(url), "0022")

    assert facts_review(url) == {"T1": 130.0, "T2": -5.0}  # 0018's figures: from ready
    assert dict(schema(url)) == dict(schema(before))  # tables, indexes and triggers of 0022

    migrate.upgrade(url)

    assert facts_review(url) == {"T1": 130.0, "T2": 0.0}  # the shown time went with the column
    engine = Database().engine(url)
    assert "shown_at" in {c["name"] for c in inspect(engine).get_columns("draft_facts")}
    with engine.connect() as conn:
        unshown = conn.execute(text("SELECT count(*) FROM drafts WHERE shown_at IS NULL"))
        assert unshown.scalar() == 2
    engine.dispose()
