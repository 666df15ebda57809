"""Requests for advice: a domain term in a sentence where the customer asks about it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backend.gate.questions import asks_judgement, is_question, requests_advice, sentence_of
from backend.gate.rules import Found, Rule, Text, rule_types
from backend.gate.rules.terms import TERMS, compile_terms
from backend.yamlfile.schema import Field

PHRASINGS = ("question", "judgement")


@rule_types.register("asking")
class AskingRule(Rule):
    """Flags a ``topics`` term in a sentence that asks about it.

    With ``phrasing: question`` (the default) the sentence must be a question (it ends with
    "?" or opens with what, how, can, should, is, ...) or the text must ask for advice
    somewhere ("any advice?", "what are my options", "what should I do"). With ``phrasing:
    judgement`` the sentence must ask which choice to make or what is allowed, owed or worth
    it ("should I", "is it worth", "better to", "am I allowed", "best way", "recommend").
    Topics are a term list as in ``terms`` (whole words, ``*`` stems). Use it for words that
    are everyday conversation in a statement ("my doctor said it was normal") and a request
    for advice in a question ("should I ask my doctor for a higher dose?").

    Example::

        rule:
          id: asks-about-health
          type: asking
          reads: ticket
          topics: [doctor, dose, fever]
        should_flag:
          - Should I ask my doctor before using the humidifier?
          - The baby has had a fever since Sunday. Any advice?
          - what dose is safe for a toddler
        should_pass:
          - My doctor said the purifier was a good idea.
          - The fan runs with a fever pitch whine.
    """

    schema = {
        "topics": TERMS,
        "phrasing": Field(str, choices=PHRASINGS),
    }

    def __init__(self, options: Mapping[str, Any]) -> None:
        super().__init__(options)
        self.topics = compile_terms(options["topics"])
        self.judgement = options.get("phrasing", "question") == "judgement"

    def find(self, text: Text) -> list[Found]:
        topics = list(self.topics.finditer(text.value))
        if not topics:
            return []
        requested = not self.judgement and requests_advice(text.value)
        return [
            Found(m.start(), m.end())
            for m in topics
            if requested or self._asks(sentence_of(text.value, m.start()))
        ]

    def _asks(self, sentence: str) -> bool:
        return asks_judgement(sentence) if self.judgement else is_question(sentence)
