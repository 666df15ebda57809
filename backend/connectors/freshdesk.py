"""Freshdesk through its REST API v2 (requests): tickets, context, history, solutions.

The only writes are a private note (``private: true``) and an escalation: the ticket's tags
extended and its group set, then such a note. API v2 has no ticket activity (audit) endpoint,
so ``team_history`` is empty: an automation's ``group_changed`` webhook records a ticket's
moves between teams instead (backend/api/webhook_events.py). Lists follow the ``link`` response
header, but only ever back to the tenant's own Freshdesk host: the API key goes nowhere else.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from backend.connectors import TeamMove, connectors
from backend.connectors.context import custom_fields, plan_of, summaries
from backend.connectors.dimensions import Names, mapped_fields
from backend.connectors.http import check, transport_errors
from backend.connectors.settings import HelpdeskSettings, SettingsLookup
from backend.errors import ConfigError, ConnectorError, NotFound, PrecedentError, TicketNotFound
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

STATUS = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}
RESOLVED = (4, 5)
OPEN = (2, 3)
PUBLISHED = 2  # solution article status; 1 is draft
MAX_PAGES = 300  # Freshdesk stops listing after page 300: restart from the last update
BEGINNING = "1970-01-01T00:00:00Z"
COMPANY_FIELDS = ("account_tier", "health_score", "industry", "renewal_date")
NAMED = {"group": "/api/v2/groups/", "product": "/api/v2/products/"}


@dataclass(frozen=True)
class _Account:
    session: requests.Session
    name: str  # "Freshdesk acme.freshdesk.com": for messages, never a credential
    base_url: str  # https://acme.freshdesk.com
    settings: HelpdeskSettings
    names: Names  # group and product names by id


@connectors.register("freshdesk")
class FreshdeskConnector:
    def __init__(
        self,
        settings: SettingsLookup,
        *,
        timeout: float = 30.0,
        page_size: int = 100,
        recent_tickets: int = 5,
    ) -> None:
        self._settings = settings
        self._timeout = timeout
        self._page_size = min(page_size, 100)
        self._recent = recent_tickets
        self._accounts: dict[str, _Account] = {}

    def get_ticket(self, tenant: str, ticket_id: str) -> Ticket:
        account = self._account(tenant)
        missing = TicketNotFound(f"ticket '{ticket_id}' was not found in {account.name}")
        if not ticket_id.isdigit():
            raise missing
        path = f"/api/v2/tickets/{ticket_id}"
        raw = self._get(account, path, {"include": "requester"}, missing).json()
        conversations = list(self._get_all(account, f"{path}/conversations", {}, missing))
        return replace(_ticket(tenant, account, raw, conversations), **_dimensions(account, raw))

    def list_open_tickets(self, tenant: str, limit: int = 100) -> list[Ticket]:
        account = self._account(tenant)
        params = {"order_by": "updated_at", "per_page": self._page_size, "include": "description"}
        found = NotFound(f"{account.name}: the ticket list was not found")
        rows = self._get_all(account, "/api/v2/tickets", params, found)
        open_rows = islice((t for t in rows if t.get("status") in OPEN), limit)
        return [_ticket(tenant, account, t, []) for t in open_rows]  # stops paging at limit

    def customer_context(self, tenant: str, ticket: Ticket) -> CustomerContext | None:
        if not ticket.requester.id.isdigit():
            return None
        account = self._account(tenant)
        missing = NotFound(f"{account.name}: contact {ticket.requester.id} was not found")
        contact = self._get(account, f"/api/v2/contacts/{ticket.requester.id}", {}, missing)
        person: dict[str, Any] = contact.json()
        company = self._company(account, person.get("company_id"))
        fields = {**custom_fields(person.get("custom_fields")), **_company_fields(company)}
        params = _recent_params(ticket, self._recent)
        recent = self._get(account, "/api/v2/tickets", params, missing)
        others = [_summary(t) for t in recent.json() if str(t["id"]) != ticket.id]
        return CustomerContext(
            requester=ticket.requester,
            organization=str(company.get("name") or ""),
            plan=plan_of(fields),
            fields=fields,
            tags=tuple(person.get("tags") or ()),
            recent_tickets=summaries(others, self._recent),
        )

    def resolved_tickets(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Ticket]:
        account = self._account(tenant)
        params = dict(parse_qsl(cursor)) if cursor else self._since(since)
        missing = ConnectorError(f"{account.name}: the ticket list was not found")
        response = self._get(account, "/api/v2/tickets", params, missing)
        rows: list[dict[str, Any]] = response.json()
        tickets = tuple(
            self._with_conversations(tenant, account, raw)
            for raw in rows
            if raw.get("status") in RESOLVED
        )
        following = self._next(account, response)
        if following is not None and int(following.get("page", "1")) <= MAX_PAGES:
            return Page(tickets, urlencode(following), done=False)
        latest = max((str(r.get("updated_at") or "") for r in rows), default="")
        restart = {**params, "updated_since": latest or params.get("updated_since", BEGINNING)}
        restart.pop("page", None)
        return Page(tickets, urlencode(restart), done=following is None)

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        """The whole knowledge base in one page (Freshdesk has no article export)."""
        account = self._account(tenant)
        after = cursor or (_iso(since) if since else "")
        found = [a for a in self._all_articles(account) if a.updated_at > after]
        latest = max((a.updated_at for a in found), default=after)
        return Page(tuple(found), latest, done=True)

    def add_internal_note(self, tenant: str, ticket_id: str, body: str) -> None:
        account = self._account(tenant)
        missing = TicketNotFound(f"ticket '{ticket_id}' was not found in {account.name}")
        if not ticket_id.isdigit():
            raise missing
        note = {"body": html.escape(body).replace("\n", "<br>"), "private": True}
        self._request(account, "POST", f"/api/v2/tickets/{ticket_id}/notes", missing, json=note)

    def escalate(
        self, tenant: str, ticket_id: str, note: str, group: str, tags: tuple[str, ...]
    ) -> None:
        account = self._account(tenant)
        missing = TicketNotFound(f"ticket '{ticket_id}' was not found in {account.name}")
        if not ticket_id.isdigit():
            raise missing
        if group and not group.isdigit():
            raise ConfigError(f"{account.name}: escalation group '{group}' is not a group id")
        path = f"/api/v2/tickets/{ticket_id}"
        current: dict[str, Any] = self._get(account, path, {}, missing).json()
        kept = [str(t) for t in current.get("tags") or ()]
        change: dict[str, Any] = {"tags": kept + [t for t in tags if t not in kept]}
        if group:
            change["group_id"] = int(group)
        if tags or group:  # an update replaces the tag list: the ticket's own tags go along
            self._request(account, "PUT", path, missing, json=change)
        self.add_internal_note(tenant, ticket_id, note)

    def team_history(self, tenant: str, ticket_id: str) -> list[TeamMove]:
        """Always []: Freshdesk API v2 lists no ticket activities (group changes come by
        webhook), so no request is made."""
        return []

    def _account(self, tenant: str) -> _Account:
        if tenant not in self._accounts:
            names = Names(lambda kind, ident: self._name(tenant, kind, ident))
            self._accounts[tenant] = _connect(self._settings(tenant), names)
        return self._accounts[tenant]

    def _name(self, tenant: str, kind: str, ident: str) -> str:
        account = self._account(tenant)
        missing = NotFound(f"{account.name}: {kind} {ident} was not found")
        found: dict[str, Any] = self._get(account, NAMED[kind] + ident, {}, missing).json()
        return str(found.get("name") or "")

    def _since(self, since: datetime | None) -> dict[str, str]:
        return {
            "updated_since": _iso(since) if since else BEGINNING,
            "order_by": "updated_at",
            "order_type": "asc",
            "per_page": str(self._page_size),
            # The requester's name and e-mail are redacted wherever they occur in the history.
            "include": "requester,description",
        }

    def _with_conversations(self, tenant: str, account: _Account, raw: dict[str, Any]) -> Ticket:
        missing = ConnectorError(f"{account.name}: ticket {raw['id']} vanished during export")
        path = f"/api/v2/tickets/{raw['id']}/conversations"
        return _ticket(tenant, account, raw, list(self._get_all(account, path, {}, missing)))

    def _company(self, account: _Account, company_id: Any) -> dict[str, Any]:
        if not company_id:
            return {}
        try:
            response = self._get(account, f"/api/v2/companies/{company_id}", {}, NotFound(""))
        except NotFound:  # deleted company: the rest of the context still helps
            return {}
        company: dict[str, Any] = response.json()
        return company

    def _all_articles(self, account: _Account) -> Iterator[Article]:
        missing = ConnectorError(f"{account.name}: solutions are not enabled")
        for category in self._get_all(account, "/api/v2/solutions/categories", {}, missing):
            path = f"/api/v2/solutions/categories/{category['id']}/folders"
            for folder in self._get_all(account, path, {}, missing):
                yield from self._folder_articles(account, folder, missing)

    def _folder_articles(
        self, account: _Account, folder: dict[str, Any], missing: PrecedentError
    ) -> Iterator[Article]:
        base = f"/api/v2/solutions/folders/{folder['id']}"
        for raw in self._get_all(account, f"{base}/articles", {}, missing):
            yield _article(account, raw, str(folder.get("name") or ""))
        for sub in self._get_all(account, f"{base}/subfolders", {}, missing):
            yield from self._folder_articles(account, sub, missing)

    def _get_all(
        self, account: _Account, path: str, params: dict[str, Any], missing: PrecedentError
    ) -> Iterator[dict[str, Any]]:
        query: dict[str, Any] | None = {"per_page": self._page_size, **params}
        while query is not None:
            response = self._get(account, path, query, missing)
            yield from response.json()
            query = self._next(account, response)

    def _next(self, account: _Account, response: requests.Response) -> dict[str, str] | None:
        """The next page's query, from the ``link`` header; None on the last page."""
        url = response.links.get("next", {}).get("url")
        if not url:
            return None
        parts = urlsplit(url)
        if parts.netloc and f"https://{parts.netloc}" != account.base_url:
            raise ConnectorError(f"{account.name} sent a next-page link to another host")
        return dict(parse_qsl(parts.query))

    def _get(
        self, account: _Account, path: str, params: dict[str, Any], missing: PrecedentError
    ) -> requests.Response:
        return self._request(account, "GET", path, missing, params=params)

    def _request(
        self, account: _Account, method: str, path: str, missing: PrecedentError, **kwargs: Any
    ) -> requests.Response:
        with transport_errors(account.name):
            response = account.session.request(
                method, account.base_url + path, timeout=self._timeout, **kwargs
            )
        if response.status_code == 404:
            raise missing
        check(response, account.name)
        return response


