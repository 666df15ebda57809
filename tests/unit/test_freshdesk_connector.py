"""The Freshdesk connector through the real requests, against recorded-shape API v2 responses."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
import responses
from responses import matchers

from backend.connectors import connectors
from backend.connectors.freshdesk import FreshdeskConnector
from backend.connectors.settings import HelpdeskSettings
from backend.errors import (
    ConnectorAuthFailed,
    ConnectorError,
    ConnectorRateLimited,
    ConnectorUnavailable,
    RetryableError,
    TicketNotFound,
)
from backend.types import Comment, Requester, Ticket, TicketSummary

FIXTURES = Path(__file__).parent.parent / "fixtures" / "freshdesk"
SITE = "https://acme.freshdesk.com"
API = f"{SITE}/api/v2"
API_KEY = "fd-key-do-not-leak-91ab"
SETTINGS = HelpdeskSettings(tenant="acme", platform="freshdesk", host="acme", api_token=API_KEY)
SINCE = {
    "updated_since": "2026-01-01T00:00:00Z",
    "order_by": "updated_at",
    "order_type": "asc",
    "per_page": "100",
    "include": "requester,description",
}


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def next_link(query: str) -> dict[str, str]:
    return {"link": f'< {API}/tickets?{query}>;rel="next"'}


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def freshdesk() -> FreshdeskConnector:
    return FreshdeskConnector(lambda tenant: SETTINGS)


def test_the_registry_names_the_freshdesk_connector() -> None:
    assert connectors.get("freshdesk") is FreshdeskConnector


def test_when_a_ticket_is_read_then_every_conversation_page_comes_with_it(
    api: responses.RequestsMock, freshdesk: FreshdeskConnector
) -> None:
    api.get(
        f"{API}/tickets/20",
        json=recorded("ticket_20"),
        match=[matchers.query_param_matcher({"include": "requester"})],
    )
    api.get(
        f"{API}/tickets/20/conversations",
        json=recorded("conversations_20_page1"),
        headers={"link": f'< {API}/tickets/20/conversations?per_page=100&page=2>;rel="next"'},
        match=[matchers.query_param_matcher({"per_page": "100"})],
    )
    api.get(
        f"{API}/tickets/20/conversations",
        json=recorded("conversations_20_page2"),
        match=[matchers.query_param_matcher({"per_page": "100", "page": "2"})],
    )

    ticket = freshdesk.get_ticket("acme", "20")

    assert (ticket.subject, ticket.body) == (
        "Refund for a double charge",
        "I was charged twice for November.",
    )
    assert ticket.requester == Requester("Sam Carter", "sam@example.org", "129")
    assert ticket.comments == (
        Comment("agent", "Checked the ledger: two captures.", False, "2026-11-29T12:30:00Z"),
        Comment("customer", "Any news on my refund?", True, "2026-12-01T12:00:00Z"),
    )
    assert (ticket.status, ticket.url) == ("open", f"{SITE}/a/tickets/20")
    basic = base64.b64encode(f"{API_KEY}:X".encode()).decode()
    assert api.calls[0].request.headers["Authorization"] == f"Basic {basic}"


@pytest.mark.parametrize(
    ("response", "error", "message"),
    [
        (
            {"status": 404, "json": {"code": "not_found"}},
            TicketNotFound,
            "ticket '20' was not found in Freshdesk acme.freshdesk.com",
        ),
        (
            {"status": 429, "headers": {"Retry-After": "34"}, "json": {}},
            ConnectorRateLimited,
            "Freshdesk acme.freshdesk.com rate limit reached; retrying after 34 s",
        ),
        (
            {"status": 401, "json": {"code": "invalid_credentials"}},
            ConnectorAuthFailed,
            "Freshdesk acme.freshdesk.com refused our credentials (HTTP 401); check the API "
            "token and the agent's permissions, then connect the helpdesk again",
        ),
        (
            {"status": 502, "body": "bad gateway"},
            ConnectorUnavailable,
            "Freshdesk acme.freshdesk.com is unavailable (HTTP 502); will retry",
        ),
        (
            {"body": requests.ConnectTimeout("timed out")},
            ConnectorUnavailable,
            "Freshdesk acme.freshdesk.com could not be reached; will retry",
        ),
    ],
)
def test_when_freshdesk_fails_then_our_error_says_what_and_never_the_key(
    api: responses.RequestsMock,
    freshdesk: FreshdeskConnector,
    response: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    api.get(f"{API}/tickets/20", **response)
    with pytest.raises(error) as caught:
        freshdesk.get_ticket("acme", "20")
    assert str(caught.value) == message
    assert API_KEY not in str(caught.value)


def test_rate_limits_carry_retry_after_and_auth_failures_are_not_retried(
    api: responses.RequestsMock, freshdesk: FreshdeskConnector
) -> None:
    api.get(f"{API}/tickets/20", status=429, headers={"Retry-After": "34"})
    with pytest.raises(ConnectorRateLimited) as limited:
        freshdesk.get_ticket("acme", "20")
    assert limited.value.retry_after == 34
    api.get(f"{API}/tickets/21", status=403)
    with pytest.raises(ConnectorAuthFailed) as refused:
        freshdesk.get_ticket("acme", "21")
    assert not isinstance(refused.value, RetryableError)


def test_when_history_is_exported_then_pages_follow_the_link_header_and_resume_from_a_cursor(
    api: responses.RequestsMock, freshdesk: FreshdeskConnector
) -> None:
    api.get(
        f"{API}/tickets",
        json=recorded("tickets_updated_page1"),
        headers=next_link(
            "updated_since=2026-01-01T00:00:00Z&order_by=updated_at"
            "&order_type=asc&per_page=100&include=requester,description&page=2"
        ),
        match=[matchers.query_param_matcher(SINCE)],
    )
    api.get(f"{API}/tickets/11/conversations", json=[])

    first = freshdesk.resolved_tickets("acme", since=datetime(2026, 1, 1, tzinfo=UTC))

    assert [(t.id, t.status) for t in first.items] == [("11", "resolved")]  # 20 is open
    assert first.items[0].requester == Requester("Sam Carter", "sam@example.org", "129")
    assert first.done is False
    assert dict(parse_qsl(first.next_cursor)) == {**SINCE, "page": "2"}

    api.get(
        f"{API}/tickets",
        json=recorded("tickets_updated_page2"),
        match=[matchers.query_param_matcher({**SINCE, "page": "2"})],
    )
    api.get(f"{API}/tickets/12/conversations", json=[])

    last = freshdesk.resolved_tickets("acme", cursor=first.next_cursor)

    assert [(t.id, t.status) for t in last.items] == [("12", "closed")]
    assert last.done is True
    # Caught up: the next sync asks for what changed since the newest update seen.
    assert dict(parse_qsl(last.next_cursor)) == {**SINCE, "updated_since": "2026-01-06T10:00:00Z"}


def test_when_a_next_link_points_at_another_host_then_it_is_not_followed(
    api: responses.RequestsMock, freshdesk: FreshdeskConnector
) -> None:
    api.get(
        f"{API}/tickets",
        json=[],
        headers={"link": '<https://evil.example/api/v2/tickets?page=2>;rel="next"'},
    )
    with pytest.raises(ConnectorError, match="sent a next-page link to another host"):
        freshdesk.resolved_tickets("acme")
    assert len(api.calls) == 1


def test_when_solutions_are_read_then_changed_articles_of_every_folder_come_back(
    api: responses.RequestsMock, freshdesk: FreshdeskConnector
) -> None:
    article = {"title": "Refunds", "description": "<p>Within 5 days.</p>", "status": 2}
    api.get(f"{API}/solutions/categories", json=[{"id": 3, "name": "Billing"}])
    api.get(f"{API}/solutions/categories/3/folders", json=[{"id": 4, "name": "Payments"}])
    api.get(
        f"{API}/solutions/folders/4/articles",
        json=[
            {**article, "id": 1, "updated_at": "2026-11-01T00:00:00Z"},
            {**article, "id": 2, "status": 1, "updated_at": "2026-11-02T00:00:00Z"},  # draft
            {**article, "id": 5, "updated_at": "2025-01-01T00:00:00Z"},  # not changed since
        ],
    )
    api.get(f"{API}/solutions/folders/4/subfolders", json=[{"id": 6, "name": "Cards"}])
    api.get(
        f"{API}/solutions/folders/6/articles",
        json=[{**article, "id": 7, "title": "Card refunds", "updated_at": "2026-11-03T00:00:00Z"}],
    )
    api.get(f"{API}/solutions/folders/6/subfolders", json=[])

    page = freshdesk.articles("acme", since=datetime(2026, 6, 1, tzinfo=UTC))

    assert [(a.id, a.title, a.section, a.published) for a in page.items] == [
        ("1", "Refunds", "Payments", True),
        ("2", "Refunds", "Payments", False),
        ("7", "Card refunds", "Cards", True),
    ]
    assert page.items[0].url == f"{SITE}/support/solutions/articles/1"
    assert (page.next_cursor, page.done) == ("2026-11-03T00:00:00Z", True)


def test_when_a_note_is_written_then_it_is_private_and_its_text_is_escaped(
    api: responses.RequestsMock, freshdesk: FreshdeskConnector
) -> None:
    api.post(f"{API}/tickets/20/notes", status=201, json={"id": 9, "private": True})

    freshdesk.add_internal_note("acme", "20", "Draft ready <check>\nsee [1]")

    sent = json.loads(api.calls[0].request.body)
    assert sent == {"body": "Draft ready &lt;check&gt;<br>see [1]", "private": True}


def test_when_a_ticket_is_escalated_then_its_tags_are_kept_and_the_note_is_private(
    api: responses.RequestsMock, freshdesk: FreshdeskConnector
) -> None:
    api.get(f"{API}/tickets/20", json=recorded("ticket_20"))  # tagged "billing"
    api.put(f"{API}/tickets/20", json={**recorded("ticket_20"), "group_id": 5})
    api.post(f"{API}/tickets/20/notes", status=201, json={"id": 10, "private": True})

    freshdesk.escalate("acme", "20", "Escalated <now>", "5", ("precedent-escalated", "billing"))

    methods = [(c.request.method, c.request.url.split("/api/v2")[1]) for c in api.calls]
    assert methods == [
        ("GET", "/tickets/20"),
        ("PUT", "/tickets/20"),
        ("POST", "/tickets/20/notes"),
    ]
    update, note = (json.loads(c.request.body) for c in api.calls[1:])
    assert update == {"tags": ["billing", "precedent-escalated"], "group_id": 5}
    assert note == {"body": "Escalated &lt;now&gt;", "private": True}


def test_when_context_is_read_then_company_tier_fields_and_recent_tickets_come_back(
    api: responses.RequestsMock,
) -> None:
    api.get(f"{API}/contacts/129", json=recorded("contact_129"))
    api.get(f"{API}/companies/8", json=recorded("company_8"))
    recent = {"requester_id": "129", "order_by": "created_at", "order_type": "desc"}
    api.get(
        f"{API}/tickets",
        json=[
            {"id": 20, "subject": "Refund", "status": 2, "created_at": "2026-11-29T11:59:05Z"},
            {
                "id": 11,
                "subject": "Card declined",
                "status": 4,
                "created_at": "2026-01-02T10:00:00Z",
            },
        ],
        match=[matchers.query_param_matcher({**recent, "per_page": "3"})],
    )
    requester = Requester("Sam Carter", "sam@example.org", "129")
    ticket = Ticket("acme", "20", "Refund", "charged twice", requester=requester)

    context = FreshdeskConnector(lambda t: SETTINGS, recent_tickets=2).customer_context(
        "acme", ticket
    )

    assert context is not None
    assert (context.organization, context.plan) == ("Carter Bakery", "Premium")
    assert context.fields == {
        "loyalty_level": "gold",
        "account_tier": "Premium",
        "health_score": "Happy",
        "industry": "Food",
        "renewal_date": "2027-01-01T00:00:00Z",
        "region": "US-East",
    }
    assert context.recent_tickets == (
        TicketSummary("11", "Card declined", "resolved", "2026-01-02T10:00:00Z"),
    )


def test_open_tickets_stop_paging_once_the_limit_is_reached(
    api: responses.RequestsMock, freshdesk: FreshdeskConnector
) -> None:
    api.get(
        f"{API}/tickets",
        json=[
            {"id": 1, "subject": "a", "status": 5},
            {"id": 2, "subject": "b", "status": 2, "description_text": "help"},
            {"id": 3, "subject": "c", "status": 3},
        ],
        headers=next_link("order_by=updated_at&per_page=100&include=description&page=2"),
    )

    tickets = freshdesk.list_open_tickets("acme", limit=2)

    assert [(t.id, t.status, t.body) for t in tickets] == [
        ("2", "open", "help"),
        ("3", "pending", ""),
    ]
    assert len(api.calls) == 1
