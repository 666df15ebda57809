"""What the gate decided about one ticket and draft: plain data, ready to store and show."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of the (redacted) ticket or draft that made a rule match."""

    source: Literal["ticket", "draft"]
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RuleHit:
    """One rule that matched, with every span it matched (for highlighting)."""

    policy: str
    domain: str
    rule: str
    type: str
    spans: tuple[Span, ...]
    score: float | None = None
    detail: str | None = None  # why, in words: "the ticket is about medical (0.91) and ..."


@dataclass(frozen=True)
class GateDecision:
    """Domains hit, the rules behind them, the jurisdiction and the policy versions in force.

    ``policy_versions`` maps each loaded policy's name to the content hash of its file and
    example files, so an audit record says exactly which rules decided. ``held`` says why a
    domain is gated whatever the text says ("policy for legal is missing: ..."): a required
    policy that is not in force fails closed. ``languages`` maps each text judged
    ("ticket", "draft") to the language detected in it (absent: too short to tell), and
    ``notes`` are what the agent should know about the decision itself (a language the
    policies were not measured on, under ``unsupported_language: warn``).
    """

    domains: tuple[str, ...]
    hits: tuple[RuleHit, ...]
    jurisdiction: str
    policy_versions: dict[str, str] = field(default_factory=dict)
    held: tuple[str, ...] = ()
    languages: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def gated(self) -> bool:
        """Whether a credentialed reviewer must approve the draft before it is used."""
        return bool(self.domains)

    def to_json(self) -> dict[str, Any]:
        return {
            "gated": self.gated,
            "domains": list(self.domains),
            "rules": [asdict(hit) for hit in self.hits],
            "jurisdiction": self.jurisdiction,
            "policy_versions": dict(self.policy_versions),
            "held": list(self.held),
            "languages": dict(self.languages),
            "notes": list(self.notes),
        }
