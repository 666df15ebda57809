"""Texts in a language a policy was not measured on: never passed silently.

A policy lists the languages it was measured on (``languages``, default English) and what
to do with a text in any other (``unsupported_language``): ``review`` holds the draft for a
reviewer, ``warn`` lets it through with a note the agent sees. A text some rule already
flagged needs neither. A held text goes to the one domain its subject most likely belongs
to (the advice model's subject head, which reads the embedder's vector: rough on a language
the embedder was not trained on, so the decision says so), so a single reviewer can take it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from backend.gate.decision import RuleHit, Span
from backend.gate.language import Language, detect
from backend.gate.policy import Policy
from backend.gate.rules import Text
from backend.gate.rules.classifier import ClassifierRule

RULE = "unsupported-language"
EMBEDDER_LANGUAGES = ("en",)  # all-MiniLM-L6-v2 was trained on English text


def languages_of(texts: Sequence[Text]) -> dict[str, Language | None]:
    return {text.source: detect(text.value) for text in texts}


def language_hits(
    policies: Sequence[Policy],
    texts: Sequence[Text],
    languages: dict[str, Language | None],
    flagged: Collection[str],
) -> tuple[list[RuleHit], list[str]]:
    """Hits holding unflagged texts in unmeasured languages, and notes for the decision."""
    hits: list[RuleHit] = []
    notes: list[str] = []
    for text in texts:
        found = languages.get(text.source)
        if found is None or text.source in flagged:
            continue
        unmeasured = [p for p in policies if found.code not in p.languages]
        held = [p for p in unmeasured if p.unsupported_language == "review"]
        if held:
            hits.append(_hold(_likeliest(held, text), text, found))
        elif unmeasured:
            names = ", ".join(sorted(p.domain for p in unmeasured))
            notes.append(
                f"The {text.source} is in {found.name}; the {names} policies were not "
                "measured on it, so their decision may be wrong: read it with care."
            )
        if found.code not in EMBEDDER_LANGUAGES and unmeasured:
            notes.append(
                f"The model that reads the {text.source} was trained on English; on "
                f"{found.name} only keyword rules are reliable."
            )
    return hits, notes


def _likeliest(policies: Sequence[Policy], text: Text) -> Policy:
    def subject(policy: Policy) -> float:
        for rule in policy.rules:
            if isinstance(rule, ClassifierRule) and rule.model is not None:
                return rule.scores(text).domain.get(policy.domain, 0.0)
        return 0.0

    return max(policies, key=subject)


def _hold(policy: Policy, text: Text, found: Language) -> RuleHit:
    measured = ", ".join(policy.languages)
    detail = (
        f"the {text.source} is in {found.name} ({found.code}, {found.probability:.2f}); "
        f"the {policy.domain} policy was measured on {measured} only, so a reviewer reads it"
    )
    span = Span(text.source, 0, len(text.value), text.value)
    return RuleHit(policy.name, policy.domain, RULE, "language", (span,), None, detail)
