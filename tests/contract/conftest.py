"""Every SearchIndex implementation, built for one test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.retrieval import SearchIndex
from backend.retrieval.lance import LanceIndex

DIMENSIONS = 4


@pytest.fixture(params=["lancedb"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    yield LanceIndex(str(tmp_path / "index"), DIMENSIONS)
