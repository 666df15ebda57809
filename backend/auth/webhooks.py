"""Incoming helpdesk webhooks: is this request really from the tenant's helpdesk?

Zendesk signs ``timestamp + raw body`` with the webhook's signing secret (HMAC-SHA256,
base64) in ``X-Zendesk-Webhook-Signature``; the timestamp comes in
``X-Zendesk-Webhook-Signature-Timestamp``. Always verify the raw bytes as received, never
re-serialised JSON. Freshdesk automations sign nothing: they send a shared secret header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from datetime import datetime

from backend.errors import Unauthorized

ZENDESK_SIGNATURE = "X-Zendesk-Webhook-Signature"
ZENDESK_TIMESTAMP = "X-Zendesk-Webhook-Signature-Timestamp"
FRESHDESK_SECRET = "X-Precedent-Webhook-Secret"  # set in the Freshdesk automation's headers
REPLAY_WINDOW_SECONDS = 300


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def verify_zendesk_webhook(
    headers: Mapping[str, str],
    body: bytes,
    secret: str,
    *,
    window: int = REPLAY_WINDOW_SECONDS,
    now: float | None = None,
) -> None:
    """Raises ``Unauthorized`` unless signature and timestamp are good."""
    if not secret:
        raise Unauthorized("Zendesk webhook rejected: no signing secret is configured")
    signature, stamp = (
        header_value(headers, ZENDESK_SIGNATURE),
        header_value(headers, ZENDESK_TIMESTAMP),
    )
    if not signature or not stamp:
        raise Unauthorized(
            f"Zendesk webhook rejected: missing {ZENDESK_SIGNATURE} or {ZENDESK_TIMESTAMP}"
        )
    expected = zendesk_signature(secret, stamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise Unauthorized("Zendesk webhook rejected: bad signature")
    age = (time.time() if now is None else now) - _seconds(stamp)
    if abs(age) > window:
        raise Unauthorized(
            f"Zendesk webhook rejected: timestamp is outside the {window}-second replay window"
        )


def verify_shared_secret(presented: str | None, expected: str, what: str) -> None:
    """Constant-time check of a shared secret sent in a header (Freshdesk)."""
    if not expected:
        raise Unauthorized(f"{what} rejected: no shared secret is configured")
    if not presented:
        raise Unauthorized(f"{what} rejected: the secret header is missing")
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise Unauthorized(f"{what} rejected: wrong secret")


def verify_freshdesk_webhook(headers: Mapping[str, str], secret: str) -> None:
    verify_shared_secret(header_value(headers, FRESHDESK_SECRET), secret, "Freshdesk webhook")


def header_value(headers: Mapping[str, str], name: str) -> str:
    """A header, case-insensitive, from plain dicts as well as Flask's headers."""
    wanted = name.lower()
    return next((str(v) for k, v in headers.items() if k.lower() == wanted), "")


def _seconds(stamp: str) -> float:
    """Unix seconds, or ISO 8601 (``2026-12-02T06:00:00Z``)."""
    try:
        if stamp.isdigit():
            return float(stamp)
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise Unauthorized("Zendesk webhook rejected: unreadable timestamp") from None
