"""A wire-level stand-in for Weaviate: just enough REST and gRPC, in memory, for the real
weaviate-client to drive our WeaviateIndex end to end without a Weaviate server.

It answers /v1/meta, readiness, schema and tenant calls over REST, and Search,
BatchObjects and BatchDelete over gRPC, using the protobuf stubs shipped in weaviate-client.
Ranking is deliberately simple (cosine for vector and hybrid, shared words for BM25): it
checks what the adapter sends and how it reads replies, not Weaviate's relevance.
"""

from __future__ import annotations

import json
import logging
import re
import struct
import threading
import uuid
from collections.abc import Iterator, Sequence
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc  # type: ignore[import-untyped]
import numpy as np
from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]
from weaviate.proto.v1 import (
    base_pb2,
    batch_delete_pb2,
    batch_pb2,
    properties_pb2,
    search_get_pb2,
    weaviate_pb2_grpc,
)
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

Op = base_pb2.Filters


@dataclass
class Stored:
    id: uuid.UUID
    properties: dict[str, Any]
    vector: np.ndarray


@dataclass
class Standin:
    """What the stand-in holds, and every gRPC request it received, for tests to inspect."""

    classes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tenants: dict[str, set[str]] = field(default_factory=dict)
    objects: dict[tuple[str, str], dict[uuid.UUID, Stored]] = field(default_factory=dict)
    requests: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""
    grpc_port: int = 0

    def rows(self, collection: str, tenant: str) -> dict[uuid.UUID, Stored]:
        return self.objects.setdefault((collection, tenant), {})


# --- REST ------------------------------------------------------------------------------------


HNSW = {
    "cleanupIntervalSeconds": 300, "distance": "cosine", "dynamicEfFactor": 8,
    "dynamicEfMax": 500, "dynamicEfMin": 100, "ef": -1, "efConstruction": 128,
    "filterStrategy": "sweeping", "flatSearchCutoff": 40000, "maxConnections": 32,
    "skip": False, "vectorCacheMaxObjects": 1000000000000,
}  # fmt: skip


def _full_class(body: dict[str, Any]) -> dict[str, Any]:
    """The class as a server returns it: what was sent plus the defaults it fills in."""
    mt = {"autoTenantActivation": False, "autoTenantCreation": False, "enabled": False}
    return {
        **body,
        "invertedIndexConfig": {
            "bm25": {"b": 0.75, "k1": 1.2},
            "cleanupIntervalSeconds": 60,
            "stopwords": {"preset": "en", "additions": None, "removals": None},
        },
        "multiTenancyConfig": {**mt, **body.get("multiTenancyConfig", {})},
        "replicationConfig": {"factor": 1, **body.get("replicationConfig", {})},
        "shardingConfig": {"virtualPerPhysical": 0, "desiredCount": 0, "actualCount": 0,
                           "desiredVirtualCount": 0, "actualVirtualCount": 0, "key": "",
                           "strategy": "", "function": ""},
        "vectorConfig": {
            name: {**config, "vectorIndexConfig": {**HNSW, **config.get("vectorIndexConfig", {})}}
            for name, config in body.get("vectorConfig", {}).items()
        },
        "properties": [
            {"indexFilterable": True, "indexSearchable": True, "indexRangeFilters": False,
             "tokenization": None, **p}
            for p in body.get("properties", [])
        ],
    }  # fmt: skip


def _rest(state: Standin, request: Request) -> Response:
    path, method = request.path, request.method
    if path == "/v1/meta":
        return _json({"version": "1.30.0", "hostname": "http://standin", "modules": {}})
    if path == "/v1/.well-known/ready":
        return Response(status=200)
    if path == "/v1/schema" and method == "POST":
        body = json.loads(request.get_data())
        state.classes[body["class"]] = _full_class(body)
        state.tenants[body["class"]] = set()
        return _json(state.classes[body["class"]])
    if match := re.fullmatch(r"/v1/schema/(\w+)", path):
        found = state.classes.get(match[1])
        return _json(found) if found else Response(status=404)
    if match := re.fullmatch(r"/v1/schema/(\w+)/tenants/([\w-]+)", path):
        return Response(status=200 if match[2] in state.tenants.get(match[1], ()) else 404)
    if (match := re.fullmatch(r"/v1/schema/(\w+)/tenants", path)) and method == "POST":
        names = [t["name"] for t in json.loads(request.get_data())]
        state.tenants[match[1]].update(names)
        return _json([{"name": n} for n in names])
    return Response(f"stand-in does not know {method} {path}", status=501)


def _json(value: Any) -> Response:
    return Response(json.dumps(value), status=200, content_type="application/json")


# --- gRPC ------------------------------------------------------------------------------------


