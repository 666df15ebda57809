"""Each finished draft keeps the query vector retrieval searched with and its redacted question
(backend/drafts/vectors.py); a failed draft keeps nothing. Real MiniLM ONNX embedder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import func, select

from backend import migrate, pipeline, services
from backend.db import db
from backend.drafting import TextSink
from backend.drafts import vectors
from backend.drafts.vectors import DraftVector
from backend.errors import ProviderRejected
from backend.redaction import RedactedText
from backend.retrieval import Embedder, Purpose, Vectors
from backend.types import DraftText, Source


@dataclass
class QueryRecorder:
    """The real embedder, keeping what it embedded for queries and the vectors it returned."""

    inner: Embedder
    queries: list[tuple[str, Vectors]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimensions(self) -> int:
        return self.inner.dimensions

    def embed(self, texts: Sequence[RedactedText], purpose: Purpose = "document") -> Vectors:
        found = self.inner.embed(texts, purpose)
        if purpose == "query":
            self.queries += [(t.text, v) for t, v in zip(texts, found, strict=True)]
        return found


class Streaming:
    """A drafter that streams its text in two pieces."""

    name = "streaming"

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        for piece in ("E-104 is a Wi-Fi", " handshake failure."):
            if on_text:
                on_text(piece)
        return DraftText("E-104 is a Wi-Fi handshake failure. [1]", tuple(sources[:1]))


class Refusing:
    """A drafter whose provider turns the request down: the draft fails."""

    name = "refusing"

    def draft(self, question: RedactedText, sources: Sequence[Source]) -> DraftText:
        raise ProviderRejected("the provider rejected the request")


def run(ticket_id: str, drafter: object | None = None) -> tuple[str, str, QueryRecorder]:
    """Drafts the ticket as a worker does: (outcome, draft id, the recording embedder)."""
    real = services.get()
    embedder = QueryRecorder(real.embedder)
    service = replace(real, embedder=embedder)  # type: ignore[arg-type]
    if drafter is not None:
        service = replace(service, drafter=drafter)  # type: ignore[arg-type]
    store = services.draft_store()
    row, _ = store.request("demo", ticket_id, "test")
    return pipeline.process_draft(row.id, store, service), row.id, embedder


def stored(draft_id: str) -> DraftVector | None:
    with db.session() as session:
        return session.get(DraftVector, draft_id)


@pytest.mark.parametrize("drafter", [None, Streaming()], ids=["offline", "streaming"])
def test_when_a_draft_is_ready_then_its_query_vector_and_redacted_question_are_stored(
    indexed_app: Flask, drafter: object | None
) -> None:
    outcome, draft_id, embedder = run("N-1", drafter)  # Jane Roe's ticket

    assert outcome == "ready"
    row = stored(draft_id)
    assert row is not None
    question, vector = embedder.queries[0]  # the retrieval query: the first one embedded
    assert row.question == question
    assert "<PERSON_1>" in row.question and "E-104" in row.question
    for value in ("Jane", "Roe", "jane.roe@example.org", "212-555-0143"):
        assert value not in row.question
    draft = services.draft_store().get("demo", draft_id)
    assert draft is not None and row.tenant_id == draft.tenant_id
    assert (row.model, row.dimensions) == ("all-MiniLM-L6-v2-int8", 384)
    assert row.vector == np.asarray(vector, dtype="<f4").tobytes()
    assert float(np.linalg.norm(vectors.as_array(row))) == pytest.approx(1.0, abs=1e-5)


def test_when_a_draft_fails_after_retrieval_then_no_vector_is_stored(indexed_app: Flask) -> None:
    outcome, draft_id, embedder = run("N-1", Refusing())

    assert outcome == "failed"
    assert len(embedder.queries) == 1  # the vector was made, and dropped with the draft
    assert stored(draft_id) is None


def test_when_the_ticket_cannot_be_read_then_no_vector_is_stored(indexed_app: Flask) -> None:
    outcome, draft_id, embedder = run("N-404")

    assert outcome == "failed"
    assert embedder.queries == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(DraftVector)) == 0


def test_a_draft_drafted_twice_keeps_one_vector_per_draft(indexed_app: Flask) -> None:
    _, first, _ = run("N-1")
    store = services.draft_store()
    again, _ = store.request("demo", "N-1", "test")  # "Draft again": a new draft
    pipeline.process_draft(again.id, store, services.get())

    with db.session() as session:
        ids = set(session.scalars(select(DraftVector.draft_id)))
    assert ids == {first, again.id}


def test_the_migration_downgrades_and_upgrades_again(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    migrate.downgrade(url, "0021")
    with db.session() as session:
        tables = session.connection().dialect.get_table_names(session.connection())
    assert "draft_vectors" not in tables
    migrate.upgrade(url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(DraftVector)) == 0
