"""Embedded search index on LanceDB: one table per tenant, vector + full-text, fused here.

Hybrid search fuses the two result lists the way Weaviate does (same settings, same meaning),
so moving a tenant from the embedded index to Weaviate does not change what a draft cites:
``relative_score`` scales each list's scores to 0..1 and weights the vector side by alpha;
``ranked`` is reciprocal-rank fusion with the same weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, Self

import lancedb
import numpy as np
import pyarrow as pa
from lancedb.index import FTS

from backend.errors import ConfigError
from backend.redaction import RedactedText
from backend.retrieval import IndexRecord, SearchMode, Settings, Vectors, indexes
from backend.retrieval.fields import check_tenant, keywords, timestamp, utc_text
from backend.types import Source, SourceKind

# Over-fetch before fusing, so the fused top-k is not starved.
CANDIDATES = 4
RRF_K = 60  # the usual reciprocal-rank constant, as in Weaviate's ranked fusion


@indexes.register("lancedb")
class LanceIndex:
    def __init__(
        self, path: str, dimensions: int, alpha: float = 0.75, fusion: str = "relative_score"
    ) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        self._alpha = alpha
        self._fusion = fusion
        # A zero interval makes every read see writes made by other processes (ingestion).
        self._db = lancedb.connect(path, read_consistency_interval=timedelta(0))
        self._dimensions = dimensions

    @classmethod
    def from_settings(cls, settings: Settings, dimensions: int) -> Self:
        """A folder of the machine (INDEX_PATH), searched with HYBRID_ALPHA / HYBRID_FUSION."""
        alpha, fusion = settings["HYBRID_ALPHA"], settings["HYBRID_FUSION"]
        return cls(settings["INDEX_PATH"], dimensions, alpha=alpha, fusion=fusion)

    def upsert(self, tenant: str, records: Sequence[IndexRecord], vectors: Vectors) -> None:
        if not records:
            return
        rows = [_row(r, v) for r, v in zip(records, vectors, strict=True)]
        table = self._table(tenant, create=True)
        # One merge is one Lance commit: readers see all of it or none of it.
        table.merge_insert(
            "chunk_id"
        ).when_matched_update_all().when_not_matched_insert_all().execute(
            pa.Table.from_pylist(rows, schema=self._schema())
        )
        table.create_index("text", config=FTS(), replace=True)

    def delete(self, tenant: str, kind: SourceKind, source_ids: Sequence[str]) -> int:
        table = self._table(tenant)
        if table is None or not source_ids:
            return 0
        before = table.count_rows()
        table.delete(f"kind = {_sql(kind)} AND source_id IN ({', '.join(map(_sql, source_ids))})")
        return int(before - table.count_rows())

    def source_ids(self, tenant: str, kind: SourceKind) -> set[str]:
        table = self._table(tenant)
        if table is None:
            return set()
        rows = (
            table.search()
            .where(f"kind = {_sql(kind)}")
            .select(["source_id"])
            .limit(table.count_rows() or 1)
            .to_arrow()
        )
        return set(rows.column("source_id").to_pylist())

    def search(
        self,
        tenant: str,
        kind: SourceKind,
        query: RedactedText,
        vector: Vectors,
        limit: int,
        mode: SearchMode = "hybrid",
        updated_after: str | None = None,
    ) -> list[Source]:
        where = _where(kind, updated_after)
        table = self._table(tenant)
        if table is None or limit < 1:
            return []
        fetch = limit * CANDIDATES
        text = keywords(query.text)
        if mode == "vector" or (mode == "hybrid" and not text):
            rows = _by_vector(table, vector, where, fetch)
        elif mode == "text":
            rows = _by_text(table, text, where, fetch) if text else []
        else:
            by_vector, by_text = (
                _by_vector(table, vector, where, fetch),
                _by_text(table, text, where, fetch),
            )
            rows = _fuse(by_vector, by_text, self._alpha, self._fusion)
        return [_source(row, vector) for row in rows[:limit]]

    def _table(self, tenant: str, create: bool = False) -> Any:
        name = _table_name(tenant)
        try:
            table = self._db.open_table(name)
        except ValueError:  # LanceDB's "table not found"
            if not create:
                return None
            return self._db.create_table(name, schema=self._schema())
        stored = table.schema.field("vector").type.list_size
        if stored != self._dimensions:
            # Vectors of another embedder cannot be compared with this one's.
            raise ConfigError(
                f"the index for tenant '{tenant}' holds {stored}-dimensional vectors but the "
                f"embedder makes {self._dimensions}: ingest again into a new "
                "PRECEDENT_INDEX_PATH, or switch back to the embedder the index was built with"
            )
        return table

    def _schema(self) -> pa.Schema:
        text = pa.string()
        return pa.schema(
            [
                ("chunk_id", text),
                ("source_id", text),
                ("kind", text),
                ("title", text),
                ("url", text),
                ("text", text),
                ("answer", text),
                ("updated_at", text),
                ("vector", pa.list_(pa.float32(), self._dimensions)),
            ]
        )


def _by_vector(table: Any, vector: Vectors, where: str, fetch: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        table.search(vector).where(where, prefilter=True).limit(fetch).to_list()
    )
    for row in rows:
        row["_relevance"] = -row["_distance"]
    return rows


def _by_text(table: Any, text: str, where: str, fetch: int) -> list[dict[str, Any]]:
    search = table.search(text, query_type="fts").where(where, prefilter=True).limit(fetch)
    rows: list[dict[str, Any]] = search.to_list()
    for row in rows:
        row["_relevance"] = row["_score"]
    return rows


def _fuse(
    by_vector: list[dict[str, Any]], by_text: list[dict[str, Any]], alpha: float, fusion: str
) -> list[dict[str, Any]]:
    """Rows from both lists, best fused score first (alpha weights the vector list)."""
    weigh = _relative_scores if fusion == "relative_score" else _reciprocal_ranks
    fused: dict[str, float] = {}
    rows: dict[str, dict[str, Any]] = {}
    for weight, result in ((alpha, by_vector), (1 - alpha, by_text)):
        for row, score in zip(result, weigh(result), strict=True):
            fused[row["chunk_id"]] = fused.get(row["chunk_id"], 0.0) + weight * score
            rows.setdefault(row["chunk_id"], row)
    return sorted(rows.values(), key=lambda row: -fused[row["chunk_id"]])


def _relative_scores(rows: list[dict[str, Any]]) -> list[float]:
    scores = [row["_relevance"] for row in rows]
    low, high = min(scores, default=0.0), max(scores, default=0.0)
    return [(s - low) / (high - low) if high > low else 1.0 for s in scores]


def _reciprocal_ranks(rows: list[dict[str, Any]]) -> list[float]:
    return [1 / (RRF_K + rank) for rank in range(1, len(rows) + 1)]


def _where(kind: SourceKind, updated_after: str | None) -> str:
    where = f"kind = {_sql(kind)}"
    if updated_after is not None:
        # Stored dates are fixed-width UTC text, so text order is time order; undated rows
        # are empty and never match.
        after = utc_text(timestamp(updated_after, "updated_after"))
        where += f" AND updated_at > {_sql(after)}" if after else ""
    return where


def _source(row: dict[str, Any], query_vector: Vectors) -> Source:
    vector = np.asarray(row["vector"], dtype=np.float32)
    return Source(
        kind=row["kind"],
        source_id=row["source_id"],
        chunk_id=row["chunk_id"],
        title=row["title"],
        url=row["url"],
        text=row["text"],
        answer=row["answer"],
        score=float(max(0.0, min(1.0, float(np.dot(vector, query_vector))))),
    )


def _row(record: IndexRecord, vector: Vectors) -> dict[str, Any]:
    return {
        "chunk_id": record.chunk_id,
        "source_id": record.source_id,
        "kind": record.kind,
        "title": record.title,
        "url": record.url,
        "text": record.text.text,
        "answer": record.answer.text,
        "updated_at": utc_text(timestamp(record.updated_at, f"{record.chunk_id} updated_at")),
        "vector": np.asarray(vector, dtype=np.float32).tolist(),
    }


def _table_name(tenant: str) -> str:
    return f"sources_{check_tenant(tenant)}"


def _sql(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
