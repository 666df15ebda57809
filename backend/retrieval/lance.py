"""Embedded search index on LanceDB: one table per tenant, vector + full-text, RRF fusion."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import lancedb
import numpy as np
import pyarrow as pa
from lancedb.index import FTS
from lancedb.rerankers import RRFReranker

from backend.redaction import RedactedText
from backend.retrieval import IndexRecord, SearchMode, Vectors, indexes
from backend.retrieval.fields import check_tenant, keywords, timestamp, utc_text
from backend.types import Source, SourceKind

# Over-fetch before filtering on kind and fusing, so the fused top-k is not starved.
CANDIDATES = 4


@indexes.register("lancedb")
class LanceIndex:
    def __init__(self, path: str, dimensions: int) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        # A zero interval makes every read see writes made by other processes (ingestion).
        self._db = lancedb.connect(path, read_consistency_interval=timedelta(0))
        self._dimensions = dimensions

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
        rows = _query(table, mode, query.text, vector, where, limit)
        return [_source(row, vector) for row in rows[:limit]]

    def _table(self, tenant: str, create: bool = False) -> Any:
        name = _table_name(tenant)
        try:
            return self._db.open_table(name)
        except ValueError:  # LanceDB's "table not found"
            if not create:
                return None
        return self._db.create_table(name, schema=self._schema())

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


def _query(table: Any, mode: SearchMode, text: str, vector: Vectors, where: str, limit: int) -> Any:
    fetch = limit * CANDIDATES
    if mode == "vector":
        return table.search(vector).where(where, prefilter=True).limit(fetch).to_list()
    fts_text = keywords(text)
    if mode == "text":
        if not fts_text:
            return []
        search = table.search(fts_text, query_type="fts")
        return search.where(where, prefilter=True).limit(fetch).to_list()
    if not fts_text:
        return _query(table, "vector", text, vector, where, limit)
    hybrid = table.search(query_type="hybrid").vector(vector).text(fts_text)
    return hybrid.where(where, prefilter=True).rerank(RRFReranker()).limit(fetch).to_list()


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
