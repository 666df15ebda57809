"""``precedent ingest zendesk|freshdesk`` through the real connectors, recorded-shape JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import lancedb
import pytest
import responses
from click.testing import CliRunner, Result
from responses import matchers
from tqdm import tqdm

from backend.cli import cli
from backend.retrieval import helpdesk_cli

FIXTURES = Path(__file__).parent.parent / "fixtures"
ZENDESK = "https://acme.zendesk.com/api/v2"
FRESHDESK = "https://acme.freshdesk.com/api/v2"
PAGE_2 = "MTU3NjYxMzUzOS4wfHw0NTF8"
FRESHDESK_SINCE = {
    "updated_since": "1970-01-01T00:00:00Z",
    "order_by": "updated_at",
    "order_type": "asc",
    "per_page": "100",
    "include": "requester,description",
}
SEEDED = ("maria.lopez@example.org", "415-555-0142", "sam.carter@example.org", "415-555-0199")
Run = Callable[..., Result]


def recorded(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / f"{name}.json").read_text())


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PRECEDENT_FILES_INBOX", str(FIXTURES / "inbox.jsonl"))
    monkeypatch.setenv("PRECEDENT_SECRET_KEY", "ingest-test-secret-key")

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def visible_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bar hides itself when stderr is not a terminal, as under the test runner."""
    monkeypatch.setattr(helpdesk_cli, "tqdm", lambda **kw: tqdm(**{**kw, "disable": False}))


def connect(run: Run, platform: str, tenant: str) -> None:
    extra = ["--email", "bot@acme.test"] if platform == "zendesk" else []
    result = run(
        "helpdesk", "connect", platform, "--tenant", tenant, "--host", "acme",
        "--api-token", "tok-3f9a", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def indexed(tmp_path: Path, tenant: str) -> list[dict[str, Any]]:
    table = lancedb.connect(tmp_path / "var" / "index").open_table(f"sources_{tenant}")
    rows: list[dict[str, Any]] = table.to_arrow().drop_columns(["vector"]).to_pylist()
    return rows


def zendesk_history(api: responses.RequestsMock, start: str = "0") -> None:
    api.get(
        f"{ZENDESK}/incremental/tickets/cursor.json",
        json=recorded("zendesk", "incremental_tickets_1"),
        match=[matchers.query_param_matcher({"start_time": start, "per_page": "100"})],
    )
    api.get(
        f"{ZENDESK}/incremental/tickets/cursor.json",
        json=recorded("zendesk", "incremental_tickets_2"),
        match=[matchers.query_param_matcher({"cursor": PAGE_2})],
    )
    api.get(f"{ZENDESK}/tickets/31/comments.json", json=recorded("zendesk", "comments_31"))
    api.get(f"{ZENDESK}/tickets/17/comments.json", json={"comments": []})
    api.get(f"{ZENDESK}/users/7001.json", json=recorded("zendesk", "user_7001"))


def zendesk_articles(api: responses.RequestsMock) -> None:
    api.get(
        f"{ZENDESK}/help_center/incremental/articles.json",
        json=recorded("zendesk", "incremental_articles"),
    )


def test_both_commands_have_help(run: Run) -> None:
    for platform in ("zendesk", "freshdesk"):
        result = run("ingest", platform, "--help")
        assert result.exit_code == 0
        assert "--since" in result.output and "--no-articles" in result.output


def test_when_zendesk_is_ingested_then_tickets_and_articles_are_indexed_redacted(
    run: Run, api: responses.RequestsMock, tmp_path: Path, visible_progress: None
) -> None:
    connect(run, "zendesk", "acme")
    zendesk_history(api)
    zendesk_articles(api)

    result = run("ingest", "zendesk", "--tenant", "acme")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "indexed 1 tickets (1 entries) from Zendesk for tenant 'acme'; "
        "skipped 1 without a public agent reply",
        "indexed 1 articles (1 sections) from Zendesk for tenant 'acme'",
    ]
    assert "Zendesk tickets: 2 tickets" in result.stderr
    assert "Zendesk articles: 2 articles" in result.stderr  # one of them is a draft
    rows = {row["chunk_id"]: row for row in indexed(tmp_path, "acme")}
    assert set(rows) == {"ticket:31", "doc:articles/360001#reset"}
    ticket = rows["ticket:31"]
    assert "It is for the office" in ticket["text"]  # the customer's follow-up
    assert "hold WPS for 5 seconds" in ticket["answer"]  # the agent's public reply
    assert ticket["url"] == "https://acme.zendesk.com/agent/tickets/31"
    article = rows["doc:articles/360001#reset"]
    assert article["url"] == (
        "https://acme.zendesk.com/hc/en-us/articles/360001-Resetting-the-E-104#reset"
    )
    stored = json.dumps(list(rows.values()), default=str)
    assert "VIP account" not in stored  # internal notes are never indexed
    for value in SEEDED:
        assert value not in stored
    assert "<EMAIL_ADDRESS>" in ticket["answer"]


