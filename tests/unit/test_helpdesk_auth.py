"""Who is calling: Zendesk signed-URL JWTs, webhook signatures, our own app tokens."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from backend.auth import app_tokens
from backend.auth.freshdesk_app import verify_freshdesk_app
from backend.auth.webhooks import (
    FRESHDESK_SECRET,
    ZENDESK_SIGNATURE,
    ZENDESK_TIMESTAMP,
    verify_freshdesk_webhook,
    verify_zendesk_webhook,
    zendesk_signature,
)
from backend.auth.zaf_jwt import verify_zaf_token, zendesk_issuer
from backend.errors import ConfigError, Unauthorized
from backend.production import DEV_SECRET
from tests.helpdesk_accounts import (
    AUDIENCE,
    OTHER_KEY,
    ZENDESK_KEY,
    public_pem,
    tampered,
    zaf_token,
)

ISSUER = zendesk_issuer("acme")


def verify(token: str) -> Any:
    return verify_zaf_token(token, public_pem(ZENDESK_KEY), audience=AUDIENCE, issuer=ISSUER)


def test_when_zendesk_signed_the_token_then_the_agent_and_location_are_known() -> None:
    claims = verify(zaf_token())
    assert (claims.issuer, claims.user_id) == ("acme.zendesk.com", "9001")
    assert (claims.product, claims.location) == ("support", "ticket_sidebar")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: zaf_token(exp=int(time.time()) - 60), "it has expired"),
        (lambda: zaf_token(aud="https://other.test/app"), "wrong audience"),
        (lambda: zaf_token(iss="globex.zendesk.com"), "wrong issuer"),
        (lambda: zaf_token(OTHER_KEY), "bad signature"),
        (tampered, "bad signature"),
        (lambda: zaf_token(exp=None), "a required claim is missing"),
        (lambda: jwt.encode({"iss": ISSUER}, "s" * 32, algorithm="HS256"), "not signed with RS256"),
        (lambda: "not-a-jwt", "malformed"),
        (lambda: "", "no token was sent"),
    ],
    ids=[
        "expired",
        "audience",
        "issuer",
        "wrong-key",
        "tampered",
        "no-exp",
        "hs256",
        "junk",
        "empty",
    ],
)
def test_when_the_token_is_not_right_then_unauthorized_says_why(token: Any, reason: str) -> None:
    presented = token()
    with pytest.raises(Unauthorized) as caught:
        verify(presented)
    assert caught.value.message.startswith("Zendesk app token rejected: ")
    assert reason in caught.value.message
    assert not presented or presented not in caught.value.message


def test_when_the_public_key_is_not_a_pem_then_the_setting_is_blamed() -> None:
    with pytest.raises(ConfigError, match="not a PEM RSA public key"):
        verify_zaf_token(zaf_token(), "-----BEGIN nonsense", audience=AUDIENCE, issuer=ISSUER)


SECRET = "whsec-do-not-leak"
BODY = b'{"type":"zen:event-type:ticket.created","detail":{"id":"42"}}'


def signed(body: bytes = BODY, stamp: str = "2026-12-02T06:00:00Z") -> dict[str, str]:
    return {ZENDESK_SIGNATURE: zendesk_signature(SECRET, stamp, body), ZENDESK_TIMESTAMP: stamp}


NOW = 1796191200.0  # 2026-12-02T06:00:00Z


def test_when_zendesk_signed_the_raw_body_then_the_webhook_is_accepted() -> None:
    verify_zendesk_webhook(signed(), BODY, SECRET, now=NOW + 10)
    lowercase = {k.lower(): v for k, v in signed().items()}
    verify_zendesk_webhook(lowercase, BODY, SECRET, now=NOW)


def one_byte_changed() -> bytes:
    body = bytearray(BODY)
    body[-5] ^= 1
    return bytes(body)


@pytest.mark.parametrize(
    ("headers", "body", "now", "reason"),
    [
        (signed(), one_byte_changed(), NOW, "bad signature"),
        (signed(), json.dumps(json.loads(BODY)).encode(), NOW, "bad signature"),  # re-serialised
        (signed(), BODY, NOW + 301, "outside the 300-second replay window"),
        (signed(), BODY, NOW - 301, "outside the 300-second replay window"),
        ({ZENDESK_TIMESTAMP: "2026-12-02T06:00:00Z"}, BODY, NOW, "missing"),
        ({**signed(), ZENDESK_TIMESTAMP: "2026-12-02T06:00:01Z"}, BODY, NOW, "bad signature"),
    ],
    ids=["changed-byte", "reserialised", "replayed", "future", "unsigned", "new-timestamp"],
)
def test_when_the_webhook_is_not_right_then_unauthorized_says_why(
    headers: dict[str, str], body: bytes, now: float, reason: str
) -> None:
    with pytest.raises(Unauthorized) as caught:
        verify_zendesk_webhook(headers, body, SECRET, now=now)
    assert reason in caught.value.message and SECRET not in caught.value.message


def test_when_no_signing_secret_is_configured_then_every_webhook_is_refused() -> None:
    with pytest.raises(Unauthorized, match="no signing secret is configured"):
        verify_zendesk_webhook(signed(), BODY, "", now=NOW)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [({FRESHDESK_SECRET: "guess"}, "wrong secret"), ({}, "the secret header is missing")],
)
def test_when_a_freshdesk_webhook_lacks_the_shared_secret_then_it_is_refused(
    headers: dict[str, str], reason: str
) -> None:
    verify_freshdesk_webhook({FRESHDESK_SECRET.lower(): SECRET}, SECRET)
    with pytest.raises(Unauthorized, match=reason):
        verify_freshdesk_webhook(headers, SECRET)


KEY = "app-secret-key"


def test_when_an_app_token_is_fresh_then_it_names_tenant_and_agent() -> None:
    token = app_tokens.issue(KEY, "acme", "9001", ttl=900, now=NOW)
    assert app_tokens.verify(KEY, token, now=NOW + 899) == app_tokens.AppToken(
        "acme", "9001", int(NOW) + 900, auth_time=int(NOW)
    )
    renewed = app_tokens.issue(KEY, "acme", "9001", now=NOW + 600, auth_time=int(NOW))
    assert app_tokens.verify(KEY, renewed, now=NOW + 900).auth_time == int(NOW)


def forged_tenant(token: str) -> str:
    header, body, signature = token.split(".")  # a JWT since app tokens moved to PyJWT
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["tenant"] = "globex"
    raw = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
    return f"{header}.{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}.{signature}"


@pytest.mark.parametrize(
    ("change", "now", "reason"),
    [
        (lambda t: t, NOW + 900, "expired; reload the app to sign in again"),
        (forged_tenant, NOW, "bad signature"),
        (lambda t: app_tokens.issue("other-key", "acme", "9001", now=NOW), NOW, "bad signature"),
        (lambda t: t.split(".")[0], NOW, "malformed"),
        (lambda t: "%%%.###", NOW, "malformed"),
    ],
    ids=["expired", "forged-tenant", "other-key", "unsigned", "junk"],
)
def test_when_an_app_token_is_not_right_then_unauthorized_says_why(
    change: Any, now: float, reason: str
) -> None:
    token = change(app_tokens.issue(KEY, "acme", "9001", ttl=900, now=NOW))
    with pytest.raises(Unauthorized) as caught:
        app_tokens.verify(KEY, token, now=now)
    assert caught.value.message == f"app token rejected: {reason}"


def test_when_the_freshdesk_app_sends_its_installation_secret_then_it_is_accepted() -> None:
    verify_freshdesk_app({"x-precedent-app-secret": "inst-1"}, "inst-1")
    with pytest.raises(Unauthorized, match="Freshdesk app request rejected: wrong secret"):
        verify_freshdesk_app({"X-Precedent-App-Secret": "inst-2"}, "inst-1")
    with pytest.raises(Unauthorized, match="no shared secret is configured"):
        verify_freshdesk_app({"X-Precedent-App-Secret": ""}, "")


@pytest.mark.parametrize("secret_key", [DEV_SECRET, ""], ids=["dev-secret", "empty"])
def test_while_the_secret_key_is_public_no_app_token_is_issued_or_accepted(
    secret_key: str,
) -> None:
    with pytest.raises(ConfigError, match="app tokens are disabled: PRECEDENT_SECRET_KEY"):
        app_tokens.issue(secret_key, "acme", "9001", now=NOW)
    body = base64.urlsafe_b64encode(b'{"tenant":"acme","user":"9001","exp":9999999999}')
    forged = body.decode().rstrip("=") + ".c2lnbmF0dXJl"
    with pytest.raises(ConfigError, match="PRECEDENT_SECRET_KEY"):
        app_tokens.verify(secret_key, forged, now=NOW)
