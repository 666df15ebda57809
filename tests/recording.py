"""Recording wrappers around the model-facing seams: they pass calls on to the real
implementation and keep every text they were handed, for tests that check what got there."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.redaction import RedactedText
from backend.retrieval import Embedder, IndexRecord, Purpose, SearchIndex, Vectors
from backend.types import Source


@dataclass
class RecordingEmbedder:
    inner: Embedder
    seen: list[str] = field(default_factory=list)
    name: str = "recording"
    dimensions: int = 384

    purposes: list[str] = field(default_factory=list)

    def embed(self, texts: Sequence[RedactedText], purpose: Purpose = "document") -> Vectors:
        self.seen += [t.text for t in texts]
        self.purposes += [purpose] * len(texts)
        return self.inner.embed(texts, purpose)


@dataclass
class RecordingIndex:
    inner: SearchIndex
    stored: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    returned: list[Source] = field(default_factory=list)

    def upsert(self, tenant: str, records: Sequence[IndexRecord], vectors: Vectors) -> None:
        self.stored += [json.dumps([r.title, r.url, r.text.text, r.answer.text]) for r in records]
        self.inner.upsert(tenant, records, vectors)

    def search(
        self,
        tenant: str,
        kind: Any,
        query: RedactedText,
        vector: Vectors,
        limit: int,
        mode: Any = "hybrid",
        updated_after: str | None = None,
    ) -> list[Source]:
        self.queries.append(query.text)
        found = self.inner.search(tenant, kind, query, vector, limit, mode, updated_after)
        self.returned.extend(found)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
