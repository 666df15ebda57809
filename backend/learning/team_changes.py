"""``team_changes``: where the helpdesk itself moved a ticket between teams (groups).

Escalation correctness (backend/learning/escalations.py) reads these moves before it falls
back to the teams later drafts saw. They arrive three ways:

- **sync** (``sync_escalated``, run by the insights refresh task): for the tickets escalated
  in the window, the connector's ``team_history`` (Zendesk ticket audits; the files
  connector's escalations file). At most ``SYNC_LIMIT`` tickets a run, never-read ones first,
  then the least recently read, none read in the last ``READ_AGAIN_AFTER`` (so the refreshes
  queued while the lists were stale cost one read of each ticket); a connector error on one
  ticket is logged and the run goes on (a missing setting or a rate limit, the same for
  every ticket, stops it; a ticket the helpdesk no longer has counts as read, so deleted
  tickets never crowd out the rest), each ticket's moves committed as it is read (a unit of work per
  ticket, none held open while the helpdesk answers).
- **webhook** (``record_webhook_move``): a ``group_changed`` body from a Zendesk trigger or a
  Freshdesk automation, whose API has no ticket history; the move starts from the ticket's
  last known team (its newest recorded move, else its newest draft's team).
- **demo** seed (backend/learning/demo.py).

Teams are names, as drafts record them. A move is recorded once per (tenant, source, key):
a repeated sync or webhook delivery adds nothing. ``team_history_syncs`` keeps when each
ticket's history was last read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, case, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.connectors import Connector, TeamMove
from backend.db import SessionFactory, upsert_insert
from backend.errors import ConfigError, ConnectorRateLimited, PrecedentError, TicketNotFound
from backend.learning.facts import DraftFacts
from backend.learning.sql import in_window
from backend.learning.window import Window
from backend.models import Base, Draft, Tenant, in_utc

log = logging.getLogger(__name__)
SYNC_LIMIT = 200  # tickets whose history one run reads
READ_AGAIN_AFTER = timedelta(minutes=15)  # a ticket read more recently is left for later


class TeamChange(Base):
    __tablename__ = "team_changes"
    __table_args__ = (
        Index("uq_team_changes_key", "tenant_id", "source", "key", unique=True),
        Index("ix_team_changes_ticket", "tenant_id", "ticket_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    ticket_id: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    from_team: Mapped[str] = mapped_column(String(200))  # "" when the ticket had none
    to_team: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(32))  # TeamMove.source
    key: Mapped[str] = mapped_column(String(200))  # unique within the tenant and source


SYNC_KEY = ["tenant_id", "ticket_id"]


class TeamHistorySync(Base):
    """When a ticket's history was last read from the helpdesk."""

    __tablename__ = "team_history_syncs"

    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    synced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Synced:
    """One sync run: tickets read, moves newly recorded, tickets whose read failed."""

    tickets: int
    recorded: int
    failed: tuple[str, ...]


def record(session: Session, tenant_id: int, ticket_id: str, moves: Iterable[TeamMove]) -> int:
    """Store the moves not stored yet; how many were new."""
    # in UTC: SQLite keeps the text as given, and compares times as text
    utc = [replace(m, at=in_utc(m.at)) for m in moves]
    rows = [{"tenant_id": tenant_id, "ticket_id": ticket_id, **asdict(m)} for m in utc]
    if not rows:
        return 0
    skipping = upsert_insert(session)(TeamChange).values(rows).on_conflict_do_nothing()
    # RETURNING lists the rows inserted: rowcount is not told for an ORM insert on psycopg
    return len(session.execute(skipping.returning(TeamChange.id)).all())


