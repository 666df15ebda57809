"""Rule types: an explicit registry, each type declaring its schema next to its class.

A rule reads a ticket, a draft or both, and answers with the character spans that made it
match. Every rule takes ``id``, ``type``, ``description``, ``reads`` (ticket, draft or both),
``jurisdictions`` (narrower than its policy's), ``ignore`` (phrases whose words do not
count, such as a product called "Asthma & Allergy mode") and ``only_if_asking`` (the rule
counts only in a text that asks something: a question or a request for advice, see
``backend.gate.questions``; a statement such as "my doctor said it was fine" is not a
request for advice).

Cheap rules (terms, regular expressions, advice patterns, entities) run on every evaluation;
expensive ones (example similarity) run only when the cheap rules of their policy found
nothing.

Every rule type's docstring carries an ``Example::`` block: YAML with the ``rule`` as a
compliance officer writes it, texts it ``should_flag`` and texts it ``should_pass``. A test
loads and runs each one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from backend.gate import jurisdictions
from backend.gate.questions import asks
from backend.redaction import RedactedText, Redactor, seal
from backend.registry import Registry
from backend.retrieval import Embedder, Vectors
from backend.yamlfile.schema import Field

Source = Literal["ticket", "draft"]
READS = ("both", "draft", "ticket")
WORD = re.compile(r"\w+(?:['’]\w+)*")


def head(text: str, words: int) -> str:
    """The first ``words`` words of ``text`` (all of it when shorter).

    A prefix of a redacted text cut between words is still redacted.
    """
    starts = [m.start() for m in WORD.finditer(text)]
    return text if len(starts) <= words else text[: starts[words]].rstrip()


@dataclass(frozen=True)
class Found:
    """A match inside one text: character offsets, an optional score and why it matched."""

    start: int
    end: int
    score: float | None = None
    detail: str | None = None


class Text:
    """One text under evaluation, with its words and (lazily) its embedding."""

    def __init__(
        self,
        source: Source,
        text: RedactedText,
        vector: Vectors | None = None,
        embed: Callable[[RedactedText], Vectors] | None = None,
    ) -> None:
        self.source = source
        self.redacted = text
        self.value = text.text
        self._vector = vector
        self._embed = embed
        self._heads: dict[int, Vectors] = {}
        self._word_starts: list[int] | None = None
        # What rules work out once per text and share (the advice model's scores).
        self.memo: dict[Hashable, Any] = {}

    def word_index(self, offset: int) -> int:
        """The number of words that start before ``offset``."""
        if self._word_starts is None:
            self._word_starts = [m.start() for m in WORD.finditer(self.value)]
        return bisect.bisect_left(self._word_starts, offset)

    def words_before(self, offset: int, count: int) -> list[str]:
        index = self.word_index(offset)
        assert self._word_starts is not None
        starts = self._word_starts[max(0, index - count) : index]
        return [WORD.match(self.value, s).group().lower() for s in starts]  # type: ignore[union-attr]

    def word_count(self) -> int:
        return self.word_index(len(self.value))

    def vector(self, head_words: int | None = None) -> Vectors:
        """This text's embedding: the one passed in, or computed once on first use.

        With ``head_words``, a text longer than that is embedded on its first ``head_words``
        words only (embedding cost grows with length, and such rules are tuned on openings).
        A vector the caller passed in is of the whole text, so it never stands in for a head:
        the gate decides in the pipeline as it does in the benchmark.
        """
        if head_words is not None and self.word_count() > head_words:
            if head_words not in self._heads:
                self._heads[head_words] = self._embedded(seal(head(self.value, head_words)))
            return self._heads[head_words]
        if self._vector is None:
            self._vector = self._embedded(self.redacted)
        return np.asarray(self._vector, dtype=np.float32).reshape(-1)

    def without(self, pattern: re.Pattern[str]) -> Text:
        """This text with every match of ``pattern`` blanked out (embedded afresh if needed)."""
        # Blanking words out of a redacted text leaves it redacted.
        return Text(self.source, seal(pattern.sub(" ", self.value)), None, self._embed)

    def _embedded(self, text: RedactedText) -> Vectors:
        if self._embed is None:
            raise RuntimeError("no embedder was given to the gate")
        return np.asarray(self._embed(text), dtype=np.float32).reshape(-1)


@dataclass
class LoadContext:
    """What rules may use while loading: the policy's folder, an embedder, a redactor."""

    base_dir: Path
    embedder: Embedder | None = None
    redactor: Redactor | None = None
    cache: dict[str, Vectors] = field(default_factory=dict)
    cache_dir: Path | None = None
    domain: str | None = None  # the domain of the policy being loaded
    files: list[Path] = field(default_factory=list)  # every file the policy depends on


class Rule:
    """Base class of rule types. Subclasses declare ``schema`` and implement ``find``."""

    schema: ClassVar[dict[str, Field]] = {}
    expensive: ClassVar[bool] = False

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.id: str = options["id"]
        self.type: str = options["type"]
        self.reads: str = options.get("reads", "both")
        self.jurisdictions: tuple[str, ...] | None = (
            tuple(options["jurisdictions"]) if "jurisdictions" in options else None
        )
        ignore = options.get("ignore")
        self.ignore = _phrases(ignore) if ignore else None
        self.only_if_asking = bool(options.get("only_if_asking", False))

    def validate(self, context: LoadContext) -> list[tuple[str | None, str]]:
        """Stage 3: problems as (key or None, message); compile and load here."""
        return []

    def reads_source(self, source: Source) -> bool:
        return self.reads in ("both", source)

    def find(self, text: Text) -> list[Found]:
        raise NotImplementedError

    def matches(self, text: Text) -> list[Found]:
        """``find``, less the matches inside an ``ignore`` phrase (product names, ...).

        With ``only_if_asking`` a text that asks nothing is not searched at all (nor embedded).
        """
        if self.only_if_asking and not asks(text.value):
            return []
        found = self.find(text)
        if self.ignore is None or not found:
            return found
        ignored = [m.span() for m in self.ignore.finditer(text.value)]
        return [f for f in found if not any(s <= f.start and f.end <= e for s, e in ignored)]


def _phrases(phrases: list[str]) -> re.Pattern[str]:
    body = "|".join(re.escape(p.strip()).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


COMMON: dict[str, Field] = {
    "id": Field(str, required=True),
    "type": Field(str, required=True),
    "description": Field(str),
    "reads": Field(str, choices=READS),
    "jurisdictions": Field(list, item=str, check=jurisdictions.problem),
    "ignore": Field(list, item=str),
    "only_if_asking": Field(bool),
}

rule_types: Registry[Rule] = Registry(
    "rule type",
    {
        "terms": "backend.gate.rules.terms",
        "regex": "backend.gate.rules.regex",
        "advice": "backend.gate.rules.advice",
        "asking": "backend.gate.rules.asking",
        "entities": "backend.gate.rules.entities",
        "similarity": "backend.gate.rules.similarity",
        "classifier": "backend.gate.rules.classifier",
    },
)
