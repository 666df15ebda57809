"""The gate's decision for one ticket and draft: which advice domains they stray into.

Cheap rules run first; a policy's expensive rules (example similarity) run only when its
cheap rules found nothing, and each text is embedded at most once per evaluation (not at
all when the caller passes the vector it already has, except a long text's opening for a
``long_texts: head`` rule: the passed vector is of the whole text).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from backend.gate import jurisdictions
from backend.gate.decision import GateDecision, RuleHit, Span
from backend.gate.policy import Policy
from backend.gate.policyset import PolicySet
from backend.gate.rules import Rule, Text
from backend.gate.unsupported import language_hits, languages_of
from backend.redaction import RedactedText
from backend.retrieval import Embedder, Vectors


def evaluate(
    policies: PolicySet,
    ticket: RedactedText,
    draft: RedactedText | None = None,
    jurisdiction: str = "",
    *,
    vectors: Mapping[str, Vectors] | None = None,
) -> GateDecision:
    """Decide whether ``ticket`` (and ``draft``) need a credentialed reviewer.

    ``jurisdiction`` is where the customer is (``US-CA``, ``EU-DE``, ``GB``); empty means
    unknown, and then every policy applies. ``vectors`` may hold the ``"ticket"`` and
    ``"draft"`` embeddings the caller already computed with the same embedder.
    """
    texts = _texts(ticket, draft, vectors or {}, policies.embedder)
    applicable = policies.applicable(jurisdiction)
    hits: list[RuleHit] = []
    for policy in applicable:
        hits += _policy_hits(policy, texts, jurisdiction)
    languages = languages_of(texts)
    flagged = {span.source for hit in hits for span in hit.spans}
    held, notes = language_hits(applicable, texts, languages, flagged)
    hits += held
    domains = tuple(sorted({hit.domain for hit in hits}))
    detected = {source: found.code for source, found in languages.items() if found}
    return GateDecision(
        domains,
        tuple(hits),
        jurisdiction,
        policies.versions(),
        languages=detected,
        notes=tuple(notes),
    )


def _texts(
    ticket: RedactedText,
    draft: RedactedText | None,
    vectors: Mapping[str, Vectors],
    embedder: Embedder | None,
) -> list[Text]:
    def embed(text: RedactedText) -> Vectors:
        assert embedder is not None
        vector: Vectors = embedder.embed([text], purpose="query")[0]
        return vector

    embed_fn = embed if embedder is not None else None
    texts = []
    if ticket.text.strip():  # a draft judged on its own (while it streams) has no ticket
        texts.append(Text("ticket", ticket, _vector(vectors, "ticket"), embed_fn))
    if draft is not None and draft.text.strip():
        texts.append(Text("draft", draft, _vector(vectors, "draft"), embed_fn))
    return texts


def _vector(vectors: Mapping[str, Vectors], source: str) -> Vectors | None:
    vector = vectors.get(source)
    return None if vector is None else np.asarray(vector, dtype=np.float32).reshape(-1)


def _policy_hits(policy: Policy, texts: list[Text], jurisdiction: str) -> list[RuleHit]:
    rules = [r for r in policy.rules if _applies(r, jurisdiction)]
    hits = [h for r in rules if not r.expensive for h in _rule_hit(policy, r, texts)]
    for rule in rules:
        if rule.expensive and not hits:  # similarity only decides what cheap rules left open
            hits = _rule_hit(policy, rule, texts)
    return hits


def _applies(rule: Rule, jurisdiction: str) -> bool:
    return rule.jurisdictions is None or jurisdictions.covers_any(rule.jurisdictions, jurisdiction)


def _rule_hit(policy: Policy, rule: Rule, texts: list[Text]) -> list[RuleHit]:
    spans, score, details = [], None, []
    for text in texts:
        if not rule.reads_source(text.source):
            continue
        for found in rule.matches(text):
            spans.append(
                Span(text.source, found.start, found.end, text.value[found.start : found.end])
            )
            score = found.score if found.score is not None else score
            details += [found.detail] if found.detail else []
    if not spans:
        return []
    detail = "; ".join(details) or None
    return [RuleHit(policy.name, policy.domain, rule.id, rule.type, tuple(spans), score, detail)]
