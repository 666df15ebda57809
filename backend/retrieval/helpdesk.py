"""Helpdesk history and help-centre articles into the index, one page at a time.

Each page is redacted, embedded and upserted like file ingestion (ids are stable, so a page
read twice replaces itself), and only then is the cursor after it saved. A run that stops
half-way (crash, rate limit) resumes from the last page that was fully indexed.

A run holds a lease on its tenant's stream, renewed page by page, so a scheduled sync that
fires while the last one (or a `precedent ingest`) is still going is skipped instead of
reading the same pages and saving its cursor over the other's.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from backend.connectors import Connector, connectors
from backend.connectors.files import Document, ResolvedTicket
from backend.connectors.settings import HelpdeskSettingsStore
from backend.db import SessionFactory, rows_changed, sessions_for
from backend.errors import Conflict, ConnectorError
from backend.models import HelpdeskConnection, SyncCursor, SyncLease, Tenant, utcnow
from backend.redaction import Redactor
from backend.retrieval import Embedder, IndexRecord, SearchIndex
from backend.retrieval.chunking import split_html
from backend.retrieval.ingest import doc_records, ingest, ticket_records
from backend.retrieval.vendors import RetrievalVendors
from backend.tenants import ensure_tenant
from backend.types import Article, Page, Ticket

log = logging.getLogger(__name__)
Stream = Literal["tickets", "articles"]
STREAMS: tuple[Stream, ...] = ("tickets", "articles")
# Renewed after every page; a page takes seconds, so only a dead run lets it lapse.
SYNC_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class PageReport:
    """One indexed page: what came, what was indexed, and the cursor saved after it."""

    stream: Stream
    items: int  # tickets or articles on the page
    sources: int  # of those, indexed (a ticket needs a public agent reply)
    records: int  # index entries written (an article has one per section)
    cursor: str
    withdrawn: int = 0  # index entries removed: their article is a draft again, or gone


def resolved_ticket(ticket: Ticket) -> ResolvedTicket | None:
    """The customer's words and the agent's public replies; None without a public reply."""
    public = [c for c in ticket.comments if c.public]
    answers = [c.body.strip() for c in public if c.author != "customer" and c.body.strip()]
    if not answers:
        return None
    follow_ups = [c.body for c in public if c.author == "customer"]
    return ResolvedTicket(
        id=ticket.id,
        subject=ticket.subject,
        body="\n\n".join(filter(None, [ticket.body, *follow_ups])),
        resolution="\n\n".join(answers),
        tags=ticket.tags,
        created_at=ticket.created_at,
        solved_at="",
        url=ticket.url,
        requester=ticket.requester,
    )


HELPDESK_ARTICLE = re.compile(r"articles/\d+")


def article_source_id(article: Article) -> str:
    return f"articles/{article.id}"


def article_records(
    articles: tuple[Article, ...], redactor: Redactor, tenant: str
) -> list[IndexRecord]:
    """One entry per heading section, linked to the article's own page and anchor."""
    documents = [Document(article_source_id(a), split_html(a.body, a.title)) for a in articles]
    sections = [(a, s) for a, d in zip(articles, documents, strict=True) for s in d.sections]
    records = []  # one doc_records call per page: the page's titles are learned at once
    for record, (article, section) in zip(
        doc_records(documents, redactor, "", tenant), sections, strict=True
    ):
        url = f"{article.url}#{section.anchor}" if section.anchor else article.url
        records.append(replace(record, url=url, updated_at=article.updated_at))
    return records


@dataclass(frozen=True)
class HelpdeskIngest:
    """Pulls a tenant's pages from its connector and indexes them, saving cursors."""

    connector: Connector
    redactor: Redactor
    embedder: Embedder
    index: SearchIndex
    cursors: CursorStore
    vendors: RetrievalVendors | None = None  # refuses tenants a vendor embedder may not serve

    def run(
        self, tenant: str, stream: Stream, since: datetime | None = None, full: bool = False
    ) -> Iterator[PageReport]:
        """Index page after page until caught up; ``since`` starts afresh from that date.

        With ``full`` (articles only; tickets ignore it) the listing starts from the beginning,
        and once its last page is in, the articles it did not list leave the index: neither
        helpdesk reports a deleted article, so a complete listing is the only way to notice one.
        Raises Conflict (``sync_running``) when another run holds this stream.
        """
        full = full and stream == "articles"
        holder = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"
        self.cursors.lease(tenant, stream, holder)
        try:
            cursor = None if since or full else self.cursors.load(tenant, stream)
            listed: set[str] = set()
            while True:
                page = self._fetch(tenant, stream, cursor, None if full else since)
                report = self._index(tenant, stream, page)
                # An unchanged cursor would ask for the same page forever (zenpy #451); the
                # listing then ends early, so it cannot tell which articles are gone.
                stalled = not page.done and page.next_cursor == cursor
                if full:
                    listed |= {article_source_id(a) for a in page.items if isinstance(a, Article)}
                if full and page.done:
                    self.cursors.lease(tenant, stream, holder)  # still ours before removing
                    gone = self._remove_unlisted(tenant, listed)
                    report = replace(report, withdrawn=report.withdrawn + gone)
                elif full and stalled:
                    log.warning("article listing of '%s' stalled; no article removed", tenant)
                self.cursors.save(tenant, stream, page.next_cursor)  # only now: the page is in
                self.cursors.lease(tenant, stream, holder)  # renewed; lost means taken over
                yield report
                if page.done or stalled:
                    return
                cursor = page.next_cursor
        finally:
            self.cursors.release(tenant, stream, holder)

    def _remove_unlisted(self, tenant: str, listed: set[str]) -> int:
        """Remove the helpdesk articles a complete listing did not name.

        Documents ingested from files share the "doc" kind; their ids are file paths with an
        extension, so only ``articles/<number>`` ids are the helpdesk's.
        """
        indexed = self.index.source_ids(tenant, "doc")
        gone = sorted(i for i in indexed if HELPDESK_ARTICLE.fullmatch(i) and i not in listed)
        if gone and not listed:
            # Far likelier that the account lost sight of the help centre than that every
            # article was deleted: keep them, and say so.
            raise ConnectorError(
                f"the help centre of tenant '{tenant}' listed no articles at all; the "
                f"{len(gone)} indexed ones were kept (check what the API user may see)"
            )
        return self.index.delete(tenant, "doc", gone) if gone else 0

    def _fetch(
        self, tenant: str, stream: Stream, cursor: str | None, since: datetime | None
    ) -> Page[Ticket] | Page[Article]:
        if stream == "tickets":
            return self.connector.resolved_tickets(tenant, cursor, since)
        return self.connector.articles(tenant, cursor, since)

    def _index(self, tenant: str, stream: Stream, page: Page[Ticket] | Page[Article]) -> PageReport:
        if stream == "tickets":
            found = [resolved_ticket(t) for t in page.items if isinstance(t, Ticket)]
            tickets = [t for t in found if t is not None]
            records = ticket_records(tickets, self.redactor, "", tenant)
            ingest(tenant, "ticket", records, self.embedder, self.index, vendors=self.vendors)
            return PageReport(stream, len(page.items), len(tickets), len(records), page.next_cursor)
        articles = tuple(a for a in page.items if isinstance(a, Article))
        published = tuple(a for a in articles if a.published)
        records = article_records(published, self.redactor, tenant)
        # An edited article may have lost sections: its old entries are replaced, not merged.
        edited = [article_source_id(a) for a in published]
        ingest(
            tenant,
            "doc",
            records,
            self.embedder,
            self.index,
            vendors=self.vendors,
            replacing=edited,
        )
        # An unpublished article must not be cited any more.
        drafts = [article_source_id(a) for a in articles if not a.published]
        withdrawn = self.index.delete(tenant, "doc", drafts) if drafts else 0
        return PageReport(
            stream, len(articles), len(published), len(records), page.next_cursor, withdrawn
        )


