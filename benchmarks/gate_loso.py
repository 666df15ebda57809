"""Leave-one-source-out folds for the advice model (used by benchmarks/gate.py).

A fold holds out one whole source (every positive source of a domain that has several, and
every service or statement source), or one topic inside a domain's only source (learned
hands' topic labels, insuranceqa's domain field, FiQA topics by keyword). The model is
retrained on everything else and the held-out rows are judged by the policies with that
model. The policies' own examples are always trained on and never judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from backend.gate.training.sources import Example

# Sources judged whole; a reply source leaves with the tickets it answers.
WHOLE = {
    "medquad": ("medquad",),
    "curai": ("curai",),
    "meqsum": ("meqsum",),
    "medicationqa": ("medicationqa",),
    "banking77": ("banking77",),
    "clinc150": ("clinc150",),
    "dstc11": ("dstc11",),
    "hint3": ("hint3",),
    "bitext": ("bitext", "bitext_replies"),
    "tobi_bueck": ("tobi_bueck", "tobi_replies"),
    "reddit_statements": ("reddit_statements",),
}
# A domain's only source: one fold per topic (small topics together as "other topics").
BY_TOPIC = {"learned_hands": 150, "fiqa": 150, "insuranceqa": 150}
REPORT_ONLY = ("healthsearchqa",)  # general health information: flag rate reported, not scored


@dataclass(frozen=True)
class Fold:
    name: str
    kind: str  # source | topic
    held_out: frozenset[int]  # row indexes judged in this fold and left out of training


def folds(rows: list[Example]) -> Iterator[Fold]:
    for name, sources in WHOLE.items():
        chosen = frozenset(i for i, r in enumerate(rows) if r.source in sources)
        if chosen:
            yield Fold(name, "source", chosen)
    for source, minimum in BY_TOPIC.items():
        groups: dict[str, set[int]] = {}
        for i, row in enumerate(rows):
            if row.source == source:
                groups.setdefault(row.group, set()).add(i)
        small = {i for g in groups.values() if len(g) < minimum for i in g}
        for group, members in sorted(groups.items()):
            if len(members) >= minimum:
                yield Fold(f"{source}:{group}", "topic", frozenset(members))
        if small:
            yield Fold(f"{source}:other topics", "topic", frozenset(small))


def report_only(rows: list[Example]) -> frozenset[int]:
    """Rows never trained on and judged apart (a fold of their own, outside the criteria)."""
    return frozenset(i for i, r in enumerate(rows) if r.source in REPORT_ONLY)
