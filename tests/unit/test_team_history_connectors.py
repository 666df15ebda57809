"""``team_history`` beyond Zendesk: the files connector's escalations file, Freshdesk's
empty history (no activities endpoint in API v2: webhooks report moves), and the per-tenant
dispatch of CONNECTOR=helpdesk."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses

from backend.connectors import TeamMove, connectors
from backend.connectors.files import FilesConnector
from backend.connectors.freshdesk import FreshdeskConnector
from tests.servers import zendesk_api
from tests.unit import test_freshdesk_connector as freshdesk
from tests.unit import test_zendesk_connector as zendesk
from tests.zendesk_audits import audited_acme


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox.jsonl"
    rows = [
        {"id": "N-3", "subject": "Refund", "body": "A refund, please.", "team": "Billing"},
        {"id": "N-4", "subject": "Asthma", "body": "Inhaler?", "team": "Devices"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_when_escalated_through_files_then_each_group_is_a_move_from_the_team_before(
    inbox: Path,
) -> None:
    files = FilesConnector(str(inbox))
    files.escalate("demo", "N-3", "to finance", "Finance", ())
    files.escalate("demo", "N-4", "clinical", "Clinical", ())
    files.escalate("demo", "N-3", "tags only", "", ("vip",))  # kept its group: no move
    files.escalate("demo", "N-3", "back", "Billing", ())
    files.escalate("other", "N-3", "another tenant", "Legal", ())

    moves = files.team_history("demo", "N-3")

    assert [(m.from_team, m.to_team, m.source, m.key) for m in moves] == [
        ("Billing", "Finance", "files", "N-3:1"),
        ("Finance", "Billing", "files", "N-3:4"),
    ]
    assert all(m.at.tzinfo is not None for m in moves)
    assert files.team_history("demo", "N-9") == []


def test_when_nothing_was_escalated_then_the_files_history_is_empty(inbox: Path) -> None:
    assert FilesConnector(str(inbox)).team_history("demo", "N-3") == []


def test_freshdesk_has_no_team_history_and_asks_nothing_of_the_api() -> None:
    with responses.RequestsMock() as api:  # any request would fail the test
        assert FreshdeskConnector(lambda t: freshdesk.SETTINGS).team_history("acme", "20") == []
        assert len(api.calls) == 0


@pytest.fixture
def helpdesk() -> Iterator[object]:
    """Tenant acme on a local Zendesk with ticket 42's audits; globex on Freshdesk."""
    with zendesk_api(audited_acme(42)) as url:
        accounts = {
            "acme": replace(zendesk.SETTINGS, api_url=url),
            "globex": replace(freshdesk.SETTINGS, tenant="globex"),
        }
        yield connectors.get("helpdesk")(accounts.__getitem__)  # type: ignore[call-arg]


def test_helpdesk_dispatches_team_history_to_each_tenants_platform(helpdesk: object) -> None:
    first = helpdesk.team_history("acme", "42")[0]  # type: ignore[attr-defined]

    assert first == TeamMove(
        datetime(2026, 3, 20, 10, 5, tzinfo=UTC), "Devices", "Billing", "zendesk_audit",
        "8802:88023",
    )  # fmt: skip
    assert helpdesk.team_history("globex", "20") == []  # type: ignore[attr-defined]
