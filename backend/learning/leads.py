"""Team leads: the role that reads the insights page, agent names included.

A lead signs in with a personal token, stored only as its SHA-256, valid for ``TOKEN_DAYS``
from when it was issued; ``rotate`` issues a new one and ``revoke`` leaves none (the old
token fails on its next request, since every request looks it up again). Each change is
audited.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import audit
from backend.crypto.tokens import digest, new_token
from backend.errors import Conflict, InputError, NotFound, Unauthorized
from backend.models import Lead, utcnow

TOKEN_DAYS = 90


PREFIX = "lead_"  # tells a lead's token from a reviewer's at a glance


def add(session: Session, tenant_id: int, name: str, email: str) -> tuple[Lead, str]:
    """A new lead and their token (returned once, never stored)."""
    name, email = name.strip(), email.strip().lower()
    if not name or "@" not in email:
        raise InputError("give the lead's name and e-mail address, e.g. 'Ada Lee' ada@example.com")
    token, digest = new_token(PREFIX)
    lead = Lead(tenant_id=tenant_id, name=name, email=email, token_hash=digest)
    try:
        with session.begin_nested():
            session.add(lead)
    except IntegrityError:
        raise Conflict(f"a lead with e-mail {email} already exists", "lead_exists") from None
    _audit(session, lead, "lead.added")
    return lead, token


def find(session: Session, tenant_id: int, email: str) -> Lead:
    lead = session.scalars(
        select(Lead).where(Lead.tenant_id == tenant_id, Lead.email == email.strip().lower())
    ).first()
    if lead is None:
        raise NotFound(f"no lead with e-mail {email}; 'precedent leads list' shows them")
    return lead


def rotate(session: Session, lead: Lead) -> str:
    token, lead.token_hash = new_token(PREFIX)
    lead.token_issued_at = utcnow()
    session.flush()
    _audit(session, lead, "lead.token_rotated")
    return token


def revoke(session: Session, lead: Lead) -> None:
    _, lead.token_hash = new_token(PREFIX)  # nobody holds this one
    session.flush()
    _audit(session, lead, "lead.token_revoked")


def lead_for_token(session: Session, token: str, now: datetime | None = None) -> Lead:
    """The lead whose unexpired token this is; Unauthorized saying why not."""
    lead = session.scalars(select(Lead).where(Lead.token_hash == digest(token))).first()
    if lead is None:
        raise Unauthorized("unknown or revoked lead token")
    ends = expires(lead)
    if ends <= (now or utcnow()):
        raise Unauthorized(
            f"your lead token expired on {ends.date().isoformat()}; ask an administrator "
            "for a new one ('precedent leads rotate EMAIL')"
        )
    return lead


def expires(lead: Lead) -> datetime:
    issued = lead.token_issued_at
    issued = issued if issued.tzinfo else issued.replace(tzinfo=UTC)  # SQLite: naive UTC
    return issued + timedelta(days=TOKEN_DAYS)


def _audit(session: Session, lead: Lead, action: str) -> None:
    subject = f"lead:{lead.id}"
    audit.record(session, lead.tenant_id, "admin", action, subject, {"email": lead.email})
