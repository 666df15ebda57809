"""Real services for integration tests: Redis, PostgreSQL and Celery worker processes.

Each server is started from its Debian binary on a free loopback port. Where a binary is
missing the tests skip on a developer machine, but fail in CI (CI=true), where .ci/run
installs them.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import redis

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def require(binary: str, extra_dirs: tuple[str, ...] = ()) -> str:
    found = shutil.which(binary) or next(
        (p for d in extra_dirs for p in sorted(glob.glob(f"{d}/{binary}"))), None
    )
    if found:
        return found
    message = f"{binary} is not installed (apt-get install it; .ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


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


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    binary = require("redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: bool(redis.Redis.from_url(url).ping()), "redis-server")
    yield url
    process.terminate()
    process.wait(10)


def _as_postgres_user(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, so drop to the postgres user.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    pg_dirs = ("/usr/lib/postgresql/*/bin",)
    initdb, pg_ctl = require("initdb", pg_dirs), require("pg_ctl", pg_dirs)
    home = Path(tempfile.mkdtemp(prefix="precedent-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    data, port = home / "data", free_port()
    run = subprocess.run
    run(
        _as_postgres_user([initdb, "-D", str(data), "-U", "precedent", "--auth=trust"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(
        _as_postgres_user([pg_ctl, "-D", str(data), "-o", options, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    yield f"postgresql://precedent@127.0.0.1:{port}"
    run(
        _as_postgres_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database for one test."""
    name = f"t{time.time_ns()}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"postgresql+psycopg://{postgres_server.removeprefix('postgresql://')}/{name}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def settings_env(settings: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRECEDENT_")}
    env.update({f"PRECEDENT_{k}": v for k, v in settings.items()})
    env["OMP_NUM_THREADS"] = "1"
    return env


class Worker:
    """A real ``precedent worker`` process (its own process group, so it can be killed)."""

    def __init__(self, settings: dict[str, str], log: Path) -> None:
        self.log = log
        self._output = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "worker", "--loglevel=INFO"],
            cwd=ROOT,
            env=settings_env(settings),
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self._output.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[dict[str, str]], Worker]]:
    workers: list[Worker] = []

    def start(settings: dict[str, str]) -> Worker:
        worker = Worker(settings, tmp_path / f"worker-{len(workers)}.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
