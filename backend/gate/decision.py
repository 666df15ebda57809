"""What the gate decided about one ticket and draft: plain data, ready to store and show.

A draft row keeps the decision as JSON (``Draft.gate``): ``to_json`` writes that shape, one
flat entry per matched span as the pages show them, and ``from_json`` reads it back, also
from rows written before ``languages``, ``notes`` and each entry's ``score`` and ``detail``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import groupby
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
        """As a draft row stores it: one entry per matched span (then one per hit without
        spans); ``held`` only when a domain is held."""
        rules = [_entry(hit, span) for hit in self.hits for span in hit.spans]
        rules += [_entry(hit, None) for hit in self.hits if not hit.spans]
        held = {"held": list(self.held)} if self.held else {}
        return {
            "domains": list(self.domains),
            "rules": rules,
            "jurisdiction": self.jurisdiction,
            "policy_versions": dict(self.policy_versions),
            "languages": dict(self.languages),
            "notes": list(self.notes),
            **held,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GateDecision | None:
        """A stored decision; None for a row that holds none (no gate, or not drafted yet)."""
        if "domains" not in data:
            return None
        return cls(
            domains=tuple(data["domains"]),
            hits=tuple(_hits(data.get("rules") or ())),
            jurisdiction=data.get("jurisdiction") or "",
            policy_versions=dict(data.get("policy_versions") or {}),
            held=tuple(data.get("held") or ()),
            languages=dict(data.get("languages") or {}),
            notes=tuple(data.get("notes") or ()),
        )


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


def _hits(entries: Iterable[Mapping[str, Any]]) -> Iterator[RuleHit]:
    """Stored entries back into hits: neighbouring span entries of one rule make one hit,
    an entry without a span is a hit of its own."""
    for (names, score, detail, spanless), group in groupby(entries, _hit_key):
        entries_of_hit = list(group)
        spans = () if spanless else tuple(_span(entry) for entry in entries_of_hit)
        for _ in entries_of_hit if spanless else entries_of_hit[:1]:
            yield RuleHit(*names, spans=spans, score=score, detail=detail)


def _hit_key(entry: Mapping[str, Any]) -> tuple[tuple[str, str, str, str], Any, Any, bool]:
    policy, domain, rule, kind = (
        str(entry.get(k) or "") for k in ("policy", "domain", "rule", "type")
    )
    return (
        (policy, domain, rule, kind),
        entry.get("score"),
        entry.get("detail"),
        entry.get("source") is None,
    )


def _span(entry: Mapping[str, Any]) -> Span:
    return Span(entry["source"], int(entry["start"]), int(entry["end"]), str(entry["text"]))
