"""Helpdesk connectors: read tickets, never send. One module per helpdesk."""

from __future__ import annotations

from typing import Protocol

from backend.registry import Registry
from backend.types import Ticket


class Connector(Protocol):
    """Reads from a helpdesk. No connector has a method that posts a public reply."""

    def get_ticket(self, tenant: str, ticket_id: str) -> Ticket:
        """The ticket with its comments; raises TicketNotFound."""
        ...

    def list_open_tickets(self, tenant: str, limit: int = 100) -> list[Ticket]: ...


connectors: Registry[Connector] = Registry("connector", {"files": "backend.connectors.files"})
