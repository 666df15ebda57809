"""Connected helpdesk accounts for tests: a Zendesk tenant (acme) and a Freshdesk one (globex)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from backend import services
from backend.auth import app_tokens
from backend.auth.webhooks import zendesk_signature
from backend.connectors.settings import HelpdeskSettings, HelpdeskSettingsStore
from backend.gate.decision import GateDecision
from backend.types import VerifiedDraft

AUDIENCE = "https://precedent.acme.test/apps/zendesk/sidebar#installation-360001"
ZENDESK_WEBHOOK_SECRET = "zd-whsec-9f2a"
FRESHDESK_WEBHOOK_SECRET = "fd-whsec-41c7"
FRESHDESK_APP_SECRET = "fd-installation-secret-77"
ZENDESK_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def connect_helpdesks(app: Flask) -> None:
    store = HelpdeskSettingsStore.from_config(app.config)
    store.save(
        HelpdeskSettings(
            tenant="acme",
            platform="zendesk",
            host="acme",
            email="bot@acme.test",
            api_token="zd-api-token",
            app_public_key=public_pem(ZENDESK_KEY),
            app_audience=AUDIENCE,
            webhook_secret=ZENDESK_WEBHOOK_SECRET,
        )
    )
    store.save(
        HelpdeskSettings(
            tenant="globex",
            platform="freshdesk",
            host="globex.freshdesk.com",
            api_token="fd-api-key",
            app_secret=FRESHDESK_APP_SECRET,
            webhook_secret=FRESHDESK_WEBHOOK_SECRET,
        )
    )


def zaf_token(key: rsa.RSAPrivateKey = ZENDESK_KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": "acme.zendesk.com",
        "aud": AUDIENCE,
        "sub": "9001",
        "iat": now,
        "exp": now + 300,
        "context": {"product": "support", "location": "ticket_sidebar"},
        **changes,
    }
    return jwt.encode(claims, key, algorithm="RS256")


def tampered() -> str:
    """A valid token whose claims were changed after signing (another agent)."""
    header, payload, signature = zaf_token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "1"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def app_token(app: Flask, tenant: str, user: str = "9001") -> dict[str, str]:
    token = app_tokens.issue(str(app.config["SECRET_KEY"]), tenant, user)
    return {"Authorization": f"Bearer {token}"}


def signed(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    stamp = timestamp or str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "X-Zendesk-Webhook-Signature": zendesk_signature(ZENDESK_WEBHOOK_SECRET, stamp, body),
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
    }


def ready_draft(
    tenant: str, ticket_id: str, text: str, gate: dict[str, object] | None = None
) -> str:
    """A draft as the worker leaves it, without running the pipeline."""
    store = services.draft_store()
    draft, _ = store.request(tenant, ticket_id, "agent:test")
    claim = store.claim(draft.id)
    assert claim is not None
    decision = GateDecision.from_json(gate or {})  # as a draft row stores it
    store.complete(claim, VerifiedDraft(text, (), (), (), "t", "m"), {}, decision)
    return draft.id


def queued_messages(app: Flask) -> list[Path]:
    return list((Path(app.config["DATA_DIR"]) / "queue" / "messages").iterdir())
