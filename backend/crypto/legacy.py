"""The key derivations used before this package, kept so that what they protected stays readable.

Both Fernet stores (redaction vaults, helpdesk settings) used one key: the secret itself when
it already was a Fernet key, else its SHA-256. The Freshdesk installation-secret digests were
keyed by SHA-256 over a label and the secret. New data never uses these keys; ciphertexts made
with them are still decrypted, and ``precedent keys rotate`` re-encrypts them under HKDF keys.
"""

from __future__ import annotations

import base64
import hashlib


def fernet_key(secret: str) -> bytes:
    """The Fernet key the stores derived from a setting before HKDF."""
    try:
        if len(base64.urlsafe_b64decode(secret.encode())) == 32:
            return secret.encode()
    except ValueError:  # binascii.Error is one
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


def digest_key(secret: str) -> bytes:
    """The key of the Freshdesk installation-secret digests before HKDF."""
    return hashlib.sha256(b"precedent app secret digest\0" + secret.encode()).digest()
