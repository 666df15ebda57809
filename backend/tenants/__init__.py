"""Tenants: one row per helpdesk account (a slug), created on first use."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models import Tenant


def ensure_tenant(session: Session, slug: str) -> Tenant:
    """The tenant's row, created on first use (by one of two first requests arriving at once)."""
    found = select(Tenant).where(Tenant.slug == slug)
    tenant = session.scalars(found).first()
    if tenant is None:
        try:
            with session.begin_nested():
                session.add(Tenant(slug=slug, name=slug))
        except IntegrityError:  # another transaction created it first; use theirs
            pass
        tenant = session.scalars(found).one()
    return tenant
