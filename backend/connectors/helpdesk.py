"""One deployment, several helpdesks: each tenant's stored account picks its connector.

``PRECEDENT_CONNECTOR=helpdesk`` serves tenants on Zendesk and tenants on Freshdesk side by
side. The platform comes from the tenant's stored account (``precedent helpdesk connect``);
the Zendesk or Freshdesk connector is built the first time a tenant of that platform is used,
so only the extras of the platforms in use need to be installed.
"""

from __future__ import annotations

from datetime import datetime

from backend.connectors import Connector, TeamMove, connectors
from backend.connectors.settings import SettingsLookup
from backend.types import Article, CustomerContext, Page, Ticket


@connectors.register("helpdesk")
class HelpdeskConnector:
    def __init__(self, settings: SettingsLookup) -> None:
        self._settings = settings
        self._by_platform: dict[str, Connector] = {}

    def get_ticket(self, tenant: str, ticket_id: str) -> Ticket:
        return self._for(tenant).get_ticket(tenant, ticket_id)

    def list_open_tickets(self, tenant: str, limit: int = 100) -> list[Ticket]:
        return self._for(tenant).list_open_tickets(tenant, limit)

    def customer_context(self, tenant: str, ticket: Ticket) -> CustomerContext | None:
        return self._for(tenant).customer_context(tenant, ticket)

    def resolved_tickets(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Ticket]:
        return self._for(tenant).resolved_tickets(tenant, cursor, since)

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        return self._for(tenant).articles(tenant, cursor, since)

    def add_internal_note(self, tenant: str, ticket_id: str, body: str) -> None:
        self._for(tenant).add_internal_note(tenant, ticket_id, body)

    def escalate(
        self, tenant: str, ticket_id: str, note: str, group: str, tags: tuple[str, ...]
    ) -> None:
        self._for(tenant).escalate(tenant, ticket_id, note, group, tags)

    def team_history(self, tenant: str, ticket_id: str) -> list[TeamMove]:
        return self._for(tenant).team_history(tenant, ticket_id)

    def _for(self, tenant: str) -> Connector:
        platform = self._settings(tenant).platform  # ConfigError names the unconnected tenant
        if platform not in self._by_platform:
            cls: type = connectors.get(platform)
            self._by_platform[platform] = cls(self._settings)
        return self._by_platform[platform]
