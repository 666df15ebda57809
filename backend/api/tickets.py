"""Open tickets from the connector, for the preview page's picker and ticket panel."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from backend import services
from backend.auth import current_tenant
from backend.auth.identity import require_app_identity
from backend.types import Ticket

bp = Blueprint("tickets", __name__, url_prefix="/api/v1/tickets")
bp.before_request(require_app_identity)  # the helpdesk's tickets: same rule as drafts


@bp.get("")
def list_tickets() -> Response:
    tickets = services.get().connector.list_open_tickets(current_tenant())
    return jsonify(tickets=[_summary(t) for t in tickets])


@bp.get("/<ticket_id>")
def read_ticket(ticket_id: str) -> Response:
    ticket = services.get().connector.get_ticket(current_tenant(), ticket_id)
    return jsonify(_detail(ticket))


def _summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "subject": ticket.subject,
        "requester": ticket.requester.name,
        "created_at": ticket.created_at,
        "tags": list(ticket.tags),
        "jurisdiction": ticket.jurisdiction,
    }


def _detail(ticket: Ticket) -> dict[str, Any]:
    comments = [
        {"author": c.author, "body": c.body, "public": c.public, "created_at": c.created_at}
        for c in ticket.comments
    ]
    return {
        **_summary(ticket),
        "body": ticket.body,
        "comments": comments,
        "requester_email": ticket.requester.email,
    }
