"""Admin API (``Authorization: Bearer $PRECEDENT_ADMIN_TOKEN``): credentialed reviewers, and
the compliance policies in force against the files on disk."""

from __future__ import annotations

import hmac
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import select

from backend import review, services
from backend.api.reviews import bearer_token, reviewer_json
from backend.auth import current_tenant
from backend.db import db
from backend.drafts import ensure_tenant
from backend.errors import Forbidden, InputError, NotFound
from backend.models import Reviewer

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


@bp.before_request
def require_admin() -> None:
    expected = current_app.config["ADMIN_TOKEN"]
    if not expected:
        raise Forbidden("the admin API is disabled: set PRECEDENT_ADMIN_TOKEN to enable it")
    if not hmac.compare_digest(bearer_token(), expected):
        raise Forbidden("wrong admin token")


@bp.get("/reviewers")
def list_reviewers() -> Response:
    with db.session() as session:
        tenant = ensure_tenant(session, current_tenant())
        reviewers = session.scalars(select(Reviewer).where(Reviewer.tenant_id == tenant.id))
        return jsonify(reviewers=[reviewer_json(r) for r in reviewers])


@bp.post("/reviewers")
def add_reviewer() -> tuple[Response, int]:
    body = _json_object()
    name, email = _text(body, "name"), _text(body, "email")
    with db.session() as session:
        tenant = ensure_tenant(session, current_tenant())
        reviewer, token = review.add_reviewer(session, tenant.id, name, email)
        return jsonify(reviewer=reviewer_json(reviewer), token=token), 201


@bp.post("/reviewers/<int:reviewer_id>/credentials")
def add_credential(reviewer_id: int) -> tuple[Response, int]:
    body = _json_object()
    jurisdictions = body.get("jurisdictions")
    if not isinstance(jurisdictions, list) or not all(isinstance(j, str) for j in jurisdictions):
        raise InputError('jurisdictions must be a list such as ["US-CA", "US-*"]')
    try:
        expires_on = date.fromisoformat(_text(body, "expires_on"))
    except ValueError:
        raise InputError("expires_on must be a date such as 2027-12-31") from None
    with db.session() as session:
        tenant = ensure_tenant(session, current_tenant())
        reviewer = session.get(Reviewer, reviewer_id)
        if reviewer is None or reviewer.tenant_id != tenant.id:
            raise NotFound(f"reviewer {reviewer_id} was not found")
        review.add_credential(
            session,
            reviewer,
            _text(body, "domain"),
            jurisdictions,
            _text(body, "licence_id"),
            expires_on,
        )
        return jsonify(reviewer=reviewer_json(reviewer)), 201


@bp.get("/policies")
def policy_status() -> Response:
    """Per policy file: the version in force and the state on disk (ok, broken, ...)."""
    store = services.policy_store()
    if store is None:
        return jsonify(enabled=False, status="ok", files=[], missing=[], problems=[])
    return jsonify(enabled=True, **store.status().to_json())


def _json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InputError("send a JSON object")
    return body


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{key} is required and must be a non-empty string")
    return value.strip()
