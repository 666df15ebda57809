"""What a stored decision says about each rule hit: text, rule, type, span, score and why."""

from __future__ import annotations

from backend.gate.decision import GateDecision, RuleHit, Span

WHY = "classifier: medical 0.82 ≥ 0.50 on the ticket"


def test_when_hits_carry_a_score_and_a_detail_then_each_entry_says_which_text_and_why() -> None:
    spans = (Span("ticket", 3, 13, "chest pain"), Span("draft", 0, 4, "rest"))
    decision = GateDecision(
        ("medical", "safety"),
        (
            RuleHit("safety", "safety", "heart", "terms", spans[:1]),
            RuleHit("medical", "medical", "model", "classifier", spans[1:], 0.82, WHY),
            RuleHit("medical", "medical", "like-health", "similarity", (), 0.13),
        ),
        "US-CA",
    )
    rules = decision.to_json()["rules"]
    assert [
        (r["source"], r["rule"], r["type"], r["text"], r["score"], r["detail"]) for r in rules
    ] == [
        ("ticket", "heart", "terms", "chest pain", None, None),
        ("draft", "model", "classifier", "rest", 0.82, WHY),
        (None, "like-health", "similarity", "", 0.13, None),
    ]
    assert (rules[0]["start"], rules[0]["end"]) == (3, 13)
