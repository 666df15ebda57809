"""Append-only, keyed, hash-chained audit trail, one chain per tenant.

The database refuses UPDATE and DELETE on ``audit_events`` (triggers in migration 0001).
Each event's hash is an HMAC-SHA256, under the audit key (``backend/audit/keys.py``), of its
contents, its position in the chain (``seq``) and the previous event's hash; so an edit made
around the triggers cannot be hidden by recomputing the later hashes without the key.
Every ``PRECEDENT_AUDIT_CHECKPOINT_EVERY`` events a signed checkpoint leaves the database
(``backend/audit/checkpoints.py``), so a deleted tail is detected too. ``verify`` checks both.

Events written before the chain was keyed (``hash_version`` 1: plain SHA-256, no ``seq``)
still verify; once a keyed event exists, an unkeyed one after it is a rewrite.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit import checkpoints, keys
from backend.models import AuditEvent, Tenant, utcnow

GENESIS = "0" * 64
PLAIN, KEYED = 1, 2  # hash_version: before and after the chain was keyed


@dataclass(frozen=True)
class Report:
    problems: list[str]
    events: int
    checkpoints: int  # checkpoints of this tenant that were checked


def record(
    session: Session, tenant_id: int, actor: str, action: str, subject: str, details: dict[str, Any]
) -> AuditEvent:
    """Append one event to the tenant's chain inside the caller's transaction."""
    # Lock the tenant row so two writers never chain onto the same previous event.
    session.execute(select(Tenant.id).where(Tenant.id == tenant_id).with_for_update())
    prev = session.execute(
        select(AuditEvent.hash, AuditEvent.seq)
        .where(AuditEvent.tenant_id == tenant_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    settings = keys.current()
    event = AuditEvent(
        tenant_id=tenant_id,
        at=utcnow(),
        actor=actor,
        action=action,
        subject=subject,
        details=details,
        prev_hash=prev.hash if prev else GENESIS,
        seq=_next_seq(session, tenant_id, prev.seq if prev else 0),
        hash_version=KEYED,
    )
    event.hash = event_hash(event, settings.key)
    session.add(event)
    session.flush()
    seq = event.seq or 0
    if settings.checkpoint_every and seq % settings.checkpoint_every == 0:
        checkpoint = _checkpoint(session, tenant_id, seq, event.hash, settings.key)
        checkpoints.export_after_commit(session, checkpoint, settings.checkpoint_file)
    return event


def _next_seq(session: Session, tenant_id: int, prev_seq: int | None) -> int:
    if prev_seq is not None:
        return prev_seq + 1
    # The first keyed event after unkeyed ones: count them, once per tenant.
    count = session.scalar(select(func.count()).where(AuditEvent.tenant_id == tenant_id))
    return int(count or 0) + 1


def event_hash(event: AuditEvent, key: bytes) -> str:
    """The event's hash as its ``hash_version`` computes it."""
    body = {
        "prev": event.prev_hash,
        "tenant": event.tenant_id,
        "at": _iso(event.at),
        "actor": event.actor,
        "action": event.action,
        "subject": event.subject,
        "details": event.details,
    }
    if event.hash_version == PLAIN:
        return hashlib.sha256(_canonical(body)).hexdigest()
    return hmac.new(key, _canonical({**body, "seq": event.seq}), hashlib.sha256).hexdigest()


def verify(session: Session, tenant_id: int, checkpoint_file: Path | None = None) -> list[str]:
    """Return one line per problem; an empty list means the chain is intact."""
    return check(session, tenant_id, checkpoint_file).problems


def check(session: Session, tenant_id: int, checkpoint_file: Path | None = None) -> Report:
    """The chain's problems, counted events and checked checkpoints.

    ``checkpoint_file`` defaults to the configured one; it may be a log holding checkpoints.
    """
    settings = keys.current()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.tenant_id == tenant_id).order_by(AuditEvent.id)
    ).all()
    problems = _chain_problems(events, settings.key)
    path = checkpoint_file or settings.checkpoint_file
    found, unreadable = checkpoints.read(path) if path else ([], [])
    slug = session.get(Tenant, tenant_id)
    tenant = slug.slug if slug else ""
    hashes = [e.hash for e in events]
    problems += unreadable + checkpoints.problems(found, tenant, hashes, settings.key)
    return Report(problems, len(events), len([c for c in found if c.tenant == tenant]))


def checkpoint_now(session: Session, tenant_id: int) -> checkpoints.Checkpoint | None:
    """Sign and export a checkpoint of the chain as it is (``precedent audit --checkpoint``)."""
    settings = keys.current()
    head = session.scalars(
        select(AuditEvent.hash)
        .where(AuditEvent.tenant_id == tenant_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if head is None:
        return None
    count = session.scalar(select(func.count()).where(AuditEvent.tenant_id == tenant_id))
    checkpoint = _checkpoint(session, tenant_id, int(count or 0), head, settings.key)
    checkpoints.export(checkpoint, settings.checkpoint_file)
    return checkpoint


def _chain_problems(events: Any, key: bytes) -> list[str]:
    problems: list[str] = []
    expected_prev, keyed = GENESIS, False
    for position, event in enumerate(events, start=1):
        if event.prev_hash != expected_prev:
            problems.append(f"event {event.id}: previous hash does not match event before it")
        problems += _event_problems(event, position, keyed, key)
        keyed = keyed or event.hash_version == KEYED
        expected_prev = event.hash
    return problems


def _event_problems(event: AuditEvent, position: int, keyed: bool, key: bytes) -> list[str]:
    if event.hash_version not in (PLAIN, KEYED):
        return [f"event {event.id}: unknown hash version {event.hash_version}"]
    if keyed and event.hash_version == PLAIN:
        return [f"event {event.id}: an unkeyed hash after keyed events: the chain was rewritten"]
    if event.hash_version == KEYED and event.seq != position:
        return [f"event {event.id}: numbered {event.seq} but it is event {position} of the chain"]
    if event_hash(event, key) != event.hash:
        return [f"event {event.id}: contents do not match its hash"]
    return []


def _checkpoint(
    session: Session, tenant_id: int, count: int, head: str, key: bytes
) -> checkpoints.Checkpoint:
    tenant = session.get(Tenant, tenant_id)
    return checkpoints.sign(key, tenant.slug if tenant else str(tenant_id), count, head)


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def _iso(moment: datetime) -> str:
    # SQLite returns naive datetimes; hash the same text either way.
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")
