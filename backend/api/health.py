"""Health: can we reach the database, the job queue and the search index? Are the policies well?

An unreachable dependency answers 503. A policy problem (an edit that does not load, a
required policy missing) answers 200 with ``status: degraded``: drafting still works (the
running policies stay in force; a missing domain holds every draft for review), and every
instance reads the same folder, so a load balancer must not take them all out over one file.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, current_app
from sqlalchemy import text

from backend import services
from backend.api import responses as out
from backend.api.errors import RETRY_AFTER_SECONDS
from backend.db import db

bp = Blueprint("health", __name__, url_prefix="/api/v1")


@bp.get("/health")
def health() -> tuple[Response, int]:
    checks = {
        "database": _check(_database),
        "broker": _check(_broker),
        "index": _check(_index),
    }
    reachable = all(c["ok"] for c in checks.values())
    checks["policies"] = _policies()
    ok = reachable and checks["policies"]["ok"]
    response = out.respond(
        out.Health.model_validate({"status": "ok" if ok else "degraded", "checks": checks})
    )
    if not reachable:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, 200 if reachable else 503


def _check(probe: Callable[[], str]) -> dict[str, object]:
    try:
        return {"ok": True, "detail": probe()}
    except Exception as exc:  # a health check reports every failure, whatever its type
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}


def _database() -> str:
    with db.session() as session:
        session.execute(text("SELECT 1"))
    return db.engine(current_app.config["DATABASE_URL"]).dialect.name


def _broker() -> str:
    celery_app = current_app.extensions["celery"]
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)
        return str(connection.transport_cls)


def _index() -> str:
    service = services.get()
    count = len(service.index.source_ids(current_app.config["DEFAULT_TENANT"], "doc"))
    return f"{current_app.config['INDEX']} ({count} documents)"


def _policies() -> dict[str, object]:
    """Each problem with file:line, or the policies in force."""
    try:
        store = services.policy_store()
        if store is None:
            return {"ok": True, "detail": "compliance gate off (PRECEDENT_POLICIES_DIR is empty)"}
        status = store.status()
    except Exception as exc:  # as _check: the health page reports every failure
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}
    return {"ok": status.ok, "detail": status.summary()}
