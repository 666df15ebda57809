"""The knowledge revision: a per-tenant counter that moves when the tenant's documentation in
the search index changes (sections upserted or deleted).

It is part of a draft's version (backend/drafts/version.py): a draft written before the help
centre changed is no longer the current answer to its ticket. Resolved tickets are left out
on purpose: the helpdesk sync adds them all day, and each would otherwise make every open
ticket's draft (and its approval) stale.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Self

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from backend.db import SessionFactory, sessions_for
from backend.models import Tenant
from backend.redaction import RedactedText
from backend.retrieval import IndexRecord, SearchIndex, SearchMode, Settings, Vectors, indexes
from backend.tenants import ensure_tenant
from backend.types import Source, SourceKind

log = logging.getLogger(__name__)
COUNTED: tuple[SourceKind, ...] = ("doc",)


def knowledge_revision(session: Session, tenant: str) -> int:
    """The tenant's knowledge revision; 0 before anything was ingested."""
    found = session.scalar(select(Tenant.knowledge_revision).where(Tenant.slug == tenant))
    return int(found or 0)


def bump(session: Session, tenant: str) -> None:
    """One step on: an UPDATE of the counter itself, so concurrent ingestions each count."""
    tenant_id = ensure_tenant(session, tenant).id
    session.execute(
        update(Tenant)
        .where(Tenant.id == tenant_id)
        .values(knowledge_revision=Tenant.knowledge_revision + 1)
    )


class RevisedIndex:
    """A search index that bumps the tenant's knowledge revision when its docs change.

    Wraps the configured index (``PRECEDENT_INDEX``); every write through the app's services
    (CLI ingest, the helpdesk sync, ``precedent index delete``) passes here. A revision that
    cannot be written is logged, not raised: the index already changed, and the cost is a
    draft shown as current although the documentation moved on ("Draft again" fixes it).
    """

    def __init__(self, index: SearchIndex, sessions: SessionFactory) -> None:
        self.inner = index
        self._sessions = sessions

    @classmethod
    def from_settings(cls, settings: Settings, dimensions: int) -> Self:
        inner = indexes.get(settings["INDEX"]).from_settings(settings, dimensions)
        return cls(inner, sessions_for(str(settings["DATABASE_URL"])))

    def upsert(self, tenant: str, records: Sequence[IndexRecord], vectors: Vectors) -> None:
        self.inner.upsert(tenant, records, vectors)
        if any(r.kind in COUNTED for r in records):
            self._bump(tenant)

    def delete(self, tenant: str, kind: SourceKind, source_ids: Sequence[str]) -> int:
        removed = self.inner.delete(tenant, kind, source_ids)
        if removed and kind in COUNTED:
            self._bump(tenant)
        return removed

    def source_ids(self, tenant: str, kind: SourceKind) -> set[str]:
        return self.inner.source_ids(tenant, kind)

    def search(
        self,
        tenant: str,
        kind: SourceKind,
        query: RedactedText,
        vector: Vectors,
        limit: int,
        mode: SearchMode = "hybrid",
        updated_after: str | None = None,
    ) -> list[Source]:
        return self.inner.search(tenant, kind, query, vector, limit, mode, updated_after)

    def _bump(self, tenant: str) -> None:
        try:
            with self._sessions() as session:
                bump(session, tenant)
        except SQLAlchemyError as exc:
            log.warning("knowledge revision of %s not moved on (%s)", tenant, type(exc).__name__)
