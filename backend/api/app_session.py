"""``POST /api/v1/app/token``: the sidebar page trades its app token for a fresh one.

Zendesk signs the page only when it loads, and an agent may keep a ticket open for hours;
so the page renews its short-lived token while it is open. Only a still-valid app token can
be renewed (an expired one means a reload through Zendesk), and each renewal is audited.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify

from backend import audit
from backend.auth import app_tokens
from backend.auth.identity import IDENTITY, Identity, require_app_identity
from backend.db import db
from backend.drafts import ensure_tenant
from backend.errors import InputError

bp = Blueprint("app_session", __name__, url_prefix="/api/v1/app")
bp.before_request(require_app_identity)


@bp.post("/token")
def renew_token() -> Response:
    identity: Identity = g.get(IDENTITY)
    if identity.via != "app_token" or identity.agent is None:
        raise InputError("only an app token (the Zendesk sidebar page's) can be renewed")
    secret = str(current_app.config["SECRET_KEY"])
    token = app_tokens.issue(secret, identity.tenant, identity.agent)
    with db.session() as session:
        tenant = ensure_tenant(session, identity.tenant)
        audit.record(session, tenant.id, identity.actor, "app.token_renewed", identity.actor, {})
    return jsonify(token=token, expires_in=app_tokens.DEFAULT_TTL_SECONDS)
