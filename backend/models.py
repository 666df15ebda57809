"""Tables. Every row that holds helpdesk data carries its tenant."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def in_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; one without a zone is UTC already (SQLite keeps none), never local."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Tenant(Base):
    """One helpdesk account."""

    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # bumped when the tenant's documentation in the index changes: part of a draft's version
    knowledge_revision: Mapped[int] = mapped_column(Integer, default=0)


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (
        Index("ix_drafts_tenant_completed", "tenant_id", "completed_at"),
        Index("ix_drafts_tenant_ticket", "tenant_id", "ticket_id"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    ticket_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    text: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    provider: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(200))
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # clear | review_required | approved | rejected; see backend/review/
    gate_status: Mapped[str] = mapped_column(String(20), default="clear")
    gate: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inserted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # when the sidebar first showed the ready draft to an agent (the first report wins);
    # review speed counts from here (backend/learning/facts.py)
    shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # organisation, plan and prior tickets shown to the agent; None when the connector has none
    customer_context: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # requested by a helpdesk webhook and not yet handed to the sidebar (backend/learning)
    awaiting_pickup: Mapped[bool] = mapped_column(Boolean, default=False)
    # the text so far while a model streams it; None once finished. This and ``text`` hold the
    # ticket's placeholders, restored on read (backend/redaction/at_rest.py)
    partial_text: Mapped[str | None] = mapped_column(Text)
    # how the ticket is sliced in the insights (backend/types.py Dimensions); "" when unknown
    team: Mapped[str] = mapped_column(String(200), default="")
    brand: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    ticket_type: Mapped[str] = mapped_column(String(200), default="")
    jurisdiction: Mapped[str] = mapped_column(String(16), default="")
    # what the draft answers: ticket content + policies + knowledge (backend/drafts/version.py)
    version: Mapped[str | None] = mapped_column(String(64))
    # the ticket's subject with its placeholders, for the review queue; restored on read
    subject: Mapped[str | None] = mapped_column(Text)
    citations: Mapped[list[Citation]] = relationship(
        back_populates="draft", order_by="Citation.marker", cascade="all, delete-orphan"
    )
    tenant: Mapped[Tenant] = relationship()


class Citation(Base):
    __tablename__ = "citations"
    __table_args__ = (UniqueConstraint("draft_id", "marker"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), index=True)
    marker: Mapped[int] = mapped_column(Integer)
    source_kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    snippet: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    draft: Mapped[Draft] = relationship(back_populates="citations")


class AuditEvent(Base):
    """Append-only; each tenant's events form a keyed hash chain (see backend/audit)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # 1: plain SHA-256 (events written before the chain was keyed); 2: HMAC with the audit key
    hash_version: Mapped[int] = mapped_column(Integer, default=2)
    seq: Mapped[int | None] = mapped_column(Integer)  # position in the chain; None before v2


class Reviewer(Base):
    """A credentialed reviewer (lawyer, clinician, adviser, licensed agent) of one tenant."""

    __tablename__ = "reviewers"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the token expires REVIEWER_TOKEN_DAYS after this; None: issued before expiry existed
    token_issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    credentials: Mapped[list[Credential]] = relationship(
        back_populates="reviewer", order_by="Credential.id", cascade="all, delete-orphan"
    )


class Credential(Base):
    """A licence to review one domain in some jurisdictions, until it expires."""

    __tablename__ = "credentials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewers.id"), index=True)
    domain: Mapped[str] = mapped_column(String(32))
    jurisdictions: Mapped[list[str]] = mapped_column(JSON, default=list)
    licence_id: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[Reviewer] = relationship(back_populates="credentials")


