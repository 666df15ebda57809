"""Advice patterns: recommendation or directive language near a domain term."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.gate.rules import Found, Rule, Text, rule_types
from backend.gate.rules.entities import KINDS, recogniser
from backend.gate.rules.terms import TERMS, compile_terms, negated
from backend.yamlfile.schema import Field


def _window_problem(value: Any) -> str | None:
    return None if 1 <= value <= 60 else f"'window' must be between 1 and 60 words, not {value}"


@rule_types.register("advice")
class AdviceRule(Rule):
    """Flags advice: a ``directives`` phrase within ``window`` words of a ``topics`` term.

    Directives are how advice is phrased ("you should", "I'd recommend", "you can stop
    taking", "you are legally entitled", "is covered under your policy"); topics are the
    domain's words. Both are term lists as in ``terms`` (whole words, ``*`` stems);
    ``topic_kinds`` adds the entity kinds of the ``entities`` rule as topics (``drug`` for
    its list of drug names, ``statute``, ``coverage_term``...). The span shown runs from the
    first to the last of the two. A topic preceded by a negation ("not a lawyer") does not
    count.

    Example::

        rule:
          id: dosing-advice
          type: advice
          reads: draft
          window: 8
          directives: [you should, "I'd recommend", you can stop taking, try taking]
          topics: [inhaler, dose, dosage, medication*]
          topic_kinds: [drug]
        should_flag:
          - ticket: My asthma is better since the purifier arrived.
            draft: You can stop taking the inhaler once the ring stays blue.
          - ticket: Headaches at night.
            draft: I'd recommend a lower dose of ibuprofen before bed.
          - ticket: My glucose readings jump since the update.
            draft: You should stop taking your insulin until the sensor is replaced.
        should_pass:
          - ticket: Should I replace the filter?
            draft: You should replace the filter every six months.
          - ticket: Asthma mode question.
            draft: You should ask your doctor; we are not able to advise on medication.
    """

    schema = {
        "directives": TERMS,
        "topics": TERMS,
        "topic_kinds": Field(list, item=str, choices=KINDS),
        "window": Field(int, check=_window_problem),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        self.directives = compile_terms(options["directives"])
        kinds = options.get("topic_kinds") or []
        self.topics = [compile_terms(options["topics"]), *(recogniser(k) for k in kinds)]
        self.window = int(options.get("window", 10))

    def find(self, text: Text) -> list[Found]:
        directives = [m.span() for m in self.directives.finditer(text.value)]
        if not directives:
            return []
        topics = sorted(
            m.span()
            for pattern in self.topics
            for m in pattern.finditer(text.value)
            if not negated(text, m.start())
        )
        found = []
        for d_start, d_end in directives:
            near = [t for t in topics if self._near(text, (d_start, d_end), t)]
            if near:
                start, end = min(d_start, near[0][0]), max(d_end, near[0][1])
                found.append(Found(start, end))
        return found

    def _near(self, text: Text, a: tuple[int, int], b: tuple[int, int]) -> bool:
        first, second = (a, b) if a[0] <= b[0] else (b, a)
        gap = text.word_index(second[0]) - text.word_index(first[1])
        return gap <= self.window
