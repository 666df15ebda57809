"""The lists' filters on a real PostgreSQL: the same recounted figures as on SQLite."""

from __future__ import annotations

import pytest

from backend import migrate
from backend.db import Database
from tests.learning_data import WINDOW, History
from tests.unit.test_insights_narrowed import figures, narrowing

pytestmark = pytest.mark.integration


def test_on_postgres_a_brand_filter_recounts_the_lists_as_on_sqlite(postgres_url: str) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        history = History(session, "narrowed")
        narrowing(history)
        acme = figures(history, WINDOW, brand="Acme")
        whole = figures(history, WINDOW)
    database.dispose()

    assert acme == {
        "revision": (3, 3, 1.0, 3),
        "coaching": ("carl", 20, 12, 0.5217, False),
        "gap": (2, 1, 1, "steady", ["N1", "N2"]),
    }
    assert whole["coaching"] == ("carl", 20, 12, 0.2826, True)
