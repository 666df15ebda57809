"""Zendesk signed URLs: verify the RS256 JWT Zendesk POSTs (form field ``token``).

Zendesk signs it with the app's key; we check it with the installation's public key
(``GET /api/v2/apps/{app_id}/public_key.pem``): signature, expiry, issuer
(``<subdomain>.zendesk.com``) and audience. The token lives about five minutes and comes
only with the first request: swap it for an app token (``app_tokens.py``) at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from backend.errors import ConfigError, Unauthorized

LEEWAY_SECONDS = 10  # clock skew between Zendesk and us
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud"]
REASONS: list[tuple[type[jwt.InvalidTokenError], str]] = [
    (jwt.ExpiredSignatureError, "it has expired"),
    (jwt.ImmatureSignatureError, "it is not valid yet (nbf / iat in the future)"),
    (jwt.InvalidAudienceError, "wrong audience (not this app installation)"),
    (jwt.InvalidIssuerError, "wrong issuer (not this Zendesk account)"),
    (jwt.MissingRequiredClaimError, "a required claim is missing"),
    (jwt.InvalidAlgorithmError, "it is not signed with RS256"),
    (jwt.InvalidSignatureError, "bad signature"),
    (jwt.DecodeError, "it is malformed or its signature does not verify"),
]


@dataclass(frozen=True)
class ZafClaims:
    issuer: str  # acme.zendesk.com
    audience: str
    user_id: str  # ``sub``: the agent who opened the app
    product: str = ""  # context.product, e.g. support
    location: str = ""  # context.location, e.g. ticket_sidebar


def zendesk_issuer(subdomain: str) -> str:
    return f"{subdomain}.zendesk.com"


def verify_zaf_token(token: str, public_key_pem: str, *, audience: str, issuer: str) -> ZafClaims:
    """The token's claims; ``Unauthorized`` naming what failed (never the token itself)."""
    key = _public_key(public_key_pem)
    if not token:
        raise Unauthorized("Zendesk app token rejected: no token was sent")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"Zendesk app token rejected: {_reason(exc)}") from None
    context = claims.get("context")
    if not isinstance(context, dict):
        context = {}
    return ZafClaims(
        issuer=str(claims["iss"]),
        audience=audience,
        user_id=str(claims.get("sub") or ""),
        product=str(context.get("product") or ""),
        location=str(context.get("location") or ""),
    )


def _reason(exc: jwt.InvalidTokenError) -> str:
    return next((text for kind, text in REASONS if isinstance(exc, kind)), "it is invalid")


def _public_key(pem: str) -> RSAPublicKey:
    try:
        key = load_pem_public_key(pem.encode())
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, RSAPublicKey):
        raise ConfigError(
            "the Zendesk app public key is not a PEM RSA public key; copy it from "
            "/api/v2/apps/{app_id}/public_key.pem into the helpdesk settings"
        )
    return key