class _Weaviate(weaviate_pb2_grpc.WeaviateServicer):
    def __init__(self, state: Standin) -> None:
        self.state = state

    def BatchObjects(self, request: Any, context: Any) -> Any:  # noqa: N802 (gRPC's name)
        with self.state.lock:
            self.state.requests.append(request)
            for obj in request.objects:
                properties = MessageToDict(obj.properties.non_ref_properties)
                stored = Stored(uuid.UUID(obj.uuid), properties, _vector(obj))
                self.state.rows(obj.collection, obj.tenant)[stored.id] = stored
        return batch_pb2.BatchObjectsReply()

    def BatchDelete(self, request: Any, context: Any) -> Any:  # noqa: N802
        with self.state.lock:
            self.state.requests.append(request)
            rows = self.state.rows(request.collection, request.tenant)
            gone = [key for key, row in rows.items() if _matches(request.filters, row.properties)]
            for key in gone:
                del rows[key]
        return batch_delete_pb2.BatchDeleteReply(matches=len(gone), successful=len(gone))

    def Search(self, request: Any, context: Any) -> Any:  # noqa: N802
        with self.state.lock:
            self.state.requests.append(request)
            rows = list(self.state.rows(request.collection, request.tenant).values())
        if request.HasField("filters"):
            rows = [r for r in rows if _matches(request.filters, r.properties)]
        ranked = _rank(request, rows)
        return search_get_pb2.SearchReply(
            results=[_result(request, row, distance) for row, distance in ranked]
        )


def _vector(obj: Any) -> np.ndarray:
    raw = obj.vector_bytes or (obj.vectors[0].vector_bytes if obj.vectors else b"")
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


def _query_vector(search: Any) -> np.ndarray:
    raw = search.vector_bytes or (search.vectors[0].vector_bytes if search.vectors else b"")
    if not raw and search.HasField("near_vector"):
        return _query_vector(search.near_vector)
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


Ranked = Sequence[tuple[Stored, float | None]]  # with the vector distance when one is due


def _rank(request: Any, rows: list[Stored]) -> Ranked:
    if request.HasField("near_vector") or request.HasField("hybrid_search"):
        search = request.near_vector if request.HasField("near_vector") else request.hybrid_search
        query = _query_vector(search)
        scored = [(row, 1.0 - float(np.dot(row.vector, query))) for row in rows]
        ranked = sorted(scored, key=lambda pair: pair[1])
        if request.HasField("hybrid_search"):
            return [(row, None) for row, _ in ranked][: request.limit]
        return ranked[: request.limit]
    if request.HasField("bm25_search"):
        words = set(request.bm25_search.query.lower().split())
        hits = [(len(words & set(r.properties["text"].lower().split())), r) for r in rows]
        best = sorted((pair for pair in hits if pair[0]), key=lambda pair: -pair[0])
        return [(row, None) for _, row in best][: request.limit]
    after = uuid.UUID(request.after) if request.after else None  # the iterator's cursor
    ordered = sorted((r for r in rows if after is None or r.id > after), key=lambda r: r.id)
    return [(row, None) for row in ordered][: request.limit]


def _matches(where: Any, properties: dict[str, Any]) -> bool:
    if where.operator == Op.OPERATOR_AND:
        return all(_matches(part, properties) for part in where.filters)
    value = properties.get(where.target.property)
    if where.operator == Op.OPERATOR_EQUAL:
        return bool(value == where.value_text)
    if where.operator == Op.OPERATOR_CONTAINS_ANY:
        return value in list(where.value_text_array.values)
    if where.operator == Op.OPERATOR_GREATER_THAN:  # dates: RFC 3339 text in UTC
        return value is not None and _utc(value) > _utc(where.value_text)
    raise NotImplementedError(f"stand-in filter operator {where.operator}")


def _utc(text: str) -> str:
    from datetime import UTC, datetime

    return datetime.fromisoformat(text).astimezone(UTC).isoformat()


def _result(request: Any, row: Stored, distance: float | None) -> Any:
    wanted = set(request.properties.non_ref_properties)
    fields = {
        name: properties_pb2.Value(text_value=str(value))
        for name, value in row.properties.items()
        if name in wanted
    }
    metadata = search_get_pb2.MetadataResult(id=str(row.id), id_as_bytes=row.id.bytes)
    if distance is not None and request.metadata.distance:
        metadata.distance, metadata.distance_present = distance, True
    if request.metadata.vector or len(request.metadata.vectors):
        packed = struct.pack(f"<{len(row.vector)}f", *row.vector)
        single = base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32
        metadata.vectors.append(base_pb2.Vectors(name="default", vector_bytes=packed, type=single))
    props = search_get_pb2.PropertiesResult(non_ref_props=properties_pb2.Properties(fields=fields))
    return search_get_pb2.SearchResult(properties=props, metadata=metadata)


@contextmanager
def running() -> Iterator[Standin]:
    """Serve a fresh stand-in on free local ports for the duration of the block."""
    state = Standin()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    http = make_server("127.0.0.1", 0, lambda env, start: _rest(state, Request(env))(env, start))
    rpc = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    weaviate_pb2_grpc.add_WeaviateServicer_to_server(_Weaviate(state), rpc)  # type: ignore[no-untyped-call]
    state.grpc_port = rpc.add_insecure_port("127.0.0.1:0")
    state.url = f"http://127.0.0.1:{http.server_port}"
    rpc.start()
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        http.shutdown()
        rpc.stop(grace=None)
        thread.join(timeout=5)
