"""The pipeline's customer context stage: stored with the draft, shown, never sent to a model."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Flask, current_app

from backend import pipeline, services
from backend.connectors import Connector
from backend.drafting import Drafter
from backend.errors import ConnectorRateLimited
from backend.redaction import RedactedText
from backend.types import CustomerContext, DraftText, Requester, Source, Ticket, TicketSummary
from tests.recording import RecordingEmbedder, RecordingIndex

CONTEXT = CustomerContext(
    requester=Requester("Jane Roe", "jane.roe@example.org", "7001"),
    organization="Roe Robotics",
    plan="Enterprise",
    fields={"plan": "Enterprise", "seats": "120"},
    tags=("vip",),
    recent_tickets=(
        TicketSummary("31", "E-104 setup help", "solved", "2026-02-11T08:30:00Z"),
        TicketSummary("17", "Invoice copy for March", "closed", "2025-03-04T10:00:00Z"),
    ),
)
SHOWN = {
    "organization": "Roe Robotics",
    "plan": "Enterprise",
    "fields": {"plan": "Enterprise", "seats": "120"},
    "tags": ["vip"],
    "prior_tickets": {
        "count": 2,
        "recent": [
            {
                "id": "31",
                "subject": "E-104 setup help",
                "status": "solved",
                "created_at": "2026-02-11T08:30:00Z",
            },
            {
                "id": "17",
                "subject": "Invoice copy for March",
                "status": "closed",
                "created_at": "2025-03-04T10:00:00Z",
            },
        ],
    },
}


@dataclass
class WithContext:
    """The files connector, plus a helpdesk's customer context (or its failure)."""

    inner: Connector
    context: CustomerContext | Exception

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def customer_context(self, tenant: str, ticket: Ticket) -> CustomerContext | None:
        if isinstance(self.context, Exception):
            raise self.context
        return self.context


@dataclass
class RecordingDrafter:
    inner: Drafter
    seen: list[str] = field(default_factory=list)

    def draft(self, question: RedactedText, sources: Sequence[Source]) -> DraftText:
        self.seen.append(json.dumps([question.text, [s.text + s.answer for s in sources]]))
        return self.inner.draft(question, sources)


def draft_n1(service: pipeline.Services) -> dict[str, Any]:
    store = services.draft_store()
    row, _ = store.request("demo", "N-1", "test")
    assert pipeline.process_draft(row.id, store, service) == "ready"
    body: dict[str, Any] = current_app.test_client().get(f"/api/v1/drafts/{row.id}").get_json()
    return body


def test_when_the_connector_knows_the_customer_then_the_api_returns_the_context(
    indexed_app: Flask,
) -> None:
    real = services.get()
    service = replace(real, connector=WithContext(real.connector, CONTEXT))

    body = draft_n1(service)

    assert body["customer_context"] == SHOWN
    assert "context_skipped" not in body["flags"]
    assert "context" in body["timings_ms"]
    assert "jane.roe@example.org" not in json.dumps(body["customer_context"])


def test_when_the_files_connector_has_no_context_then_the_draft_says_it_was_skipped(
    indexed_app: Flask,
) -> None:
    body = draft_n1(services.get())
    assert body["customer_context"] is None
    assert "context_skipped" in body["flags"]
    assert body["text"]  # drafted all the same


def test_when_reading_the_context_fails_then_the_draft_is_still_made_without_it(
    indexed_app: Flask,
) -> None:
    real = services.get()
    limited = ConnectorRateLimited("Zendesk acme rate limit reached", retry_after=30)
    body = draft_n1(replace(real, connector=WithContext(real.connector, limited)))
    assert body["status"] == "ready" and body["customer_context"] is None
    assert "context_skipped" in body["flags"]


def test_the_context_never_reaches_a_model(indexed_app: Flask) -> None:
    real = services.get()
    embedder, index = RecordingEmbedder(real.embedder), RecordingIndex(real.index)
    drafter = RecordingDrafter(real.drafter)
    service = replace(
        real,
        connector=WithContext(real.connector, CONTEXT),
        embedder=embedder,
        index=index,
        drafter=drafter,
        providers=None,
    )

    pipeline.draft_reply("demo", "N-1", service)

    seen = " ".join(embedder.seen + index.queries + drafter.seen)
    for value in ("Roe Robotics", "Enterprise", "vip", "Invoice copy for March"):
        assert value not in seen
