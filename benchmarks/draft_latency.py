"""POST-to-ready draft latency on the demo corpus with a running server and worker.

Embedded profile (default): starts ``precedent serve`` (SQLite, LanceDB, file-based queue,
offline drafter) on a fresh data folder. Production profile (``--profile production``): starts
a throwaway Redis and PostgreSQL from their Debian binaries, gunicorn on
``backend.wsgi:web_app()`` and one ``precedent worker``. Either way it requests drafts for the
demo's open tickets one after another, polling each until ready, and reports the pipeline's
overhead without the model call (POST-to-ready minus the generate stage). Prints JSON.

    python benchmarks/draft_latency.py [--rounds 3] [--profile embedded|production]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.auth import app_tokens  # noqa: E402
from benchmarks.common import ROOT, machine, percentiles  # noqa: E402
from tests.servers import (  # noqa: E402
    PG_DIRS,
    create_database,
    find_binary,
    free_port,
    postgres_cluster,
    redis_server,
)

CLI = [sys.executable, "-m", "backend.cli"]


def call(url: str, body: dict[str, Any] | None = None, token: str = "") -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:  # production has no unauthenticated app API: sign as the sidebar does
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data, headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def load_demo(env: dict[str, str]) -> None:
    subprocess.run(
        [*CLI, "demo", "--load-only"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            call(f"http://127.0.0.1:{port}/api/v1/health")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def processes(profile: str, env: dict[str, str], port: int) -> list[list[str]]:
    if profile == "embedded":
        return [[*CLI, "serve", "--port", str(port)]]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    web = [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "1", "backend.wsgi:web_app()"]
    return [web, [*CLI, "worker", "--concurrency", "1"]]


@contextmanager
def production_services() -> Iterator[dict[str, str]]:
    redis_binary = find_binary("redis-server")
    initdb, pg_ctl = find_binary("initdb", PG_DIRS), find_binary("pg_ctl", PG_DIRS)
    if not (redis_binary and initdb and pg_ctl):
        raise SystemExit("the production profile needs redis-server and postgresql installed")
    with redis_server(redis_binary) as broker, postgres_cluster(initdb, pg_ctl) as cluster:
        yield {
            "PROFILE": "production",
            "BROKER_URL": broker,
            "DATABASE_URL": create_database(cluster, "precedent"),
            "SECRET_KEY": "benchmark-secret-key",
            "VAULT_KEY": "benchmark-vault-key",
            "AUDIT_KEY": "benchmark-audit-key",
        }


def draft_once(base: str, ticket_id: str, token: str) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    draft = call(f"{base}/drafts", {"ticket_id": ticket_id}, token)
    while draft["status"] not in ("ready", "failed"):
        time.sleep(0.01)
        draft = call(f"{base}/drafts/{draft['id']}", token=token)
    if draft["status"] != "ready":
        raise SystemExit(f"draft for {ticket_id} failed: {draft['error']}")
    return (time.perf_counter() - start) * 1000, draft


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the open tickets")
    parser.add_argument("--warmup", type=int, default=3, help="drafts not measured")
    parser.add_argument("--profile", choices=("embedded", "production"), default="embedded")
    args = parser.parse_args()
    with production_services() if args.profile == "production" else nullcontext({}) as extra:
        settings = {"DATA_DIR": tempfile.mkdtemp(prefix="precedent-latency-"), **extra}
        result = measure(args.profile, settings, args.rounds, args.warmup)
    print(json.dumps({**result, "machine": machine()}, indent=2))


def measure(profile: str, settings: dict[str, str], rounds: int, warmup: int) -> dict[str, Any]:
    tickets = [json.loads(line)["id"] for line in (ROOT / "demo" / "inbox.jsonl").open()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRECEDENT_")}
    env.update({f"PRECEDENT_{k}": v for k, v in settings.items()}, OMP_NUM_THREADS="1")
    load_demo(env)
    port = free_port()
    running = [start(command, env) for command in processes(profile, env, port)]
    base = f"http://127.0.0.1:{port}/api/v1"
    token = ""
    if profile == "production":
        token = app_tokens.issue(settings["SECRET_KEY"], "demo", "benchmark", ttl=24 * 3600)
    try:
        wait_until_up(port)
        for ticket_id in tickets[:warmup]:
            draft_once(base, ticket_id, token)
        totals, overheads = [], []
        # Every stage each draft reports (the API sorts them by name).
        stages: dict[str, list[float]] = {}
        for _ in range(rounds):
            for ticket_id in tickets:
                elapsed, draft = draft_once(base, ticket_id, token)
                totals.append(elapsed)
                overheads.append(elapsed - draft["timings_ms"]["generate"])
                for stage, ms in draft["timings_ms"].items():
                    stages.setdefault(stage, []).append(ms)
    finally:
        for process in running:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)
    return {
        "benchmark": "draft_latency",
        "profile": profile,
        "setup": SETUPS[profile],
        "drafts": len(totals),
        "post_to_ready_ms": percentiles(totals),
        "overhead_without_model_ms": percentiles(overheads),
        "stage_ms": {stage: percentiles(values) for stage, values in stages.items()},
    }


SETUPS = {
    "embedded": "precedent serve: SQLite, LanceDB, file queue; Presidio, gate, offline drafter",
    "production": (
        "gunicorn (1 worker) + precedent worker (concurrency 1) on Redis and PostgreSQL, "
        "LanceDB index; Presidio, gate, offline drafter"
    ),
}


if __name__ == "__main__":
    main()
