"""Zendesk through zenpy: tickets, customer context, history and Help Center articles.

A ticket's moves between teams come from its audits: each ``Change`` event of the field
``group_id`` (previous group -> new group, at the audit's time), group ids named as a
draft's team is.

The only writes are an internal note (a comment with ``public: false``) and an escalation:
tags added, a group assigned, and such a note. zenpy's own waiting
on 429 is cut short by a response hook that raises ``ConnectorRateLimited`` instead, so the
task retries later rather than a worker sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import requests
from zenpy import Zenpy
from zenpy.lib.api_objects import Comment as ZendeskComment
from zenpy.lib.api_objects import Ticket as ZendeskTicket
from zenpy.lib.exception import APIException, RecordNotFoundException, ZenpyException

from backend.connectors import TeamMove, connectors
from backend.connectors.context import custom_fields, plan_of, summaries
from backend.connectors.dimensions import Names, mapped_fields
from backend.connectors.http import raising_hook, rebase, transport_errors
from backend.connectors.settings import HelpdeskSettings, SettingsLookup
from backend.errors import (
    ConfigError,
    ConnectorError,
    InputError,
    NotFound,
    PrecedentError,
    TicketNotFound,
)
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

RESOLVED = ("solved", "closed")
NAMED = {"group": "groups", "brand": "brands", "form": "ticket_forms"}  # zenpy endpoints


@dataclass(frozen=True)
class _Client:
    zenpy: Any  # zenpy ships no type information
    account: str  # "Zendesk acme": for messages, never a credential
    base_url: str  # https://acme.zendesk.com
    settings: HelpdeskSettings
    names: Names  # group, brand and form names by id


@connectors.register("zendesk")
class ZendeskConnector:
    def __init__(
        self,
        settings: SettingsLookup,
        *,
        domain: str = "zendesk.com",
        timeout: float = 30.0,
        page_size: int = 100,
        recent_tickets: int = 5,
    ) -> None:
        self._settings = settings
        self._domain = domain
        self._timeout = timeout
        self._page_size = page_size
        self._recent = recent_tickets
        self._clients: dict[str, _Client] = {}

    def get_ticket(self, tenant: str, ticket_id: str) -> Ticket:
        client = self._client(tenant)
        missing = TicketNotFound(f"ticket '{ticket_id}' was not found in {client.account}")
        with _boundary(client, missing):
            raw = client.zenpy.tickets(id=_number(ticket_id, missing)).to_dict()
            requester = self._requester(client, raw.get("requester_id"))
            comments = [c.to_dict() for c in client.zenpy.tickets.comments(ticket=raw["id"])]
        ticket = _ticket(tenant, client, raw, comments, requester)
        return replace(ticket, **_dimensions(client, raw))

    def list_open_tickets(self, tenant: str, limit: int = 100) -> list[Ticket]:
        client = self._client(tenant)
        with _boundary(client, NotFound(f"{client.account}: ticket search was not found")):
            found = client.zenpy.search(
                type="ticket", status_less_than="solved", sort_by="updated_at", sort_order="desc"
            )
            rows = [t.to_dict() for t in islice(found, limit)]
        return [
            _ticket(tenant, client, raw, [], Requester(id=str(raw.get("requester_id") or "")))
            for raw in rows
        ]

    def customer_context(self, tenant: str, ticket: Ticket) -> CustomerContext | None:
        if not ticket.requester.id.isdigit():
            return None
        client = self._client(tenant)
        missing = NotFound(f"{client.account}: user {ticket.requester.id} was not found")
        with _boundary(client, missing):
            user = client.zenpy.users(id=int(ticket.requester.id)).to_dict()
            org = self._organization(client, user.get("organization_id"))
            # Search sorts newest first; the requested-tickets list starts with the oldest.
            requested = client.zenpy.search(
                type="ticket", requester=user["id"], sort_by="created_at", sort_order="desc"
            )
            recent = [t.to_dict() for t in islice(requested, self._recent + 1)]
        fields = custom_fields(user.get("user_fields"))
        fields.update(custom_fields(org.get("organization_fields")))
        return CustomerContext(
            requester=ticket.requester,
            organization=str(org.get("name") or ""),
            plan=plan_of(fields),
            fields=fields,
            tags=tuple(user.get("tags") or ()) + tuple(org.get("tags") or ()),
            recent_tickets=summaries(
                [_summary(t) for t in recent if str(t["id"]) != ticket.id], self._recent
            ),
        )

    def resolved_tickets(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Ticket]:
        client = self._client(tenant)
        with _boundary(client, ConnectorError(f"{client.account}: the export was not found")):
            if cursor:
                page = client.zenpy.tickets.incremental(cursor=cursor, per_page=self._page_size)
            else:
                start = int(since.timestamp()) if since else 0
                page = client.zenpy.tickets.incremental(start_time=start, per_page=self._page_size)
            rows = [t.to_dict() for t in page.values or ()]
            people: dict[str, Requester] = {}  # one user lookup per requester per page
            tickets = tuple(
                self._with_comments(tenant, client, raw, people)
                for raw in rows
                if raw.get("status") in RESOLVED
            )
        next_cursor = getattr(page, "after_cursor", None) or cursor or ""
        return Page(tickets, next_cursor, done=bool(getattr(page, "end_of_stream", True)))

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        client = self._client(tenant)
        if cursor and not cursor.isdigit():
            raise InputError(f"bad Help Center cursor '{cursor}': expected a Unix time")
        start = int(cursor) if cursor else int(since.timestamp()) if since else 0
        with _boundary(client, ConnectorError(f"{client.account}: Help Center is not enabled")):
            page = client.zenpy.help_center.articles.incremental(start_time=start)
            rows = [a.to_dict() for a in page.values or ()]
        articles = tuple(_article(raw) for raw in rows)
        end_time = getattr(page, "end_time", None)
        next_cursor = str(end_time) if end_time else str(start)
        return Page(articles, next_cursor, done=not getattr(page, "next_page", None))

    def add_internal_note(self, tenant: str, ticket_id: str, body: str) -> None:
        client = self._client(tenant)
        missing = TicketNotFound(f"ticket '{ticket_id}' was not found in {client.account}")
        note = ZendeskTicket(id=_number(ticket_id, missing))
        note.comment = ZendeskComment(body=body, public=False)  # internal: agents only
        with _boundary(client, missing):
            client.zenpy.tickets.update(note)

    def escalate(
        self, tenant: str, ticket_id: str, note: str, group: str, tags: tuple[str, ...]
    ) -> None:
        client = self._client(tenant)
        missing = TicketNotFound(f"ticket '{ticket_id}' was not found in {client.account}")
        number = _number(ticket_id, missing)
        if group and not group.isdigit():
            raise ConfigError(f"{client.account}: escalation group '{group}' is not a group id")
        update = ZendeskTicket(id=number)
        if group:
            update.group_id = int(group)
        update.comment = ZendeskComment(body=note, public=False)  # internal: agents only
        with _boundary(client, missing):
            if tags:  # PUT .../tags adds to the ticket's tags; a ticket update would replace them
                client.zenpy.tickets.add_tags(number, list(tags))
            client.zenpy.tickets.update(update)

    def team_history(self, tenant: str, ticket_id: str) -> list[TeamMove]:
        client = self._client(tenant)
        missing = TicketNotFound(f"ticket '{ticket_id}' was not found in {client.account}")
        number = _number(ticket_id, missing)
        with _boundary(client, missing):
            audits = [a.to_dict() for a in client.zenpy.tickets.audits(ticket=number)]
        moves = [move for audit in audits for move in _group_moves(client, audit)]
        return sorted(moves, key=lambda m: m.at)

    def _client(self, tenant: str) -> _Client:
        if tenant not in self._clients:
            self._clients[tenant] = self._connect(self._settings(tenant))
        return self._clients[tenant]

    def _connect(self, settings: HelpdeskSettings) -> _Client:
        if settings.platform != "zendesk":
            raise ConfigError(
                f"tenant '{settings.tenant}' is connected to {settings.platform}, not Zendesk"
            )
        if settings.oauth_token:
            credentials = {"oauth_token": settings.oauth_token}
        elif settings.email and settings.api_token:
            credentials = {"email": settings.email, "token": settings.api_token}
        else:
            raise ConfigError(
                f"Zendesk {settings.host}: set an OAuth token, or an agent e-mail and API token"
            )
        account = f"Zendesk {settings.host}"
        session = requests.Session()
        session.hooks["response"].append(raising_hook(account))
        base_url = f"https://{settings.host}.{self._domain}"
        if settings.api_url:  # a test server or self-hosted proxy (HelpdeskSettings.api_url)
            rebase(session, base_url, settings.api_url)
        zenpy = Zenpy(
            subdomain=settings.host,
            domain=self._domain,
            session=session,
            timeout=self._timeout,
            disable_cache=True,  # tenants and fresh reads: never serve a cached ticket
            **credentials,
        )
        return _Client(zenpy, account, base_url, settings, Names(_name_lookup(zenpy, account)))

    def _requester(self, client: _Client, user_id: Any) -> Requester:
        if not user_id:
            return Requester()
        try:
            user = client.zenpy.users(id=user_id).to_dict()
        except RecordNotFoundException:  # deleted user: the ticket is still worth drafting
            return Requester(id=str(user_id))
        return Requester(str(user.get("name") or ""), str(user.get("email") or ""), str(user_id))

    def _organization(self, client: _Client, org_id: Any) -> dict[str, Any]:
        if not org_id:
            return {}
        try:
            org: dict[str, Any] = client.zenpy.organizations(id=org_id).to_dict()
        except RecordNotFoundException:
            return {}
        return org

    def _with_comments(
        self, tenant: str, client: _Client, raw: dict[str, Any], people: dict[str, Requester]
    ) -> Ticket:
        comments = [c.to_dict() for c in client.zenpy.tickets.comments(ticket=raw["id"])]
        # The requester's name and e-mail let ingestion redact them exactly, not only by NER.
        user_id = str(raw.get("requester_id") or "")
        if user_id not in people:
            people[user_id] = self._requester(client, raw.get("requester_id"))
        return _ticket(tenant, client, raw, comments, people[user_id])


def _boundary(client: _Client, missing: PrecedentError) -> AbstractContextManager[None]:
    return _errors(client.account, missing)


@contextmanager
def _errors(account: str, missing: PrecedentError) -> Iterator[None]:
    """zenpy and requests errors stop here; ours (raised by the hook) pass through."""
    with transport_errors(account):
        try:
            yield
        except RecordNotFoundException:
            raise missing from None
        except requests.HTTPError as exc:  # a non-JSON error body
            if exc.response is not None and exc.response.status_code == 404:
                raise missing from None
            raise ConnectorError(f"{account} rejected the request") from None
        except APIException as exc:
            status = getattr(exc.response, "status_code", "unknown")
            raise ConnectorError(f"{account} rejected the request (HTTP {status})") from None
        except ZenpyException:
            raise ConnectorError(f"{account}: the Zendesk client failed") from None


def _number(ticket_id: str, missing: PrecedentError) -> int:
    if not ticket_id.isdigit():
        raise missing
    return int(ticket_id)


def _ticket(
    tenant: str,
    client: _Client,
    raw: dict[str, Any],
    comments: list[dict[str, Any]],
    requester: Requester,
) -> Ticket:
    requester_id = raw.get("requester_id")
    # The first comment is the ticket's description, already the body.
    follow_ups = tuple(
        Comment(
            author="customer" if c.get("author_id") == requester_id else "agent",
            body=str(c.get("body") or ""),
            public=bool(c.get("public", True)),
            created_at=c.get("created_at"),
        )
        for c in comments[1:]
    )
    return Ticket(
        tenant=tenant,
        id=str(raw["id"]),
        subject=str(raw.get("subject") or ""),
        body=str(raw.get("description") or ""),
        comments=follow_ups,
        requester=requester,
        tags=tuple(raw.get("tags") or ()),
        created_at=str(raw.get("created_at") or ""),
        status=str(raw.get("status") or ""),
        url=f"{client.base_url}/agent/tickets/{raw['id']}",
    )


def _summary(raw: dict[str, Any]) -> TicketSummary:
    return TicketSummary(
        id=str(raw["id"]),
        subject=str(raw.get("subject") or ""),
        status=str(raw.get("status") or ""),
        created_at=str(raw.get("created_at") or ""),
    )


def _article(raw: dict[str, Any]) -> Article:
    return Article(
        id=str(raw["id"]),
        title=str(raw.get("title") or ""),
        body=str(raw.get("body") or ""),
        url=str(raw.get("html_url") or ""),
        updated_at=str(raw.get("updated_at") or ""),
        locale=str(raw.get("locale") or ""),
        section=str(raw.get("section_id") or ""),
        published=not raw.get("draft"),
    )


def _name_lookup(zenpy: Any, account: str) -> Callable[[str, str], str]:
    def fetch(kind: str, ident: str) -> str:
        missing = NotFound(f"{account}: {kind} {ident} was not found")
        with _errors(account, missing):
            found = getattr(zenpy, NAMED[kind])(id=int(ident)).to_dict()
        return str(found.get("name") or "")

    return fetch


def _group_moves(client: _Client, audit: dict[str, Any]) -> list[TeamMove]:
    """The audit's changes of the ticket's group, as moves between named teams."""
    at = _aware(audit.get("created_at"), f"{client.account}: audit {audit.get('id')}")
    return [
        TeamMove(
            at=at,
            from_team=client.names("group", event.get("previous_value")),
            to_team=client.names("group", event.get("value")),
            source="zendesk_audit",
            key=f"{audit.get('id')}:{event.get('id')}",
        )
        for event in audit.get("events") or ()
        if event.get("type") == "Change" and event.get("field_name") == "group_id"
    ]


def _aware(value: Any, what: str) -> datetime:
    """An audit's ``created_at`` (ISO 8601, "Z" for UTC) as an aware time."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ConnectorError(f"{what} has no valid created_at") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _dimensions(client: _Client, raw: dict[str, Any]) -> dict[str, Any]:
    """Team, brand, type (or form) and the mapped custom fields of a ticket."""
    fields = {
        str(f.get("id")): str(f.get("value"))
        for f in raw.get("custom_fields") or ()
        if isinstance(f, dict) and f.get("value") not in (None, "", [])
    }
    location, jurisdiction = mapped_fields(client.settings, fields)
    ticket_type = str(raw.get("type") or "") or client.names("form", raw.get("ticket_form_id"))
    dimensions = Dimensions(
        team=client.names("group", raw.get("group_id")),
        brand=client.names("brand", raw.get("brand_id")),
        location=location,
        ticket_type=ticket_type,
    )
    return {"dimensions": dimensions, **({"jurisdiction": jurisdiction} if jurisdiction else {})}
