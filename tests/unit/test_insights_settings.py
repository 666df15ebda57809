"""The lists' thresholds are settings: the worker's refresh uses them, start-up checks them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from backend import create_app, migrate, tasks
from backend.db import db
from backend.errors import ConfigError
from backend.jobs import ROUTES, beat_schedule
from backend.learning import demo, items
from backend.learning.cli import insights
from backend.tenants import ensure_tenant
from tests.conftest import app_config
from tests.unit.test_insights import SECTIONS


def listed(app: Flask) -> dict[str, list[str]]:
    """What a scheduled or queued refresh stores, by list."""
    with db.session() as session:
        tenant_id = ensure_tenant(session, app.config["DEFAULT_TENANT"]).id
        demo.seed(session, tenant_id, SECTIONS, datetime.now(UTC), weeks=4, lists=False)
    assert tasks.refresh_insights.run(tenant_id) >= 0
    with db.session() as session:
        found: dict[str, list[str]] = {name: [] for name in items.LISTS}
        for item in items.items(session, tenant_id):
            found[item.list].append(item.title)
    return found


@pytest.fixture
def configured(tmp_path: Path, request: pytest.FixtureRequest) -> Flask:
    flask_app = create_app(app_config(tmp_path / "configured", **request.param))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    return flask_app


@pytest.mark.parametrize("configured", [{"COHORT_MIN_COUNT": "100000"}], indirect=True)
def test_when_the_cohort_minimum_is_above_every_volume_then_nobody_is_on_coaching(
    app: Flask, configured: Flask
) -> None:
    assert listed(app)["coaching"]  # the defaults flag the demo's rejecting agent
    with configured.app_context():
        assert listed(configured)["coaching"] == []


@pytest.mark.parametrize(
    "configured",
    [{"EDITED_AWAY_THRESHOLD": "1.0", "EDITED_AWAY_MIN_CITED": "100000"}],
    indirect=True,
)
def test_when_the_edited_away_settings_are_strict_then_no_section_is_on_revision(
    app: Flask, configured: Flask
) -> None:
    assert listed(app)["revision"]
    with configured.app_context():
        assert listed(configured)["revision"] == []


@pytest.mark.parametrize(
    ("options", "flagged"),
    [([], False), (["--min-cited", "5"], True), (["--min-cited", "5", "--threshold", "1"], False)],
)
def test_when_the_cli_gives_a_threshold_then_it_overrides_the_setting(
    app: Flask, monkeypatch: pytest.MonkeyPatch, options: list[str], flagged: bool
) -> None:
    assert listed(app)["revision"]  # flagged with the defaults
    monkeypatch.setenv("PRECEDENT_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("PRECEDENT_DATA_DIR", app.config["DATA_DIR"])
    monkeypatch.setenv("PRECEDENT_EDITED_AWAY_MIN_CITED", "100000")
    result = CliRunner().invoke(insights, ["sources", "--tenant", "demo", *options])
    assert result.exit_code == 0, result.output
    assert ("cited sentences" in result.output) is flagged


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("EDITED_AWAY_THRESHOLD", "1.5", "PRECEDENT_EDITED_AWAY_THRESHOLD must be above 0 and"),
        ("EDITED_AWAY_THRESHOLD", "0", "PRECEDENT_EDITED_AWAY_THRESHOLD must be above 0 and"),
        ("EDITED_AWAY_MIN_CITED", "0", "PRECEDENT_EDITED_AWAY_MIN_CITED must be at least 1, got 0"),
        ("COHORT_MIN_COUNT", "-3", "PRECEDENT_COHORT_MIN_COUNT must be at least 1, got -3"),
        ("INSIGHTS_REFRESH_MINUTES", "-1", "PRECEDENT_INSIGHTS_REFRESH_MINUTES must be 0 (only"),
    ],
)
def test_when_a_threshold_is_out_of_range_then_start_up_stops_naming_it(
    tmp_path: Path, setting: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        create_app(app_config(tmp_path, **{setting: value}))
    assert message in str(error.value)


@pytest.mark.parametrize(("minutes", "seconds"), [(15, 900.0), (1, 60.0), (0, None)])
def test_when_refresh_minutes_are_set_then_the_beat_refreshes_every_tenants_lists(
    minutes: int, seconds: float | None
) -> None:
    entry = beat_schedule(0, 0, minutes).get("refresh-insights")
    expected = {"task": "backend.tasks.refresh_all_insights", "schedule": seconds}
    assert entry == (expected if seconds else None)
    assert ROUTES["backend.tasks.refresh_all_insights"] == {"queue": "maintenance"}


def test_when_the_app_starts_then_its_worker_schedules_the_lists_every_15_minutes(
    app: Flask,
) -> None:
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["refresh-insights"]["schedule"] == 900.0


def test_when_the_beat_fires_then_each_tenant_with_decided_drafts_is_queued(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(tasks.refresh_insights, "delay", queued.append)
    with db.session() as session:
        busy = ensure_tenant(session, "busy").id
        ensure_tenant(session, "quiet")  # nothing decided: nothing to list
        demo.seed(session, busy, SECTIONS, datetime.now(UTC), weeks=1, per_week=20, lists=False)
    assert tasks.refresh_all_insights.run() == 1
    assert queued == [busy]
