"""A whole draft through a model provider: the real redactor, index, cohere / openai client and
draft store, with the vendor played by a local server. What reached the vendor, what the
agent sees and what the audit trail keeps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from backend import create_app, migrate, services
from backend.db import db
from backend.models import Citation
from tests.conftest import app_config, draft_n1, load_fixture_corpus
from tests.provider_replies import (
    COHERE_SERVER_ERROR,
    VERIFIED_PII,
    cohere_citation,
    cohere_stream,
    openai_stream,
    providers_yaml,
)
from tests.provider_server import ProviderServer, Reply

PERSONAL = ("Jane", "Roe", "jane.roe@example.org", "212-555-0143", "Maria", "415 555 0199")
REPLY = "Hi <PERSON_1>, E-104 is a Wi-Fi handshake failure. Please enable a 2.4 GHz network."
# as a worker drafts: streamed, with the placeholder split across two chunks
CHUNKS = [
    "Hi <PER",
    "SON_1>, E-104 is a Wi-Fi handshake failure.",
    " Please enable a 2.4 GHz network.",
]


@pytest.fixture
def server() -> Iterator[ProviderServer]:
    with ProviderServer() as running:
        yield running


def provider_app(tmp_path: Path, yaml_text: str) -> Iterator[Flask]:
    path = tmp_path / "providers.yaml"
    path.write_text(yaml_text)
    flask_app = create_app(app_config(tmp_path / "var", PROVIDERS=str(path)))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        load_fixture_corpus(services.get())
        yield flask_app


@pytest.fixture
def cohere_app(
    tmp_path: Path, server: ProviderServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    monkeypatch.setenv("VENDOR_TEST_KEY", "test-key-123")
    yield from provider_app(tmp_path, providers_yaml(server.url, max_retries=1))


def test_a_cohere_draft_cites_retrieved_sources_and_the_vendor_sees_only_placeholders(
    cohere_app: Flask, server: ProviderServer
) -> None:
    server.script(Reply(200, cohere_stream(CHUNKS, [cohere_citation(REPLY, "2.4 GHz", "1")])))
    draft_id, details = draft_n1()

    sent = json.dumps(server.requests[0].body)
    for value in PERSONAL:
        assert value not in sent, f"{value!r} reached the model provider"
    assert "<PERSON_1>" in sent and "<EMAIL_ADDRESS_1>" in sent and "E-104" in sent

    row = services.draft_store().get("demo", draft_id)
    assert row is not None and row.provider == "vendor" and row.model == "test-model"
    # Stored with placeholders; the greeting addresses the first name's (<PERSON_2>: "Jane").
    assert row.text == (
        "Hi <PERSON_2>, E-104 is a Wi-Fi handshake failure. Please enable a 2.4 GHz network. [1]"
    )
    read = cohere_app.test_client().get(f"/api/v1/drafts/{draft_id}").get_json()
    assert read["text"] == (
        "Hi Jane, E-104 is a Wi-Fi handshake failure. Please enable a 2.4 GHz network. [1]"
    )
    with db.session() as session:
        cited = session.scalars(select(Citation).where(Citation.draft_id == draft_id)).all()
        assert [(c.marker, c.source_id) for c in cited] == [(1, "R-1")]
    assert details["verification"] == {"provider": "vendor", "model": "test-model", **VERIFIED_PII}
    assert "test-key-123" not in json.dumps(details)


def test_when_the_provider_is_down_the_draft_is_ready_evidence_only_and_audited(
    cohere_app: Flask, server: ProviderServer
) -> None:
    server.script(Reply(500, COHERE_SERVER_ERROR))
    draft_id, details = draft_n1()
    row = services.draft_store().get("demo", draft_id)
    assert row is not None and row.status == "ready" and row.provider == "offline"
    assert row.flags[0] == "model_unavailable"
    assert row.notes[0].startswith("Model unavailable — evidence-only draft: vendor had a server")
    assert "2.4 GHz" in (row.text or "")
    assert len(server.requests) == 2  # one call and one retry
    verification = details["verification"]
    assert isinstance(verification, dict)
    assert verification["decision"] == "allowed"
    assert (verification["outcome"], verification["error"]) == ("fallback", "provider_unavailable")


def test_when_the_provider_is_not_verified_for_the_tenants_data_it_is_never_called(
    tmp_path: Path, server: ProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENDOR_TEST_KEY", "test-key-123")
    for _ in provider_app(tmp_path, providers_yaml(server.url, scopes="pii, phi")):
        draft_id, details = draft_n1()
        row = services.draft_store().get("demo", draft_id)
    assert server.requests == []
    assert row is not None and row.status == "ready" and row.flags[0] == "model_refused"
    assert row.notes[0].startswith(
        "Model not used — evidence-only draft: 'vendor' is not verified for phi for this "
        "account's data."
    )
    verification = details["verification"]
    assert isinstance(verification, dict)
    assert verification["decision"] == "refused"
    assert verification["tenant_scopes"] == ["pii", "phi"]


def test_an_openai_compatible_draft_goes_through_the_same_pipeline(
    tmp_path: Path, server: ProviderServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENDOR_TEST_KEY", "test-key-123")
    server.script(Reply(200, openai_stream(["Please enable a 2.4", " GHz network. [1] [9]"])))
    for _ in provider_app(tmp_path, providers_yaml(server.url, kind="openai-compatible")):
        draft_id, details = draft_n1()
        row = services.draft_store().get("demo", draft_id)
    sent = json.dumps(server.requests[0].body)
    assert not [value for value in PERSONAL if value in sent]
    assert row is not None and row.text == "Please enable a 2.4 GHz network. [1]"
    assert row.flags == ["unsupported_citation_removed", "context_skipped"]
    assert server.requests[0].headers["authorization"] == "Bearer test-key-123"
