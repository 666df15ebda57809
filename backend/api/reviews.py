"""The credentialed reviewer's queue: list, read and decide gated drafts.

Reviewers authenticate with their personal token (``Authorization: Bearer …``); every check
of who may decide what happens here on the server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy.orm import Session

from backend import review, safety, services
from backend.api.drafts import citation_json, iso
from backend.db import db
from backend.errors import InputError, Unauthorized
from backend.models import Reviewer, ReviewItem

bp = Blueprint("reviews", __name__, url_prefix="/api/v1/reviews")


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send your reviewer token as 'Authorization: Bearer <token>'")
    return token.strip()


def current_reviewer(session: Session) -> Reviewer:
    lifetime = timedelta(days=int(current_app.config["REVIEWER_TOKEN_DAYS"]))
    return review.reviewer_for_token(session, bearer_token(), lifetime)


@bp.get("")
def list_reviews() -> Response:
    with db.session() as session:
        reviewer = current_reviewer(session)
        items = [item_json(i) for i in review.queue(session, reviewer)]
        return jsonify(reviewer=reviewer_json(reviewer), reviews=items)


@bp.get("/<int:item_id>")
def read_review(item_id: int) -> Response:
    with db.session() as session:
        reviewer = current_reviewer(session)
        item = review.item_for(session, reviewer, item_id)
        body = item_json(item, detail=True)
        tenant, ticket_id = item.draft.tenant.slug, item.draft.ticket_id
    ticket = services.get().connector.get_ticket(tenant, ticket_id)
    body["ticket"] = {
        "id": ticket.id,
        "subject": ticket.subject,
        "body": ticket.body,
        "comments": [c.body for c in ticket.comments if c.public],
    }
    return jsonify(body)


@bp.post("/<int:item_id>/decision")
def decide(item_id: int) -> Response:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise InputError('send a JSON object such as {"action": "approve", "note": "…"}')
    with db.session() as session:
        reviewer = current_reviewer(session)
        refusal = review.decide(
            session,
            reviewer,
            item_id,
            str(payload.get("action", "")),
            str(payload.get("note") or ""),
            payload.get("text"),
        )
        body = None if refusal else item_json(review.item_for(session, reviewer, item_id))
    if refusal:
        raise refusal
    return jsonify(body)


def reviewer_json(reviewer: Reviewer) -> dict[str, Any]:
    return {
        "id": reviewer.id,
        "name": reviewer.name,
        "email": reviewer.email,
        "credentials": [
            {
                "domain": c.domain,
                "jurisdictions": c.jurisdictions,
                "licence_id": c.licence_id,
                "expires_on": c.expires_on.isoformat(),
            }
            for c in reviewer.credentials
        ],
    }


def item_json(item: ReviewItem, detail: bool = False) -> dict[str, Any]:
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=UTC)
    body: dict[str, Any] = {
        "id": item.id,
        "draft_id": item.draft_id,
        "ticket_id": item.draft.ticket_id,
        "domains": item.domains,
        "jurisdiction": item.jurisdiction,
        "status": item.status,
        "created_at": iso(item.created_at),
        "decided_at": iso(item.decided_at),
        "age_seconds": int((datetime.now(UTC) - created).total_seconds()),
        "note": item.note,
        "urgent": item.urgent,  # a safety item: listed first, its instruction shown first
    }
    if item.urgent:
        body["instruction"] = safety.instruction(current_app.config, item.draft.tenant.slug)
    if detail:
        body["draft"] = {
            "text": item.draft.text,
            "citations": [citation_json(c) for c in item.draft.citations],
        }
        body["rules"] = item.draft.gate.get("rules", [])
    return body
