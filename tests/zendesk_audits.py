"""A local Zendesk account that also answers a ticket's audits, in pages, recorded-shape
(tests/fixtures/zendesk/audits_42_page*.json), for the connector's ``team_history``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.servers import NOT_FOUND, ZendeskAccount

FIXTURES = Path(__file__).parent / "fixtures" / "zendesk"
AUDITS = re.compile(r"/api/v2/tickets/(?P<id>\d+)/audits\.json")
GROUPS = {12: "Devices", 14: "Billing"}


def recorded_audit_pages() -> list[dict[str, Any]]:
    return [json.loads((FIXTURES / f"audits_42_page{n}.json").read_text()) for n in (1, 2)]


@dataclass
class AuditedAccount(ZendeskAccount):
    """Audits per ticket as the pages Zendesk sends; the page after a cursor is the next."""

    audits: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    failing: dict[int, int] = field(default_factory=dict)  # ticket -> HTTP status it answers

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        parts = urlsplit(path)
        found = AUDITS.fullmatch(parts.path)
        if not found or method != "GET":
            return super().answer(method, path, body)
        number = int(found["id"])
        if number in self.failing:
            return self.failing[number], {"error": "InternalError"}
        pages = self.audits.get(number)
        if pages is None:
            return 404, NOT_FOUND
        after = parse_qs(parts.query).get("page[after]")
        return 200, pages[1] if after and len(pages) > 1 else pages[0]


def audited_acme(*tickets: int) -> AuditedAccount:
    """Tickets with the recorded audits of ticket 42, groups named. Audit and event ids are
    unique in an account: another ticket's are 42's plus 100000 times (its number - 42)."""
    groups = {n: {"id": n, "name": name} for n, name in GROUPS.items()}
    audits = {n: renumbered(recorded_audit_pages(), n) for n in tickets}
    return AuditedAccount(groups=groups, audits=audits)


def renumbered(pages: list[dict[str, Any]], ticket: int) -> list[dict[str, Any]]:
    shift = 100000 * (ticket - 42)
    for page in pages:
        links = page["links"]
        links.update({k: v.replace("/42/", f"/{ticket}/") for k, v in links.items() if v})
    for audit in (a for page in pages for a in page["audits"]):
        audit.update(id=audit["id"] + shift, ticket_id=ticket)
        for event in audit["events"]:
            event["id"] += shift
    return pages
