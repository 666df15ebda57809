"""Runs each policy's own should-flag / should-pass examples (``precedent policies test``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backend.gate.decision import RuleHit
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
    hits: tuple[RuleHit, ...] = ()  # what flagged a should_pass example

    def describe(self) -> str:
        """``file:line:col should_pass example was flagged by rule 'id' ('term'): text``."""
        where = f"{self.policy.path}:{self.example.where.line}:{self.example.where.column}"
        if self.expected == "flag":
            outcome = f"was not flagged (no rule of policy '{self.policy.name}' matched)"
        else:
            outcome = "was flagged by " + "; ".join(_hit(hit) for hit in self.hits)
        return f"{where} should_{self.expected} example {outcome}: {_short(self.example.ticket)}"


def _hit(hit: RuleHit) -> str:
    """The rule and what it matched: the terms, or the score of a whole-text rule."""
    if hit.score is not None:
        return f"rule '{hit.rule}' ({hit.type}, score {hit.score:.2f})"
    terms = list(dict.fromkeys(f"{span.source} '{span.text}'" for span in hit.spans))
    more = f" and {len(terms) - 3} more" if len(terms) > 3 else ""
    return f"rule '{hit.rule}' ({hit.type}: {', '.join(terms[:3])}{more})"


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
            hits = _hits(alone, example, redact)
            if bool(hits) != (expected == "flag"):
                failures.append(Failure(policy, example, expected, hits))
    return count, failures


def _hits(policies: PolicySet, example: Example, redact: Redact) -> tuple[RuleHit, ...]:
    """The rules of the (one) policy that flagged the example; empty when it passed."""
    draft = redact(example.draft) if example.draft is not None else None
    decision = evaluate(policies, redact(example.ticket), draft, example.jurisdiction)
    domain = policies.policies[0].domain
    return tuple(hit for hit in decision.hits if hit.domain == domain)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"