def _connect(settings: HelpdeskSettings, names: Names) -> _Account:
    if settings.platform != "freshdesk":
        raise ConfigError(
            f"tenant '{settings.tenant}' is connected to {settings.platform}, not Freshdesk"
        )
    if not settings.api_token:
        raise ConfigError(f"Freshdesk {settings.host}: set the API key")
    host = settings.host if "." in settings.host else f"{settings.host}.freshdesk.com"
    session = requests.Session()
    session.auth = (settings.api_token, "X")  # Freshdesk: API key as user, any password
    session.headers["Content-Type"] = "application/json"
    return _Account(session, f"Freshdesk {host}", f"https://{host}", settings, names)


def _ticket(
    tenant: str, account: _Account, raw: dict[str, Any], conversations: list[dict[str, Any]]
) -> Ticket:
    requester_id = raw.get("requester_id")
    person = raw.get("requester") or {}
    comments = tuple(
        Comment(
            author="customer" if c.get("user_id") == requester_id else "agent",
            body=str(c.get("body_text") or ""),
            public=not c.get("private", False),
            created_at=c.get("created_at"),
        )
        for c in conversations
    )
    return Ticket(
        tenant=tenant,
        id=str(raw["id"]),
        subject=str(raw.get("subject") or ""),
        body=str(raw.get("description_text") or ""),
        comments=comments,
        requester=Requester(
            str(person.get("name") or ""),
            str(person.get("email") or ""),
            str(requester_id or ""),
        ),
        tags=tuple(raw.get("tags") or ()),
        created_at=str(raw.get("created_at") or ""),
        status=STATUS.get(raw.get("status") or 0, str(raw.get("status") or "")),
        url=f"{account.base_url}/a/tickets/{raw['id']}",
    )


