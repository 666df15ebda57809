"""A ticket's dimensions (team, brand, location, type, jurisdiction) as the connectors read them.

Group, brand / product and form are ids on the ticket; their names are looked up once per
account and kept (they rarely change). A lookup that fails leaves the id: a dimension is worth
a label, never a failed draft. Location and jurisdiction come from the ticket custom fields
the tenant's settings name (``location_field``, ``jurisdiction_field``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from backend.connectors.settings import HelpdeskSettings
from backend.errors import PrecedentError
from backend.gate.jurisdictions import ticket_jurisdiction

log = logging.getLogger(__name__)


class Names:
    """Names of one account's groups, brands, products and forms, by kind and id."""

    def __init__(self, fetch: Callable[[str, str], str]) -> None:
        self._fetch = fetch  # (kind, id) -> name; raises PrecedentError
        self._known: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, ident: object) -> str:
        if ident in (None, ""):
            return ""
        key = (kind, str(ident))
        if key not in self._known:
            try:
                self._known[key] = self._fetch(*key) or key[1]
            except PrecedentError as exc:  # not kept: the next ticket asks again
                log.warning("%s %s: name not found (%s); the id is used", kind, key[1], exc)
                return key[1]
        return self._known[key]


def mapped_fields(settings: HelpdeskSettings, fields: Mapping[str, str]) -> tuple[str, str]:
    """The ticket's location and jurisdiction from the custom fields the settings name."""
    location = fields.get(settings.location_field, "") if settings.location_field else ""
    raw = fields.get(settings.jurisdiction_field, "") if settings.jurisdiction_field else ""
    return location, ticket_jurisdiction(raw.strip()) if raw else ""
