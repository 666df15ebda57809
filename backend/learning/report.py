"""What the insights page plots: totals, the trend by period, the similarity distribution and
the action mix by a dimension.

Each is one query over ``decided`` (one row per draft, a few numbers each) whose rows are
counted here: the page asks for several figures over the same rows, and one pass over them
is several times faster than a query per figure. Quartiles interpolate linearly, as
``draft_quality`` computes them in SQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Integer, cast, select
from sqlalchemy.orm import Session

from backend.learning.dimensions import Dimension
from backend.learning.outcomes import ACTIONS
from backend.learning.quality import QUARTILES, Quality, Spread
from backend.learning.sql import Filters, decided, key_of, seconds_between
from backend.learning.window import Window

BINS = 10  # of similarity, 0.0-0.1 … 0.9-1.0


@dataclass(frozen=True)
class Period:
    start: datetime
    volume: int
    actions: dict[str, int]
    edit_distance: float | None  # mean, characters, of the replies sent
    similarity: float | None  # median

    @property
    def acceptance(self) -> float:
        """Sent as drafted, of the drafts acted on."""
        return round(self.actions.get("accepted", 0) / self.volume, 4) if self.volume else 0.0


@dataclass(frozen=True)
class Overview:
    overall: Quality
    bypasses: int
    edit_distance: float | None  # mean over the window
    trend: list[Period]
    period_days: int
    similarity_bins: list[int]  # drafts per tenth of similarity, lowest first


def period_days(window: Window) -> int:
    """A day per point up to three weeks, a week per point beyond."""
    return 1 if window.until - window.since <= timedelta(days=21) else 7


def overview(
    session: Session, tenant_id: int, window: Window, filters: Filters | None = None
) -> Overview:
    """One pass over the window's decided drafts; figures computed from the rows fetched."""
    days = period_days(window)
    found = _fetch(session, tenant_id, window, filters, None, days)
    sent = [r.edit_distance for r in found if r.edit_distance is not None]
    return Overview(
        overall=_quality("all", found),
        bypasses=sum(1 for r in found if r.bypass),
        edit_distance=round(float(np.mean(sent)), 1) if sent else None,
        trend=_trend(found, window, days),
        period_days=days,
        similarity_bins=_bins(found),
    )


def action_mix(
    session: Session,
    tenant_id: int,
    window: Window,
    by: Dimension,
    filters: Filters | None = None,
    limit: int = 12,
) -> list[Quality]:
    """The ``limit`` largest values of ``by``, as ``draft_quality`` counts them."""
    groups: dict[str, list[Row]] = {}
    for row in _fetch(session, tenant_id, window, filters, by, period_days(window)):
        groups.setdefault(row.key, []).append(row)
    found = [_quality(key, rows) for key, rows in groups.items()]
    return sorted(found, key=lambda q: (-q.volume, q.key))[:limit]


@dataclass(frozen=True)
class Row:
    key: str
    period: int
    action: str
    similarity: float | None
    edit_distance: int | None
    bypass: bool
    review_seconds: float | None


def _fetch(
    session: Session,
    tenant_id: int,
    window: Window,
    filters: Filters | None,
    by: Dimension | None,
    days: int,
) -> list[Row]:
    rows = decided(tenant_id, window, filters)
    period = cast(seconds_between(window.since, rows.c.created_at) / (days * 86400.0), Integer)
    query = select(
        key_of(rows, by),
        period,
        rows.c.action,
        rows.c.similarity,
        rows.c.edit_distance,
        rows.c.bypass,
        rows.c.review_seconds,
    )
    return [
        Row(str(k), int(p), str(a), s, d, bool(b), r)
        for k, p, a, s, d, b, r in session.execute(query)
    ]


def _quality(key: str, rows: list[Row]) -> Quality:
    actions = dict.fromkeys(ACTIONS, 0)
    for row in rows:
        actions[row.action] = actions.get(row.action, 0) + 1
    return Quality(
        key=key,
        volume=len(rows),
        actions=actions,
        similarity=_spread([r.similarity for r in rows if r.similarity is not None]),
        review_seconds=_spread([r.review_seconds for r in rows if r.review_seconds is not None]),
    )


def _spread(values: list[float]) -> Spread | None:
    """Quartiles by linear interpolation, as ``percentile_cont`` and ``quantiles`` give them."""
    if not values:
        return None
    q1, median, q3 = (round(float(v), 4) for v in np.quantile(values, QUARTILES))
    return Spread(q1, median, q3)


def _trend(rows: list[Row], window: Window, days: int) -> list[Period]:
    points = max(1, math.ceil((window.until - window.since) / timedelta(days=days)))
    groups: list[list[Row]] = [[] for _ in range(points)]
    for row in rows:
        groups[min(max(row.period, 0), points - 1)].append(row)
    return [_period(window.since + timedelta(days=days * i), g) for i, g in enumerate(groups)]


def _period(start: datetime, rows: list[Row]) -> Period:
    quality = _quality("", rows)
    sent = [r.edit_distance for r in rows if r.edit_distance is not None]
    return Period(
        start=start,
        volume=quality.volume,
        actions=quality.actions,
        edit_distance=round(float(np.mean(sent)), 1) if sent else None,
        similarity=quality.similarity.median if quality.similarity else None,
    )


def _bins(rows: list[Row]) -> list[int]:
    bins = [0] * BINS
    for row in rows:
        if row.similarity is not None:
            bins[min(max(int(row.similarity * BINS), 0), BINS - 1)] += 1
    return bins


__all__ = ["BINS", "Overview", "Period", "Spread", "action_mix", "overview", "period_days"]
