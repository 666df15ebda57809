"""Dimensions on every draft: read by the connectors (recorded-shape responses), mapped by
the tenant's settings, stored with the draft."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import responses

from backend.connectors.files import FilesConnector
from backend.connectors.freshdesk import FreshdeskConnector
from backend.connectors.settings import HelpdeskSettings
from backend.connectors.zendesk import ZendeskConnector
from backend.learning.dimensions import draft_dimensions
from backend.types import Dimensions, Ticket

FIXTURES = Path(__file__).parent.parent / "fixtures"
ROOT = Path(__file__).parent.parent.parent
ZD = "https://acme.zendesk.com/api/v2"
FD = "https://acme.freshdesk.com/api/v2"
ZENDESK = HelpdeskSettings(
    tenant="acme",
    platform="zendesk",
    host="acme",
    email="bot@acme.test",
    api_token="zd-token",
    location_field="360005001",
    jurisdiction_field="360005002",
)
FRESHDESK = HelpdeskSettings(
    tenant="acme",
    platform="freshdesk",
    host="acme",
    api_token="fd-key",
    location_field="cf_store",
    jurisdiction_field="cf_country",
)


def recorded(path: str) -> Any:
    return json.loads((FIXTURES / f"{path}.json").read_text())


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


def add_zendesk_43(api: responses.RequestsMock) -> None:
    api.get(f"{ZD}/tickets/43.json", json=recorded("zendesk/ticket_43"))
    api.get(f"{ZD}/users/7001.json", json=recorded("zendesk/user_7001"))
    api.get(f"{ZD}/tickets/43/comments.json", json=recorded("zendesk/comments_31"))


def test_when_a_zendesk_ticket_is_read_then_group_brand_form_and_mapped_fields_are_named(
    api: responses.RequestsMock,
) -> None:
    add_zendesk_43(api)
    api.get(f"{ZD}/groups/12.json", json=recorded("zendesk/group_12"))
    api.get(f"{ZD}/brands/3.json", json=recorded("zendesk/brand_3"))
    api.get(f"{ZD}/ticket_forms/360000111.json", json=recorded("zendesk/ticket_form_360000111"))

    ticket = ZendeskConnector(lambda tenant: ZENDESK).get_ticket("acme", "43")

    assert ticket.dimensions == Dimensions(
        team="Devices", brand="Acme Home", location="Lyon store", ticket_type="Device fault"
    )
    assert ticket.jurisdiction == "EU-FR"


def test_when_zendesk_names_are_read_then_each_is_asked_once_per_account(
    api: responses.RequestsMock,
) -> None:
    add_zendesk_43(api)
    add_zendesk_43(api)
    group = api.get(f"{ZD}/groups/12.json", json=recorded("zendesk/group_12"))
    api.get(f"{ZD}/brands/3.json", json=recorded("zendesk/brand_3"))
    api.get(f"{ZD}/ticket_forms/360000111.json", json=recorded("zendesk/ticket_form_360000111"))
    zendesk = ZendeskConnector(lambda tenant: ZENDESK)

    zendesk.get_ticket("acme", "43")
    zendesk.get_ticket("acme", "43")

    assert group.call_count == 1


def test_when_a_name_cannot_be_read_then_the_id_stands_in_and_the_draft_goes_on(
    api: responses.RequestsMock,
) -> None:
    add_zendesk_43(api)
    api.get(f"{ZD}/groups/12.json", status=404, json={"error": "RecordNotFound"})
    api.get(f"{ZD}/brands/3.json", json=recorded("zendesk/brand_3"))
    api.get(f"{ZD}/ticket_forms/360000111.json", status=404, json={"error": "RecordNotFound"})

    ticket = ZendeskConnector(lambda tenant: ZENDESK).get_ticket("acme", "43")

    assert (ticket.dimensions.team, ticket.dimensions.ticket_type) == ("12", "360000111")


def test_when_no_fields_are_mapped_then_location_and_jurisdiction_stay_unknown(
    api: responses.RequestsMock,
) -> None:
    add_zendesk_43(api)
    api.get(f"{ZD}/groups/12.json", json=recorded("zendesk/group_12"))
    api.get(f"{ZD}/brands/3.json", json=recorded("zendesk/brand_3"))
    api.get(f"{ZD}/ticket_forms/360000111.json", json=recorded("zendesk/ticket_form_360000111"))
    plain = replace(ZENDESK, location_field="", jurisdiction_field="")

    ticket = ZendeskConnector(lambda tenant: plain).get_ticket("acme", "43")

    assert (ticket.dimensions.location, ticket.jurisdiction) == ("", "")


def test_when_a_freshdesk_ticket_is_read_then_group_product_type_and_fields_are_named(
    api: responses.RequestsMock,
) -> None:
    api.get(f"{FD}/tickets/21", json=recorded("freshdesk/ticket_21"))
    api.get(f"{FD}/tickets/21/conversations", json=[])
    api.get(f"{FD}/groups/5", json=recorded("freshdesk/group_5"))
    api.get(f"{FD}/products/2", json=recorded("freshdesk/product_2"))

    ticket = FreshdeskConnector(lambda tenant: FRESHDESK).get_ticket("acme", "21")

    assert ticket.dimensions == Dimensions(
        team="Billing", brand="Acme Pro", location="Austin", ticket_type="Incident"
    )
    assert ticket.jurisdiction == "US-TX"


def test_when_a_demo_ticket_is_read_then_its_dimensions_come_from_the_inbox() -> None:
    ticket = FilesConnector(str(ROOT / "demo" / "inbox.jsonl")).get_ticket("demo", "TW-20003")

    assert draft_dimensions(ticket) == {
        "team": "Billing",
        "brand": "Tidewater Home",
        "location": "Dublin",
        "ticket_type": "refund",
        "jurisdiction": "EU-FR",
    }


def test_stored_dimensions_are_cut_to_their_columns() -> None:
    ticket = Ticket("acme", "1", "s", "b", dimensions=Dimensions(team=" " + "x" * 300))
    assert draft_dimensions(ticket)["team"] == "x" * 200
