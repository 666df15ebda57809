"""Example similarity: flags text close to labelled positive examples, far from negatives.

Runs offline with the project's embedder. Example files hold one example per line (blank
lines and ``#`` comments are skipped) and are redacted before they are embedded, like every
text that reaches a model. Their vectors are cached by the file's content hash, in memory and
optionally on disk, so a reload that does not change them costs nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from backend.gate.rules import Found, LoadContext, Rule, Text, rule_types
from backend.gate.rules.terms import compile_terms
from backend.redaction import Vault
from backend.retrieval import Vectors
from backend.yamlfile.schema import Field


def _between(low: float, high: float, key: str) -> Any:
    def check(value: Any) -> str | None:
        ok = low <= value <= high
        return None if ok else f"'{key}' must be between {low} and {high}, not {value}"

    return check


@rule_types.register("similarity")
class SimilarityRule(Rule):
    """Flags text whose nearest ``positives`` beat its nearest ``negatives`` by ``margin``.

    The score is the mean cosine similarity to the ``k`` nearest positive examples minus the
    same for the negatives; the rule fires when the score is at least ``margin`` and the
    nearest positive is at least ``min_similarity``. Paths are relative to the policy file.
    Embedding costs milliseconds, so the rule runs only when its policy's cheap rules found
    nothing; with ``only_if`` only for texts that contain one of those terms, and with
    ``max_words`` only for texts up to that many words (long texts cost the most to embed and
    usually carry enough words for the cheap rules). With ``only_if_asking: true`` (a key
    every rule takes) a statement that merely sounds like the examples is not embedded at
    all. With ``long_texts: head`` a longer text is not skipped but judged on its first
    ``max_words`` words (a post's opening sentences usually say what it is about). With
    ``min_words`` texts shorter than that are left to the cheap rules (a one-line remark is a
    poor match for examples written as stories).

    Example::

        rule:
          id: like-medical-questions
          type: similarity
          reads: ticket
          positives: examples/medical/positives.txt
          negatives: examples/support/negatives.txt
          k: 3
          margin: 0.05
          min_similarity: 0.4
        should_flag:
          - Should I double my blood pressure tablets when I feel dizzy?
        should_pass:
          - My purifier shows a red ring and makes a clicking noise.
    """

    expensive = True
    schema = {
        "positives": Field(str, required=True),
        "negatives": Field(str),
        "k": Field(int, check=_between(1, 50, "k")),
        "margin": Field(float, check=_between(-1.0, 1.0, "margin")),
        "min_similarity": Field(float, check=_between(-1.0, 1.0, "min_similarity")),
        "only_if": Field(list, item=str),
        "max_words": Field(int, check=_between(1, 10_000, "max_words")),
        "min_words": Field(int, check=_between(1, 10_000, "min_words")),
        "long_texts": Field(str, choices=("skip", "head")),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        self.paths = {"positives": options["positives"], "negatives": options.get("negatives")}
        self.k = int(options.get("k", 3))
        self.margin = float(options.get("margin", 0.0))
        self.min_similarity = float(options.get("min_similarity", 0.0))
        only_if = options.get("only_if")
        self.only_if = compile_terms(only_if) if only_if else None
        self.max_words: int | None = options.get("max_words")
        self.min_words: int | None = options.get("min_words")
        self.head = options.get("long_texts", "skip") == "head"
        self.positives: Vectors = np.zeros((0, 0), dtype=np.float32)
        self.negatives: Vectors = np.zeros((0, 0), dtype=np.float32)

    def validate(self, context: LoadContext) -> list[tuple[str | None, str]]:
        if context.embedder is None or context.redactor is None:
            return [(None, "similarity rules need an embedder; none was given to the loader")]
        problems: list[tuple[str | None, str]] = []
        for key, relative in self.paths.items():
            if relative is None:
                continue
            path = context.base_dir / relative
            if not path.is_file():
                problems.append((key, f"example file not found: {relative}"))
                continue
            vectors = example_vectors(path, context)
            if len(vectors) == 0:
                problems.append((key, f"example file has no examples: {relative}"))
            setattr(self, key, vectors)
        return problems

    def find(self, text: Text) -> list[Found]:
        if self.only_if is not None and not self.only_if.search(text.value):
            return []
        words = text.word_count()
        if self.min_words is not None and words < self.min_words:
            return []
        if self.max_words is not None and not self.head and words > self.max_words:
            return []
        score, nearest = self.score(text.vector(self.max_words if self.head else None))
        if score < self.margin or nearest < self.min_similarity:
            return []
        return [Found(0, len(text.value), round(score, 4))]

    def score(self, vector: Vectors) -> tuple[float, float]:
        """(margin of the k nearest positives over the k nearest negatives, nearest positive)."""
        positive = np.sort(self.positives @ vector)[::-1][: self.k]
        margin = float(np.mean(positive))
        if len(self.negatives):
            margin -= float(np.mean(np.sort(self.negatives @ vector)[::-1][: self.k]))
        return margin, float(positive[0])


def read_examples(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def example_vectors(path: Path, context: LoadContext) -> Vectors:
    """The embeddings of an example file, from the cache when its content is unchanged."""
    assert context.embedder is not None and context.redactor is not None
    context.files.append(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    key = f"{context.embedder.name}-{digest[:32]}"
    if key not in context.cache:
        disk = context.cache_dir / f"{key}.npy" if context.cache_dir else None
        if disk is not None and disk.is_file():
            context.cache[key] = np.load(disk)
        else:
            redactor, vault = context.redactor, Vault(numbered=False)
            texts = [redactor.redact(line, vault) for line in read_examples(path)]
            context.cache[key] = context.embedder.embed(texts)
            if disk is not None:
                disk.parent.mkdir(parents=True, exist_ok=True)
                np.save(disk, context.cache[key])
    return context.cache[key]
