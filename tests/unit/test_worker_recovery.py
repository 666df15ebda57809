"""Stale drafts are reclaimed once however many workers sweep; a draft attempt has a deadline."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from backend import services
from backend.db import db
from backend.drafts import DraftStore, LeaseLost
from backend.jobs import beat_schedule
from backend.models import AuditEvent
from backend.worker import DraftTimedOut, deadline, draft_time_limits, recovery_interval


def actions() -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def store(lease: int) -> DraftStore:
    s = services.draft_store()
    return DraftStore(s._sessions, lease, 3)  # noqa: SLF001 - same sessions, another lease


def test_when_two_workers_sweep_an_expired_lease_then_one_of_them_reclaims_the_draft(
    app: Flask,
) -> None:
    short = store(lease=1)
    draft, _ = short.request("demo", "N-1", "agent")
    dead = short.claim(draft.id)
    time.sleep(1.1)

    assert short.reclaim(queued_for=timedelta(hours=1)) == [draft.id]
    assert short.reclaim(queued_for=timedelta(hours=1)) == []
    assert short.get("demo", draft.id).status == "queued"  # type: ignore[union-attr]
    with pytest.raises(LeaseLost):  # the dead worker, should it wake up, cannot write
        short.heartbeat(dead)  # type: ignore[arg-type]
    again = short.claim(draft.id)
    assert again is not None and again.attempt == 2


def test_when_a_timed_out_attempt_lets_go_of_a_reclaimed_draft_then_nothing_is_written(
    app: Flask,
) -> None:
    short = store(lease=1)
    draft, _ = short.request("demo", "N-1", "agent")
    stuck = short.claim(draft.id)
    time.sleep(1.1)
    short.reclaim(queued_for=timedelta(hours=1))
    assert stuck is not None
    assert short.release(stuck, "draft_timed_out", "too slow") is False
    assert actions() == ["draft.requested"]


def test_when_a_live_lease_or_a_fresh_queued_draft_is_swept_then_nothing_is_reclaimed(
    app: Flask,
) -> None:
    queued, _ = store(lease=60).request("demo", "N-1", "agent")
    running, _ = store(lease=60).request("demo", "N-2", "agent")
    store(lease=60).claim(running.id)
    assert store(lease=60).reclaim(queued_for=timedelta(seconds=60)) == []


def test_when_a_draft_waits_in_the_queue_longer_than_a_lease_then_it_is_re_sent_once_per_lease(
    app: Flask,
) -> None:
    draft, _ = store(lease=1).request("demo", "N-1", "agent")
    time.sleep(1.1)
    assert store(lease=1).reclaim(queued_for=timedelta(seconds=1)) == [draft.id]
    assert store(lease=1).reclaim(queued_for=timedelta(seconds=1)) == []
    time.sleep(1.1)
    assert store(lease=1).reclaim(queued_for=timedelta(seconds=1)) == [draft.id]


@pytest.mark.parametrize(
    ("lease", "interval", "limits"),
    [(2, 1.0, (4, 6)), (20, 5.0, (40, 60)), (120, 15.0, (240, 360))],
)
def test_when_the_lease_is_set_then_sweeps_and_time_limits_follow_it(
    lease: int, interval: float, limits: tuple[int, int]
) -> None:
    assert recovery_interval(lease) == interval
    assert draft_time_limits(lease) == limits


def test_when_a_draft_attempt_outlives_its_deadline_then_it_is_stopped_as_retryable() -> None:
    started = time.monotonic()
    with pytest.raises(DraftTimedOut, match="longer than 1 s"), deadline(1):
        time.sleep(5)
    assert time.monotonic() - started < 2
    time.sleep(1.2)  # and the alarm is off once the attempt is over


def test_when_workers_sweep_for_themselves_then_beat_schedules_only_the_helpdesk_sync() -> None:
    assert beat_schedule(0) == {}
    assert list(beat_schedule(15)) == ["sync-helpdesks"]
