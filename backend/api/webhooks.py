"""Helpdesk webhooks: a new ticket starts its draft; an agent's reply records the outcome; a
change of the ticket's group records a team change (backend/learning/team_changes.py).

``POST /api/v1/webhooks/zendesk/<tenant>``: ``X-Zendesk-Webhook-Signature`` over the
timestamp and the raw body, within the replay window. ``POST /api/v1/webhooks/freshdesk/
<tenant>``: the shared secret in ``X-Precedent-Webhook-Secret``. The secrets are the
tenant's stored ``webhook_secret``. A bad or missing signature is answered 401 and audited
before the body is even parsed; nothing is processed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Response, request
from kombu.exceptions import OperationalError

from backend import audit, services
from backend.api import responses as out
from backend.api.bodies import read_json
from backend.api.errors import error_response
from backend.api.webhook_events import EXAMPLE, WebhookEvent, parse_event
from backend.auth.identity import audit_rejection, settings_store
from backend.auth.webhooks import verify_freshdesk_webhook, verify_zendesk_webhook
from backend.connectors import TeamMove
from backend.connectors.settings import HelpdeskSettings
from backend.db import db
from backend.drafts.predraft import request_predraft
from backend.errors import ConfigError, Unauthorized
from backend.learning import team_changes
from backend.learning.helpdesk import record_comment
from backend.tasks import draft as draft_task
from backend.tenants import ensure_tenant

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1/webhooks")
log = logging.getLogger(__name__)
Verify = Callable[[HelpdeskSettings, bytes], None]


@bp.post("/zendesk/<tenant>")
def zendesk(tenant: str) -> tuple[Response, int]:
    return _receive(
        tenant,
        "zendesk",
        lambda s, raw: verify_zendesk_webhook(_headers(), raw, s.webhook_secret),
    )


@bp.post("/freshdesk/<tenant>")
def freshdesk(tenant: str) -> tuple[Response, int]:
    return _receive(
        tenant,
        "freshdesk",
        lambda s, raw: verify_freshdesk_webhook(_headers(), s.webhook_secret),
    )


def _receive(tenant: str, platform: str, verify: Verify) -> tuple[Response, int]:
    raw = request.get_data(cache=True)  # the bytes as sent: signatures cover these
    actor = f"webhook:{platform}"
    try:
        verify(_settings(tenant, platform), raw)
    except Unauthorized as exc:
        details = {"reason": exc.message, "platform": platform}
        audit_rejection(tenant, actor, "webhook.rejected", f"webhook:{platform}", details)
        raise
    event = parse_event(read_json(raw, EXAMPLE))
    if event.kind == "ticket_created":
        return _predraft(tenant, actor, event)
    if event.group_change is not None:
        return _accepted(tenant, actor, event, _team_change(tenant, platform, event))
    return _accepted(tenant, actor, event, _outcome(tenant, actor, event))


def _headers() -> dict[str, str]:
    return dict(request.headers.items())


def _settings(tenant: str, platform: str) -> HelpdeskSettings:
    try:
        settings = settings_store().load(tenant)
    except ConfigError:
        settings = None
    if settings is None or settings.platform != platform:
        raise Unauthorized(
            f"{platform.capitalize()} webhook rejected: tenant '{tenant}' has no "
            f"{platform.capitalize()} account connected"
        )
    return settings


def _predraft(tenant: str, actor: str, event: WebhookEvent) -> tuple[Response, int]:
    try:
        draft, created = request_predraft(services.draft_store(), tenant, event.ticket_id, actor)
        if created:
            draft_task.delay(draft.id)  # the row is saved: if the queue is down, recovery re-sends
    except OperationalError as exc:
        log.error("job queue unavailable: %s", exc)
        return error_response(
            503, "queue_unavailable", "the draft is saved but the job queue is unavailable"
        )
    result = "draft_queued" if created else "draft_exists"
    return _accepted(tenant, actor, event, {"result": result, "draft_id": draft.id})


def _team_change(tenant: str, platform: str, event: WebhookEvent) -> dict[str, object]:
    change = event.group_change
    assert change is not None
    key = change.key(event.ticket_id)
    move = TeamMove(change.at, "", change.group, f"{platform}_webhook", key)
    with db.session() as session:
        row = ensure_tenant(session, tenant)
        new = team_changes.record_webhook_move(session, row.id, event.ticket_id, move)
    return {"result": "team change recorded" if new else "team change already recorded"}


def _outcome(tenant: str, actor: str, event: WebhookEvent) -> dict[str, object]:
    if event.comment is None:
        return {"result": f"ignored: nothing to do for event '{event.name}'"}
    with db.session() as session:
        row = ensure_tenant(session, tenant)
        texts = services.ticket_texts(tenant, event.comment.ticket_id, session)
        recorded = record_comment(session, row.id, event.comment, actor, texts)
        if recorded.outcome is None:
            return {"result": recorded.result}
        return {
            "result": recorded.result,
            "draft_id": recorded.outcome.draft_id,
            "outcome_id": recorded.outcome.id,
            "confirmation": recorded.outcome.confirmation,
        }


def _accepted(
    tenant: str, actor: str, event: WebhookEvent, outcome: dict[str, object]
) -> tuple[Response, int]:
    body = {"event": event.kind, "ticket_id": event.ticket_id, **outcome}
    with db.session() as session:
        row = ensure_tenant(session, tenant)
        details = {k: v for k, v in body.items() if v is not None}
        audit.record(
            session, row.id, actor, "webhook.received", f"ticket:{event.ticket_id}", details
        )
    return out.respond(out.WebhookResult.model_validate(body)), 202
