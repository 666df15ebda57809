"""Personal bearer tokens (reviewers, team leads): random, shown once, stored as a digest.

A token is 24 random bytes; only its SHA-256 is kept, so a leaked database gives no way in.
Every request looks the digest up again, which is what lets a rotation or revocation take
effect on the next request.
"""

from __future__ import annotations

import hashlib
import secrets


def digest(token: str) -> str:
    """What is stored and looked up for ``token``."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str = "") -> tuple[str, str]:
    """A token (``prefix`` + random text) and its digest; only the digest is stored."""
    token = prefix + secrets.token_urlsafe(24)
    return token, digest(token)
