"""The Zendesk connector through the real zenpy, against recorded-shape API responses."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from responses import matchers

from backend.connectors import connectors
from backend.connectors.settings import HelpdeskSettings
from backend.connectors.zendesk import ZendeskConnector
from backend.errors import (
    ConfigError,
    ConnectorAuthFailed,
    ConnectorRateLimited,
    ConnectorUnavailable,
    RetryableError,
    TicketNotFound,
)
from backend.types import Comment, Requester, Ticket, TicketSummary

FIXTURES = Path(__file__).parent.parent / "fixtures" / "zendesk"
API = "https://acme.zendesk.com/api/v2"
TOKEN = "zd-api-token-do-not-leak-5f2c"
SETTINGS = HelpdeskSettings(
    tenant="acme", platform="zendesk", host="acme", email="bot@acme.test", api_token=TOKEN
)


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def zendesk() -> ZendeskConnector:
    return ZendeskConnector(lambda tenant: SETTINGS)


def add_ticket_42(api: responses.RequestsMock) -> None:
    api.get(f"{API}/tickets/42.json", json=recorded("ticket_42"))
    api.get(f"{API}/users/7001.json", json=recorded("user_7001"))
    first = {"page[size]": "100", "include_inline_images": "false"}
    api.get(
        f"{API}/tickets/42/comments.json",
        json=recorded("comments_42_page1"),
        match=[matchers.query_param_matcher(first)],
    )
    api.get(
        f"{API}/tickets/42/comments.json",
        json=recorded("comments_42_page2"),
        match=[matchers.query_param_matcher({"page[after]": "xyz1", "page[size]": "2"})],
    )


def test_the_registry_names_the_zendesk_connector() -> None:
    assert connectors.get("zendesk") is ZendeskConnector


def test_when_a_ticket_is_read_then_requester_and_every_comment_page_come_with_it(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    add_ticket_42(api)

    ticket = zendesk.get_ticket("acme", "42")

    assert ticket.subject == "Router E-104 keeps dropping Wi-Fi"
    assert ticket.body.startswith("Since the firmware update")
    assert ticket.requester == Requester("Maria Lopez", "maria@example.org", "7001")
    assert ticket.comments == (
        Comment(
            "agent", "Customer is on the beta firmware channel.", False, "2026-11-30T10:01:02Z"
        ),
        Comment("customer", "It happened again this morning.", True, "2026-12-01T16:03:10Z"),
    )
    assert (ticket.tenant, ticket.status, ticket.tags) == ("acme", "open", ("wifi", "e-104"))
    assert ticket.url == "https://acme.zendesk.com/agent/tickets/42"
    basic = base64.b64encode(f"bot@acme.test/token:{TOKEN}".encode()).decode()
    assert api.calls[0].request.headers["Authorization"] == f"Basic {basic}"


def test_when_the_ticket_does_not_exist_then_ticket_not_found_names_the_account(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    api.get(
        f"{API}/tickets/404.json",
        status=404,
        json={"error": "RecordNotFound", "description": "Not found"},
    )
    with pytest.raises(TicketNotFound) as caught:
        zendesk.get_ticket("acme", "404")
    assert caught.value.message == "ticket '404' was not found in Zendesk acme"
    with pytest.raises(TicketNotFound):
        zendesk.get_ticket("acme", "../users/1")  # never sent: not a ticket number


def test_when_zendesk_rate_limits_then_our_error_carries_retry_after_and_nobody_sleeps(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    api.get(
        f"{API}/tickets/42.json",
        status=429,
        headers={"Retry-After": "37"},
        body="Too many requests",  # Zendesk sometimes answers 429 in plain text
    )
    with pytest.raises(ConnectorRateLimited) as caught:
        zendesk.get_ticket("acme", "42")
    assert caught.value.retry_after == 37
    assert caught.value.message == "Zendesk acme rate limit reached; retrying after 37 s"
    assert len(api.calls) == 1  # zenpy did not wait and retry by itself


@pytest.mark.parametrize("status", [401, 403])
def test_when_credentials_are_refused_then_a_non_retryable_error_without_the_token(
    api: responses.RequestsMock, zendesk: ZendeskConnector, status: int, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    api.get(f"{API}/tickets/42.json", status=status, json={"error": "Couldn't authenticate you"})
    with pytest.raises(ConnectorAuthFailed) as caught:
        zendesk.get_ticket("acme", "42")
    assert not isinstance(caught.value, RetryableError)
    assert f"refused our credentials (HTTP {status})" in caught.value.message
    assert TOKEN not in caught.value.message and TOKEN not in caplog.text


@pytest.mark.parametrize(
    "failure", [{"status": 503, "body": "upstream"}, {"body": requests.ConnectionError("reset")}]
)
def test_when_zendesk_is_down_or_unreachable_then_the_task_may_retry(
    api: responses.RequestsMock, zendesk: ZendeskConnector, failure: dict[str, Any]
) -> None:
    api.get(f"{API}/tickets/42.json", **failure)
    with pytest.raises(ConnectorUnavailable):
        zendesk.get_ticket("acme", "42")


def test_when_the_tenant_is_connected_to_freshdesk_then_zendesk_refuses_it() -> None:
    other = HelpdeskSettings(tenant="b", platform="freshdesk", host="b", api_token="k")
    with pytest.raises(ConfigError, match="tenant 'b' is connected to freshdesk, not Zendesk"):
        ZendeskConnector(lambda tenant: other).get_ticket("b", "1")


def test_when_history_is_exported_then_only_solved_and_closed_come_with_comments_and_a_cursor(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    api.get(
        f"{API}/incremental/tickets/cursor.json",
        json=recorded("incremental_tickets_1"),
        match=[matchers.query_param_matcher({"start_time": "1767225600", "per_page": "100"})],
    )
    solution = {"comments": [{"id": 5, "author_id": 7001, "body": "How?", "public": True}]}
    api.get(f"{API}/tickets/31/comments.json", json=solution)
    api.get(f"{API}/users/7001.json", json=recorded("user_7001"))

    first = zendesk.resolved_tickets("acme", since=since)

    assert [t.id for t in first.items] == ["31"]  # 42 is still open
    assert first.items[0].requester == Requester("Maria Lopez", "maria@example.org", "7001")
    assert (first.next_cursor, first.done) == ("MTU3NjYxMzUzOS4wfHw0NTF8", False)

    api.get(
        f"{API}/incremental/tickets/cursor.json",
        json=recorded("incremental_tickets_2"),
        match=[matchers.query_param_matcher({"cursor": "MTU3NjYxMzUzOS4wfHw0NTF8"})],
    )
    api.get(f"{API}/tickets/17/comments.json", json={"comments": []})
    api.get(f"{API}/users/7001.json", json=recorded("user_7001"))

    second = zendesk.resolved_tickets("acme", cursor=first.next_cursor)

    assert [(t.id, t.status, t.tags) for t in second.items] == [("17", "closed", ("billing",))]
    assert (second.next_cursor, second.done) == ("MTU3NjYxMzU5OS4wfHw0NjB8", True)


def test_when_articles_are_exported_then_drafts_are_marked_unpublished_and_end_time_is_the_cursor(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    api.get(
        f"{API}/help_center/incremental/articles.json",
        json=recorded("incremental_articles"),
        match=[matchers.query_param_matcher({"start_time": "1764000000"})],
    )

    page = zendesk.articles("acme", cursor="1764000000")

    assert [(a.id, a.title, a.section, a.published) for a in page.items] == [
        ("360001", "Resetting the E-104", "2001", True),
        ("360002", "Unreleased firmware notes", "2001", False),
    ]
    assert (
        page.items[0].url == "https://acme.zendesk.com/hc/en-us/articles/360001-Resetting-the-E-104"
    )
    assert (page.next_cursor, page.done) == ("1764061200", True)


def test_when_a_note_is_written_then_it_is_an_internal_comment(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    api.put(
        f"{API}/tickets/42.json",
        json={"ticket": recorded("ticket_42")["ticket"], "audit": {"id": 1, "events": []}},
    )

    zendesk.add_internal_note("acme", "42", "Precedent draft ready for review.")

    sent = json.loads(api.calls[0].request.body)
    assert sent == {
        "ticket": {
            "id": 42,
            "comment": {"body": "Precedent draft ready for review.", "public": False},
        }
    }


def test_when_a_ticket_is_escalated_then_tags_are_added_and_group_and_note_are_internal(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    api.put(f"{API}/tickets/42/tags.json", json={"tags": ["printer", "precedent-escalated"]})
    api.put(
        f"{API}/tickets/42.json",
        json={"ticket": recorded("ticket_42")["ticket"], "audit": {"id": 2, "events": []}},
    )

    zendesk.escalate("acme", "42", "Escalated from Precedent.", "360012", ("precedent-escalated",))

    tags, update = (json.loads(call.request.body) for call in api.calls)
    assert tags == {"tags": ["precedent-escalated"]}  # PUT .../tags adds, keeping the others
    assert update == {
        "ticket": {
            "id": 42,
            "group_id": 360012,
            "comment": {"body": "Escalated from Precedent.", "public": False},
        }
    }
    assert [c.request.method for c in api.calls] == ["PUT", "PUT"]


def test_when_api_url_is_set_then_every_call_goes_there_with_the_same_path(
    api: responses.RequestsMock,
) -> None:
    local = "http://127.0.0.1:8089/zd"
    zendesk = ZendeskConnector(lambda tenant: replace(SETTINGS, api_url=local))
    api.put(f"{local}/api/v2/tickets/42/tags.json", json={"tags": ["precedent-escalated"]})
    api.put(
        f"{local}/api/v2/tickets/42.json",
        json={"ticket": recorded("ticket_42")["ticket"], "audit": {"id": 2, "events": []}},
    )

    zendesk.escalate("acme", "42", "Escalated from Precedent.", "", ("precedent-escalated",))

    assert [c.request.url for c in api.calls] == [
        f"{local}/api/v2/tickets/42/tags.json",
        f"{local}/api/v2/tickets/42.json",
    ]
    assert api.calls[1].request.headers["Authorization"].startswith("Basic ")


def test_when_an_escalation_group_is_not_an_id_then_nothing_is_sent(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    with pytest.raises(ConfigError, match="escalation group 'Tier 2' is not a group id"):
        zendesk.escalate("acme", "42", "note", "Tier 2", ())
    assert len(api.calls) == 0


def test_when_context_is_read_then_organisation_plan_fields_and_recent_tickets_come_back(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    api.get(f"{API}/users/7001.json", json=recorded("user_7001"))
    api.get(f"{API}/organizations/501.json", json=recorded("organization_501"))
    newest_first = {
        "query": "type:ticket requester:7001",
        "sort_by": "created_at",
        "sort_order": "desc",
        "filter[type]": "ticket",
    }
    api.get(
        f"{API}/search.json",
        json=recorded("search_requester_7001"),
        match=[matchers.query_param_matcher(newest_first)],
    )
    requester = Requester("Maria Lopez", "maria@example.org", "7001")
    ticket = Ticket("acme", "42", "Router", "drops", requester=requester)

    context = ZendeskConnector(lambda tenant: SETTINGS, recent_tickets=2).customer_context(
        "acme", ticket
    )

    assert context is not None
    assert (context.organization, context.plan) == ("Lopez Logistics", "Enterprise")
    assert context.fields == {"preferred_language": "es", "plan": "Enterprise", "seats": "120"}
    assert context.tags == ("vip", "enterprise")
    assert context.recent_tickets == (
        TicketSummary("31", "E-104 setup help", "solved", "2026-02-11T08:30:00Z"),
        TicketSummary("17", "Invoice copy for March", "closed", "2025-03-04T10:00:00Z"),
    )


def test_when_the_requester_is_unknown_then_there_is_no_context(zendesk: ZendeskConnector) -> None:
    assert zendesk.customer_context("acme", Ticket("acme", "42", "s", "b")) is None


def test_open_tickets_come_from_a_search_newest_first(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    query = {
        "query": "type:ticket status<solved",
        "sort_by": "updated_at",
        "sort_order": "desc",
        "filter[type]": "ticket",
    }
    api.get(
        f"{API}/search.json",
        json={
            "results": [
                {**recorded("ticket_42")["ticket"], "result_type": "ticket"},
                {"id": 43, "result_type": "ticket", "subject": "Other", "status": "new"},
            ],
            "next_page": f"{API}/search.json?page=2",
            "count": 250,
        },
        match=[matchers.query_param_matcher(query)],
    )

    tickets = zendesk.list_open_tickets("acme", limit=2)

    assert [(t.id, t.status) for t in tickets] == [("42", "open"), ("43", "new")]
    assert tickets[0].requester.id == "7001"  # enough for customer context later
    assert len(api.calls) == 1  # the limit was reached on the first page


def test_when_the_export_has_caught_up_then_an_empty_page_keeps_the_cursor(
    api: responses.RequestsMock, zendesk: ZendeskConnector
) -> None:
    api.get(
        f"{API}/incremental/tickets/cursor.json",
        json={"tickets": [], "after_cursor": "c9", "after_url": None, "end_of_stream": True},
    )
    page = zendesk.resolved_tickets("acme", cursor="c8")
    assert (page.items, page.next_cursor, page.done) == ((), "c9", True)
