"""The preview page in a real headless Chromium against a running backend and worker."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect, sync_playwright

from tests.conftest import FIXTURES
from tests.integration.conftest import ROOT, settings_env
from tests.servers import Received, free_port, wait_for, webhook_receiver

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
DATA_DIRS: dict[str, str] = {}
ESCALATIONS = "escalations@example.test"  # the deployment's escalation address
INSTRUCTION = "Call the customer back now and read them the emergency script (SOP-7)."
EMERGENCY = {  # no reviewer of the other tests is credentialed in GB
    "id": "S-1",
    "subject": "Dishwasher pods",
    "body": "My 2 year old just bit into one of your dishwasher pods, some of it is in his "
    "mouth. What do I do??",
    "jurisdiction": "GB",
    "requester": {"name": "Kim Lee", "email": "kim@example.com"},
}


def server_data(url: str) -> str:
    return DATA_DIRS[url]


def chromium() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (apt-get install chromium; .ci/run does)")
    pytest.skip("chromium is not installed")


@pytest.fixture(scope="module")
def notices() -> Iterator[tuple[str, Received]]:
    """The server's notifier: a local webhook receiver's URL and what it got (reviewer and
    escalation notices)."""
    with webhook_receiver() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, notices: tuple[str, Received]
) -> Iterator[str]:
    data = tmp_path_factory.mktemp("var")
    inbox = data / "inbox.jsonl"  # the fixture inbox and an emergency
    inbox.write_text((FIXTURES / "inbox.jsonl").read_text() + json.dumps(EMERGENCY) + "\n")
    notify = {"NOTIFY": "webhook", "NOTIFY_WEBHOOK_URL": notices[0]}
    env = settings_env(
        {
            "DATA_DIR": str(data),
            "FILES_INBOX": str(inbox),
            "SAFETY_INSTRUCTION": INSTRUCTION,
            "ESCALATION_EMAIL": ESCALATIONS,
            **notify,
        }
    )
    cli = [sys.executable, "-m", "backend.cli"]
    subprocess.run(
        [*cli, "ingest", "docs", str(FIXTURES / "docs"), "--base-url", "https://help.test"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    subprocess.run(
        [
            *cli,
            "ingest",
            "tickets",
            str(FIXTURES / "tickets.jsonl"),
            "--url-template",
            "https://helpdesk.test/tickets/{id}",
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    port = free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: urllib.request.urlopen(f"{url}/api/v1/health").status == 200, "server")
    DATA_DIRS[url] = str(data)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(20)


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[Page]:
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"chromium-{os.getpid()}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        yield context.new_page()
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


def test_an_agent_drafts_reads_citations_and_inserts_the_reply(
    server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(f"{server}/preview#N-1")
    expect(page.get_by_role("heading", name="Purifier will not join my wifi")).to_be_visible()
    page.get_by_role("button", name="Draft reply").first.click()

    insert = page.get_by_role("button", name="Insert into reply")
    expect(insert).to_be_visible(timeout=60_000)
    expect(page.get_by_text("2.4 GHz").first).to_be_visible()
    link = page.get_by_role("link", name="E-104 during setup")
    expect(link).to_have_attribute("href", "https://helpdesk.test/tickets/R-1")
    page.screenshot(path=str(tmp_path / "preview-ready.png"), full_page=True)

    insert.click()  # the server records the insertion first, then the composer is filled
    composer = page.locator("textarea:visible").first
    expect(composer).to_have_value(re.compile("2.4 GHz"))
    assert "[1]" not in composer.input_value()  # markers are for the agent, not the customer


def test_a_question_nothing_covers_shows_a_knowledge_gap(server: str, browser_page: Page) -> None:
    page = browser_page
    page.goto(f"{server}/preview#N-2")
    expect(page.get_by_role("heading", name="Do you sell robotic lawnmowers?")).to_be_visible()
    page.get_by_role("button", name="Draft reply").first.click()
    expect(page.get_by_text("Knowledge gap").first).to_be_visible(timeout=60_000)
    expect(page.get_by_role("link", name="E-104 during setup")).to_have_count(0)


def test_a_credentialed_reviewer_approves_a_gated_draft_and_the_agent_can_insert_it(
    server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page
    cli = [sys.executable, "-m", "backend.cli"]
    env = settings_env(
        {"DATA_DIR": server_data(server), "FILES_INBOX": str(FIXTURES / "inbox.jsonl")}
    )
    added = subprocess.run(
        [*cli, "reviewers", "add", "Dr Okafor", "okafor@example.com"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    token = added.stdout.strip().splitlines()[-1]
    subprocess.run(
        [
            *cli,
            "reviewers",
            "credential",
            "okafor@example.com",
            "--domain",
            "medical",
            "--jurisdiction",
            "US-*",
            "--licence",
            "MD-7781",
            "--expires",
            "2099-12-31",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    page.goto(f"{server}/preview#N-4")
    page.get_by_role("button", name="Draft reply").first.click()
    expect(page.get_by_text("Needs review before use")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Insert into reply")).to_be_disabled()

    review = page.context.new_page()
    review.goto(f"{server}/review")
    review.get_by_label("Personal access token").fill(token)
    review.get_by_role("button", name="Sign in").click()
    expect(review.get_by_text("N-4").first).to_be_visible()
    review.get_by_text("N-4").first.click()
    review.get_by_role("button", name="Approve", exact=True).click()
    expect(review.get_by_text("Nothing waiting for you")).to_be_visible()
    review.screenshot(path=str(tmp_path / "review-done.png"), full_page=True)
    review.close()

    # The sidebar re-reads a draft awaiting review every few seconds.
    expect(page.get_by_role("button", name="Insert into reply")).to_be_enabled(timeout=20_000)


GROWING = ["Hi there, E-104", " is a Wi-Fi handshake failure."]
RECORD_STREAMED_TEXT = """() => {
  window.streamedTexts = [];
  new MutationObserver((mutations) => mutations.forEach((m) => {
    if (m.target.classList && m.target.classList.contains("pcd-stream-text")) {
      m.addedNodes.forEach((node) => window.streamedTexts.push(node.textContent));
    }
  })).observe(document.body, { childList: true, subtree: true });
}"""


def test_the_sidebar_shows_the_text_growing_then_the_cited_draft(
    server: str, browser_page: Page
) -> None:
    """The offline drafter writes in one go, so two model deltas are put in front of the
    server's own event stream (which ends with the real ready draft)."""
    page = browser_page.context.new_page()

    def with_deltas(route: Route) -> None:
        real = route.fetch()
        deltas = "".join(f"event: delta\ndata: {json.dumps({'text': t})}\n\n" for t in GROWING)
        route.fulfill(response=real, body=deltas + real.text())

    page.route(re.compile(r"/api/v1/drafts/[0-9a-f]+/events$"), with_deltas)
    page.goto(f"{server}/preview#N-1")
    page.evaluate(RECORD_STREAMED_TEXT)
    page.get_by_role("button", name="Draft reply").first.click()
    # N-1 was drafted before: its draft is shown at once; "Draft again" writes a new one
    page.locator(".pcd-root").get_by_role("button", name="Draft again").click()

    expect(page.get_by_role("button", name="Insert into reply")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("link", name="E-104 during setup")).to_be_visible()
    assert page.evaluate("window.streamedTexts") == [GROWING[0], "".join(GROWING)]
    expect(page.locator(".pcd-stream-text")).to_have_count(0)  # replaced by the draft
    page.close()


