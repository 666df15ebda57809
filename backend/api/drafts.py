"""Request a draft for a ticket; read it back (status, text, citations, flags, timings)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, stream_with_context, url_for
from kombu.exceptions import OperationalError
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import review, services
from backend.api import responses as out
from backend.api.bodies import parse_body
from backend.api.draft_events import Pace, draft_events
from backend.api.errors import error_response
from backend.api.shapes import DraftRequest
from backend.auth import current_actor, current_tenant
from backend.auth.identity import require_app_identity
from backend.db import db
from backend.drafts.predraft import pick_up
from backend.drafts.shown import mark_shown
from backend.errors import DraftNotFound
from backend.gate.decision import GateDecision
from backend.models import Citation, Draft, Tenant
from backend.redaction.at_rest import TicketTexts, restored
from backend.retrieval.demotion import EditedAway
from backend.review import safety, supersede
from backend.tasks import draft as draft_task

bp = Blueprint("drafts", __name__, url_prefix="/api/v1/drafts")
log = logging.getLogger(__name__)
bp.before_request(require_app_identity)  # app token, Freshdesk secret, or the open default


@bp.post("")
def request_draft() -> tuple[Response, int]:
    """The newest draft of the ticket's current version (200), else a new one (202).

    ``again`` ("Draft again") always starts one, unless one is in progress already.
    """
    asked = parse_body(DraftRequest)
    ticket_id, tenant = asked.ticket_id, current_tenant()
    ticket = services.get().connector.get_ticket(tenant, ticket_id)  # 404 now, not a failed job
    version = services.draft_version(tenant, ticket)
    draft = None if asked.again else pick_up(tenant, ticket_id, current_actor(), version)
    created = False
    if draft is None:
        draft, created = services.draft_store().request(
            tenant, ticket_id, current_actor(), version=version, reuse=not asked.again
        )
    if created:
        try:
            _enqueue(draft.id)
        except OperationalError as exc:
            log.error("job queue unavailable: %s", exc)
            return error_response(
                503,
                "queue_unavailable",
                f"draft {draft.id} is saved but the job queue is unavailable; it will be "
                "drafted when the queue is back",
            )
    body = draft_json(draft, tenant)
    response = jsonify(body)
    response.headers["Location"] = body["links"]["self"]
    return response, 202 if created else 200


@bp.get("/<draft_id>")
def read_draft(draft_id: str) -> Response:
    tenant = current_tenant()
    draft = services.draft_store().get(tenant, draft_id)
    if draft is None:
        raise DraftNotFound(f"draft '{draft_id}' was not found")
    return jsonify(draft_json(draft, tenant))


@bp.get("/<draft_id>/events")
def follow_draft(draft_id: str) -> Response:
    """Server-sent events while the draft is written; see backend/api/draft_events.py."""
    tenant, store = current_tenant(), services.draft_store()
    draft = store.get(tenant, draft_id)
    if draft is None:
        raise DraftNotFound(f"draft '{draft_id}' was not found")
    ticket_id = draft.ticket_id
    pace = Pace(max_seconds=current_app.config["DRAFT_EVENTS_SECONDS"])
    events = draft_events(
        lambda: store.get(tenant, draft_id),
        lambda row: draft_json(row, tenant),
        pace,
        restore=VaultOnce(tenant, ticket_id),
    )
    response = Response(stream_with_context(events), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


class VaultOnce:
    """Restores a streaming draft's text with the ticket's vault, read once: the text grows
    many times a second. Read again only while placeholders stay unfilled (the vault may
    be saved after the stream started)."""

    def __init__(self, tenant: str, ticket_id: str) -> None:
        self.tenant, self.ticket_id = tenant, ticket_id
        self._texts: TicketTexts | None = None

    def __call__(self, text: str) -> str:
        if self._texts is not None:
            found = self._texts.restore(text)
            if restored(found):
                return found
        self._texts = services.ticket_texts(self.tenant, self.ticket_id)
        return self._texts.restore(text)


@bp.post("/<draft_id>/insert")
def insert_draft(draft_id: str) -> Response:
    """The agent puts the draft into the composer: 409 while it awaits or failed review.

    Idempotent: a repeat answers as the first insert did (``review.mark_inserted``).
    """
    with db.session() as session:
        refusal = review.mark_inserted(session, tenant_draft(session, draft_id), current_actor())
    if refusal:
        raise refusal
    return read_draft(draft_id)


@bp.post("/<draft_id>/shown")
def draft_shown(draft_id: str) -> Response:
    """The sidebar showed the ready draft to an agent: review time counts from the first
    report (``backend/drafts/shown.py``); a repeat answers the first moment."""
    with db.session() as session:
        draft = tenant_draft(session, draft_id)
        fields = {"id": draft.id, "shown_at": iso(mark_shown(session, draft))}
    return out.respond(out.DraftShown.model_validate(fields))


def tenant_draft(session: Session, draft_id: str) -> Draft:
    """The calling tenant's draft; another tenant's is reported as not found."""
    draft = session.scalars(
        select(Draft).join(Tenant).where(Draft.id == draft_id, Tenant.slug == current_tenant())
    ).first()
    if draft is None:
        raise DraftNotFound(f"draft '{draft_id}' was not found")
    return draft


def _enqueue(draft_id: str) -> None:
    draft_task.delay(draft_id)


def draft_json(draft: Draft, tenant: str) -> dict[str, Any]:
    """The draft as the agent reads it: its placeholders restored from the ticket's vault."""
    ready = draft.status == "ready"
    error = None
    if draft.error_code and draft.status in ("failed", "queued"):
        error = {"code": draft.error_code, "message": draft.error_message}
    text = draft.text if ready else None
    partial = draft.partial_text if draft.status == "running" else None
    if text or partial:  # the vault is opened only when there is text to restore
        texts = services.ticket_texts(tenant, draft.ticket_id)
        text = texts.restore(text) if text else text
        partial = texts.restore(partial) if partial else partial
    fields = {
        "id": draft.id,
        "ticket_id": draft.ticket_id,
        "status": draft.status,
        "text": text,
        # the model's text so far (restored, markers unchecked) while it is being written
        "partial_text": partial,
        # False once the ticket's vault has expired: the texts show placeholders, not values
        "restored": restored(text) and restored(partial),
        "citations": _citations(draft, tenant) if ready else [],
        "flags": list(draft.flags or []),
        "notes": list(draft.notes or []),
        "provider": draft.provider,
        "model": draft.model,
        "timings_ms": dict(draft.timings or {}),
        "attempts": draft.attempts,
        "error": error,
        "created_at": iso(draft.created_at),
        "updated_at": iso(draft.updated_at),
        "completed_at": iso(draft.completed_at),
        "gate": gate_json(draft),
        "customer_context": draft.customer_context,  # for the agent; null when skipped
        "inserted_at": iso(draft.inserted_at),
        "version": draft.version,
        "links": {"self": url_for("drafts.read_draft", draft_id=draft.id)},
    }
    return out.body(out.Draft.model_validate(fields))


