"""``POST /api/v1/app/token``: the sidebar page trades its app token for a fresh one.

Zendesk signs the page only when it loads, and an agent may keep a ticket open for hours;
so the page renews its short-lived token while it is open. Only a still-valid app token can
be renewed (an expired one means a reload through Zendesk), and each renewal is audited.

Renewal is bounded, so a leaked token cannot be kept alive forever: the token carries the
time of its signed Zendesk sign-in (``auth_time``), unchanged across renewals, and is not
renewed once that sign-in is older than ``MAX_SIGN_IN_AGE_SECONDS``, nor once the tenant no
longer has a Zendesk account connected. Tokens issued before ``auth_time`` existed are not
renewed either. Each refusal is a 401 and an audit event; once the current token expires,
reopening the ticket in Zendesk signs the agent in again.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, g, request
from sqlalchemy import select

from backend import audit
from backend.api import responses as out
from backend.auth import app_tokens
from backend.auth.identity import IDENTITY, Identity, audit_rejection, require_app_identity
from backend.crypto import signing_keys
from backend.db import db
from backend.errors import InputError, Unauthorized
from backend.models import HelpdeskConnection, Tenant
from backend.tenants import ensure_tenant

bp = Blueprint("app_session", __name__, url_prefix="/api/v1/app")
bp.before_request(require_app_identity)

MAX_SIGN_IN_AGE_SECONDS = 12 * 60 * 60


@bp.post("/token")
def renew_token() -> Response:
    identity: Identity = g.get(IDENTITY)
    if identity.via != "app_token" or identity.agent is None:
        raise InputError("only an app token (the Zendesk sidebar page's) can be renewed")
    _check_renewable(identity)
    keys, ttl = signing_keys(current_app.config), app_token_seconds()
    token = app_tokens.issue(
        keys, identity.tenant, identity.agent, ttl=ttl, auth_time=identity.auth_time
    )
    with db.session() as session:
        tenant = ensure_tenant(session, identity.tenant)
        audit.record(session, tenant.id, identity.actor, "app.token_renewed", identity.actor, {})
    return out.respond(out.AppToken(token=token, expires_in=ttl))


def app_token_seconds() -> int:
    """An app token's lifetime (PRECEDENT_APP_TOKEN_MINUTES)."""
    return int(current_app.config["APP_TOKEN_MINUTES"]) * 60


def _check_renewable(identity: Identity) -> None:
    reason = _why_not_renewable(identity)
    if reason:
        message = f"app token not renewed: {reason}; sign in again through Zendesk"
        details = {"reason": message, "method": request.method, "path": request.path}
        audit_rejection(identity.tenant, identity.actor, "auth.rejected", "app:token", details)
        raise Unauthorized(message)


def _why_not_renewable(identity: Identity) -> str:
    if identity.auth_time is None:
        return "it carries no sign-in time"
    if time.time() - identity.auth_time > MAX_SIGN_IN_AGE_SECONDS:
        return f"the Zendesk sign-in is more than {MAX_SIGN_IN_AGE_SECONDS // 3600} hours old"
    if not _zendesk_connected(identity.tenant):
        return f"tenant '{identity.tenant}' no longer has a Zendesk account connected"
    return ""


def _zendesk_connected(tenant: str) -> bool:
    with db.session() as session:
        found = session.scalars(
            select(HelpdeskConnection.id)
            .join(Tenant, HelpdeskConnection.tenant_id == Tenant.id)
            .where(Tenant.slug == tenant, HelpdeskConnection.platform == "zendesk")
        ).first()
        return found is not None
