"""Throwaway servers on free loopback ports: Redis and PostgreSQL from their Debian binaries,
a real SMTP server (aiosmtpd), a webhook receiver for the reviewer notifications and a
Zendesk-shaped API for the Zendesk connector (zenpy) pointed at it with ``api_url``.

Used by the integration fixtures and by the benchmarks that measure the production profile.
"""

from __future__ import annotations

import email
import email.policy
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PG_DIRS = ("/usr/lib/postgresql/*/bin",)


def find_binary(binary: str, extra_dirs: tuple[str, ...] = ()) -> str | None:
    return shutil.which(binary) or next(
        (p for d in extra_dirs for p in sorted(glob.glob(f"{d}/{binary}"))), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # the service is still starting
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up in {seconds} s")


@contextmanager
def redis_server(binary: str) -> Iterator[str]:
    """Yields the URL of a fresh redis-server with persistence off."""
    import redis

    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for(lambda: bool(redis.Redis.from_url(url).ping()), "redis-server")
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _as_postgres_user(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, so drop to the postgres user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def postgres_cluster(initdb: str, pg_ctl: str) -> Iterator[str]:
    """Yields ``postgresql://precedent@host:port`` of a fresh cluster (trust auth, fsync off)."""
    home = Path(tempfile.mkdtemp(prefix="precedent-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    data, port = home / "data", free_port()
    subprocess.run(
        _as_postgres_user([initdb, "-D", str(data), "-U", "precedent", "--auth=trust"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_postgres_user([pg_ctl, "-D", str(data), "-o", options, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgresql://precedent@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(home, ignore_errors=True)


def create_database(cluster: str, name: str) -> str:
    """Creates ``name`` in the cluster; returns its SQLAlchemy URL."""
    import psycopg

    with psycopg.connect(f"{cluster}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://{cluster.removeprefix('postgresql://')}/{name}"


@dataclass
class Received:
    """What a local server was sent: e-mails (parsed) or webhook bodies (JSON)."""

    items: list[Any] = field(default_factory=list)
    status: int = 200  # the webhook receiver's answer
    logins: list[Any] = field(default_factory=list)  # the SMTP user of each mail


@contextmanager
def smtp_server(logins: dict[str, str] | None = None) -> Iterator[tuple[int, Received]]:
    """A real SMTP server (aiosmtpd) on a free loopback port; yields the port and the mails.

    ``logins``: user -> password; AUTH is then offered (without TLS: loopback only) and each
    mail is kept with the user who sent it.
    """
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    received = Received()

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        known = isinstance(data, LoginPassword) and (logins or {}).get(data.login.decode())
        ok = bool(known) and known == data.password.decode()
        return AuthResult(success=ok, handled=False, auth_data=data if ok else None)

    auth = {"authenticator": check, "auth_require_tls": False} if logins else {}

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
            received.items.append((list(envelope.rcpt_tos), mail))
            if logins:
                received.logins.append(session.authenticated and session.auth_data.login.decode())
            return "250 Message accepted for delivery"

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port(), **auth)
    controller.start()
    try:
        yield controller.port, received
    finally:
        controller.stop()


@contextmanager
def webhook_receiver() -> Iterator[tuple[str, Received]]:
    """An HTTP server taking JSON POSTs; yields its URL and what it received."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", "0"))
            received.items.append(json.loads(self.rfile.read(length)))
            self.send_response(received.status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return None

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/precedent-secret", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
ROUTE = re.compile(
    r"/api/v2/(?P<kind>tickets|users|groups)/(?P<id>\d+)(?P<rest>/comments|/tags)?\.json"
)


@dataclass
class ZendeskAccount:
    """A Zendesk account as its API shows it: tickets, their comments, users, groups, and
    every request the account was sent as (method, path with query, JSON body or None)."""

    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        """Status and JSON in the shape Zendesk's API answers (a 404 for anything else)."""
        if path.split("?")[0] == "/api/v2/search.json":  # a requester's other tickets: none
            return 200, {"results": [], "count": 0, "next_page": None, "previous_page": None}
        found = ROUTE.fullmatch(path.split("?")[0])
        tables = {"tickets": self.tickets, "users": self.users, "groups": self.groups}
        if not found or int(found["id"]) not in tables[found["kind"]]:
            return 404, NOT_FOUND
        number, rest = int(found["id"]), found["rest"]
        if found["kind"] != "tickets":  # {"user": {...}}, {"group": {...}}
            return 200, {found["kind"][:-1]: tables[found["kind"]][number]}
        if rest == "/comments":
            page = {"has_more": False, "after_cursor": None, "before_cursor": None}
            return 200, {"comments": self.comments.get(number, []), "meta": page}
        if rest == "/tags" and method == "PUT":  # adds to the ticket's tags
            ticket = self.tickets[number]
            added = [tag for tag in body["tags"] if tag not in ticket["tags"]]
            ticket["tags"] = [*ticket["tags"], *added]
            return 200, {"tags": ticket["tags"]}
        if method == "PUT" and not rest:
            return 200, self._update(number, body["ticket"])
        return (200, {"ticket": self.tickets[number]}) if method == "GET" else (405, {})

    def _update(self, number: int, change: dict[str, Any]) -> dict[str, Any]:
        ticket = self.tickets[number]
        ticket.update({k: v for k, v in change.items() if k not in ("id", "comment")})
        if "comment" in change:
            comment = {"id": 900 + len(self.requests), "author_id": 9001, **change["comment"]}
            self.comments.setdefault(number, []).append(comment)
        return {"ticket": ticket, "audit": {"id": len(self.requests), "events": []}}


@contextmanager
def zendesk_api(account: ZendeskAccount) -> Iterator[str]:
    """A local HTTP server answering like Zendesk's API for ``account``; yields its base URL
    (a connector's ``api_url``). Every request is recorded on the account."""

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length)) if length else None
            account.requests.append((self.command, self.path, body))
            status, answer = account.answer(self.command, self.path, body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = _serve  # noqa: N815 (http.server's names)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return None

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
