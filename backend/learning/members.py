"""The drafts behind each insights list entry, so the page's filters narrow the lists too.

The lists are found over the tenant's whole last 30 days (``items.refresh``): aligning
sentences and clustering topics is too slow for a request. What each entry was counted from
is kept here, one row per draft with that draft's dimensions and its share of the entry's
figures, so a filtered view recounts every entry over the drafts that match in one grouped
query and hides the entries none of whose drafts match.

What a row's numbers mean depends on the list:

- ``revision``: ``count`` cited sentences of the section in this draft, ``hits`` removed,
  ``changes`` changed substantially;
- ``coaching``: one decided draft of the agent or team, ``hits`` 1 when rejected;
- ``policy``: the bypassing draft;
- ``gap``: the gap ticket's newest draft.

``at`` is the time the entry's own figures used: a gap ticket's draft when it was ready
(as the gaps are windowed), else when the draft's newest outcome with an action was
recorded (the time the other figures are windowed by), else when it was ready. ``agent``
is "" for a draft nobody acted on. Like the lists, nothing here holds a customer's personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    case,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.learning.dimensions import STORED
from backend.learning.facts import DraftFacts
from backend.learning.sql import Filters
from backend.learning.window import Window
from backend.models import Base, Draft, InsightItem

CHUNK = 500  # draft ids per IN list
DIMENSIONS = tuple(STORED)  # the dimensions drafts hold (the agent is the outcome's)


class InsightMember(Base):
    __tablename__ = "insight_members"
    __table_args__ = (Index("ix_insight_members_tenant_at", "tenant_id", "at"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("insight_items.id", ondelete="CASCADE"), primary_key=True
    )
    draft_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    agent: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200))
    ticket_type: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer)
    hits: Mapped[int] = mapped_column(Integer)
    changes: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class Share:
    """One draft's share of an entry's figures (see the module's docstring)."""

    draft_id: str
    count: int = 1
    hits: int = 0
    changes: int = 0
    at: datetime | None = field(default=None, kw_only=True)  # None: see the module's docstring


@dataclass
class Tally:
    """An entry's figures over the drafts that match a filter."""

    drafts: int = 0
    count: int = 0
    hits: int = 0
    changes: int = 0
    earlier: int = 0  # drafts in the first half of the window
    draft_ids: set[str] = field(default_factory=set)  # revision and gap entries only
    ticket_ids: set[str] = field(default_factory=set)

    @property
    def later(self) -> int:
        return self.drafts - self.earlier


def store(session: Session, tenant_id: int, shares: Mapping[int, Sequence[Share]]) -> None:
    """Replace the tenant's rows with ``shares`` (by item id), each draft's dimensions read
    now: the lists and their members always come from the same refresh."""
    session.execute(delete(InsightMember).where(InsightMember.tenant_id == tenant_id))
    wanted = sorted({s.draft_id for found in shares.values() for s in found})
    facts = _draft_facts(session, tenant_id, wanted)
    rows = [
        {"item_id": item_id, "tenant_id": tenant_id, **facts[s.draft_id], **_numbers(s)}
        | ({"at": s.at} if s.at else {})
        for item_id, found in shares.items()
        for s in found
        if s.draft_id in facts
    ]
    if rows:
        session.execute(insert(InsightMember), rows)


def narrowed(
    session: Session, tenant_id: int, window: Window, filters: Filters, ids_of: Iterable[int]
) -> dict[int, Tally]:
    """Each current entry's figures over its drafts in ``window`` with ``filters``; entries
    with none are left out. ``ids_of``: the entries whose matching draft and ticket ids are
    wanted too (revision and gap, to pick their examples)."""
    m = InsightMember
    where = [
        m.tenant_id == tenant_id,
        m.at >= window.since,
        m.at < window.until,
        *(getattr(m, name) == value for name, value in filters.items()),
    ]
    current = select(InsightItem.id).where(
        InsightItem.tenant_id == tenant_id, InsightItem.current.is_(True)
    )
    earlier = func.sum(case((m.at < window.middle, 1), else_=0))
    totals = (
        select(m.item_id, func.count(), func.sum(m.count), func.sum(m.hits), func.sum(m.changes))
        .add_columns(earlier)
        .where(*where, m.item_id.in_(current))
        .group_by(m.item_id)
    )
    found = {
        int(item_id): Tally(int(n), int(count), int(hits), int(changes), int(early))
        for item_id, n, count, hits, changes, early in session.execute(totals)
    }
    wanted = [i for i in ids_of if i in found]
    if wanted:
        for item_id, draft_id, ticket_id in session.execute(
            select(m.item_id, m.draft_id, m.ticket_id).where(*where, m.item_id.in_(wanted))
        ):
            found[int(item_id)].draft_ids.add(str(draft_id))
            found[int(item_id)].ticket_ids.add(str(ticket_id))
    return found


def _numbers(share: Share) -> dict[str, int]:
    return {"count": share.count, "hits": share.hits, "changes": share.changes}


def _draft_facts(
    session: Session, tenant_id: int, draft_ids: list[str]
) -> dict[str, dict[str, Any]]:
    """Per draft: its ticket, time and dimensions, the agent from its decided row if any."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(draft_ids), CHUNK):
        chunk = draft_ids[start : start + CHUNK]
        query = (
            select(
                Draft.id,
                Draft.ticket_id,
                func.coalesce(DraftFacts.created_at, Draft.completed_at, Draft.created_at),
                func.coalesce(DraftFacts.agent, ""),
                *(getattr(Draft, d) for d in DIMENSIONS),
                Draft.tenant_id,
            )
            .outerjoin(DraftFacts, DraftFacts.draft_id == Draft.id)
            .where(Draft.id.in_(chunk))  # by the key: a tenant condition made SQLite scan
        )
        for draft_id, ticket_id, at, agent, *dims, owner in session.execute(query):
            if owner != tenant_id:
                continue  # never another tenant's draft, whatever the ids
            found[str(draft_id)] = {
                "draft_id": draft_id,
                "ticket_id": ticket_id,
                "at": at,
                "agent": agent,
                **dict(zip(DIMENSIONS, dims, strict=True)),
            }
    return found
