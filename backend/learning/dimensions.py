"""The dimensions a draft is sliced by in the insights, and where each one is stored.

``agent`` is the verified agent of the draft's outcome (``Outcome.agent``: named by an app
token or a signed webhook, never by what a caller merely claims); the others are read from
the helpdesk when the draft is made and stored on the draft row.
"""

from __future__ import annotations

from typing import Literal, get_args

from backend.types import Ticket

Dimension = Literal["agent", "team", "brand", "location", "ticket_type", "jurisdiction"]
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
STORED: dict[str, int] = {  # column on drafts -> its length
    "team": 200,
    "brand": 200,
    "location": 200,
    "ticket_type": 200,
    "jurisdiction": 16,
}


def draft_dimensions(ticket: Ticket) -> dict[str, str]:
    """What ``DraftStore.complete`` stores with the draft, cut to the columns' lengths."""
    values = {
        "team": ticket.dimensions.team,
        "brand": ticket.dimensions.brand,
        "location": ticket.dimensions.location,
        "ticket_type": ticket.dimensions.ticket_type,
        "jurisdiction": ticket.jurisdiction,
    }
    return {name: value.strip()[: STORED[name]] for name, value in values.items()}
