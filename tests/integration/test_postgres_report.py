"""The insights overview on a real PostgreSQL: its review-time quartiles, read from the
review-time indexes (migrations 0019 and 0020), are ``draft_quality``'s exact figures."""

from __future__ import annotations

import pytest

from backend import migrate
from backend.db import Database
from backend.learning import report
from backend.learning.signals import Spread
from tests.learning_data import WINDOW, History, quality_history

pytestmark = pytest.mark.integration


def test_on_postgres_the_overview_reads_the_exact_review_quartiles(postgres_url: str) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        quality = History(session, "overview")
        quality_history(quality)
        found = report.overview(session, quality.tenant.id, WINDOW)
        billing = report.overview(session, quality.tenant.id, WINDOW, {"team": "Billing"})
        teams = report.action_mix(session, quality.tenant.id, WINDOW, "team")
    database.dispose()

    assert (found.overall.volume, found.overall.review_seconds) == (5, Spread(45.0, 60.0, 90.0))
    assert billing.overall.review_seconds == Spread(75.0, 90.0, 105.0)
    assert [(q.key, q.review_seconds) for q in teams][0] == ("Billing", Spread(75.0, 90.0, 105.0))
