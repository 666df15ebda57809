from pathlib import Path

import pytest

from backend.errors import ConfigError
from backend.redaction import Vault, redactors, seal
from backend.retrieval import IndexRecord, embedders
from backend.retrieval.ingest import embed_records, ingest
from backend.retrieval.lance import LanceIndex, _fuse

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


def rows(*pairs: tuple[str, float]) -> list[dict[str, object]]:
    return [{"chunk_id": chunk, "_relevance": score} for chunk, score in pairs]


BY_VECTOR = rows(("a", -0.1), ("b", -0.2), ("c", -0.9))
BY_TEXT = rows(("c", 12.0), ("b", 11.0), ("d", 2.0))


@pytest.mark.parametrize("fusion", ["relative_score", "ranked"])
def test_when_alpha_is_one_or_zero_then_fusion_keeps_that_sides_order(fusion: str) -> None:
    # Only the weighted side decides; rows the other side alone found come last.
    assert [r["chunk_id"] for r in _fuse(BY_VECTOR, BY_TEXT, 1.0, fusion)][:2] == ["a", "b"]
    assert [r["chunk_id"] for r in _fuse(BY_VECTOR, BY_TEXT, 0.0, fusion)][:2] == ["c", "b"]


def test_when_relative_scores_are_fused_then_a_strong_match_on_both_sides_wins() -> None:
    # b is second on both sides; scaled to 0..1 it scores 0.875*0.5 + 0.9*0.5 on balance,
    # ahead of a (vector best, absent from text) and c (text best, vector worst).
    fused = _fuse(BY_VECTOR, BY_TEXT, 0.5, "relative_score")
    assert [r["chunk_id"] for r in fused] == ["b", "a", "c", "d"]


def test_when_hybrid_search_runs_then_alpha_and_fusion_come_from_the_constructor(
    tmp_path: Path,
) -> None:
    vector_only = LanceIndex(str(tmp_path / "v"), embedder.dimensions, alpha=1.0)
    ingest("acme", "ticket", RECORDS, embedder, vector_only)
    query = redactor.redact("grinding noise from the fan", Vault())
    vector = embedder.embed([query])[0]
    hybrid = vector_only.search("acme", "ticket", query, vector, 3, "hybrid")
    plain = vector_only.search("acme", "ticket", query, vector, 3, "vector")
    assert [s.source_id for s in hybrid] == [s.source_id for s in plain]


def test_when_the_embedder_changes_dimensions_then_the_index_names_the_mismatch(
    index: LanceIndex, tmp_path: Path
) -> None:
    other = LanceIndex(str(tmp_path / "index"), 1024)  # e.g. a Cohere embedder after MiniLM
    with pytest.raises(ConfigError) as raised:
        other.source_ids("acme", "ticket")
    assert raised.value.message == (
        "the index for tenant 'acme' holds 384-dimensional vectors but the embedder makes 1024: "
        "ingest again into a new PRECEDENT_INDEX_PATH, or switch back to the embedder the index "
        "was built with"
    )
