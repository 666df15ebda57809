"""The learning signals' SQL on a real PostgreSQL: the same figures as on SQLite."""

from __future__ import annotations

import pytest

from backend import migrate
from backend.db import Database
from backend.learning.signals import (
    Spread,
    draft_quality,
    edited_away_sources,
    escalation_correctness,
    gate_bypasses,
    rejecting_cohorts,
)
from tests.learning_data import (
    WINDOW,
    History,
    cohort_history,
    edit_history,
    escalation_history,
    quality_history,
)

pytestmark = pytest.mark.integration


def test_on_postgres_every_signal_query_gives_the_sqlite_figures(postgres_url: str) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        quality = History(session, "quality")
        quality_history(quality)
        cohorts = History(session, "cohorts")
        cohort_history(cohorts)
        edits = History(session, "edits")
        edit_history(edits)
        escalations = History(session, "escalations")
        escalation_history(escalations)
        gated = edits.draft("T30", gate={"domains": ["legal"]}, gate_status="rejected")
        edits.outcome(gated, "edited", similarity=0.9, bypass=True)

        [everyone] = draft_quality(session, quality.tenant.id, WINDOW)
        billing, _ = draft_quality(session, quality.tenant.id, WINDOW, by="team")
        found = rejecting_cohorts(session, cohorts.tenant.id, WINDOW)
        sections = edited_away_sources(session, edits.tenant.id, WINDOW, min_cited=2)
        moves = escalation_correctness(session, escalations.tenant.id, WINDOW)
        [bypass] = gate_bypasses(session, edits.tenant.id, WINDOW)
    database.dispose()

    assert (everyone.volume, everyone.similarity) == (5, Spread(0.7, 0.8, 0.9))
    assert everyone.review_seconds == Spread(45.0, 60.0, 90.0)
    assert billing.review_seconds == Spread(75.0, 90.0, 105.0)
    assert (found.tenant_rate, [c.key for c in found.cohorts if c.flagged]) == (0.3774, ["carl"])
    assert [(s.title, s.rate, s.revise) for s in sections] == [
        ("Reset › Factory reset", 1.0, False),
        ("Wi-Fi › Restart", 0.5, True),
    ]
    assert [(m.key, m.sent_back, m.held, m.unseen) for m in moves] == [
        ("refund", 0, 1, 1),
        ("incident", 1, 0, 0),
    ]
    assert (bypass.ticket_id, bypass.domains, bypass.review_status) == ("T30", ("legal",), "")
