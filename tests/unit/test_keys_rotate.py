"""``precedent keys rotate``: every stored ciphertext moves to the current key, once."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import select

from backend import services
from backend.cli import cli
from backend.connectors.settings import HelpdeskSettingsStore
from backend.crypto import KeyRing
from backend.db import db
from backend.models import HelpdeskConnection, RedactionVault
from backend.redaction import KnownValue, Vault, redactors
from backend.redaction.store import VaultStore
from tests.helpdesk_accounts import FRESHDESK_APP_SECRET, connect_helpdesks

OLD = "unit-test-secret-key"  # the app fixture's SECRET_KEY
NEW = "rotated-secret-key-b71d"
TICKETS = ("T-1", "T-2", "T-3")


def vaults(keys: KeyRing | str) -> VaultStore:
    return VaultStore(services._sessions(), keys, timedelta(hours=1))  # noqa: SLF001


def helpdesks(keys: KeyRing | str) -> HelpdeskSettingsStore:
    return HelpdeskSettingsStore(services._sessions(), keys)  # noqa: SLF001


def store_under_the_old_key(app: Flask) -> None:
    """Three vaults and two helpdesks under OLD; one vault and globex as before HKDF."""
    connect_helpdesks(app)
    for ticket in TICKETS:
        vault = Vault()
        redactors.get("patterns")().redact(
            f"Jane Roe on {ticket}", vault, [KnownValue("PERSON", "Jane Roe")]
        )
        vaults(OLD).save("acme", ticket, vault)
    legacy = Fernet(base64.urlsafe_b64encode(hashlib.sha256(OLD.encode()).digest()))
    digest_key = hashlib.sha256(b"precedent app secret digest\0" + OLD.encode()).digest()
    digest = hmac.new(digest_key, FRESHDESK_APP_SECRET.encode(), hashlib.sha256).hexdigest()
    with db.session() as session:
        row = session.scalars(select(RedactionVault).where(RedactionVault.ticket_id == "T-3")).one()
        row.ciphertext = legacy.encrypt(vaults(OLD)._cipher.decrypt(row.ciphertext)).decode()  # noqa: SLF001
        globex = session.scalars(
            select(HelpdeskConnection).where(HelpdeskConnection.platform == "freshdesk")
        ).one()
        plaintext = helpdesks(OLD)._cipher.decrypt(globex.ciphertext)  # noqa: SLF001
        globex.ciphertext, globex.app_secret_digest = legacy.encrypt(plaintext).decode(), digest


def rotate(tmp_path: Path, previous: str = OLD, *args: str) -> Result:
    env = {
        "PRECEDENT_DATA_DIR": str(tmp_path),
        "PRECEDENT_SECRET_KEY": NEW,
        "PRECEDENT_PREVIOUS_SECRET_KEYS": previous,
    }
    return CliRunner().invoke(cli, ["keys", "rotate", *args], env=env)


def ciphertexts() -> list[str]:
    with db.session() as session:
        rows = session.scalars(select(RedactionVault.ciphertext)).all()
        return [*rows, *session.scalars(select(HelpdeskConnection.ciphertext)).all()]


def test_after_a_key_change_rotate_moves_everything_to_the_new_key_and_the_old_one_can_go(
    app: Flask, tmp_path: Path
) -> None:
    store_under_the_old_key(app)
    with_old = KeyRing(NEW, (OLD,))
    assert vaults(with_old).load("acme", "T-3").restore("<PERSON_1>") == "Jane Roe"

    result = rotate(tmp_path, OLD, "--batch", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    counted = "re-encrypted, 0 already current, 0 unreadable"
    assert f"  redaction vaults: 2 of 3 rows; 2 {counted}" in lines  # a batch's progress
    assert f"redaction vaults: 3 of 3 rows; 3 {counted}" in lines  # the summary
    assert f"helpdesk connections: 2 of 2 rows; 2 {counted}" in lines
    assert "done: 5 re-encrypted, 0 already current, 0 unreadable" in lines
    assert "remove the former values" in result.output and OLD not in result.output

    for ticket in TICKETS:  # the old key removed: everything still opens
        assert vaults(NEW).load("acme", ticket).restore("<PERSON_1>") == "Jane Roe"
    assert helpdesks(NEW).load("acme").api_token == "zd-api-token"
    assert helpdesks(NEW).load("globex").app_secret == FRESHDESK_APP_SECRET
    with db.session() as session:
        assert None not in session.scalars(select(HelpdeskConnection.app_secret_digest)).all()
    assert helpdesks(NEW).freshdesk_candidates(FRESHDESK_APP_SECRET) == ["globex"]

    before = ciphertexts()
    again = rotate(tmp_path, "")
    assert again.exit_code == 0, again.output
    assert "done: 0 re-encrypted, 5 already current, 0 unreadable" in again.output
    assert ciphertexts() == before  # nothing rewritten the second time


def test_a_ciphertext_no_configured_key_opens_is_reported_and_left_alone(
    app: Flask, tmp_path: Path
) -> None:
    vault = Vault()
    redactors.get("patterns")().redact("jane@example.org", vault)
    vaults("a key nobody configured").save("acme", "T-9", vault)
    before = ciphertexts()

    result = rotate(tmp_path)
    assert result.exit_code == 0, result.output
    assert "done: 0 re-encrypted, 0 already current, 1 unreadable" in result.stdout
    assert "1 ciphertexts open with no configured key" in result.stderr
    assert ciphertexts() == before


@pytest.mark.parametrize("command", [["keys", "--help"], ["keys", "rotate", "--help"]])
def test_the_keys_commands_have_help(command: list[str]) -> None:
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0 and "Usage: " in result.output
    assert "key" in result.output.split("\n\n")[1].lower()
