"""The gate as the pipeline sees it: policies from a folder, decisions as plain JSON."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from backend.gate import jurisdictions
from backend.gate.decision import GateDecision, RuleHit, Span
from backend.gate.store import Listener, PolicyStore
from backend.redaction import RedactedText
from backend.retrieval import Embedder, Vectors


class PolicyGate:
    """Evaluates redacted tickets and drafts against the policies in force (hot-reloaded).

    ``required`` domains fail closed when no policy for them is in force; ``listeners`` hear
    each distinct policy problem once (see ``PolicyStore``).
    """

    def __init__(
        self,
        directory: Path,
        embedder: Embedder,
        cache_dir: Path,
        check_every: float,
        required: Iterable[str] = (),
        listeners: Iterable[Listener] = (),
    ) -> None:
        self.store = PolicyStore(directory, embedder, cache_dir, check_every, required, listeners)

    def evaluate(
        self,
        ticket: RedactedText,
        draft: RedactedText | None,
        jurisdiction: str,
        ticket_vector: Vectors | None = None,
    ) -> dict[str, Any]:
        vectors = {"ticket": ticket_vector} if ticket_vector is not None else None
        where = jurisdictions.ticket_jurisdiction(jurisdiction)  # DE → EU-DE on the review item
        return decision_json(self.store.evaluate(ticket, draft, where, vectors=vectors))


def decision_json(decision: GateDecision) -> dict[str, Any]:
    """One flat entry per matched span (then one per hit without spans), as pages show them."""
    rules = [_entry(hit, span) for hit in decision.hits for span in hit.spans or ()]
    rules += [_entry(hit, None) for hit in decision.hits if not hit.spans]
    held = {"held": list(decision.held)} if decision.held else {}
    return {
        "domains": list(decision.domains),
        "rules": rules,
        "jurisdiction": decision.jurisdiction,
        "policy_versions": dict(decision.policy_versions),
        "languages": dict(decision.languages),
        "notes": list(decision.notes),
        **held,
    }


def _entry(hit: RuleHit, span: Span | None) -> dict[str, Any]:
    """Which text, the rule id and type, the matched span, and the score and why if known."""
    return {
        "rule": hit.rule,
        "policy": hit.policy,
        "domain": hit.domain,
        "type": hit.type,
        "source": span.source if span else None,
        "start": span.start if span else None,
        "end": span.end if span else None,
        "text": span.text if span else "",
        "score": hit.score,
        "detail": hit.detail,
    }
