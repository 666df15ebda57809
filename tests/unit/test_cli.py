"""The ``precedent`` command as a user runs it: help, one-line errors, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backend.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PRECEDENT_FILES_INBOX", str(FIXTURES / "inbox.jsonl"))

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


COMMANDS = [
    [],
    ["serve"],
    ["worker"],
    ["db"],
    ["db", "upgrade"],
    ["ingest"],
    ["ingest", "tickets"],
    ["ingest", "docs"],
    ["sources"],
    ["sources", "delete"],
    ["draft"],
    ["audit"],
    ["demo"],
    ["reviewers"],
    ["reviewers", "add"],
    ["reviewers", "credential"],
    ["reviewers", "list"],
    ["reviewers", "rotate"],
    ["reviewers", "revoke"],
    ["policies"],
    ["policies", "check"],
    ["policies", "test"],
    ["gate"],
    ["gate", "eval"],
    ["redact"],
    ["app"],
    ["app", "package"],
    ["app", "validate"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "precedent")
def test_every_command_has_help(run, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")
    summary = result.output.split("\n\n")[1].strip()
    assert len(summary) > 15  # a sentence, not a bare name


def index_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "var" / "index").rglob("*"))


def test_when_ingesting_then_a_summary_is_shown(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("ingest", "docs", str(FIXTURES / "docs"), "--base-url", "https://help.test")
    assert result.exit_code == 0
    assert "indexed 2 docs (6 entries) for tenant 'demo'" in result.output
    result = run(
        "ingest",
        "tickets",
        str(FIXTURES / "tickets.csv"),
        "--map",
        "id=ticket,body=question,resolution=answer,tags=labels",
    )
    assert "indexed 2 tickets (2 entries)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "tickets", "missing.csv"], "Error: file not found: missing.csv\n"),
        (
            ["ingest", "tickets", str(FIXTURES / "tickets.csv"), "--map", "body=nope"],
            f"Error: {FIXTURES / 'tickets.csv'}: column 'id' not found; its columns are: "
            "answer, labels, question, ticket\n",
        ),
        (
            ["ingest", "tickets", str(FIXTURES / "tickets.csv"), "--map", "text"],
            "Error: bad column mapping 'text': write FIELD=COLUMN\n",
        ),
        (["ingest", "docs", "no-such-folder"], "Error: folder not found: no-such-folder\n"),
        (
            ["draft", "TW-404"],
            "Error: ticket 'TW-404' was not found in inbox.jsonl\n",
        ),
    ],
)
def test_when_input_is_bad_then_one_line_error_and_nothing_written(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, args: list[str], message: str
) -> None:
    run("ingest", "docs", str(FIXTURES / "docs"))
    before = index_files(tmp_path)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output == message
    assert index_files(tmp_path) == before
    # No draft was requested: the tenant has no audit trail at all.
    assert CliRunner().invoke(cli, ["audit"]).output == "Error: no tenant 'demo'\n"


def test_when_a_docs_folder_links_out_then_ingest_refuses_it_and_writes_nothing(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    run("ingest", "docs", str(FIXTURES / "docs"))
    before = index_files(tmp_path)
    docs = tmp_path / "helpcenter"
    (docs / "billing").mkdir(parents=True)
    (docs / "billing" / "refunds.md").write_text("# Refunds\n\nWithin 30 days.\n")
    (docs / "billing" / "passwd.md").symlink_to("/etc/passwd")
    result = CliRunner().invoke(cli, ["ingest", "docs", str(docs)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: a symbolic link leads out of the folder, so nothing was ingested: "
        "billing/passwd.md (a file). Replace it with a copy of what it points to, or remove it.\n"
    )
    assert index_files(tmp_path) == before


def test_when_a_draft_is_asked_for_then_it_is_printed_with_citations(run) -> None:  # type: ignore[no-untyped-def]
    run("ingest", "docs", str(FIXTURES / "docs"), "--base-url", "https://help.test")
    run("ingest", "tickets", str(FIXTURES / "tickets.jsonl"))
    result = run("draft", "N-1")
    assert result.exit_code == 0
    assert result.output.startswith("Gate: clear, no review needed\n\n")
    assert "[1] E-104 during setup (ticket," in result.output
    assert "https://help.test/devices/wifi-pairing#error-e-104" in result.output
    assert "intact: 2 events" in run("audit").output


def test_when_a_draft_is_gated_then_its_review_state_comes_before_the_text(run) -> None:  # type: ignore[no-untyped-def]
    result = run("draft", "N-4")
    assert result.exit_code == 0
    headline, reason = result.output.splitlines()[:2]
    assert headline == "NEEDS REVIEW (medical, US-CA): not to be used until a reviewer approves it"
    assert reason.startswith("  This draft may give medical advice")
    assert "  rule '" in result.output.split("\n\n")[0]


def test_when_a_source_is_deleted_then_it_is_gone(run) -> None:  # type: ignore[no-untyped-def]
    run("ingest", "tickets", str(FIXTURES / "tickets.jsonl"))
    assert run("sources", "delete", "ticket", "R-2").output == "deleted 1 index entries\n"
    result = run("ingest", "tickets", str(FIXTURES / "tickets.jsonl"), "--prune")
    assert "deleted 0 no longer present" in result.output


def test_reviewers_are_added_with_a_one_time_token_and_credentials(run) -> None:  # type: ignore[no-untyped-def]
    added = run("reviewers", "add", "Ana Ruiz", "Ana@Example.com")
    assert added.output.startswith("added reviewer 1 Ana Ruiz <ana@example.com>\n")
    token = added.output.strip().splitlines()[-1]
    assert len(token) >= 24
    result = run(
        "reviewers",
        "credential",
        "ana@example.com",
        "--domain",
        "insurance",
        "--jurisdiction",
        "US-*",
        "--licence",
        "CA-0912",
        "--expires",
        "2099-01-31",
    )
    # A licence already lapsed is refused (tests/unit/test_reviewer_lifecycle.py).
    assert result.output == "ana@example.com may now review insurance in US-* until 2099-01-31\n"
    listing = run("reviewers", "list").output
    assert "insurance  US-*                 CA-0912 until 2099-01-31\n" in listing
    missing = CliRunner().invoke(
        cli,
        [
            "reviewers",
            "credential",
            "bo@example.com",
            "--domain",
            "legal",
            "--jurisdiction",
            "GB",
            "--licence",
            "x",
            "--expires",
            "2030-01-01",
        ],
    )
    assert (missing.exit_code, missing.output) == (
        1,
        "Error: no reviewer with e-mail bo@example.com\n",
    )
