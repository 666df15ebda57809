"""One key per purpose, derived with HKDF from the configured secrets.

An operator configures secrets (``PRECEDENT_SECRET_KEY``, ``PRECEDENT_VAULT_KEY``) and, after
changing one, the values it replaced (``PRECEDENT_PREVIOUS_SECRET_KEYS`` /
``PRECEDENT_PREVIOUS_VAULT_KEYS``, comma-separated). No secret keys anything directly: each
use (a purpose) gets its own HKDF-SHA256 key, so a key that leaks from one use opens nothing
else, and the key id names a secret's generation without revealing it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.errors import ConfigError

Purpose = Literal[
    "redaction vault", "helpdesk settings", "app secret digest", "app token", "key id"
]
SALT = b"precedent key derivation v1"  # fixed: it separates our keys from any other HKDF use
KEY_BYTES = 32


@dataclass(frozen=True)
class KeyRing:
    """A secret and the secrets it replaced: new data uses ``current``, old data any of them."""

    current: str
    previous: tuple[str, ...] = ()

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret, current first, each once."""
        return tuple(dict.fromkeys((self.current, *self.previous)))

    def by_key_id(self, kid: str) -> str | None:
        """The secret whose generation ``kid`` names, if this ring holds it."""
        return next((s for s in self.secrets if key_id(s) == kid), None)


def ring(keys: KeyRing | str) -> KeyRing:
    """A lone secret as a ring without previous secrets."""
    return keys if isinstance(keys, KeyRing) else KeyRing(keys)


@functools.lru_cache(maxsize=64)  # every token check and store derives the same few keys
def derive(secret: str, purpose: Purpose) -> bytes:
    """The 32-byte key for ``purpose`` from ``secret`` (HKDF-SHA256, the purpose as info)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=SALT, info=purpose.encode())
    return hkdf.derive(secret.encode())


def key_id(secret: str) -> str:
    """A short public name for a secret's generation (a derived value, not the secret)."""
    return derive(secret, "key id")[:6].hex()


def signing_keys(config: Mapping[str, Any]) -> KeyRing:
    """SECRET_KEY and its former values: they sign the sidebar's app tokens."""
    return KeyRing(str(config["SECRET_KEY"]), split(config.get("PREVIOUS_SECRET_KEYS", "")))


def encryption_keys(config: Mapping[str, Any]) -> KeyRing:
    """VAULT_KEY (or SECRET_KEY while it is empty) and its former values: stored ciphertexts."""
    if config.get("VAULT_KEY"):
        return KeyRing(str(config["VAULT_KEY"]), split(config.get("PREVIOUS_VAULT_KEYS", "")))
    return signing_keys(config)


def split(value: object) -> tuple[str, ...]:
    """A comma-separated setting's values, blanks dropped."""
    return tuple(part.strip() for part in str(value or "").split(",") if part.strip())


def check_settings(config: Mapping[str, Any]) -> None:
    """A former value listed next to the same current value is a half-done change: refuse."""
    for current, previous in (
        ("SECRET_KEY", "PREVIOUS_SECRET_KEYS"),
        ("VAULT_KEY", "PREVIOUS_VAULT_KEYS"),
    ):
        if config.get(current) and str(config[current]) in split(config.get(previous, "")):
            raise ConfigError(
                f"PRECEDENT_{previous} lists the current PRECEDENT_{current}: set "
                f"PRECEDENT_{current} to the new value and list only former values in "
                f"PRECEDENT_{previous} (see docs/keys.md)"
            )
