"""Escalation through the real Zendesk connector, in Chromium (issue 16 item 3).

The backend runs with ``PRECEDENT_CONNECTOR=zendesk``: zenpy talks to a local Zendesk-shaped
API (tests/servers.py) that the tenant's ``--api-url`` points at, and records every request.
The sidebar is loaded the signed way (a ZAF JWT POSTed into the frame) because a connected
helpdesk refuses the unsigned page. A medical question nobody may review is escalated from
the banner: the assertions are on what the Zendesk API received and what the escalation
address was sent.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.test_helpdesk_apps import (  # noqa: F401  (fixture)
    helpdesk,
    open_zendesk_ticket,
)
from tests.browser.test_preview import chromium
from tests.helpdesk_accounts import AUDIENCE, ZENDESK_KEY, public_pem, zaf_token
from tests.integration.conftest import ROOT, settings_env
from tests.servers import (
    Received,
    ZendeskAccount,
    free_port,
    wait_for,
    webhook_receiver,
    zendesk_api,
)

pytestmark = pytest.mark.browser
ESCALATIONS = "escalations@example.test"
GROUP = "360000000042"  # the tenant's escalation group
NOTE = "Asks about a dose: needs a pharmacist."
ASKED = (
    "My son has asthma. Should I stop giving him his steroid inhaler now that the purifier "
    "keeps the air clean?"
)
CLI = [sys.executable, "-m", "backend.cli"]


def acme() -> ZendeskAccount:
    """Ticket 4 of the acme account, its requester and its one comment (the description)."""
    at = "2026-03-02T09:15:00Z"
    ticket = {
        "id": 4,
        "url": "https://acme.zendesk.com/api/v2/tickets/4.json",
        "subject": "Asthma and the purifier",
        "description": ASKED,
        "status": "open",
        "type": None,
        "priority": None,
        "requester_id": 7004,
        "submitter_id": 7004,
        "group_id": None,
        "brand_id": None,
        "ticket_form_id": None,
        "organization_id": None,
        "tags": ["purifier"],
        "custom_fields": [],
        "created_at": at,
        "updated_at": at,
    }
    user = {
        "id": 7004,
        "name": "Lee Moss",
        "email": "lee.moss@example.com",
        "role": "end-user",
        "organization_id": None,
        "tags": [],
        "user_fields": {},
    }
    comment = {"id": 401, "type": "Comment", "author_id": 7004, "body": ASKED, "public": True}
    group = {"id": int(GROUP), "name": "Clinical escalations"}
    comments = {4: [{**comment, "created_at": at}]}
    return ZendeskAccount({4: ticket}, comments, {7004: user}, {int(GROUP): group})


@pytest.fixture(scope="module")
def zendesk() -> Iterator[tuple[str, ZendeskAccount]]:
    account = acme()
    with zendesk_api(account) as url:
        yield url, account


@pytest.fixture(scope="module")
def notices() -> Iterator[tuple[str, Received]]:
    with webhook_receiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def backend(
    tmp_path_factory: pytest.TempPathFactory,
    zendesk: tuple[str, ZendeskAccount],
    notices: tuple[str, Received],
) -> Iterator[str]:
    """``precedent serve`` for tenant acme, connected to the local Zendesk API."""
    data = tmp_path_factory.mktemp("var")
    env = settings_env(
        {
            "DATA_DIR": str(data),
            "CONNECTOR": "zendesk",
            "SYNC_MINUTES": "0",  # no history import: the account serves ticket 4 only
            "SECRET_KEY": "browser-test-secret-3f8a61c2d94e4b7a",
            "ESCALATION_EMAIL": ESCALATIONS,
            "NOTIFY": "webhook",
            "NOTIFY_WEBHOOK_URL": notices[0],
        }
    )
    key = data / "zendesk-app.pem"
    key.write_text(public_pem(ZENDESK_KEY))
    account = ["--host", "acme", "--email", "bot@acme.test", "--api-token", "zd-api-token"]
    app = ["--app-public-key", str(key), "--app-audience", AUDIENCE]
    escalation = ["--escalation-group", GROUP, "--api-url", zendesk[0]]
    connect = [*CLI, "helpdesk", "connect", "zendesk", "--tenant", "acme"]
    run = subprocess.run(
        [*connect, *account, *app, *escalation], env=env, cwd=ROOT, text=True, capture_output=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    yield from serve(env, data / "serve.log")


def serve(env: dict[str, str], log: Path) -> Iterator[str]:
    """``precedent serve`` (web and an embedded worker); its output goes to ``log``."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: urllib.request.urlopen(f"{url}/api/v1/health").status == 200, "server")
            yield url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(20)


