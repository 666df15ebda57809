"""Settings name the connector; helpdesk connectors find each tenant's stored account."""

from __future__ import annotations

import responses
from flask import Flask

from backend.connectors.configured import from_config
from backend.connectors.files import FilesConnector
from backend.connectors.settings import HelpdeskSettings, HelpdeskSettingsStore
from backend.connectors.zendesk import ZendeskConnector


def test_the_files_connector_reads_the_configured_inbox(app: Flask) -> None:
    assert isinstance(from_config(app.config), FilesConnector)


def test_a_helpdesk_connector_uses_the_tenants_stored_account(app: Flask) -> None:
    settings = HelpdeskSettings(
        tenant="acme", platform="zendesk", host="acme", email="b@acme.test", api_token="t"
    )
    HelpdeskSettingsStore.from_config(app.config).save(settings)
    connector = from_config({**app.config, "CONNECTOR": "zendesk"})
    assert isinstance(connector, ZendeskConnector)
    with responses.RequestsMock() as api:
        api.get("https://acme.zendesk.com/api/v2/tickets/1.json", json={"ticket": {"id": 1}})
        api.get("https://acme.zendesk.com/api/v2/tickets/1/comments.json", json={"comments": []})
        assert connector.get_ticket("acme", "1").url == "https://acme.zendesk.com/agent/tickets/1"
