"""Insights API latency on 100,000 outcomes (seeded here by the demo generator, seed 15).

Each GET of /api/v1/insights is called ``--calls`` times through the app (test client, no
network) on SQLite, over the page's default 30-day window and over all 26 weeks (the lists
narrowed to that window, and to a brand and team); prints JSON with p50 / p95 / max
milliseconds per call. The lists are refreshed once first, as the
worker task does when the lists endpoint finds them over 15 minutes old (no request waits
for it), and that refresh is timed on its own. Start-up objects are then left out of garbage
collection, as the web entry points do (``settle_after_start``). The load average is
printed before and after.

    python benchmarks/insights.py [--outcomes 100000] [--calls 40]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend import create_app, migrate, settle_after_start  # noqa: E402
from backend.db import db  # noqa: E402
from backend.learning import demo, items, leads  # noqa: E402
from backend.tenants import ensure_tenant  # noqa: E402
from benchmarks.common import machine, percentiles  # noqa: E402

WEEKS = 26
PATHS = (
    "/api/v1/insights/overview",
    "/api/v1/insights/quality?by=agent",
    "/api/v1/insights/quality?by=team&brand=Tidewater",
    "/api/v1/insights/dimensions",
    "/api/v1/insights/lists",
    "/api/v1/insights/lists?brand=Tidewater&team=Billing",
    "/api/v1/insights/drafts?action=rejected",
    "/api/v1/insights/escalations?by=ticket_type",
    "/api/v1/insights/escalations?by=topic",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="precedent-insights-")
    try:
        _run(folder, args.outcomes, args.calls)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(folder: str, outcomes: int, calls: int) -> None:
    app = create_app({"DATA_DIR": folder, "SECRET_KEY": "benchmark-secret-key-0123456789"})
    migrate.upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        token, seeded, refresh_ms = _seed(app.config["DEFAULT_TENANT"], outcomes)
        settle_after_start()  # what the web entry points do once the app is made
        load_before = os.getloadavg()
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        results = {
            span: {path: _time(client, path, span, auth, calls) for path in PATHS}
            for span in ("30d", f"{WEEKS}w")
        }
    print(
        json.dumps(
            {
                "benchmark": "insights",
                "outcomes": seeded,
                "calls_per_endpoint": calls,
                "lists_refresh_ms": refresh_ms,
                "load_average": {"before": load_before, "after": os.getloadavg()},
                "ms": results,
                "machine": machine(),
            },
            indent=2,
        )
    )


def _seed(slug: str, outcomes: int) -> tuple[str, int, float]:
    with db.session() as session:
        tenant_id = ensure_tenant(session, slug).id
        per_week = outcomes // WEEKS + (1 if outcomes % WEEKS else 0)
        seeded = demo.seed(session, tenant_id, [], datetime.now(UTC), WEEKS, per_week, lists=False)
        _, token = leads.add(session, tenant_id, "Bench Lead", "bench@example.com")
    with db.session() as session:
        start = time.perf_counter()
        items.refresh_stale(session, tenant_id, timedelta(0))  # what the worker task runs
        refresh_ms = round((time.perf_counter() - start) * 1000, 1)
    return token, seeded, refresh_ms


def _time(client: object, path: str, span: str, auth: dict[str, str], calls: int) -> object:
    joiner = "&" if "?" in path else "?"
    url = f"{path}{joiner}since={span}"
    spent = []
    for _ in range(calls):
        start = time.perf_counter()
        response = client.get(url, headers=auth)  # type: ignore[attr-defined]
        spent.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    return percentiles(spent)


if __name__ == "__main__":
    main()