class ReviewItem(Base):
    """A gated draft waiting for (or decided by) a credentialed reviewer."""

    __tablename__ = "review_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), unique=True)
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    jurisdiction: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("reviewers.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # when its reviewers were told (notice or digest): backend/notify/service.py
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # status "superseded": the ticket's newer draft that replaced this one (review/supersede.py)
    superseded_by: Mapped[str | None] = mapped_column(String(32))
    draft: Mapped[Draft] = relationship()
    reviewer: Mapped[Reviewer | None] = relationship()

    @property
    def urgent(self) -> bool:
        """A safety item (someone may be in danger): first in every queue, see backend/safety."""
        return "safety" in (self.domains or [])


class Lead(Base):
    """A team lead: reads the insights page (agent names included) with a personal token."""

    __tablename__ = "leads"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InsightItem(Base):
    """One entry of an insights list (revision, coaching, policy, gap) and its done state.

    Refreshed from the signals (backend/learning/items.py); ``done_at`` is set by a lead and
    survives refreshes.
    """

    __tablename__ = "insight_items"
    __table_args__ = (UniqueConstraint("tenant_id", "list", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    list: Mapped[str] = mapped_column(String(16))  # revision | coaching | policy | gap
    key: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    current: Mapped[bool] = mapped_column(Boolean, default=True)  # in the latest refresh
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[str | None] = mapped_column(String(200))


class RedactionVault(Base):
    """A ticket's placeholder mapping, encrypted (see backend/redaction/store.py)."""

    __tablename__ = "redaction_vaults"
    __table_args__ = (UniqueConstraint("tenant_id", "ticket_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    ticket_id: Mapped[str] = mapped_column(String(200))
    ciphertext: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class HelpdeskConnection(Base):
    """A tenant's helpdesk: platform and host in clear (to route calls), the rest encrypted.

    See backend/connectors/settings.py; credentials and secrets live only in ``ciphertext``.
    """

    __tablename__ = "helpdesk_connections"
    __table_args__ = (UniqueConstraint("platform", "host"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    host: Mapped[str] = mapped_column(String(255))
    ciphertext: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # HMAC of a Freshdesk installation secret under the settings key: finds the tenant of an
    # app request without decrypting every account; useless without the key.
    app_secret_digest: Mapped[str | None] = mapped_column(String(64), index=True, default=None)


class Outcome(Base):
    """What the agent did with a draft: the sent reply, the action, the edit distance.

    Append-only: a helpdesk webhook for the same reply adds a row that confirms or corrects
    an earlier sidebar report (``confirms_id``); rows are never updated. See
    backend/learning/outcomes.py.
    """

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("tenant_id", "comment_id"),
        Index("ix_outcomes_tenant_created", "tenant_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), index=True)
    ticket_id: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16))  # sidebar | webhook
    agent: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str | None] = mapped_column(String(16))  # accepted|edited|rejected|escalated
    rating: Mapped[str | None] = mapped_column(String(8))  # up | down
    reason: Mapped[str | None] = mapped_column(String(16))  # why down: learning/outcomes.py
    sent_type: Mapped[str | None] = mapped_column(String(16))  # public | internal
    sent_text: Mapped[str | None] = mapped_column(Text)
    comment_id: Mapped[str | None] = mapped_column(String(64))  # the helpdesk's comment id
    edit_distance: Mapped[int | None] = mapped_column(Integer)  # Levenshtein, characters
    similarity: Mapped[float | None] = mapped_column(Float)  # 1 - distance / longer length
    gate_status: Mapped[str] = mapped_column(String(20))  # the draft's, when this was recorded
    bypass: Mapped[bool] = mapped_column(Boolean, default=False)
    confirms_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id"))
    confirmation: Mapped[str | None] = mapped_column(String(16))  # confirmed | corrected
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Escalation(Base):
    """The agent handed a draft's ticket on: a note, a group and tags in the helpdesk, and
    the people told (backend/escalation). One per draft; each step is recorded when done,
    so a retried task repeats none that finished."""

    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), unique=True)
    ticket_id: Mapped[str] = mapped_column(String(200))
    agent: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")  # redacted with the ticket's vault
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|done|failed
    group: Mapped[str] = mapped_column(String(64), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    told: Mapped[list[str]] = mapped_column(JSON, default=list)  # names / addresses
    not_told: Mapped[list[str]] = mapped_column(JSON, default=list)  # why each was not
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    helpdesk_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    draft: Mapped[Draft] = relationship()


class SyncCursor(Base):
    """Where a tenant's scheduled helpdesk sync resumes: one opaque cursor per stream.

    Saved only after the page it follows has been indexed (backend/retrieval/helpdesk.py).
    """

    __tablename__ = "sync_cursors"
    __table_args__ = (UniqueConstraint("tenant_id", "stream"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    stream: Mapped[str] = mapped_column(String(16))  # tickets | articles
    cursor: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncLease(Base):
    """A running sync of one tenant's stream; an expired lease means its runner died."""

    __tablename__ = "sync_leases"
    __table_args__ = (UniqueConstraint("tenant_id", "stream"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    stream: Mapped[str] = mapped_column(String(16))
    holder: Mapped[str] = mapped_column(String(120))  # host:pid of the sync, for the message
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
