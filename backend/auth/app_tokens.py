"""Short-lived bearer tokens for our sidebar page, issued after a verified helpdesk login.

The app's iframe cannot rely on third-party cookies, so the page carries this token in an
``Authorization: Bearer`` header. It is a JWT (HS256) with issuer, audience, expiry and a
``kid`` naming the generation of PRECEDENT_SECRET_KEY it was signed under; the signing key is
derived from that secret for this purpose only (backend/crypto). A token signed under a
former secret listed in PRECEDENT_PREVIOUS_SECRET_KEYS still verifies until it expires.
Tokens of the format before JWTs are refused with a message saying so. While SECRET_KEY is
the public development value (or empty) anyone could sign one, so none is issued or accepted.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.types import Options

from backend.crypto import KeyRing, derive, key_id, ring
from backend.errors import ConfigError, Unauthorized
from backend.production import DEV_SECRET

ISSUER = "precedent"
AUDIENCE = "precedent-app"
ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 15 * 60
PUBLIC_SECRETS = ("", DEV_SECRET)
REQUIRED = ["iss", "aud", "sub", "iat", "exp", "tenant"]
REASONS: tuple[tuple[type[jwt.InvalidTokenError], str], ...] = (
    (jwt.InvalidSignatureError, "bad signature"),
    (jwt.InvalidAudienceError, "wrong audience (not meant for the Precedent app)"),
    (jwt.InvalidIssuerError, "wrong issuer (not issued by Precedent)"),
    (jwt.MissingRequiredClaimError, "missing claims"),
)
OLD_FORMAT = (
    "app token rejected: it was issued by an older version of Precedent; reload the app to "
    "sign in again"
)


@dataclass(frozen=True)
class AppToken:
    tenant: str
    user: str  # the helpdesk agent (ZAF ``sub`` / Freshdesk agent id)
    expires_at: int  # unix seconds
    auth_time: int | None = None  # unix seconds of the signed sign-in


def issue(
    keys: KeyRing | str,
    tenant: str,
    user: str,
    *,
    ttl: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
    auth_time: int | None = None,
) -> str:
    """A token; ``auth_time`` is carried over on renewal and defaults to now (a sign-in)."""
    secret = ring(keys).current
    require_real_secret(secret, "app tokens are disabled")
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user,
        "tenant": tenant,
        "iat": issued,
        "exp": issued + ttl,
        "auth_time": issued if auth_time is None else auth_time,
    }
    key = derive(secret, "app token")
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": key_id(secret)})


def verify(keys: KeyRing | str, token: str, *, now: float | None = None) -> AppToken:
    """The token's claims; ``Unauthorized`` saying what is wrong (never echoing the token)."""
    keyring = ring(keys)
    require_real_secret(keyring.current, "app tokens are disabled")
    secret = keyring.by_key_id(_kid(token))
    # Not held, or public: the development value may be listed as a former key (to read what
    # it encrypted) but anyone can sign with it.
    if secret is None or secret in PUBLIC_SECRETS:
        raise Unauthorized("app token rejected: bad signature")
    claims = _decode(token, derive(secret, "app token"))
    return _claims(claims, time.time() if now is None else now)


def require_real_secret(secret_key: str, refused: str) -> None:
    """ConfigError when SECRET_KEY is empty or the public development value."""
    if secret_key in PUBLIC_SECRETS:
        raise ConfigError(
            f"{refused}: PRECEDENT_SECRET_KEY is not set (it still has the public development "
            "value); set it to a long random value first"
        )


def _kid(token: str) -> str:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError:
        reason = OLD_FORMAT if _old_format(token) else "app token rejected: malformed"
        raise Unauthorized(reason) from None
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM or not isinstance(kid, str):
        raise Unauthorized("app token rejected: malformed")
    return kid


def _old_format(token: str) -> bool:
    """``base64url(JSON claims) "." base64url(HMAC)``, as issued before JWTs."""
    body, dot, signature = token.partition(".")
    if not dot or not signature or "." in signature:
        return False
    try:
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, binascii.Error):
        return False
    return isinstance(claims, dict) and "tenant" in claims and "user" in claims


def _decode(token: str, key: bytes) -> dict[str, Any]:
    # Expiry is checked by _claims against the caller's clock (``now``), after the signature.
    options: Options = {"require": REQUIRED, "verify_exp": False, "verify_iat": False}
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER, options=options
        )
    except jwt.InvalidTokenError as exc:
        reason = next((r for kind, r in REASONS if isinstance(exc, kind)), "malformed")
        raise Unauthorized(f"app token rejected: {reason}") from None
    return claims


def _claims(claims: dict[str, Any], now: float) -> AppToken:
    expires = claims["exp"]
    if not isinstance(expires, int) or isinstance(expires, bool) or expires <= now:
        raise Unauthorized("app token rejected: expired; reload the app to sign in again")
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int) or isinstance(auth_time, bool):
        auth_time = None
    return AppToken(str(claims["tenant"]), str(claims["sub"]), expires, auth_time)
