"""A reviewer's life after being added: deactivate and reactivate, licences that lapse or are
withdrawn. Every change is audited; the token checks in ``tokens.py`` and the eligibility
checks in ``backend/review`` read the reviewer's row on every request, so a change holds from
the next request on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from backend import audit
from backend.errors import Conflict, InputError, NotFound
from backend.models import Credential, Reviewer

DEFAULT_WARN_DAYS = 30


def refuse_past_expiry(licence_id: str, expires_on: date, today: date) -> None:
    """A licence that has already lapsed cannot be recorded; the last valid day may be today."""
    if expires_on < today:
        raise InputError(
            f"licence {licence_id} expired on {expires_on.isoformat()} (today is "
            f"{today.isoformat()}): record a licence that is valid today or later"
        )


@dataclass(frozen=True)
class Expiry:
    """How a credential stands today: days left (negative once lapsed) and whether to warn."""

    days_left: int
    expired: bool
    expiring_soon: bool

    @property
    def label(self) -> str:
        if self.expired:
            return "EXPIRED"
        if self.expiring_soon:
            return f"EXPIRES IN {self.days_left} DAYS"
        return ""


def expiry(credential: Credential, today: date, warn_days: int = DEFAULT_WARN_DAYS) -> Expiry:
    left = (credential.expires_on - today).days
    return Expiry(left, left < 0, 0 <= left <= warn_days)


def deactivate(session: Session, reviewer: Reviewer, actor: str = "admin") -> None:
    """The reviewer's token stops working and they can decide nothing, from now on."""
    if not reviewer.active:
        raise Conflict(f"reviewer {reviewer.email} is already deactivated", "already_inactive")
    reviewer.active = False
    session.flush()
    _audit(session, reviewer, actor, "reviewer.deactivated", {"email": reviewer.email})


def reactivate(session: Session, reviewer: Reviewer, actor: str = "admin") -> None:
    """Their current token (if unexpired and not revoked) and credentials count again."""
    if reviewer.active:
        raise Conflict(f"reviewer {reviewer.email} is already active", "already_active")
    reviewer.active = True
    session.flush()
    _audit(session, reviewer, actor, "reviewer.reactivated", {"email": reviewer.email})


def find_credential(reviewer: Reviewer, licence_id: str, domain: str | None = None) -> Credential:
    """The reviewer's credential for this licence (and domain, when one licence covers two)."""
    found = [
        c
        for c in reviewer.credentials
        if c.licence_id == licence_id and (domain is None or c.domain == domain)
    ]
    if len(found) == 1:
        return found[0]
    held = ", ".join(f"{c.licence_id} ({c.domain})" for c in reviewer.credentials) or "none"
    if not found:
        raise NotFound(f"{reviewer.email} has no licence {licence_id}; their licences: {held}")
    domains = ", ".join(c.domain for c in found)
    raise InputError(f"licence {licence_id} covers {domains}: name the domain to remove")


def credential_by_id(reviewer: Reviewer, credential_id: int) -> Credential:
    for credential in reviewer.credentials:
        if credential.id == credential_id:
            return credential
    raise NotFound(f"reviewer {reviewer.id} has no credential {credential_id}")


def remove_credential(
    session: Session, reviewer: Reviewer, credential: Credential, actor: str = "admin"
) -> None:
    """Withdraw a licence: items it alone made the reviewer eligible for leave their queue."""
    details: dict[str, object] = {
        "domain": credential.domain,
        "jurisdictions": list(credential.jurisdictions),
        "licence_id": credential.licence_id,
        "expires_on": credential.expires_on.isoformat(),
    }
    reviewer.credentials.remove(credential)  # delete-orphan: the row goes with it
    session.flush()
    _audit(session, reviewer, actor, "credential.removed", details)


def _audit(
    session: Session, reviewer: Reviewer, actor: str, action: str, details: dict[str, object]
) -> None:
    audit.record(session, reviewer.tenant_id, actor, action, f"reviewer:{reviewer.id}", details)
