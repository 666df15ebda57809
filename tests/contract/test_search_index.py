"""The SearchIndex contract: what every implementation promises the pipeline and ingestion.

Vectors are small and hand-made so each expected score is known exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from backend.errors import ConfigError, InputError
from backend.redaction import seal
from backend.retrieval import IndexRecord, SearchIndex, SearchMode, Vectors
from backend.types import Source, SourceKind

E1 = [1.0, 0.0, 0.0, 0.0]
NEAR_E1 = [0.6, 0.8, 0.0, 0.0]  # cosine 0.6 to E1
E3 = [0.0, 0.0, 1.0, 0.0]
E4 = [0.0, 0.0, 0.0, 1.0]
MODES: list[SearchMode] = ["hybrid", "vector", "text"]


def record(
    source_id: str, text: str, kind: SourceKind = "ticket", answer: str = "", updated: str = ""
) -> IndexRecord:
    return IndexRecord(
        kind=kind,
        source_id=source_id,
        chunk_id=f"{kind}:{source_id}",
        title=text[:24],
        url=f"https://help.test/{source_id}",
        text=seal(text),
        answer=seal(answer or f"answer {source_id}"),
        updated_at=updated,
    )


WIFI = record("T-1", "purifier wifi pairing error", updated="2026-03-02T10:00:00Z")
REFUND = record("T-2", "refund annual subscription plan", updated="2026-01-15")
FAN = record("T-3", "fan grinding noise")  # undated
DOC = record("manual.md", "wifi setup guide pairing", kind="doc")


def vectors(*rows: list[float]) -> Vectors:
    return np.asarray(rows, dtype=np.float32)


def load(index: SearchIndex, tenant: str = "acme") -> None:
    index.upsert(tenant, [WIFI, REFUND, FAN, DOC], vectors(E1, NEAR_E1, E3, E1))


def search(
    index: SearchIndex,
    text: str = "wifi pairing",
    vector: list[float] = E1,
    tenant: str = "acme",
    kind: SourceKind = "ticket",
    limit: int = 5,
    mode: SearchMode = "hybrid",
    updated_after: str | None = None,
) -> list[Source]:
    query = vectors(vector)[0]
    return index.search(tenant, kind, seal(text), query, limit, mode, updated_after)


def ids(sources: list[Source]) -> list[str]:
    return [s.source_id for s in sources]


@pytest.mark.parametrize("mode", MODES)
def test_when_searching_then_the_matching_source_comes_back_first_with_its_fields(
    index: SearchIndex, mode: SearchMode
) -> None:
    load(index)
    best = search(index, mode=mode)[0]
    assert best == Source(
        kind="ticket",
        source_id="T-1",
        chunk_id="ticket:T-1",
        title="purifier wifi pairing er",
        url="https://help.test/T-1",
        text="purifier wifi pairing error",
        answer="answer T-1",
        score=pytest.approx(1.0, abs=1e-4),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("mode", MODES)
def test_when_scores_are_reported_then_they_are_cosine_similarities_from_0_to_1(
    index: SearchIndex, mode: SearchMode
) -> None:
    load(index)
    scores = {s.source_id: s.score for s in search(index, "wifi refund fan noise", mode=mode)}
    assert all(0.0 <= score <= 1.0 for score in scores.values())
    expected = {"T-1": 1.0, "T-2": 0.6, "T-3": 0.0}
    assert {k: pytest.approx(expected[k], abs=1e-4) for k in scores} == scores


def test_when_searching_by_vector_then_results_are_sorted_by_score(index: SearchIndex) -> None:
    load(index)
    hits = search(index, mode="vector")
    assert ids(hits) == ["T-1", "T-2", "T-3"]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("mode", MODES)
def test_when_a_limit_is_given_then_no_more_results_come_back(
    index: SearchIndex, mode: SearchMode
) -> None:
    load(index)
    assert len(search(index, "wifi refund fan noise", limit=2, mode=mode)) == 2
    assert search(index, limit=0, mode=mode) == []


@pytest.mark.parametrize("mode", MODES)
def test_when_searching_one_kind_then_the_other_kind_never_comes_back(
    index: SearchIndex, mode: SearchMode
) -> None:
    load(index)
    assert ids(search(index, kind="doc", mode=mode)) == ["manual.md"]
    assert "manual.md" not in ids(search(index, kind="ticket", mode=mode))


def test_when_a_tenant_has_nothing_indexed_then_it_gets_nothing(index: SearchIndex) -> None:
    assert search(index, tenant="empty") == []
    assert index.source_ids("empty", "ticket") == set()
    assert index.delete("empty", "ticket", ["T-1"]) == 0


@pytest.mark.parametrize("mode", MODES)
def test_when_two_tenants_share_the_index_then_neither_sees_the_other(
    index: SearchIndex, mode: SearchMode
) -> None:
    load(index, "acme")
    index.upsert("globex", [record("G-1", "wifi pairing at globex")], vectors(E1))
    assert ids(search(index, tenant="globex", mode=mode)) == ["G-1"]
    assert "G-1" not in ids(search(index, tenant="acme", mode=mode))
    assert index.source_ids("globex", "ticket") == {"G-1"}
    assert index.source_ids("acme", "ticket") == {"T-1", "T-2", "T-3"}


def test_when_a_tenant_deletes_then_the_same_ids_of_another_tenant_stay(
    index: SearchIndex,
) -> None:
    load(index, "acme")
    load(index, "globex")
    assert index.delete("globex", "ticket", ["T-1"]) == 1
    assert index.source_ids("acme", "ticket") == {"T-1", "T-2", "T-3"}
    assert index.source_ids("globex", "ticket") == {"T-2", "T-3"}


def test_when_a_chunk_is_upserted_again_then_it_is_replaced_not_duplicated(
    index: SearchIndex,
) -> None:
    load(index)
    newer = record("T-1", "purifier wifi pairing error", answer="new answer")
    index.upsert("acme", [newer], vectors(E1))
    hits = search(index, mode="vector")
    assert [h.answer for h in hits if h.source_id == "T-1"] == ["new answer"]
    assert index.source_ids("acme", "ticket") == {"T-1", "T-2", "T-3"}


def test_when_sources_are_deleted_then_only_those_of_that_kind_go(index: SearchIndex) -> None:
    load(index)
    assert index.delete("acme", "ticket", ["T-1", "T-3", "manual.md", "missing"]) == 2
    assert index.source_ids("acme", "ticket") == {"T-2"}
    assert index.source_ids("acme", "doc") == {"manual.md"}
    assert ids(search(index, mode="vector")) == ["T-2"]
    assert index.delete("acme", "ticket", []) == 0


def test_when_a_doc_has_many_sections_then_deleting_its_source_removes_all(
    index: SearchIndex,
) -> None:
    sections = [
        IndexRecord("doc", "guide.md", f"doc:guide.md#s{n}", "Guide", "", seal(f"section {n}"),
                    seal("body"), "")
        for n in range(3)
    ]  # fmt: skip
    index.upsert("acme", sections, vectors(E1, E3, E4))
    assert index.source_ids("acme", "doc") == {"guide.md"}
    assert index.delete("acme", "doc", ["guide.md"]) == 3
    assert search(index, kind="doc", mode="vector") == []


@pytest.mark.parametrize("mode", MODES)
def test_when_filtering_by_date_then_only_later_sources_and_no_undated_ones_come_back(
    index: SearchIndex, mode: SearchMode
) -> None:
    load(index)
    text = "wifi refund fan noise"
    assert ids(search(index, text, mode=mode, updated_after="2026-02-01")) == ["T-1"]
    later = search(index, text, mode=mode, updated_after="2026-01-01T00:00:00+00:00")
    assert sorted(ids(later)) == ["T-1", "T-2"]
    assert search(index, text, mode=mode, updated_after="2026-03-02T10:00:00Z") == []


def test_when_a_date_filter_is_not_a_date_then_the_error_shows_the_expected_form(
    index: SearchIndex,
) -> None:
    with pytest.raises(InputError, match=r"updated_after 'last week' is not an ISO 8601 date"):
        search(index, updated_after="last week")


def test_when_a_record_date_is_not_a_date_then_the_error_names_the_chunk(
    index: SearchIndex,
) -> None:
    bad = record("T-9", "anything", updated="02/03/2026")
    with pytest.raises(InputError, match=r"^ticket:T-9 updated_at '02/03/2026' is not an ISO"):
        index.upsert("acme", [bad], vectors(E1))


def test_when_a_tenant_name_is_unsafe_then_it_is_refused(index: SearchIndex) -> None:
    with pytest.raises(ConfigError, match="is not a valid slug"):
        index.source_ids("../etc", "ticket")
    with pytest.raises(ConfigError, match="is not a valid slug"):
        index.upsert("Acme Corp", [WIFI], vectors(E1))
