"""A decision stored on a draft row reads back as the same typed decision."""

from __future__ import annotations

from typing import Any

import pytest

from backend.gate.decision import GateDecision, RuleHit, Span

SPANS = (Span("ticket", 3, 13, "chest pain"), Span("draft", 0, 4, "rest"))
DECISION = GateDecision(
    ("medical", "safety"),
    (
        RuleHit("safety", "safety", "heart", "terms", SPANS),
        RuleHit("medical", "medical", "model", "classifier", SPANS[1:], 0.82, "why"),
        RuleHit("medical", "medical", "like-health", "similarity", (), 0.13),
        RuleHit("medical", "medical", "like-health", "similarity", (), 0.13),
    ),
    "US-CA",
    {"medical": "sha256:1"},
    held=("legal",),
    languages={"ticket": "en"},
    notes=("a note",),
)


def test_when_a_decision_is_stored_then_it_reads_back_the_same() -> None:
    assert GateDecision.from_json(DECISION.to_json()) == DECISION


OLD_ROW: dict[str, Any] = {
    "domains": ["legal"],
    "rules": [
        {
            "rule": "r",
            "policy": "legal",
            "domain": "legal",
            "type": "terms",
            "source": "ticket",
            "start": 0,
            "end": 3,
            "text": "sue",
        }
    ],
    "jurisdiction": "GB",
    "policy_versions": {"legal": "sha256:2"},
    "urgent": False,
}


@pytest.mark.parametrize(
    ("row", "domains"), [(OLD_ROW, ("legal",)), ({"urgent": False}, None), ({}, None)]
)
def test_when_a_row_was_written_before_then_it_still_reads(
    row: dict[str, Any], domains: tuple[str, ...] | None
) -> None:
    decision = GateDecision.from_json(row)
    assert (decision.domains if decision else None) == domains
    if decision:
        assert decision.hits[0].spans == (Span("ticket", 0, 3, "sue"),)
        assert (decision.languages, decision.notes, decision.held) == ({}, (), ())