def gate_json(draft: Draft) -> out.Gate:
    decision = review.decision_of(draft)
    urgent = safety.is_urgent(decision.domains if decision else ())
    state: dict[str, Any] = {}
    if draft.gate_status in review.GATED or urgent:
        with db.session() as session:
            state = _review_state(session, draft, urgent)
    return out.Gate.model_validate(
        {
            "status": draft.gate_status,
            **decision_fields(decision),
            "insertable": draft.status == "ready" and draft.gate_status in review.INSERTABLE,
            "reason": None,
            "urgent": urgent,  # someone may be in danger: the instruction comes first
            **state,
        }
    )


def decision_fields(decision: GateDecision | None) -> dict[str, Any]:
    """What the sidebar shows of the gate's decision; empty fields before there is one."""
    if decision is None:
        return dict(domains=[], jurisdiction=None, rules=[], held=[], languages={}, notes=[])
    stored = decision.to_json()
    keys = ("domains", "jurisdiction", "rules", "languages", "notes")
    return {key: stored[key] for key in keys} | {"held": list(decision.held)}


def _review_state(session: Session, draft: Draft, urgent: bool) -> dict[str, Any]:
    """Why the draft is held, how many reviewers could release it, the safety instruction."""
    state: dict[str, Any] = {}
    if draft.gate_status in review.GATED:
        state["reason"] = review.gate_reason(session, draft)
        state["eligible_reviewers"] = len(review.reviewer_names(session, draft))
        newer = supersede.successor_of(session, draft)
        if newer:
            state["superseded_by"] = newer
    if urgent:
        tenant = session.get(Tenant, draft.tenant_id)
        state["instruction"] = safety.instruction(current_app.config, tenant.slug if tenant else "")
    return state


def _citations(draft: Draft, tenant: str) -> list[out.Citation]:
    edited = services.edited_away(tenant) if draft.citations else {}
    return [citation_json(c, edited) for c in draft.citations]


def citation_json(citation: Citation, edited: EditedAway | None = None) -> out.Citation:
    """One source card; ``edited``: the tenant's open edited-away sections, for its note."""
    fields = {
        "marker": citation.marker,
        "kind": citation.source_kind,
        "source_id": citation.source_id,
        "title": citation.title,
        "url": citation.url,
        "snippet": citation.snippet,
        "score": citation.score,
        "edited_away": (edited or {}).get((citation.source_id, citation.title)),
    }
    return out.Citation.model_validate(fields)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
