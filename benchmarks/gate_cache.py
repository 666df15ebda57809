"""An embedder that remembers: the leave-one-source-out benchmark judges the same texts
with many retrained models, and embedding them is the only slow part (the gate's decision
is the same with a remembered vector as with a fresh one)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from backend.redaction import RedactedText
from backend.retrieval import Embedder, Purpose, Vectors


class CachedEmbedder:
    def __init__(self, inner: Embedder, folder: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimensions = inner.dimensions
        self.path = folder / f"{inner.name}.npz"
        self.vectors: dict[str, Vectors] = {}
        if self.path.is_file():
            with np.load(self.path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def embed(self, texts: Sequence[RedactedText], purpose: Purpose = "document") -> Vectors:
        keys = [hashlib.sha256(f"{purpose}:{t.text}".encode()).hexdigest()[:24] for t in texts]
        missing = [i for i, key in enumerate(keys) if key not in self.vectors]
        if missing:
            fresh = self.inner.embed([texts[i] for i in missing], purpose)
            for i, vector in zip(missing, fresh, strict=True):
                self.vectors[keys[i]] = np.asarray(vector, dtype=np.float32)
        return np.vstack([self.vectors[key] for key in keys]).astype(np.float32)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.vectors)
        vectors = np.vstack([self.vectors[k] for k in keys])
        np.savez(self.path, keys=np.array(keys), vectors=vectors)
