"""Learning signals over constructed outcomes: exact figures, on SQLite."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy.orm import Session

from backend.errors import InputError
from backend.learning.signals import (
    Spread,
    Topic,
    draft_quality,
    edited_away_sources,
    escalation_correctness,
    gate_bypasses,
    knowledge_gaps,
    last,
    rejecting_cohorts,
)
from tests.learning_data import (
    DAY,
    NOW,
    WINDOW,
    History,
    cohort_history,
    edit_history,
    escalation_history,
    quality_history,
)


def test_when_nothing_is_grouped_then_quality_counts_each_draft_by_its_newest_action(
    history: History,
) -> None:
    quality_history(history)

    [everyone] = draft_quality(history.session, history.tenant.id, WINDOW)

    assert everyone.key == "all"
    assert everyone.volume == 5
    assert everyone.actions == {"accepted": 1, "edited": 2, "rejected": 1, "escalated": 1}
    assert (everyone.rate("edited"), everyone.rate("rejected")) == (0.4, 0.2)
    assert everyone.similarity == Spread(0.7, 0.8, 0.9)
    assert everyone.review_seconds == Spread(45.0, 60.0, 90.0)


def test_when_grouped_by_team_then_each_team_has_its_own_mix_and_spreads(
    history: History,
) -> None:
    quality_history(history)

    billing, devices = draft_quality(history.session, history.tenant.id, WINDOW, by="team")

    assert [(billing.key, billing.volume), (devices.key, devices.volume)] == [
        ("Billing", 3),
        ("Devices", 2),
    ]
    assert billing.similarity == Spread(0.85, 0.9, 0.95)
    assert billing.review_seconds == Spread(75.0, 90.0, 105.0)
    assert devices.similarity == Spread(0.6, 0.6, 0.6)
    assert devices.actions == {"accepted": 0, "edited": 1, "rejected": 0, "escalated": 1}


def test_when_grouped_by_agent_then_the_verified_agent_of_the_outcome_is_the_key(
    history: History,
) -> None:
    quality_history(history)

    rows = draft_quality(history.session, history.tenant.id, WINDOW, by="agent")

    assert [(r.key, r.volume) for r in rows] == [("bob", 3), ("ann", 2)]


def test_rejecting_cohorts_flag_only_a_high_rate_with_enough_drafts(history: History) -> None:
    cohort_history(history)

    found = rejecting_cohorts(history.session, history.tenant.id, WINDOW, min_count=20)

    assert (found.tenant_rate, found.drafts) == (0.3774, 53)
    table = [(c.key, c.drafts, c.rejected, c.rate, c.low, c.high, c.flagged) for c in found.cohorts]
    assert table == [
        ("carl", 25, 15, 0.6, 0.4074, 0.766, True),
        ("eve", 3, 3, 1.0, 0.4385, 1.0, False),  # too few drafts to mean anything
        ("dana", 25, 2, 0.08, 0.0222, 0.2497, False),
    ]


def test_gate_bypasses_list_the_rule_and_where_the_review_stands(history: History) -> None:
    gate = {"domains": ["insurance"], "rules": [{"policy": "insurance", "rule": "coverage"}] * 2}
    draft = history.draft("T30", gate=gate, gate_status="review_required")
    history.review(draft, "pending")
    history.outcome(draft, "edited", agent="ann", similarity=0.95, bypass=True)
    history.outcome(history.draft("T31"), "accepted", similarity=1.0)

    [bypass] = gate_bypasses(history.session, history.tenant.id, WINDOW)

    assert (bypass.ticket_id, bypass.agent, bypass.similarity) == ("T30", "ann", 0.95)
    assert (bypass.rules, bypass.domains) == (("insurance/coverage",), ("insurance",))
    assert (bypass.gate_status, bypass.review_status, bypass.reviewer) == (
        "review_required",
        "pending",
        "",
    )


def test_edited_away_sources_count_removed_and_changed_sentences_per_section(
    history: History,
) -> None:
    edit_history(history)

    reset, wifi = edited_away_sources(history.session, history.tenant.id, WINDOW, min_cited=2)

    assert (reset.title, reset.cited, reset.removed, reset.changed, reset.rate) == (
        "Reset › Factory reset",
        1,
        1,
        0,
        1.0,
    )
    assert reset.revise is False  # one cited sentence is not enough to ask for a revision
    assert (wifi.title, wifi.cited, wifi.removed, wifi.changed, wifi.rate) == (
        "Wi-Fi › Restart",
        2,
        0,
        1,
        0.5,
    )
    assert wifi.revise is True
    assert [(e.cited, e.sent) for e in wifi.examples] == [
        ("Then pair it again.", "Then pair it in the app again.")
    ]


def test_escalations_sent_back_held_or_unseen_per_intent(history: History) -> None:
    escalation_history(history)

    refund, incident = escalation_correctness(history.session, history.tenant.id, WINDOW)

    assert (incident.key, incident.escalations, incident.sent_back, incident.wrong_rate) == (
        "incident",
        1,
        1,
        1.0,
    )
    assert (refund.key, refund.escalations, refund.held, refund.unseen, refund.wrong_rate) == (
        "refund",
        2,
        1,
        1,
        0.0,
    )


class FakeTopics:
    """Two refund tickets point one way, a Wi-Fi ticket another."""

    TOPICS = {
        "T40": Topic("Refund for the invoice of <PERSON_1>", (1.0, 0.0)),
        "T41": Topic("Invoice refund still missing", (0.96, 0.28)),
        "T42": Topic("Router keeps dropping wifi", (0.0, 1.0)),
    }

    def __call__(self, ticket_ids: Sequence[str]) -> dict[str, Topic]:
        return {t: self.TOPICS[t] for t in ticket_ids if t in self.TOPICS}


def test_knowledge_gaps_cluster_weak_and_heavily_edited_tickets_by_topic(
    history: History,
) -> None:
    history.draft("T40", ago=20 * DAY, flags=["weak_evidence"])
    history.draft("T41", ago=2 * DAY, flags=["knowledge_gap"])
    history.outcome(history.draft("T42", ago=3 * DAY), "edited", similarity=0.3)
    history.outcome(history.draft("T43", ago=3 * DAY), "edited", similarity=0.9)  # no gap

    refunds, wifi = knowledge_gaps(history.session, history.tenant.id, WINDOW, FakeTopics())

    assert (refunds.size, refunds.earlier, refunds.later, refunds.trend) == (2, 1, 1, "steady")
    assert refunds.terms[:2] == ("invoice", "refund")
    assert refunds.examples[0] == ("T40", "Refund for the invoice of <PERSON_1>")
    assert (wifi.size, wifi.trend, wifi.title) == (1, "rising", "Router keeps dropping wifi")


def test_a_window_is_read_from_a_span() -> None:
    assert last("30d", NOW).since == NOW - 30 * DAY
    with pytest.raises(InputError, match="Valid forms are: 12h, 30d, 4w"):
        last("a month", NOW)


def test_session_type_is_plain_sqlalchemy(history: History) -> None:
    assert isinstance(history.session, Session)
