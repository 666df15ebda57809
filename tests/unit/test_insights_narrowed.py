"""Filters narrow the four lists: each entry recounted over its drafts that match, on SQLite
(tests/integration/test_postgres_lists.py runs the same on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from backend.db import db
from backend.learning import demo, export, items, leads, members
from backend.learning.gaps import Topic
from backend.learning.members import InsightMember, Share
from backend.learning.sql import Filters
from backend.learning.thresholds import Thresholds
from backend.learning.window import Window
from backend.models import InsightItem
from backend.tenants import ensure_tenant
from tests.learning_data import DAY, NOW, WINDOW, History, lists_history

LIMITS = Thresholds(edited_away=0.3, edited_away_min_cited=5, cohort_min_count=20)


class OneTopic:
    """Every ticket asks the same question."""

    def __call__(self, ticket_ids: Sequence[str]) -> dict[str, Topic]:
        return {t: Topic(f"Setting up the hub {t}", (1.0, 0.0)) for t in ticket_ids}


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


def test_filtered_to_one_agent_that_agent_is_compared_with_everyone(history: History) -> None:
    narrowing(history)
    carl: Filters = {"agent": "carl"}

    [(item, d)] = items.narrowed(history.session, history.tenant.id, WINDOW, carl, LIMITS)

    assert (item.list, d["drafts"], d["tenant_rate"], d["flagged"]) == (
        "coaching",
        20,
        0.2826,
        True,
    )


def test_narrowed_sections_are_judged_again_against_the_threshold(history: History) -> None:
    narrowing(history)

    def revision(brand: str) -> tuple[object, ...]:
        found = items.narrowed(history.session, history.tenant.id, WINDOW, {"brand": brand}, LIMITS)
        [d] = [d for i, d in found if i.list == "revision"]
        return d["cited"], d["rate"], d["flagged"], d["min_count"]

    assert revision("Acme") == (3, 1.0, False, 5)  # too few cited sentences there
    assert revision("Bolt") == (2, 0.0, False, 5)


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


@pytest.fixture
def lead(app: Flask) -> tuple[Any, dict[str, str]]:
    with db.session() as session:
        tenant_id = ensure_tenant(session, app.config["DEFAULT_TENANT"]).id
        demo.seed(session, tenant_id, [], datetime.now(UTC), weeks=4, per_week=120)
        _, token = leads.add(session, tenant_id, "Ada Lee", "ada@example.com")
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def test_the_lists_api_narrows_by_brand_and_the_brands_add_up_to_the_whole(lead: Any) -> None:
    client, auth = lead

    def revisions(query: str) -> dict[str, tuple[int, int]]:
        body = client.get("/api/v1/insights/lists?since=30d" + query, headers=auth).get_json()
        found = [i for i in body["items"] if i["list"] == "revision"]
        return {i["key"]: (i["details"]["cited"], i["details"]["removed"]) for i in found}

    whole = revisions("")
    brands = [revisions("&brand=Tidewater"), revisions("&brand=Tidewater+Pro")]

    assert whole, "the demo has sections to revise"
    for key, (cited, removed) in whole.items():
        parts = [b.get(key, (0, 0)) for b in brands]
        assert (sum(p[0] for p in parts), sum(p[1] for p in parts)) == (cited, removed)
        assert all(p[0] < cited for p in parts)  # each brand has only some of the drafts


def test_the_lists_api_says_what_it_narrowed_to_and_refuses_a_bad_window(lead: Any) -> None:
    client, auth = lead

    body = client.get("/api/v1/insights/lists?brand=Tidewater", headers=auth).get_json()
    whole = client.get("/api/v1/insights/lists", headers=auth).get_json()
    bad = client.get("/api/v1/insights/lists?from=2026-13-01", headers=auth)

    unknown = client.get("/api/v1/insights/lists?location=", headers=auth).get_json()
    assert body["narrowed"]["filters"] == {"brand": "Tidewater"}
    assert unknown["narrowed"]["filters"] == {"location": ""}  # drafts with no location
    since, until = (datetime.fromisoformat(whole["covers"][k]) for k in ("since", "until"))
    assert (whole["narrowed"], until - since) == (None, timedelta(days=30))
    assert bad.status_code == 400
    assert "'from' must be a date such as 2026-03-31" in bad.get_json()["error"]["message"]


def test_a_draft_of_another_tenant_never_becomes_a_member(history: History) -> None:
    other = History(history.session, "globex")
    theirs = other.draft("T1", brand="Acme")
    mine = history.draft("T1", brand="Acme")
    item = InsightItem(tenant_id=history.tenant.id, list="policy", key="k", title="t")
    history.session.add(item)
    history.session.flush()

    members.store(history.session, history.tenant.id, {item.id: [Share(theirs.id), Share(mine.id)]})

    stored = history.session.scalars(select(InsightMember.draft_id)).all()
    assert stored == [mine.id]


def test_the_report_of_one_brand_says_why_a_cohort_does_not_count_there(
    history: History,
) -> None:
    narrowing(history)
    session, tenant_id = history.session, history.tenant.id
    week = Window(NOW - timedelta(days=7), NOW)

    acme = export.as_markdown(
        export.snapshot(session, tenant_id, WINDOW, "agent", {"brand": "Acme"}, limits=LIMITS)
    )
    tighter = Thresholds(edited_away=0.3, edited_away_min_cited=5, cohort_min_count=25)
    few = export.as_markdown(export.snapshot(session, tenant_id, week, "agent", {}, limits=tighter))

    assert "carl: 12/20 rejected against 52% (not above the rate in this period)" in acme
    assert (
        "Wi-Fi › Restart: 100% of 3 cited sentences edited away (too few cited sentences in"
        " this period to judge: 5 needed)" in acme
    )
    assert (
        "carl: 12/20 rejected against 28% (too few drafts in this period to judge: 25 needed)"
        in few
    )
    bolt = export.snapshot(session, tenant_id, WINDOW, "agent", {"brand": "Bolt"}, limits=LIMITS)
    assert ": 1 ticket, rising" in export.as_markdown(bolt)


def test_a_gap_keeps_the_trend_it_was_found_with_when_its_ticket_was_answered_later(
    history: History,
) -> None:
    late = history.draft("H1", ago=20 * DAY, text="Restart the hub.")
    history.outcome(late, "edited", similarity=0.2, created_at=NOW - 8 * DAY)  # heavy edit
    history.draft("H2", ago=3 * DAY, flags=["knowledge_gap"])
    items.refresh(history.session, history.tenant.id, WINDOW, OneTopic(), LIMITS)

    [(gap, d)] = items.narrowed(history.session, history.tenant.id, WINDOW, {}, LIMITS)

    assert (gap.details["earlier"], gap.details["later"]) == (1, 1)  # by when it was ready
    assert (d["earlier"], d["later"], d["trend"]) == (1, 1, "steady")