@pytest.fixture(scope="module")
def agent(backend: str) -> Iterator[Page]:
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"chromium-{os.getpid()}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(),
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


def comments_sent(requests: list[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    """Every comment any write to the Zendesk API carried."""
    return [
        body["ticket"]["comment"]
        for method, _, body in requests
        if method != "GET" and body and "comment" in body.get("ticket", {})
    ]


def test_escalating_a_draft_nobody_may_review_writes_a_private_note_tag_and_group_to_zendesk(
    agent: Page,
    backend: str,
    zendesk: tuple[str, ZendeskAccount],
    notices: tuple[str, Received],
    helpdesk: tuple[str, dict[str, tuple[str, bytes]]],  # noqa: F811
) -> None:
    """Ticket 4 (medical) has no eligible reviewer: the banner says so and offers Escalate;
    Zendesk gets the tag, the group and an internal note, the escalation address a notice."""
    account = zendesk[1]
    open_zendesk_ticket(agent, backend, helpdesk, "4", token=zaf_token())
    app = agent.frame_locator("#app")
    banner = app.locator(".pcd-gate")
    expect(banner).to_contain_text("No reviewer is credentialed for this yet", timeout=60_000)
    expect(banner).not_to_contain_text("Insert unlocks")
    read = [(method, path.split("?")[0]) for method, path, _ in account.requests]
    assert ("GET", "/api/v2/tickets/4.json") in read  # the draft was of Zendesk's ticket
    assert ("GET", "/api/v2/tickets/4/comments.json") in read

    banner.get_by_role("button", name="Escalate").click()
    app.get_by_label("Note for whoever takes the ticket (optional)").fill(NOTE)
    app.get_by_role("button", name="Escalate ticket").click()

    told = (
        f"Escalated: internal note added, assigned to group {GROUP}, tagged "
        f"precedent-escalated. Told: {ESCALATIONS}."
    )
    expect(app.locator(".pcd-feedback-note")).to_have_text(told, timeout=30_000)
    writes = [(m, p, b) for m, p, b in account.requests if m != "GET"]
    assert writes[0] == ("PUT", "/api/v2/tickets/4/tags.json", {"tags": ["precedent-escalated"]})
    method, path, update = writes[1]
    assert (method, path) == ("PUT", "/api/v2/tickets/4.json")
    assert update["ticket"]["group_id"] == int(GROUP)
    note = update["ticket"]["comment"]
    assert note["public"] is False
    assert f"Note: {NOTE}" in note["body"] and "needs review (medical" in note["body"]
    assert "no reviewer is credentialed" in note["body"]
    assert len(writes) == 2  # nothing else was written: no reply, no second note
    assert all(c.get("public") is False for c in comments_sent(account.requests))
    assert account.tickets[4]["tags"] == ["purifier", "precedent-escalated"]  # others kept

    [notice] = [n for n in notices[1].items if n.get("event") == "ticket.escalated"]
    assert notice["recipient"]["email"] == ESCALATIONS and notice["ticket_id"] == "4"
    assert notice["title"] == "Escalated: ticket 4 (medical)"
    assert notice["note"] == NOTE
