"""End-to-end canary (issue 14): tickets and help-centre articles seeded with generated
canary values are ingested and drafted through the real ``cohere`` SDK (embed, rerank, chat
streamed and not) and the real ``openai`` SDK (chat streamed and not), each against the
project's local recording server; no request body holds a canary value, its digits alone or
its lower-cased form, in any field (documents, system prompt, tools), nor in the compliance
gate's own embedding requests (tickets and drafts it embeds through the vendor embedder)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from backend import create_app, migrate, pipeline, services
from backend.connectors.files import read_doc_folder, read_ticket_export
from backend.retrieval.ingest import doc_records, ingest, ticket_records
from benchmarks import canary
from tests.conftest import app_config
from tests.provider_replies import cohere_chat, cohere_stream, openai_chat, openai_stream
from tests.provider_server import ProviderServer, Received, Reply
from tests.unit.test_cohere_retrieval import embed_reply, rerank_reply

REPLY = "Hi <PERSON_1>, I have looked into this and refunded the duplicate charge."
POLICIES = Path(__file__).resolve().parents[2] / "policies"
RETENTION = """\
    api_key_env: VENDOR_TEST_KEY
    timeout_seconds: 2
    max_retries: 0
    retention:
      zero_retention: verified
      evidence: "zero data retention addendum SEC-231"
      verified_on: 2026-01-05
      scopes: [pii]"""


class RecordingVendor(ProviderServer):
    """Answers Cohere's /v2/embed, /v2/rerank and /v2/chat and OpenAI's /v1/chat/completions,
    streamed when the request asks for it; records every request."""

    def next_reply(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
        body, path = received.body, received.path
        if path == "/v2/embed":
            return Reply(200, embed_reply(body["texts"], body.get("output_dimension", 1024)))
        if path == "/v2/rerank":
            return Reply(200, rerank_reply(list(range(len(body["documents"])))[: body["top_n"]]))
        if path == "/v2/chat":
            streamed = cohere_stream([REPLY[:9], REPLY[9:]], [])
            return Reply(200, streamed if body.get("stream") else cohere_chat(REPLY, []))
        if path == "/v1/chat/completions":
            return Reply(200, openai_stream([REPLY]) if body.get("stream") else openai_chat(REPLY))
        return Reply(404, {"message": f"no such path {path}"})


def providers(url: str, chat: str) -> str:
    return f"""\
providers:
  cohere-eu:
    kind: cohere
    model: command-a-03-2025
    base_url: {url}
{RETENTION}
  openai-eu:
    kind: openai-compatible
    model: gpt-4o-mini
    base_url: {url}/v1
{RETENTION}
tenants:
  demo: {{provider: {chat}, scopes: [pii]}}
