"""Real services for integration tests: Redis, PostgreSQL and Celery worker processes.

Each server is started from its Debian binary on a free loopback port. Where a binary is
missing the tests skip on a developer machine, but fail in CI (CI=true), where .ci/run
installs them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from tests.servers import (
    PG_DIRS,
    create_database,
    find_binary,
    postgres_cluster,
    redis_server,
)

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def require(binary: str, extra_dirs: tuple[str, ...] = ()) -> str:
    found = find_binary(binary, extra_dirs)
    if found:
        return found
    message = f"{binary} is not installed (apt-get install it; .ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server(require("redis-server")) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with postgres_cluster(require("initdb", PG_DIRS), require("pg_ctl", PG_DIRS)) as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database for one test."""
    name = f"t{time.time_ns()}"
    yield create_database(postgres_server, name)
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def settings_env(settings: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRECEDENT_")}
    env.update({f"PRECEDENT_{k}": v for k, v in settings.items()})
    env["OMP_NUM_THREADS"] = "1"
    return env


class Worker:
    """A real ``precedent worker`` process (its own process group, so it can be killed)."""

    def __init__(self, settings: dict[str, str], log: Path, args: tuple[str, ...] = ()) -> None:
        self.log = log
        self._output = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "worker", "--loglevel=INFO", *args],
            cwd=ROOT,
            env=settings_env(settings),
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def children(self) -> list[int]:
        """Pids of the worker's child processes (its pool, and beat when embedded)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended while we looked
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

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
def start_worker(tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """``start(settings, *args)``: a worker with extra ``precedent worker`` arguments."""
    workers: list[Worker] = []

    def start(settings: dict[str, str], *args: str) -> Worker:
        worker = Worker(settings, tmp_path / f"worker-{len(workers)}.log", args)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
