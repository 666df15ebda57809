"""Long commands show progress on a terminal: each ingest step counts what it has done."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from backend.clitools import progress_bar
from backend.connectors.files import read_doc_folder, read_ticket_export
from backend.redaction import redactors
from backend.retrieval.ingest import doc_records, ticket_records

FIXTURES = Path(__file__).parent.parent / "fixtures"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_when_redacting_for_ingest_then_progress_counts_each_article_and_ticket() -> None:
    redactor = redactors.get("patterns")()
    ticks: list[int] = []
    documents = read_doc_folder(FIXTURES / "docs")
    doc_records(documents, redactor, progress=ticks.append)
    assert ticks == [1] * len(documents)
    ticks.clear()
    tickets = read_ticket_export(FIXTURES / "tickets.jsonl", {})
    ticket_records(tickets, redactor, progress=ticks.append)
    assert ticks == [1] * len(tickets)


@pytest.mark.parametrize(("stream", "drawn"), [(Terminal(), True), (io.StringIO(), False)])
def test_when_stderr_is_a_terminal_then_a_bar_is_drawn_else_nothing(
    monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, drawn: bool
) -> None:
    monkeypatch.setattr("sys.stderr", stream)
    with progress_bar(2, "redacting articles", " articles") as bar:
        bar.update(2)
    assert ("redacting articles:" in stream.getvalue()) is drawn
