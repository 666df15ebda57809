"""The credentialed reviewer's queue: list, read and decide gated drafts.

Reviewers authenticate with their personal token (``Authorization: Bearer …``); every check
of who may decide what happens here on the server.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, request
from sqlalchemy.orm import Session, object_session

from backend import review, services
from backend.api import responses as out
from backend.api import responses_review as queue
from backend.api.bodies import known_id, parse_body
from backend.api.drafts import citation_json, decision_fields, iso
from backend.api.shapes import Decision
from backend.db import db
from backend.errors import Unauthorized
from backend.models import Reviewer, ReviewItem
from backend.redaction.at_rest import TicketTexts, restored
from backend.review import safety, supersede

bp = Blueprint("reviews", __name__, url_prefix="/api/v1/reviews")
SUPERSEDED_SHOWN = timedelta(days=1)  # how long a replaced item stays listed, with its link


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
        pending = review.queue(session, reviewer)
        since = datetime.now(UTC) - SUPERSEDED_SHOWN
        superseded = review.superseded(session, reviewer, since)
        texts = listed_texts(session, pending + superseded)
        items = [item_json(i, texts=texts.get(i.draft.ticket_id)) for i in pending]
        replaced = [item_json(i, texts=texts.get(i.draft.ticket_id)) for i in superseded]
        shape = queue.ReviewQueue.model_validate(
            {"reviewer": reviewer_json(reviewer), "reviews": items, "superseded": replaced}
        )
        return out.respond(shape)


@bp.get("/<int:item_id>")
def read_review(item_id: int) -> Response:
    known_id(item_id, "review")
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
    return out.respond(queue.ReviewDetail.model_validate(body))


@bp.post("/<int:item_id>/decision")
def decide(item_id: int) -> Response:
    """The reviewer's edit and note are stored redacted with the ticket's placeholders."""
    decision = parse_body(Decision)
    known_id(item_id, "review")
    with db.session() as session:
        reviewer = current_reviewer(session)
        texts = item_texts(session, review.tenant_item(session, reviewer.tenant_id, item_id))
        text, note = decision.text, decision.note or ""
        refusal = review.decide(
            session,
            reviewer,
            item_id,
            decision.action,
            texts.redact(note) if note else note,
            texts.redact(text) if isinstance(text, str) else text,
        )
        texts.save(session)
        body = None if refusal else item_json(review.item_for(session, reviewer, item_id))
    if refusal:
        raise refusal
    return out.respond(queue.Review.model_validate(body))


def reviewer_json(reviewer: Reviewer) -> queue.Reviewer:
    credentials = [
        queue.Credential.model_validate(
            {
                "domain": c.domain,
                "jurisdictions": c.jurisdictions,
                "licence_id": c.licence_id,
                "expires_on": c.expires_on.isoformat(),
            }
        )
        for c in reviewer.credentials
    ]
    return queue.Reviewer(
        id=reviewer.id, name=reviewer.name, email=reviewer.email, credentials=credentials
    )


def item_texts(session: Session, item: ReviewItem) -> TicketTexts:
    """The item's ticket's placeholders: its texts are stored redacted, read restored."""
    return services.ticket_texts(item.draft.tenant.slug, item.draft.ticket_id, session)


def listed_texts(session: Session, items: list[ReviewItem]) -> dict[str, TicketTexts]:
    """The placeholders of every listed ticket with a subject or note to restore (one
    tenant's), in one query: a queue page would otherwise open one vault per item on every
    refresh."""
    wanted = [i.draft.ticket_id for i in items if i.note or i.draft.subject]
    if not wanted:
        return {}
    return services.many_ticket_texts(items[0].draft.tenant.slug, wanted, session)


def item_json(
    item: ReviewItem, detail: bool = False, texts: TicketTexts | None = None
) -> dict[str, Any]:
    """``texts``: the ticket's placeholders when the caller has them already."""
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=UTC)
    session = object_session(item)
    assert session is not None  # read inside the request's session
    # The vault is opened only when there is something to restore: the subject, a note, the
    # draft. Subject and note are stored with the ticket's placeholders.
    subject = item.draft.subject
    if texts is None and (item.note or detail or subject):
        texts = item_texts(session, item)
    note = texts.restore(item.note) if texts is not None and item.note else item.note
    body: dict[str, Any] = {
        "id": item.id,
        "draft_id": item.draft_id,
        "ticket_id": item.draft.ticket_id,
        "subject": texts.restore(subject) if texts is not None and subject else subject,
        "domains": item.domains,
        "jurisdiction": item.jurisdiction,
        "status": item.status,
        "created_at": iso(item.created_at),
        "decided_at": iso(item.decided_at),
        "age_seconds": int((datetime.now(UTC) - created).total_seconds()),
        "note": note,
        "urgent": item.urgent,  # a safety item: listed first, its instruction shown first
    }
    if item.urgent:
        body["instruction"] = safety.instruction(current_app.config, item.draft.tenant.slug)
    if item.superseded_by:
        newer = supersede.successor_item(session, item)
        body["superseded_by"] = {"draft_id": item.superseded_by, "review_id": newer}
    if texts is not None and detail:
        text = texts.restore(item.draft.text or "")
        body["draft"] = {
            "text": text,
            "citations": [citation_json(c) for c in item.draft.citations],
            "restored": restored(text),  # False once the ticket's vault has expired
        }
        body["rules"] = decision_fields(review.decision_of(item.draft))["rules"]
    return body
