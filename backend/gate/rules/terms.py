"""Term and phrase sets, matched on word boundaries, with simple negation."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from backend.gate.rules import Found, LoadContext, Rule, Text, rule_types
from backend.yamlfile.schema import Field

NEGATORS = frozenset(
    "not no never without nor isn't aren't don't doesn't didn't won't cannot can't".split()
)
NEGATION_WORDS = 3


def _term_problem(term: Any) -> str | None:
    if not str(term).strip() or str(term).strip() == "*":
        return "a term cannot be empty"
    if "*" in str(term)[:-1]:
        return f"term '{term}': '*' may only end a term (evict* matches evict, eviction, ...)"
    return None


def _fragment(term: str) -> str:
    stem = term.strip().endswith("*")
    words = term.strip().rstrip("*").split()
    escaped = [re.escape(w).replace("'", "['’]") for w in words]
    return r"[\s-]+".join(escaped) + (r"\w*" if stem else "")


def compile_terms(terms: Sequence[str], case_sensitive: bool = False) -> re.Pattern[str]:
    """One pattern for all ``terms``: whole words, ``*`` ends a stem, spaces match hyphens."""
    ordered = sorted({t.strip() for t in terms}, key=len, reverse=True)
    body = "|".join(_fragment(t) for t in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", 0 if case_sensitive else re.IGNORECASE)


def negated(text: Text, start: int) -> bool:
    """Whether one of the few words before ``start`` negates it ("not", "never", ...)."""
    return any(w.replace("’", "'") in NEGATORS for w in text.words_before(start, NEGATION_WORDS))


TERMS = Field(list, required=True, item=str, check=_term_problem)


@rule_types.register("terms")
class TermsRule(Rule):
    """Flags any of a set of words or phrases.

    Terms match whole words, case-insensitively unless ``case_sensitive: true``; a trailing
    ``*`` matches any ending (``evict*``: evict, evicted, eviction). A term preceded within
    three words by a negation ("not", "never", "don't", ...) does not count unless
    ``negation: false``. Any ``unless`` phrase in the same text switches the rule off for it.

    Example::

        rule:
          id: legal-action
          type: terms
          reads: ticket
          terms: [sue, lawsuit, small claims court, attorney, evict*]
          unless: [legal team at Tidewater]
        should_flag:
          - Can I sue the landlord over the deposit?
          - They are evicting me next week.
        should_pass:
          - I do not want to sue anyone, just fix the thermostat.
          - Please forward this to the legal team at Tidewater.
    """

    schema = {
        "terms": TERMS,
        "unless": Field(list, item=str, check=_term_problem),
        "negation": Field(bool),
        "case_sensitive": Field(bool),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        case = bool(options.get("case_sensitive", False))
        self.pattern = compile_terms(options["terms"], case)
        unless = options.get("unless", [])
        self.unless = compile_terms(unless, case) if unless else None
        self.negation = bool(options.get("negation", True))

    def validate(self, context: LoadContext) -> list[tuple[str | None, str]]:
        return []

    def find(self, text: Text) -> list[Found]:
        if self.unless is not None and self.unless.search(text.value):
            return []
        return [
            Found(m.start(), m.end())
            for m in self.pattern.finditer(text.value)
            if not (self.negation and negated(text, m.start()))
        ]
