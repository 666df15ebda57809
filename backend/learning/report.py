"""What the insights page plots: totals, the trend by period, the similarity distribution and
the action mix by a dimension.

The drafts are counted in SQL (``decided``, from ``draft_facts``), grouped by key, period,
action and value of similarity: a few thousand rows whatever the volume, since similarity
is stored to four decimals. Every figure the page shows is read from those counts but the
review time's quartiles, a continuous value: over the whole population each quartile's two
rows are read from the review-time index (migration 0019), and per agent or team from
theirs (0020); by another dimension each draft's review time is read and sorted here.
Quartiles interpolate linearly between the closest ranks, as ``draft_quality`` computes them.
A draft's review time runs from when the sidebar first showed it (or, never shown, from when
it was ready) to the insert (or, never inserted, the first send), and is never below 0
(``backend/learning/facts.py``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Subquery, case, func, select
from sqlalchemy.orm import Session

from backend.learning.dimensions import Dimension
from backend.learning.facts import DraftFacts
from backend.learning.outcomes import ACTIONS
from backend.learning.quality import QUARTILES, Quality, Spread
from backend.learning.sql import (
    Filters,
    decided,
    in_window,
    interpolate,
    key_of,
    plain_rows,
    whole,
)
from backend.learning.window import Window

BINS = 10  # of similarity, 0.0-0.1 … 0.9-1.0
REVIEW_INDEX = "ix_draft_facts_review"  # migration 0019: all drafts, in review time order
KEY_REVIEW_INDEX: dict[str, str] = {  # migration 0020: per agent / team, in that order
    "agent": "ix_draft_facts_agent_review",
    "team": "ix_draft_facts_team_review",
}


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
    """Counted in SQL, per period and value of similarity; the figures are read from those."""
    days = period_days(window)
    rows = decided(tenant_id, window, filters)
    cells = _cells(session, rows, None, _period(rows, window, days))
    total = Cell.merged(cells.values())
    speed = _ranked_review_quartiles(session, tenant_id, window, filters, total.reviewed)
    return Overview(
        overall=total.quality("all", speed),
        bypasses=total.bypasses,
        edit_distance=total.mean_edit_distance,
        trend=_trend(cells, window, days),
        period_days=days,
        similarity_bins=_bins(total),
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
    rows = decided(tenant_id, window, filters)
    cells = _cells(session, rows, by, None)
    speed = _keyed_review_quartiles(session, tenant_id, window, filters, by, cells)
    found = [cell.quality(key, speed.get(key)) for (key, _), cell in cells.items()]
    return sorted(found, key=lambda q: (-q.volume, q.key))[:limit]


@dataclass
class Cell:
    """The drafts of one group: actions, similarity by value, edit distances, bypasses."""

    actions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    similarity: Counter[float] = field(default_factory=Counter)  # value -> drafts
    edit_distance: int = 0  # summed over the replies sent
    sent: int = 0  # replies with an edit distance
    bypasses: int = 0
    reviewed: int = 0  # drafts with a review time

    @property
    def volume(self) -> int:
        return sum(self.actions.values())

    @property
    def mean_edit_distance(self) -> float | None:
        return round(self.edit_distance / self.sent, 1) if self.sent else None

    @classmethod
    def merged(cls, cells: Iterable[Cell]) -> Cell:
        total = cls()
        for cell in cells:
            total.add(cell)
        return total

    def add(self, other: Cell) -> None:
        for action, n in other.actions.items():
            self.actions[action] = self.actions.get(action, 0) + n
        self.similarity.update(other.similarity)
        self.edit_distance += other.edit_distance
        self.sent += other.sent
        self.bypasses += other.bypasses
        self.reviewed += other.reviewed

    def quality(self, key: str, review: tuple[float, ...] | None) -> Quality:
        return Quality(
            key=key,
            volume=self.volume,
            actions=dict(self.actions),
            similarity=_spread(self.similarity),
            review_seconds=Spread(*review) if review else None,
        )


def _period(rows: Subquery, window: Window, days: int) -> ColumnElement[int]:
    since = window.since if window.since.tzinfo else window.since.replace(tzinfo=UTC)
    return whole((rows.c.at_seconds - since.timestamp()) / (days * 86400.0))


def _cells(
    session: Session, rows: Subquery, by: Dimension | None, period: ColumnElement[int] | None
) -> dict[tuple[str, int], Cell]:
    """One query: drafts per key (and period), action and value of similarity; a few
    thousand rows at most (similarity is stored to four decimals), however many drafts."""
    groups: list[ColumnElement[Any]] = [key_of(rows, by), rows.c.action, rows.c.similarity]
    if period is not None:
        groups.append(period)
    figures = (
        func.count(),
        func.coalesce(func.sum(rows.c.edit_distance), 0),
        func.count(rows.c.edit_distance),
        func.sum(case((rows.c.bypass.is_(True), 1), else_=0)),
        func.count(rows.c.review_seconds),
    )
    cells: dict[tuple[str, int], Cell] = {}
    query = select(*groups, *figures).group_by(*groups)
    for key, action, similarity, *rest in plain_rows(session, query):
        at, (n, edits, sent, bypasses, reviewed) = (
            (int(rest[0]), rest[1:]) if period is not None else (0, rest)
        )
        cell = cells.setdefault((str(key), at), Cell())
        cell.actions[str(action)] = cell.actions.get(str(action), 0) + int(n)
        if similarity is not None:
            cell.similarity[float(similarity)] += int(n)
        cell.edit_distance += int(edits)
        cell.sent += int(sent)
        cell.bypasses += int(bypasses or 0)
        cell.reviewed += int(reviewed)
    return cells


def _review_quartiles(
    session: Session, rows: Subquery, by: Dimension | None
) -> dict[str, tuple[float, ...]]:
    """Per key, the review time's quartiles: a continuous value, so each draft's is read (as
    plain driver rows: SQLAlchemy's row objects cost three times the query) and sorted here."""
    query = select(key_of(rows, by), rows.c.review_seconds).where(
        rows.c.review_seconds.is_not(None)
    )
    found: dict[str, list[float]] = {}
    for key, seconds in plain_rows(session, query):
        found.setdefault(str(key), []).append(float(seconds))
    return {key: _quartiles(np.sort(np.asarray(values))) for key, values in found.items()}


def _keyed_review_quartiles(
    session: Session,
    tenant_id: int,
    window: Window,
    filters: Filters | None,
    by: Dimension,
    cells: dict[tuple[str, int], Cell],
) -> dict[str, tuple[float, ...]]:
    """By agent or team, each value's quartiles read from its own range of an index; by
    another dimension (a handful of values, rarely asked for) each draft's, sorted here."""
    index = KEY_REVIEW_INDEX.get(by)
    if index is None:
        return _review_quartiles(session, decided(tenant_id, window, filters), by)
    found = {}
    for (key, _), cell in cells.items():
        one = {**(filters or {}), by: key}
        spread = _ranked_review_quartiles(session, tenant_id, window, one, cell.reviewed, index)
        if spread is not None:
            found[key] = spread
    return found


def _ranked_review_quartiles(
    session: Session,
    tenant_id: int,
    window: Window,
    filters: Filters | None,
    n: int,
    index: str = REVIEW_INDEX,
) -> tuple[float, ...] | None:
    """The review time's quartiles over all ``n`` drafts of ``decided`` that have one: for
    each, the two rows around its rank, walking the review-time index in order (SQLite's
    planner would rather sort the window's range of the primary key: 60 ms, not 5)."""
    if not n:
        return None
    column = DraftFacts.review_seconds
    picks: list[float | None] = []
    for q in QUARTILES:
        query = (
            select(column)
            .where(*in_window(tenant_id, window, filters), column.is_not(None))
            .order_by(column)
            .limit(2)
            .offset(int((n - 1) * q))
            .with_hint(DraftFacts.__table__, f"INDEXED BY {index}", "sqlite")
        )
        found = [float(value) for (value,) in plain_rows(session, query)]
        picks += [found[0], found[1] if len(found) > 1 else None]
    return interpolate(n, QUARTILES, picks)


def _quartiles(ordered: np.ndarray) -> tuple[float, ...]:
    n, picks = len(ordered), []
    for q in QUARTILES:
        below = int((n - 1) * q)
        picks += [ordered[below], ordered[below + 1] if below + 1 < n else None]
    return interpolate(n, QUARTILES, picks)


def _spread(values: Counter[float]) -> Spread | None:
    """Quartiles by linear interpolation between the closest ranks, as ``quantiles``."""
    n = sum(values.values())
    if not n:
        return None
    ranked = sorted(values.items())
    picks: list[float | None] = []
    for q in QUARTILES:
        below = int((n - 1) * q)  # the 0-based rank at or below the quantile
        picks += [_at_rank(ranked, below), _at_rank(ranked, below + 1)]
    return Spread(*interpolate(n, QUARTILES, picks))


def _at_rank(ranked: list[tuple[float, int]], rank: int) -> float | None:
    seen = 0
    for value, count in ranked:
        seen += count
        if rank < seen:
            return value
    return None


def _trend(cells: dict[tuple[str, int], Cell], window: Window, days: int) -> list[Period]:
    points = max(1, math.ceil((window.until - window.since) / timedelta(days=days)))
    groups = [Cell() for _ in range(points)]
    for (_, at), cell in cells.items():
        groups[min(max(at, 0), points - 1)].add(cell)
    return [_point(window.since + timedelta(days=days * i), g) for i, g in enumerate(groups)]


def _point(start: datetime, cell: Cell) -> Period:
    similarity = _spread(cell.similarity)
    return Period(
        start=start,
        volume=cell.volume,
        actions=dict(cell.actions),
        edit_distance=cell.mean_edit_distance,
        similarity=similarity.median if similarity else None,
    )


def _bins(cell: Cell) -> list[int]:
    bins = [0] * BINS
    for similarity, n in cell.similarity.items():
        bins[min(max(int(similarity * BINS), 0), BINS - 1)] += n
    return bins


__all__ = ["BINS", "Overview", "Period", "Spread", "action_mix", "overview", "period_days"]