"""


def vendor_policies(folder: Path) -> Path:
    """The shipped policies as a tenant on a vendor embedder runs them.

    Their ``classifier`` rules are left out: the advice model was trained on the MiniLM
    embedder's vectors, so with a Cohere embedder it is a load error (and a failed policy holds
    every draft, which is not streamed). Every other rule stays, and the similarity rule reads
    drafts as well as tickets, so the gate embeds both through the vendor and the check below
    covers the gate's requests too.
    """
    shutil.copytree(POLICIES, folder)
    for path in sorted(folder.glob("*.yaml")):
        policy = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "rules" in policy:
            rules = [r for r in policy["rules"] if r["type"] != "classifier"]
            policy["rules"] = [_reads_both(r) for r in rules]
            path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    return folder


def _reads_both(rule: dict[str, Any]) -> dict[str, Any]:
    return {**rule, "reads": "both"} if rule["type"] == "similarity" else rule


def seeded_cases() -> list[canary.Case]:
    """Three cases of every kind, from different locales: 45 texts, 50+ canary values."""
    cases = canary.corpus(seed=21)
    kinds: dict[str, list[canary.Case]] = {}
    for case in cases[::7]:
        kinds.setdefault(case.kind, []).append(case)
    for case in cases:  # every kind, even one the stride missed
        kinds.setdefault(case.kind, []).append(case)
    return [case for found in kinds.values() for case in found[:3]]


def write_canary_files(folder: Path, cases: list[canary.Case]) -> tuple[Path, Path, Path]:
    history = [
        {
            "id": f"H-{n}",
            "subject": "Help with my account",
            "body": case.text,
            "resolution": "Thanks for the details, I have updated the account and refunded it.",
            "requester": {"name": "Ottilie Brackenridge", "email": "o.brackenridge@example.net"},
        }
        for n, case in enumerate(cases)
    ]
    inbox = {
        "id": "O-1",
        "subject": "Charged twice and the account details are wrong",
        "body": "\n".join(case.text for case in cases[::3]),
        "requester": {"name": "Ottilie Brackenridge", "email": "o.brackenridge@example.net"},
        "jurisdiction": "GB",
    }
    docs = folder / "docs"
    docs.mkdir()
    article = "\n\n".join(case.text for case in cases[1::3])
    (docs / "escalations.md").write_text(
        f"# Refunds: ask Zebulon Quillfeather\n\nWho handles refunds.\n\n## Examples\n\n{article}\n"
    )
    (folder / "history.jsonl").write_text("".join(json.dumps(h) + "\n" for h in history))
    (folder / "inbox.jsonl").write_text(json.dumps(inbox) + "\n")
    return folder / "history.jsonl", folder / "inbox.jsonl", docs


CANARY_CASES = seeded_cases()
NAMES = ("Ottilie", "Brackenridge", "o.brackenridge@example.net", "Zebulon", "Quillfeather")


@pytest.fixture
def vendor(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingVendor]:
    monkeypatch.setenv("VENDOR_TEST_KEY", "test-key-123")
    with RecordingVendor() as running:
        yield running


def canary_app(tmp_path: Path, vendor: RecordingVendor, chat: str) -> Iterator[Flask]:
    history, inbox, docs = write_canary_files(tmp_path, CANARY_CASES)
    (tmp_path / "providers.yaml").write_text(providers(vendor.url, chat))
    settings = {
        "FILES_INBOX": str(inbox),
        "PROVIDERS": str(tmp_path / "providers.yaml"),
        "EMBEDDER": "cohere",
        "EMBED_PROVIDER": "cohere-eu",
        "RERANKER": "cohere",
        "POLICIES_DIR": str(vendor_policies(tmp_path / "policies")),
    }
    app = create_app(app_config(tmp_path / "var", **settings))
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        real = services.get()
        tickets = ticket_records(read_ticket_export(history), real.redactor, "", "demo")
        ingest("demo", "ticket", tickets, real.embedder, real.index)
        articles = doc_records(read_doc_folder(docs), real.redactor, "https://help.test", "demo")
        ingest("demo", "doc", articles, real.embedder, real.index)
        yield app


def draft(streamed: bool) -> None:
    if streamed:  # as a worker drafts: the provider streams into the partial text
        store = services.draft_store()
        row, _ = store.request("demo", "O-1", "test")
        assert pipeline.process_draft(row.id, store, services.get()) == "ready"
    else:
        pipeline.draft_reply("demo", "O-1", services.get())


def assert_no_canary(vendor: RecordingVendor, chat_path: str) -> None:
    paths = {r.path for r in vendor.requests}
    assert {"/v2/embed", "/v2/rerank", chat_path} <= paths, paths
    sent = "\n".join(json.dumps(r.body, ensure_ascii=False) for r in vendor.requests)
    leaks = [
        (case.kind, case.locale, value)
        for case in CANARY_CASES
        for value in case.values
        if canary.leaked(value, sent) or canary.leaked(value.lower(), sent.lower())
    ]
    leaks += [(name, "", name) for name in NAMES if name.lower() in sent.lower()]
    assert leaks == []
    assert "<PERSON_1>" in sent
    # the gate's own requests were among those checked: it embedded the draft it judged
    embedded = [t for r in vendor.requests if r.path == "/v2/embed" for t in r.body["texts"]]
    assert any("refunded the duplicate charge" in text for text in embedded)


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize(
    ("chat", "chat_path"), [("cohere-eu", "/v2/chat"), ("openai-eu", "/v1/chat/completions")]
)
def test_when_canary_tickets_and_articles_are_drafted_then_no_request_holds_a_canary_value(
    tmp_path: Path, vendor: RecordingVendor, chat: str, chat_path: str, streamed: bool
) -> None:
    for _ in canary_app(tmp_path, vendor, chat):
        draft(streamed)
        gate = services.get().gate
        assert gate is not None and gate.store.status().problems() == []  # every policy in force
    chats = [r.body for r in vendor.requests if r.path == chat_path]
    assert len(chats) == 1 and bool(chats[0].get("stream")) is streamed
    assert_no_canary(vendor, chat_path)


def test_the_seeded_texts_cover_every_kind_of_the_corpus() -> None:
    assert {c.kind for c in CANARY_CASES} == set(canary.KINDS)
    assert sum(len(c.values) for c in CANARY_CASES) >= 50
    # the check would see each value, were it sent as written
    assert all(canary.leaked(v, c.text) for c in CANARY_CASES for v in c.values)
