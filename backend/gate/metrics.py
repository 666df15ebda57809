"""Per-domain precision and recall of gate decisions against expected domains."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from backend.gate.policy import DOMAINS


@dataclass
class Tally:
    """Counts true positives, false positives and misses per domain."""

    items: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, expected: Iterable[str], hit: Iterable[str]) -> None:
        want, got = set(expected), set(hit)
        self.items += 1
        for domain in want | got:
            row = self.counts.setdefault(domain, {"tp": 0, "fp": 0, "fn": 0})
            if domain in want and domain in got:
                row["tp"] += 1
            elif domain in got:
                row["fp"] += 1
            else:
                row["fn"] += 1

    def summary(self) -> dict[str, Any]:
        """``{domain: {precision, recall, tp, fp, fn}}`` for every domain (None when 0/0)."""
        domains = sorted(set(DOMAINS) | set(self.counts))
        return {d: _scores(self.counts.get(d, {"tp": 0, "fp": 0, "fn": 0})) for d in domains}


def _scores(row: dict[str, int]) -> dict[str, Any]:
    tp, fp, fn = row["tp"], row["fp"], row["fn"]
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        **row,
    }
