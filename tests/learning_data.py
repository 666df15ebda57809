"""Constructed drafts and outcomes for the learning signals (SQLite and PostgreSQL tests)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from backend.learning.window import Window
from backend.models import Citation, Draft, Outcome, ReviewItem, Tenant

NOW = datetime(2026, 3, 31, tzinfo=UTC)
WINDOW = Window(NOW - timedelta(days=30), NOW)
DAY = timedelta(days=1)


class History:
    """Adds drafts and their outcomes for one tenant; times count back from ``NOW``."""

    def __init__(self, session: Session, slug: str = "acme") -> None:
        self.session = session
        self.tenant = Tenant(slug=slug, name=slug)
        session.add(self.tenant)
        session.flush()

    def draft(
        self, ticket: str, ago: timedelta = 5 * DAY, text: str = "Draft.", **values: Any
    ) -> Draft:
        draft = Draft(
            id=uuid.uuid4().hex,
            tenant_id=self.tenant.id,
            ticket_id=ticket,
            status="ready",
            text=text,
            created_at=NOW - ago,
            completed_at=NOW - ago,
            **values,
        )
        self.session.add(draft)
        self.session.flush()
        return draft

    def outcome(self, draft: Draft, action: str | None, **values: Any) -> Outcome:
        values.setdefault("created_at", draft.completed_at + timedelta(minutes=10))
        values.setdefault("source", "sidebar")
        outcome = Outcome(
            tenant_id=self.tenant.id,
            draft_id=draft.id,
            ticket_id=draft.ticket_id,
            action=action,
            gate_status=draft.gate_status or "clear",
            **values,
        )
        self.session.add(outcome)
        self.session.flush()
        return outcome

    def cite(self, draft: Draft, marker: int, source_id: str, title: str) -> None:
        self.session.add(
            Citation(
                draft_id=draft.id,
                marker=marker,
                source_kind="doc",
                source_id=source_id,
                title=title,
                url=f"https://help.example/{source_id}",
                snippet="",
                score=0.9,
            )
        )
        self.session.flush()

    def review(self, draft: Draft, status: str) -> None:
        self.session.add(
            ReviewItem(
                tenant_id=self.tenant.id,
                draft_id=draft.id,
                domains=["insurance"],
                jurisdiction="US-CA",
                status=status,
            )
        )
        self.session.flush()


def seconds(n: float) -> timedelta:
    return timedelta(seconds=n)


def quality_history(history: History) -> None:
    """Five drafts acted on in the window (one corrected by a webhook), one before it."""
    h = history
    d1 = h.draft("T1", team="Billing")
    d1.inserted_at = d1.completed_at + seconds(60)  # type: ignore[operator]
    h.outcome(d1, "accepted", agent="ann", similarity=1.0)
    d2 = h.draft("T2", team="Billing")
    d2.inserted_at = d2.completed_at + seconds(120)  # type: ignore[operator]
    first = h.outcome(d2, "edited", agent="ann", similarity=0.7)
    h.outcome(d2, "edited", agent="ann", similarity=0.8, confirms_id=first.id, source="webhook")
    h.outcome(h.draft("T3", team="Billing"), "rejected", agent="bob")
    d4 = h.draft("T4", team="Devices")
    sent = d4.completed_at + seconds(30)  # type: ignore[operator]
    h.outcome(d4, "edited", agent="bob", similarity=0.6, sent_at=sent)
    h.outcome(h.draft("T5", team="Devices"), "escalated", agent="bob")
    h.outcome(h.draft("T6", ago=40 * DAY, team="Devices"), "rejected", agent="bob")
    h.outcome(h.draft("T7", team="Devices"), None, rating="up")  # a thumbs-up only


def cohort_history(history: History) -> None:
    """carl 15 of 25 rejected, dana 2 of 25, eve 3 of 3: the tenant rejects 20 of 53."""
    for agent, drafts, rejected in (("carl", 25, 15), ("dana", 25, 2), ("eve", 3, 3)):
        for i in range(drafts):
            action = "rejected" if i < rejected else "accepted"
            history.outcome(history.draft(f"{agent}-{i}"), action, agent=agent, similarity=None)


def edit_history(history: History) -> None:
    text = (
        "Restart the router [1]. Hold the reset button for ten seconds [2]. Then pair it again [1]."
    )
    draft = history.draft("T10", text=text)
    history.cite(draft, 1, "wifi.md", "Wi-Fi › Restart")
    history.cite(draft, 2, "reset.md", "Reset › Factory reset")
    sent = "Restart the router. Then pair it in the app again."
    history.outcome(draft, "edited", sent_text=sent, similarity=0.55)


def escalation_history(history: History) -> None:
    """T20 is sent back to Devices; T21 stays with Finance; T22 is never seen again."""
    h = history
    h.outcome(h.draft("T20", 9 * DAY, team="Devices", ticket_type="incident"), "escalated")
    h.draft("T20", 8 * DAY, team="Billing")
    h.draft("T20", 7 * DAY, team="Devices")
    h.outcome(h.draft("T21", 9 * DAY, team="Billing", ticket_type="refund"), "escalated")
    h.draft("T21", 8 * DAY, team="Finance")
    h.outcome(h.draft("T22", 9 * DAY, team="Billing", ticket_type="refund"), "escalated")


def lists_history(history: History) -> None:
    """One entry on each list, spread over two brands (see tests/unit/test_insights_narrowed):

    - the section wifi.md is cited once in five sent drafts by ann: removed in Acme's three,
      kept in Bolt's two;
    - carl rejects 12 of 20 drafts, all Acme's; dana 1 of 20, all Bolt's;
    - eve sends a gated Bolt draft anyway;
    - three tickets without precedent on one topic: Acme 20 and 2 days ago, Bolt 3 days ago.

    The tenant decides 46 drafts and rejects 13.
    """
    h = history
    for i, (brand, sent) in enumerate(
        [("Acme", "Please call us.")] * 3 + [("Bolt", "Restart the router.")] * 2
    ):
        draft = h.draft(f"W{i}", text="Restart the router [1].", brand=brand)
        h.cite(draft, 1, "wifi.md", "Wi-Fi › Restart")
        h.outcome(draft, "edited", agent="ann", sent_text=sent, similarity=0.6)
    for agent, brand, rejected in (("carl", "Acme", 12), ("dana", "Bolt", 1)):
        for i in range(20):
            action = "rejected" if i < rejected else "accepted"
            h.outcome(h.draft(f"{agent}-{i}", brand=brand), action, agent=agent)
    gated = h.draft("G1", brand="Bolt", gate={"domains": ["legal"]}, gate_status="rejected")
    h.outcome(gated, "edited", agent="eve", similarity=0.9, bypass=True)
    for ticket, brand, days in (("N1", "Acme", 20), ("N2", "Acme", 2), ("N3", "Bolt", 3)):
        h.draft(ticket, ago=days * DAY, brand=brand, flags=["knowledge_gap"])
