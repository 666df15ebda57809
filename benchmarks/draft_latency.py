"""POST-to-ready draft latency on the demo corpus with a running server and worker.

Starts ``precedent serve`` (embedded defaults: SQLite, LanceDB, file-based queue, offline
drafter) on a fresh data folder, then requests drafts for the demo's open tickets one after
another, polling each until ready. Prints JSON.

    python benchmarks/draft_latency.py [--rounds 3] [--broker-url redis://…]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, machine, percentiles  # noqa: E402

STAGES = ("fetch", "redact", "retrieve", "generate", "verify", "gate", "restore")


def call(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    cli = [sys.executable, "-m", "backend.cli"]
    subprocess.run(
        [*cli, "demo", "--load-only"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            call(f"http://127.0.0.1:{port}/api/v1/health")
            return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def draft_once(base: str, ticket_id: str) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    draft = call(f"{base}/drafts", {"ticket_id": ticket_id})
    while draft["status"] not in ("ready", "failed"):
        time.sleep(0.01)
        draft = call(f"{base}/drafts/{draft['id']}")
    if draft["status"] != "ready":
        raise SystemExit(f"draft for {ticket_id} failed: {draft['error']}")
    return (time.perf_counter() - start) * 1000, draft


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the open tickets")
    parser.add_argument("--warmup", type=int, default=3, help="drafts not measured")
    parser.add_argument("--broker-url", default="", help="default: the file-based queue")
    args = parser.parse_args()
    tickets = [json.loads(line)["id"] for line in (ROOT / "demo" / "inbox.jsonl").open()]
    settings = {"DATA_DIR": tempfile.mkdtemp(prefix="precedent-latency-")}
    if args.broker_url:
        settings["BROKER_URL"] = args.broker_url
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRECEDENT_")}
    env.update({f"PRECEDENT_{k}": v for k, v in settings.items()}, OMP_NUM_THREADS="1")
    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for ticket_id in tickets[: args.warmup]:
            draft_once(base, ticket_id)
        totals, stages = [], {stage: [] for stage in STAGES}  # type: dict[str, list[float]]
        for _ in range(args.rounds):
            for ticket_id in tickets:
                elapsed, draft = draft_once(base, ticket_id)
                totals.append(elapsed)
                for stage in STAGES:
                    stages[stage].append(draft["timings_ms"][stage])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    print(
        json.dumps(
            {
                "benchmark": "draft_latency",
                "setup": "precedent serve, embedded defaults, Presidio, gate, offline drafter",
                "broker": args.broker_url or "filesystem://",
                "drafts": len(totals),
                "post_to_ready_ms": percentiles(totals),
                "stage_ms": {stage: percentiles(values) for stage, values in stages.items()},
                "machine": machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
