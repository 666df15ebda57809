"""Cohere embed and rerank as the embedder and the reranking step: the real cohere SDK against a
local stand-in that answers with recorded-shape v2 replies, the real redactor, index, pipeline
and draft store. What reached the vendor, what the agent sees and what the audit trail keeps."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask

from backend import create_app, migrate, pipeline, services
from backend.drafting.providers_file import parse_providers
from backend.errors import ConfigError, ProviderRefused, ProviderRejected, ProviderUnavailable
from backend.redaction import RedactedText, Vault, seal
from backend.retrieval.cohere import CohereEmbedder
from backend.retrieval.ingest import ingest, ticket_records
from backend.types import Source
from tests.conftest import FIXTURES, app_config, draft_n1, load_fixture_corpus
from tests.provider_replies import (
    COHERE_BAD_KEY,
    COHERE_RATE_LIMITED,
    COHERE_SERVER_ERROR,
    VERIFIED_PII,
    cohere_citation,
    cohere_stream,
)
from tests.provider_server import ProviderServer, Received, Reply
from tests.recording import RecordingEmbedder

PERSONAL = ("Jane", "Roe", "jane.roe@example.org", "212-555-0143", "Maria", "415 555 0199")


def embed_reply(texts: list[str], dimensions: int) -> dict[str, Any]:
    """A v2 /embed reply (embedding_types ["float"]); rows are left unnormalised, as Cohere's."""
    return {
        "id": "9f1c2a7e-4b3d-4e8a-a5c1-7d2e9b0f6a13",
        "embeddings": {"float": [bag_of_words(t, dimensions) for t in texts]},
        "texts": texts,
        "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": 9 * len(texts)}},
        "response_type": "embeddings_by_type",
    }


def bag_of_words(text: str, dimensions: int) -> list[float]:
    """Stands in for the model: texts sharing words get close vectors, so search still works."""
    row = [0.0] * dimensions
    for word in text.lower().split():
        row[zlib.crc32(word.strip(".,?!:").encode()) % dimensions] += 3.0
    row[0] += 12.0  # a direction all texts share, as in real models: related texts score 0.4+
    return row


def rerank_reply(order: list[int]) -> dict[str, Any]:
    """A v2 /rerank reply: results best first, each pointing at a document by index."""
    return {
        "id": "0c5e8f21-6a9d-4b7c-8e13-f4a2d6b9c057",
        "results": [
            {"index": i, "relevance_score": round(0.93 - 0.1 * n, 2)} for n, i in enumerate(order)
        ],
        "meta": {"api_version": {"version": "2"}, "billed_units": {"search_units": 1}},
    }


class CohereStandIn(ProviderServer):
    """Answers /v2/embed and /v2/rerank from the request; ``fail`` scripts errors per path.

    The reranker stand-in ranks the documents in reverse of the order they were sent, so a
    test can tell its order from the search's.
    """

    def __init__(self) -> None:
        super().__init__()
        self.failures: dict[str, list[Reply]] = {}
        self.chat = Reply(500, COHERE_SERVER_ERROR)

    def fail(self, path: str, *replies: Reply) -> None:
        self.failures[path] = list(replies)

    def next_reply(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            if self.failures.get(received.path):
                return self.failures[received.path].pop(0)
        body = received.body
        if received.path == "/v2/embed":
            return Reply(200, embed_reply(body["texts"], body.get("output_dimension", 1024)))
        if received.path == "/v2/rerank":
            order = list(reversed(range(len(body["documents"]))))[: body.get("top_n")]
            return Reply(200, rerank_reply(order))
        return self.chat

    def sent(self, path: str) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path == path]


def providers_file(url: str, demo_drafts_with: str = "local", clinic: str = "") -> str:
    """Entry 'cohere-eu' at ``url`` verified for pii; tenant demo (pii) drafting offline."""
    return f"""\
providers:
  cohere-eu:
    kind: cohere
    model: command-a-03-2025
    base_url: {url}
    api_key_env: VENDOR_TEST_KEY
    timeout_seconds: 2
    max_retries: 0
    retention:
      zero_retention: verified
      evidence: "zero data retention addendum SEC-231"
      verified_on: 2026-01-05
      scopes: [pii]
  local:
    kind: offline
tenants:
  demo: {{provider: {demo_drafts_with}, scopes: [pii]}}
{clinic}"""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[CohereStandIn]:
    monkeypatch.setenv("VENDOR_TEST_KEY", "test-key-123")
    with CohereStandIn() as running:
        yield running


def cohere_config(tmp_path: Path, yaml_text: str, **overrides: Any) -> dict[str, Any]:
    path = tmp_path / "providers.yaml"
    path.write_text(yaml_text)
    settings = {
        "PROVIDERS": str(path),
        "EMBEDDER": "cohere",
        "EMBED_PROVIDER": "cohere-eu",
        "RERANKER": "cohere",
        "POLICIES_DIR": "",  # the gate's own embedding is not what these tests are about
        **overrides,
    }
    return app_config(tmp_path / "var", **settings)


def cohere_app(tmp_path: Path, yaml_text: str, **overrides: Any) -> Iterator[Flask]:
    flask_app = create_app(cohere_config(tmp_path, yaml_text, **overrides))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        load_fixture_corpus(services.get())
        yield flask_app


@pytest.fixture
def app(tmp_path: Path, server: CohereStandIn) -> Iterator[Flask]:
    yield from cohere_app(tmp_path, providers_file(server.url))


def question(text: str = "My purifier flashes E-104 on wifi, <PERSON_1> here") -> RedactedText:
    return services.get().redactor.redact(text, Vault())


# --- what reaches the vendor -----------------------------------------------------------------


def test_ingest_embeds_documents_and_a_draft_embeds_its_question_as_a_query(
    app: Flask, server: CohereStandIn
) -> None:
    ingested = server.sent("/v2/embed")
    assert ingested and {b["input_type"] for b in ingested} == {"search_document"}
    assert all(b["embedding_types"] == ["float"] for b in ingested)
    assert all((b["model"], b["output_dimension"]) == ("embed-v4.0", 1024) for b in ingested)

    draft_n1()
    query = server.sent("/v2/embed")[len(ingested) :]
    assert [b["input_type"] for b in query] == ["search_query"]
    assert "<PERSON_1>" in query[0]["texts"][0] and "E-104" in query[0]["texts"][0]
    assert server.requests[-1].headers["authorization"] == "Bearer test-key-123"


def test_the_recording_embedder_sees_documents_at_ingest_and_queries_at_draft_time(
    app: Flask, server: CohereStandIn
) -> None:
    real = services.get()
    embedder = RecordingEmbedder(real.embedder, dimensions=real.embedder.dimensions)
    recording = replace(real, embedder=embedder)
    load_fixture_corpus(recording)
    assert set(embedder.purposes) == {"document"}
    pipeline.draft_reply("demo", "N-1", recording)
    assert embedder.purposes[-1] == "query" and embedder.purposes.count("query") == 1


def test_no_personal_value_reaches_embed_or_rerank(app: Flask, server: CohereStandIn) -> None:
    draft_n1()
    sent = json.dumps([r.body for r in server.requests])
    assert not [value for value in PERSONAL if value in sent]
    reranked = server.sent("/v2/rerank")
    assert len(reranked) == 2  # tickets, then documentation sections
    assert "<PERSON_1>" in reranked[0]["query"] and "<EMAIL_ADDRESS_1>" in reranked[0]["query"]


def test_texts_are_embedded_96_per_call_as_unit_float32_rows(
    app: Flask, server: CohereStandIn
) -> None:
    embedder = services.get().embedder
    before = len(server.requests)
    texts = [question(f"question number {n} about filters") for n in range(200)]
    vectors = embedder.embed(texts)
    assert [len(b["texts"]) for b in server.sent("/v2/embed")[-3:]] == [96, 96, 8]
    assert len(server.requests) - before == 3
    assert vectors.shape == (200, 1024) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# --- vendor errors stop at the boundary ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (429, COHERE_RATE_LIMITED, ProviderUnavailable, "cohere-eu is rate limiting us"),
        (500, COHERE_SERVER_ERROR, ProviderUnavailable, "cohere-eu had a server error (HTTP 500)"),
        (401, COHERE_BAD_KEY, ProviderRejected, "cohere-eu refused the request (HTTP 401)"),
    ],
)
def test_when_embed_answers_an_error_status_then_it_maps_to_our_error(
    app: Flask, server: CohereStandIn, status: int, body: Any, error: type, message: str
) -> None:
    server.fail("/v2/embed", Reply(status, body, headers={"Retry-After": "3"}))
    before = len(server.requests)
    with pytest.raises(error) as raised:
        services.get().embedder.embed([question()], purpose="query")
    assert raised.value.message == message
    assert len(server.requests) - before == 1  # the SDK does not retry; our callers decide
    if status == 429:
        assert raised.value.retry_after == 3.0


