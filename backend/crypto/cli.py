"""``precedent keys``: move stored ciphertexts to the current key after a secret changes."""

from __future__ import annotations

import click

from backend import services
from backend.clitools import Group, app, upgrade_database
from backend.connectors.settings import HelpdeskSettingsStore
from backend.crypto.rotate import BATCH, Counts, Table, rotate
from backend.db import sessions_for


@click.group(cls=Group)
def keys() -> None:
    """Keys: re-encrypt stored data after PRECEDENT_SECRET_KEY or PRECEDENT_VAULT_KEY changes."""


@keys.command("rotate")
@click.option("--batch", default=BATCH, show_default=True, help="Rows per transaction.")
def rotate_command(batch: int) -> None:
    """Re-encrypt every stored ciphertext under the current key.

    Run it after setting a new key with its former value listed in
    PRECEDENT_PREVIOUS_VAULT_KEYS (or PRECEDENT_PREVIOUS_SECRET_KEYS), then remove the
    former value. Rows already under the current key are left alone: run it again at will.
    """
    upgrade_database()
    sessions = sessions_for(str(app().config["DATABASE_URL"]))
    done = [rotate(sessions, table, _progress, batch) for table in _tables()]
    _summary(done)


def _tables() -> list[Table]:
    """Every table holding Fernet ciphertexts."""
    settings = HelpdeskSettingsStore.from_config(app().config)
    return [services.vault_store().encrypted_table(), settings.encrypted_table()]


def _progress(counts: Counts) -> None:
    click.echo(f"  {counts.line()}")


def _summary(done: list[Counts]) -> None:
    rotated, current = sum(c.rotated for c in done), sum(c.current for c in done)
    unreadable = sum(c.unreadable for c in done)
    for counts in done:
        click.echo(counts.line())
    click.echo(f"done: {rotated} re-encrypted, {current} already current, {unreadable} unreadable")
    if unreadable:
        click.echo(
            f"warning: {unreadable} ciphertexts open with no configured key and were left as "
            "they were (a vault starts afresh; a helpdesk must be connected again). If a "
            "former key is missing from PRECEDENT_PREVIOUS_VAULT_KEYS / "
            "PRECEDENT_PREVIOUS_SECRET_KEYS, add it and run this again.",
            err=True,
        )
        return
    click.echo(
        "Everything stored is under the current key: remove the former values from "
        "PRECEDENT_PREVIOUS_VAULT_KEYS; keep those in PRECEDENT_PREVIOUS_SECRET_KEYS until "
        "the app tokens they signed expire (PRECEDENT_APP_TOKEN_MINUTES)."
    )
