"""Canary: unique personal values go through ingestion and drafting with the real redactor,
and nothing that an embedder, the search index or the drafting provider receives or stores
contains any of them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flask import Flask

from backend import create_app, migrate, pipeline, services
from backend.connectors.files import read_doc_folder, read_ticket_export
from backend.redaction import RedactedText, Vault
from backend.redaction.presidio import PresidioRedactor
from backend.retrieval.ingest import doc_records, ingest, ticket_records
from backend.types import DraftText, Source
from tests.conftest import app_config
from tests.recording import RecordingEmbedder, RecordingIndex

CANARIES = {
    "name": "Zebulon Quillfeather",
    "email": "zq.canary.7731@example.net",
    "phone": "+44 20 7946 0321",
    "card": "4539 5787 6362 1486",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "street": "4417 Marigold Crescent",
}
ORDER_ID = "ORD-2026-771203"  # an id, not personal: it must survive


@dataclass
class RecordingDrafter:
    inner: Any
    seen: list[str] = field(default_factory=list)
    name: str = "recording"

    def draft(self, question: RedactedText, sources: Sequence[Source]) -> DraftText:
        self.seen += [question.text, *(s.text + s.answer for s in sources)]
        return self.inner.draft(question, sources)  # type: ignore[no-any-return]


def write_canary_files(folder: Path) -> tuple[Path, Path]:
    c = CANARIES
    history = {
        "id": "H-1",
        "subject": "Card charged twice",
        "body": f"Hi, {c['name']} here ({c['email']}, {c['phone']}). My card {c['card']} was "
        f"charged twice for order {ORDER_ID}. Refund to IBAN {c['iban']} please. "
        f"I live at {c['street']}, Springfield.",
        "resolution": f"Thanks {c['name'].split()[0]}, I refunded the duplicate charge for "
        f"{ORDER_ID}; it shows within 5 business days.",
        "requester": {"name": c["name"], "email": c["email"]},
    }
    inbox = {
        "id": "O-1",
        "subject": "Charged twice again",
        "body": f"This is {c['name']} again, {c['email']} / {c['phone']}. Card {c['card']} "
        f"was charged twice for {ORDER_ID}. Send post to {c['street']}.",
        "requester": {"name": c["name"], "email": c["email"]},
        "jurisdiction": "GB",
    }
    (folder / "history.jsonl").write_text(json.dumps(history) + "\n")
    (folder / "inbox.jsonl").write_text(json.dumps(inbox) + "\n")
    return folder / "history.jsonl", folder / "inbox.jsonl"


def test_no_personal_value_reaches_an_embedder_the_index_or_the_provider(tmp_path: Path) -> None:
    history, inbox = write_canary_files(tmp_path)
    app: Flask = create_app(app_config(tmp_path / "var", FILES_INBOX=str(inbox)))
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        real = services.get()
        embedder, index = RecordingEmbedder(real.embedder), RecordingIndex(real.index)
        drafter = RecordingDrafter(real.drafter)
        recording = replace(real, embedder=embedder, index=index, drafter=drafter)

        records = ticket_records(read_ticket_export(history), real.redactor, "", "demo")
        ingest("demo", "ticket", records, embedder, index)
        store = services.draft_store()
        draft, _ = store.request("demo", "O-1", "test")
        assert pipeline.process_draft(draft.id, store, recording) == "ready"
        stored = json.dumps(
            index.inner.search(
                "demo", "ticket", records[0].text, real.embedder.embed([records[0].text])[0], 5
            ),
            default=str,
        )

    received = "\n".join([*embedder.seen, *index.stored, *index.queries, *drafter.seen, stored])
    for kind, value in CANARIES.items():
        for part in value.split():
            if len(part) > 3:
                assert part not in received, f"{kind} part {part!r} reached a model or index"
    assert ORDER_ID in received  # ids survive redaction
    assert "<PERSON" in received and "<EMAIL_ADDRESS" in received


def test_when_a_doc_heading_names_a_person_then_the_index_title_holds_placeholders(
    tmp_path: Path,
) -> None:
    c = CANARIES
    (tmp_path / "escalations.md").write_text(
        f"# Ask {c['name']} about refunds\n\nWho takes over an escalated refund.\n\n"
        f"## Write to {c['email']}\n\nAfter {ORDER_ID} is refunded, tell the team lead.\n"
    )
    redactor = PresidioRedactor(Path(__file__).resolve().parents[2] / "policies/redaction.yaml")
    records = doc_records(read_doc_folder(tmp_path), redactor, "", "demo")

    titles = "\n".join(r.title for r in records)
    for kind in ("name", "email"):
        for part in CANARIES[kind].split():
            assert part not in titles, f"{kind} part {part!r} is in an index title"
    assert "<PERSON>" in titles and "<EMAIL_ADDRESS>" in titles


def test_when_the_generated_canary_corpus_is_redacted_then_no_value_leaks_and_no_id_is_lost() -> (
    None
):
    from benchmarks import canary

    cases = canary.corpus()
    assert sum(len(c.values) for c in cases) >= 400 and sum(len(c.ids) for c in cases) >= 300
    assert len({c.kind for c in cases}) >= 14 and len({c.locale for c in cases}) >= 8
    redactor = PresidioRedactor(Path(__file__).resolve().parents[2] / "policies/redaction.yaml")
    leaks, lost = [], []
    for case in cases:
        redacted = redactor.redact(case.text, Vault()).text
        leaks += [(case.kind, case.locale, v) for v in case.values if canary.leaked(v, redacted)]
        lost += [(case.kind, i) for i in case.ids if i not in redacted]
    assert leaks == [] and lost == []