def test_when_zendesk_is_ingested_again_then_entries_are_replaced_not_added(
    run: Run, api: responses.RequestsMock, tmp_path: Path
) -> None:
    connect(run, "zendesk", "acme")
    zendesk_history(api)
    assert run("ingest", "zendesk", "--tenant", "acme", "--no-articles").exit_code == 0
    zendesk_history(api, start="1577836800")

    result = run("ingest", "zendesk", "--tenant", "acme", "--no-articles", "--since", "2020-01-01")

    assert result.exit_code == 0, result.output
    assert [row["chunk_id"] for row in indexed(tmp_path, "acme")] == ["ticket:31"]


def test_when_freshdesk_is_ingested_then_conversations_and_solutions_are_indexed_redacted(
    run: Run, api: responses.RequestsMock, tmp_path: Path
) -> None:
    connect(run, "freshdesk", "fresh")
    page_2 = urlencode({**FRESHDESK_SINCE, "page": "2"})
    api.get(
        f"{FRESHDESK}/tickets",
        json=recorded("freshdesk", "tickets_updated_page1"),
        headers={"link": f'<{FRESHDESK}/tickets?{page_2}>;rel="next"'},
        match=[matchers.query_param_matcher(FRESHDESK_SINCE)],
    )
    api.get(
        f"{FRESHDESK}/tickets",
        json=recorded("freshdesk", "tickets_updated_page2"),
        match=[matchers.query_param_matcher({**FRESHDESK_SINCE, "page": "2"})],
    )
    api.get(f"{FRESHDESK}/tickets/11/conversations", json=recorded("freshdesk", "conversations_11"))
    api.get(f"{FRESHDESK}/tickets/12/conversations", json=[])
    api.get(f"{FRESHDESK}/solutions/categories", json=[{"id": 3, "name": "Billing"}])
    api.get(f"{FRESHDESK}/solutions/categories/3/folders", json=[{"id": 4, "name": "Payments"}])
    refund = "<h2>Card refunds</h2><p>Refunds reach the card within 5 days.</p>"
    api.get(
        f"{FRESHDESK}/solutions/folders/4/articles",
        json=[{"id": 1, "title": "Refunds", "description": refund, "status": 2,
               "updated_at": "2026-11-01T00:00:00Z"}],
    )  # fmt: skip
    api.get(f"{FRESHDESK}/solutions/folders/4/subfolders", json=[])

    result = run("ingest", "freshdesk", "--tenant", "fresh")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "indexed 1 tickets (1 entries) from Freshdesk for tenant 'fresh'; "
        "skipped 1 without a public agent reply",
        "indexed 1 articles (1 sections) from Freshdesk for tenant 'fresh'",
    ]
    rows = {row["chunk_id"]: row for row in indexed(tmp_path, "fresh")}
    assert set(rows) == {"ticket:11", "doc:articles/1#card-refunds"}
    assert "approve it in your banking app" in rows["ticket:11"]["answer"]
    assert rows["ticket:11"]["url"] == "https://acme.freshdesk.com/a/tickets/11"
    stored = json.dumps(list(rows.values()), default=str)
    for value in SEEDED:
        assert value not in stored
    # The requester the export embeds is redacted wherever it stands ("Card declined - Carter").
    assert "Carter" not in stored and "sam@example.org" not in stored


