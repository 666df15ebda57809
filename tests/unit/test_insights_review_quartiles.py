"""The overview's review-time quartiles, read from the review-time index (migration 0019),
are the figures ``draft_quality`` computes with window functions, filtered or not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from backend.db import db
from backend.learning import demo, report
from backend.learning.dimensions import Dimension
from backend.learning.quality import draft_quality
from backend.learning.sql import Filters
from backend.learning.window import Window
from backend.tenants import ensure_tenant


@pytest.mark.parametrize(
    "filters",
    [{}, {"brand": "Tidewater Pro"}, {"agent": "Ana Souza"}, {"brand": "-"}],
)
def test_when_the_overview_reads_review_quartiles_then_they_match_draft_quality(
    app: Flask, filters: Filters
) -> None:
    now = datetime.now(UTC)
    window = Window(now - timedelta(weeks=3), now)
    with db.session() as session:
        tenant_id = ensure_tenant(session, "review-quartiles").id
        demo.seed(session, tenant_id, [], now, weeks=3, per_week=40, lists=False)
        found = report.overview(session, tenant_id, window, filters).overall
        expected = draft_quality(session, tenant_id, window, None, filters)
    want = expected[0].review_seconds if expected else None
    assert found.review_seconds == want
    assert (want is None) == (filters == {"brand": "-"})


@pytest.mark.parametrize(
    ("by", "filters"),
    [("agent", {}), ("team", {}), ("team", {"brand": "Tidewater Pro"}), ("brand", {})],
)
def test_when_quality_is_read_by_a_dimension_then_each_value_has_draft_qualitys_quartiles(
    app: Flask, by: Dimension, filters: Filters
) -> None:
    now = datetime.now(UTC)
    window = Window(now - timedelta(weeks=3), now)
    with db.session() as session:
        tenant_id = ensure_tenant(session, "keyed-review-quartiles").id
        demo.seed(session, tenant_id, [], now, weeks=3, per_week=40, lists=False)
        found = report.action_mix(session, tenant_id, window, by, filters, limit=100)
        expected = draft_quality(session, tenant_id, window, by, filters)
    assert len(found) > 1
    assert {q.key: q.review_seconds for q in found} == {q.key: q.review_seconds for q in expected}
