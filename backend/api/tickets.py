"""Open tickets from the connector, for the preview page's picker and ticket panel."""

from __future__ import annotations

from flask import Blueprint, Response

from backend import services
from backend.api import responses as out
from backend.auth import current_tenant
from backend.auth.identity import require_app_identity
from backend.types import Ticket

bp = Blueprint("tickets", __name__, url_prefix="/api/v1/tickets")
bp.before_request(require_app_identity)  # the helpdesk's tickets: same rule as drafts


@bp.get("")
def list_tickets() -> Response:
    tickets = services.get().connector.list_open_tickets(current_tenant())
    return out.respond(out.Tickets(tickets=[_summary(t) for t in tickets]))


@bp.get("/<ticket_id>")
def read_ticket(ticket_id: str) -> Response:
    ticket = services.get().connector.get_ticket(current_tenant(), ticket_id)
    return out.respond(_detail(ticket))


def _summary(ticket: Ticket) -> out.TicketSummary:
    return out.TicketSummary(
        id=ticket.id,
        subject=ticket.subject,
        requester=ticket.requester.name,
        created_at=ticket.created_at,
        tags=list(ticket.tags),
        jurisdiction=ticket.jurisdiction,
    )


def _detail(ticket: Ticket) -> out.Ticket:
    comments = [
        out.TicketComment(author=c.author, body=c.body, public=c.public, created_at=c.created_at)
        for c in ticket.comments
    ]
    return out.Ticket(
        **_summary(ticket).model_dump(),
        body=ticket.body,
        comments=comments,
        requester_email=ticket.requester.email,
    )
