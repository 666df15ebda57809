"""Advice classifier: the trained model's answer to "does this text ask for, or give, a
personal judgement in this policy's domain?" (``backend.gate.advice_model``)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backend.gate.advice_model import LABELS, AdviceModel, AdviceScores
from backend.gate.rules import Found, LoadContext, Rule, Text, rule_types
from backend.yamlfile.schema import Field

DOMAIN_LABELS = tuple(label for label in LABELS if label != "other")


def _probability(key: str) -> Any:
    def check(value: Any) -> str | None:
        return None if 0.0 < value < 1.0 else f"'{key}' must be between 0 and 1, not {value}"

    return check


@rule_types.register("classifier")
class ClassifierRule(Rule):
    """Flags a ticket that asks for, or a draft that gives, a personal judgement in a domain.

    The model answers two questions about each text: its subject (legal, medical, financial,
    insurance or other) and its act (a ticket asking for a recommendation, diagnosis, dosing,
    legal assessment or coverage judgement, or a draft giving one — versus an account,
    service or logistics request). The rule's score is the product of the two probabilities,
    and it fires at ``threshold`` or above. ``domain`` defaults to the policy's. ``model`` is
    a weights file relative to the policy file, made by ``precedent gate train``. As in
    training, a ticket is embedded whole (drafting passes in the vector it made for
    retrieval) and a draft on its opening words; the cue features read all of each text.
    ``ignore`` phrases are blanked out before the model reads the text.

    Example::

        rule:
          id: medical-judgement
          type: classifier
          model: models/advice.npz
          threshold: 0.5
          domain: medical
        should_flag:
          - My toddler has had a fever of 39.5 for three days, should I take her to a doctor?
        should_pass:
          - Can you send my prescription refill to my work address instead?
    """

    expensive = True
    schema = {
        "model": Field(str, required=True),
        "threshold": Field(float, check=_probability("threshold")),
        "domain": Field(str, choices=DOMAIN_LABELS),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        self.path: str = options["model"]
        self.threshold = float(options.get("threshold", 0.5))
        self.domain: str | None = options.get("domain")
        self.model: AdviceModel | None = None

    def validate(self, context: LoadContext) -> list[tuple[str | None, str]]:
        self.domain = self.domain or context.domain
        if self.domain not in DOMAIN_LABELS:
            return [("domain", f"'domain' must be one of: {', '.join(DOMAIN_LABELS)}")]
        if context.embedder is None:
            return [(None, "classifier rules need an embedder; none was given to the loader")]
        path = context.base_dir / self.path
        if not path.is_file():
            return [
                (
                    "model",
                    f"model file not found: {self.path} (make it with 'precedent gate train')",
                )
            ]
        try:
            self.model = load_model(path, hashlib.sha256(path.read_bytes()).hexdigest())
        except (OSError, ValueError, KeyError) as exc:
            return [("model", f"model file cannot be read: {self.path} ({exc})")]
        context.files.append(path)
        if self.model.embedder != context.embedder.name:
            message = f"model {self.path} was trained with embedder '{self.model.embedder}'"
            return [("model", f"{message}, not '{context.embedder.name}': retrain it")]
        return []

    def find(self, text: Text) -> list[Found]:
        scores = self.scores(text)
        score = scores.score(self.domain or "", text.source)
        if score < self.threshold:
            return []
        return [Found(0, len(text.value), round(score, 4), self.explain(scores, text.source))]

    def scores(self, text: Text) -> AdviceScores:
        """The model's probabilities for ``text``, judged on its opening words.

        Phrases the rule ``ignore``s (a product called "Asthma & Allergy mode") are blanked
        out before the model reads the text, so their words do not count.
        """
        assert self.model is not None, "validate() loads the model"
        if self.ignore is not None and self.ignore.search(text.value):
            text = text.without(self.ignore)
        words = self.model.meta.get("draft_head_words") if text.source == "draft" else None
        # Every policy's classifier reads the same model: score each text once.
        key = ("advice-model", id(self.model), words)
        if key not in text.memo:
            text.memo[key] = self.model.scores(text.vector(words), text.value)
        scores: AdviceScores = text.memo[key]
        return scores

    def explain(self, scores: AdviceScores, source: str) -> str:
        act = ("asks for", scores.asks) if source == "ticket" else ("gives", scores.gives)
        subject = scores.domain.get(self.domain or "", 0.0)
        return (
            f"the {source} is about {self.domain} ({subject:.2f}) and {act[0]} a personal "
            f"judgement ({act[1]:.2f}): {subject * act[1]:.2f} ≥ threshold {self.threshold:.2f}"
        )


@functools.lru_cache(maxsize=8)
def load_model(path: Path, digest: str) -> AdviceModel:
    """A model file, loaded once per content (``digest``) however many rules read it."""
    return AdviceModel.load(path)
