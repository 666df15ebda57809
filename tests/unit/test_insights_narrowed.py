"""Filters narrow the four lists: each entry recounted over its drafts that match, on SQLite
(tests/integration/test_postgres_lists.py runs the same on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from backend import migrate
from backend.db import Database
from backend.learning import items
from backend.learning.gaps import Topic
from backend.learning.sql import Filters
from backend.learning.thresholds import Thresholds
from backend.learning.window import Window
from tests.learning_data import NOW, WINDOW, History, lists_history

LIMITS = Thresholds(edited_away=0.3, edited_away_min_cited=5, cohort_min_count=20)


class OneTopic:
    """Every ticket asks the same question."""

    def __call__(self, ticket_ids: Sequence[str]) -> dict[str, Topic]:
        return {t: Topic(f"Setting up the hub {t}", (1.0, 0.0)) for t in ticket_ids}


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    url = f"sqlite:///{tmp_path / 'lists.db'}"
    migrate.upgrade(url)
    database = Database()
    with database.session(url) as session:
        yield History(session)
    database.dispose()


def figures(history: History, window: Window, brand: str | None = None) -> dict[str, Any]:
    """Per list, its entries' titles and the figures a lead reads."""
    filters: Filters = {"brand": brand} if brand else {}
    found = items.narrowed(history.session, history.tenant.id, window, filters, LIMITS)
    shown: dict[str, Any] = {}
    for item, d in found:
        if item.list == "revision":
            shown["revision"] = (d["cited"], d["removed"], d["rate"], len(d["examples"]))
        elif item.list == "coaching":
            cohort = (d["drafts"], d["rejected"], d["tenant_rate"], d["flagged"])
            shown["coaching"] = (item.title, *cohort)
        elif item.list == "policy":
            shown["policy"] = item.title
        else:
            examples = [e["ticket_id"] for e in d["examples"]]
            shown["gap"] = (d["size"], d["earlier"], d["later"], d["trend"], examples)
    return shown


def narrowing(history: History) -> None:
    lists_history(history)
    assert items.refresh(history.session, history.tenant.id, WINDOW, OneTopic(), LIMITS) == 4


def test_without_filters_each_list_keeps_its_whole_figures(history: History) -> None:
    narrowing(history)

    assert figures(history, WINDOW) == {
        "revision": (5, 3, 0.6, 3),
        "coaching": ("carl", 20, 12, 0.2826, True),
        "policy": "Ticket G1: legal",
        "gap": (3, 1, 2, "rising", ["N1", "N3", "N2"]),
    }


def test_a_brand_filter_recounts_each_entry_over_that_brands_drafts(history: History) -> None:
    narrowing(history)

    # Acme decides 23 drafts (ann 3, carl 20) and rejects 12: carl is no worse than that
    assert figures(history, WINDOW, brand="Acme") == {
        "revision": (3, 3, 1.0, 3),
        "coaching": ("carl", 20, 12, 0.5217, False),
        "gap": (2, 1, 1, "steady", ["N1", "N2"]),
    }
    assert figures(history, WINDOW, brand="Bolt") == {
        "revision": (2, 0, 0.0, 0),
        "policy": "Ticket G1: legal",
        "gap": (1, 0, 1, "rising", ["N3"]),
    }
    assert figures(history, WINDOW, brand="Nowhere") == {}


def test_a_shorter_window_keeps_only_the_drafts_inside_it(history: History) -> None:
    narrowing(history)
    week = Window(NOW - timedelta(days=7), NOW)

    found = figures(history, week)

    assert found["gap"] == (2, 0, 2, "rising", ["N3", "N2"])
    assert found["revision"] == (5, 3, 0.6, 3)  # every cited draft is five days old


def test_an_entry_done_stays_done_when_narrowed(history: History) -> None:
    narrowing(history)
    [policy] = items.items(history.session, history.tenant.id, "policy")
    items.set_done(history.session, history.tenant.id, policy.id, True, "ada@example.com")

    [(item, _)] = [
        (i, d)
        for i, d in items.narrowed(history.session, history.tenant.id, WINDOW, {"brand": "Bolt"})
        if i.list == "policy"
    ]

    assert item.done_at is not None


def test_a_refresh_replaces_the_drafts_behind_the_entries(history: History) -> None:
    narrowing(history)
    items.refresh(history.session, history.tenant.id, WINDOW, OneTopic(), LIMITS)

    assert figures(history, WINDOW, brand="Acme")["revision"] == (3, 3, 1.0, 3)