def _recent_params(ticket: Ticket, limit: int) -> dict[str, str]:
    return {
        "requester_id": ticket.requester.id,
        "order_by": "created_at",
        "order_type": "desc",
        "per_page": str(limit + 1),  # one more: the open ticket itself is among them
    }


def _summary(raw: dict[str, Any]) -> TicketSummary:
    status = raw.get("status") or 0
    return TicketSummary(
        id=str(raw["id"]),
        subject=str(raw.get("subject") or ""),
        status=STATUS.get(status, str(status)),
        created_at=str(raw.get("created_at") or ""),
    )


def _company_fields(company: dict[str, Any]) -> dict[str, str]:
    known = {k: company.get(k) for k in COMPANY_FIELDS}
    return {**custom_fields(known), **custom_fields(company.get("custom_fields"))}


def _article(account: _Account, raw: dict[str, Any], folder: str) -> Article:
    return Article(
        id=str(raw["id"]),
        title=str(raw.get("title") or ""),
        body=str(raw.get("description") or ""),
        url=f"{account.base_url}/support/solutions/articles/{raw['id']}",
        updated_at=str(raw.get("updated_at") or ""),
        section=folder,
        published=raw.get("status") == PUBLISHED,
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dimensions(account: _Account, raw: dict[str, Any]) -> dict[str, Any]:
    """Team (group), brand (product), type and the mapped custom fields of a ticket."""
    fields = custom_fields(raw.get("custom_fields"))
    location, jurisdiction = mapped_fields(account.settings, fields)
    dimensions = Dimensions(
        team=account.names("group", raw.get("group_id")),
        brand=account.names("product", raw.get("product_id")),
        location=location,
        ticket_type=str(raw.get("type") or ""),
    )
    return {"dimensions": dimensions, **({"jurisdiction": jurisdiction} if jurisdiction else {})}
