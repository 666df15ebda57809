"""The helpdesk apps in headless Chromium against a running backend.

Zendesk: a host page speaks the ZAF postMessage protocol (helpdesk-platforms.md §2.3) to the
backend's real sidebar page with the real npm-bundled SDK. Freshdesk: the packaged app runs
with a stand-in for the Freshworks client that renders config/requests.json templates the way
the platform does. Both insert into a composer and report what the agent sent, and the
backend records the outcome (action and edit distance) in its database.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner
from playwright.sync_api import Page, Route, expect

from backend.cli import cli
from tests.browser.test_preview import (  # noqa: F401  (module fixtures)
    browser_page,
    notices,
    server,
    server_data,
)
from tests.servers import free_port

pytestmark = pytest.mark.browser
SECRET = "fd-installation-secret"
CONTENT_TYPES = {
    "html": "text/html",
    "css": "text/css",
    "js": "text/javascript",
    "svg": "image/svg+xml",
    "json": "application/json",
}

ZAF_HOST = """<!doctype html><html><body style="margin: 0">
<iframe id="app" name="app" src="%(src)s" width="%(width)s" height="700" style="border: 0">
</iframe>
<textarea id="composer" rows="8" cols="60"></textarea>
<script>
  var frame = document.getElementById("app"), composer = document.getElementById("composer");
  window.zafLog = [];
  var values = {
    "ticket.id": function () { return "%(ticket)s"; },
    "ticket.comment.text": function () { return composer.value; },
    "ticket.comment.type": function () { return "publicReply"; },
  };
  function send(msg) { frame.contentWindow.postMessage(JSON.stringify(msg), "%(app_origin)s"); }
  window.addEventListener("message", function (e) {
    if (e.source !== frame.contentWindow) return;
    var d = typeof e.data === "string" ? JSON.parse(e.data) : e.data;
    window.zafLog.push(d);
    if (d.key === "iframe.handshake") {
      send({ key: "zaf.app.registered", message: { metadata: { settings: {} },
        context: { product: "support", location: "ticket_sidebar", ticketId: "%(ticket)s" } } });
    } else if (d.request === "get") {
      var result = { errors: {} };
      d.params.forEach(function (p) { result[p] = values[p](); });
      send({ id: d.id, result: result });
    } else if (d.request === "invoke") {
      Object.keys(d.params).forEach(function (name) {
        if (/comment\\.appendText$/.test(name)) composer.value += d.params[name][0];
        if (name === "resize") frame.height = parseInt(d.params[name][0].height, 10) || 700;
      });
      send({ id: d.id, result: { errors: {} } });
    } else if (d.key === "iframe.reply:ticket.save") {
      window.saveReplied = true;
    }
  });
  window.fireSave = function () { send({ key: "zaf.ticket.save", needsReply: true }); };