def test_when_rerank_is_rate_limited_then_it_maps_to_provider_unavailable(
    app: Flask, server: CohereStandIn
) -> None:
    server.fail("/v2/rerank", Reply(429, COHERE_RATE_LIMITED))
    reranker = services.get().reranker
    assert reranker is not None
    with pytest.raises(ProviderUnavailable, match="cohere-eu is rate limiting us"):
        reranker.rerank(question(), [source("a"), source("b")], 2)


def test_when_rerank_returns_a_ranking_of_documents_not_sent_then_it_is_rejected(
    app: Flask, server: CohereStandIn
) -> None:
    server.fail("/v2/rerank", Reply(200, rerank_reply([1, 7])))
    reranker = services.get().reranker
    assert reranker is not None
    with pytest.raises(ProviderRejected, match="cohere-eu returned a ranking that does not fit"):
        reranker.rerank(question(), [source("a"), source("b")], 2)


def test_when_embed_returns_the_wrong_size_then_it_is_rejected(
    tmp_path: Path, server: CohereStandIn
) -> None:
    registry = parse_providers(providers_file(server.url), "providers.yaml")
    embedder = CohereEmbedder(registry.providers["cohere-eu"], "k", "embed-english-v3.0", 1024)
    server.fail("/v2/embed", Reply(200, embed_reply(["x"], 384)))
    with pytest.raises(ProviderRejected, match=r"shaped \(1, 384\) for 1 texts of 1024"):
        embedder.embed([seal("x")])
    assert "output_dimension" not in server.requests[-1].body  # fixed-size model: not sent


# --- reranking -------------------------------------------------------------------------------


def source(name: str, score: float = 0.5) -> Source:
    return Source("doc", name, name, name, "", f"text {name}", f"answer {name}", score)


def test_the_reranker_orders_the_sources_and_scores_stay_cosine(
    app: Flask, server: CohereStandIn
) -> None:
    service = services.get()
    asked = question()
    vector = service.embedder.embed([asked], purpose="query")[0]
    searched = {s.chunk_id: s.score for s in service.index.search("demo", "doc", asked, vector, 20)}
    sources, failed = pipeline.retrieve(service, "demo", asked, vector)

    docs = [s for s in sources if s.kind == "doc"]
    by_cosine = sorted(searched, key=lambda chunk: -searched[chunk])
    assert not failed
    assert [s.chunk_id for s in docs] == list(reversed(by_cosine))[:5]  # the stand-in's order
    assert all(s.score == searched[s.chunk_id] for s in docs)
    sent = server.sent("/v2/rerank")[-1]
    assert (sent["model"], sent["top_n"], len(sent["documents"])) == ("rerank-v3.5", 5, 6)
    assert len(searched) == 6  # every section indexed: all were candidates


def test_when_the_reranker_fails_retrieval_keeps_the_search_order(
    app: Flask, server: CohereStandIn
) -> None:
    service = services.get()
    asked = question()
    vector = service.embedder.embed([asked], purpose="query")[0]
    searched = service.index.search("demo", "ticket", asked, vector, 20)
    server.fail("/v2/rerank", Reply(503, COHERE_SERVER_ERROR), Reply(200, {"results": "?"}))
    sources, failed = pipeline.retrieve(service, "demo", asked, vector)
    assert failed
    tickets = [s for s in sources if s.kind == "ticket"]
    assert tickets == sorted(searched, key=lambda s: -s.score)[:5]


def test_when_the_reranker_fails_the_draft_keeps_the_search_order_and_says_so(
    app: Flask, server: CohereStandIn
) -> None:
    server.fail("/v2/rerank", Reply(500, COHERE_SERVER_ERROR), Reply(500, COHERE_SERVER_ERROR))
    service = services.get()
    drafted = pipeline.draft_reply("demo", "N-1", service)
    assert "rerank_skipped" in drafted.result.flags
    docs = [c.source for c in drafted.result.citations if c.source.kind == "doc"]
    assert docs == sorted(docs, key=lambda s: -s.score)
    assert drafted.result.retrieval_verification["rerank"] == {
        "provider": "cohere-eu",
        "model": "rerank-v3.5",
        **VERIFIED_PII,
        "outcome": "skipped",
    }


# --- zero retention --------------------------------------------------------------------------


