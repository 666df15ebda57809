"""``draft_facts``: one narrow row per draft an agent acted on, what the insights count.

The row holds the draft's newest outcome with an action (the agent, the action, similarity,
edit distance, bypass and when it was recorded), the draft's dimensions and its review time:
from when the sidebar first showed the draft (or, never shown, when it was ready) to the
insert (or, never inserted, the first send). A draft written ahead of time (a webhook's
pre-draft) waits ready until an agent opens the ticket; counting from shown leaves that wait
out. A shown report that lands after the insert (ordering, or two servers' clocks) gives 0,
never a negative time. Triggers written by migration 0018, carrying ``shown_at`` since 0023,
keep it: every outcome inserted (by the sidebar, a webhook, the demo's bulk insert or a
test) updates its draft's row in the same statement, and a change of a draft's dimensions,
``inserted_at`` or ``shown_at`` follows. Nothing here writes it; the signals only read it.

A window of a tenant's rows is one range of the primary key (tenant, time), so the signals
read a few narrow columns instead of joining every outcome to its wide draft row and
looking up later outcomes per row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.models import Base

# the window and the dimensions, after the order of the review-time indexes
FILTERS = ("created_at", "agent", "team", "brand", "location", "ticket_type", "jurisdiction")


class DraftFacts(Base):
    __tablename__ = "draft_facts"
    __table_args__ = (
        # migration 0019: exact review-time quartiles read two rows each (report.py)
        Index("ix_draft_facts_review", "tenant_id", "review_seconds", *FILTERS),
        # migration 0020: the same per agent and per team
        *(
            Index(f"ix_draft_facts_{key}_review", "tenant_id", key, "review_seconds", *others)
            for key in ("agent", "team")
            for others in [[c for c in FILTERS if c != key]]
        ),
        {"sqlite_with_rowid": False},
    )

    tenant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(32), primary_key=True, unique=True)
    at_seconds: Mapped[float] = mapped_column(Float)  # created_at, seconds since 1970
    outcome_id: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[str] = mapped_column(String(200))
    agent: Mapped[str] = mapped_column(String(200))  # "" when no credential named one
    action: Mapped[str] = mapped_column(String(16))
    similarity: Mapped[float | None] = mapped_column(Float)
    edit_distance: Mapped[int | None] = mapped_column(Integer)
    bypass: Mapped[bool] = mapped_column(Boolean)
    team: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200))
    ticket_type: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str] = mapped_column(String(16))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    inserted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # migration 0023
    # coalesce(shown_at, completed_at) -> coalesce(inserted_at, first_sent_at), at least 0;
    # null when neither inserted nor sent
    review_seconds: Mapped[float | None] = mapped_column(Float)
