"""A local stand-in for a model vendor's HTTP API, for tests that drive the real client library.

Each request gets the next scripted reply (the last one repeats once the script runs out),
and every request is recorded, so a test can assert both what the client made of a reply
and what, if anything, reached the vendor::

    with ProviderServer() as server:
        server.script(Reply(429, {"message": "slow down"}), Reply(200, CHAT_OK))
        client = cohere.ClientV2(api_key="test", base_url=server.url)
        ...
        assert len(server.requests) == 2

A streamed reply is a ``Reply`` whose body is an ``EventStream``: its frames are written one
by one as ``text/event-stream``, and ``hang_up_after`` cuts the connection part-way.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    delay: float = 0.0  # seconds before answering: longer than the client's timeout = timeout
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventStream:
    """Server-sent event frames (each ends with a blank line), written one at a time."""

    frames: tuple[str, ...]
    pause: float = 0.0  # seconds between frames
    hang_up_after: int | None = None  # frames sent before the connection drops


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case, as HTTP/2 clients send them
    body: Any


class ProviderServer:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._replies: list[Reply] = [Reply(500, {"message": "no reply scripted"})]
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._replies = list(replies)

    def next_reply(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]

    def __enter__(self) -> ProviderServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler_for(server: ProviderServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {name.lower(): value for name, value in self.headers.items()}
            received = Received("POST", self.path, headers, body)
            self._answer(server.next_reply(received))

        def _answer(self, reply: Reply) -> None:
            time.sleep(reply.delay)
            if isinstance(reply.body, EventStream):
                self._stream(reply.status, reply.body)
                return
            payload = json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and hung up, as the test intended

        def _stream(self, status: int, stream: EventStream) -> None:
            # HTTP/1.0 without a length: the body ends when we close, as a dropped stream does.
            frames = stream.frames[: stream.hang_up_after]
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                for frame in frames:
                    self.wfile.write(frame.encode())
                    self.wfile.flush()
                    time.sleep(stream.pause)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler
