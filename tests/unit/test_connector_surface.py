"""Invariant 1, never send: no connector has a method beyond the read-and-note protocol.

Its writes are internal: a note (``add_internal_note``) and an escalation (``escalate``: a
note, a group, tags), each asserted private in the connector's own tests. ``team_history``
only reads."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from backend.connectors import Connector, connectors
from backend.connectors.settings import HelpdeskSettings

PROTOCOL = {
    name
    for name, member in vars(Connector).items()
    if inspect.isfunction(member) and not name.startswith("_")
}


def test_the_protocol_reads_and_writes_only_internal_notes_and_escalations() -> None:
    assert PROTOCOL == {
        "get_ticket",
        "list_open_tickets",
        "customer_context",
        "resolved_tickets",
        "articles",
        "add_internal_note",
        "escalate",
        "team_history",
    }


@pytest.mark.parametrize("name", connectors.names())
def test_when_a_connector_is_registered_then_its_public_surface_is_exactly_the_protocol(
    name: str,
) -> None:
    cls = connectors.get(name)
    public = {member for member in dir(cls) if not member.startswith("_")}
    assert public == PROTOCOL
    built = {member for member in dir(instance(name)) if not member.startswith("_")}
    assert built == PROTOCOL  # no public attribute (a client, a session) either
    for method in PROTOCOL:
        expected = inspect.signature(getattr(Connector, method))
        assert inspect.signature(getattr(cls, method)) == expected, f"{name}.{method}"


def test_every_helpdesk_connector_is_registered() -> None:
    assert {"files", "zendesk", "freshdesk"} <= set(connectors.names())


def instance(name: str) -> Any:
    cls: Any = connectors.get(name)
    if name == "files":
        return cls(inbox="inbox.jsonl")
    platform = "zendesk" if name == "helpdesk" else name
    settings = HelpdeskSettings(tenant="t", platform=platform, host="t", email="e", api_token="k")
    return cls(lambda tenant: settings)
