"""SQL pieces the signals share, written once for SQLite and PostgreSQL.

``decided`` is the population every draft-quality signal counts: one row per draft with the
agent's action, its newest outcome that carries one (a webhook's row confirms or corrects the
sidebar's report, so the newest is the best account), recorded inside the window. The rows
are kept in ``draft_facts`` as outcomes are written (backend/learning/facts.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
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
from backend.learning.facts import DraftFacts
from backend.learning.window import Window


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


class whole(FunctionElement[int]):  # noqa: N801 (an SQL function's name)
    """The whole part of a non-negative number (PostgreSQL's CAST rounds; this truncates)."""

    type = Integer()
    name = "whole"
    inherit_cache = True


@compiles(whole, "sqlite")
def _sqlite_whole(element: whole, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


@compiles(whole, "postgresql")
def _postgres_whole(element: whole, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"


Filters = Mapping[Dimension, str]  # only drafts with these values ("" is unknown)


def decided(tenant_id: int, window: Window, filters: Filters | None = None) -> Subquery:
    """One row per draft the agent acted on in the window, with its dimensions.

    Read from ``draft_facts`` (backend/learning/facts.py): its primary key starts with the
    tenant and the time of the draft's newest outcome with an action, so a window is one
    range of narrow rows.
    """
    f = DraftFacts
    return (
        select(
            literal_column("'all'").label("all"),  # the key when nothing is grouped by
            f.outcome_id,
            f.draft_id,
            f.ticket_id,
            f.agent,
            f.action,
            f.similarity,
            f.edit_distance,
            f.bypass,
            f.created_at,
            f.at_seconds,
            f.team,
            f.brand,
            f.location,
            f.ticket_type,
            f.jurisdiction,
            f.review_seconds,
        )
        .where(*in_window(tenant_id, window, filters))
        .subquery()
    )


def in_window(tenant_id: int, window: Window, filters: Filters | None) -> list[ColumnElement[bool]]:
    """``draft_facts`` rows of ``decided``: the tenant's, in the window, with these values."""
    f = DraftFacts
    return [
        f.tenant_id == tenant_id,
        f.created_at >= window.since,
        f.created_at < window.until,
        *matching(filters or {}),
    ]


def matching(filters: Filters) -> list[ColumnElement[bool]]:
    """``draft_facts`` rows with these dimension values."""
    return [getattr(DraftFacts, name) == value for name, value in filters.items()]


def plain_rows(session: Session, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The driver's own rows, for many rows of numbers and strings that need no conversion
    (no dates): SQLAlchemy binds the parameters, but its row objects are not built."""
    result = session.connection().execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


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
    return {str(row[0]): interpolate(int(row[1]), qs, row[2:]) for row in session.execute(query)}


def _at(ranked: Subquery, where: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.max(case((where, ranked.c.value)))


def interpolate(n: int, qs: Sequence[float], picked: Sequence[Any]) -> tuple[float, ...]:
    """The ``qs`` quantiles of ``n`` values from the two values picked around each."""
    values = []
    for i, q in enumerate(qs):
        low, high = picked[2 * i], picked[2 * i + 1]
        fraction = (n - 1) * q - int((n - 1) * q)
        low_value = float(low)
        high_value = float(high) if high is not None else low_value
        values.append(round(low_value + (high_value - low_value) * fraction, 4))
    return tuple(values)
