"""``precedent helpdesk``: connecting an account stores it encrypted and shows it masked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backend.cli import cli

TOKEN = "zd-token-from-env-4411"
Run = Callable[..., Result]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PRECEDENT_SECRET_KEY", "cli-test-secret-key")

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env=env)

    return invoke


@pytest.mark.parametrize("command", [["helpdesk"], ["helpdesk", "connect"], ["helpdesk", "show"]])
def test_every_helpdesk_command_has_help(run: Run, command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0 and result.output.startswith("Usage: ")
    assert len(result.output.split("\n\n")[1].strip()) > 15


def test_when_zendesk_is_connected_then_the_token_is_stored_encrypted_and_shown_masked(
    run: Run, tmp_path: Path
) -> None:
    pem = tmp_path / "public_key.pem"
    pem.write_text("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")
    args = ("--tenant", "acme", "--host", "acme", "--email", "bot@acme.test")
    connected = run(
        "helpdesk",
        "connect",
        "zendesk",
        *args,
        "--app-public-key",
        str(pem),
        env={"HELPDESK_API_TOKEN": TOKEN},
    )
    assert connected.exit_code == 0, connected.output
    assert "connected zendesk acme for tenant 'acme'" in connected.output
    assert "api_token: ********" in connected.output and "app_public_key: (set)" in connected.output

    shown = run("helpdesk", "show", "--tenant", "acme")
    assert "email: bot@acme.test" in shown.output and "webhook_secret: -" in shown.output
    for output in (connected.output, shown.output):
        assert TOKEN not in output
    database = (tmp_path / "var" / "precedent.db").read_bytes()
    assert TOKEN.encode() not in database and b"bot@acme.test" not in database


def test_when_credentials_are_missing_then_nothing_is_stored(run: Run) -> None:
    refused = run("helpdesk", "connect", "freshdesk", "--tenant", "acme", "--host", "acme")
    assert refused.exit_code != 0
    assert "freshdesk needs --api-token (the agent's API key)" in refused.output
    missing = run("helpdesk", "show", "--tenant", "acme")
    assert "no helpdesk is connected for tenant 'acme'" in missing.output


def test_while_the_secret_key_is_the_development_value_no_helpdesk_is_connected(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PRECEDENT_SECRET_KEY")
    args = ("--tenant", "acme", "--host", "acme", "--email", "bot@acme.test")
    refused = run("helpdesk", "connect", "zendesk", *args, env={"HELPDESK_API_TOKEN": TOKEN})
    assert refused.exit_code != 0
    assert "precedent helpdesk connect refused: PRECEDENT_SECRET_KEY is not set" in refused.output
    monkeypatch.setenv("PRECEDENT_SECRET_KEY", "cli-test-secret-key")
    missing = run("helpdesk", "show", "--tenant", "acme")
    assert "no helpdesk is connected for tenant 'acme'" in missing.output


def test_when_the_location_and_jurisdiction_fields_are_named_then_they_are_kept(
    run: Run,
) -> None:
    connected = run(
        "helpdesk", "connect", "freshdesk", "--tenant", "acme", "--host", "acme.freshdesk.com",
        "--location-field", "cf_store", "--jurisdiction-field", "cf_state",
        env={"HELPDESK_API_TOKEN": TOKEN},
    )  # fmt: skip
    assert connected.exit_code == 0, connected.output

    shown = run("helpdesk", "show", "--tenant", "acme").output
    assert "location_field: cf_store" in shown and "jurisdiction_field: cf_state" in shown
