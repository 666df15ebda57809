"""What keeps drafting going without a scheduler: every worker recovers, times out and stops.

- Recovery: each worker reclaims stale drafts (a running draft whose lease ran out, or one
  queued longer than a lease) when it starts and then on a timer in its main process, so a
  draft whose worker died is re-sent although no ``--beat`` process is alive.
- Time limits, sized from the lease: a draft attempt is stopped after two leases (and handed
  back to the queue, counting an attempt); its process is killed after three.
- Shutdown: a worker told to stop waits ``WORKER_SHUTDOWN_SECONDS`` for the drafts in hand,
  then cancels them (their leases hand them to other workers) and, if still stuck, exits.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from types import FrameType
from typing import Any, TextIO

from billiard.process import active_children  # type: ignore[import-untyped]
from celery import bootsteps
from celery.signals import after_setup_logger, worker_shutting_down
from flask import Flask

from backend.errors import RetryableError

log = logging.getLogger(__name__)
FORCE_AFTER_SECONDS = 5.0  # after the grace period, how long a cold shutdown may take
QUIET_LOG_FORMAT = "worker %(levelname)s: %(message)s"


class OncePerMessage(logging.Filter):
    """Lets each distinct message through once: a warning repeated per connection is noise."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[int, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.levelno, record.getMessage())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


def quiet_output(service: str) -> None:
    """Warnings (Python's and, once Celery set logging up, logged ones) each once, on one
    line naming the ``service``: what ``precedent serve`` shows of its processes."""
    warnings.simplefilter("once")
    warnings.showwarning = partial(_warning_line, service)
    after_setup_logger.connect(_once_per_message, weak=False, dispatch_uid="once-per-message")


def _once_per_message(logger: logging.Logger, **_: Any) -> None:
    for handler in logger.handlers:
        handler.addFilter(OncePerMessage())


def _warning_line(
    service: str,
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    text = " ".join(str(message).split())
    print(f"{service} warning: {category.__name__}: {text}", file=file or sys.stderr)


class DraftTimedOut(RetryableError):
    code = "draft_timed_out"


def recovery_interval(lease_seconds: int) -> float:
    """Seconds between a worker's sweeps: a dead worker's draft waits at most lease + this."""
    return min(15.0, max(1.0, lease_seconds / 4))


def draft_time_limits(lease_seconds: int) -> tuple[int, int]:
    """(stop, kill) seconds for one draft attempt: two leases, then three."""
    return 2 * lease_seconds, 3 * lease_seconds


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise DraftTimedOut in this (pool) process once ``seconds`` have passed."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        log.warning("draft attempt stopped: still running after %d s", seconds)
        raise DraftTimedOut(f"the draft took longer than {seconds} s and was stopped")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def sweep(flask_app: Flask, recover: Callable[[], object]) -> None:
    """Re-send the stale drafts this worker reclaims; never raises (it runs on a timer)."""
    try:
        with flask_app.app_context():
            recover()
    except Exception as exc:  # the database or broker is down: the next sweep tries again
        log.warning("stale draft sweep failed: %s: %s", type(exc).__name__, exc)


class StaleDraftRecovery(bootsteps.StartStopStep):  # type: ignore[misc]
    """Worker bootstep: a sweep at start, then one every ``recovery_interval``."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.tref: Any = None

    def start(self, worker: Any) -> None:
        # jobs.py hands the Celery app both: this module cannot import the tasks it times.
        flask_app, recover = worker.app.flask_app, worker.app.recover_stale_drafts
        interval = recovery_interval(flask_app.config["DRAFT_LEASE_SECONDS"])
        sweep(flask_app, recover)
        self.tref = worker.timer.call_repeatedly(interval, sweep, (flask_app, recover))

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()


class ShutdownGrace(bootsteps.Step):  # type: ignore[misc]
    """Worker bootstep: from the first stop signal on, WORKER_SHUTDOWN_SECONDS to exit."""

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        grace = worker.app.flask_app.config["WORKER_SHUTDOWN_SECONDS"]
        started = threading.Event()

        def on_shutdown(**_: Any) -> None:
            if not started.is_set():
                started.set()
                threading.Thread(target=_stop_after, args=(grace,), daemon=True).start()

        worker_shutting_down.connect(on_shutdown, weak=False, dispatch_uid="shutdown-grace")


def _stop_after(grace_seconds: float) -> None:
    time.sleep(grace_seconds)
    log.warning(
        "worker still busy %.0f s after the stop signal: cancelling the drafts in hand "
        "(they go to other workers when their lease runs out)",
        grace_seconds,
    )
    os.kill(os.getpid(), signal.SIGQUIT)  # Celery's cold shutdown
    time.sleep(FORCE_AFTER_SECONDS)
    log.error("worker did not stop in time: killing its processes and exiting")
    for child in active_children():
        with suppress(ProcessLookupError):  # it may have ended meanwhile
            os.kill(child.pid, signal.SIGKILL)
    os._exit(1)
