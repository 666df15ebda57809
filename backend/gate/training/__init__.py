"""Training the advice model: embed labelled examples, fit three logistic heads, write weights.

``train`` is deterministic for the same examples and embedder. Every source weighs the same
in each head whatever its size, and each head's classes weigh the same, so no single data
set's phrasing dominates what the model learns. Texts are redacted with the pattern redactor
before they are embedded, as at decision time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from backend.gate.advice_model import (
    CUES,
    HEAD_WORDS,
    LABELS,
    AdviceModel,
    Array,
    cue_features,
    embedded_text,
)
from backend.gate.training.fit import fit_network
from backend.gate.training.sources import Example
from backend.redaction import Vault, redactors
from backend.retrieval import Embedder

Progress = Callable[[int, int], None]


def embed_examples(
    rows: Sequence[Example],
    embedder: Embedder,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> Array:
    """One vector per row, embedding only texts the on-disk cache does not hold yet."""
    texts = [embedded_text(r.text, r.role) for r in rows]
    keys = [hashlib.sha256(t.encode()).hexdigest()[:24] for t in texts]
    cache = _load_cache(cache_dir, embedder.name)
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cache}.items())
    redactor, batch = redactors.get("patterns")(), 32
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        redacted = [redactor.redact(text, Vault(numbered=False)) for _, text in chunk]
        vectors = embedder.embed(redacted, purpose="query")
        for (key, _), vector in zip(chunk, vectors, strict=True):
            cache[key] = np.asarray(vector, dtype=np.float32)
        if progress is not None:
            progress(min(start + batch, len(missing)), len(missing))
    if missing and cache_dir is not None:
        _save_cache(cache_dir, embedder.name, cache)
    if not keys:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    return np.asarray(np.vstack([cache[k] for k in keys]), dtype=np.float32)


def _cache_path(cache_dir: Path, embedder: str) -> Path:
    return cache_dir / f"advice-train-{embedder}.npz"


def _load_cache(cache_dir: Path | None, embedder: str) -> dict[str, Array]:
    if cache_dir is None or not _cache_path(cache_dir, embedder).is_file():
        return {}
    with np.load(_cache_path(cache_dir, embedder)) as data:
        return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))


def _save_cache(cache_dir: Path, embedder: str, cache: dict[str, Array]) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = sorted(cache)
    np.savez(
        _cache_path(cache_dir, embedder),
        keys=np.array(keys),
        vectors=np.vstack([cache[k] for k in keys]),
    )


def feature_matrix(rows: Sequence[Example], vectors: Array) -> Array:
    """The model's input for each row: its vector, then its cue features."""
    cues = np.vstack([cue_features(r.text) for r in rows])
    return np.asarray(np.hstack([vectors, cues]), dtype=np.float32)


def train(rows: Sequence[Example], features: Array, embedder: str) -> AdviceModel:
    """Fit the subject head and the two act heads on ``rows`` (``feature_matrix`` of them)."""
    weights: dict[str, Array] = {}
    chosen = {
        "domain": [i for i, r in enumerate(rows) if r.domain is not None],
        "ask": [i for i, r in enumerate(rows) if r.role == "ticket" and r.act is not None],
        "give": [i for i, r in enumerate(rows) if r.role == "draft" and r.act is not None],
    }
    for name, indexes in chosen.items():
        layers = _head(rows, features, indexes, "domain" if name == "domain" else "act")
        weights |= {f"{name}_{key}": value for key, value in layers.items()}
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.source] = counts.get(row.source, 0) + 1
    meta = {
        "embedder": embedder,
        "labels": list(LABELS),
        "cues": list(CUES),
        "draft_head_words": HEAD_WORDS,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": counts,
    }
    return AdviceModel(weights, meta)


def _head(
    rows: Sequence[Example], features: Array, chosen: list[int], target: str
) -> dict[str, Array]:
    if target == "domain":
        labels = np.array([LABELS.index(subject(rows[i])) for i in chosen])
        classes = len(LABELS)
    else:
        labels = np.array([int(rows[i].act or 0) for i in chosen])
        classes = 2
    sources = [rows[i].source for i in chosen]
    return fit_network(features[chosen], labels, balanced(sources, labels, classes), classes)


def subject(row: Example) -> str:
    """What the subject head learns: a service request's subject is the service itself.

    "Please send me the W-9 form" is labelled other, not financial, so a text is flagged
    only when both heads agree and neither alone has to tell service from advice.
    """
    return "other" if row.act == 0 or row.domain is None else row.domain


def balanced(sources: Sequence[str], labels: Array, classes: int) -> Array:
    """Weights giving every (source, class) pair the same total, then every class the same."""
    pairs = list(zip(sources, labels.tolist(), strict=True))
    size: dict[tuple[str, int], int] = {}
    for pair in pairs:
        size[pair] = size.get(pair, 0) + 1
    weights = np.array([1.0 / size[p] for p in pairs])
    for label in range(classes):
        mask = labels == label
        if mask.any():
            weights[mask] /= weights[mask].sum()
    return np.asarray(weights * len(weights) / weights.sum(), dtype=np.float32)
