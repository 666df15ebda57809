"""SQL pieces the signals share, written once for SQLite and PostgreSQL.

``decided`` is the population every draft-quality signal counts: one row per draft with the
agent's action, its newest outcome that carries one (a webhook's row confirms or corrects the
sidebar's report, so the newest is the best account), recorded inside the window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from backend.learning.dimensions import Dimension
from backend.learning.window import Window
from backend.models import Draft, Outcome


class seconds_between(FunctionElement[float]):  # noqa: N801 (an SQL function's name)
    """Seconds from the first timestamp to the second."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _sqlite_seconds(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _postgres_seconds(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


Filters = Mapping[Dimension, str]  # only drafts with these values ("" is unknown)


def decided(tenant_id: int, window: Window, filters: Filters | None = None) -> Subquery:
    """One row per draft the agent acted on in the window, with its dimensions.

    Read from the window's outcomes (index on tenant and time) and, per row, two lookups by
    draft id: whether a later outcome with an action exists, and when a reply was first sent.
    """
    later = Outcome.__table__.alias("later")
    sent = Outcome.__table__.alias("sent")
    newer = (
        select(later.c.id)
        .where(
            later.c.draft_id == Outcome.draft_id,
            later.c.action.is_not(None),
            later.c.id > Outcome.id,
        )
        .exists()
    )
    first_sent = (
        select(func.min(sent.c.sent_at)).where(sent.c.draft_id == Outcome.draft_id)
    ).scalar_subquery()
    used_at = func.coalesce(Draft.inserted_at, first_sent)
    return (
        select(
            literal_column("'all'").label("all"),  # the key when nothing is grouped by
            Outcome.id.label("outcome_id"),
            Outcome.draft_id,
            Outcome.ticket_id,
            func.coalesce(Outcome.agent, "").label("agent"),
            Outcome.action,
            Outcome.similarity,
            Outcome.edit_distance,
            Outcome.bypass,
            Outcome.created_at,
            Draft.team,
            Draft.brand,
            Draft.location,
            Draft.ticket_type,
            Draft.jurisdiction,
            seconds_between(Draft.completed_at, used_at).label("review_seconds"),
        )
        .join(Draft, Draft.id == Outcome.draft_id)
        .where(
            Outcome.tenant_id == tenant_id,
            Outcome.action.is_not(None),
            ~newer,
            Outcome.created_at >= window.since,
            Outcome.created_at < window.until,
            *_matching(filters or {}),
        )
        .subquery()
    )


def _matching(filters: Filters) -> list[ColumnElement[bool]]:
    return [
        func.coalesce(Outcome.agent, "") == value
        if name == "agent"
        else getattr(Draft, name) == value
        for name, value in filters.items()
    ]


def key_of(rows: Subquery, by: Dimension | None) -> ColumnElement[str]:
    """The grouping column: a dimension, or one group named ``all``."""
    column: ColumnElement[str] = rows.c[by or "all"]
    return column


def quantiles(
    session: Session, rows: Subquery, key: ColumnElement[str], value: str, qs: Sequence[float]
) -> dict[str, tuple[float, ...]]:
    """Per key, the ``qs`` quantiles of ``value`` by linear interpolation between the closest
    ranks (as PostgreSQL's ``percentile_cont``); ranks and the two rows around each quantile
    are picked in SQL, so only two numbers per quantile come back."""
    column = rows.c[value]
    ranked = (
        select(
            key.label("key"),
            column.label("value"),
            func.row_number().over(partition_by=key, order_by=column).label("rank"),
            func.count().over(partition_by=key).label("n"),
        )
        .where(column.is_not(None))
        .subquery()
    )
    picks: list[ColumnElement[Any]] = []
    for q in qs:
        position = (ranked.c.n - 1) * q  # 0-based; rank - 1 is the row's position
        below = and_(ranked.c.rank - 1 <= position, position < ranked.c.rank)
        above = and_(ranked.c.rank - 2 <= position, position < ranked.c.rank - 1)
        picks += [_at(ranked, below), _at(ranked, above)]
    query: Select[Any] = select(ranked.c.key, func.max(ranked.c.n), *picks).group_by(ranked.c.key)
    return {str(row[0]): _interpolate(int(row[1]), qs, row[2:]) for row in session.execute(query)}


def _at(ranked: Subquery, where: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.max(case((where, ranked.c.value)))


def _interpolate(n: int, qs: Sequence[float], picked: Sequence[Any]) -> tuple[float, ...]:
    values = []
    for i, q in enumerate(qs):
        low, high = picked[2 * i], picked[2 * i + 1]
        fraction = (n - 1) * q - int((n - 1) * q)
        low_value = float(low)
        high_value = float(high) if high is not None else low_value
        values.append(round(low_value + (high_value - low_value) * fraction, 4))
    return tuple(values)
