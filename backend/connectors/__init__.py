"""Helpdesk connectors: read tickets, never send. One module per helpdesk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from backend.registry import Registry
from backend.types import Article, CustomerContext, Page, Ticket


@dataclass(frozen=True)
class TeamMove:
    """The helpdesk moved a ticket from one team (group) to another, as its history says.

    Teams are names, as a draft records them (a lookup that failed leaves the id). ``key``
    names the change within ``source`` (Zendesk: audit and event ids), so reading the same
    history twice records each move once.
    """

    at: datetime  # aware
    from_team: str  # "" when the ticket had none
    to_team: str
    source: str  # zendesk_audit | files | zendesk_webhook | freshdesk_webhook | demo
    key: str


class Connector(Protocol):
    """Reads from a helpdesk. No connector has a method that posts a public reply.

    The only writes are ``add_internal_note`` (Zendesk ``public: false``, Freshdesk
    ``private: true``) and ``escalate``: such a note plus the team's group and tags. Exports
    take an opaque cursor from the previous page; without one they start at ``since`` (or
    the beginning).
    """

    def get_ticket(self, tenant: str, ticket_id: str) -> Ticket:
        """The ticket with its comments; raises TicketNotFound."""
        ...

    def list_open_tickets(self, tenant: str, limit: int = 100) -> list[Ticket]: ...

    def customer_context(self, tenant: str, ticket: Ticket) -> CustomerContext | None:
        """Requester, organisation, plan / tier fields, recent tickets; None when unknown."""
        ...

    def resolved_tickets(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Ticket]:
        """Solved and closed tickets with their comments, oldest change first."""
        ...

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        """Published help-centre articles changed since the cursor (or ``since``)."""
        ...

    def add_internal_note(self, tenant: str, ticket_id: str, body: str) -> None:
        """An agent-only note on the ticket; the customer never sees it."""
        ...

    def escalate(
        self, tenant: str, ticket_id: str, note: str, group: str, tags: tuple[str, ...]
    ) -> None:
        """Hand the ticket on: ``tags`` added (others kept), assigned to ``group`` unless it is
        "", then ``note`` as an agent-only note, last, so a retry adds no second note after
        a failure. The customer sees none of it."""
        ...

    def team_history(self, tenant: str, ticket_id: str) -> list[TeamMove]:
        """Every move of the ticket between teams, oldest first; [] when the helpdesk's API
        has no such history (then webhooks report moves); raises TicketNotFound."""
        ...


connectors: Registry[Connector] = Registry(
    "connector",
    {
        "files": "backend.connectors.files",
        "zendesk": "backend.connectors.zendesk",
        "freshdesk": "backend.connectors.freshdesk",
        "helpdesk": "backend.connectors.helpdesk",  # each tenant's own platform
    },
)
