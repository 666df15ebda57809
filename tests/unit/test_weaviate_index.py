"""The Weaviate index without a Weaviate server: what it builds from the client's own
classes, what the real client then sends over the wire (to tests/weaviate_standin.py), how
it is configured, and how Weaviate's failures reach the reader."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from weaviate.classes.config import DataType, Tokenization
from weaviate.classes.query import HybridFusion
from weaviate.collections.classes.filters import _FilterAnd, _FilterValue, _Operator
from weaviate.exceptions import (
    AuthenticationFailedError,
    UnexpectedStatusCodeError,
    WeaviateConnectionError,
    WeaviateInvalidInputError,
    WeaviateQueryError,
)

from backend import create_app
from backend.errors import ConfigError, IndexUnavailable, InputError, PrecedentError
from backend.redaction import seal
from backend.retrieval import IndexRecord, indexes
from backend.retrieval.revision import RevisedIndex
from backend.retrieval.weaviate import WeaviateIndex, vendor_errors
from backend.retrieval.weaviate_schema import (
    data_object,
    fusion_type,
    hybrid_arguments,
    object_id,
    parse_url,
    replication_config,
    schema_properties,
    search_filter,
    source_filter,
    tenancy_config,
    to_source,
    vector_config,
)
from backend.services import build
from tests.weaviate_standin import Standin, running

TICKET = IndexRecord(
    kind="ticket",
    source_id="T-1",
    chunk_id="ticket:T-1",
    title="Wi-Fi pairing",
    url="https://t/T-1",
    text=seal("purifier shows E-104"),
    answer=seal("use a 2.4 GHz network"),
    updated_at="2026-03-02T11:00:00+01:00",
)


def test_when_the_schema_is_built_then_only_the_matched_text_is_searchable_by_words() -> None:
    properties = {p.name: p for p in schema_properties()}
    assert list(properties) == [
        "kind", "source_id", "chunk_id", "title", "url", "text", "answer", "updated_at"
    ]  # fmt: skip
    searchable = [n for n, p in properties.items() if p.indexSearchable is not False]
    assert searchable == ["text", "updated_at"]  # a date is never tokenised
    assert properties["text"].tokenization == Tokenization.WORD
    for exact in ("kind", "source_id", "chunk_id"):
        assert properties[exact].tokenization == Tokenization.FIELD
    assert properties["updated_at"].dataType == DataType.DATE
    assert properties["updated_at"].indexRangeFilters is True


def test_when_the_schema_is_built_then_vectors_are_ours_and_compared_by_cosine() -> None:
    assert vector_config()._to_dict() == {
        "vectorizer": {"none": {}},
        "vectorIndexType": "hnsw",
        "vectorIndexConfig": {"distance": "cosine"},
    }


def test_when_the_schema_is_built_then_each_account_is_a_tenant_created_only_by_us() -> None:
    assert tenancy_config()._to_dict() == {
        "enabled": True,
        "autoTenantCreation": False,
        "autoTenantActivation": True,
    }


def test_when_the_schema_is_built_then_the_replication_factor_is_the_setting() -> None:
    assert replication_config(3)._to_dict() == {"factor": 3}


def test_when_a_record_becomes_an_object_then_its_id_is_fixed_by_tenant_and_chunk() -> None:
    vector = np.asarray([0.6, 0.8], dtype=np.float32)
    obj = data_object("acme", TICKET, vector)
    assert obj.uuid == object_id("acme", "ticket:T-1") == data_object("acme", TICKET, vector).uuid
    assert object_id("globex", "ticket:T-1") != obj.uuid
    assert obj.vector == pytest.approx([0.6, 0.8])
    assert obj.properties == {
        "kind": "ticket",
        "source_id": "T-1",
        "chunk_id": "ticket:T-1",
        "title": "Wi-Fi pairing",
        "url": "https://t/T-1",
        "text": "purifier shows E-104",
        "answer": "use a 2.4 GHz network",
        "updated_at": datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    }


def test_when_a_record_is_undated_then_the_object_has_no_date() -> None:
    undated = IndexRecord("doc", "a.md", "doc:a.md#x", "A", "", seal("t"), seal("a"), "")
    assert "updated_at" not in data_object("acme", undated, np.ones(2, np.float32)).properties


def _values(where: Any) -> list[tuple[Any, _Operator, Any]]:
    parts = where.filters if isinstance(where, _FilterAnd) else [where]
    values = [p for p in parts if isinstance(p, _FilterValue)]
    assert len(values) == len(parts)
    return [(p.target, p.operator, p.value) for p in values]


def test_when_searching_one_kind_then_the_filter_is_on_kind_only() -> None:
    assert _values(search_filter("doc")) == [("kind", _Operator.EQUAL, "doc")]


def test_when_searching_after_a_date_then_the_filter_adds_a_utc_lower_bound() -> None:
    assert _values(search_filter("ticket", "2026-03-01")) == [
        ("kind", _Operator.EQUAL, "ticket"),
        ("updated_at", _Operator.GREATER_THAN, datetime(2026, 3, 1, tzinfo=UTC)),
    ]


def test_when_deleting_sources_then_the_filter_names_the_kind_and_every_id() -> None:
    assert _values(source_filter("doc", ["a.md", "b.md"])) == [
        ("kind", _Operator.EQUAL, "doc"),
        ("source_id", _Operator.CONTAINS_ANY, ["a.md", "b.md"]),
    ]


@pytest.mark.parametrize(
    ("name", "fusion"),
    [("relative_score", HybridFusion.RELATIVE_SCORE), ("ranked", HybridFusion.RANKED)],
)
def test_when_a_fusion_is_named_then_the_hybrid_query_uses_it(
    name: str, fusion: HybridFusion
) -> None:
    arguments = hybrid_arguments("wifi E104", np.ones(2, np.float32), 0.25, fusion_type(name))
    assert arguments == {
        "query": "wifi E104",
        "vector": [1.0, 1.0],
        "alpha": 0.25,
        "fusion_type": fusion,
        "query_properties": ["text"],
    }


def test_when_a_fusion_is_unknown_then_the_valid_ones_are_listed() -> None:
    with pytest.raises(ConfigError) as error:
        fusion_type("rrf")
    assert error.value.message == (
        "PRECEDENT_HYBRID_FUSION 'rrf' is unknown. Valid values are: relative_score, ranked"
    )


PROPERTIES = {
    "kind": "ticket",
    "source_id": "T-1",
    "chunk_id": "ticket:T-1",
    "title": "t",
    "url": None,
    "text": "x",
    "answer": "y",
}


@pytest.mark.parametrize(
    ("distance", "stored", "score"),
    [
        (0.25, {}, 0.75),  # a vector search: score = 1 - cosine distance
        (None, {"default": [0.6, 0.8]}, 0.6),  # hybrid or BM25: cosine from the stored vector
        (1.4, {}, 0.0),  # opposite directions are clamped to 0
    ],
)
def test_when_a_result_is_converted_then_its_score_is_the_cosine_similarity(
    distance: float | None, stored: dict[str, list[float]], score: float
) -> None:
    source = to_source(PROPERTIES, distance, stored, np.asarray([1.0, 0.0], np.float32))
    assert source.score == pytest.approx(score)
    assert (source.source_id, source.url) == ("T-1", "")


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("http://weaviate:8080", ("weaviate", 8080, False, 50051)),
        ("https://vectors.example.com", ("vectors.example.com", 443, True, 50051)),
    ],
)
def test_when_a_url_is_given_then_rest_and_grpc_share_host_and_security(
    url: str, endpoint: tuple[str, int, bool, int]
) -> None:
    assert parse_url(url, 50051) == endpoint


@pytest.mark.parametrize("url", ["", "weaviate:8080", "grpc://weaviate:50051"])
def test_when_the_url_is_not_http_then_construction_fails_naming_the_setting(url: str) -> None:
    with pytest.raises(ConfigError, match="^PRECEDENT_WEAVIATE_URL must be an http"):
        WeaviateIndex(url)


def test_when_rest_and_grpc_ports_are_the_same_then_construction_fails() -> None:
    with pytest.raises(ConfigError, match="GRPC_PORT must differ from the REST port"):
        WeaviateIndex("http://weaviate:50051")


def _status(code: int) -> UnexpectedStatusCodeError:
    request = httpx.Request("GET", "http://weaviate:8080/v1/schema")
    return UnexpectedStatusCodeError("schema", httpx.Response(code, request=request, text="no"))


@pytest.mark.parametrize(
    ("vendor", "ours", "message"),
    [
        (WeaviateConnectionError("refused"), IndexUnavailable, "Weaviate is unavailable"),
        (WeaviateQueryError("shard down", "GRPC search"), IndexUnavailable, "Weaviate is unav"),
        (_status(503), IndexUnavailable, "Weaviate failed while searching the index"),
        (_status(401), ConfigError, "check PRECEDENT_WEAVIATE_API_KEY"),
        (AuthenticationFailedError("bad key"), ConfigError, "check PRECEDENT_WEAVIATE_API_KEY"),
        (WeaviateInvalidInputError("bad"), InputError, "Weaviate refused the request"),
    ],
)
def test_when_weaviate_fails_then_the_reader_gets_our_error_without_vendor_details(
    vendor: Exception, ours: type[PrecedentError], message: str
) -> None:
    with pytest.raises(ours, match=message) as error, vendor_errors("searching"):
        raise vendor
    assert "shard down" not in error.value.message and "bad key" not in error.value.message


def test_when_weaviate_cannot_be_reached_then_the_index_is_unavailable_not_crashed() -> None:
    index = WeaviateIndex("http://127.0.0.1:9", grpc_port=10)  # nothing listens on 9 or 10
    with pytest.raises(IndexUnavailable):
        index.source_ids("acme", "ticket")
    index.close()


def test_when_settings_choose_weaviate_then_build_makes_it_without_connecting(
    tmp_path: Path,
) -> None:
    app = create_app(
        {
            "DATA_DIR": str(tmp_path),
            "INDEX": "weaviate",
            "WEAVIATE_URL": "http://127.0.0.1:9",  # unreachable: construction must not care
            "HYBRID_ALPHA": "0.3",
            "HYBRID_FUSION": "ranked",
            "WEAVIATE_REPLICATION": "3",
            "REDACTOR": "patterns",
            "POLICIES_DIR": "",
        }
    )
    built = build(app.config).index  # wrapped: documentation changes move the knowledge revision
    assert isinstance(built, RevisedIndex)
    index = built.inner
    assert isinstance(index, WeaviateIndex) and indexes.get("weaviate") is WeaviateIndex
    assert (index._alpha, index._fusion, index._replication) == (0.3, HybridFusion.RANKED, 3)


def test_when_hybrid_settings_come_from_the_environment_then_they_are_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRECEDENT_HYBRID_ALPHA", "0.75")
    assert create_app().config["HYBRID_ALPHA"] == 0.75
    monkeypatch.setenv("PRECEDENT_HYBRID_ALPHA", "mostly vectors")
    with pytest.raises(ConfigError, match=r"^PRECEDENT_HYBRID_ALPHA must be a number, got 'mo"):
        create_app()
    monkeypatch.setenv("PRECEDENT_HYBRID_ALPHA", "1.5")
    with pytest.raises(ConfigError, match=r"^PRECEDENT_HYBRID_ALPHA must be from 0 to 1, got 1.5"):
        create_app()
    monkeypatch.setenv("PRECEDENT_HYBRID_ALPHA", "0.5")
    monkeypatch.setenv("PRECEDENT_HYBRID_FUSION", "rrf")
    with pytest.raises(ConfigError, match=r"Valid values are: relative_score, ranked$"):
        create_app()


# --- over the wire: the real client against tests/weaviate_standin.py ------------------------


@pytest.fixture(scope="module")
def standin() -> Iterator[Standin]:
    with running() as server:
        yield server


def _index(server: Standin, name: str) -> WeaviateIndex:
    return WeaviateIndex(
        server.url, grpc_port=server.grpc_port, collection=name, alpha=0.3, fusion="ranked"
    )


def test_when_the_index_is_first_used_then_it_creates_the_collection_and_tenant(
    standin: Standin,
) -> None:
    index = _index(standin, "FirstUse")
    assert "FirstUse" not in standin.classes  # constructing connects to nothing
    index.upsert("acme", [TICKET], np.ones((1, 2), np.float32))
    created = standin.classes["FirstUse"]
    assert created["multiTenancyConfig"] == {
        "enabled": True,
        "autoTenantCreation": False,
        "autoTenantActivation": True,
    }
    assert created["vectorConfig"]["default"]["vectorizer"] == {"none": {}}
    assert standin.tenants["FirstUse"] == {"acme"}
    index.close()


def test_when_records_are_upserted_then_the_batch_names_tenant_ids_and_vectors(
    standin: Standin,
) -> None:
    index = _index(standin, "Upserts")
    index.upsert("acme", [TICKET], np.asarray([[0.6, 0.8]], np.float32))
    batch = [r for r in standin.requests if hasattr(r, "objects")][-1]
    (sent,) = batch.objects
    assert (sent.collection, sent.tenant) == ("Upserts", "acme")
    assert sent.uuid == object_id("acme", "ticket:T-1")
    assert np.frombuffer(sent.vector_bytes, "<f4") == pytest.approx([0.6, 0.8])
    index.close()


def test_when_searching_hybrid_then_the_request_carries_the_settings_and_filters(
    standin: Standin,
) -> None:
    index = _index(standin, "Hybrid")
    index.upsert("acme", [TICKET], np.ones((1, 2), np.float32))
    query = seal("<PERSON_1> says E-104 again")
    hits = index.search("acme", "ticket", query, np.ones(2, np.float32), 3, "hybrid", "2026-03-01")
    assert [h.source_id for h in hits] == ["T-1"]
    searches = [r for r in standin.requests if hasattr(r, "hybrid_search")]
    request = [r for r in searches if r.HasField("hybrid_search")][-1]
    assert (request.collection, request.tenant, request.limit) == ("Hybrid", "acme", 3)
    hybrid = request.hybrid_search
    assert (hybrid.query, list(hybrid.properties)) == ("says 104 again", ["text"])
    assert hybrid.alpha == pytest.approx(0.3)
    assert hybrid.fusion_type == hybrid.FusionType.FUSION_TYPE_RANKED
    kind, after = request.filters.filters
    assert (kind.target.property, kind.value_text) == ("kind", "ticket")
    assert (after.target.property, after.value_text) == (
        "updated_at",
        "2026-03-01T00:00:00.000000+00:00",
    )
    index.close()
