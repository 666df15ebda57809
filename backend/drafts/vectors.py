"""``draft_vectors``: the vector each draft searched the index with, and what it embeds.

The pipeline embeds the ticket's redacted question once, to search the index
(backend/pipeline.py). Kept here with the finished draft, that vector lets the knowledge gaps
cluster open tickets in the index's own space (backend/learning/topics.py) without embedding
anything again nor reading the ticket back from the helpdesk.

The question is stored as the embedder saw it: redacted, with the ticket's placeholders
(``QueryVector`` takes only a ``RedactedText``, which only a Redactor makes). ``model`` is
the embedder's ``name`` (``all-MiniLM-L6-v2-int8``, ``cohere-embed-v4.0-1024``): vectors of
different embedders lie in different spaces, so readers compare only vectors of one model
and one number of dimensions. The vector is little-endian float32 bytes, L2-normalised as
the embedder returns it.

A row is written with its draft, in ``DraftStore.complete``'s transaction; a draft that
failed has none. Drafts are never deleted, so the foreign key needs no ON DELETE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.models import Base, Draft
from backend.redaction import RedactedText
from backend.retrieval import Vectors

FLOAT32 = np.dtype("<f4")


class DraftVector(Base):
    __tablename__ = "draft_vectors"

    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    model: Mapped[str] = mapped_column(String(200))  # the embedder's name
    dimensions: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # little-endian float32
    question: Mapped[str] = mapped_column(Text)  # redacted: what the embedder saw


@dataclass(frozen=True)
class QueryVector:
    """What a draft searched the index with: the embedder, its vector and the question."""

    model: str
    vector: Vectors  # one row: the embedder's L2-normalised query vector
    question: RedactedText


@dataclass(frozen=True)
class StoredQuery:
    """A ticket's stored question (redacted) and its query vector, as read back."""

    question: str
    vector: Vectors


def save(session: Session, draft_id: str, tenant_id: int, query: QueryVector) -> None:
    """Add the draft's query vector to the session's unit of work."""
    vector = np.asarray(query.vector, dtype=FLOAT32).reshape(-1)
    session.add(
        DraftVector(
            draft_id=draft_id,
            tenant_id=tenant_id,
            model=query.model,
            dimensions=int(vector.size),
            vector=vector.tobytes(),
            question=query.question.text,
        )
    )


def as_array(row: DraftVector) -> Vectors:
    """The row's vector as float32 numbers."""
    return np.frombuffer(row.vector, dtype=FLOAT32).astype(np.float32)


def newest_space(session: Session, tenant_id: int, model: str | None = None) -> tuple[str, int]:
    """(model, dimensions) of the tenant's newest stored vector (of ``model`` if named);
    ("", 0) when there is none."""
    # Walking the tenant's drafts newest first stops at the first with a vector: at once
    # when recent drafts have them, but through every draft when none has (a history made
    # before vectors were kept). Ask the vectors' own tenant index first.
    any_vector = select(DraftVector.draft_id).where(DraftVector.tenant_id == tenant_id)
    if model is not None:
        any_vector = any_vector.where(DraftVector.model == model)
    if session.scalar(any_vector.limit(1)) is None:
        return ("", 0)
    query = (
        select(DraftVector.model, DraftVector.dimensions)
        .join(Draft, Draft.id == DraftVector.draft_id)
        .where(Draft.tenant_id == tenant_id)
        .order_by(Draft.completed_at.desc(), Draft.id.desc())
        .limit(1)
    )
    if model is not None:
        query = query.where(DraftVector.model == model)
    found = session.execute(query).first()
    return (found.model, found.dimensions) if found else ("", 0)


def newest_by_ticket(
    session: Session, tenant_id: int, ticket_ids: Sequence[str], space: tuple[str, int]
) -> dict[str, StoredQuery]:
    """Each ticket's newest stored question and vector of ``space`` (model, dimensions)."""
    model, dimensions = space
    query = (
        select(Draft.ticket_id, DraftVector, Draft.completed_at, Draft.id)
        .join(Draft, Draft.id == DraftVector.draft_id)
        .where(
            Draft.tenant_id == tenant_id,  # ticket numbers repeat across tenants
            Draft.ticket_id.in_(ticket_ids),
            DraftVector.model == model,
            DraftVector.dimensions == dimensions,
        )
    )
    # oldest first, so each ticket's newest row is the one kept; sorted here: an ORDER BY
    # made SQLite walk all the tenant's drafts by time, not these tickets' (a vector is
    # written as its draft completes, so completed_at is set)
    rows = sorted(session.execute(query), key=lambda r: (r.completed_at, r.id))
    return {
        str(ticket_id): StoredQuery(row.question, as_array(row)) for ticket_id, row, _, _ in rows
    }
