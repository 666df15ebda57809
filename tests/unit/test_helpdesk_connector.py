"""CONNECTOR=helpdesk: tenants on Zendesk and on Freshdesk drafted by one deployment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import responses
from responses import matchers

from backend.connectors import connectors
from backend.connectors.settings import HelpdeskSettings
from backend.errors import ConfigError
from tests.unit import test_freshdesk_connector as freshdesk
from tests.unit import test_zendesk_connector as zendesk

ACCOUNTS = {
    "acme": zendesk.SETTINGS,
    "globex": replace(freshdesk.SETTINGS, tenant="globex"),
}


def stored(tenant: str) -> HelpdeskSettings:
    if tenant not in ACCOUNTS:
        raise ConfigError(f"no helpdesk is connected for tenant '{tenant}'")
    return ACCOUNTS[tenant]


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


def test_each_tenant_is_read_from_the_helpdesk_its_account_is_on(
    api: responses.RequestsMock,
) -> None:
    zendesk.add_ticket_42(api)
    api.get(
        f"{freshdesk.API}/tickets/20",
        json=freshdesk.recorded("ticket_20"),
        match=[matchers.query_param_matcher({"include": "requester"})],
    )
    api.get(f"{freshdesk.API}/tickets/20/conversations", json=[])
    helpdesk = connectors.get("helpdesk")(stored)  # type: ignore[call-arg]

    assert helpdesk.get_ticket("acme", "42").url == "https://acme.zendesk.com/agent/tickets/42"
    assert helpdesk.get_ticket("globex", "20").url == f"{freshdesk.SITE}/a/tickets/20"


def test_a_tenant_without_a_connected_helpdesk_is_named() -> None:
    helpdesk = connectors.get("helpdesk")(stored)  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="no helpdesk is connected for tenant 'initech'"):
        helpdesk.get_ticket("initech", "1")
