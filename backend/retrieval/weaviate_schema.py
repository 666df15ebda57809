"""What the Weaviate index sends: schema, objects, filters and hybrid arguments, built
from the client's own classes and kept free of connections so tests can inspect them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from weaviate.classes.config import Configure, DataType, Property, Tokenization, VectorDistances
from weaviate.classes.data import DataObject
from weaviate.classes.query import Filter, HybridFusion
from weaviate.collections.classes.config import (
    MultiTenancyConfigCreate,
    ReplicationConfigCreate,
)
from weaviate.collections.classes.config_vectors import VectorConfigCreate
from weaviate.collections.classes.filters import _Filters
from weaviate.util import generate_uuid5

from backend.errors import ConfigError
from backend.retrieval import IndexRecord, Vectors
from backend.retrieval.fields import timestamp
from backend.types import Source, SourceKind

FUSIONS: dict[str, HybridFusion] = {
    "relative_score": HybridFusion.RELATIVE_SCORE,
    "ranked": HybridFusion.RANKED,
}

Endpoint = tuple[str, int, bool, int]  # host, http port, secure, gRPC port


def parse_url(url: str, grpc_port: int) -> Endpoint:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"PRECEDENT_WEAVIATE_URL must be an http:// or https:// URL, got '{url}'")
    secure = parts.scheme == "https"
    try:
        port = parts.port or (443 if secure else 80)
    except ValueError:
        raise ConfigError(f"PRECEDENT_WEAVIATE_URL has a bad port: '{url}'") from None
    if grpc_port == port:  # REST and gRPC share the host, so they cannot share the port
        raise ConfigError(
            f"PRECEDENT_WEAVIATE_GRPC_PORT must differ from the REST port of "
            f"PRECEDENT_WEAVIATE_URL, both are {port}"
        )
    return parts.hostname, port, secure, grpc_port


def fusion_type(name: str) -> HybridFusion:
    if name not in FUSIONS:
        valid = ", ".join(FUSIONS)
        raise ConfigError(f"PRECEDENT_HYBRID_FUSION '{name}' is unknown. Valid values are: {valid}")
    return FUSIONS[name]


def schema_properties() -> list[Property]:
    # Filtered on exactly, never matched as words.
    def exact(name: str) -> Property:
        return Property(
            name=name,
            data_type=DataType.TEXT,
            tokenization=Tokenization.FIELD,
            index_searchable=False,
        )

    # Only returned: no index at all.
    def stored(name: str) -> Property:
        return Property(
            name=name, data_type=DataType.TEXT, index_searchable=False, index_filterable=False
        )

    return [
        exact("kind"),
        exact("source_id"),
        exact("chunk_id"),
        stored("title"),
        stored("url"),
        Property(name="text", data_type=DataType.TEXT, tokenization=Tokenization.WORD),
        stored("answer"),
        Property(name="updated_at", data_type=DataType.DATE, index_range_filters=True),
    ]


def vector_config() -> VectorConfigCreate:
    hnsw = Configure.VectorIndex.hnsw(distance_metric=VectorDistances.COSINE)
    config: VectorConfigCreate = Configure.Vectors.self_provided(vector_index_config=hnsw)
    return config


def replication_config(factor: int) -> ReplicationConfigCreate:
    # Each tenant is one shard; with a factor of n it lives on n nodes.
    return Configure.replication(factor=factor)


def tenancy_config() -> MultiTenancyConfigCreate:
    # Tenants are created explicitly on first upsert, never as a side effect of a write
    # or a typo; an inactive tenant is woken up on access.
    return Configure.multi_tenancy(
        enabled=True, auto_tenant_creation=False, auto_tenant_activation=True
    )


def object_id(tenant: str, chunk_id: str) -> str:
    return generate_uuid5(f"{tenant}\x1f{chunk_id}")


def data_object(tenant: str, record: IndexRecord, vector: Vectors) -> DataObject[Any, Any]:
    updated = timestamp(record.updated_at, f"{record.chunk_id} updated_at")
    properties: dict[str, Any] = {
        "kind": record.kind,
        "source_id": record.source_id,
        "chunk_id": record.chunk_id,
        "title": record.title,
        "url": record.url,
        "text": record.text.text,
        "answer": record.answer.text,
    }
    if updated is not None:  # undated sources stay null and never match a date filter
        properties["updated_at"] = updated
    return DataObject(
        properties=properties, uuid=object_id(tenant, record.chunk_id), vector=floats(vector)
    )


def search_filter(kind: SourceKind, updated_after: str | None = None) -> _Filters:
    by_kind = Filter.by_property("kind").equal(kind)
    after = timestamp(updated_after, "updated_after") if updated_after is not None else None
    if after is None:
        return by_kind
    return Filter.all_of([by_kind, Filter.by_property("updated_at").greater_than(after)])


def source_filter(kind: SourceKind, source_ids: Sequence[str]) -> _Filters:
    return Filter.all_of(
        [
            Filter.by_property("kind").equal(kind),
            Filter.by_property("source_id").contains_any(list(source_ids)),
        ]
    )


def hybrid_arguments(
    words: str, vector: Vectors, alpha: float, fusion: HybridFusion
) -> dict[str, Any]:
    return {
        "query": words,
        "vector": floats(vector),
        "alpha": alpha,
        "fusion_type": fusion,
        "query_properties": ["text"],
    }


def to_source(
    properties: Any, distance: float | None, stored: Any, query_vector: Vectors
) -> Source:
    """Our score is the cosine similarity of query and source, whatever ranked the source."""
    if distance is not None:
        similarity = 1.0 - distance
    else:
        # Hybrid and BM25 scores are fusion or keyword scores, not similarities.
        # The collection has one unnamed vector, which Weaviate calls "default".
        vector: list[float] = stored.get("default") or next(iter(stored.values()), [])
        similarity = float(np.dot(np.asarray(vector, np.float32), query_vector)) if vector else 0.0
    return Source(
        kind=properties["kind"],
        source_id=properties["source_id"],
        chunk_id=properties["chunk_id"],
        title=properties["title"] or "",
        url=properties["url"] or "",
        text=properties["text"] or "",
        answer=properties["answer"] or "",
        score=max(0.0, min(1.0, similarity)),
    )


def floats(vector: Vectors) -> list[float]:
    return [float(x) for x in np.asarray(vector, dtype=np.float32).ravel()]
