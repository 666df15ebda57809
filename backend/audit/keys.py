"""The audit chain's key and checkpoint settings, read from the app or the defaults.

Each event's hash is an HMAC under a key that lives outside the database:
``PRECEDENT_AUDIT_KEY``, or when it is empty a key derived from ``PRECEDENT_SECRET_KEY`` for
this purpose only (as the vault falls back to SECRET_KEY). Someone who can write to the
database but does not hold the key cannot recompute a valid chain. Production sets its own
key (the production profile refuses to start without one) and keeps it: events hashed under
another key no longer verify.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.production import DEV_SECRET

PURPOSE = b"precedent audit chain v1"


@dataclass(frozen=True)
class AuditSettings:
    key: bytes
    checkpoint_file: Path | None  # None: checkpoints go to the log only
    checkpoint_every: int  # a signed checkpoint after every N events of a tenant; 0: off


def derive_key(secret: str) -> bytes:
    """The HMAC key for a setting's value (AUDIT_KEY, or SECRET_KEY when that is empty)."""
    return hmac.new(secret.encode(), PURPOSE, hashlib.sha256).digest()


def from_config(config: Mapping[str, Any]) -> AuditSettings:
    secret = str(config.get("AUDIT_KEY") or config.get("SECRET_KEY") or DEV_SECRET)
    path = str(config.get("AUDIT_CHECKPOINT_FILE") or "")
    every = int(config.get("AUDIT_CHECKPOINT_EVERY") or 0)
    return AuditSettings(derive_key(secret), Path(path) if path else None, every)


def current() -> AuditSettings:
    """The current app's settings; outside an app (scripts, some tests) the defaults."""
    from flask import current_app, has_app_context

    return from_config(current_app.config if has_app_context() else {})
