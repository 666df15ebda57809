"""The gate as the pipeline sees it: policies from a folder, decisions as plain JSON."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from backend.gate.decision import GateDecision
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
        return decision_json(self.store.evaluate(ticket, draft, jurisdiction, vectors=vectors))


def decision_json(decision: GateDecision) -> dict[str, Any]:
    """One flat entry per matched span, as the API and the pages show them."""
    rules = [
        {
            "rule": hit.rule,
            "policy": hit.policy,
            "domain": hit.domain,
            "type": hit.type,
            "source": span.source,
            "start": span.start,
            "end": span.end,
            "text": span.text,
        }
        for hit in decision.hits
        for span in hit.spans or ()
    ]
    rules += [
        {
            "rule": hit.rule,
            "policy": hit.policy,
            "domain": hit.domain,
            "type": hit.type,
            "source": None,
            "start": None,
            "end": None,
            "text": "",
        }
        for hit in decision.hits
        if not hit.spans
    ]
    held = {"held": list(decision.held)} if decision.held else {}
    return {
        "domains": list(decision.domains),
        "rules": rules,
        "jurisdiction": decision.jurisdiction,
        "policy_versions": dict(decision.policy_versions),
        **held,
    }
