"""Retrieval: embedders and search indexes behind small protocols, chosen by settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, Self

import numpy as np
import numpy.typing as npt

from backend.redaction import RedactedText
from backend.registry import Registry
from backend.retrieval.vendors import Use
from backend.types import Source, SourceKind

Settings = Mapping[str, Any]  # the app's config: PRECEDENT_* settings without the prefix

Vectors = npt.NDArray[np.float32]
SearchMode = Literal["hybrid", "vector", "text"]
# What a text is to the embedder: some models (Cohere) embed stored passages and search
# queries differently; local models ignore it.
Purpose = Literal["document", "query"]


class Embedder(Protocol):
    name: str
    dimensions: int

    @classmethod
    def from_settings(cls, settings: Settings, vendor: Use | None) -> Self:
        """Built from the settings; ``vendor``: the providers-file entry it calls, if any."""
        ...

    def embed(self, texts: Sequence[RedactedText], purpose: Purpose = "document") -> Vectors:
        """One L2-normalised row per text."""
        ...


class Reranker(Protocol):
    name: str

    @classmethod
    def from_settings(cls, settings: Settings, vendor: Use) -> Self:
        """Built from the settings and the providers-file entry it calls."""
        ...

    def rerank(self, query: RedactedText, sources: Sequence[Source], top_n: int) -> list[int]:
        """Indexes into ``sources`` of the ``top_n`` most relevant to ``query``, best first."""
        ...


@dataclass(frozen=True)
class IndexRecord:
    kind: SourceKind
    source_id: str  # the ticket id, or the document path (all its sections share it)
    chunk_id: str  # unique per row
    title: str
    url: str
    text: RedactedText  # what is matched: ticket question, or heading path + section
    answer: RedactedText  # what a draft may quote: a ticket's resolution, a section's body
    updated_at: str


class SearchIndex(Protocol):
    @classmethod
    def from_settings(cls, settings: Settings, dimensions: int) -> Self:
        """Built from the settings, for vectors of ``dimensions`` (the embedder's)."""
        ...

    def upsert(self, tenant: str, records: Sequence[IndexRecord], vectors: Vectors) -> None: ...

    def delete(self, tenant: str, kind: SourceKind, source_ids: Sequence[str]) -> int: ...

    def source_ids(self, tenant: str, kind: SourceKind) -> set[str]: ...

    def search(
        self,
        tenant: str,
        kind: SourceKind,
        query: RedactedText,
        vector: Vectors,
        limit: int,
        mode: SearchMode = "hybrid",
        updated_after: str | None = None,  # ISO 8601; keeps only sources updated later
    ) -> list[Source]: ...


embedders: Registry[Embedder] = Registry(
    "embedder", {"minilm-onnx": "backend.retrieval.minilm", "cohere": "backend.retrieval.cohere"}
)
rerankers: Registry[Reranker] = Registry("reranker", {"cohere": "backend.retrieval.cohere"})
indexes: Registry[SearchIndex] = Registry(
    "search index",
    {"lancedb": "backend.retrieval.lance", "weaviate": "backend.retrieval.weaviate"},
)
