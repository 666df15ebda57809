"""Cohere embed and rerank (v2 API, official SDK) as the embedder and the reranking step.

Stored passages are embedded as ``search_document`` and questions as ``search_query``: the
model places the two so that a question lands near the passages that answer it. Vectors are
L2-normalised float32 rows of ``dimensions`` (fixed per index, so it is a setting, checked
against every reply). Only redacted text is sent. Which providers-file entry is called, and
for which tenants it may be, is decided in ``backend.retrieval.vendors``.

The SDK does not retry (``max_retries=0``): a draft that meets ``ProviderUnavailable`` is
retried by its task, a sync by its own retry, and a failed rerank keeps the search order.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self

import cohere
import httpx
import numpy as np
from cohere.core.api_error import ApiError

from backend.drafting.cohere import mapped
from backend.drafting.providers import Provider
from backend.errors import ConfigError, ProviderRejected, ProviderUnavailable
from backend.redaction import RedactedText
from backend.retrieval import Purpose, Settings, Vectors, embedders, rerankers
from backend.retrieval.vendors import Use
from backend.types import Source

log = logging.getLogger(__name__)

BATCH_SIZE = 96  # the most texts one v2 embed call takes
# Models with a fixed vector size; embed-v4 and newer take ``output_dimension`` instead.
FIXED_DIMENSIONS = {
    "embed-english-v3.0": 1024,
    "embed-multilingual-v3.0": 1024,
    "embed-english-light-v3.0": 384,
    "embed-multilingual-light-v3.0": 384,
}
V4_DIMENSIONS = (256, 512, 1024, 1536)
INPUT_TYPES: dict[str, Any] = {"document": "search_document", "query": "search_query"}


def client(provider: Provider, api_key: str) -> cohere.ClientV2:
    return cohere.ClientV2(
        api_key=api_key,
        base_url=provider.base_url or None,
        timeout=provider.timeout_seconds,
        max_retries=0,
    )


@contextmanager
def vendor_errors(provider: Provider) -> Iterator[None]:
    """Cohere's and httpx's exceptions become ours; the vendor's text goes to the log only."""
    try:
        yield
    except ApiError as exc:
        raise mapped(provider.name, exc) from exc
    except httpx.TimeoutException as exc:
        timeout = provider.timeout_seconds
        raise ProviderUnavailable(f"{provider.name} did not answer within {timeout}s") from exc
    except httpx.TransportError as exc:
        log.warning("cohere provider %s unreachable: %s", provider.name, exc)
        raise ProviderUnavailable(f"{provider.name} could not be reached") from exc


def output_dimension(model: str, dimensions: int) -> int | None:
    """What to ask for as ``output_dimension``: None for models whose size is fixed."""
    if model in FIXED_DIMENSIONS:
        if FIXED_DIMENSIONS[model] != dimensions:
            raise ConfigError(
                f"PRECEDENT_EMBED_DIMENSIONS is {dimensions}, but {model} always returns "
                f"{FIXED_DIMENSIONS[model]} dimensions"
            )
        return None
    if model.startswith("embed-v4") and dimensions not in V4_DIMENSIONS:
        valid = ", ".join(str(d) for d in V4_DIMENSIONS)
        raise ConfigError(
            f"PRECEDENT_EMBED_DIMENSIONS {dimensions} is not offered by {model}. "
            f"Valid values are: {valid}"
        )
    return dimensions


@embedders.register("cohere")
class CohereEmbedder:
    def __init__(
        self, provider: Provider, api_key: str, model: str = "embed-v4.0", dimensions: int = 1024
    ) -> None:
        self.name = f"cohere-{model}-{dimensions}"  # also keys the gate's example cache
        self.model = model
        self.dimensions = dimensions
        self._provider = provider
        self._output_dimension = output_dimension(model, dimensions)
        self._client = client(provider, api_key)

    @classmethod
    def from_settings(cls, settings: Settings, vendor: Use | None) -> Self:
        """Calls ``vendor`` (PRECEDENT_EMBED_PROVIDER's entry) with its key from the environment."""
        if vendor is None:
            raise ConfigError(
                "the cohere embedder calls a vendor: set PRECEDENT_EMBED_PROVIDER to an entry "
                "of the providers file (PRECEDENT_PROVIDERS)"
            )
        key = vendor.provider.api_key(os.environ)
        return cls(vendor.provider, key, vendor.model, settings["EMBED_DIMENSIONS"])

    def embed(self, texts: Sequence[RedactedText], purpose: Purpose = "document") -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        batches = [texts[i : i + BATCH_SIZE] for i in range(0, len(texts), BATCH_SIZE)]
        vectors: Vectors = np.vstack([self._embed_batch(b, INPUT_TYPES[purpose]) for b in batches])
        return vectors

    def _embed_batch(self, texts: Sequence[RedactedText], input_type: Any) -> Vectors:
        with vendor_errors(self._provider):
            response = self._client.embed(
                model=self.model,
                input_type=input_type,
                texts=[t.text for t in texts],
                embedding_types=["float"],
                truncate="END",
                **self._size(),
            )
        return self._unit_rows(response.embeddings.float_, len(texts))

    def _size(self) -> dict[str, Any]:
        # Sent only to models that take it; older ones reject the field.
        return {} if self._output_dimension is None else {"output_dimension": self.dimensions}

    def _unit_rows(self, rows: Sequence[Sequence[float]] | None, expected: int) -> Vectors:
        try:
            matrix = np.asarray(rows or [], dtype=np.float32)
        except (TypeError, ValueError):  # rows of different lengths, or not numbers
            matrix = np.zeros((0,), dtype=np.float32)
        if matrix.shape != (expected, self.dimensions):
            raise ProviderRejected(
                f"{self._provider.name} returned embeddings shaped {matrix.shape} for "
                f"{expected} texts of {self.dimensions} dimensions"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        unit: Vectors = (matrix / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit


@rerankers.register("cohere")
class CohereReranker:
    def __init__(self, provider: Provider, api_key: str, model: str = "rerank-v3.5") -> None:
        self.name = f"cohere-{model}"
        self.model = model
        self._provider = provider
        self._client = client(provider, api_key)

    @classmethod
    def from_settings(cls, settings: Settings, vendor: Use) -> Self:
        """Calls ``vendor`` (the rerank entry) with its key from the environment."""
        return cls(vendor.provider, vendor.provider.api_key(os.environ), vendor.model)

    def rerank(self, query: RedactedText, sources: Sequence[Source], top_n: int) -> list[int]:
        if not sources:
            return []
        with vendor_errors(self._provider):
            response = self._client.rerank(
                model=self.model,
                query=query.text,
                documents=[passage(s) for s in sources],
                top_n=min(top_n, len(sources)),
            )
        return ranking(self._provider.name, response.results, len(sources))


def ranking(provider: str, results: Any, count: int) -> list[int]:
    """The document indexes, best first, once checked against the ``count`` documents sent."""
    order = [getattr(result, "index", None) for result in results or []]
    fits = all(isinstance(i, int) and 0 <= i < count for i in order)
    if not fits or len(set(order)) != len(order):
        raise ProviderRejected(f"{provider} returned a ranking that does not fit what was sent")
    log.debug("reranked %s", [(r.index, r.relevance_score) for r in results])
    return [i for i in order if isinstance(i, int)]


def passage(source: Source) -> str:
    """What the reranker judges: a ticket's question and answer, a section's text (redacted)."""
    if source.kind == "ticket":
        return f"{source.text}\n\n{source.answer}"
    return source.text
