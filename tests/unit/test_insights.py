"""The lead's insights: token, API, lists with a done state, exports, the demo history."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from backend.db import db
from backend.learning import demo, export, items, leads, report
from backend.learning.facts import DraftFacts
from backend.learning.quality import draft_quality
from backend.learning.topics import DraftTopics
from backend.learning.window import Window, last
from backend.models import AuditEvent, Draft, Outcome
from backend.tenants import ensure_tenant

SECTIONS = [
    demo.Section("billing/cancel-plus-and-refunds.md", "Cancel Plus › Refunds", "https://h/1"),
    demo.Section("billing/invoices.md", "Invoices › VAT", "https://h/2"),
    demo.Section("orders/returns.md", "Returns › Labels", "https://h/3"),
    demo.Section("account/two-factor.md", "Two-factor › Codes", "https://h/4"),
]


@pytest.fixture
def lead(app: Flask) -> tuple[FlaskClient, dict[str, str], int]:
    with db.session() as session:
        tenant_id = ensure_tenant(session, app.config["DEFAULT_TENANT"]).id
        demo.seed(session, tenant_id, SECTIONS, datetime.now(UTC), weeks=4, per_week=90)
        _, token = leads.add(session, tenant_id, "Ada Lee", "ada@example.com")
        session.commit()
    return app.test_client(), {"Authorization": f"Bearer {token}"}, tenant_id


def audited(action: str) -> list[AuditEvent]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_when_no_token_or_a_revoked_one_then_401(lead: Any) -> None:
    client, auth, tenant_id = lead
    assert client.get("/api/v1/insights/overview").status_code == 401
    with db.session() as session:
        leads.revoke(session, leads.find(session, tenant_id, "ADA@example.com"))
        session.commit()
    refused = client.get("/api/v1/insights/overview", headers=auth)
    assert refused.status_code == 401
    assert "revoked" in refused.get_json()["error"]["message"]
    assert [e.subject for e in audited("lead.token_revoked")]


def test_when_the_overview_is_read_then_it_counts_what_draft_quality_counts(lead: Any) -> None:
    client, auth, tenant_id = lead
    body = client.get("/api/v1/insights/overview?since=4w", headers=auth).get_json()
    with db.session() as session:
        [expected] = draft_quality(session, tenant_id, last("4w"))
    assert body["totals"]["volume"] == expected.volume == sum(p["volume"] for p in body["trend"])
    assert body["totals"]["actions"] == expected.actions
    assert body["totals"]["similarity"]["median"] == expected.similarity.median  # type: ignore[union-attr]
    assert body["window"]["period_days"] == 7 and len(body["trend"]) == 4
    assert sum(body["similarity_bins"]) == expected.actions["accepted"] + expected.actions["edited"]


def test_when_filtered_by_brand_then_only_that_brand_counts(lead: Any) -> None:
    client, auth, _ = lead
    every = client.get("/api/v1/insights/quality?by=brand&since=4w", headers=auth).get_json()
    one = client.get(
        "/api/v1/insights/overview?since=4w&brand=Tidewater%20Pro", headers=auth
    ).get_json()
    [pro] = [r for r in every["rows"] if r["key"] == "Tidewater Pro"]
    assert one["totals"]["volume"] == pro["volume"] and one["window"]["filters"] == {
        "brand": "Tidewater Pro"
    }


def test_when_a_filter_is_not_understood_then_400_names_it(lead: Any) -> None:
    client, auth, _ = lead
    bad = client.get("/api/v1/insights/quality?by=colour", headers=auth).get_json()
    assert bad["error"]["message"].startswith("unknown dimension 'colour'")
    late = client.get("/api/v1/insights/overview?from=2026-03-02&to=2026-03-01", headers=auth)
    assert late.status_code == 400


def test_when_lists_are_read_then_each_story_is_on_its_list(lead: Any) -> None:
    client, auth, _ = lead
    body = client.get("/api/v1/insights/lists", headers=auth).get_json()
    by_list: dict[str, list[dict[str, Any]]] = {}
    for item in body["items"]:
        by_list.setdefault(item["list"], []).append(item)
    assert by_list["revision"][0]["title"] == "Cancel Plus › Refunds"
    assert "agent:Sam Ortiz" in [i["key"] for i in by_list["coaching"]]
    assert by_list["gap"] and by_list.get("policy"), {k: len(v) for k, v in by_list.items()}
    assert not any(i["done"] for i in body["items"])


def test_when_an_item_is_marked_done_then_it_stays_done_after_a_refresh_and_is_audited(
    lead: Any,
) -> None:
    client, auth, tenant_id = lead
    [first, *_] = client.get("/api/v1/insights/lists", headers=auth).get_json()["items"]
    url = f"/api/v1/insights/items/{first['id']}/done"
    marked = client.post(url, json={"done": True}, headers=auth).get_json()
    assert (marked["done"], marked["done_by"]) == (True, "ada@example.com")
    assert client.post(url, json={"done": True}, headers=auth).status_code == 400
    with db.session() as session:
        items.refresh(session, tenant_id, last("30d"), DraftTopics(session, tenant_id))
        session.commit()
    again = client.get("/api/v1/insights/lists", headers=auth).get_json()["items"]
    assert [i["done"] for i in again if i["id"] == first["id"]] == [True]
    assert [e.details["key"] for e in audited("insight.done")] == [first["key"]]


def test_when_drilling_down_then_drafts_and_their_stored_texts_come_back(lead: Any) -> None:
    client, auth, _ = lead
    rejected = client.get(
        "/api/v1/insights/drafts?since=4w&action=rejected&agent=Sam%20Ortiz", headers=auth
    ).get_json()
    assert rejected["total"] >= len(rejected["drafts"]) > 0
    assert {d["action"] for d in rejected["drafts"]} == {"rejected"}
    one = rejected["drafts"][0]["id"]
    detail = client.get(f"/api/v1/insights/drafts/{one}", headers=auth).get_json()
    assert "<PERSON_1>" in detail["draft_text"] and detail["citations"]
    assert client.get("/api/v1/insights/drafts/nope", headers=auth).status_code == 404


def test_when_exported_then_each_format_is_served_and_audited(lead: Any) -> None:
    client, auth, _ = lead
    table = client.get("/api/v1/insights/export.csv?by=team&since=4w", headers=auth)
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert table.mimetype == "text/csv" and {r["team"] for r in rows} == {"Billing", "Devices"}
    retro = client.get("/api/v1/insights/report.md", headers=auth).get_data(as_text=True)
    assert retro.startswith("# Weekly retro") and "## Knowledge gaps" in retro
    data = client.get("/api/v1/insights/export.json", headers=auth).get_json()
    assert set(data) == {"overview", "quality", "lists"}
    assert [e.details["format"] for e in audited("insights.exported")] == ["csv", "md", "json"]


def test_when_exported_without_names_then_no_agent_is_named(app: Flask, lead: Any) -> None:
    _, _, tenant_id = lead
    with db.session() as session:
        items.refresh(session, tenant_id, last("30d"), DraftTopics(session, tenant_id))
        data = export.snapshot(session, tenant_id, last("4w"), "agent", None, names=False)
    text = export.as_markdown(data) + export.as_csv(data)
    assert not [a.name for a in demo.AGENTS if a.name in text]
    coached = [i["title"] for i in data["lists"]["items"] if i["list"] == "coaching"]
    sam = [r["key"] for r in data["quality"]["rows"] if r["rates"]["rejected"] > 0.3]
    assert sam and sam[0] in coached  # the same pseudonym in the table and the list


def test_when_the_demo_is_seeded_twice_with_one_seed_then_the_figures_are_equal(
    app: Flask,
) -> None:
    now = datetime(2026, 3, 31, tzinfo=UTC)
    window = Window(now - timedelta(weeks=4), now)
    figures = []
    for slug in ("one", "two"):
        with db.session() as session:
            tenant_id = ensure_tenant(session, slug).id
            assert not demo.has_outcomes(session, tenant_id)
            demo.seed(session, tenant_id, SECTIONS, now, weeks=4, per_week=30)
            assert demo.has_outcomes(session, tenant_id)
            found = report.overview(session, tenant_id, window)
            figures.append((found.overall, found.similarity_bins, found.bypasses))
    assert figures[0] == figures[1]


def test_when_the_demo_drafts_ahead_then_review_time_counts_from_when_the_agent_saw_it(
    app: Flask,
) -> None:
    with db.session() as session:
        tenant_id = ensure_tenant(session, "demo-shown").id
        demo.seed(session, tenant_id, SECTIONS, datetime.now(UTC), weeks=2, per_week=60)
        drafts = session.scalars(select(Draft).where(Draft.tenant_id == tenant_id)).all()
        ahead = {d.id: d for d in drafts if d.shown_at - d.completed_at > timedelta(minutes=5)}
        review = dict(
            session.execute(
                select(DraftFacts.draft_id, DraftFacts.review_seconds).where(
                    DraftFacts.draft_id.in_(ahead)
                )
            ).all()
        )
    assert 0.2 < len(ahead) / len(drafts) < 0.4  # PREDRAFTED of them, made from a webhook
    assert review and review.keys() <= ahead.keys()
    for draft_id, seconds in review.items():
        d = ahead[draft_id]
        expected = max((d.inserted_at - d.shown_at).total_seconds(), 0)
        assert seconds == pytest.approx(expected, abs=0.01)  # SQLite: julianday arithmetic


def test_when_the_demo_writes_texts_then_customers_appear_only_as_placeholders(
    app: Flask,
) -> None:
    with db.session() as session:
        tenant_id = ensure_tenant(session, "demo-texts").id
        demo.seed(session, tenant_id, SECTIONS, datetime.now(UTC), weeks=2, per_week=20)
        sent = [t for t in session.scalars(select(Outcome.sent_text)) if t]
    assert sent and all("<PERSON_1>" in t for t in sent if t.startswith(("Hi", "Thanks")))
