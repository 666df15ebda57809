"""Reviewer access tokens: stored only as a hash, expiring, rotated and revoked at once.

A token is valid for ``PRECEDENT_REVIEWER_TOKEN_DAYS`` from when it was issued (tokens
issued before expiry existed count from the reviewer's creation). ``rotate`` issues a new one
and ``revoke`` leaves none; either way the old token stops working on its next request,
because every request looks the token up again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit
from backend.crypto.tokens import digest, new_token
from backend.errors import Unauthorized
from backend.models import Reviewer, utcnow

DEFAULT_DAYS = 90


def reviewer_for_token(
    session: Session, token: str, lifetime: timedelta = timedelta(days=DEFAULT_DAYS)
) -> Reviewer:
    """The active reviewer whose unexpired token this is; Unauthorized saying why not."""
    reviewer = session.scalars(select(Reviewer).where(Reviewer.token_hash == digest(token))).first()
    if reviewer is None or not reviewer.active:
        raise Unauthorized("unknown, revoked or deactivated reviewer token")
    ends = expires(reviewer, lifetime)
    if ends <= utcnow():
        raise Unauthorized(
            f"your reviewer token expired on {ends.date().isoformat()}; ask an administrator "
            "for a new one ('precedent reviewers rotate EMAIL')"
        )
    return reviewer


def expires(reviewer: Reviewer, lifetime: timedelta) -> datetime:
    """When the reviewer's current token stops working."""
    return _aware(reviewer.token_issued_at or reviewer.created_at) + lifetime


def rotate(session: Session, reviewer: Reviewer, actor: str = "admin") -> str:
    """Issue a new token (returned, shown once); the old one stops working now."""
    token, reviewer.token_hash = new_token()
    reviewer.token_issued_at = utcnow()
    session.flush()
    _audit(session, reviewer, actor, "reviewer.token_rotated")
    return token


def revoke(session: Session, reviewer: Reviewer, actor: str = "admin") -> None:
    """Leave the reviewer without a usable token until the next ``rotate``."""
    _, reviewer.token_hash = new_token()  # nobody holds this one
    session.flush()
    _audit(session, reviewer, actor, "reviewer.token_revoked")


def _audit(session: Session, reviewer: Reviewer, actor: str, action: str) -> None:
    details = {"email": reviewer.email}
    audit.record(session, reviewer.tenant_id, actor, action, f"reviewer:{reviewer.id}", details)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: naive UTC
