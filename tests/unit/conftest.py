"""Fixtures shared by unit test modules: the MiniLM embedder and the shipped policies (the
gate's), and a migrated SQLite database with a constructed history (the learning signals')."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend import migrate
from backend.db import Database
from backend.gate import PolicySet, load_policies
from backend.retrieval import Embedder, embedders
from tests.learning_data import History

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    made: Embedder = embedders.get("minilm-onnx")(threads=1)  # type: ignore[call-arg]
    return made


@pytest.fixture(scope="module")
def shipped(embedder: Embedder) -> PolicySet:
    return load_policies(POLICIES, embedder)


@pytest.fixture
def learning_url(tmp_path: Path) -> str:
    """A migrated SQLite database of its own."""
    url = f"sqlite:///{tmp_path / 'learning.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def history(learning_url: str) -> Iterator[History]:
    """Tenant "acme" on ``learning_url``, for constructed drafts and outcomes."""
    database = Database()
    with database.session(learning_url) as session:
        yield History(session)
    database.dispose()
