"""Drafts shown, never shown and shown late, for the review-time tests (SQLite and PostgreSQL).

Review time counts from shown (never shown: ready) to inserted (never inserted: first sent),
at least 0 (backend/learning/facts.py, migration 0023).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from backend.learning.facts import DraftFacts
from backend.models import Draft
from tests.learning_data import History, seconds

# four drafts' review times: 0, 25, 40, 90 -> quartiles interpolated between ranks
REVIEW_SECONDS = {"T1": 40.0, "T2": 90.0, "T3": 25.0, "T4": 0.0}
QUARTILES = (18.75, 32.5, 52.5)


def ready_plus(draft: Draft, n: float) -> datetime:
    """``n`` seconds after the draft was ready."""
    assert draft.completed_at is not None
    return draft.completed_at + seconds(n)


def shown_history(h: History) -> None:
    """A pre-draft opened an hour after it was ready, one never shown, one sent without an
    insert, and one whose shown report landed after its insert."""
    predrafted = h.draft("T1", team="Billing")
    predrafted.shown_at = ready_plus(predrafted, 3600)
    predrafted.inserted_at = ready_plus(predrafted, 3640)
    h.outcome(predrafted, "accepted", agent="ann", similarity=1.0)
    unseen = h.draft("T2", team="Billing")
    unseen.inserted_at = ready_plus(unseen, 90)
    h.outcome(unseen, "edited", agent="ann", similarity=0.8)
    sent = h.draft("T3", team="Devices")
    sent.shown_at = ready_plus(sent, 600)
    h.outcome(sent, "edited", agent="bob", similarity=0.6, sent_at=ready_plus(sent, 625))
    late = h.draft("T4", team="Devices")
    late.inserted_at = ready_plus(late, 10)
    late.shown_at = ready_plus(late, 15)
    h.outcome(late, "accepted", agent="bob", similarity=1.0)


def review_by_ticket(h: History) -> dict[str, float | None]:
    rows = h.session.execute(
        select(DraftFacts.ticket_id, DraftFacts.review_seconds).where(
            DraftFacts.tenant_id == h.tenant.id
        )
    )
    return {ticket: None if s is None else round(s, 4) for ticket, s in rows}
