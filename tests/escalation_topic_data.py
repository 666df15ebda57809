"""Escalated tickets grouped by what they ask (their topic cluster), not by their ticket type:
for the SQLite and PostgreSQL tests of escalation correctness by topic."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from backend.learning.gaps import Topic
from backend.models import Draft
from tests.gap_vectors_data import PURIFIER, queried
from tests.learning_data import DAY, History
from tests.team_change_data import HOUR, moved


class AskedTopics:
    """Topics of tests/team_change_data.py's escalations, across their ticket types: T20, T23
    (typed refund) and T25 ask about Wi-Fi; T21 and T22 about a refund; T24 cannot be read."""

    TOPICS = {
        "T20": Topic("Router keeps dropping wifi", (0.0, 1.0)),
        "T21": Topic("Refund missing for the invoice of <PERSON_1>", (1.0, 0.0)),
        "T22": Topic("Invoice refund", (0.96, 0.28)),
        "T23": Topic("Router dropping wifi", (0.28, 0.96)),
        "T25": Topic("Wifi router dropping", (0.0, 1.0)),
    }

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, ticket_ids: Sequence[str]) -> dict[str, Topic]:
        self.asked += ticket_ids
        return {t: self.TOPICS[t] for t in ticket_ids if t in self.TOPICS}


# (key, escalations, sent back, re-routed, held, unseen, from changes, from drafts, wrong rate)
BY_TOPIC = [
    ("Router keeps dropping wifi", 3, 2, 0, 1, 0, 1, 2, 0.6667),  # T20, T23, T25
    ("Refund missing invoice", 2, 0, 1, 1, 0, 2, 0, 0.5),  # T21, T22
    ("", 1, 0, 0, 0, 1, 0, 0, 0.0),  # T24
]


def stored_topic_history(history: History) -> None:
    """Four escalations whose topics ``DraftTopics`` reads from what the drafts stored.

    E1 (12 days ago) and E2 (6) have query vectors of cosine 0.8 about a refund: one cluster,
    titled by E1's question, the older. E3 has no vector: its draft's words. E4 has neither
    a vector nor a draft text: unknown.

    E1 Billing: the helpdesk moves it to Finance                         -> held
    E2 Billing: to Finance, then back                                    -> sent back
    E3 Devices: to Billing, then on to Legal                             -> re-routed
    E4 Devices: never moved                                              -> unseen
    """
    h = history
    refund = "Refund for the invoice of <PERSON_1>"
    e1 = queried(h, "E1", (1.0, 0.0, 0.0), refund, 12 * DAY, flags=())
    _escalate(h, e1, "Billing", (12 * DAY - HOUR, "Billing", "Finance"))
    e2 = queried(h, "E2", (0.8, 0.6, 0.0), "Invoice refund missing", 6 * DAY, flags=())
    _escalate(h, e2, "Billing", (6 * DAY - HOUR, "Billing", "Finance"),
              (5 * DAY, "Finance", "Billing"))  # fmt: skip
    e3 = h.draft("E3", 9 * DAY, text=PURIFIER)
    _escalate(h, e3, "Devices", (9 * DAY - HOUR, "Devices", "Billing"),
              (8 * DAY, "Billing", "Legal"))  # fmt: skip
    _escalate(h, h.draft("E4", 3 * DAY, text=""), "Devices")


def _escalate(
    history: History, draft: Draft, team: str, *moves: tuple[timedelta, str, str]
) -> None:
    """The draft escalated from ``team`` (ticket type: question), then the helpdesk's moves."""
    draft.team, draft.ticket_type = team, "question"
    history.outcome(draft, "escalated", agent="ann")
    if moves:
        moved(history, draft.ticket_id, *moves)


BY_STORED_TOPIC = [  # E3's topic is its own: a lone ticket's words name no row
    ("", 2, 0, 1, 0, 1, 1, 0, 1.0),
    ("Refund invoice missing", 2, 1, 0, 1, 0, 2, 0, 0.5),
]
