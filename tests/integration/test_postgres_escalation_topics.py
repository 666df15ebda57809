"""Escalation correctness by topic on a real PostgreSQL: the SQLite figures, with a Topics
double and with the stored query vectors and draft words ``DraftTopics`` reads."""

from __future__ import annotations

import pytest

from backend import migrate
from backend.db import Database
from backend.learning.signals import escalation_correctness
from tests.escalation_topic_data import (
    BY_STORED_TOPIC,
    BY_TOPIC,
    AskedTopics,
    stored_topic_history,
)
from tests.learning_data import WINDOW, History
from tests.team_change_data import other_tenant_moves, team_change_history
from tests.unit.test_escalation_history import figures

pytestmark = pytest.mark.integration


def test_on_postgres_the_escalations_by_topic_are_the_sqlite_figures(postgres_url: str) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        asked = History(session, "acme")
        team_change_history(asked)
        other_tenant_moves(History(session, "globex"))
        stored = History(session, "initech")
        stored_topic_history(stored)
        by_asked = escalation_correctness(session, asked.tenant.id, WINDOW, "topic", None,
                                          AskedTopics())  # fmt: skip
        by_stored = escalation_correctness(session, stored.tenant.id, WINDOW, "topic")
    database.dispose()

    assert figures(by_asked) == BY_TOPIC
    assert figures(by_stored) == BY_STORED_TOPIC
