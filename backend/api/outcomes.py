"""What the agent did with a draft, reported by the sidebar app (see backend/learning)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from backend import services
from backend.api import responses as out
from backend.api.bodies import parse_body
from backend.api.drafts import iso, tenant_draft
from backend.api.shapes import OutcomeReport
from backend.auth import current_actor, current_agent, current_tenant
from backend.auth.identity import require_app_identity
from backend.db import db
from backend.errors import Conflict
from backend.learning import outcomes
from backend.models import Outcome

bp = Blueprint("outcomes", __name__, url_prefix="/api/v1/drafts")
bp.before_request(require_app_identity)


@bp.post("/<draft_id>/outcome")
def report_outcome(draft_id: str) -> tuple[Response, int]:
    body = parse_body(OutcomeReport).model_dump(exclude_none=True)
    report = outcomes.sidebar_report(body, current_agent())
    with db.session() as session:
        draft = outcomes.hold(session, tenant_draft(session, draft_id))
        if draft.status != "ready":
            raise Conflict(f"draft {draft.id} is {draft.status}, not ready", "draft_not_ready")
        texts = services.ticket_texts(current_tenant(), draft.ticket_id, session)
        body = outcome_json(outcomes.record(session, draft, report, current_actor(), texts))
    return jsonify(body), 201


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    fields = {
        "id": outcome.id,
        "draft_id": outcome.draft_id,
        "ticket_id": outcome.ticket_id,
        "source": outcome.source,
        "agent": outcome.agent,
        "action": outcome.action,
        "rating": outcome.rating,
        "reason": outcome.reason,
        "sent_type": outcome.sent_type,
        "edit_distance": outcome.edit_distance,
        "similarity": outcome.similarity,
        "gate_status": outcome.gate_status,
        "bypass": outcome.bypass,
        "confirms_id": outcome.confirms_id,
        "confirmation": outcome.confirmation,
        "sent_at": iso(outcome.sent_at),
        "created_at": iso(outcome.created_at),
    }
    return out.body(out.Outcome.model_validate(fields))
