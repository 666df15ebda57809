"""Runs each policy's own should-flag / should-pass examples (``precedent policies test``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backend.gate.evaluate import evaluate
from backend.gate.examples_schema import Example
from backend.gate.policy import Policy
from backend.gate.policyset import PolicySet
from backend.redaction import RedactedText

Redact = Callable[[str], RedactedText]


@dataclass(frozen=True)
class Failure:
    """An example whose outcome was not the one the policy promises."""

    policy: Policy
    example: Example
    expected: str  # "flag" or "pass"

    def describe(self) -> str:
        where = f"{self.policy.path}:{self.example.where.line}:{self.example.where.column}"
        outcome = "was not flagged" if self.expected == "flag" else "was flagged"
        return f"{where} should_{self.expected} example {outcome}: {_short(self.example.ticket)}"


def run_examples(policies: PolicySet, redact: Redact) -> tuple[int, list[Failure]]:
    """(number of examples run, failures); each policy is run on its own examples alone."""
    count, failures = 0, []
    for policy in policies.policies:
        alone = PolicySet((policy,), policies.embedder)
        cases = [(e, "flag") for e in policy.should_flag] + [
            (e, "pass") for e in policy.should_pass
        ]
        for example, expected in cases:
            count += 1
            if _flagged(alone, example, redact) != (expected == "flag"):
                failures.append(Failure(policy, example, expected))
    return count, failures


def _flagged(policies: PolicySet, example: Example, redact: Redact) -> bool:
    draft = redact(example.draft) if example.draft is not None else None
    decision = evaluate(policies, redact(example.ticket), draft, example.jurisdiction)
    return policies.policies[0].domain in decision.domains


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
