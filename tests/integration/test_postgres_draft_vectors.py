"""Draft query vectors on a real PostgreSQL: stored with the finished draft, read back byte
for byte, and the knowledge gaps clustered from them as on SQLite."""

from __future__ import annotations

import numpy as np
import pytest

from backend import migrate
from backend.db import Database
from backend.drafts import DraftStore, vectors
from backend.drafts.vectors import DraftVector, QueryVector
from backend.learning.gaps import knowledge_gaps
from backend.learning.topics import DraftTopics
from backend.redaction import Vault
from backend.redaction.patterns import PatternRedactor
from backend.types import VerifiedDraft
from tests.gap_vectors_data import vector_gap_history
from tests.learning_data import WINDOW, History

pytestmark = pytest.mark.integration


def test_on_postgres_a_completed_draft_keeps_its_vector_and_a_failed_one_none(
    postgres_url: str,
) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    store = DraftStore(lambda: database.session(postgres_url), 60, 3)
    question = PatternRedactor().redact("Refund for jane@example.org please", Vault())
    vector = np.array([0.6, 0.8, 0.0], dtype=np.float32)
    ready, _ = store.request("acme", "T-1", "agent")
    failed, _ = store.request("acme", "T-2", "agent")

    claim = store.claim(ready.id)
    assert claim is not None
    result = VerifiedDraft("Refunds take 5 days.", (), (), (), "t", "m")
    store.complete(claim, result, {}, query=QueryVector("minilm", vector, question))
    lost = store.claim(failed.id)
    assert lost is not None
    store.fail(lost, "provider_rejected", "no")

    with database.session(postgres_url) as session:
        row = session.get(DraftVector, ready.id)
        assert row is not None
        assert (row.model, row.dimensions, row.question) == (
            "minilm",
            3,
            "Refund for <EMAIL_ADDRESS_1> please",
        )
        assert vectors.as_array(row).tolist() == pytest.approx([0.6, 0.8, 0.0])
        assert session.get(DraftVector, failed.id) is None
    database.dispose()


def test_on_postgres_the_knowledge_gaps_cluster_as_on_sqlite(postgres_url: str) -> None:
    migrate.upgrade(postgres_url)
    database = Database()
    with database.session(postgres_url) as session:
        history = History(session)
        vector_gap_history(history)
        topics = DraftTopics(session, history.tenant.id)
        found = knowledge_gaps(session, history.tenant.id, WINDOW, topics)
        members = [(c.size, [t for t, _ in c.examples]) for c in found]
    database.dispose()

    assert members == [(3, ["T6", "T4", "T5"]), (2, ["T1", "T2"]), (1, ["T3"])]
