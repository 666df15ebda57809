"""Screenshots of the Zendesk sidebar at 320 px: a gated and an ungated draft.

    .venv/bin/python docs/screenshots/take.py   # writes docs/screenshots/*.png

The same setup as the browser tests (tests/browser/): the fixture corpus ingested into a
temporary folder, ``precedent serve``, and the real sidebar page in headless Chromium inside a
helpdesk page that speaks the ZAF protocol, its frame 320 px wide. N-4 (a medical question,
US-CA) is held for a reviewer nobody is credentialed to be; N-1 is clear.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.browser.test_helpdesk_apps import _Helpdesk, zaf_host  # noqa: E402
from tests.browser.test_preview import chromium  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402
from tests.integration.conftest import settings_env  # noqa: E402
from tests.servers import free_port, wait_for  # noqa: E402

OUT = Path(__file__).resolve().parent
WIDTH, HEIGHT = 320, 640
SHOTS = {"N-4": "sidebar-320-gated.png", "N-1": "sidebar-320-ungated.png"}


@contextmanager
def backend(data: Path) -> Iterator[str]:
    env = settings_env({"DATA_DIR": str(data), "FILES_INBOX": str(FIXTURES / "inbox.jsonl")})
    cli = [sys.executable, "-m", "backend.cli"]
    docs = [*cli, "ingest", "docs", str(FIXTURES / "docs"), "--base-url", "https://help.test"]
    tickets = [*cli, "ingest", "tickets", str(FIXTURES / "tickets.jsonl")]
    for command in (docs, tickets):
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
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
    try:
        wait_for(lambda: urllib.request.urlopen(f"{url}/api/v1/health").status == 200, "server")
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


@contextmanager
def helpdesk() -> Iterator[tuple[str, dict[str, tuple[str, bytes]]]]:
    pages: dict[str, tuple[str, bytes]] = {}
    handler = type("H", (_Helpdesk,), {"pages": pages})
    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}", pages
    finally:
        httpd.shutdown()
        httpd.server_close()


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as data,
        backend(Path(data)) as server,
        helpdesk() as (
            host,
            pages,
        ),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        for ticket, name in SHOTS.items():
            html = zaf_host(server, host, ticket, WIDTH)
            pages[f"/agent/tickets/{ticket}"] = ("text/html; charset=utf-8", html.encode())
            page.goto(f"{host}/agent/tickets/{ticket}")
            app = page.frame_locator("#app")
            expect(app.locator(".pcd-draft .pcd-text")).to_be_visible(timeout=120_000)
            page.wait_for_timeout(500)  # the frame's resize and the fonts settle
            page.screenshot(path=str(OUT / name))  # the first screen: what is above the fold
            print(OUT / name)
        browser.close()


if __name__ == "__main__":
    main()
