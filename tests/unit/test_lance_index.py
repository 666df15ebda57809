from pathlib import Path

import pytest

from backend.redaction import Vault, redactors, seal
from backend.retrieval import IndexRecord, embedders
from backend.retrieval.ingest import embed_records, ingest
from backend.retrieval.lance import LanceIndex

embedder = embedders.get("minilm-onnx")(threads=1)
redactor = redactors.get("patterns")()


def record(source_id: str, text: str, answer: str = "", kind: str = "ticket") -> IndexRecord:
    vault = Vault(numbered=False)
    return IndexRecord(
        kind=kind,
        source_id=source_id,
        chunk_id=f"{kind}:{source_id}",
        title=text[:20],  # type: ignore[arg-type]
        url="",
        text=redactor.redact(text, vault),
        answer=redactor.redact(answer, vault),
        updated_at="",
    )


RECORDS = [
    record("1", "Purifier shows E-104 when pairing with Wi-Fi", "Use a 2.4 GHz network."),
    record("2", "Refund for annual subscription", "Annual plans are refunded pro rata."),
    record("3", "Fan grinding noise and E-330", "Clean the fan."),
]


@pytest.fixture
def index(tmp_path: Path) -> LanceIndex:
    idx = LanceIndex(str(tmp_path / "index"), embedder.dimensions)
    ingest("acme", "ticket", RECORDS, embedder, idx)
    return idx


def search(index: LanceIndex, text: str, tenant: str = "acme", mode: str = "hybrid") -> list[str]:
    query = seal(text)
    vector = embedder.embed([query])[0]
    return [s.source_id for s in index.search(tenant, "ticket", query, vector, 3, mode)]  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["hybrid", "vector", "text"])
def test_when_searching_then_the_matching_ticket_ranks_first(index: LanceIndex, mode: str) -> None:
    assert search(index, "wifi pairing error E-104", mode=mode)[0] == "1"


def test_when_a_tenant_has_no_data_then_another_tenants_data_is_never_returned(
    index: LanceIndex,
) -> None:
    assert search(index, "wifi pairing error E-104", tenant="other") == []


def test_when_a_source_is_upserted_again_then_it_is_replaced_not_duplicated(
    index: LanceIndex,
) -> None:
    ingest("acme", "ticket", [record("1", "Purifier E-104 again", "New answer.")], embedder, index)
    assert index.source_ids("acme", "ticket") == {"1", "2", "3"}
    query = seal("Purifier E-104")
    hits = index.search("acme", "ticket", query, embedder.embed([query])[0], 5)
    assert [h.answer for h in hits if h.source_id == "1"] == ["New answer."]


def test_when_pruning_then_sources_missing_from_the_input_are_deleted(index: LanceIndex) -> None:
    report = ingest("acme", "ticket", RECORDS[:1], embedder, index, prune=True)
    assert report.deleted == 2
    assert index.source_ids("acme", "ticket") == {"1"}


def test_when_scores_are_reported_then_they_are_cosine_similarities(index: LanceIndex) -> None:
    query = seal("Refund for annual subscription")
    hits = index.search("acme", "ticket", query, embedder.embed([query])[0], 3)
    assert hits[0].source_id == "2" and hits[0].score > 0.95
    assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_when_embedding_then_vectors_are_unit_length_and_similar_texts_are_close() -> None:
    vectors = embed_records(RECORDS, embedder)
    assert vectors.shape == (3, 384)
    assert abs(float((vectors[0] ** 2).sum()) - 1.0) < 1e-4
    close = embedder.embed([seal("wifi will not connect, error E-104")])[0]
    assert float(vectors[0] @ close) > float(vectors[1] @ close)


def test_when_a_tenant_slug_is_unsafe_then_it_is_refused(index: LanceIndex) -> None:
    from backend.errors import ConfigError

    with pytest.raises(ConfigError, match="is not a valid slug"):
        index.source_ids("../etc", "ticket")
