"""Encryption and keyed digests under a key ring, readable across a change of secret.

``Cipher`` is a ``MultiFernet``: it encrypts with the current secret's key for its purpose and
decrypts with any key the ring holds (current and previous secrets, each through HKDF and,
for the purposes that predate HKDF, the legacy derivation). ``backend/crypto/rotate.py``
re-encrypts stored ciphertexts under the current key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from backend.crypto import legacy
from backend.crypto.keys import KeyRing, Purpose, derive, ring
from backend.errors import PrecedentError

# Purposes whose data predates HKDF: their legacy keys stay readable (backend/crypto/legacy.py).
LEGACY_FERNET: tuple[Purpose, ...] = ("redaction vault", "helpdesk settings")
LEGACY_DIGEST: tuple[Purpose, ...] = ("app secret digest",)


class Undecryptable(PrecedentError):
    """No key of the ring opens this ciphertext (its secret is neither current nor listed)."""

    code = "undecryptable"


class Cipher:
    """Fernet for one purpose: new ciphertexts under the current key, old ones still read."""

    def __init__(self, keys: KeyRing | str, purpose: Purpose) -> None:
        secrets = ring(keys).secrets
        self._current = Fernet(fernet_key(secrets[0], purpose))
        others = [fernet_key(s, purpose) for s in secrets[1:]]
        if purpose in LEGACY_FERNET:
            others += [legacy.fernet_key(s) for s in secrets]
        rest = [Fernet(k) for k in dict.fromkeys(others)]
        self._all = MultiFernet([self._current, *rest])

    def encrypt(self, plaintext: bytes) -> str:
        return self._all.encrypt(plaintext).decode()

    def decrypt(self, ciphertext: str) -> bytes:
        """The plaintext; ``Undecryptable`` when no key of the ring opens it."""
        try:
            return self._all.decrypt(ciphertext.encode())
        except InvalidToken:
            raise Undecryptable("encrypted under a key that is no longer configured") from None

    def is_current(self, ciphertext: str) -> bool:
        """Whether the current key alone opens it (``rotate`` has nothing to do)."""
        try:
            self._current.decrypt(ciphertext.encode())
        except InvalidToken:
            return False
        return True


class Digests:
    """Keyed digests (HMAC-SHA256) to find a row by a secret without storing the secret."""

    def __init__(self, keys: KeyRing | str, purpose: Purpose) -> None:
        secrets = ring(keys).secrets
        derived = [derive(s, purpose) for s in secrets]
        if purpose in LEGACY_DIGEST:
            derived += [legacy.digest_key(s) for s in secrets]
        self._keys = list(dict.fromkeys(derived))

    def current(self, value: str) -> str:
        """The digest new rows store."""
        return _hmac(self._keys[0], value)

    def candidates(self, value: str) -> list[str]:
        """Every digest a stored row may hold for ``value`` (current first)."""
        return [_hmac(key, value) for key in self._keys]


def fernet_key(secret: str, purpose: Purpose) -> bytes:
    """The Fernet key (urlsafe base64) for ``purpose`` from ``secret``."""
    return base64.urlsafe_b64encode(derive(secret, purpose))


def _hmac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
