"""The pipeline on the fixture corpus, with recording wrappers around the model-facing seams."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from backend import pipeline, services
from backend.db import db
from backend.models import Citation
from tests.recording import RecordingEmbedder, RecordingIndex

FIXTURES = Path(__file__).parent.parent / "fixtures"


def recording_services() -> tuple[pipeline.Services, RecordingEmbedder, RecordingIndex]:
    real = services.get()
    embedder, index = RecordingEmbedder(real.embedder), RecordingIndex(real.index)
    return replace(real, embedder=embedder, index=index), embedder, index


def open_ticket_ids() -> list[str]:
    lines = (FIXTURES / "inbox.jsonl").read_text().splitlines()
    return [json.loads(line)["id"] for line in lines]


@pytest.mark.parametrize("ticket_id", open_ticket_ids())
def test_citations_only_point_at_sources_retrieved_for_that_draft(
    indexed_app: Flask, ticket_id: str
) -> None:
    service, _, index = recording_services()
    store = services.draft_store()
    draft, _ = store.request("demo", ticket_id, "test")
    assert pipeline.process_draft(draft.id, store, service) == "ready"
    retrieved = {(s.kind, s.source_id, s.title, s.url or None) for s in index.returned}
    with db.session() as session:
        rows = session.scalars(select(Citation).where(Citation.draft_id == draft.id)).all()
    cited = {(c.source_kind, c.source_id, c.title, c.url) for c in rows}
    assert cited <= retrieved
    text = store.get("demo", draft.id).text or ""  # type: ignore[union-attr]
    for row in rows:
        assert f"[{row.marker}]" in text


def test_when_a_ticket_has_personal_data_then_no_model_facing_seam_sees_it(
    indexed_app: Flask,
) -> None:
    service, embedder, index = recording_services()
    pipeline.draft_reply("demo", "N-1", service)
    seen = " ".join(embedder.seen + index.queries)
    for value in ("Jane", "Roe", "jane.roe@example.org", "212-555-0143"):
        assert value not in seen
    assert "<PERSON_1>" in seen and "<EMAIL_ADDRESS_1>" in seen
    assert "E-104" in seen  # the error code survives redaction


def test_when_a_draft_is_made_then_every_stage_is_timed(indexed_app: Flask) -> None:
    drafted = pipeline.draft_reply("demo", "N-1", services.get())
    assert list(drafted.timings) == [
        "fetch",
        "context",
        "redact",
        "retrieve",
        "gate_ticket",
        "generate",
        "verify",
        "gate",
        "restore",
    ]
    assert drafted.result.citations[0].source.source_id == "R-1"
    assert "2.4 GHz" in drafted.result.text


def test_when_nothing_in_the_corpus_matches_then_the_draft_reports_a_knowledge_gap(
    indexed_app: Flask,
) -> None:
    result = pipeline.draft_reply("demo", "N-2", services.get()).result
    assert result.flags == ("knowledge_gap", "context_skipped")  # files: no customer context
    assert result.citations == ()
