"""Customer context helpers shared by the helpdesk connectors."""

from __future__ import annotations

import re
from typing import Any

from backend.types import CustomerContext, TicketSummary

PLAN_FIELD = re.compile(r"plan|tier|subscription", re.IGNORECASE)


def plan_of(fields: dict[str, str]) -> str:
    """The value of the first custom field whose name says plan, tier or subscription."""
    return next((value for name, value in fields.items() if PLAN_FIELD.search(name)), "")


def summaries(tickets: list[TicketSummary], limit: int) -> tuple[TicketSummary, ...]:
    """The newest ``limit`` tickets, newest first (ISO 8601 times sort as text)."""
    return tuple(sorted(tickets, key=lambda t: t.created_at, reverse=True)[:limit])


def custom_fields(values: Any) -> dict[str, str]:
    """A helpdesk's custom-field object as text, without the empty ones."""
    if not isinstance(values, dict):
        return {}
    return {str(k): str(v) for k, v in values.items() if v not in (None, "", [])}


def context_json(context: CustomerContext) -> dict[str, Any]:
    """What the agent is shown. The requester's name and e-mail are left out: the helpdesk
    already shows them, and they need not be stored with the draft."""
    return {
        "organization": context.organization,
        "plan": context.plan,
        "fields": dict(context.fields),
        "tags": list(context.tags),
        "prior_tickets": {
            "count": len(context.recent_tickets),
            "recent": [
                {"id": t.id, "subject": t.subject, "status": t.status, "created_at": t.created_at}
                for t in context.recent_tickets
            ],
        },
    }
