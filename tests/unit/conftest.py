"""Fixtures shared by the gate's test modules: the MiniLM embedder and the shipped policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.gate import PolicySet, load_policies
from backend.retrieval import Embedder, embedders

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    made: Embedder = embedders.get("minilm-onnx")(threads=1)  # type: ignore[call-arg]
    return made


@pytest.fixture(scope="module")
def shipped(embedder: Embedder) -> PolicySet:
    return load_policies(POLICIES, embedder)
