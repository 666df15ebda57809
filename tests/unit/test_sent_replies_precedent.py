"""Solved tickets' sent replies are the precedent retrieval indexes (issue 15 item 3).

The helpdesk sync (backend/retrieval/helpdesk.py) turns each solved ticket into a resolved
ticket whose resolution is what agents publicly sent: not their internal notes, not the
customer's follow-ups; a ticket nobody answered publicly is not precedent.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from backend import services
from backend.redaction import Vault
from backend.retrieval.helpdesk import CursorStore, HelpdeskIngest, resolved_ticket
from backend.types import Article, Comment, Page, Ticket

SENT = "Reset the E-7 hub: hold the button for ten seconds, then pair it again."
NOTE = "Internal: escalated to firmware team, bug FW-311."

SOLVED = Ticket(
    "acme",
    "4101",
    "E-7 hub offline",
    "The E-7 hub went offline after the update.",
    comments=(
        Comment("agent", NOTE, public=False),
        Comment("customer", "Still offline this morning."),
        Comment("agent", SENT),
        Comment("agent", "Glad it works again!"),
    ),
    status="solved",
)


def test_when_a_ticket_is_solved_then_its_public_agent_replies_are_the_resolution() -> None:
    resolved = resolved_ticket(SOLVED)

    assert resolved is not None
    assert resolved.resolution == f"{SENT}\n\nGlad it works again!"
    assert NOTE not in resolved.resolution and NOTE not in resolved.body
    assert (
        resolved.body == "The E-7 hub went offline after the update.\n\nStill offline this morning."
    )


def test_when_agents_only_wrote_internal_notes_then_the_ticket_is_not_precedent() -> None:
    unanswered = Ticket(
        "acme", "4102", "Invoice", "Where is my invoice?", (Comment("agent", NOTE, public=False),)
    )
    assert resolved_ticket(unanswered) is None


class OneSolvedTicket:
    def resolved_tickets(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Ticket]:
        return Page((SOLVED,), "1", done=True)

    def articles(
        self, tenant: str, cursor: str | None = None, since: datetime | None = None
    ) -> Page[Article]:
        return Page((), "0", done=True)


def test_when_the_sync_indexes_a_solved_ticket_then_retrieval_offers_the_sent_reply(
    app: Flask,
) -> None:
    real = services.get()
    cursors = CursorStore.from_config(current_app.config)
    sync = HelpdeskIngest(OneSolvedTicket(), real.redactor, real.embedder, real.index, cursors)  # type: ignore[arg-type]
    list(sync.run("acme", "tickets"))

    question = real.redactor.redact("my E-7 hub is offline", Vault())
    vector = real.embedder.embed([question], purpose="query")[0]
    [found] = real.index.search("acme", "ticket", question, vector, 5)

    assert found.source_id == "4101"
    assert "hold the button for ten seconds" in found.answer
    assert "FW-311" not in found.answer + found.text
