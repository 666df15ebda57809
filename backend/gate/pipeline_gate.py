"""The gate the pipeline uses: policies from a folder, hot-reloaded, judging redacted text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from backend.gate import jurisdictions
from backend.gate.decision import GateDecision
from backend.gate.status import required_policies
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

    @classmethod
    def from_settings(
        cls, config: Mapping[str, Any], embedder: Embedder, listeners: Iterable[Listener] = ()
    ) -> PolicyGate:
        """The gate the settings describe: ``POLICIES_DIR``, ``DATA_DIR``,
        ``POLICY_CHECK_SECONDS`` and ``REQUIRED_POLICIES``."""
        return cls(
            Path(config["POLICIES_DIR"]),
            embedder,
            Path(config["DATA_DIR"]) / "gate-cache",
            config["POLICY_CHECK_SECONDS"],
            required=required_policies(config),
            listeners=listeners,
        )

    def evaluate(
        self,
        ticket: RedactedText,
        draft: RedactedText | None,
        jurisdiction: str,
        ticket_vector: Vectors | None = None,
    ) -> GateDecision:
        vectors = {"ticket": ticket_vector} if ticket_vector is not None else None
        where = jurisdictions.ticket_jurisdiction(jurisdiction)  # DE → EU-DE on the review item
        return self.store.evaluate(ticket, draft, where, vectors=vectors)
