"""A Zendesk ticket's moves between teams, from its audits, through the real zenpy against a
local server answering recorded-shape audit pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from backend.connectors import TeamMove
from backend.connectors.settings import HelpdeskSettings
from backend.connectors.zendesk import ZendeskConnector
from backend.errors import ConnectorUnavailable, TicketNotFound
from tests.servers import zendesk_api
from tests.zendesk_audits import AuditedAccount, audited_acme


@pytest.fixture
def account() -> AuditedAccount:
    return audited_acme(42)


@pytest.fixture
def zendesk(account: AuditedAccount) -> Iterator[ZendeskConnector]:
    with zendesk_api(account) as url:
        settings = HelpdeskSettings(
            tenant="acme", platform="zendesk", host="acme", email="bot@acme.test",
            api_token="zd-api-token", api_url=url,
        )  # fmt: skip
        yield ZendeskConnector(lambda tenant: settings)


def test_when_audits_change_the_group_then_each_change_is_a_move_between_named_teams(
    zendesk: ZendeskConnector, account: AuditedAccount
) -> None:
    moves = zendesk.team_history("acme", "42")

    assert moves == [
        TeamMove(datetime(2026, 3, 20, 10, 5, tzinfo=UTC), "Devices", "Billing",
                 "zendesk_audit", "8802:88023"),
        TeamMove(datetime(2026, 3, 21, 15, 40, 12, tzinfo=UTC), "Billing", "Devices",
                 "zendesk_audit", "8803:88032"),
        TeamMove(datetime(2026, 3, 22, 8, 0, tzinfo=UTC), "Devices", "", "zendesk_audit",
                 "8804:88041"),
    ]  # fmt: skip
    audit_reads = [p for m, p, _ in account.requests if "/audits.json" in p]
    assert len(audit_reads) == 2  # both pages, the second by the first's cursor link
    assert "page%5Bafter%5D=eyJvIjoiY3JlYXRlZF9hdCJ9" in audit_reads[1]
    groups = [p for m, p, _ in account.requests if p.startswith("/api/v2/groups/")]
    assert sorted(groups) == ["/api/v2/groups/12.json", "/api/v2/groups/14.json"]  # once each


def test_when_the_ticket_is_unknown_then_ticket_not_found_names_it(
    zendesk: ZendeskConnector,
) -> None:
    with pytest.raises(TicketNotFound, match="ticket '77' was not found in Zendesk acme"):
        zendesk.team_history("acme", "77")


def test_when_zendesk_fails_then_our_error_is_raised_and_nothing_of_zenpy_leaks(
    zendesk: ZendeskConnector, account: AuditedAccount
) -> None:
    account.failing[42] = 503

    with pytest.raises(ConnectorUnavailable):
        zendesk.team_history("acme", "42")