def test_the_audit_keeps_the_embed_and_rerank_verification_beside_the_drafting_one(
    tmp_path: Path, server: CohereStandIn
) -> None:
    reply = "Hi <PERSON_1>, please enable a 2.4 GHz network."
    # The worker asks for a stream; answer with one, so the draft really comes from Cohere.
    server.chat = Reply(200, cohere_stream([reply], [cohere_citation(reply, "2.4 GHz", "1")]))
    for _ in cohere_app(tmp_path, providers_file(server.url, demo_drafts_with="cohere-eu")):
        _, details = draft_n1()
    assert details["verification"]["decision"] == "allowed"
    assert "outcome" not in details["verification"]  # not an evidence-only fallback
    retrieval = details["retrieval_verification"]
    assert retrieval["embed"] == {"provider": "cohere-eu", "model": "embed-v4.0", **VERIFIED_PII}
    assert retrieval["rerank"] == {"provider": "cohere-eu", "model": "rerank-v3.5", **VERIFIED_PII}
    assert details["verification"]["model"] == "command-a-03-2025"
    assert "test-key-123" not in json.dumps(details) and "VENDOR_TEST_KEY" not in json.dumps(
        details
    )


def test_when_a_tenant_has_a_scope_the_embed_provider_lacks_then_start_up_refuses_naming_it(
    tmp_path: Path, server: CohereStandIn
) -> None:
    clinic = "  clinic: {provider: local, scopes: [pii, phi]}\n"
    app = create_app(cohere_config(tmp_path, providers_file(server.url, clinic=clinic)))
    with app.app_context(), pytest.raises(ConfigError) as refused:
        services.get()
    assert refused.value.message == (
        "retrieval cannot use its model provider:\n"
        "  - tenant 'clinic' (scopes: pii, phi) may not use PRECEDENT_EMBED_PROVIDER: "
        "'cohere-eu' is not verified for phi"
    )
    assert server.requests == []


def test_a_tenant_the_providers_file_does_not_list_is_never_sent_to_the_vendor(
    app: Flask, server: CohereStandIn
) -> None:
    before = len(server.requests)
    tickets = ticket_records([], services.get().redactor)
    service = services.get()
    with pytest.raises(ProviderRefused, match="tenant 'acme' is not listed in"):
        ingest("acme", "ticket", tickets, service.embedder, service.index, vendors=service.vendors)
    assert len(server.requests) == before


def test_a_draft_for_an_unlisted_tenant_fails_refused_and_sends_nothing(
    app: Flask, server: CohereStandIn
) -> None:
    before = len(server.requests)
    store = services.draft_store()
    row, _ = store.request("acme", "N-1", "test")
    assert pipeline.process_draft(row.id, store, services.get()) == "failed"
    failed = store.get("acme", row.id)
    assert failed is not None and failed.error_code == "provider_refused"
    assert "tenant 'acme' is not listed in" in (failed.error_message or "")
    assert len(server.requests) == before


def test_ingest_reports_the_verification_its_embedding_relied_on(
    app: Flask, server: CohereStandIn
) -> None:
    from backend.connectors.files import read_ticket_export

    service = services.get()
    records = ticket_records(read_ticket_export(FIXTURES / "tickets.jsonl"), service.redactor)
    report = ingest(
        "demo", "ticket", records, service.embedder, service.index, vendors=service.vendors
    )
    assert report.verification == {"provider": "cohere-eu", "model": "embed-v4.0", **VERIFIED_PII}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"EMBED_PROVIDER": ""}, "PRECEDENT_EMBEDDER 'cohere' needs PRECEDENT_EMBED_PROVIDER"),
        ({"EMBED_PROVIDER": "nope"}, "PRECEDENT_EMBED_PROVIDER 'nope' is not a provider in"),
        ({"EMBED_PROVIDER": "local"}, "'local' is of kind 'offline', but PRECEDENT_EMBEDDER"),
        ({"EMBED_DIMENSIONS": 768}, "PRECEDENT_EMBED_DIMENSIONS 768 is not offered by embed-v4"),
        (
            {"PROVIDERS": ""},
            "name an entry of the providers file, but PRECEDENT_PROVIDERS is empty",
        ),
        (
            {"EMBEDDER": "minilm-onnx", "EMBED_PROVIDER": ""},
            "PRECEDENT_RERANKER 'cohere' needs PRECEDENT_RERANK_PROVIDER",
        ),
        ({"DEFAULT_TENANT": "acme"}, "tenant 'acme' is not listed in .*providers.yaml"),
    ],
)
def test_when_the_vendor_settings_are_inconsistent_then_start_up_says_which(
    tmp_path: Path, server: CohereStandIn, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        app = create_app(cohere_config(tmp_path, providers_file(server.url), **overrides))
        with app.app_context():
            services.get()
