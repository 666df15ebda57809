"""Whether a customer asks something: a question, or a request for advice.

Many domain words ("doctor", "loan", "my landlord", "tax") are everyday conversation; they
signal a request for advice mostly when the customer asks about them. These helpers tell a
question ("Can my landlord keep the deposit?", "should I pay off the loan first") and a
request for advice ("Any advice?", "what are my options") from a statement ("My doctor said
it was normal."). They are plain regular expressions: no model, microseconds per text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def phrases(words: Sequence[str]) -> re.Pattern[str]:
    """Whole-word phrases, any case; spaces match any whitespace, ``*`` ends a stem."""
    body = "|".join(
        r"\s+".join(re.escape(w).replace("'", "['’]") for w in p.rstrip("*").split())
        + (r"\w*" if p.endswith("*") else "")
        for p in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


SENTENCE_END = re.compile(r"(?<=[.!?])[\s\"'”’)]+|\n+")
# A sentence that opens with one of these words is a question, with or without its "?".
OPENERS = re.compile(
    r"^\W*(?:(?:so|and|but|also|ok|okay|hi|hello|hey)\W+)?"
    r"(?:what|how|why|when|where|which|who|whom|whose|is|are|am|was|were|do|does|did|can|"
    r"could|should|would|will|may|might|must|shall|has|have|any|anyone|anybody)\b",
    re.IGNORECASE,
)
# Phrases that ask for advice wherever they stand in a text.
REQUESTS = phrases(
    [
        "any advice",
        "any ideas",
        "any suggestions",
        "need advice",
        "need some advice",
        "advice on",
        "advice please",
        "looking for advice",
        "seeking advice",
        "what are my options",
        "what can I do",
        "what should I do",
        "what do I do",
        "is there anything I can do",
        "wondering if",
        "wondering whether",
        "I want to know",
        "I need to know",
        "please advise",
        "help me understand",
        "my question is",
        "my questions are",
        "not sure what",
        "not sure if",
        "not sure whether",
        "not sure how",
        "not quite sure",
        "not for sure",
        "don't know what to do",
        "dont know what to do",
        "don't know where to turn",
        "don't know where to start",
        "don't know if I",
        "where do I go from here",
        "where to go from here",
        "anything that can be done",
        "anything I can do",
        "anything we can do",
        "looking for help",
        "need help",
        "need some help",
        "any help",
        "any input",
        "any thoughts",
        "I wanted to ask",
        "I'd like to know",
        "would like to know",
        "what my options are",
        "what our options are",
        "what are our options",
        "where I stand",
        "where do I stand",
        "do I have a case",
        "thanks in advance",
    ]
)
# Asking which choice to make, or what is allowed, owed or worth it. "Can I", "do I have
# to" and "is it possible to" are left out: "do I have to pay for a second card?" asks how
# a service works, not for a judgement.
JUDGEMENTS = phrases(
    [
        "should I",
        "should we",
        "shall I",
        "am I allowed",
        "am I required",
        "am I entitled",
        "am I liable",
        "is it worth",
        "worth it",
        "is it better",
        "better to",
        "better off",
        "is it a good idea",
        "a good idea to",
        "is it wise",
        "is it smart",
        "is it safe",
        "is it legal",
        "best way",
        "best option",
        "which is better",
        "pros and cons",
        "make sense",
        "makes sense",
        "recommend*",
        "advis*",
        "what happens if",
        "what happens when",
    ]
)


def sentence_of(value: str, offset: int) -> str:
    """The sentence of ``value`` that holds the character at ``offset``."""
    start = 0
    for end in SENTENCE_END.finditer(value):
        if end.start() >= offset:
            return value[start : end.start()]
        start = end.end()
    return value[start:]


def is_question(sentence: str) -> bool:
    """Whether a sentence asks: it ends with "?" or opens with a question word."""
    return sentence.rstrip().endswith("?") or OPENERS.match(sentence) is not None


def requests_advice(value: str) -> bool:
    """Whether a text asks for advice in so many words ("any advice?", "what can I do")."""
    return REQUESTS.search(value) is not None


def asks_judgement(sentence: str) -> bool:
    """Whether a sentence asks which choice to make or what is allowed or worth it."""
    return JUDGEMENTS.search(sentence) is not None


def asks(value: str) -> bool:
    """Whether a text asks anything: one question or one request for advice is enough."""
    if "?" in value or requests_advice(value):
        return True
    return any(OPENERS.match(s) for s in SENTENCE_END.split(value))
