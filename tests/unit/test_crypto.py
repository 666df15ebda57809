"""backend/crypto: one HKDF key per purpose, ciphertexts readable across a change of secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from backend import create_app
from backend.crypto import Cipher, Digests, KeyRing, Undecryptable, derive, key_id
from backend.crypto.keys import encryption_keys, signing_keys
from backend.errors import ConfigError
from tests.conftest import app_config

OLD, NEW = "old-secret-4f0c", "new-secret-9a2e"


def test_when_purposes_differ_then_their_keys_differ_and_each_is_stable() -> None:
    purposes = ("redaction vault", "helpdesk settings", "app secret digest", "app token")
    keys = {derive(OLD, purpose) for purpose in purposes}  # type: ignore[arg-type]
    assert len(keys) == len(purposes) and all(len(k) == 32 for k in keys)
    assert derive(OLD, "app token") == derive(OLD, "app token") != derive(NEW, "app token")
    assert OLD.encode() not in b"".join(keys) and len(key_id(OLD)) == 12
    assert key_id(OLD) != key_id(NEW) and bytes.fromhex(key_id(OLD)) not in derive(OLD, "app token")


def test_when_a_ciphertext_is_for_another_purpose_then_it_does_not_open() -> None:
    vault = Cipher(OLD, "redaction vault").encrypt(b"jane@example.org")
    with pytest.raises(Undecryptable):
        Cipher(OLD, "helpdesk settings").decrypt(vault)
    assert Cipher(OLD, "redaction vault").decrypt(vault) == b"jane@example.org"


def test_when_the_secret_changes_with_the_old_one_listed_then_old_ciphertexts_still_open() -> None:
    old = Cipher(OLD, "redaction vault").encrypt(b"values")
    rotated = Cipher(KeyRing(NEW, (OLD,)), "redaction vault")
    assert rotated.decrypt(old) == b"values" and not rotated.is_current(old)
    new = rotated.encrypt(b"values")
    assert rotated.is_current(new) and Cipher(NEW, "redaction vault").decrypt(new) == b"values"
    with pytest.raises(Undecryptable):
        Cipher(NEW, "redaction vault").decrypt(old)  # the old key is no longer listed


def pre_hkdf_key(secret: str) -> bytes:
    """How the stores keyed Fernet before backend/crypto (redaction/store.py fernet_key)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


@pytest.mark.parametrize("purpose", ["redaction vault", "helpdesk settings"])
def test_when_data_was_encrypted_before_hkdf_then_it_still_opens(purpose: str) -> None:
    before = Fernet(pre_hkdf_key(OLD)).encrypt(b"stored by an older version").decode()
    cipher = Cipher(OLD, purpose)  # type: ignore[arg-type]
    assert cipher.decrypt(before) == b"stored by an older version"
    assert not cipher.is_current(before)  # 'precedent keys rotate' moves it to HKDF
    fernet_secret = Fernet.generate_key().decode()  # a Fernet key was used as it was
    as_is = Fernet(fernet_secret).encrypt(b"x").decode()
    assert Cipher(fernet_secret, purpose).decrypt(as_is) == b"x"  # type: ignore[arg-type]


def test_when_a_digest_was_keyed_before_hkdf_then_it_is_still_a_candidate() -> None:
    legacy_key = hashlib.sha256(b"precedent app secret digest\0" + OLD.encode()).digest()
    before = hmac.new(legacy_key, b"inst-1", hashlib.sha256).hexdigest()
    digests = Digests(KeyRing(NEW, (OLD,)), "app secret digest")
    assert before in digests.candidates("inst-1")
    assert digests.current("inst-1") == digests.candidates("inst-1")[0] != before
    assert Digests(NEW, "app secret digest").current("inst-1") == digests.current("inst-1")


def test_the_settings_name_which_secrets_encrypt_and_which_sign() -> None:
    config = {"SECRET_KEY": NEW, "PREVIOUS_SECRET_KEYS": f" {OLD} , ,older", "VAULT_KEY": ""}
    assert signing_keys(config) == KeyRing(NEW, (OLD, "older"))
    assert encryption_keys(config) == KeyRing(NEW, (OLD, "older"))  # no VAULT_KEY: SECRET_KEY
    config |= {"VAULT_KEY": "vault-2", "PREVIOUS_VAULT_KEYS": "vault-1"}
    assert encryption_keys(config) == KeyRing("vault-2", ("vault-1",))
    assert signing_keys(config) == KeyRing(NEW, (OLD, "older"))


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SECRET_KEY": NEW, "PREVIOUS_SECRET_KEYS": f"{OLD},{NEW}"}, "PREVIOUS_SECRET_KEYS"),
        ({"VAULT_KEY": "v2", "PREVIOUS_VAULT_KEYS": "v2"}, "PREVIOUS_VAULT_KEYS"),
    ],
    ids=["secret", "vault"],
)
def test_when_a_previous_key_is_the_current_one_then_start_up_refuses(
    tmp_path: Path, overrides: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        create_app(app_config(tmp_path, **overrides))
    assert f"PRECEDENT_{named} lists the current" in caught.value.message
    assert NEW not in caught.value.message and "v2" not in caught.value.message  # never echoed
