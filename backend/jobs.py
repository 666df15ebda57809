"""Celery the Flask way: tasks run inside the app context; queues declared here only.

Embedded default: the filesystem transport under DATA_DIR (no server). Production: Redis.
"""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from flask import Flask
from kombu.entity import Queue

from backend import tasks, worker

# A pool process loads its models (backend/tasks.py) before it reports itself up; Celery's
# 4 s default kills it first on a busy machine, and then each replacement, for ever.
PROCESS_START_SECONDS = 120.0

# Every queue and which tasks go where, in one place. A worker consumes all of them unless
# started with -Q, so a deployment can give drafting its own workers.
QUEUES = ("drafts", "maintenance")
ROUTES = {
    "backend.tasks.draft": {"queue": "drafts"},
    "backend.tasks.sync_helpdesks": {"queue": "maintenance"},
    "backend.tasks.sync_helpdesk": {"queue": "maintenance"},
    "backend.tasks.notify_review": {"queue": "maintenance"},
    "backend.tasks.notify_digest": {"queue": "maintenance"},
    "backend.tasks.escalate": {"queue": "maintenance"},
    "backend.tasks.refresh_insights": {"queue": "maintenance"},
    "backend.tasks.refresh_all_insights": {"queue": "maintenance"},
}


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    _stop_after, kill_after = worker.draft_time_limits(app.config["DRAFT_LEASE_SECONDS"])
    celery_app.conf.update(
        broker_url=app.config["BROKER_URL"],
        broker_transport_options=_transport_options(app),
        broker_connection_retry_on_startup=True,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_proc_alive_timeout=PROCESS_START_SECONDS,
        worker_hijack_root_logger=False,
        task_default_queue="drafts",
        task_queues=[Queue(name) for name in QUEUES],  # type: ignore[no-untyped-call]
        task_routes=ROUTES,
        imports=["backend.tasks"],
        task_annotations={"backend.tasks.draft": {"time_limit": kill_after}},
        beat_schedule=beat_schedule(
            app.config["SYNC_MINUTES"],
            app.config["NOTIFY_DIGEST_MINUTES"],
            app.config["INSIGHTS_REFRESH_MINUTES"],
        ),
    )
    celery_app.steps["worker"].update((worker.StaleDraftRecovery, worker.ShutdownGrace))
    celery_app.set_default()
    celery_app.flask_app = app  # for worker signals, which run outside any task
    celery_app.recover_stale_drafts = tasks.recover_stale_drafts  # for the recovery bootstep
    app.extensions["celery"] = celery_app
    return celery_app


def beat_schedule(
    sync_minutes: int, digest_minutes: int = 0, insights_minutes: int = 0
) -> dict[str, dict[str, object]]:
    """Periodic tasks: the helpdesk sync when SYNC_MINUTES is above 0, the reviewers' digest
    when NOTIFY_DIGEST_MINUTES is, every tenant's insights lists when
    INSIGHTS_REFRESH_MINUTES is (at 0 they refresh only when a lead finds them stale).

    Stale drafts need no scheduler: every worker sweeps for them (backend/worker.py).
    """
    schedule: dict[str, dict[str, object]] = {}
    if sync_minutes > 0:
        schedule["sync-helpdesks"] = {
            "task": "backend.tasks.sync_helpdesks",
            "schedule": sync_minutes * 60.0,
        }
    if digest_minutes > 0:
        schedule["notify-digest"] = {
            "task": "backend.tasks.notify_digest",
            "schedule": digest_minutes * 60.0,
        }
    if insights_minutes > 0:
        schedule["refresh-insights"] = {
            "task": "backend.tasks.refresh_all_insights",
            "schedule": insights_minutes * 60.0,
        }
    return schedule


def _transport_options(app: Flask) -> dict[str, object]:
    if not app.config["BROKER_URL"].startswith("filesystem://"):
        return {}
    queue = Path(app.config["DATA_DIR"]).resolve() / "queue"
    for sub in ("messages", "processed", "control"):
        (queue / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue / "messages"),
        "data_folder_out": str(queue / "messages"),
        "processed_folder": str(queue / "processed"),
        "control_folder": str(queue / "control"),
        "store_processed": False,
        "polling_interval": 0.1,  # seconds; the default 1 s would dominate draft latency
    }
