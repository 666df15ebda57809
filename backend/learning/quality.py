"""Draft quality by any dimension: action mix, similarity spread, volume, review speed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backend.learning.dimensions import Dimension
from backend.learning.outcomes import ACTIONS
from backend.learning.sql import Filters, decided, key_of, quantiles
from backend.learning.window import Window

QUARTILES = (0.25, 0.5, 0.75)


@dataclass(frozen=True)
class Spread:
    """Lower quartile, median and upper quartile."""

    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class Quality:
    key: str  # the dimension's value ("" when unknown), or "all"
    volume: int  # drafts the agents acted on
    actions: dict[str, int]  # accepted, edited, rejected, escalated -> drafts
    similarity: Spread | None  # of the sent reply to the draft; None when nothing was sent
    # shown (or, never shown, ready) -> inserted (or, never inserted, sent); 0 at least
    review_seconds: Spread | None

    def rate(self, action: str) -> float:
        return round(self.actions.get(action, 0) / self.volume, 4) if self.volume else 0.0


def draft_quality(
    session: Session,
    tenant_id: int,
    window: Window,
    by: Dimension | None = None,
    filters: Filters | None = None,
) -> list[Quality]:
    """One row per value of ``by`` (one row, ``all``, without it), largest volume first."""
    rows = decided(tenant_id, window, filters)
    key = key_of(rows, by)
    counts = [func.sum(case((rows.c.action == a, 1), else_=0)) for a in ACTIONS]
    query = select(key.label("key"), func.count(), *counts).group_by(key)
    similarity = quantiles(session, rows, key, "similarity", QUARTILES)
    speed = quantiles(session, rows, key, "review_seconds", QUARTILES)
    found = [
        Quality(
            key=str(row[0]),
            volume=int(row[1]),
            actions=dict(zip(ACTIONS, (int(n) for n in row[2:]), strict=True)),
            similarity=_spread(similarity.get(str(row[0]))),
            review_seconds=_spread(speed.get(str(row[0]))),
        )
        for row in session.execute(query)
    ]
    return sorted(found, key=lambda q: (-q.volume, q.key))


def _spread(values: tuple[float, ...] | None) -> Spread | None:
    return Spread(*values) if values else None