def last_team(
    session: Session, tenant_id: int, ticket_id: str, before: datetime | None = None
) -> str:
    """The ticket's team as last known (before ``before``, when given: a late delivery
    starts from the team of its own time): its newest recorded move, else its newest draft's."""
    moves = select(TeamChange.to_team).where(
        TeamChange.tenant_id == tenant_id, TeamChange.ticket_id == ticket_id
    )
    drafts = select(Draft.team).where(Draft.tenant_id == tenant_id, Draft.ticket_id == ticket_id)
    if before is not None:
        moves = moves.where(TeamChange.at < in_utc(before))
        drafts = drafts.where(Draft.created_at < in_utc(before))
    moved = session.scalars(
        moves.order_by(TeamChange.at.desc(), TeamChange.id.desc()).limit(1)
    ).first()
    if moved is not None:
        return moved
    drafted = session.scalars(drafts.order_by(Draft.created_at.desc()).limit(1)).first()
    return drafted or ""


def record_webhook_move(session: Session, tenant_id: int, ticket_id: str, move: TeamMove) -> bool:
    """A move a webhook reported, starting from the team the ticket was last known in before
    it (a body carries only the new group); False when this delivery was recorded before."""
    known = replace(move, from_team=last_team(session, tenant_id, ticket_id, move.at))
    return record(session, tenant_id, ticket_id, [known]) == 1


def tickets_to_sync(
    session: Session,
    tenant_id: int,
    window: Window,
    limit: int,
    again_after: timedelta = READ_AGAIN_AFTER,
) -> list[str]:
    """Tickets escalated in the window and not read lately: never read first, then the least
    recently read."""
    escalated = (
        select(DraftFacts.ticket_id)
        .where(*in_window(tenant_id, window, None), DraftFacts.action == "escalated")
        .distinct()
        .subquery()
    )
    read = TeamHistorySync
    lately = datetime.now(UTC) - again_after
    query = (
        select(escalated.c.ticket_id)
        .outerjoin(read, (read.tenant_id == tenant_id) & (read.ticket_id == escalated.c.ticket_id))
        .where(or_(read.synced_at.is_(None), read.synced_at <= lately))
        .order_by(case((read.synced_at.is_(None), 0), else_=1), read.synced_at)
        .order_by(escalated.c.ticket_id)
        .limit(limit)
    )
    return list(session.scalars(query))


def sync_escalated(
    sessions: SessionFactory,
    tenant_id: int,
    connector: Connector,
    window: Window,
    limit: int = SYNC_LIMIT,
    again_after: timedelta = READ_AGAIN_AFTER,
) -> Synced:
    """Read and record the team history of the tickets escalated in the window; each
    ticket's moves in their own unit of work, so a later failure keeps them."""
    with sessions() as session:
        slug = session.get_one(Tenant, tenant_id).slug
        tickets = tickets_to_sync(session, tenant_id, window, limit, again_after)
    recorded, failed = 0, []
    for i, ticket_id in enumerate(tickets):
        try:
            moves = connector.team_history(slug, ticket_id)
        except (ConfigError, ConnectorRateLimited) as exc:  # the same for every other ticket
            log.warning("team history of %s: stopped at ticket %s (%s)", slug, ticket_id, exc)
            failed += tickets[i:]
            break
        except TicketNotFound:  # deleted or merged: no history now or later; read, not failed
            moves = []
        except PrecedentError as exc:  # this ticket only: the next run reads it first
            log.warning("team history of %s ticket %s not read (%s)", slug, ticket_id, exc)
            failed.append(ticket_id)
            continue
        with sessions() as session:
            recorded += _store(session, tenant_id, ticket_id, moves)
    return Synced(len(tickets) - len(failed), recorded, tuple(failed))


def _store(session: Session, tenant_id: int, ticket_id: str, moves: list[TeamMove]) -> int:
    """The ticket's moves, and when its history was read (one statement: two workers that
    read the same ticket both land)."""
    added = record(session, tenant_id, ticket_id, moves)
    now = datetime.now(UTC)
    insert = upsert_insert(session)
    read = insert(TeamHistorySync).values(tenant_id=tenant_id, ticket_id=ticket_id, synced_at=now)
    session.execute(read.on_conflict_do_update(index_elements=SYNC_KEY, set_={"synced_at": now}))
    return added