class CursorStore:
    """The ``sync_cursors`` table: one cursor per tenant and stream."""

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CursorStore:
        return cls(sessions_for(str(config["DATABASE_URL"])))

    def load(self, tenant: str, stream: Stream) -> str | None:
        with self._sessions() as session:
            return session.scalars(
                select(SyncCursor.cursor)
                .join(Tenant)
                .where(Tenant.slug == tenant, SyncCursor.stream == stream)
            ).first()

    def lease(self, tenant: str, stream: Stream, holder: str) -> None:
        """Take or renew the stream's lease; Conflict when a live run of another holder has it."""
        now = utcnow()
        with self._sessions() as session:
            tenant_id = ensure_tenant(session, tenant).id
            taken = rows_changed(
                session,
                update(SyncLease)
                .where(
                    SyncLease.tenant_id == tenant_id,
                    SyncLease.stream == stream,
                    (SyncLease.holder == holder) | (SyncLease.expires_at < now),
                )
                .values(holder=holder, expires_at=now + SYNC_LEASE),
            )
            if taken:
                return
            try:
                with session.begin_nested():
                    session.add(
                        SyncLease(
                            tenant_id=tenant_id,
                            stream=stream,
                            holder=holder,
                            expires_at=now + SYNC_LEASE,
                        )
                    )
                return
            except IntegrityError:  # a live lease of another run
                running = session.scalars(
                    select(SyncLease.holder).where(
                        SyncLease.tenant_id == tenant_id, SyncLease.stream == stream
                    )
                ).first()
        raise Conflict(
            f"a sync of tenant '{tenant}' {stream} is already running ({running}); "
            "this one was not started",
            "sync_running",
        )

    def release(self, tenant: str, stream: Stream, holder: str) -> None:
        with self._sessions() as session:
            tenant_ids = select(Tenant.id).where(Tenant.slug == tenant).scalar_subquery()
            session.execute(
                delete(SyncLease).where(
                    SyncLease.tenant_id == tenant_ids,
                    SyncLease.stream == stream,
                    SyncLease.holder == holder,
                )
            )

    def save(self, tenant: str, stream: Stream, cursor: str) -> None:
        with self._sessions() as session:
            tenant_row = ensure_tenant(session, tenant)
            row = session.scalars(
                select(SyncCursor).where(
                    SyncCursor.tenant_id == tenant_row.id, SyncCursor.stream == stream
                )
            ).first()
            if row is None:
                row = SyncCursor(tenant_id=tenant_row.id, stream=stream)
                session.add(row)
            row.cursor, row.updated_at = cursor, utcnow()


def for_platform(
    config: Mapping[str, Any],
    platform: str,
    redactor: Redactor,
    embedder: Embedder,
    index: SearchIndex,
    vendors: RetrievalVendors | None = None,
) -> HelpdeskIngest:
    """Ingestion from a tenant's stored Zendesk or Freshdesk account, whatever CONNECTOR says."""
    cls: Any = connectors.get(platform)
    connector: Connector = cls(HelpdeskSettingsStore.from_config(config).load)
    cursors = CursorStore.from_config(config)
    return HelpdeskIngest(connector, redactor, embedder, index, cursors, vendors)


def connected_tenants(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(tenant slug, platform) for every tenant with a stored helpdesk account."""
    with sessions_for(str(config["DATABASE_URL"]))() as session:
        rows = session.execute(
            select(Tenant.slug, HelpdeskConnection.platform).join(HelpdeskConnection)
        ).all()
    return sorted((slug, platform) for slug, platform in rows)
