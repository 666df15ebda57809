"""The four lists a lead works through, stored with a "done" state that survives refreshes.

- ``revision``: help-centre sections agents edit away (``edited_away_sources``), for owners;
- ``coaching``: agents and teams rejecting drafts far above the tenant's rate;
- ``policy``: gate bypasses, for the policy review;
- ``gap``: knowledge-gap clusters, the articles to write next.

``refresh`` recomputes them over a window and upserts one row per entry (keyed by list and
key); entries no longer found stay, marked not ``current``. ``set_done`` is audited. Every
text in ``details`` comes from the stored (redacted) texts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, get_args

from sqlalchemy import DateTime, ForeignKey, case, func, select, union, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend import audit
from backend.db import upsert_insert
from backend.errors import InputError, NotFound
from backend.learning import bypasses, cohorts, edited_away, gaps, members
from backend.learning.facts import DraftFacts
from backend.learning.sql import Filters, decided
from backend.learning.thresholds import Thresholds
from backend.learning.topics import DraftTopics
from backend.learning.window import Window, last
from backend.models import Base, InsightItem, in_utc, utcnow

List = Literal["revision", "coaching", "policy", "gap"]
LISTS: tuple[List, ...] = get_args(List)
STALE = timedelta(minutes=15)  # the lists endpoint queues a refresh beyond this age
REQUEUED = timedelta(minutes=1)  # a queued refresh younger lists than this skips
SPAN = "30d"  # the lists are computed over the last 30 days
DEFAULTS = Thresholds()  # the settings' defaults; callers with an app pass its settings


@dataclass(frozen=True)
class Entry:
    list: List
    key: str
    title: str
    details: dict[str, Any]
    shares: tuple[members.Share, ...]  # the drafts it was counted from (members.py)


def refresh(
    session: Session,
    tenant_id: int,
    window: Window,
    topics: gaps.Topics,
    limits: Thresholds = DEFAULTS,
) -> int:
    """Recompute every list; the number of current entries."""
    entries = [
        *_revisions(session, tenant_id, window, limits),
        *_coaching(session, tenant_id, window, limits.cohort_min_count),
        *_policy(session, tenant_id, window),
        *_gaps(session, tenant_id, window, topics),
    ]
    now = utcnow()
    stored = {
        (i.list, i.key): i
        for i in session.scalars(select(InsightItem).where(InsightItem.tenant_id == tenant_id))
    }
    session.execute(
        update(InsightItem).where(InsightItem.tenant_id == tenant_id).values(current=False)
    )
    kept: list[tuple[InsightItem, Entry]] = []
    for entry in entries:
        item = stored.get((entry.list, entry.key))
        if item is None:
            item = InsightItem(tenant_id=tenant_id, list=entry.list, key=entry.key, first_seen=now)
            session.add(item)
        item.title, item.details, item.current, item.refreshed_at = (
            entry.title,
            entry.details,
            True,
            now,
        )
        kept.append((item, entry))
    session.flush()  # new entries get their ids
    members.store(session, tenant_id, {item.id: entry.shares for item, entry in kept})
    done = upsert_insert(session)(InsightRefresh).values(tenant_id=tenant_id, refreshed_at=now)
    upsert = done.on_conflict_do_update(index_elements=["tenant_id"], set_={"refreshed_at": now})
    session.execute(upsert)  # one statement: a refresh on another worker may land first
    return len(entries)


def refresh_stale(
    session: Session,
    tenant_id: int,
    fresh_for: timedelta = REQUEUED,
    limits: Thresholds = DEFAULTS,
) -> int | None:
    """The refresh a worker runs: over the last ``SPAN``, with topics from the stored drafts;
    ``None`` (nothing done) when the lists are younger than ``fresh_for``, so the requests
    that each queued one while they were stale cost one refresh."""
    if fresh(session, tenant_id, fresh_for):
        return None
    return refresh(session, tenant_id, last(SPAN), DraftTopics(session, tenant_id), limits)


def fresh(session: Session, tenant_id: int, fresh_for: timedelta = REQUEUED) -> bool:
    """Whether the lists were refreshed less than ``fresh_for`` ago."""
    age = age_seconds(refreshed_at(session, tenant_id))
    return age is not None and age < fresh_for.total_seconds()


def tenants_to_refresh(session: Session) -> list[int]:
    """Tenants with decided drafts in the last ``SPAN`` or current entries (which a refresh
    may retire): what the scheduled refresh (PRECEDENT_INSIGHTS_REFRESH_MINUTES) queues."""
    since = last(SPAN).since
    decided = select(DraftFacts.tenant_id).where(DraftFacts.created_at >= since)
    listed = select(InsightItem.tenant_id).where(InsightItem.current.is_(True))
    return sorted(set(session.scalars(union(decided, listed))))


def age_seconds(refreshed: datetime | None) -> float | None:
    if refreshed is None:
        return None
    return round(max((datetime.now(UTC) - in_utc(refreshed)).total_seconds(), 0.0), 1)


def covered(refreshed: datetime) -> Window:
    """The window the lists refreshed at ``refreshed`` were found over."""
    return last(SPAN, now=in_utc(refreshed))


class InsightRefresh(Base):
    """When a tenant's lists were last computed, even when they came out empty."""

    __tablename__ = "insight_refreshes"
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def refreshed_at(session: Session, tenant_id: int) -> datetime | None:
    return session.scalar(
        select(InsightRefresh.refreshed_at).where(InsightRefresh.tenant_id == tenant_id)
    )


