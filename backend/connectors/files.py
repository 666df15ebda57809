"""The files connector: open tickets from a JSONL file, and readers for exports and docs.

Open tickets (``PRECEDENT_FILES_INBOX``) stand in for a helpdesk's ticket API. Resolved
ticket exports (CSV / JSONL) and documentation folders (Markdown / HTML) feed ingestion.
Notes and escalations are appended to files beside the inbox; a ticket's moves between teams
are the ones its escalations there imply.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backend import jsonl
from backend.connectors import TeamMove, connectors
from backend.connectors.folders import doc_files
from backend.errors import ConfigError, InputError, TicketNotFound
from backend.gate.jurisdictions import ticket_jurisdiction
from backend.retrieval.chunking import Section, split_html, split_markdown
from backend.types import (
    Article,
    Comment,
    CustomerContext,
    Dimensions,
    Page,
    Requester,
    Ticket,
    TicketSummary,
)

TICKET_FIELDS = (
    "id",
    "subject",
    "body",
    "resolution",
    "tags",
    "created_at",
    "solved_at",
    "url",
    "requester_name",
    "requester_email",
)
REQUIRED_FIELDS = ("id", "body", "resolution")
LINE_NUMBER = "@line"  # map id=@line when an export has no id column
DOC_SUFFIXES = {
    ".md": split_markdown,
    ".markdown": split_markdown,
    ".html": split_html,
    ".htm": split_html,
}


@connectors.register("files")
class FilesConnector:
    def __init__(self, inbox: str) -> None:
        self._inbox = Path(inbox)

    def get_ticket(self, tenant: str, ticket_id: str) -> Ticket:
        for ticket in self._read(tenant):
            if ticket.id == ticket_id:
                return ticket
        raise TicketNotFound(f"ticket '{ticket_id}' was not found in {self._inbox.name}")

    def list_open_tickets(self, tenant: str, limit: int = 100) -> list[Ticket]:
        return list(self._read(tenant))[:limit]

    def customer_context(self, tenant: str, ticket: Ticket) -> CustomerContext | None:
        """The ticket row's optional ``customer`` object; None (the draft says so) without it.

        ``{"organization": "…", "plan": "…", "fields": {…}, "recent_tickets": [{"id",
        "subject", "status", "created_at"}]}`` — what a helpdesk would know about the requester.
        """
        for number, row in jsonl.rows(self._inbox, self._inbox.name):
            if str(row.get("id")) == ticket.id and isinstance(row.get("customer"), dict):
                return _customer(row["customer"], ticket, f"{self._inbox.name}:{number}")
        return None

    def resolved_tickets(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Ticket]:
        return Page((), cursor or "", done=True)  # history comes from `precedent ingest`

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        return Page((), cursor or "", done=True)  # docs come from `precedent ingest docs`

    def add_internal_note(self, tenant: str, ticket_id: str, body: str) -> None:
        """Appends to ``<inbox>.notes.jsonl`` beside the inbox: a stand-in for the helpdesk."""
        self.get_ticket(tenant, ticket_id)
        note = {"tenant": tenant, "ticket_id": ticket_id, "body": body, "private": True}
        note["at"] = datetime.now(UTC).isoformat()
        with self._inbox.with_suffix(".notes.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(note) + "\n")

    def escalate(
        self, tenant: str, ticket_id: str, note: str, group: str, tags: tuple[str, ...]
    ) -> None:
        """Appends to ``<inbox>.escalations.jsonl``: what a helpdesk would have recorded."""
        self.get_ticket(tenant, ticket_id)
        row = {"tenant": tenant, "ticket_id": ticket_id, "note": note, "private": True}
        row.update(group=group, tags=list(tags), at=datetime.now(UTC).isoformat())
        with self._inbox.with_suffix(".escalations.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")

    def team_history(self, tenant: str, ticket_id: str) -> list[TeamMove]:
        """A move to each escalation's group in ``<inbox>.escalations.jsonl``, from the team
        before it (first the inbox row's ``team``); [] for a ticket never escalated here."""
        try:
            team = self.get_ticket(tenant, ticket_id).dimensions.team
        except TicketNotFound:  # gone from the inbox: its escalations still tell the moves
            team = ""
        moves = []
        for line, row in self._escalations(tenant, ticket_id):
            group = str(row.get("group") or "")
            if group and group != team:
                at = datetime.fromisoformat(str(row["at"]))
                moves.append(TeamMove(at, team, group, "files", f"{ticket_id}:{line}"))
                team = group
        return moves

    def _escalations(self, tenant: str, ticket_id: str) -> Iterator[tuple[int, dict[str, Any]]]:
        path = self._inbox.with_suffix(".escalations.jsonl")
        if not path.exists():
            return
        for line, row in jsonl.rows(path, path.name):
            if row.get("tenant") == tenant and str(row.get("ticket_id")) == ticket_id:
                yield line, row

    def _read(self, tenant: str) -> Iterator[Ticket]:
        # Messages may reach API clients: they name the file, never the server's folders.
        name = self._inbox.name
        if not self._inbox.exists() or self._inbox.is_dir():
            raise ConfigError(f"open-tickets file not found: {name} (PRECEDENT_FILES_INBOX)")
        for number, row in jsonl.rows(self._inbox, name):
            yield _ticket(tenant, row, f"{name}:{number}")


def _ticket(tenant: str, row: dict[str, Any], where: str) -> Ticket:
    try:
        requester = row.get("requester") or {}
        comments = tuple(
            Comment(
                str(c["author"]), str(c["body"]), bool(c.get("public", True)), c.get("created_at")
            )
            for c in row.get("comments") or []
        )
        return Ticket(
            tenant=tenant,
            id=str(row["id"]),
            subject=str(row.get("subject") or ""),
            body=str(row["body"]),
            comments=comments,
            requester=Requester(str(requester.get("name", "")), str(requester.get("email", ""))),
            jurisdiction=ticket_jurisdiction(str(row.get("jurisdiction") or "")),
            tags=tuple(row.get("tags") or ()),
            created_at=str(row.get("created_at") or ""),
            dimensions=Dimensions(
                team=str(row.get("team") or ""),
                brand=str(row.get("brand") or ""),
                location=str(row.get("location") or ""),
                ticket_type=str(row.get("type") or ""),
            ),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{where}: ticket is missing or has a malformed field ({exc})") from None


def _customer(customer: dict[str, Any], ticket: Ticket, where: str) -> CustomerContext:
    try:
        recent = tuple(
            TicketSummary(
                str(t["id"]), str(t["subject"]), str(t["status"]), str(t.get("created_at", ""))
            )
            for t in customer.get("recent_tickets") or ()
        )
        return CustomerContext(
            requester=ticket.requester,
            organization=str(customer.get("organization") or ""),
            plan=str(customer.get("plan") or ""),
            fields={str(k): str(v) for k, v in (customer.get("fields") or {}).items()},
            recent_tickets=recent,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{where}: 'customer' is malformed ({exc})") from None


@dataclass(frozen=True)
class ResolvedTicket:
    id: str
    subject: str
    body: str
    resolution: str
    tags: tuple[str, ...]
    created_at: str
    solved_at: str
    url: str
    requester: Requester


def parse_mapping(spec: str) -> dict[str, str]:
    """``body=instruction,resolution=response`` -> {field: column}."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        field, sep, column = item.partition("=")
        if not sep or not column.strip():
            raise InputError(f"bad column mapping '{item}': write FIELD=COLUMN")
        if field.strip() not in TICKET_FIELDS:
            raise InputError(
                f"bad column mapping '{item}': unknown field '{field.strip()}'. "
                f"Valid fields are: {', '.join(TICKET_FIELDS)}"
            )
        mapping[field.strip()] = column.strip()
    return mapping


def read_ticket_export(path: Path, mapping: dict[str, str] | None = None) -> list[ResolvedTicket]:
    """Read and validate a whole export before anything is written anywhere."""
    rows = list(_export_rows(path))
    columns = set().union(*(row.keys() for _, row in rows)) if rows else set()
    fields = {f: (mapping or {}).get(f, f) for f in TICKET_FIELDS}
    _check_columns(path, fields, columns, mapping or {})
    tickets = [_resolved(path, number, row, fields) for number, row in rows]
    _check_unique(path, tickets)
    return tickets


def _export_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield number, dict(row)
    elif path.suffix.lower() in {".jsonl", ".ndjson"}:
        yield from jsonl.rows(path)
    else:
        raise InputError(f"{path}: unsupported file type '{path.suffix}'; use .csv or .jsonl")


def _check_columns(
    path: Path, fields: dict[str, str], columns: set[str], mapping: dict[str, str]
) -> None:
    for field in REQUIRED_FIELDS:
        column = fields[field]
        if column != LINE_NUMBER and column not in columns:
            hint = f" (mapped to {field})" if field in mapping else ""
            raise InputError(
                f"{path}: column '{column}'{hint} not found; its columns are: "
                f"{', '.join(sorted(columns)) or 'none'}"
            )
    for field, column in mapping.items():
        if column != LINE_NUMBER and column not in columns:
            raise InputError(
                f"{path}: column '{column}' (mapped to {field}) not found; its columns are: "
                f"{', '.join(sorted(columns))}"
            )


def _resolved(
    path: Path, number: int, row: dict[str, Any], fields: dict[str, str]
) -> ResolvedTicket:
    def get(field: str) -> Any:
        return number if fields[field] == LINE_NUMBER else row.get(fields[field])

    ticket_id, body, resolution = str(get("id") or "").strip(), get("body"), get("resolution")
    if not ticket_id or not str(body or "").strip() or not str(resolution or "").strip():
        raise InputError(f"{path}:{number}: id, body and resolution must not be empty")
    requester: dict[str, Any] = row["requester"] if isinstance(row.get("requester"), dict) else {}
    return ResolvedTicket(
        id=ticket_id,
        subject=str(get("subject") or ""),
        body=str(body),
        resolution=str(resolution),
        tags=_tags(get("tags")),
        created_at=str(get("created_at") or ""),
        solved_at=str(get("solved_at") or ""),
        url=str(get("url") or ""),
        requester=Requester(
            str(get("requester_name") or requester.get("name", "")),
            str(get("requester_email") or requester.get("email", "")),
        ),
    )


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return tuple(t.strip() for t in str(value or "").replace("|", ",").split(",") if t.strip())


def _check_unique(path: Path, tickets: list[ResolvedTicket]) -> None:
    seen: set[str] = set()
    for ticket in tickets:
        if ticket.id in seen:
            raise InputError(f"{path}: ticket id '{ticket.id}' appears more than once")
        seen.add(ticket.id)


@dataclass(frozen=True)
class Document:
    source_id: str  # path relative to the folder, e.g. "billing/refunds.md"
    sections: list[Section]


def read_doc_folder(folder: Path) -> list[Document]:
    if not folder.is_dir():
        raise InputError(f"folder not found: {folder}")
    documents = []
    for path in doc_files(folder, DOC_SUFFIXES):  # refuses links that leave the folder
        source_id = path.relative_to(folder).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text") from None
        split = DOC_SUFFIXES[path.suffix.lower()]
        documents.append(Document(source_id, split(text, path.stem.replace("-", " ").title())))
    if not documents:
        raise InputError(f"{folder}: no Markdown or HTML files found")
    return documents
