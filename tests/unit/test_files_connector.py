import json
from pathlib import Path

import pytest

from backend.connectors.files import (
    FilesConnector,
    parse_mapping,
    read_doc_folder,
    read_ticket_export,
)
from backend.errors import ConfigError, InputError, TicketNotFound

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_when_export_is_jsonl_then_requester_and_tags_are_read() -> None:
    tickets = read_ticket_export(FIXTURES / "tickets.jsonl")
    assert [t.id for t in tickets] == ["R-1", "R-2", "R-3"]
    assert tickets[0].requester.name == "Maria Lopez"
    assert tickets[0].tags == ("wifi", "e-104")


def test_when_csv_columns_differ_then_a_mapping_loads_it() -> None:
    mapping = parse_mapping("id=ticket, body=question, resolution=answer, tags=labels")
    tickets = read_ticket_export(FIXTURES / "tickets.csv", mapping)
    assert [(t.id, t.tags) for t in tickets] == [("C-1", ("wifi", "setup")), ("C-2", ("billing",))]


def test_when_an_export_has_no_id_column_then_line_numbers_can_be_ids() -> None:
    mapping = parse_mapping("id=@line,body=question,resolution=answer")
    assert [t.id for t in read_ticket_export(FIXTURES / "tickets.csv", mapping)] == ["2", "3"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("body", "bad column mapping 'body': write FIELD=COLUMN"),
        (
            "bdy=question",
            "bad column mapping 'bdy=question': unknown field 'bdy'. Valid fields "
            "are: id, subject, body, resolution, tags, created_at, solved_at, url, requester_name, "
            "requester_email",
        ),
    ],
)
def test_when_a_mapping_is_malformed_then_the_error_says_how_to_write_it(
    spec: str, message: str
) -> None:
    with pytest.raises(InputError) as error:
        parse_mapping(spec)
    assert error.value.message == message


def test_when_a_mapped_column_is_missing_then_the_columns_are_listed() -> None:
    path = FIXTURES / "tickets.csv"
    with pytest.raises(InputError) as error:
        read_ticket_export(path, parse_mapping("id=ticket,body=text,resolution=answer"))
    assert error.value.message == (
        f"{path}: column 'text' (mapped to body) not found; its columns are: "
        "answer, labels, question, ticket"
    )


def test_when_the_file_is_missing_then_the_error_names_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^file not found: .*nope\.csv$"):
        read_ticket_export(tmp_path / "nope.csv")


def test_when_a_jsonl_line_is_broken_then_the_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "1", "body": "b", "resolution": "r"}\n{"id": 2,\n')
    with pytest.raises(InputError, match=r"t\.jsonl:2: not valid JSON"):
        read_ticket_export(path)


def test_when_ids_repeat_then_the_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "1", "body": "b", "resolution": "r"}\n' * 2)
    with pytest.raises(InputError, match="ticket id '1' appears more than once"):
        read_ticket_export(path)


def test_when_a_row_has_an_empty_resolution_then_the_error_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,body,resolution\n1,question,\n")
    with pytest.raises(InputError, match=r"t\.csv:2: id, body and resolution must not be empty"):
        read_ticket_export(path)


def test_when_a_folder_has_articles_then_each_keeps_its_relative_path() -> None:
    docs = read_doc_folder(FIXTURES / "docs")
    assert [d.source_id for d in docs] == ["billing/refunds.html", "devices/wifi-pairing.md"]


def test_when_a_folder_has_no_articles_then_it_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no Markdown or HTML files found"):
        read_doc_folder(tmp_path)


def docs_with_links(tmp_path: Path) -> tuple[Path, Path]:
    """A docs folder holding one real article, and a folder outside it with a secret."""
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    (docs / "guides").mkdir(parents=True)
    (docs / "guides" / "wifi.md").write_text("# Wi-Fi\n\nHold the button.\n")
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nroot:x:0:0\n")
    return docs, outside


def test_when_a_file_link_leads_out_of_the_folder_then_it_is_refused_by_its_relative_path(
    tmp_path: Path,
) -> None:
    docs, outside = docs_with_links(tmp_path)
    (docs / "guides" / "passwd.md").symlink_to(outside / "secret.md")
    with pytest.raises(InputError) as refused:
        read_doc_folder(docs)
    assert refused.value.message == (
        "a symbolic link leads out of the folder, so nothing was ingested: guides/passwd.md "
        "(a file). Replace it with a copy of what it points to, or remove it."
    )
    assert str(tmp_path) not in refused.value.message


def test_when_a_directory_link_leads_out_of_the_folder_then_every_leaving_link_is_named(
    tmp_path: Path,
) -> None:
    docs, outside = docs_with_links(tmp_path)
    (docs / "shared").symlink_to(outside, target_is_directory=True)
    (docs / "guides" / "up.md").symlink_to("../../outside/secret.md")  # relative, still out
    with pytest.raises(InputError) as refused:
        read_doc_folder(docs)
    assert refused.value.message == (
        "2 symbolic links lead out of the folder, so nothing was ingested: guides/up.md "
        "(a file), shared (a directory). Replace them with copies of what they point to, or "
        "remove them."
    )


