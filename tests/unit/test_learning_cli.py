"""``precedent insights`` prints the signals of a tenant's constructed history."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from backend import migrate
from backend.db import Database
from backend.learning.cli import insights
from tests.learning_data import History, quality_history


def test_when_insights_are_asked_by_team_then_each_team_has_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    database = Database()
    with database.session(url) as session:
        history = History(session, "acme")
        quality_history(history)
    database.dispose()
    monkeypatch.setenv("PRECEDENT_DATABASE_URL", url)
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path))

    result = CliRunner().invoke(
        insights, ["quality", "--tenant", "acme", "--since", "3650d", "--by", "team"]
    )

    assert result.exit_code == 0, result.output
    assert "Billing: 3 drafts, accepted 33% edited 33% rejected 33% escalated 0%" in result.output


def test_when_the_span_is_not_understood_then_the_message_names_the_valid_forms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    result = CliRunner().invoke(insights, ["quality", "--since", "a month"])
    assert result.exit_code == 1
    assert "unknown time span 'a month'" in result.output


def test_the_demo_history_is_seeded_once_and_says_how_to_open_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path))
    helpcenter = str(Path(__file__).resolve().parents[2] / "demo" / "helpcenter")

    first = CliRunner().invoke(insights, ["seed-demo", "--helpcenter", helpcenter])
    again = CliRunner().invoke(insights, ["seed-demo", "--helpcenter", helpcenter])

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert "outcomes over 8 weeks (labelled, generated)" in first.output
    assert "the tenant has outcomes already; nothing seeded" in again.output
    for output in (first.output, again.output):
        assert "'precedent leads add NAME EMAIL' prints a team lead's token" in output
