"""Every SearchIndex implementation, built for one test: the embedded index always, Weaviate
only when WEAVIATE_URL points at a server (none can run on the build machines).

"weaviate-standin" drives the real Weaviate adapter and client over the wire against
tests/weaviate_standin.py: it proves what the adapter sends and how it reads replies, while
the stand-in's own ranking and filtering are simple imitations of Weaviate's."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.retrieval import SearchIndex
from backend.retrieval.lance import LanceIndex
from tests.weaviate_standin import Standin, running

DIMENSIONS = 4


def _weaviate() -> Iterator[SearchIndex]:
    url = os.environ.get("WEAVIATE_URL", "")
    if not url:
        pytest.skip("WEAVIATE_URL is not set: the Weaviate contract needs a running Weaviate")
    from backend.retrieval.weaviate import WeaviateIndex, connect
    from backend.retrieval.weaviate_schema import parse_url

    grpc_port = int(os.environ.get("WEAVIATE_GRPC_PORT", "50051"))
    api_key = os.environ.get("WEAVIATE_API_KEY", "")
    collection = f"PrecedentContract{uuid.uuid4().hex[:12]}"  # a fresh one per test
    index = WeaviateIndex(url, grpc_port=grpc_port, api_key=api_key, collection=collection)
    yield index
    index.close()
    client = connect(parse_url(url, grpc_port), api_key)
    try:
        client.collections.delete(collection)
    finally:
        client.close()


@pytest.fixture(scope="session")
def standin() -> Iterator[Standin]:
    with running() as server:
        yield server


def _standin(server: Standin) -> Iterator[SearchIndex]:
    from backend.retrieval.weaviate import WeaviateIndex

    collection = f"PrecedentContract{uuid.uuid4().hex[:12]}"  # a fresh one per test
    index = WeaviateIndex(server.url, grpc_port=server.grpc_port, collection=collection)
    yield index
    index.close()


@pytest.fixture(params=["lancedb", "weaviate-standin", "weaviate"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "lancedb":
        yield LanceIndex(str(tmp_path / "index"), DIMENSIONS)
    elif request.param == "weaviate-standin":
        yield from _standin(request.getfixturevalue("standin"))
    else:
        yield from _weaviate()