</script>%(signin)s</body></html>"""

# Zendesk's first load of an app with signedUrls: a form POST of the JWT into the app's frame.
SIGNED_LOAD = """<form id="signin" method="post" action="%(src)s" target="app">
<input type="hidden" name="token" value="%(token)s"></form>
<script>document.getElementById("signin").submit();</script>"""

FRESHWORKS_CLIENT = """(function () {
  var templates = %(templates)s, iparams = %(iparams)s, handlers = {};
  function render(text, context) {
    var tag = /<%%=\\s*(iparam|context)\\.(\\w+)\\s*%%>/g;
    return String(text).replace(tag, function (m, scope, key) {
      return scope === "iparam" ? iparams[key] : encodeURIComponent(context[key]);
    });
  }
  window.editorHtml = "";
  window.fireEvent = function (name, data) {
    var event = { helper: { getData: function () { return data; } } };
    (handlers[name] || []).forEach(function (h) { h(event); });
  };
  var client = {
    data: { get: function (what) { return Promise.resolve({ ticket: { id: "N-1" } }); } },
    events: { on: function (name, h) { (handlers[name] = handlers[name] || []).push(h); } },
    interface: { trigger: function (action, o) {
      if (action === "setValue" && o.id === "editor") window.editorHtml += o.text;
      return Promise.resolve({});
    } },
    request: { invokeTemplate: function (name, options) {
      var schema = templates[name].schema, headers = {};
      Object.keys(schema.headers).forEach(function (k) {
        headers[k] = render(schema.headers[k], {});
      });
      return fetch(render(schema.path, options.context || {}), {
        method: schema.method, headers: headers, body: options.body,
      }).then(function (res) {
        return res.text().then(function (text) {
          var out = { status: res.status, headers: {}, response: text };
          if (!res.ok) throw out;
          return out;
        });
      });
    } },
  };
  window.app = { initialized: function () { return Promise.resolve(client); } };
})();"""


def zaf_host(backend: str, host: str, ticket: str, width: int = 340, token: str = "") -> str:
    """A helpdesk page with Precedent's Zendesk sidebar in a frame of ``width`` pixels; the
    frame grows to the height the app asks for (ZAF resize), as Zendesk's does. With a
    ``token`` (a ZAF JWT) the frame is loaded the signed way, by POST."""
    src = f"{backend}/apps/zendesk/sidebar?origin={quote(host, safe='')}&app_guid=guid-1"
    signin = SIGNED_LOAD % {"src": src, "token": token} if token else ""
    frame = "about:blank" if token else src
    page = {"src": frame, "app_origin": backend, "ticket": ticket, "width": width}
    return ZAF_HOST % {**page, "signin": signin}


def open_zendesk_ticket(
    page: Page,
    backend: str,
    helpdesk: tuple[str, dict[str, tuple[str, bytes]]],
    ticket: str,
    token: str = "",
) -> None:
    host, pages = helpdesk
    width = page.viewport_size["width"] if page.viewport_size else 340
    html = zaf_host(backend, host, ticket, min(width, 340), token)
    pages[f"/agent/tickets/{ticket}"] = ("text/html; charset=utf-8", html.encode())
    page.goto(f"{host}/agent/tickets/{ticket}")


@pytest.fixture
def agent_page(browser_page: Page) -> Page:  # noqa: F811
    return browser_page


class _Helpdesk(BaseHTTPRequestHandler):
    pages: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        kind, body = self.pages.get(unquote(self.path.split("?")[0]), ("text/plain", b""))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def helpdesk() -> Iterator[tuple[str, dict[str, tuple[str, bytes]]]]:
    """A stand-in helpdesk: a real local server on another origin than the backend (so
    Chromium treats the app frame as cross-origin and local), serving the given pages."""
    port = free_port()
    pages: dict[str, tuple[str, bytes]] = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", port), type("H", (_Helpdesk,), {"pages": pages}))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{port}", pages
    httpd.shutdown()
    httpd.server_close()
    thread.join(10)


def test_zendesk_app_drafts_inserts_and_reports_what_the_agent_sent(
    agent_page: Page,
    server: str,  # noqa: F811
    helpdesk: tuple[str, dict[str, tuple[str, bytes]]],
) -> None:
    page = agent_page
    host, pages = helpdesk
    open_zendesk_ticket(page, server, helpdesk, "N-1")
    app = page.frame_locator("#app")
    insert = app.get_by_role("button", name="Insert into reply")
    expect(insert).to_be_visible(timeout=60_000)
    insert.click()
    composer = page.locator("#composer")
    expect(composer).to_have_value(re.compile("2.4 GHz"))
    composer.evaluate("el => { el.value += ' Thanks for your patience!'; }")  # the agent edits

    with page.expect_request(lambda r: r.url.endswith("/outcome") and r.method == "POST") as sent:
        page.evaluate("fireSave()")
    body = sent.value.post_data_json
    assert body["sent_type"] == "publicReply"
    assert body["sent_text"].endswith("Thanks for your patience!")
    assert "2.4 GHz" in body["sent_text"]
    recorded = recorded_outcome(page, server, body["sent_text"])
    assert recorded["action"] == "edited" and recorded["sent_type"] == "public"
    assert recorded["edit_distance"] == len(" Thanks for your patience!")
    page.wait_for_function("window.saveReplied === true")  # the save was never blocked
    invoked = page.evaluate("window.zafLog.filter(m => m.request === 'invoke').map(m => m.params)")
    assert any("resize" in params for params in invoked)


def test_freshdesk_app_calls_through_templates_with_the_secret_and_fills_the_editor(
    agent_page: Page,
    server: str,  # noqa: F811
    helpdesk: tuple[str, dict[str, tuple[str, bytes]]],
    tmp_path: Path,
) -> None:
    page = agent_page
    result = CliRunner().invoke(
        cli,
        [
            "app",
            "package",
            "freshdesk",
            "--backend-url",
            "https://precedent.test",
            "--out",
            str(tmp_path),
        ],
    )
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
        path = route.request.url[len(host) :]
        route.fulfill(response=route.fetch(url=server + path))

    page.route(f"{host}/api/**", proxy)
    page.goto(f"{host}/app/index.html")
    page.evaluate("fireEvent('app.activated', {})")
    insert = page.get_by_role("button", name="Insert into reply")
    expect(insert).to_be_visible(timeout=60_000)
    with page.expect_request(lambda r: r.url.endswith("/insert")) as inserted:
        insert.click()
    assert inserted.value.headers["x-precedent-app-secret"] == SECRET
    page.wait_for_function("window.editorHtml.indexOf('2.4 GHz') >= 0")
    assert page.evaluate("window.editorHtml").startswith("<p>")

    with page.expect_request(lambda r: r.url.endswith("/outcome")) as sent:
        page.evaluate("fireEvent('ticket.sendReply', {body: 'Edited: use the 2.4 GHz band.'})")
    assert sent.value.post_data_json == {
        "sent_text": "Edited: use the 2.4 GHz band.",
        "sent_type": "publicReply",
    }
    assert sent.value.headers["x-precedent-app-secret"] == SECRET
    recorded = recorded_outcome(page, server, "Edited: use the 2.4 GHz band.")
    assert recorded["action"] == "edited" and recorded["edit_distance"] > 0
    page.unroute(f"{host}/api/**")


def test_at_320_px_a_gated_drafts_text_starts_within_the_first_screen(
    agent_page: Page,
    server: str,  # noqa: F811
    helpdesk: tuple[str, dict[str, tuple[str, bytes]]],
) -> None:
    """N-4 asks a medical question nobody here may review: banner, notices and all."""
    browser = agent_page.context.browser
    assert browser is not None
    context = browser.new_context(viewport={"width": 320, "height": 600})
    page = context.new_page()
    open_zendesk_ticket(page, server, helpdesk, "N-4")
    app = page.frame_locator("#app")
    text = app.locator(".pcd-draft .pcd-text")
    expect(text).to_be_visible(timeout=60_000)
    expect(app.get_by_text("Needs review before use")).to_be_visible()
    expect(app.get_by_role("button", name="Insert into reply")).to_be_disabled()
    page.wait_for_timeout(300)  # the frame takes the height the app asks for
    box = text.bounding_box()
    assert box is not None
    assert box["y"] + 48 <= 600, f"the draft's text starts {box['y']:.0f} px down"
    app.get_by_text("Why it needs review").click()  # the details are one click away
    expect(app.locator(".pcd-gate-reason")).to_contain_text("medical")
    context.close()


def test_a_double_click_on_insert_fills_the_composer_once(
    agent_page: Page,
    server: str,  # noqa: F811
    helpdesk: tuple[str, dict[str, tuple[str, bytes]]],
) -> None:
    page = agent_page.context.new_page()
    inserts: list[str] = []
    page.on("request", lambda r: inserts.append(r.url) if r.url.endswith("/insert") else None)
    open_zendesk_ticket(page, server, helpdesk, "N-1")
    app = page.frame_locator("#app")
    insert = app.get_by_role("button", name="Insert into reply")
    expect(insert).to_be_enabled(timeout=60_000)
    insert.dblclick()
    composer = page.locator("#composer")
    expect(composer).to_have_value(re.compile("2.4 GHz"))
    expect(app.get_by_role("button", name="Inserted")).to_be_disabled()
    app.get_by_role("button", name="Inserted").click(force=True)  # a late third click
    page.wait_for_timeout(500)
    appended = page.evaluate(
        "window.zafLog.filter(m => m.request === 'invoke' &&"
        " Object.keys(m.params).some(k => /appendText$/.test(k))).length"
    )
    assert appended == 1 and len(inserts) == 1
    text = composer.input_value()
    assert text.count("Let me know") <= 1 and len(text) < 2 * len(text.strip()) + 1
    page.close()


def recorded_outcome(page: Page, server: str, sent_text: str) -> dict[str, object]:  # noqa: F811
    """The outcome row the backend wrote for this sent text (waits for the POST to land;
    waiting through the page lets Playwright run the request-template proxy meanwhile)."""
    database = Path(server_data(server)) / "precedent.db"
    for _ in range(100):
        with sqlite3.connect(database) as connection:
            connection.row_factory = sqlite3.Row
            row = connection.execute(
                # stored redacted: a greeting by name ("Hi Jane,") is a placeholder at rest
                "SELECT action, sent_type, edit_distance FROM outcomes WHERE sent_text LIKE ?",
                ("%" + sent_text[-40:],),
            ).fetchone()
        if row is not None:
            return dict(row)
        page.wait_for_timeout(100)
    raise AssertionError(f"no outcome was recorded for {sent_text!r}")
