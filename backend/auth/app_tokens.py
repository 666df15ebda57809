"""Short-lived bearer tokens for our sidebar page, issued after a verified helpdesk login.

The app's iframe cannot rely on third-party cookies, so the page carries this token in an
``Authorization: Bearer`` header. Format: ``base64url(JSON claims) "." base64url(HMAC)``,
signed with a key derived from SECRET_KEY for this purpose only. While SECRET_KEY is the
public development value (or empty) anyone could sign one, so none is issued or accepted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from backend.errors import ConfigError, Unauthorized
from backend.production import DEV_SECRET

PURPOSE = b"precedent app token v1"
DEFAULT_TTL_SECONDS = 15 * 60


@dataclass(frozen=True)
class AppToken:
    tenant: str
    user: str  # the helpdesk agent (ZAF ``sub`` / Freshdesk agent id)
    expires_at: int  # unix seconds
    auth_time: int | None = None  # unix seconds of the signed sign-in; None on old tokens


def issue(
    secret_key: str,
    tenant: str,
    user: str,
    *,
    ttl: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
    auth_time: int | None = None,
) -> str:
    """A token; ``auth_time`` is carried over on renewal and defaults to now (a sign-in)."""
    require_real_secret(secret_key, "app tokens are disabled")
    issued = int(time.time() if now is None else now)
    claims = {
        "tenant": tenant,
        "user": user,
        "iat": issued,
        "exp": issued + ttl,
        "auth_time": issued if auth_time is None else auth_time,
    }
    body = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(_mac(secret_key, body))}"


def verify(secret_key: str, token: str, *, now: float | None = None) -> AppToken:
    """The token's claims; ``Unauthorized`` saying what is wrong (never echoing the token)."""
    require_real_secret(secret_key, "app tokens are disabled")
    body, dot, signature = token.partition(".")
    try:
        given, payload = _unb64(signature), _unb64(body)
    except (ValueError, binascii.Error):
        raise Unauthorized("app token rejected: malformed") from None
    if not dot or not body or not given:
        raise Unauthorized("app token rejected: malformed")
    if not hmac.compare_digest(_mac(secret_key, body), given):
        raise Unauthorized("app token rejected: bad signature")
    try:
        claims = json.loads(payload)
    except ValueError:
        raise Unauthorized("app token rejected: malformed") from None
    return _claims(claims, time.time() if now is None else now)


def require_real_secret(secret_key: str, refused: str) -> None:
    """ConfigError when SECRET_KEY is empty or the public development value."""
    if secret_key in ("", DEV_SECRET):
        raise ConfigError(
            f"{refused}: PRECEDENT_SECRET_KEY is not set (it still has the public development "
            "value); set it to a long random value first"
        )


def _claims(claims: object, now: float) -> AppToken:
    if not isinstance(claims, dict) or not all(k in claims for k in ("tenant", "user", "exp")):
        raise Unauthorized("app token rejected: missing claims")
    if not isinstance(claims["exp"], int) or claims["exp"] <= now:
        raise Unauthorized("app token rejected: expired; reload the app to sign in again")
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int) or isinstance(auth_time, bool):
        auth_time = None
    return AppToken(str(claims["tenant"]), str(claims["user"]), claims["exp"], auth_time)


def _mac(secret_key: str, body: str) -> bytes:
    key = hmac.new(secret_key.encode(), PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, body.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
