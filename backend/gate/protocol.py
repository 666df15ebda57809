"""The gate as the pipeline sees it: one seam, whatever implements it."""

from __future__ import annotations

from typing import Protocol

from backend.gate.decision import GateDecision
from backend.redaction import RedactedText
from backend.retrieval import Vectors


class Gate(Protocol):
    """Flags drafts that may give legal, medical, financial or insurance advice."""

    def evaluate(
        self,
        ticket: RedactedText,
        draft: RedactedText | None,
        jurisdiction: str,
        ticket_vector: Vectors | None = None,
    ) -> GateDecision:
        """Domains hit, the rules behind them, the jurisdiction and the policy versions;
        no draft: the ticket alone."""
        ...
