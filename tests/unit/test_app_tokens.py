"""App tokens are JWTs: issuer, audience, expiry and the key generation, checked on the way in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import jwt
import pytest
from flask import Flask

from backend.auth import app_tokens
from backend.crypto import KeyRing, derive, key_id
from backend.errors import Unauthorized
from backend.production import DEV_SECRET
from tests.helpdesk_accounts import connect_helpdesks

OLD, NEW = "app-secret-generation-1", "app-secret-generation-2"
NOW = 1796191200.0  # 2026-12-02T06:00:00Z


def claims_and_header(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return jwt.decode(token, options={"verify_signature": False}), jwt.get_unverified_header(token)


def test_a_token_carries_issuer_audience_expiry_and_the_key_generation() -> None:
    token = app_tokens.issue(NEW, "acme", "9001", ttl=900, now=NOW)
    claims, header = claims_and_header(token)
    assert (claims["iss"], claims["aud"], claims["sub"]) == ("precedent", "precedent-app", "9001")
    assert (claims["tenant"], claims["iat"], claims["exp"]) == ("acme", int(NOW), int(NOW) + 900)
    assert header == {"alg": "HS256", "typ": "JWT", "kid": key_id(NEW)}
    assert NEW not in token and derive(NEW, "app token").hex() not in token


def test_when_the_secret_changes_then_tokens_of_the_previous_one_verify_until_expiry() -> None:
    old = app_tokens.issue(OLD, "acme", "9001", ttl=900, now=NOW)
    both = KeyRing(NEW, (OLD,))
    assert app_tokens.verify(both, old, now=NOW + 60).tenant == "acme"
    assert claims_and_header(app_tokens.issue(both, "acme", "9001"))[1]["kid"] == key_id(NEW)
    with pytest.raises(Unauthorized, match="expired"):
        app_tokens.verify(both, old, now=NOW + 900)
    with pytest.raises(Unauthorized, match="bad signature"):
        app_tokens.verify(NEW, old, now=NOW + 60)  # the old secret was removed


def test_a_token_signed_with_the_public_development_key_never_verifies() -> None:
    forged = signed({**GOOD, **TIMES}, secret=DEV_SECRET)  # anyone can make this one
    with pytest.raises(Unauthorized, match="bad signature"):
        app_tokens.verify(KeyRing(NEW, (DEV_SECRET,)), forged, now=NOW)


def signed(claims: dict[str, Any], secret: str = NEW, kid: str | None = None) -> str:
    headers = {"kid": kid or key_id(secret)}
    return jwt.encode(claims, derive(secret, "app token"), algorithm="HS256", headers=headers)


def old_format(secret: str) -> str:
    """A token as Precedent issued them before JWTs: base64url(claims) "." base64url(HMAC)."""
    raw = json.dumps({"tenant": "acme", "user": "9001", "exp": int(NOW) + 900}).encode()
    body = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    key = hmac.new(secret.encode(), b"precedent app token v1", hashlib.sha256).digest()
    mac = hmac.new(key, body.encode(), hashlib.sha256).digest()
    return f"{body}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


GOOD = {"iss": "precedent", "aud": "precedent-app", "sub": "9001", "tenant": "acme"}
TIMES = {"iat": int(NOW), "exp": int(NOW) + 900}


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (signed({**GOOD, "aud": "zendesk-app", **TIMES}), "wrong audience"),
        (signed({**GOOD, "iss": "someone-else", **TIMES}), "wrong issuer"),
        (signed({**GOOD, "iat": int(NOW)}), "missing claims"),
        (signed({**GOOD, **TIMES}, kid="0badc0ffee00"), "bad signature"),
        (signed({**GOOD, **TIMES}, secret=OLD, kid=key_id(NEW)), "bad signature"),
        (jwt.encode({**GOOD, **TIMES}, "k" * 48, algorithm="HS384"), "malformed"),
        (old_format(NEW), "it was issued by an older version of Precedent; reload the app"),
    ],
    ids=["audience", "issuer", "no-expiry", "unknown-kid", "kid-of-another-key", "alg", "old"],
)
def test_when_a_token_is_not_ours_then_it_is_rejected_saying_why(token: str, reason: str) -> None:
    with pytest.raises(Unauthorized) as caught:
        app_tokens.verify(NEW, token, now=NOW)
    assert caught.value.message.startswith(f"app token rejected: {reason}")


def test_a_token_of_the_old_format_gets_a_401_that_says_sign_in_again(app: Flask) -> None:
    connect_helpdesks(app)  # connected: the app API needs a credential
    old = old_format(str(app.config["SECRET_KEY"]))
    response = app.test_client().get("/api/v1/tickets", headers={"Authorization": f"Bearer {old}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == app_tokens.OLD_FORMAT
    assert "older version of Precedent" in app_tokens.OLD_FORMAT
