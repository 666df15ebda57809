"""The connector named by settings, built with what it needs.

The files connector reads a file; helpdesk connectors look up each tenant's stored,
encrypted account (``precedent helpdesk connect``) the first time that tenant is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.connectors import Connector, connectors
from backend.connectors.settings import HelpdeskSettingsStore


def from_config(config: Mapping[str, Any]) -> Connector:
    name = str(config["CONNECTOR"])
    cls: Any = connectors.get(name)
    if name == "files":
        connector: Connector = cls(inbox=config["FILES_INBOX"])
    else:
        connector = cls(HelpdeskSettingsStore.from_config(config).load)
    return connector
