"""Append-only, hash-chained audit trail, one chain per tenant.

The database refuses UPDATE and DELETE on ``audit_events`` (triggers in migration 0001);
``verify`` recomputes the chain so any edit made around the triggers is detected.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import AuditEvent, Tenant, utcnow

GENESIS = "0" * 64


def record(
    session: Session, tenant_id: int, actor: str, action: str, subject: str, details: dict[str, Any]
) -> AuditEvent:
    """Append one event to the tenant's chain inside the caller's transaction."""
    # Lock the tenant row so two writers never chain onto the same previous event.
    session.execute(select(Tenant.id).where(Tenant.id == tenant_id).with_for_update())
    prev = session.scalars(
        select(AuditEvent.hash)
        .where(AuditEvent.tenant_id == tenant_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    event = AuditEvent(
        tenant_id=tenant_id,
        at=utcnow(),
        actor=actor,
        action=action,
        subject=subject,
        details=details,
        prev_hash=prev or GENESIS,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def event_hash(event: AuditEvent) -> str:
    body = {
        "prev": event.prev_hash,
        "tenant": event.tenant_id,
        "at": _iso(event.at),
        "actor": event.actor,
        "action": event.action,
        "subject": event.subject,
        "details": event.details,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def verify(session: Session, tenant_id: int) -> list[str]:
    """Return one line per broken link; an empty list means the chain is intact."""
    problems: list[str] = []
    expected_prev = GENESIS
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.tenant_id == tenant_id).order_by(AuditEvent.id)
    )
    for event in events:
        if event.prev_hash != expected_prev:
            problems.append(f"event {event.id}: previous hash does not match event before it")
        if event_hash(event) != event.hash:
            problems.append(f"event {event.id}: contents do not match its hash")
        expected_prev = event.hash
    return problems


def _iso(moment: datetime) -> str:
    # SQLite returns naive datetimes; hash the same text either way.
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")