def test_an_emergency_ticket_shows_the_safety_instruction_first_in_the_sidebar_and_the_queue(
    server: str, browser_page: Page, tmp_path: Path
) -> None:
    page = browser_page.context.new_page()
    page.goto(f"{server}/preview#S-1")
    page.get_by_role("button", name="Draft reply").first.click()

    first = page.locator(".pcd-body > *").first  # above the review banner and the draft
    expect(first).to_have_class(re.compile(r"\bpcd-safety\b"), timeout=60_000)
    expect(first.get_by_role("heading")).to_have_text("Someone may be in danger")
    expect(first).to_contain_text(INSTRUCTION)
    expect(page.get_by_text("Needs review before use")).to_be_visible()
    expect(page.get_by_role("button", name="Insert into reply")).to_be_disabled()
    expect(page.get_by_text("No reviewer can approve this draft yet")).to_be_visible()
    page.screenshot(path=str(tmp_path / "sidebar-safety.png"), full_page=True)

    cli = [sys.executable, "-m", "backend.cli"]
    env = settings_env({"DATA_DIR": server_data(server)})
    added = subprocess.run(
        [*cli, "reviewers", "add", "Sam Duty", "duty@example.com"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    token = added.stdout.strip().splitlines()[-1]
    # The emergency also asks a medical question, so the item needs a clinician's licence
    # (which covers safety too); a safety-only licence does not cover the medical domain.
    licence = [
        "--domain",
        "medical",
        "--jurisdiction",
        "GB",
        "--licence",
        "S-1",
        "--expires",
        "2099-12-31",
    ]
    subprocess.run(
        [*cli, "reviewers", "credential", "duty@example.com", *licence],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    review = page.context.new_page()
    review.goto(f"{server}/review")
    review.get_by_label("Personal access token").fill(token)
    review.get_by_role("button", name="Sign in").click()
    expect(review.locator(".rv-item").first).to_contain_text("Urgent")
    detail = review.locator(".rv-content > *").first  # the item opens at once, the notice on top
    expect(detail).to_contain_text("Someone may be in danger", timeout=20_000)
    expect(detail).to_contain_text(INSTRUCTION)
    review.screenshot(path=str(tmp_path / "review-safety.png"), full_page=True)
    review.close()
    page.close()
