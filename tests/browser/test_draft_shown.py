"""The helpdesk apps tell the backend when an agent was first shown a ready draft, after its
text is on screen: the Zendesk app (the draft's event stream) and the Freshdesk app (polling
through request templates, with the installation secret). The backend stamps the draft's
``shown_at``, where review speed starts."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Page, Route, expect

from backend.cli import cli
from tests.browser.test_helpdesk_apps import (  # noqa: F401  (module fixtures)
    CONTENT_TYPES,
    FRESHWORKS_CLIENT,
    SECRET,
    helpdesk,
    open_zendesk_ticket,
)
from tests.browser.test_preview import (  # noqa: F401  (module fixtures)
    browser_page,
    notices,
    server,
    server_data,
)

pytestmark = pytest.mark.browser
TEXT = "2.4 GHz"  # in the offline drafter's reply to N-1

# Every frame notes, at each POST to /shown, the draft text then on its screen (once per
# frame: each test adds the script to the module's browser context again).
RECORD_SHOWN = """if (!window.shownLog) {
  window.shownLog = [];
  const send = window.fetch;
  window.fetch = function (url, init) {
    if (String(url).endsWith("/shown")) {
      const text = document.querySelector(".pcd-draft .pcd-text");
      window.shownLog.push(text ? text.textContent : null);
    }
    return send.apply(this, arguments);
  };
}"""


def shown_at(server: str, ticket: str) -> list[str | None]:  # noqa: F811
    with sqlite3.connect(Path(server_data(server)) / "precedent.db") as connection:
        rows = connection.execute("SELECT shown_at FROM drafts WHERE ticket_id = ?", (ticket,))
        return [row[0] for row in rows]


def test_the_zendesk_app_reports_a_streamed_draft_once_after_showing_its_text(
    browser_page: Page,  # noqa: F811
    server: str,  # noqa: F811
    helpdesk: tuple[str, dict[str, tuple[str, bytes]]],  # noqa: F811
) -> None:
    page = browser_page
    page.context.add_init_script(RECORD_SHOWN)
    with page.expect_request(lambda r: r.url.endswith("/shown")) as reported:
        open_zendesk_ticket(page, server, helpdesk, "N-1")
    answer = reported.value.response()
    assert answer is not None and answer.status == 200
    app = page.frame(name="app")
    assert app is not None
    expect(page.frame_locator("#app").get_by_text(TEXT).first).to_be_visible()
    page.wait_for_timeout(500)  # time for a second report, were there one
    [seen] = app.evaluate("window.shownLog")
    assert TEXT in seen  # the text was on screen when the report went out
    [stamped] = shown_at(server, "N-1")
    assert stamped is not None  # SQLite stores "2026-03-31 10:00:00.123456"
    assert answer.json()["shown_at"].startswith(stamped[:19].replace(" ", "T"))


def test_the_freshdesk_app_reports_a_polled_draft_through_its_template(
    browser_page: Page,  # noqa: F811
    server: str,  # noqa: F811
    helpdesk: tuple[str, dict[str, tuple[str, bytes]]],  # noqa: F811
    tmp_path: Path,
) -> None:
    page = browser_page
    page.context.add_init_script(RECORD_SHOWN)
    package = ["app", "package", "freshdesk", "--backend-url", "https://precedent.test"]
    result = CliRunner().invoke(cli, [*package, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "precedent-freshdesk.zip") as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    stand_in = FRESHWORKS_CLIENT % {
        "templates": files["config/requests.json"].decode(),
        "iparams": json.dumps({"backend_host": "ignored", "installation_secret": SECRET}),
    }
    host, pages = helpdesk
    for name, content in files.items():
        pages[f"/{name}"] = (CONTENT_TYPES[name.rsplit(".", 1)[-1]], content)
    pages["/app/{{{appclient}}}"] = ("text/javascript", stand_in.encode())

    def proxy(route: Route) -> None:  # Freshworks' side of a request template
        route.fulfill(response=route.fetch(url=server + route.request.url[len(host) :]))

    page.route(f"{host}/api/**", proxy)
    page.goto(f"{host}/app/index.html")
    with page.expect_request(lambda r: r.url.endswith("/shown")) as reported:
        page.evaluate("fireEvent('app.activated', {})")
    assert reported.value.headers["x-precedent-app-secret"] == SECRET
    expect(page.get_by_text(TEXT).first).to_be_visible()
    page.wait_for_timeout(500)
    [seen] = page.evaluate("window.shownLog")
    assert TEXT in seen
    assert all(shown_at(server, "N-1"))
    page.unroute(f"{host}/api/**")
