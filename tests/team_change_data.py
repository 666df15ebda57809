"""Constructed escalations and the helpdesk's group changes after them (SQLite and
PostgreSQL tests of escalation correctness)."""

from __future__ import annotations

from datetime import timedelta

from backend.connectors import TeamMove
from backend.learning.team_changes import record
from tests.learning_data import DAY, NOW, History

HOUR = timedelta(hours=1)
ESCALATED = 9 * DAY  # how long before NOW each escalating draft was made


def moved(history: History, ticket: str, *moves: tuple[timedelta, str, str]) -> None:
    """Group changes as the Zendesk audits would give them: (ago, from team, to team)."""
    record(
        history.session,
        history.tenant.id,
        ticket,
        [
            TeamMove(NOW - ago, old, new, "zendesk_audit", f"{ticket}:{i}")
            for i, (ago, old, new) in enumerate(moves)
        ],
    )


def escalated(history: History, ticket: str, team: str, intent: str, agent: str) -> None:
    draft = history.draft(ticket, ESCALATED, team=team, ticket_type=intent)
    history.outcome(draft, "escalated", agent=agent)


def team_change_history(history: History) -> None:
    """Six escalations; the helpdesk's changes decide three, later drafts two, one unseen.

    T20 incident/ann Devices: the helpdesk moves it to Billing, then back   -> sent back (changes)
    T21 refund/ann   Billing: to Finance, then on to Legal; a later draft saw
                              only Finance                                  -> re-routed (changes)
    T22 refund/bob   Billing: to Finance                                    -> held (changes)
    T23 refund/bob   Billing: no change; a later draft with Devices         -> held (drafts)
    T24 refund/bob   Billing: a change before the escalating draft only     -> unseen
    T25 incident/ann Devices: no change since; later drafts Billing, then
                              Devices                                       -> sent back (drafts)
    """
    h = history
    escalated(h, "T20", "Devices", "incident", "ann")
    moved(h, "T20", (ESCALATED - HOUR, "Devices", "Billing"), (8 * DAY, "Billing", "Devices"))
    escalated(h, "T21", "Billing", "refund", "ann")
    moved(h, "T21", (ESCALATED - HOUR, "Billing", "Finance"), (7 * DAY, "Finance", "Legal"))
    h.draft("T21", 8 * DAY, team="Finance")
    escalated(h, "T22", "Billing", "refund", "bob")
    moved(h, "T22", (ESCALATED - HOUR, "Billing", "Finance"))
    escalated(h, "T23", "Billing", "refund", "bob")
    h.draft("T23", 8 * DAY, team="Devices")
    escalated(h, "T24", "Billing", "refund", "bob")
    moved(h, "T24", (10 * DAY, "Devices", "Billing"))
    escalated(h, "T25", "Devices", "incident", "ann")
    moved(h, "T25", (12 * DAY, "Billing", "Devices"))
    h.draft("T25", 8 * DAY, team="Billing")
    h.draft("T25", 7 * DAY, team="Devices")
    h.outcome(h.draft("T26", ESCALATED, team="Billing"), "accepted", agent="ann")
    moved(h, "T26", (8 * DAY, "Billing", "Finance"))  # not escalated: not counted


def other_tenant_moves(history: History) -> None:
    """Another tenant's ticket T22 (numbers repeat across tenants) moves on twice."""
    moved(history, "T22", (8 * DAY, "Billing", "Devices"), (7 * DAY, "Devices", "Legal"))


# (key, escalations, sent back, re-routed, held, unseen, from changes, from drafts, wrong rate)
BY_INTENT = [
    ("refund", 4, 0, 1, 2, 1, 2, 1, 0.3333),
    ("incident", 2, 2, 0, 0, 0, 1, 1, 1.0),
]
BY_AGENT = [
    ("ann", 3, 2, 1, 0, 0, 2, 1, 1.0),
    ("bob", 3, 0, 0, 2, 1, 1, 1, 0.0),
]
