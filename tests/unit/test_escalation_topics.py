"""Escalation correctness per intent read from what the ticket asks: each escalated ticket's
topic cluster, clustered the way knowledge gaps are (backend/learning/gaps.py). SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from backend.db import Database
from backend.learning import escalations
from backend.learning.cli import insights
from backend.learning.gaps import Topic, TopicCluster, cluster_titles, topic_clusters
from backend.learning.signals import escalation_correctness
from backend.learning.topics import DraftTopics
from tests.escalation_topic_data import (
    BY_STORED_TOPIC,
    BY_TOPIC,
    AskedTopics,
    stored_topic_history,
)
from tests.learning_data import WINDOW, History
from tests.team_change_data import team_change_history
from tests.unit.test_escalation_history import figures


class FourTickets:
    """A and B ask about a refund, C about Wi-Fi; D cannot be read."""

    TOPICS = {
        "A": Topic("Refund for the invoice", (1.0, 0.0)),
        "B": Topic("Invoice refund missing", (0.96, 0.28)),
        "C": Topic("Router dropping wifi", (0.0, 1.0)),
    }

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, ticket_ids: Sequence[str]) -> dict[str, Topic]:
        self.asked += ticket_ids
        return {t: self.TOPICS[t] for t in ticket_ids if t in self.TOPICS}


def day(n: int) -> datetime:
    return datetime(2026, 3, n, tzinfo=UTC)


def test_any_tickets_are_clustered_oldest_first_each_at_its_newest_time() -> None:
    topics = FourTickets()
    # A is given twice: at its newest time, 5 March, it is the newest; B is the refund
    # cluster's first ticket, so its question orders the title
    given = [("A", day(5)), ("B", day(3)), ("C", day(2)), ("D", day(4)), ("A", day(1))]

    found = topic_clusters(given, topics)

    assert topics.asked == ["C", "B", "D", "A"]
    assert found == [
        TopicCluster("Router dropping wifi", ("dropping", "router", "wifi"), ("C",),
                     ("Router dropping wifi",)),
        TopicCluster("Invoice refund missing", ("invoice", "refund", "missing"), ("B", "A"),
                     ("Invoice refund missing", "Refund for the invoice")),
    ]  # fmt: skip
    assert cluster_titles(given, FourTickets()) == {  # C alone: its own words, no title
        "B": "Invoice refund missing",
        "A": "Invoice refund missing",
    }
    assert cluster_titles(given, FourTickets(), least=1)["C"] == "Router dropping wifi"


def test_by_topic_escalations_are_counted_per_cluster_across_ticket_types(
    history: History,
) -> None:
    team_change_history(history)
    topics = AskedTopics()

    found = escalation_correctness(
        history.session, history.tenant.id, WINDOW, "topic", topics=topics
    )

    assert figures(found) == BY_TOPIC
    assert topics.asked == ["T20", "T21", "T22", "T23", "T24", "T25"]  # escalated only


def test_by_topic_the_clusters_are_of_the_filtered_escalations_only(history: History) -> None:
    team_change_history(history)

    found = escalation_correctness(
        history.session, history.tenant.id, WINDOW, "topic", {"team": "Billing"}, AskedTopics()
    )

    # T23 alone now: its own question would title it, so it joins T24 under no shared topic
    assert figures(found) == [
        ("", 2, 0, 0, 1, 1, 0, 1, 0.0),
        ("Refund missing invoice", 2, 0, 1, 1, 0, 2, 0, 0.5),
    ]


def test_by_topic_the_stored_query_vectors_and_draft_words_name_the_intents(
    history: History,
) -> None:
    stored_topic_history(history)

    found = escalation_correctness(history.session, history.tenant.id, WINDOW, "topic")
    by_type = escalation_correctness(history.session, history.tenant.id, WINDOW)

    assert figures(found) == BY_STORED_TOPIC
    assert figures(by_type) == [("question", 4, 1, 1, 1, 1, 3, 0, 0.6667)]


def test_by_topic_an_explicit_draft_topics_gives_the_same_figures(history: History) -> None:
    stored_topic_history(history)
    topics = DraftTopics(history.session, history.tenant.id, model="minilm")

    found = escalation_correctness(
        history.session, history.tenant.id, WINDOW, "topic", topics=topics
    )

    assert figures(found) == BY_STORED_TOPIC


def test_the_cli_prints_the_escalations_per_topic(
    learning_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = Database()
    with database.session(learning_url) as session:
        stored_topic_history(History(session, "acme"))
    database.dispose()
    monkeypatch.setenv("PRECEDENT_DATABASE_URL", learning_url)
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path))

    result = CliRunner().invoke(
        insights, ["escalations", "--tenant", "acme", "--since", "3650d", "--by", "topic"]
    )

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "escalations:",
        "  (no shared topic): 2, sent back 0, re-routed 1, held 0, unseen 1 (judged from"
        " helpdesk changes 1, from later drafts 0)",
        "  Refund invoice missing: 2, sent back 1, re-routed 0, held 1, unseen 0 (judged from"
        " helpdesk changes 2, from later drafts 0)",
    ]


def test_by_topic_only_the_newest_escalations_are_clustered_and_the_rest_counted(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    team_change_history(history)
    monkeypatch.setattr(escalations, "TOPICS", 2)
    session, tenant_id = history.session, history.tenant.id

    found = escalation_correctness(session, tenant_id, WINDOW, "topic", topics=AskedTopics())

    assert sum(r.escalations for r in found) == 2
    assert escalations.left_out(session, tenant_id, WINDOW) == 4  # of the six
    assert escalations.left_out(session, tenant_id, WINDOW, {"agent": "bob"}) == 1  # of three
