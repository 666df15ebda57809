"""The page Zendesk loads in the ticket sidebar (the ZAF app's location URL).

With ``signedUrls`` on, Zendesk's first load is a POST whose ``token`` form field is an RS256
JWT. It is verified with the tenant's stored app public key (``backend.auth.zendesk_signin``)
and swapped for a short-lived app token embedded in the page (``data-api-token``), which the
page sends as ``Authorization: Bearer`` on its API calls: an iframe cannot rely on
third-party cookies. A bad or missing JWT gets a 401 page saying why, and an audit event.

GET is the unsigned path, kept for the embedded default (``make demo``, the browser tests):
it renders the page without a token only while no helpdesk account is connected, so its
API calls act for the default tenant. Once any account is connected, GET is refused too.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from backend import audit
from backend.api.app_session import app_token_seconds
from backend.auth import app_tokens
from backend.auth.identity import audit_rejection, helpdesks_connected, settings_store
from backend.auth.zendesk_signin import SignInRefused, zendesk_sign_in
from backend.crypto import signing_keys
from backend.db import db
from backend.errors import ConfigError
from backend.tenants import ensure_tenant

bp = Blueprint("apps", __name__, url_prefix="/apps")
SUBJECT = "app:zendesk-sidebar"


@bp.get("/zendesk/sidebar")
def zendesk_sidebar() -> ResponseReturnValue:
    if helpdesks_connected():
        return _refused(
            None,
            "This page needs Zendesk's signed request: open Precedent from the ticket "
            "sidebar in Zendesk Support.",
        )
    return _page(None)


@bp.post("/zendesk/sidebar")
def zendesk_signed_sidebar() -> ResponseReturnValue:
    try:
        signed = zendesk_sign_in(request.form.get("token", ""), settings_store())
    except SignInRefused as exc:
        return _refused(exc.tenant, exc.message)
    agent = signed.claims.user_id or "unknown"
    try:
        token = app_tokens.issue(
            signing_keys(current_app.config), signed.tenant, agent, ttl=app_token_seconds()
        )
    except ConfigError as exc:  # the server still runs on the development secret
        return _refused(signed.tenant, exc.message)
    with db.session() as session:
        tenant = ensure_tenant(session, signed.tenant)
        details = {"platform": "zendesk", "agent": agent, "location": signed.claims.location}
        audit.record(session, tenant.id, f"agent:{agent}", "app.signed_in", SUBJECT, details)
    return _page(token)


def _page(token: str | None) -> ResponseReturnValue:
    headers = {"Cache-Control": "no-store"}  # the page carries a bearer token
    return render_template("zendesk_sidebar.html", api_token=token), 200, headers


def _refused(tenant: str | None, reason: str) -> ResponseReturnValue:
    details = {"reason": reason, "method": request.method}
    audit_rejection(tenant, "anonymous", "app.signin_refused", SUBJECT, details)
    page = render_template("app_unauthorized.html", reason=reason)
    return page, 401, {"Cache-Control": "no-store"}
