"""The placeholder vault at rest: encrypted, per tenant and ticket, expiring."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from backend import services
from backend.db import db
from backend.models import RedactionVault
from backend.redaction import KnownValue, Vault, redactors
from backend.redaction.store import VaultStore

redactor = redactors.get("patterns")()


def store(key: str = "k1", ttl: timedelta = timedelta(hours=1)) -> VaultStore:
    return VaultStore(services._sessions(), key, ttl)  # noqa: SLF001 - the app's sessions


def test_when_a_ticket_is_drafted_again_then_its_placeholders_are_the_same(app: Flask) -> None:
    vault = Vault()
    redactor.redact("I am Jane Roe, jane@example.org", vault, [KnownValue("PERSON", "Jane Roe")])
    store().save("demo", "T-1", vault)

    again = store().load("demo", "T-1")
    text = redactor.redact("mail bob@example.org or jane@example.org", again).text
    assert text == "mail <EMAIL_ADDRESS_2> or <EMAIL_ADDRESS_1>"
    assert again.restore("<PERSON_1>") == "Jane Roe"


def test_values_are_stored_only_encrypted(app: Flask) -> None:
    vault = Vault()
    redactor.redact("jane@example.org", vault)
    store().save("demo", "T-1", vault)
    with db.session() as session:
        ciphertext = session.scalars(select(RedactionVault.ciphertext)).one()
    assert "jane" not in ciphertext and "EMAIL" not in ciphertext


def test_when_the_mapping_expired_or_the_key_changed_then_a_fresh_vault_is_used(
    app: Flask,
) -> None:
    vault = Vault()
    redactor.redact("jane@example.org", vault)
    store(ttl=timedelta(seconds=-1)).save("demo", "T-1", vault)
    assert len(store().load("demo", "T-1")) == 0
    store().save("demo", "T-2", vault)
    assert len(store(key="rotated").load("demo", "T-2")) == 0
    assert len(store().load("demo", "T-2")) == 1


def test_tenants_never_share_a_mapping(app: Flask) -> None:
    vault = Vault()
    redactor.redact("jane@example.org", vault)
    store().save("acme", "T-1", vault)
    assert len(store().load("globex", "T-1")) == 0


def test_many_vaults_are_read_at_once_and_a_missing_or_expired_one_is_fresh(app: Flask) -> None:
    jane, bob = Vault(), Vault()
    redactor.redact("jane@example.org", jane)
    redactor.redact("bob@example.org, cc bo@example.net", bob)
    store().save("demo", "T-1", jane)
    store().save("demo", "T-2", bob)
    store(ttl=timedelta(seconds=-1)).save("demo", "T-3", bob)

    found = store().load_many("demo", ["T-1", "T-2", "T-3", "T-4", "T-1"])

    assert {t: len(v) for t, v in found.items()} == {"T-1": 1, "T-2": 2, "T-3": 0, "T-4": 0}
    assert found["T-2"].restore("<EMAIL_ADDRESS_1>") == "bob@example.org"
    assert store().load_many("globex", ["T-1"])["T-1"].entries() == {}
