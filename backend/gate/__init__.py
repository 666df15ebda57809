"""The compliance gate: YAML policies decide when a draft needs a credentialed reviewer.

Compliance officers write ``policies/*.yaml`` (one per advice domain); ``load_policies`` or
a hot-reloading ``PolicyStore`` loads them; ``evaluate`` turns a redacted ticket and draft
into a ``GateDecision`` (domains hit, rules with spans, jurisdiction, policy versions).

    store = PolicyStore(Path("policies"), embedder=embedders.get("minilm-onnx")(threads=1))
    decision = store.evaluate(ticket, draft, "US-CA", vectors={"ticket": ticket_vector})
"""

from __future__ import annotations

from backend.gate.decision import GateDecision, RuleHit, Span
from backend.gate.evaluate import evaluate
from backend.gate.examples import Failure, run_examples
from backend.gate.policy import DOMAINS, Policy
from backend.gate.policyset import Loader, PolicySet, load_policies
from backend.gate.rules import Rule, rule_types
from backend.gate.schema import PolicyError
from backend.gate.status import PolicyAlert, PolicyStatus
from backend.gate.store import PolicyStore

__all__ = [
    "DOMAINS",
    "Failure",
    "GateDecision",
    "Loader",
    "Policy",
    "PolicyAlert",
    "PolicyError",
    "PolicySet",
    "PolicyStatus",
    "PolicyStore",
    "Rule",
    "RuleHit",
    "Span",
    "evaluate",
    "load_policies",
    "rule_types",
    "run_examples",
]
