"""The lists refresh in a worker, never in a request; the figures' per-draft rows follow
every write (backend/learning/facts.py, migration 0018)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from backend import tasks
from backend.db import db
from backend.learning import demo, items, leads
from backend.learning.signals import Spread, draft_quality
from backend.learning.topics import DraftTopics
from backend.tenants import ensure_tenant
from tests.learning_data import WINDOW, History, seconds


def test_when_a_draft_is_inserted_after_its_outcome_then_its_review_time_follows(
    history: History,
) -> None:
    draft = history.draft("T1", team="Billing")
    history.outcome(draft, "rejected", agent="ann")
    draft.inserted_at = draft.completed_at + seconds(42)  # type: ignore[operator]
    draft.team = "Devices"
    history.session.flush()

    [devices] = draft_quality(history.session, history.tenant.id, WINDOW, by="team")

    assert (devices.key, devices.review_seconds) == ("Devices", Spread(42.0, 42.0, 42.0))


def test_when_a_newer_outcome_corrects_an_older_one_then_only_the_newest_counts(
    history: History,
) -> None:
    draft = history.draft("T1")
    first = history.outcome(draft, "edited", agent="ann", similarity=0.5)
    history.outcome(draft, "accepted", agent="bob", similarity=1.0, confirms_id=first.id)
    history.outcome(draft, None, rating="up")  # no action: the verdict stays

    [everyone] = draft_quality(history.session, history.tenant.id, WINDOW, by="agent")

    assert (everyone.key, everyone.actions["accepted"], everyone.volume) == ("bob", 1, 1)


@pytest.fixture
def lead(app: Flask, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, dict[str, str], list[int]]:
    queued: list[int] = []
    monkeypatch.setattr(tasks.refresh_insights, "delay", queued.append)
    with db.session() as session:
        tenant_id = ensure_tenant(session, app.config["DEFAULT_TENANT"]).id
        demo.seed(session, tenant_id, [], datetime.now(UTC), weeks=2, per_week=60, lists=False)
        _, token = leads.add(session, tenant_id, "Ada Lee", "ada@example.com")
    return app.test_client(), {"Authorization": f"Bearer {token}"}, queued


def test_when_lists_were_never_computed_then_the_request_queues_a_refresh_and_waits_not(
    lead: Any,
) -> None:
    client, auth, queued = lead
    body = client.get("/api/v1/insights/lists", headers=auth).get_json()
    assert (body["items"], body["age_seconds"], body["refreshing"]) == ([], None, True)
    assert len(queued) == 1

    assert tasks.refresh_insights.run(queued[0]) > 0  # what the worker does
    again = client.get("/api/v1/insights/lists", headers=auth).get_json()
    assert again["items"] and again["refreshing"] is False and again["age_seconds"] < 60
    assert tasks.refresh_insights.run(queued[0]) == -1  # a second queued refresh skips
    assert len(queued) == 1


def test_when_lists_are_stale_then_the_stored_ones_are_served_with_their_age(
    lead: Any,
) -> None:
    client, auth, queued = lead
    tasks.refresh_insights.run(1)
    with db.session() as session:
        old = datetime.now(UTC) - items.STALE - timedelta(minutes=5)
        session.execute(update(items.InsightRefresh).values(refreshed_at=old))
    body = client.get("/api/v1/insights/lists", headers=auth).get_json()
    assert body["items"] and body["refreshing"] is True and body["age_seconds"] >= 20 * 60
    assert queued == [1]


def test_when_the_lists_come_out_empty_then_they_still_count_as_computed(
    history: History,
) -> None:
    history.draft("T1")  # nothing to list
    assert items.refreshed_at(history.session, history.tenant.id) is None

    topics = DraftTopics(history.session, history.tenant.id)
    found = items.refresh(history.session, history.tenant.id, WINDOW, topics)

    assert found == 0
    assert items.refreshed_at(history.session, history.tenant.id) is not None
    assert items.fresh(history.session, history.tenant.id)  # a queued refresh skips it now
