"""Customer context helpers shared by the helpdesk connectors."""

from __future__ import annotations

import re
from typing import Any

from backend.types import TicketSummary

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
