"""The agent's Escalate: a note, group and tags in the helpdesk, and the people told.

``POST /drafts/<id>/escalate`` records the verdict (an ``escalated`` outcome) and queues the
escalation in one transaction, then the task (backend/escalation); the sidebar polls ``GET
/drafts/<id>/escalation`` until it is done or failed. Asking twice queues nothing new unless
the first attempt failed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, jsonify, url_for
from sqlalchemy.orm import Session

from backend import escalation, services
from backend.api import responses as out
from backend.api import responses_escalation as shapes
from backend.api.bodies import parse_body
from backend.api.drafts import iso, tenant_draft
from backend.api.shapes import EscalationRequest
from backend.auth import current_actor, current_agent, current_tenant
from backend.auth.identity import require_app_identity
from backend.db import db
from backend.errors import Conflict, NotFound
from backend.learning import outcomes
from backend.models import Escalation
from backend.tasks import escalate as escalate_task

bp = Blueprint("escalations", __name__, url_prefix="/api/v1/drafts")
bp.before_request(require_app_identity)


@bp.post("/<draft_id>/escalate")
def escalate(draft_id: str) -> tuple[Response, int]:
    note = parse_body(EscalationRequest).note.strip()
    agent = current_agent()
    with db.session() as session:
        draft = outcomes.hold(session, tenant_draft(session, draft_id))
        if draft.status != "ready":
            raise Conflict(f"draft {draft.id} is {draft.status}, not ready", "draft_not_ready")
        texts = services.ticket_texts(current_tenant(), draft.ticket_id, session)
        redacted = texts.redact(note) if note else ""
        texts.save(session)
        first = escalation.of_draft(session, draft.id) is None
        found, queue = escalation.request(session, draft, agent, redacted, current_actor())
        if first:  # the verdict, once: a retry after a failure is the same escalation
            report = outcomes.Report(source="sidebar", action="escalated", agent=agent)
            outcomes.record(session, draft, report, current_actor(), texts)
        body = escalation_json(found, texts.restore)
    if queue:  # committed: the task reads what this request wrote
        escalate_task.delay(found.id)
    return jsonify(body), 202 if queue else 200


@bp.get("/<draft_id>/escalation")
def read_escalation(draft_id: str) -> Response:
    with db.session() as session:
        draft = tenant_draft(session, draft_id)
        found = _escalation_of(session, draft.id)
        # the sidebar polls this while the escalation is queued: open the ticket's vault
        # (a decryption) only when there is a note to restore
        restore: Callable[[str], str] = str
        if found.note:
            restore = services.ticket_texts(current_tenant(), draft.ticket_id, session).restore
        return jsonify(escalation_json(found, restore))


def _escalation_of(session: Session, draft_id: str) -> Escalation:
    found = escalation.of_draft(session, draft_id)
    if found is None:
        raise NotFound(f"draft {draft_id} was not escalated")
    return found


def escalation_json(found: Escalation, restore: Callable[[str], str]) -> dict[str, object]:
    fields = {
        "id": found.id,
        "draft_id": found.draft_id,
        "ticket_id": found.ticket_id,
        "status": found.status,
        "note": restore(found.note),
        "group": found.group,
        "tags": list(found.tags or []),
        "told": list(found.told or []),
        "not_told": list(found.not_told or []),
        "error": found.error,
        "summary": escalation.summary(found),
        "created_at": iso(found.created_at),
        "links": {"self": url_for("escalations.read_escalation", draft_id=found.draft_id)},
    }
    return out.body(shapes.Escalation.model_validate(fields))
