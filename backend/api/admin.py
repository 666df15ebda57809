"""Admin API (``Authorization: Bearer $PRECEDENT_ADMIN_TOKEN``): credentialed reviewers, and
the compliance policies in force against the files on disk."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import date, timedelta

from flask import Blueprint, Response, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import review, services
from backend.api import responses as out
from backend.api import responses_review as queue
from backend.api import responses_reviewers as admin_shapes
from backend.api.bodies import known_id, parse_body
from backend.api.reviews import bearer_token, reviewer_json
from backend.api.shapes import NewCredential, NewReviewer
from backend.auth import current_tenant
from backend.db import db
from backend.errors import Conflict, Forbidden, NotFound
from backend.models import Reviewer
from backend.review import lifecycle
from backend.review import tokens as review_tokens
from backend.tenants import ensure_tenant

bp = Blueprint("admin", __name__, url_prefix="/api/v1/admin")


@bp.before_request
def require_admin() -> None:
    expected = current_app.config["ADMIN_TOKEN"]
    if not expected:
        raise Forbidden("the admin API is disabled: set PRECEDENT_ADMIN_TOKEN to enable it")
    # as bytes: compare_digest refuses str with characters beyond ASCII
    if not hmac.compare_digest(bearer_token().encode(), str(expected).encode()):
        raise Forbidden("wrong admin token")


@bp.get("/reviewers")
def list_reviewers() -> Response:
    with db.session() as session:
        tenant = ensure_tenant(session, current_tenant())
        reviewers = session.scalars(select(Reviewer).where(Reviewer.tenant_id == tenant.id))
        return out.respond(
            admin_shapes.AdminReviewers(reviewers=[admin_json(r) for r in reviewers])
        )


@bp.post("/reviewers")
def add_reviewer() -> tuple[Response, int]:
    body = parse_body(NewReviewer)
    try:
        with db.session() as session:
            tenant = ensure_tenant(session, current_tenant())
            _refuse_known_email(session, tenant.id, body.email)
            reviewer, token = review.add_reviewer(session, tenant.id, body.name, body.email)
            added = queue.AddedReviewer(reviewer=reviewer_json(reviewer), token=token)
            return out.respond(added), 201
    except IntegrityError:  # the same e-mail added by a request running at the same time
        raise _duplicate(body.email) from None


def _refuse_known_email(session: Session, tenant_id: int, email: str) -> None:
    known = session.scalars(
        select(Reviewer.id).where(Reviewer.tenant_id == tenant_id, Reviewer.email == email.lower())
    ).first()
    if known is not None:
        raise _duplicate(email, known)


def _duplicate(email: str, reviewer_id: int | None = None) -> Conflict:
    which = f"reviewer {reviewer_id}" if reviewer_id else "a reviewer"
    return Conflict(
        f"{which} already has the e-mail {email.lower()}; to give them a new token run "
        f"'precedent reviewers rotate {email.lower()}'",
        "reviewer_exists",
    )


@bp.post("/reviewers/<int:reviewer_id>/credentials")
def add_credential(reviewer_id: int) -> tuple[Response, int]:
    body = parse_body(NewCredential)
    known_id(reviewer_id, "reviewer")
    with db.session() as session:
        reviewer = _tenant_reviewer(session, reviewer_id)
        review.add_credential(
            session,
            reviewer,
            body.domain,
            list(body.jurisdictions),
            body.licence_id,
            body.expires_on,
        )
        return out.respond(admin_shapes.AdminReviewerRecord(reviewer=admin_json(reviewer))), 201


@bp.post("/reviewers/<int:reviewer_id>/deactivate")
def deactivate(reviewer_id: int) -> Response:
    """Their token is refused and they can decide nothing, from the next request on."""
    return _change(reviewer_id, lifecycle.deactivate)


@bp.post("/reviewers/<int:reviewer_id>/reactivate")
def reactivate(reviewer_id: int) -> Response:
    return _change(reviewer_id, lifecycle.reactivate)


@bp.delete("/reviewers/<int:reviewer_id>/token")
def revoke_token(reviewer_id: int) -> Response:
    return _change(reviewer_id, review_tokens.revoke)


@bp.post("/reviewers/<int:reviewer_id>/token")
def rotate_token(reviewer_id: int) -> Response:
    """A new token, shown once; the old one is refused from now on."""
    with db.session() as session:
        reviewer = _tenant_reviewer(session, reviewer_id)
        token = review_tokens.rotate(session, reviewer)
        record = admin_shapes.AdminReviewerToken(reviewer=admin_json(reviewer), token=token)
        return out.respond(record)


@bp.delete("/reviewers/<int:reviewer_id>/credentials/<int:credential_id>")
def remove_credential(reviewer_id: int, credential_id: int) -> Response:
    known_id(credential_id, "credential")
    with db.session() as session:
        reviewer = _tenant_reviewer(session, reviewer_id)
        credential = lifecycle.credential_by_id(reviewer, credential_id)
        lifecycle.remove_credential(session, reviewer, credential)
        return out.respond(admin_shapes.AdminReviewerRecord(reviewer=admin_json(reviewer)))


def _change(reviewer_id: int, change: Callable[[Session, Reviewer], object]) -> Response:
    with db.session() as session:
        reviewer = _tenant_reviewer(session, reviewer_id)
        change(session, reviewer)
        return out.respond(admin_shapes.AdminReviewerRecord(reviewer=admin_json(reviewer)))


def _tenant_reviewer(session: Session, reviewer_id: int) -> Reviewer:
    known_id(reviewer_id, "reviewer")
    tenant = ensure_tenant(session, current_tenant())
    reviewer = session.get(Reviewer, reviewer_id)
    if reviewer is None or reviewer.tenant_id != tenant.id:
        raise NotFound(f"reviewer {reviewer_id} was not found")
    return reviewer


def admin_json(reviewer: Reviewer) -> admin_shapes.AdminReviewer:
    """The reviewer as an administrator sees them: state, token expiry, licence expiry."""
    today, config = date.today(), current_app.config
    lifetime = timedelta(days=int(config["REVIEWER_TOKEN_DAYS"]))
    warn = int(config["REVIEWER_EXPIRY_WARN_DAYS"])
    credentials = []
    for c in reviewer.credentials:
        state = lifecycle.expiry(c, today, warn)
        credentials.append(
            admin_shapes.AdminCredential(
                id=c.id,
                domain=c.domain,  # type: ignore[arg-type]  # checked when it was recorded
                jurisdictions=list(c.jurisdictions),
                licence_id=c.licence_id,
                expires_on=c.expires_on.isoformat(),
                days_left=state.days_left,
                expired=state.expired,
                expiring_soon=state.expiring_soon,
            )
        )
    return admin_shapes.AdminReviewer(
        id=reviewer.id,
        name=reviewer.name,
        email=reviewer.email,
        credentials=credentials,
        active=reviewer.active,
        token_expires_on=review_tokens.expires(reviewer, lifetime).date().isoformat(),
    )


@bp.get("/policies")
def policy_status() -> Response:
    """Per policy file: the version in force and the state on disk (ok, broken, ...)."""
    store = services.policy_store()
    if store is None:
        off = queue.PolicyStatus(enabled=False, status="ok", files=[], missing=[], problems=[])
        return out.respond(off)
    return out.respond(
        queue.PolicyStatus.model_validate({"enabled": True, **store.status().to_json()})
    )
