"""The insights page in headless Chromium at 1280 px, on the demo's generated history."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from backend import create_app, migrate
from backend.db import db
from backend.learning import demo, items, leads
from backend.learning.cli import help_sections
from backend.learning.topics import DraftTopics
from backend.learning.window import last
from backend.tenants import ensure_tenant
from tests.conftest import app_config
from tests.servers import free_port

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = os.environ.get("INSIGHTS_SCREENSHOTS")  # a folder: keep the screenshots there


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium; .ci/run does)")
        pytest.skip("chromium is not installed")
    app = create_app(app_config(tmp_path_factory.mktemp("insights")))
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context(), db.session() as session:
        tenant_id = ensure_tenant(session, app.config["DEFAULT_TENANT"]).id
        sections = help_sections(ROOT / "demo" / "helpcenter", "https://help.tidewater.example")
        demo.seed(session, tenant_id, sections, datetime.now(UTC))
        items.refresh(session, tenant_id, last("30d"), DraftTopics(session, tenant_id))
        _, token = leads.add(session, tenant_id, "Ada Lee", "ada@example.com")
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", token
    server.shutdown()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        opened = browser.new_page(viewport={"width": 1280, "height": 900})
        opened.on("pageerror", lambda e: print("pageerror:", e))
        yield opened
        browser.close()


def sign_in(page: Page, url: str, token: str) -> None:
    page.goto(url + "/insights")
    page.fill("#in-token", token)
    page.click("#in-signin-form button[type=submit]")


def test_the_page_signs_in_and_draws_plots_and_lists_from_the_demo(
    served: tuple[str, str], page: Page
) -> None:
    sign_in(page, *served)
    expect(page.locator("#in-who")).to_have_text("Ada Lee · team lead")
    page.wait_for_function(
        "() => ['trend','similarity','mix'].every(n => {"
        " const c = document.getElementById('in-chart-' + n);"
        " return c && c.width > 100 && c.getContext('2d')"
        "   .getImageData(0, 0, c.width, c.height).data.some(v => v !== 0); })"
    )
    lists = page.locator(".in-list")
    expect(lists).to_have_count(4)
    expect(page.locator("#in-fresh")).to_have_text("Updated just now.")  # computed above
    expect(lists.nth(0)).to_contain_text("Cancelling Tidewater Plus and getting a refund")
    expect(lists.nth(1)).to_contain_text("Sam Ortiz")
    expect(lists.nth(3)).to_contain_text("Gift card")
    expect(page.locator("#in-table-body tr")).to_have_count(2)  # Billing, Devices
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insights-1280.png", full_page=True)


def test_a_row_drills_down_and_an_entry_is_marked_done(served: tuple[str, str], page: Page) -> None:
    sign_in(page, *served)
    page.locator("#in-table-body tr").first.click()
    expect(page.locator("#in-drill")).to_contain_text("Drafts for team")
    page.locator("#in-drill .in-link").first.click()
    expect(page.locator(".in-draft")).to_contain_text("<PERSON_1>")
    first = page.locator(".in-item input").first
    first.check()
    expect(page.locator(".in-item.in-done")).to_have_count(1)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insights-1280-drill.png", full_page=True)


def test_a_brand_filter_narrows_the_lists_and_says_so(served: tuple[str, str], page: Page) -> None:
    sign_in(page, *served)
    revision = page.locator(".in-list").nth(0).locator(".in-figure").first
    expect(revision).to_contain_text("cited sentences edited away")
    whole = revision.inner_text()
    expect(page.locator("#in-scope")).to_contain_text("Counted from ")

    page.select_option("#in-f-brand", "Tidewater Pro")

    expect(page.locator("#in-scope")).to_contain_text("Counted for brand “Tidewater Pro”")
    expect(revision).not_to_have_text(whole)  # recounted over one brand's drafts
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insights-1280-brand.png", full_page=True)


def test_the_escalations_table_shows_where_escalated_tickets_went(
    served: tuple[str, str], page: Page
) -> None:
    sign_in(page, *served)
    keys = page.locator("#in-esc-body tr td:first-child")
    expect(keys.first).to_have_text(re.compile("^(billing|order|account|device|claim)$"))

    page.select_option("#in-esc-by", "team")

    expect(keys.first).to_have_text(re.compile("^(Billing|Devices)$"))  # the escalating teams
    judged = page.locator("#in-esc-body tr td:last-child").all_inner_texts()
    assert all(re.fullmatch(r"\d+ of \d+", j) for j in judged)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/insights-1280-escalations.png", full_page=True)