def items(session: Session, tenant_id: int, which: List | None = None) -> list[InsightItem]:
    """Current entries, open before done, each list in its own order (``details.rank``)."""
    query = select(InsightItem).where(
        InsightItem.tenant_id == tenant_id, InsightItem.current.is_(True)
    )
    if which:
        query = query.where(InsightItem.list == which)
    found = list(session.scalars(query))
    return sorted(
        found, key=lambda i: (LISTS.index(i.list), i.done_at is not None, i.details.get("rank", 0))
    )


def narrowed(
    session: Session,
    tenant_id: int,
    window: Window,
    filters: Filters,
    limits: Thresholds = DEFAULTS,
) -> list[tuple[InsightItem, dict[str, Any]]]:
    """Current entries with a draft in ``window`` matching ``filters``, each with its
    figures recounted over those drafts (``details`` as stored otherwise), in ``items``'
    order. Revision and coaching entries are judged again there (``flagged``, with the
    minimum they need): a section against the threshold, a cohort against the rejection
    rate of the drafts that match the filters other than its own dimension (filtered to
    one agent, that agent is compared with everyone, not with themself)."""
    found = items(session, tenant_id)
    examples = [i.id for i in found if i.list in ("revision", "gap")]
    tallies = members.narrowed(session, tenant_id, window, filters, examples)
    rates: dict[str, float] = {}

    def rate_without(by: str) -> float:
        if by not in rates:
            others = {k: v for k, v in filters.items() if k != by}
            rates[by] = _rejection_rate(session, tenant_id, window, others)
        return rates[by]

    return [
        (i, _recount(i.list, dict(i.details), tallies[i.id], rate_without, limits))
        for i in found
        if i.id in tallies
    ]


def _rejection_rate(session: Session, tenant_id: int, window: Window, filters: Filters) -> float:
    rows = decided(tenant_id, window, filters)
    rejected = func.sum(case((rows.c.action == "rejected", 1), else_=0))
    total, rejections = session.execute(select(func.count(), rejected)).one()
    return round(int(rejections or 0) / total, 4) if total else 0.0


def _recount(
    which: str,
    details: dict[str, Any],
    tally: members.Tally,
    rate_without: Callable[[str], float],
    limits: Thresholds,
) -> dict[str, Any]:
    if which == "revision":
        cited, edited = tally.count, tally.hits + tally.changes
        rate = round(edited / cited, 4) if cited else 0.0
        details.update(cited=cited, removed=tally.hits, changed=tally.changes, rate=rate)
        details["examples"] = [e for e in details["examples"] if e["draft_id"] in tally.draft_ids]
        least = limits.edited_away_min_cited
        details.update(flagged=cited >= least and rate >= limits.edited_away, min_count=least)
    elif which == "coaching":
        low, high = cohorts.wilson(tally.hits, tally.drafts)
        baseline, least = rate_without(details["by"]), limits.cohort_min_count
        details.update(drafts=tally.drafts, rejected=tally.hits, low=low, high=high)
        details.update(rate=round(tally.hits / tally.drafts, 4), tenant_rate=baseline)
        details.update(flagged=tally.drafts >= least and low > baseline, min_count=least)
    elif which == "gap":
        details.update(size=tally.drafts, earlier=tally.earlier, later=tally.later)
        details["trend"] = gaps.trend(tally.earlier, tally.later)
        details["examples"] = [e for e in details["examples"] if e["ticket_id"] in tally.ticket_ids]
    return details