def test_when_links_stay_inside_the_folder_then_they_are_skipped_and_targets_read_once(
    tmp_path: Path,
) -> None:
    docs, outside = docs_with_links(tmp_path)
    (docs / "wifi-again.md").symlink_to(docs / "guides" / "wifi.md")
    (docs / "guides" / "loop").symlink_to("..", target_is_directory=True)
    (docs / "gone.md").symlink_to(docs / "deleted.md")  # dangling, inside
    (docs / "logo.png").symlink_to(outside / "secret.md")  # not an article: never read
    docs_read = read_doc_folder(docs)
    assert [d.source_id for d in docs_read] == ["guides/wifi.md"]


def test_when_a_ticket_is_open_then_the_connector_returns_it_with_comments() -> None:
    ticket = FilesConnector(str(FIXTURES / "inbox.jsonl")).get_ticket("demo", "N-1")
    assert ticket.requester.email == "jane.roe@example.org"
    assert [c.public for c in ticket.comments] == [True, False]
    assert "restarted the router" in ticket.customer_text()
    assert "Internal" not in ticket.customer_text()


def test_when_a_ticket_is_unknown_then_it_is_not_found() -> None:
    with pytest.raises(TicketNotFound, match="ticket 'N-9' was not found"):
        FilesConnector(str(FIXTURES / "inbox.jsonl")).get_ticket("demo", "N-9")


def test_when_the_inbox_file_is_missing_then_the_setting_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        FilesConnector(str(tmp_path / "none.jsonl")).get_ticket("demo", "N-1")
    assert error.value.message == "open-tickets file not found: none.jsonl (PRECEDENT_FILES_INBOX)"


def test_when_the_inbox_is_unreadable_then_messages_name_the_file_not_its_folder(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text('{"id": "N-1", "body": "hi"}\nnot json\n')
    files = FilesConnector(str(inbox))
    with pytest.raises(InputError) as error:
        files.get_ticket("demo", "N-9")
    assert error.value.message == "inbox.jsonl:2: not valid JSON (Expecting value)"
    inbox.write_text('{"id": "N-1", "body": "hi"}\n')
    with pytest.raises(TicketNotFound) as missing:
        files.get_ticket("demo", "N-9")
    assert missing.value.message == "ticket 'N-9' was not found in inbox.jsonl"
    assert str(tmp_path) not in error.value.message + missing.value.message


def inbox_with_customer(tmp_path: Path, customer: object) -> FilesConnector:
    rows = [json.loads(line) for line in (FIXTURES / "inbox.jsonl").read_text().splitlines()]
    rows[0]["customer"] = customer
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return FilesConnector(str(inbox))


def test_when_a_row_describes_the_customer_then_that_is_the_context(tmp_path: Path) -> None:
    customer = {
        "organization": "Harbourline",
        "plan": "Business",
        "fields": {"Country": "IE"},
        "recent_tickets": [{"id": "T-7", "subject": "Quote", "status": "solved"}],
    }
    files = inbox_with_customer(tmp_path, customer)
    context = files.customer_context("demo", files.get_ticket("demo", "N-1"))
    assert context is not None
    assert (context.organization, context.plan, dict(context.fields)) == (
        "Harbourline",
        "Business",
        {"Country": "IE"},
    )
    assert [(t.id, t.status) for t in context.recent_tickets] == [("T-7", "solved")]
    assert files.customer_context("demo", files.get_ticket("demo", "N-2")) is None


def test_when_a_customer_object_is_malformed_then_the_error_names_the_line(
    tmp_path: Path,
) -> None:
    files = inbox_with_customer(tmp_path, {"recent_tickets": [{"subject": "no id"}]})
    with pytest.raises(InputError) as error:
        files.customer_context("demo", files.get_ticket("demo", "N-1"))
    assert error.value.message.startswith("inbox.jsonl:1: 'customer' is malformed")


def test_an_export_file_has_no_customer_context_history_or_articles() -> None:
    files = FilesConnector(str(FIXTURES / "inbox.jsonl"))
    ticket = files.get_ticket("demo", "N-1")
    assert files.customer_context("demo", ticket) is None
    assert files.resolved_tickets("demo").done and not files.resolved_tickets("demo").items
    assert files.articles("demo", cursor="c").next_cursor == "c"


def test_when_a_note_is_written_then_it_is_private_and_beside_the_inbox(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text((FIXTURES / "inbox.jsonl").read_text())
    FilesConnector(str(inbox)).add_internal_note("demo", "N-1", "draft ready")
    note = json.loads((tmp_path / "inbox.notes.jsonl").read_text())
    assert (note["ticket_id"], note["body"], note["private"]) == ("N-1", "draft ready", True)
    with pytest.raises(TicketNotFound):
        FilesConnector(str(inbox)).add_internal_note("demo", "N-9", "draft ready")


def test_when_a_ticket_is_escalated_then_note_group_and_tags_are_written_beside_the_inbox(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text((FIXTURES / "inbox.jsonl").read_text())
    FilesConnector(str(inbox)).escalate("demo", "N-1", "needs tier 2", "Tier 2", ("escalated",))
    row = json.loads((tmp_path / "inbox.escalations.jsonl").read_text())
    assert (row["ticket_id"], row["note"], row["private"]) == ("N-1", "needs tier 2", True)
    assert (row["group"], row["tags"]) == ("Tier 2", ["escalated"])
    with pytest.raises(TicketNotFound):
        FilesConnector(str(inbox)).escalate("demo", "N-9", "x", "", ())
