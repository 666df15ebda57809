"""The draft lifecycle in the database: queued -> running -> ready | failed.

A worker *claims* a draft before working on it and holds a lease it renews between stages.
A draft whose lease ran out (its worker died) can be claimed again; a worker that lost its
lease cannot write its result. So a draft is never lost and never completed twice.

While a model streams a draft, the running row holds the text so far (``partial_text``, what
GET /drafts/<id>/events follows); every other transition clears it, so a partial text is
never mistaken for a finished draft and a retried attempt starts from nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Update, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from backend import audit, review
from backend.db import SessionFactory, rows_changed
from backend.drafting.text import clip
from backend.drafts import vectors
from backend.drafts.vectors import QueryVector
from backend.gate.decision import GateDecision
from backend.models import Citation, Draft, Tenant, utcnow
from backend.tenants import ensure_tenant
from backend.types import VerifiedDraft

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")


class LeaseLost(Exception):
    """Another worker took this draft over; drop the work quietly."""


@dataclass(frozen=True)
class Claim:
    draft_id: str
    tenant: str
    ticket_id: str
    attempt: int


class DraftStore:
    def __init__(self, sessions: SessionFactory, lease_seconds: int, max_attempts: int) -> None:
        self._sessions = sessions
        self._lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts

    def request(
        self,
        tenant_slug: str,
        ticket_id: str,
        actor: str,
        *,
        version: str | None = None,
        reuse: bool = False,
        awaiting_pickup: bool = False,
    ) -> tuple[Draft, bool]:
        """The ticket's draft of ``version``, and whether it is new.

        With ``reuse`` (opening a ticket) the newest draft of that version that did not fail,
        ready or not; without it ("Draft again") only one still queued or running, so a
        double click starts one draft. Else a new queued draft. No ``version`` (a webhook's
        pre-draft, which has not read the ticket) matches any. ``awaiting_pickup`` marks a
        new draft as pre-drafted in the same transaction.
        """
        with self._sessions() as session:
            tenant = ensure_tenant(session, tenant_slug)
            # Requests of one tenant queue here (the audit trail takes this lock anyway), so
            # two at once for a ticket find one draft instead of starting two.
            session.execute(select(Tenant.id).where(Tenant.id == tenant.id).with_for_update())
            found = session.scalars(_same(tenant.id, ticket_id, version, reuse)).first()
            if found:
                return found, False
            draft = Draft(
                id=uuid.uuid4().hex,
                tenant_id=tenant.id,
                ticket_id=ticket_id,
                status="queued",
                notes=[],
                flags=[],
                timings={},
                attempts=0,
                awaiting_pickup=awaiting_pickup,
                version=version,
            )
            session.add(draft)
            audit.record(
                session,
                tenant.id,
                actor,
                "draft.requested",
                _subject(draft.id),
                {"ticket_id": ticket_id, "version": version, "again": not reuse},
            )
            return draft, True

    def get(self, tenant_slug: str, draft_id: str) -> Draft | None:
        with self._sessions() as session:
            return session.scalars(
                select(Draft)
                .options(selectinload(Draft.citations))
                .join(Tenant)
                .where(Draft.id == draft_id, Tenant.slug == tenant_slug)
            ).first()

    def claim(self, draft_id: str) -> Claim | None:
        """Take the draft if it is queued, or running on a lease that has run out."""
        now = utcnow()
        with self._sessions() as session:
            claimed = rows_changed(
                session,
                update(Draft)
                .where(
                    Draft.id == draft_id,
                    or_(
                        Draft.status == "queued",
                        (Draft.status == "running") & (Draft.lease_expires_at < now),
                    ),
                )
                .values(
                    status="running",
                    attempts=Draft.attempts + 1,
                    partial_text=None,
                    lease_expires_at=now + self._lease,
                    updated_at=now,
                ),
            )
            if not claimed:
                return None
            row = session.execute(
                select(Draft.attempts, Draft.ticket_id, Tenant.slug)
                .join(Tenant)
                .where(Draft.id == draft_id)
            ).one()
            return Claim(draft_id, row.slug, row.ticket_id, row.attempts)

    def heartbeat(self, claim: Claim) -> None:
        """Renew the lease between stages; raises LeaseLost if another worker took over."""
        now = utcnow()
        with self._sessions() as session:
            renewed = rows_changed(
                session,
                self._owned(session, claim).values(
                    lease_expires_at=now + self._lease, updated_at=now
                ),
            )
        if not renewed:
            raise LeaseLost(claim.draft_id)

    def write_partial(self, claim: Claim, text: str) -> bool:
        """The text so far of a draft being streamed; False if another worker took it over.

        A stream that is still growing is a worker at work, so the lease is renewed too. Never
        raises: it runs inside a model's stream, where an exception would count against the
        provider (retries, circuit breaker) although the provider did nothing wrong. A lost
        lease is reported by the next heartbeat or ``complete``; a database error here only
        costs the agent a live preview (logged), and ``complete`` writes the whole text.
        """
        values = {"partial_text": text, "lease_expires_at": utcnow() + self._lease}
        try:
            with self._sessions() as session:
                return bool(rows_changed(session, self._owned(session, claim).values(**values)))
        except SQLAlchemyError as exc:
            log.warning("draft %s: text so far not saved (%s)", claim.draft_id, type(exc).__name__)
            return False

    def complete(
        self,
        claim: Claim,
        result: VerifiedDraft,
        timings: dict[str, float],
        gate: GateDecision | None = None,
        context: dict[str, Any] | None = None,
        dimensions: Mapping[str, str] | None = None,
        subject: str | None = None,
        query: QueryVector | None = None,
    ) -> None:
        """Store text, citations, context, dimensions (team, brand, ...: the insights' slices),
        the redacted subject (the review queue's), the query vector retrieval searched with
        (the knowledge gaps' topics) and the gate's routing in one transaction."""
        now = utcnow()
        with self._sessions() as session:
            written = rows_changed(
                session,
                self._owned(session, claim).values(
                    status="ready",
                    text=result.text,
                    partial_text=None,
                    notes=list(result.notes),
                    flags=list(result.flags),
                    provider=result.provider,
                    model=result.model,
                    timings=timings,
                    customer_context=context,
                    **(dimensions or {}),
                    subject=subject,
                    error_code=None,
                    error_message=None,
                    lease_expires_at=None,
                    updated_at=now,
                    completed_at=now,
                ),
            )
            if not written:
                raise LeaseLost(claim.draft_id)
            session.add_all(_citation_rows(claim.draft_id, result))
            draft = session.get(Draft, claim.draft_id)
            assert draft is not None  # we just updated it
            if query is not None:
                vectors.save(session, draft.id, draft.tenant_id, query)
            review.route(session, draft, gate)
            details = {**_ready_details(result, timings), "gate": draft.gate_status}
            self._audit(session, claim, "draft.ready", details)

    def release(self, claim: Claim, code: str, message: str) -> bool:
        """After a temporary failure: back to queued, or failed once attempts are used up.

        Returns True when the draft should be tried again; False too when another worker
        took it over meanwhile (it is theirs to finish, and nothing is audited).
        """
        if claim.attempt >= self.max_attempts:
            self.fail(claim, code, f"{message} (gave up after {claim.attempt} attempts)")
            return False
        with self._sessions() as session:
            written = rows_changed(
                session,
                self._owned(session, claim).values(
                    status="queued",
                    partial_text=None,
                    error_code=code,
                    error_message=message,
                    lease_expires_at=None,
                    updated_at=utcnow(),
                ),
            )
            if not written:
                return False
            self._audit(session, claim, "draft.retrying", {"error": code, "message": message})
        return True

    def fail(self, claim: Claim, code: str, message: str) -> None:
        now = utcnow()
        with self._sessions() as session:
            written = rows_changed(
                session,
                self._owned(session, claim).values(
                    status="failed",
                    partial_text=None,
                    error_code=code,
                    error_message=message,
                    lease_expires_at=None,
                    updated_at=now,
                    completed_at=now,
                ),
            )
            if written:
                self._audit(session, claim, "draft.failed", {"error": code, "message": message})

    def stale(self, queued_for: timedelta) -> list[str]:
        """Drafts that need a new task: queued too long, or running on an expired lease."""
        with self._sessions() as session:
            return list(session.scalars(select(Draft.id).where(_stale(queued_for))))

    def reclaim(self, queued_for: timedelta) -> list[str]:
        """The stale drafts this caller must send a new task for, each put back to queued.

        A compare-and-set per draft: of many workers sweeping at once only one gets each
        draft, and it is not stale again for ``queued_for``. A worker that still holds the
        expired lease can no longer write (its claim wants the draft running).
        """
        return [
            draft_id for draft_id in self.stale(queued_for) if self._requeue(draft_id, queued_for)
        ]

    def _requeue(self, draft_id: str, queued_for: timedelta) -> bool:
        with self._sessions() as session:
            return bool(
                rows_changed(
                    session,
                    update(Draft)
                    .where(Draft.id == draft_id, _stale(queued_for))
                    .values(
                        status="queued",
                        partial_text=None,
                        lease_expires_at=None,
                        updated_at=utcnow(),
                    ),
                )
            )

    def _owned(self, session: Session, claim: Claim) -> Update:
        return update(Draft).where(
            Draft.id == claim.draft_id, Draft.status == "running", Draft.attempts == claim.attempt
        )

    def _audit(self, session: Session, claim: Claim, action: str, details: dict[str, Any]) -> None:
        tenant = ensure_tenant(session, claim.tenant)
        details = {"ticket_id": claim.ticket_id, "attempt": claim.attempt, **details}
        audit.record(session, tenant.id, "worker", action, _subject(claim.draft_id), details)


def _same(tenant_id: int, ticket_id: str, version: str | None, reuse: bool) -> Select[Draft]:
    """The newest draft a request may be given: of its version, queued or running (or ready
    too, when ``reuse``)."""
    statuses = (*ACTIVE, "ready") if reuse else ACTIVE
    query = (
        select(Draft)
        .options(selectinload(Draft.citations))
        .where(
            Draft.tenant_id == tenant_id,
            Draft.ticket_id == ticket_id,
            Draft.status.in_(statuses),
        )
        .order_by(Draft.created_at.desc())
        .limit(1)
    )
    return query if version is None else query.where(Draft.version == version)


def _stale(queued_for: timedelta) -> ColumnElement[bool]:
    now = utcnow()
    return or_(
        (Draft.status == "queued") & (Draft.updated_at < now - queued_for),
        (Draft.status == "running") & (Draft.lease_expires_at < now),
    )


def _subject(draft_id: str) -> str:
    return f"draft:{draft_id}"


def _citation_rows(draft_id: str, result: VerifiedDraft) -> Iterator[Citation]:
    for citation in result.citations:
        source = citation.source
        yield Citation(
            draft_id=draft_id,
            marker=citation.marker,
            source_kind=source.kind,
            source_id=source.source_id,
            title=source.title,
            url=source.url or None,
            snippet=clip(source.answer or source.text),
            score=round(source.score, 4),
        )


def _ready_details(result: VerifiedDraft, timings: dict[str, float]) -> dict[str, Any]:
    details: dict[str, Any] = {
        "provider": result.provider,
        "model": result.model,
        "flags": list(result.flags),
        "citations": [f"{c.source.kind}:{c.source.source_id}" for c in result.citations],
        "total_ms": round(sum(timings.values()), 1),
    }
    if result.verification:  # a model provider was called, or refused for this tenant
        details["verification"] = dict(result.verification)
    if result.retrieval_verification:  # a vendor embedded or reranked for this draft
        details["retrieval_verification"] = dict(result.retrieval_verification)
    return details
