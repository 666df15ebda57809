"""Whether a sentence lifted out of a source reads on its own in a reply to this customer.

A reply stitched from sources must not point at text the customer does not have ("the steps
above", "see this article"), lean on a sentence left behind ("Both work; the first is
quicker", "after that date", step 3 without steps 1 and 2), be a fragment of a list or a
sentence ("Monthly payments to Keel Credit."), nor ask for a detail the customer already gave.
Rules only, no model: the offline drafter runs in milliseconds.
"""

from __future__ import annotations

import re

from backend.drafting.text import STOPWORDS, Unit

# Pointers at a document's layout, which a reply does not have.
POINTS_AWAY = re.compile(
    r"\b(?:the above|(?:see|steps?|instructions|options?|methods?|listed|shown|described|"
    r"mentioned|outlined) (?:above|below)|(?:as|see) (?:above|below)|the following|"
    r"(?:previous|next|earlier) (?:step|section)|step \d+|this (?:article|guide|page|section|"
    r"list|table)|in this (?:article|guide))\b|\(see\b",
    re.IGNORECASE,
)
# Openings that continue the sentence before.
LEANING_OPENING = re.compile(
    r"^(?:both|either|neither|these|those|this|that|it|they|such|then|otherwise|alternatively|"
    r"instead|also|however|the (?:first|second|third|former|latter|other|same|rest)|"
    r"if (?:so|not)|once (?:done|that|this|it)|after (?:that|this)|in (?:that|this) case)\b",
    re.IGNORECASE,
)
# "both work", "try either", "the first is quicker", "these steps".
LEANING_PRONOUN = re.compile(
    r"\b(?:both|either|neither)(?= (?:work|works|are|is|will|options|methods|ways|ones|"
    r"of them|of these)\b|[,.;])|\bthe (?:former|latter)\b|\bthe (?:first|second|other)"
    r"(?= (?:one|option|method|way|is|was|works|takes|will)\b|[,.;])|"
    r"\b(?:these|those) (?:steps|instructions|settings|options|methods|fixes|ones)\b|"
    r"\b(?:after|before|besides|despite) (?:that|this)(?=[,.;!?])",
    re.IGNORECASE,
)
# "that date", "those 14 days", "this email address": the thing must have been named before.
DEMONSTRATIVE = re.compile(
    r"\b(?:this|these|those|(?:after|before|during|with|at|in|on|for|from|to|of|by|give|"
    r"use|send|quote|keep) that|that(?= [a-z][a-z-]+[.,;:!?])) ((?:\d+ )?[a-z][a-z-]+)",
    re.IGNORECASE,
)
CALENDAR = frozenset("week weekend month year morning afternoon evening".split())
ENDS_AS_SENTENCE = re.compile(r"[.!?][\"')]?$")
NEEDS_MAIN_CLAUSE = re.compile(
    r"^(?:whether|why|which|what|whereas|including|such as|e\.g\.)\b", re.IGNORECASE
)
# Instruction verbs that open a list item written as a step ("Unplug the hub.").
INSTRUCTIONS = (
    "add allow ask call cancel change check choose clean clear click close confirm connect "
    "contact copy delete disable disconnect download drop email enable enter export find "
    "follow give go hold insert install keep leave let lie log make mount move open pair "
    "pause pick place plug press pull push put reconnect register reinstall reinsert remove "
    "replace reply request reset restart return save scan search select send set sign skip "
    "slide snap stand switch tap try turn type uninstall unplug update use wait wipe write"
).split()
# What makes a list item a sentence rather than a noun phrase ("Loss or theft."): a verb
# form from the closed classes (or a contraction such as "you'll"), or an instruction verb
# opening it. A subject pronoun alone is not enough: "the damage you caused".
CLAUSE_WORD = re.compile(
    r"\b(?:is|are|was|were|be|been|am|isn't|aren't|wasn't|can|can't|cannot|could|will|won't|"
    r"would|should|must|may|might|do|does|did|don't|doesn't|didn't|has|have|had|hasn't|"
    r"haven't|(?:you|we|they|i)'(?:ll|re|ve|d)|(?:it|that|there)'s)\b"
    r"|^(?:" + "|".join(INSTRUCTIONS) + r")\b",
    re.IGNORECASE,
)
LABEL = re.compile(r"^[^:.!?]{1,40}:\s+")  # "Filter type: change it any time."
# A request to the customer; what it asks for comes after it in the sentence.
ASK = re.compile(
    r"\b(?:(?:please|could you|can you|would you|kindly) (?:\w+ ){0,2}?(?:send|share|provide|"
    r"reply|give|tell|confirm|include|attach)|(?:contact|email|write to) us with|reply with|"
    r"(?:we|i)(?:'ll| will)? need (?:your|the))\b",
    re.IGNORECASE,
)
# Kinds of detail: how a reply asks for one, and how the (redacted) message shows it given.
# Personal values are placeholders by then, so their type says what was given.
DETAILS = {
    "order number": (r"\border (?:number|no\b|id\b|#)", r"\border\b[^.\n]{0,30}?\d{4}|\bORD-?\d"),
    "serial number": (r"\bserial\b", r"\bserial\b[^.\n]{0,20}?\b[A-Z0-9]{2,}-[A-Z0-9-]{4,}"),
    "card digits": (
        r"\blast (?:four|4)\b|\bcard (?:number|ending|digits)\b",
        r"\b(?:ending|ends|last (?:four|4)(?: digits)?)\D{0,12}\d{4}\b|<CREDIT_CARD(?:_\d+)?>",
    ),
    "e-mail address": (r"\be-?mail address\b|\baccount e-?mail\b", r"<EMAIL_ADDRESS(?:_\d+)?>"),
    "phone number": (r"\b(?:phone|mobile) number\b", r"<PHONE_NUMBER(?:_\d+)?>"),
    "postal address": (
        r"\b(?:postal|shipping|delivery|home|billing) address\b",
        r"<(?:LOCATION|ADDRESS|STREET_ADDRESS)(?:_\d+)?>",
    ),
    "error code": (r"\berror (?:code|message)\b", r"\b[A-Z]{1,3}-\d{2,4}\b"),
}


