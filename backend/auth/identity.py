"""Who is calling the app API (drafts, outcomes, tickets), decided once per request.

- ``Authorization: Bearer <app token>``: the Zendesk sidebar page's token (issued after a
  verified signed-URL load); tenant and agent come from it. Always verified.
- ``X-Precedent-App-Secret``: a Freshdesk installation; the tenant is the Freshdesk account
  whose stored installation secret it is.
- Neither: allowed only while no helpdesk account is connected at all (the embedded
  default: ``make demo``, ``/preview``, tests), acting for ``DEFAULT_TENANT``; never in the
  production profile. Once any
  account is connected such a request is refused. In that open mode a Freshdesk secret
  cannot be checked against anything, so it is treated like no credential.

Every refusal is written to the audit log before the 401 goes out, up to
``REFUSALS_PER_WINDOW`` of one kind per tenant and caller a minute; beyond that they are
counted and the count goes into the next one written, so an unauthenticated caller cannot
grow the audit chain (or hold its lock) without bound.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request
from sqlalchemy import select

from backend import audit
from backend.auth import app_tokens
from backend.auth.freshdesk_app import APP_SECRET_HEADER, verify_freshdesk_app
from backend.auth.webhooks import header_value
from backend.connectors.settings import HelpdeskSettingsStore
from backend.crypto import signing_keys
from backend.db import db
from backend.errors import ConfigError, Unauthorized
from backend.models import HelpdeskConnection, Tenant
from backend.tenants import ensure_tenant

IDENTITY = "precedent_identity"  # key in flask.g
THROTTLE = "precedent_refusals"  # key in app.extensions
REFUSALS_PER_WINDOW = 10
REFUSAL_WINDOW_SECONDS = 60.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    tenant: str
    actor: str  # for the audit log
    agent: str | None  # the helpdesk agent, when the credential names one
    via: str  # app_token | freshdesk_app | embedded
    auth_time: int | None = None  # an app token's signed sign-in time


def require_app_identity() -> None:
    """``before_request`` hook of the app API blueprints."""
    try:
        # Assigned, not setdefault: g outlives a request when an app context was already
        # pushed (tests, CLI), and each request must be identified by its own credential.
        setattr(g, IDENTITY, identify(dict(request.headers.items())))
    except Unauthorized as exc:
        details = {"reason": exc.message, "method": request.method, "path": request.path}
        audit_rejection(None, "anonymous", "auth.rejected", f"api:{request.path}", details)
        raise


def identify(headers: Mapping[str, str]) -> Identity:
    token = bearer(headers)
    if token:
        claims = app_tokens.verify(signing_keys(current_app.config), token)
        actor = f"agent:{claims.user}"
        return Identity(claims.tenant, actor, claims.user, "app_token", claims.auth_time)
    if not helpdesks_connected():
        if current_app.config["PROFILE"] == "production":
            raise Unauthorized(
                "no helpdesk is connected: the production profile never serves the app API "
                "without a credential; connect a helpdesk (precedent helpdesk connect "
                "zendesk|freshdesk) and open Precedent from it"
            )
        return Identity(
            str(current_app.config["DEFAULT_TENANT"]), "agent:preview", None, "embedded"
        )
    secret = header_value(headers, APP_SECRET_HEADER)
    if not secret:
        raise Unauthorized(
            "sign in through the helpdesk app: send 'Authorization: Bearer <app token>' "
            f"(Zendesk sidebar page) or the {APP_SECRET_HEADER} header (Freshdesk app)"
        )
    tenant = freshdesk_tenant(secret)
    if tenant is None:
        raise Unauthorized(
            "Freshdesk app request rejected: the installation secret matches no connected "
            "Freshdesk account"
        )
    return Identity(tenant, "app:freshdesk", None, "freshdesk_app")


def bearer(headers: Mapping[str, str]) -> str:
    scheme, _, token = header_value(headers, "Authorization").partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return token.strip()


def settings_store() -> HelpdeskSettingsStore:
    return HelpdeskSettingsStore.from_config(current_app.config)


def helpdesks_connected() -> bool:
    with db.session() as session:
        return session.scalars(select(HelpdeskConnection.id).limit(1)).first() is not None


def freshdesk_tenant(secret: str) -> str | None:
    """The tenant whose Freshdesk installation secret this is (constant-time compares)."""
    store = settings_store()
    for slug in store.freshdesk_candidates(secret):
        try:
            verify_freshdesk_app({APP_SECRET_HEADER: secret}, store.load(slug).app_secret)
        except ConfigError:
            # One tenant's unreadable settings must not lock out the others, nor be named
            # to an unauthenticated caller: the operator reads it in the log.
            log.error("Freshdesk tenant '%s': stored settings cannot be decrypted", slug)
            continue
        except Unauthorized:
            continue
        return slug
    return None


def tenant_exists(slug: str) -> bool:
    with db.session() as session:
        return session.scalars(select(Tenant.id).where(Tenant.slug == slug)).first() is not None


def audit_rejection(
    tenant: str | None, actor: str, action: str, subject: str, details: dict[str, Any]
) -> None:
    """Record a refused request in the tenant's chain, or the default tenant's when unknown.

    Never creates a tenant from what an unauthenticated caller claims.
    """
    slug = tenant if tenant and tenant_exists(tenant) else None
    if slug is None:
        slug = str(current_app.config["DEFAULT_TENANT"])
        if tenant:
            details = {**details, "claimed_tenant": tenant}
    throttle: RefusalThrottle = current_app.extensions.setdefault(THROTTLE, RefusalThrottle())
    skipped = throttle.admit((slug, action, actor))
    if skipped is None:
        return
    if skipped:
        details = {**details, "refusals_not_recorded": skipped}
    with db.session() as session:
        row = ensure_tenant(session, slug)
        audit.record(session, row.id, actor, action, subject, details)


class RefusalThrottle:
    """Admits at most ``limit`` refusals per tenant, action and actor in each ``window``.

    The actor is part of the key so that a flood of anonymous requests never hides a signed-in
    agent's refusal. Kept per process (each web worker has its own), so the bound is per
    worker; that is enough to keep a flood of bad requests from filling the audit chain.
    """

    def __init__(
        self,
        limit: int = REFUSALS_PER_WINDOW,
        window: float = REFUSAL_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit, self._window, self._clock = limit, window, clock
        self._lock = threading.Lock()
        # (tenant, action, actor) -> (window start, written in it, skipped since last written)
        self._counts: dict[tuple[str, str, str], tuple[float, int, int]] = {}

    def admit(self, key: tuple[str, str, str]) -> int | None:
        """None if this refusal is not to be written; else how many were skipped before it."""
        with self._lock:
            now = self._clock()
            start, written, skipped = self._counts.get(key, (now, 0, 0))
            if now - start >= self._window:
                start, written = now, 0
            if written >= self._limit:
                if not skipped:
                    log.warning(
                        "refusals %s over %d a window: counted, not written", key, self._limit
                    )
                self._counts[key] = (start, written, skipped + 1)
                return None
            self._counts[key] = (start, written + 1, 0)
            return skipped
