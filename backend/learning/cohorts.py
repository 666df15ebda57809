"""Rejecting cohorts: agents or teams who reject drafts at unusually high rates.

For a coaching review, not a leaderboard: a cohort is flagged only with at least
``min_count`` decided drafts and when even the low end of its Wilson score interval lies above
the tenant's own rejection rate, so a handful of rejections never singles anyone out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backend.learning.sql import Filters, decided, key_of
from backend.learning.window import Window

Cohort = Literal["agent", "team"]
Z95 = 1.959964  # two-sided 95 %


@dataclass(frozen=True)
class CohortRate:
    key: str  # the agent or team ("" when unknown)
    drafts: int
    rejected: int
    rate: float
    low: float  # Wilson score interval of the rate
    high: float
    flagged: bool  # enough drafts, and ``low`` above the tenant's rate


@dataclass(frozen=True)
class RejectingCohorts:
    tenant_rate: float
    drafts: int
    cohorts: list[CohortRate]  # flagged first, then by rate


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 1 when there are no trials)."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    scale = 1 + z * z / trials
    return round((centre - margin) / scale, 4), round((centre + margin) / scale, 4)


def rejecting_cohorts(
    session: Session,
    tenant_id: int,
    window: Window,
    by: Cohort = "agent",
    min_count: int = 20,
    filters: Filters | None = None,
) -> RejectingCohorts:
    rows = decided(tenant_id, window, filters)
    key = key_of(rows, by)
    rejected = func.sum(case((rows.c.action == "rejected", 1), else_=0))
    counts = [
        (str(k), int(n), int(r))
        for k, n, r in session.execute(select(key, func.count(), rejected).group_by(key))
    ]
    total = sum(n for _, n, _ in counts)
    tenant_rate = round(sum(r for _, _, r in counts) / total, 4) if total else 0.0
    cohorts = [_cohort(k, n, r, tenant_rate, min_count) for k, n, r in counts]
    cohorts.sort(key=lambda c: (not c.flagged, -c.rate, c.key))
    return RejectingCohorts(tenant_rate, total, cohorts)


def _cohort(key: str, drafts: int, rejected: int, tenant_rate: float, min_count: int) -> CohortRate:
    low, high = wilson(rejected, drafts)
    flagged = drafts >= min_count and low > tenant_rate
    return CohortRate(key, drafts, rejected, round(rejected / drafts, 4), low, high, flagged)