def points_away(sentence: str) -> bool:
    """Whether the sentence refers to the layout of a document the customer does not see."""
    return bool(POINTS_AWAY.search(sentence))


def leans_back(unit: Unit, said: str) -> bool:
    """Whether the sentence needs the one before it in its source to be read.

    ``said``: what the reader has at that point (the customer's message and the draft so
    far); a "that date" whose words are in it has its antecedent.
    """
    sentence = unit.text
    if LEANING_OPENING.match(sentence) or LEANING_PRONOUN.search(sentence) or unit.step > 1:
        return True
    for found in DEMONSTRATIVE.finditer(sentence):
        noun = found.group(1).lower()
        if noun.split()[-1] in STOPWORDS | CALENDAR:
            continue
        if noun not in said.lower() + " " + sentence[: found.start()].lower():
            return True
    return False


def fragment(unit: Unit) -> bool:
    """Whether the sentence is not one: cut off, lower-case, or a list item's noun phrase."""
    sentence = unit.text
    if not ENDS_AS_SENTENCE.search(sentence) or not sentence[:1].isupper():
        return True
    if NEEDS_MAIN_CLAUSE.match(sentence):
        return True
    if sentence.count("(") != sentence.count(")") or sentence.count('"') % 2:
        return True
    return unit.item == "bullet" and not _clause(sentence)


def _clause(item: str) -> bool:
    """Whether the item's first clause (or, after a "Label:", the rest's) has a verb cue."""
    label = LABEL.match(item)
    rest = item[label.end() :] if label else ""
    return any(
        CLAUSE_WORD.search(re.split(r"[,;(—–]| - ", text, maxsplit=1)[0])
        for text in (item, rest)
        if text
    )


def asks_for_given(sentence: str, message: str) -> list[str]:
    """The kinds of detail ``sentence`` asks the customer for that ``message`` already gives."""
    ask = ASK.search(sentence)
    if not ask:
        return []
    asked = sentence[ask.start() :]
    return [
        name
        for name, (asking, given) in DETAILS.items()
        if re.search(asking, asked, re.IGNORECASE) and re.search(given, message, re.IGNORECASE)
    ]
