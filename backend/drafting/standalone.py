"""Whether a sentence lifted out of a source reads on its own in a reply to this customer.

A reply stitched from sources must not point at text the customer does not have ("the steps
above", "see this article"), lean on a sentence left behind ("Both work; the first is
quicker", "after that date", step 3 without steps 1 and 2), be a fragment of a list or a
sentence ("Monthly payments to Keel Credit."), nor ask for a detail the customer already gave,
nor recount what the precedent's customer did or said ("You've sent us the serial number,
thanks."): that was true of them, and this customer may not have. A precedent ticket's reply
also states facts of its own case: the customer's account with its values ("You're on the
monthly plan", "your speaker is 14 months old") and what the agent did ("I've opened a claim
with the carrier"); those are left out too, unless the new message bears them out. A
help-centre article, written for anyone, is not held to that. A worked example ("Example:
You pay $6.99 on 1 March. On 16 March you switch …") is left out whole for the same reason: its
figures are a made-up customer's. Rules only, no model: the offline drafter runs in
milliseconds.
"""

from __future__ import annotations

import re

from backend.drafting.text import STOPWORDS, Unit, words

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


# A recount is a clause with "you" as its subject and its verb in the past or the perfect
# ("you sent", "you were charged", "you've tried"), or "your X" with a verb of showing or
# saying ("your photo shows"). Only a "you" that opens a clause is a subject: at the start,
# after punctuation or after a conjunction ("as you described", "so you paid"); after a noun it
# opens a relative clause ("anything you've overpaid"), after a verb it is an object.
CLAUSE_OPENER = (
    r"(?:^|[,;:(—–]\s*|\b(?P<opener>and|but|so|then|yet|as soon as|as|since|because|now|"
    r"when|after|before|once|until|while|though|although|if|unless|whether)\s+)"
    r"(?:(?:so|then|now|also|overall|already|\w+ly),?\s+)*"
)
ADVERBS = r"(?:\s+(?:already|also|just|then|never|not|even|only|first|all|both|\w+ly))*"
# Regular past forms end in -ed (not the -eed of "need", "proceed"); irregular ones are a
# closed class. Forms spelled like the present ("put", "reset") count only after "have".
REGULAR_PAST = r"(?!(?:n|f|proc|succ|exc|sp|bl|br|h)eed\b|(?:emb|sh)ed\b)[a-z]+ed"
IRREGULAR_PAST = (
    "said told sent gave bought paid made did had got took wrote showed saw found brought ran "
    "left kept lost heard spent came went chose forgot meant thought began broke were weren't "
    "didn't"
).split()
IRREGULAR_PARTICIPLE = (
    "said told sent given bought paid made done had been gotten taken written shown seen found "
    "brought run left kept lost heard spent come gone chosen forgotten meant thought begun broken "
    "put set reset cut"
).split()
PAST = "|".join([REGULAR_PAST, *IRREGULAR_PAST])
PARTICIPLE = "|".join([REGULAR_PAST, *IRREGULAR_PARTICIPLE])
# "'d" is also "would" ("then you'd enter the code"): only the spelled-out "had" counts.
PERFECT = rf"(?:'ve| have| had)(?:n't| not)?{ADVERBS}\s+(?:{PARTICIPLE})"
# "your X shows" tells what the customer's own photo or receipt shows; "will show", "may
# show" and the bare "show" are what any customer's statement does, so they do not count.
SHOWING = r"(?:show|mention|suggest|indicate|confirm|describe|state)(?:s|ed)|shown|says|said"
NOT_A_NOUN = r"(?!(?:will|would|may|might|can|could|should|shall|must|do|does|did)\b)"
RECOUNT = re.compile(
    rf"{CLAUSE_OPENER}(?:you(?:{PERFECT}|{ADVERBS}\s+(?:{PAST}))"
    rf"|your(?:\s+{NOT_A_NOUN}[\w-]+){{1,3}}?\s+(?:{SHOWING}))\b",
    re.IGNORECASE,
)
# Clauses that are not a recount even with "you" and a past verb: a condition is advice ("if
# you've already tried a reset"); a time clause either speaks of the future ("once you've reset
# it") or sets a scene that any customer shares ("the policy sent when you bought the plan").
NOT_RECOUNTING = frozenset(
    "if unless whether once after before until when while".split() + ["as soon as"]
)
CONDITIONAL_OPENING = re.compile(r"^(?:if|unless|in case|provided|should)\b", re.IGNORECASE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def recounts_another_case(sentence: str, message: str) -> bool:
    """Whether ``sentence`` tells the customer what they did, said, sent or tried, and
    ``message`` (the new customer's) does not bear it out. A condition ("If you've already
    tried a reset, …") is advice, not a recount; so is a question."""
    if sentence.rstrip().endswith("?") or CONDITIONAL_OPENING.match(sentence):
        return False
    return any(_recount(found) for found in RECOUNT.finditer(sentence)) and not borne_out(
        sentence, message
    )


def _recount(found: re.Match[str]) -> bool:
    return (found.group("opener") or "").lower() not in NOT_RECOUNTING


def borne_out(sentence: str, message: str) -> bool:
    """Whether ``message`` gives what the sentence says the customer gave or did: every kind
    of detail the sentence names, or, when it names none, all its numbers and two thirds of
    its words (compared on a 5-letter stem)."""
    named = [given for asking, given in DETAILS.values() if re.search(asking, sentence, re.I)]
    if named:
        return all(re.search(given, message, re.IGNORECASE) for given in named)
    if any(number not in message for number in NUMBER.findall(sentence)):
        return False
    told = [w for w in words(sentence) if not w.startswith("you")]
    stems = {w[:5] for w in words(message)}
    return bool(told) and sum(w[:5] in stems for w in told) * 3 >= len(told) * 2


# A fact of the precedent's own case, stated in the present or past: a clause about the
# customer ("you", "your X" opening it) that is on something ("you're on the annual plan") or
# holds one customer's value — a named date, an amount of money, an age — where a duration
# ("a 14-day right", "within 5 days") is anyone's; or the agent's own past or perfect ("I've
# opened", "we sent"). A modal makes it a promise or a possibility ("I'll check with the team",
# "you can cancel until …"), which any reply may make.
CUSTOMER_CLAUSE = re.compile(
    rf"{CLAUSE_OPENER}(?P<clause>your?\b.*?)"
    r"(?=[,;:()—–]|\s(?:and|but|or|so|because|since|as|while|which|who|that|if|when|once|"
    r"until|unless)\b|$)",
    re.IGNORECASE,
)
ON_SOMETHING = re.compile(r"^you(?:'re| are)(?:\s+(?:still|now|currently|\w+ly))*\s+on\b", re.I)
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DAY_OF_MONTH = r"\d{1,2}(?:st|nd|rd|th)?"
SPECIFIC_VALUE = re.compile(
    rf"\b(?:{DAY_OF_MONTH} {MONTH}|{MONTH} {DAY_OF_MONTH}|(?:mon|tues|wednes|thurs|fri|satur|sun)"
    r"day|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b"  # a named date
    r"|[$£€]\s?\d|\d(?:[.,]\d+)?\s?(?:€|\b(?:usd|eur|gbp)\b)"  # money
    r"|\b\d+ (?:day|week|month|year)s? old\b",  # an age
    re.IGNORECASE,
)
MODAL = re.compile(
    r"\b(?:will|would|can|could|(?<!\d )may|might|should|shall|must|won't|can't|cannot)\b"
    r"|'(?:ll|d)\b",  # "may" after a day of the month is the month
    re.IGNORECASE,
)
AGENT_ACTION = re.compile(
    rf"{CLAUSE_OPENER}(?:i|we)(?:{PERFECT}|{ADVERBS}\s+(?:{PAST}|was|wasn't))\b", re.IGNORECASE
)


def states_another_case(sentence: str, message: str) -> bool:
    """Whether ``sentence``, from a precedent ticket's reply, states a fact of that case —
    the customer's account with its values, or what the agent did — that ``message`` (the
    new customer's) does not bear out. Questions and conditions state nothing."""
    sentence = sentence.replace("’", "'")  # the rules spell "you're", "I've" straight
    if sentence.rstrip().endswith("?") or CONDITIONAL_OPENING.match(sentence):
        return False
    stated = _agent_action(sentence) or _account_fact(sentence)
    return stated and not borne_out(sentence, message)


def _agent_action(sentence: str) -> bool:
    return any(_recount(found) for found in AGENT_ACTION.finditer(sentence))


def _account_fact(sentence: str) -> bool:
    return any(
        _recount(found) and _holds_a_value(found.group("clause"))
        for found in CUSTOMER_CLAUSE.finditer(sentence)
    )


def _holds_a_value(clause: str) -> bool:
    if MODAL.search(clause):
        return False
    return bool(ON_SOMETHING.match(clause) or SPECIFIC_VALUE.search(clause))


# A worked example: the line that opens it ("**Example:** You pay …", "- For example: …",
# "Example:" alone) and the lines that carry on its paragraph, up to a blank line, a list
# item or a heading.
WORKED_EXAMPLE = re.compile(
    r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__|\*|_)?(?:worked example|example|for example|e\.g\.)"
    r"(?:\*\*|__|\*|_)?[ \t]*:.*$\n?"
    r"(?:^(?![ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|#))[ \t]*\S.*$\n?)*",
    re.IGNORECASE | re.MULTILINE,
)


def without_worked_examples(text: str) -> str:
    """``text`` without its worked examples, whose figures belong to a made-up case."""
    return WORKED_EXAMPLE.sub("", text)
