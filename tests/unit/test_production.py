"""The production profile refuses to start on embedded defaults or with a service down."""

from __future__ import annotations

import gc
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from backend import create_app, production, wsgi
from backend.cli import cli
from backend.errors import ConfigError

READY = {
    "PROFILE": "production",
    "BROKER_URL": "redis://127.0.0.1:6379/0",
    "DATABASE_URL": "postgresql+psycopg://precedent@127.0.0.1/precedent",
    "SECRET_KEY": "a-long-random-secret",
    "VAULT_KEY": "another-long-random-secret",
    "AUDIT_KEY": "a-third-long-random-secret",
}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


def test_when_production_runs_on_embedded_defaults_then_every_gap_is_listed() -> None:
    with pytest.raises(ConfigError) as error:
        create_app({"PROFILE": "production"})
    assert error.value.message == (
        "the production profile cannot start:\n"
        "  - PRECEDENT_BROKER_URL must be a redis:// or rediss:// URL\n"
        "  - PRECEDENT_DATABASE_URL must be a postgresql:// URL\n"
        "  - PRECEDENT_SECRET_KEY must be set to a long random value\n"
        "  - PRECEDENT_VAULT_KEY must be set (it encrypts placeholder values)\n"
        "  - PRECEDENT_AUDIT_KEY must be set (it keys the audit chain)"
    )


def test_when_weaviate_is_chosen_without_a_url_then_start_up_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="PRECEDENT_WEAVIATE_URL must be set"):
        create_app({**READY, "INDEX": "weaviate"})


def test_when_every_required_setting_is_given_then_the_app_is_created() -> None:
    app = create_app(READY)
    assert app.config["PROFILE"] == "production"
    assert app.config["DATABASE_URL"] == READY["DATABASE_URL"]  # no SQLite fallback


def test_when_the_profile_is_unknown_then_the_valid_ones_are_listed() -> None:
    with pytest.raises(ConfigError) as error:
        create_app({"PROFILE": "prod"})
    assert error.value.message == (
        "PRECEDENT_PROFILE 'prod' is unknown. Valid values are: embedded, production"
    )


def test_when_services_are_down_then_each_is_named_and_the_password_is_masked() -> None:
    port = closed_port()
    config = {
        **create_app(READY).config,
        "BROKER_URL": f"redis://:hunter2@127.0.0.1:{port}/0",
        "DATABASE_URL": f"postgresql+psycopg://precedent:hunter2@127.0.0.1:{port}/precedent",
        "INDEX": "weaviate",
        "WEAVIATE_URL": f"http://127.0.0.1:{port}",
    }
    with pytest.raises(ConfigError) as error:
        production.check_services(config)
    lines = error.value.message.splitlines()
    assert lines[0] == "the production profile cannot start:"
    assert lines[1].startswith("  - broker (PRECEDENT_BROKER_URL) is unreachable: ")
    assert lines[2].startswith("  - database (PRECEDENT_DATABASE_URL) is unreachable: ")
    assert lines[3].startswith("  - Weaviate (PRECEDENT_WEAVIATE_URL) is unreachable: ")
    assert "hunter2" not in error.value.message


def test_when_the_embedded_profile_is_used_then_nothing_is_probed(tmp_path: Path) -> None:
    config = create_app({"DATA_DIR": str(tmp_path), "BROKER_URL": "redis://127.0.0.1:1/0"}).config
    production.check_services(config)  # would fail on the closed port if it probed


def test_when_the_worker_starts_against_a_dead_broker_then_it_exits_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = closed_port()
    for name, value in READY.items():
        monkeypatch.setenv(f"PRECEDENT_{name}", value)
    monkeypatch.setenv("PRECEDENT_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setenv("PRECEDENT_DATABASE_URL", f"postgresql+psycopg://x@127.0.0.1:{port}/x")
    result = CliRunner().invoke(cli, ["worker"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the production profile cannot start:\n")
    assert "broker (PRECEDENT_BROKER_URL) is unreachable" in result.output


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("redis://:hunter2@cache:6379/0 refused", "redis://:***@cache:6379/0 refused"),
        ("postgresql://app:hunter2@db/precedent", "postgresql://app:***@db/precedent"),
        ("redis://cache:6379/0 refused", "redis://cache:6379/0 refused"),
    ],
)
def test_when_a_driver_message_holds_a_url_then_its_password_is_masked(
    message: str, masked: str
) -> None:
    assert production._mask_passwords(message) == masked


def test_the_web_entry_point_leaves_its_start_up_objects_out_of_collections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path))
    gc.unfreeze()
    try:
        app = wsgi.web_app()
        frozen = gc.get_freeze_count()
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual
    assert app.config["DATA_DIR"] == str(tmp_path)
    assert frozen > 10_000  # the modules and the app, no longer walked by each collection
