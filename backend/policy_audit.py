"""Policy problems the gate reports, written to the audit trail.

The gate's ``PolicyStore`` hands each distinct problem (a policy file that does not load, a
required domain with no policy in force) to its listeners once; this listener records it as
``policy.load_failed`` or ``policy.missing`` in every tenant's chain, since the one policy
folder gates every tenant's drafts. Each process has its own store, so an event already
recorded with the same details (by another worker, or the web process's health check) is
not written again.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit
from backend.db import db
from backend.gate import PolicyAlert
from backend.models import AuditEvent, Tenant
from backend.tenants import ensure_tenant

log = logging.getLogger(__name__)


class PolicyAuditor:
    """Records each policy alert in the audit trail of every tenant (``default`` if none)."""

    def __init__(self, database_url: str, default_tenant: str) -> None:
        self._url = database_url
        self._default = default_tenant

    def __call__(self, alert: PolicyAlert) -> None:
        try:
            with db.session(self._url) as session:
                for tenant_id in self._tenants(session):
                    if not _recorded(session, tenant_id, alert):
                        audit.record(
                            session, tenant_id, "gate", alert.action, alert.subject, alert.details
                        )
        except Exception:  # the gate must keep deciding; the ERROR log line is already out
            log.exception("could not write %s to the audit trail", alert.action)

    def _tenants(self, session: Session) -> list[int]:
        ids = list(session.scalars(select(Tenant.id).order_by(Tenant.id)))
        return ids or [ensure_tenant(session, self._default).id]


def _recorded(session: Session, tenant_id: int, alert: PolicyAlert) -> bool:
    """Whether the tenant's last event about this file or domain already says the same."""
    last = session.scalars(
        select(AuditEvent.details)
        .where(
            AuditEvent.tenant_id == tenant_id,
            AuditEvent.action == alert.action,
            AuditEvent.subject == alert.subject,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return last == alert.details
