"""Ingestion: redact, embed and upsert resolved tickets and doc sections.

Everything is read, redacted and embedded before the index is touched, and the index
write is a single commit: a failure leaves the index as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from backend.connectors.files import Document, ResolvedTicket
from backend.redaction import LearnsTerms, RedactedText, Redactor, Vault, requester_values
from backend.retrieval import Embedder, IndexRecord, SearchIndex, Vectors
from backend.retrieval.chunking import Section
from backend.retrieval.vendors import RetrievalVendors
from backend.types import SourceKind

log = logging.getLogger(__name__)
EMBED_BATCH = 64
Progress = Callable[[int], None]  # called with the number of records just done


@dataclass(frozen=True)
class IngestReport:
    kind: SourceKind
    sources: int
    records: int
    deleted: int
    # The zero-retention verification a vendor embedder relied on; empty for a local one.
    verification: dict[str, Any] = field(default_factory=dict)


def ticket_records(
    tickets: Sequence[ResolvedTicket],
    redactor: Redactor,
    url_template: str = "",
    tenant: str = "",
    progress: Progress | None = None,
) -> list[IndexRecord]:
    records = []
    for ticket in tickets:
        records.append(_ticket_record(ticket, redactor, url_template, tenant))
        if progress:
            progress(1)
    return records


def _ticket_record(
    ticket: ResolvedTicket, redactor: Redactor, url_template: str, tenant: str
) -> IndexRecord:
    # Indexed history gets bare placeholders: its values must never be restored elsewhere.
    vault = Vault(numbered=False)
    known = requester_values(ticket.requester.name, ticket.requester.email)

    def redact(text: str) -> RedactedText:
        return redactor.redact(text, vault, known, tenant)

    question = "\n".join(filter(None, [ticket.subject, ticket.body]))
    url = ticket.url or (url_template.format(id=ticket.id) if url_template else "")
    return IndexRecord(
        kind="ticket",
        source_id=ticket.id,
        chunk_id=f"ticket:{ticket.id}",
        title=redact(ticket.subject or ticket.body[:80]).text,
        url=url,
        text=redact(question),
        answer=redact(ticket.resolution),
        updated_at=ticket.solved_at or ticket.created_at,
    )


def doc_records(
    documents: Sequence[Document],
    redactor: Redactor,
    base_url: str = "",
    tenant: str = "",
    progress: Progress | None = None,
) -> list[IndexRecord]:
    """One record per section; the titles' brand and product words are learned first, so the
    tenant's own terms are kept in the titles and sections redacted here (and in tickets).
    ``progress`` is called with 1 after each document."""
    if isinstance(redactor, LearnsTerms):
        redactor.learn_terms(tenant, {doc.source_id: _titles(doc) for doc in documents})
    records = []
    for doc in documents:
        records += [
            _doc_record(doc, section, redactor, base_url, tenant) for section in doc.sections
        ]
        if progress:
            progress(1)
    return records


def _titles(doc: Document) -> list[str]:
    titles = [t for s in doc.sections for t in (s.title, *s.heading_path)]
    return list(dict.fromkeys(titles))


def _doc_record(
    doc: Document, section: Section, redactor: Redactor, base_url: str, tenant: str
) -> IndexRecord:
    vault = Vault(numbered=False)

    def redact(text: str) -> RedactedText:
        return redactor.redact(text, vault, (), tenant)

    heading = " › ".join(section.heading_path)
    page = base_url.rstrip("/") + "/" + doc.source_id.rsplit(".", 1)[0] if base_url else ""
    url = f"{page}#{section.anchor}" if page and section.anchor else page
    chunk = f"doc:{doc.source_id}#{section.anchor}" + (f":{section.part}" if section.part else "")
    title = f"{section.title} › {heading}" if heading else section.title
    searchable = "\n".join(filter(None, [section.title, heading, section.text]))
    return IndexRecord(
        kind="doc",
        source_id=doc.source_id,
        chunk_id=chunk,
        title=redact(title).text,  # sent to models with the snippet, as ticket subjects are
        url=url,
        text=redact(searchable),
        answer=redact(section.text),
        updated_at="",
    )


def embed_records(
    records: Sequence[IndexRecord], embedder: Embedder, progress: Progress | None = None
) -> Vectors:
    batches = []
    for start in range(0, len(records), EMBED_BATCH):
        batch = records[start : start + EMBED_BATCH]
        batches.append(embedder.embed([r.text for r in batch]))
        if progress:
            progress(len(batch))
    return np.vstack(batches) if batches else np.zeros((0, embedder.dimensions), np.float32)


def ingest(
    tenant: str,
    kind: SourceKind,
    records: Sequence[IndexRecord],
    embedder: Embedder,
    index: SearchIndex,
    prune: bool = False,
    progress: Progress | None = None,
    vendors: RetrievalVendors | None = None,
    replacing: Sequence[str] = (),
) -> IngestReport:
    """Upsert ``records``; with ``prune``, delete sources of this kind not among them.

    With ``vendors``, a tenant the vendor embedder may not serve is refused (ProviderRefused)
    before anything is sent, and the verification used is in the report. The old entries of
    the ``replacing`` sources go only once the new ones are embedded, so a refused or failed
    embedding leaves them as they were.
    """
    verified = vendors.verify(tenant, ["embed"]).get("embed", {}) if vendors else {}
    if verified:
        log.info("tenant '%s': %ss embedded under %s", tenant, kind, verified)
    vectors = embed_records(records, embedder, progress)
    if replacing:
        index.delete(tenant, kind, replacing)
    index.upsert(tenant, records, vectors)
    deleted = 0
    if prune:
        present = {r.source_id for r in records}
        stale = sorted(index.source_ids(tenant, kind) - present)
        index.delete(tenant, kind, stale)
        deleted = len(stale)
    sources = len({r.source_id for r in records})
    return IngestReport(kind, sources, len(records), deleted, verified)