def set_done(session: Session, tenant_id: int, item_id: int, done: bool, by: str) -> InsightItem:
    item = session.get(InsightItem, item_id)
    if item is None or item.tenant_id != tenant_id:
        raise NotFound(f"no insights item {item_id}")
    if done == (item.done_at is not None):
        raise InputError(f"item {item_id} is already {'done' if done else 'open'}")
    item.done_at, item.done_by = (utcnow(), by) if done else (None, None)
    session.flush()
    action = "insight.done" if done else "insight.reopened"
    details = {"list": item.list, "key": item.key}
    audit.record(session, tenant_id, by, action, f"insight:{item.id}", details)
    return item


def _revisions(session: Session, tenant_id: int, window: Window, limits: Thresholds) -> list[Entry]:
    found = edited_away.edited_away_sources(
        session, tenant_id, window, limits.edited_away, limits.edited_away_min_cited
    )
    return [
        Entry(
            "revision",
            f"{s.source_id}#{s.title}"[:500],
            s.title,
            {
                "rank": rank,
                "source_id": s.source_id,
                "url": s.url,
                "cited": s.cited,
                "removed": s.removed,
                "changed": s.changed,
                "rate": s.rate,
                "examples": [asdict(e) for e in s.examples],
            },
            tuple(members.Share(d, *counts) for d, counts in s.by_draft.items()),
        )
        for rank, s in enumerate(s for s in found if s.revise)
    ]


def _coaching(session: Session, tenant_id: int, window: Window, min_count: int) -> list[Entry]:
    entries: list[Entry] = []
    for by in ("agent", "team"):
        found = cohorts.rejecting_cohorts(session, tenant_id, window, by, min_count)
        for c in (c for c in found.cohorts if c.flagged):
            details = {
                "rank": len(entries),
                "by": by,
                "drafts": c.drafts,
                "rejected": c.rejected,
                "rate": c.rate,
                "low": c.low,
                "high": c.high,
                "tenant_rate": found.tenant_rate,
            }
            shares = _cohort_shares(session, tenant_id, window, by, c.key)
            title = c.key or "(unknown)"
            entries.append(Entry("coaching", f"{by}:{c.key}", title, details, shares))
    return entries


def _cohort_shares(
    session: Session, tenant_id: int, window: Window, by: cohorts.Cohort, key: str
) -> tuple[members.Share, ...]:
    """The cohort's decided drafts, a hit for each rejected one."""
    rows = decided(tenant_id, window)
    query = select(rows.c.draft_id, rows.c.action).where(rows.c[by] == key)
    return tuple(members.Share(d, hits=int(a == "rejected")) for d, a in session.execute(query))


def _policy(session: Session, tenant_id: int, window: Window) -> list[Entry]:
    return [
        Entry(
            "policy",
            f"outcome:{b.outcome_id}",
            f"Ticket {b.ticket_id}: {', '.join(b.rules) or ', '.join(b.domains) or 'gated'}",
            {
                "rank": rank,
                "draft_id": b.draft_id,
                "ticket_id": b.ticket_id,
                "agent": b.agent,
                "at": b.at.isoformat(),
                "similarity": b.similarity,
                "gate_status": b.gate_status,
                "domains": list(b.domains),
                "rules": list(b.rules),
                "review_status": b.review_status,
                "reviewer": b.reviewer,
            },
            (members.Share(b.draft_id),),
        )
        for rank, b in enumerate(bypasses.gate_bypasses(session, tenant_id, window))
    ]


def _gaps(session: Session, tenant_id: int, window: Window, topics: gaps.Topics) -> list[Entry]:
    return [
        Entry(
            "gap",
            f"gap:{c.title}"[:500],
            c.title,
            {
                "rank": rank,
                "terms": list(c.terms),
                "size": c.size,
                "earlier": c.earlier,
                "later": c.later,
                "trend": c.trend,
                "examples": [{"ticket_id": t, "text": text} for t, text in c.examples],
            },
            tuple(members.Share(t.draft_id, at=t.at) for t in c.members),
        )
        for rank, c in enumerate(gaps.knowledge_gaps(session, tenant_id, window, topics))
        if c.size >= 2  # one ticket is an anecdote, not a gap
    ]
