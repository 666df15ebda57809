"""Draft identity in Chromium (issue 16 item 1): the Zendesk sidebar over ZAF and the reviewer
page against a running backend and worker.

Reopening an approved ticket shows the approved draft and opens no new review item; "Draft
again" asks for a new draft; a new customer message makes a new version whose draft
supersedes the open review item: a sidebar still showing the older draft says so and opens
the newer one, and the reviewer's queue shows it with a link.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import test_preview
from tests.browser.test_helpdesk_apps import (  # noqa: F401  (module fixture)
    helpdesk,
    open_zendesk_ticket,
)
from tests.browser.test_preview import (  # noqa: F401  (module fixtures)
    browser_page,
    server,
    server_data,
)
from tests.conftest import FIXTURES
from tests.integration.conftest import ROOT, settings_env

pytestmark = pytest.mark.browser
if hasattr(test_preview, "notices"):  # the server's notifier, where the fixture has one
    notices = test_preview.notices
TICKET = "N-4"  # "Asthma and the purifier": medical advice, held for a reviewer
Helpdesk = tuple[str, dict[str, tuple[str, bytes]]]


def medical_reviewer(server: str) -> str:  # noqa: F811
    """A reviewer credentialed for medical advice in the US; their token."""
    cli = [sys.executable, "-m", "backend.cli"]
    env = settings_env(
        {"DATA_DIR": server_data(server), "FILES_INBOX": str(FIXTURES / "inbox.jsonl")}
    )
    credential = ["--domain", "medical", "--jurisdiction", "US-*", "--licence", "MD-7781"]
    outputs = [
        subprocess.run(
            [*cli, "reviewers", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for command in (
            ["add", "Dr Okafor", "okafor@example.com"],
            ["credential", "okafor@example.com", *credential, "--expires", "2099-12-31"],
        )
    ]
    return outputs[0].strip().splitlines()[-1]


def customer_writes(server: str, text: str) -> None:  # noqa: F811
    """The customer adds a public comment to the ticket in the helpdesk (the files inbox)."""
    inbox = Path(server_data(server)) / "inbox.jsonl"
    rows = [json.loads(line) for line in inbox.read_text().splitlines() if line.strip()]
    for row in rows:
        if row["id"] == TICKET:
            row["comments"] = [*row.get("comments", []), {"author": "customer", "body": text}]
    inbox.write_text("".join(json.dumps(row) + "\n" for row in rows))


def review_items(server: str) -> list[tuple[str, str]]:  # noqa: F811
    """(draft id, status) of the ticket's review items, oldest first."""
    database = Path(server_data(server)) / "precedent.db"
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT r.draft_id, r.status FROM review_items r JOIN drafts d ON d.id = r.draft_id"
            " WHERE d.ticket_id = ? ORDER BY r.id",
            (TICKET,),
        ).fetchall()
    return [(str(draft), str(status)) for draft, status in rows]


def open_ticket(page: Page, server: str, helpdesk: Helpdesk) -> None:  # noqa: F811
    page.goto("about:blank")
    open_zendesk_ticket(page, server, helpdesk, TICKET)


def test_reopening_an_approved_ticket_shows_the_approved_draft_and_a_new_message_supersedes(
    browser_page: Page,  # noqa: F811
    server: str,  # noqa: F811
    helpdesk: Helpdesk,  # noqa: F811
) -> None:
    token = medical_reviewer(server)
    agent = browser_page.context.new_page()
    seen: list[str] = []

    def record(response: object) -> None:  # every draft the sidebar was answered with
        url, method = response.url, response.request.method  # type: ignore[attr-defined]
        if method == "POST" and url.endswith("/api/v1/drafts"):
            seen.append(response.json()["id"])  # type: ignore[attr-defined]

    agent.on("response", record)
    open_ticket(agent, server, helpdesk)
    app = agent.frame_locator("#app")
    expect(app.get_by_text("Needs review before use")).to_be_visible(timeout=60_000)
    first = seen[-1]

    reviewer = browser_page.context.new_page()
    reviewer.goto(f"{server}/review")
    reviewer.get_by_label("Personal access token").fill(token)
    reviewer.get_by_role("button", name="Sign in").click()
    item = reviewer.locator(".rv-item", has_text=TICKET)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Asthma and the purifier")  # the subject, not just an id
    item.click()
    reviewer.get_by_role("button", name="Approve", exact=True).click()
    expect(reviewer.get_by_text("Nothing waiting for you")).to_be_visible()

    # The agent opens the ticket again (twice): the approved draft, no new review item.
    for _ in range(2):
        open_ticket(agent, server, helpdesk)
        expect(app.get_by_role("button", name="Insert into reply")).to_be_enabled(timeout=30_000)
        assert seen[-1] == first
    assert review_items(server) == [(first, "approved")]
    reviewer.get_by_role("button", name="Refresh").click()
    expect(reviewer.get_by_text("Nothing waiting for you")).to_be_visible()

    # "Draft again" is explicit: a new draft, which a reviewer must see again.
    with agent.expect_request(lambda r: r.url.endswith("/api/v1/drafts")) as asked:
        app.get_by_role("button", name="Draft again").click()
    assert asked.value.post_data_json == {"ticket_id": TICKET, "again": True}
    expect(app.get_by_text("Needs review before use")).to_be_visible(timeout=60_000)
    again = seen[-1]
    assert again != first

    # The customer writes again and a colleague opens the ticket: a new version, whose draft
    # supersedes the open item. The agent's sidebar, still on the older draft, says so.
    customer_writes(server, "He has been wheezing less. Can I halve the inhaler dose?")
    colleague = browser_page.context.new_page()
    colleague.on("response", record)
    open_ticket(colleague, server, helpdesk)
    expect(colleague.frame_locator("#app").get_by_text("Needs review before use")).to_be_visible(
        timeout=60_000
    )
    newest = seen[-1]
    assert newest not in (first, again)
    assert review_items(server) == [(first, "approved"), (again, "superseded"), (newest, "pending")]
    notice = app.locator(".pcd-superseded")  # the sidebar re-reads a held draft every 5 s
    expect(notice).to_contain_text("A newer draft replaced this one", timeout=20_000)
    with agent.expect_response(lambda r: r.url.endswith(f"/api/v1/drafts/{newest}")) as opened:
        notice.get_by_role("button", name="Open the newer draft").click()
    assert opened.value.json()["id"] == newest
    expect(app.locator(".pcd-superseded")).to_have_count(0)
    expect(app.get_by_text("Needs review before use")).to_be_visible()
    colleague.close()

    reviewer.get_by_role("button", name="Refresh").click()
    pending = reviewer.locator(".rv-item", has_text=TICKET)
    expect(pending).to_have_count(1)  # one open item per ticket
    pending_id = pending.get_attribute("data-id")
    replaced = reviewer.locator(".rv-superseded-item")
    expect(replaced).to_have_count(1)
    expect(replaced).to_contain_text("Asthma and the purifier")
    link = replaced.get_by_role("link", name=f"review #{pending_id}")
    expect(link).to_have_attribute("href", f"#review-{pending_id}")
    link.click()
    expect(reviewer).to_have_url(re.compile(f"#review-{pending_id}$"))
    expect(reviewer.get_by_text("Awaiting your review")).to_be_visible()
    agent.close()
    reviewer.close()