def test_when_the_tenant_has_no_helpdesk_account_then_one_line_says_how_to_connect(
    run: Run,
) -> None:
    result = run("ingest", "zendesk", "--tenant", "nobody")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no helpdesk is connected for tenant 'nobody'; "
        "run: precedent helpdesk connect zendesk|freshdesk --tenant nobody\n"
    )


def test_when_credentials_are_refused_then_one_line_names_the_account_not_the_token(
    run: Run, api: responses.RequestsMock
) -> None:
    connect(run, "zendesk", "acme")
    api.get(f"{ZENDESK}/incremental/tickets/cursor.json", status=401, json={"error": "no"})

    result = run("ingest", "zendesk", "--tenant", "acme")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Zendesk acme refused our credentials (HTTP 401); check the API token and the "
        "agent's permissions, then connect the helpdesk again\n"
    )
    assert "tok-3f9a" not in result.output


def test_when_rate_limited_mid_way_then_indexed_pages_stay_and_a_rerun_continues(
    run: Run, api: responses.RequestsMock, tmp_path: Path
) -> None:
    connect(run, "zendesk", "acme")
    api.get(
        f"{ZENDESK}/incremental/tickets/cursor.json",
        json=recorded("zendesk", "incremental_tickets_1"),
        match=[matchers.query_param_matcher({"start_time": "0", "per_page": "100"})],
    )
    api.get(f"{ZENDESK}/tickets/31/comments.json", json=recorded("zendesk", "comments_31"))
    api.get(f"{ZENDESK}/users/7001.json", json=recorded("zendesk", "user_7001"))
    limited = api.get(
        f"{ZENDESK}/incremental/tickets/cursor.json",
        status=429,
        headers={"Retry-After": "30"},
        body="Number of allowed incremental export API requests per minute exceeded",
        match=[matchers.query_param_matcher({"cursor": PAGE_2})],
    )

    result = run("ingest", "zendesk", "--tenant", "acme", "--no-articles")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Zendesk acme rate limit reached. 1 page(s) of tickets were indexed and saved; "
        "run 'precedent ingest zendesk --tenant acme' again in 30 s to continue from there\n"
    )
    assert [row["chunk_id"] for row in indexed(tmp_path, "acme")] == ["ticket:31"]

    api.remove(limited)  # the minute has passed
    api.get(
        f"{ZENDESK}/incremental/tickets/cursor.json",
        json=recorded("zendesk", "incremental_tickets_2"),
        match=[matchers.query_param_matcher({"cursor": PAGE_2})],
    )
    api.get(f"{ZENDESK}/tickets/17/comments.json", json={"comments": []})
    api.calls.reset()

    again = run("ingest", "zendesk", "--tenant", "acme", "--no-articles")

    assert again.exit_code == 0, again.output
    assert [c.request.params for c in api.calls][0] == {"cursor": PAGE_2}  # not from the start


def test_when_articles_are_listed_in_full_then_deleted_ones_leave_the_index(
    run: Run, api: responses.RequestsMock, tmp_path: Path
) -> None:
    connect(run, "zendesk", "acme")
    zendesk_history(api)
    zendesk_articles(api)
    assert run("ingest", "zendesk", "--tenant", "acme").exit_code == 0
    assert "doc:articles/360001#reset" in {r["chunk_id"] for r in indexed(tmp_path, "acme")}
    zendesk_history(api, start="1577836800")
    listing = recorded("zendesk", "incremental_articles")
    deleted = {**listing, "articles": [a for a in listing["articles"] if a["id"] != 360001]}
    api.get(
        f"{ZENDESK}/help_center/incremental/articles.json",
        json=deleted,
        match=[matchers.query_param_matcher({"start_time": "0"})],
    )

    result = run(
        "ingest", "zendesk", "--tenant", "acme", "--since", "2020-01-01", "--full-articles"
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "indexed 0 articles (0 sections) from Zendesk for tenant 'acme'; "
        "removed 1 sections of unpublished or deleted ones"
    )
    assert [r["chunk_id"] for r in indexed(tmp_path, "acme")] == ["ticket:31"]


def test_full_articles_needs_articles(run: Run) -> None:
    result = CliRunner().invoke(cli, ["ingest", "zendesk", "--no-articles", "--full-articles"])
    assert result.exit_code == 2
    assert "--full-articles cannot be used with --no-articles" in result.output
