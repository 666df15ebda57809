"""Keys and encryption: HKDF keys per purpose, ciphertexts readable across a change of secret.

``keys`` derives; ``fernet`` encrypts (``Cipher``) and digests (``Digests``) under a
``KeyRing``; ``rotate`` re-encrypts what is stored (``precedent keys rotate``, ``cli``);
``legacy`` keeps the derivations from before this package readable. See docs/keys.md.
"""

from backend.crypto.fernet import Cipher, Digests, Undecryptable
from backend.crypto.keys import (
    KeyRing,
    Purpose,
    derive,
    encryption_keys,
    key_id,
    ring,
    signing_keys,
)

__all__ = [
    "Cipher",
    "Digests",
    "KeyRing",
    "Purpose",
    "Undecryptable",
    "derive",
    "encryption_keys",
    "key_id",
    "ring",
    "signing_keys",
]
