"""Support-ticket recognizers added to Presidio's: names in greetings and signatures, phones
in international formats, Luhn-checked cards, and an e-mail recognizer that never downloads.

Each yields ``RecognizerResult`` values with an explanation naming the recognizer and the
pattern, so ``explain`` and ``precedent redact --explain`` can say why a span was taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import tldextract
from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import (
    EmailRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UrlRecognizer,
)

from backend.redaction.words import not_a_name


@dataclass(frozen=True)
class Rule:
    """One regex: the span is ``group`` of each match, scored ``score`` if ``check`` passes."""

    name: str
    regex: re.Pattern[str]
    score: float
    group: int | str = 0
    check: Callable[[str], bool] | None = None


class RegexRecognizer(LocalRecognizer):
    """A recognizer made of ``Rule`` values; subclasses list them in ``RULES``."""

    ENTITY = ""
    RULES: Sequence[Rule] = ()
    CONTEXT: Sequence[str] = ()

    def __init__(self, context: Sequence[str] = ()) -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            context=list(context or self.CONTEXT),
            name=type(self).__name__,
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            self.result(start, end, score, rule) for start, end, score, rule in self.spans(text)
        ]

    def spans(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        for rule in self.RULES:
            for match in rule.regex.finditer(text):
                start, end = match.span(rule.group)
                if start < end and (rule.check is None or rule.check(text[start:end])):
                    yield start, end, rule.score, rule.name

    def result(self, start: int, end: int, score: float, rule: str) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=type(self).__name__,
            original_score=score,
            pattern_name=rule,
            textual_explanation=f"matched rule '{rule}'",
        )
        return RecognizerResult(
            self.ENTITY,
            start,
            end,
            score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, checking domains against the bundled suffix list only."""

    def __init__(self) -> None:
        super().__init__()
        self._domains = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())

    def validate_result(self, pattern_text: str) -> bool:
        return bool(self._domains(pattern_text).fqdn)


# A word of a name, or an initial with its dot ("J."); a sentence's full stop is not taken,
# nor a possessive ("Tom's": the name is "Tom").
NAME_WORD = r"(?:[^\W\d_]\.|[^\W\d_][^\W\d_'’.-]*(?:(?:-|['’](?!s\b))[^\W\d_]+)*)"
UPPER = r"(?-i:(?=[^\W\d_])(?=[^a-z]))"  # a letter that is not a-z, whatever the flags
# a unit word ends a name: "Mrs. Jane Roe Suite 541" is a name, then an address
NOT_IN_NAME = r"(?!(?:suite|apt|apartment|unit|flat|floor|room|building)\b)"
NAME = rf"{UPPER}{NAME_WORD}(?:[ \t]+{NOT_IN_NAME}{UPPER}{NAME_WORD}){{0,2}}"
NAME_PARTICLE = r"(?-i:da|das|de|del|della|der|di|do|dos|du|la|le|van|von|bin|ibn|al|ten|ter)"
# a name a person signs with: "Francisco das Neves", "Pieter van der Berg"
SIGNED = (
    rf"{UPPER}{NAME_WORD}(?:[ \t]+(?:{NAME_PARTICLE}[ \t]+){{0,2}}{NOT_IN_NAME}{UPPER}{NAME_WORD})"
    r"{0,2}"
)
NOT_NAMES = frozenset(
    """all team there everyone folks guys support sir madam sirs customer customers friend
    friends again both you y'all the a an and or but this that it my our your we i thanks
    thank regards best cheers sincerely morning afternoon evening hello hi hey dear please
    agent admin billing sales service help desk helpdesk manager staff there, again, yes no
    ok okay sorry good great any anyone someone colleague colleagues world calle rue rua via
    he she they who he's she's i'm monday tuesday wednesday thursday friday saturday sunday
    today tomorrow yesterday user bot me him her them us
    avenida plaza strada piazza camino paseo avenue place porto san santa são""".split()
)

# Words that a single capital letter and a capitalised word often follow: "Plan B Premium".
NOT_FIRST = frozenset(
    """plan type section part grade class building block vitamin model size level tier option
    group zone gate terminal floor wing appendix schedule form row room hall channel phase stage
    step unit apartment apt suite lot exhibit figure table chapter volume category series
    version sheet tab column page item note""".split()
)


def looks_like_name(value: str) -> bool:
    words = value.replace(".", " ").split()
    return bool(words) and all(w.casefold() not in NOT_NAMES for w in words)


def signed_name(value: str) -> bool:
    """A sign-off's name ("Thanks, Dev"), not "Thanks, Team" nor "Thanks, Ambien"."""
    return looks_like_name(value) and not_a_name(value) != "a drug name"


def last_line_name(value: str) -> bool:
    """A name alone on the last line, not a list item ("- Reset Password")."""
    return looks_like_name(value) and not not_a_name(value)


def _name_rule(name: str, pattern: str, score: float) -> Rule:
    flags = re.IGNORECASE | re.MULTILINE
    return Rule(name, re.compile(pattern, flags), score, "name", looks_like_name)


TITLE = r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam)\.?"
GREETING = r"(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)"
# above the model's 0.85: of two equal spans Presidio keeps the surer, and a signed name
# must not lose its surname to a place the gazetteer knows ("Paula Santiago")
SIGNED_SCORE = 0.9
DASH = r"(?:-{1,2}|–|—|~)"
SIGN_OFF = (
    r"(?:thanks|thank you|many thanks|thanks again|regards|kind regards|best regards|"
    r"warm regards|best|cheers|sincerely|yours (?:truly|sincerely)|best wishes|br)"
)


RELATION = (
    "kid|son|daughter|child|wife|husband|partner|spouse|friend|mother|father|mom|mum|dad|"
    "brother|sister|colleague|boss|manager|neighbou?r|tenant|landlord|assistant|guardian|"
    "grandfather|grandmother|grandson|granddaughter|uncle|aunt|cousin|nephew|niece"
)


class SupportNameRecognizer(RegexRecognizer):
    """Names where support tickets put them: greetings, sign-offs, titles, introductions."""

    ENTITY = "PERSON"
    RULES = (
        _name_rule(
            "greeting", rf"^[ \t>]*{GREETING}[ \t,]+(?:{TITLE}[ \t]+)?(?P<name>{NAME})", 0.7
        ),
        _name_rule(
            "signature",
            rf"^[ \t>]*{SIGN_OFF}[ \t]*[,.!]?[ \t]*\n+[ \t>]*(?P<name>{NAME})[ \t]*$",
            SIGNED_SCORE,
        ),
        # "Thanks, Priya" / "Cheers Dev Raghunathan" ending a line; "Thanks Anna, it works"
        Rule(
            "inline-sign-off",
            re.compile(
                rf"\b{SIGN_OFF}[ \t]*[,.!]?[ \t]+(?P<name>{SIGNED})"
                r"(?:[ \t]*[.!]?[ \t]*$|[ \t]*,(?=[ \t]))",
                re.IGNORECASE | re.MULTILINE,
            ),
            SIGNED_SCORE,
            "name",
            signed_name,
        ),
        # "… shows delivered. - Dev Raghunathan", or "— Ana Ruiz" as the last line
        Rule(
            "dash-sign-off",
            re.compile(
                rf"[.!?)][ \t]+{DASH}[ \t]*(?P<name>{SIGNED})[ \t]*$",
                re.IGNORECASE | re.MULTILINE,
            ),
            SIGNED_SCORE,
            "name",
            signed_name,
        ),
        Rule(
            "dash-sign-off",
            re.compile(rf"^[ \t>]*{DASH}[ \t]*(?P<name>{SIGNED})[ \t]*\s*\Z", re.MULTILINE),
            SIGNED_SCORE,
            "name",
            last_line_name,
        ),
        # a name on the line above a mobile mail footer
        _name_rule(
            "sent-from",
            rf"^[ \t>]*(?P<name>{NAME})[ \t]*\n+[ \t>]*sent from my\b",
            SIGNED_SCORE,
        ),
        # Pieter de Vries · Greetje ten Berge · Ludwig van der Meer
        _name_rule(
            "name-particle",
            rf"(?<![\w-])(?P<name>(?-i:[A-Z]{NAME_WORD}[ \t]+(?:van der|van den|van|von der|"
            rf"von|de la|de|der|den|ten|ter|da|di|du|le|la|bin|ibn)[ \t]+[A-Z]{NAME_WORD}))",
            0.6,
        ),
        _name_rule("title", rf"\b{TITLE}[ \t]+(?P<name>{NAME})", 0.7),
        _name_rule(
            "relation",
            rf"\bmy[ \t]+(?:{RELATION})(?:['’]s)?[ \t,]+(?:{TITLE}[ \t]+)?(?P<name>{NAME})",
            0.6,
        ),
        # "my grandmother was called Ada Holm": a relative's name, not a product's
        _name_rule(
            "relative-called",
            rf"\b(?:{RELATION})[ \t]+(?:is|was)[ \t]+(?:called|named)[ \t]+(?P<name>{NAME})",
            0.6,
        ),
        _name_rule(
            "called",
            rf"\b(?:call(?:s|ed)? me|known as|goes by|"
            rf"(?:change|correct|update) (?:it|the name) to|(?:it'?s|is|was) under|"
            rf"(?:order|booking|reservation|account|parcel|package|delivery|table)[ \t]+"
            rf"(?:is[ \t]+)?under(?:[ \t]+the[ \t]+name)?)[ \t]+"
            rf"(?:{TITLE}[ \t]+)?(?P<name>{NAME})",
            0.6,
        ),
        _name_rule("added-as", rf"\badd(?:ed)?[ \t]+(?P<name>{NAME})[ \t]+as\b", 0.6),
        _name_rule(
            "done-by",
            rf"\b(?:(?:directed|written|produced|approved|submitted|reported|signed|raised|"
            rf"opened|created|closed|handled|requested)[ \t]+by|starring|on behalf of)[ \t]+"
            rf"(?:{TITLE}[ \t]+)?(?P<name>{NAME})",
            0.55,
        ),
        _name_rule(
            "talk-to",
            rf"\b(?:speak|spoke|speaking|talk|talked|talking)[ \t]+(?:to|with)[ \t]+"
            rf"(?:{TITLE}[ \t]+)?(?P<name>{NAME})",
            0.55,
        ),
        _name_rule(
            "name-field",
            rf"\b(?:(?:first|last|full|middle|given|family|maiden)[ \t]?name|surname|name on the "
            rf"(?:account|card))[ \t]*(?:is|[?:])[ \t]*(?P<name>{NAME})",
            0.6,
        ),
        # "What's the name on the account? User: Jane Roe"
        _name_rule(
            "name-answer",
            rf"\bname\b[^\n?]{{0,40}}\?[ \t]*(?:\w+:[ \t]*)?(?P<name>{NAME})",
            0.6,
        ),
        # "Jane Roe lives at 31 Larkin Avenue": a name that starts a sentence, before a verb
        # of where someone is
        _name_rule(
            "subject",
            rf"(?:^|(?<=[.!?][ \t]))[ \t>]*(?P<name>{NAME})[ \t]+(?-i:lives|lived|resides|"
            rf"moved|flew|travell?ed|works|worked|was born)\b",
            0.55,
        ),
        # "Tamara T Stanković", "Kate M. Begum": the small model misses names with an initial
        Rule(
            "middle-initial",
            re.compile(
                rf"(?<![\w-])(?P<name>{UPPER}[^\W\d_]+[ \t]+(?!I\b)[A-Z]\.?[ \t]+"
                rf"{UPPER}{NAME_WORD})"
            ),
            0.55,
            "name",
            lambda value: (
                looks_like_name(" ".join(value.split()[:: len(value.split()) - 1]))
                and value.split()[0].casefold() not in NOT_FIRST
            ),
        ),
        # a contact block: a name alone on the first line, or on the first quoted line of an
        # e-mail (the lines under it are a company, a job title, an address)
        Rule(
            "name-line",
            re.compile(
                rf"(?:\A[ \t>]*|(?:\A|\n)(?![ \t]*>)[^\n]*\n[ \t]*>[ \t]*)"
                rf"(?P<name>{UPPER}{NAME_WORD}"
                rf"(?:[ \t]+{UPPER}{NAME_WORD}){{1,2}})[ \t]*(?=\n)"
            ),
            0.5,
            "name",
            lambda value: looks_like_name(value) and not value.isupper(),
        ),
        _name_rule(
            "introduction",
            rf"\b(?:my name is|my name's|i am|i'm|this is|signed,?|(?:name|contact|customer|"
            rf"requester|account holder|card ?holder|from|to|cc|by|owner|assignee|attn|"
            rf"attention)[ \t]*:)[ \t]+(?P<name>{NAME})",
            0.6,
        ),
    )


PHONE_LABELS = "office|fax|mobile|cell|home|work|tel|phone|direct|main"
EXTENSION = r"(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?"
PHONE_SHAPE = re.compile(
    r"(?<![\w+.-])(?:"
    # international: "+44 7700 900587", "+44(0)115 4960914", "0049 30 1234567", "+919141777631"
    r"(?:\+|00)\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(\d{1,5}\))?(?:[ .-]?\d{1,8}){1,6}"
    r"|(?:\(\d{1,5}\)[ .-]?)?(?:\d{2,5}(?:[ .-]\d{2,5}){0,5}|\d{10,13})"
    rf"){EXTENSION}"
    # not inside a longer token, but "555 0142-Office" in a signature is a phone and a label
    rf"(?!\w|\.\d|-(?!(?i:{PHONE_LABELS})\b))",
    re.IGNORECASE,
)
# 123-45-6789 is the shape of a US social security number, not of a phone
SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
DATE_SHAPE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")


def phone_ok(value: str) -> bool:
    number = re.sub(r"(?i)[ \t]*(?:x|ext\.?|extension)[ \t]*\d+$", "", value)
    digits = sum(ch.isdigit() for ch in number)
    separated = any(sep in number for sep in " .-()") or number.startswith(("+", "00"))
    if DATE_SHAPE.match(number) or re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", number):
        return False
    if SSN_SHAPE.fullmatch(number):
        return False
    return 7 <= digits <= 15 and (separated or digits >= 10)


class SupportPhoneRecognizer(RegexRecognizer):
    """Phone numbers in national and international formats (+44 20…, (0)8…, 06-12…)."""

    ENTITY = "PHONE_NUMBER"
    CONTEXT = ("phone", "telephone", "tel", "mobile", "cell", "call", "fax", "office", "desk")
    RULES = (Rule("phone", PHONE_SHAPE, 0.4, check=phone_ok),)


PARTICLES = frozenset({"al", "bin", "da", "de", "del", "der", "di", "du", "la", "le", "van", "von"})


def name_words(value: str) -> bool:
    """'Williamson', 'McAllister-Smith', 'de Vries': capitalised words or name particles.

    Capitals only ('FPO', 'PO') are an address or an acronym, not a wrapped name.
    """
    words = value.split()
    return bool(words) and all(_name_word(w) for w in words)


def _name_word(word: str) -> bool:
    if word in PARTICLES:
        return True
    letters = all(c.isalpha() or c in "-'’." for c in word)
    return letters and word[0].isupper() and not (len(word) > 1 and word.isupper())


class SpeakerAwareSpacyRecognizer(SpacyRecognizer):
    """spaCy's entities, with a chat speaker's name cut from what the speaker says.

    In a chat line 'Ana:"Who is it?"' the model runs the speaker's name into the words after
    the colon or quote; the name words before them are the name. The cut is made here, before
    Presidio drops every finding that lies inside a larger one of the same type, so that a
    name further along ('Tova:"I'm Mirela's sister"') is still found by the other recognizers.
    Findings keep the name "SpacyRecognizer": they are the model's.
    """

    def __init__(self, supported_entities: list[str]) -> None:
        super().__init__(supported_entities=supported_entities, name="SpacyRecognizer")

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = super().analyze(text, entities, nlp_artifacts)
        for result in results:
            if result.entity_type == "PERSON":
                result.end = result.start + len(_speaker(text[result.start : result.end]))
        return results


def _speaker(value: str) -> str:
    cut = min((i for i in (value.find(":"), value.find('"')) if i > 0), default=-1)
    name = value[:cut].rstrip() if cut > 0 else ""
    return name if name_words(name) else value


class RegionPhoneRecognizer(PhoneRecognizer):
    """Presidio's phone matcher, run only on text that holds seven digits close together.

    The matcher parses every group of digits once per region (29 of them), a quarter of all
    redaction time; a phone has at least seven digits (``phone_ok``), so text without such a
    run cannot hold one and skips the matcher.
    """

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        if not SEVEN_DIGITS.search(text):
            return []
        # Presidio's matcher reads no NLP artifacts; its signature just says it needs them.
        results = super().analyze(text, entities, nlp_artifacts)  # type: ignore[arg-type]
        return [
            r
            for r in results
            if SEVEN_DIGITS.search(text[r.start : r.end])
            and not SSN_SHAPE.fullmatch(text[r.start : r.end])
        ]


# any separators but letters and line breaks: "212–736–5000" with en dashes is a phone too
SEVEN_DIGITS = re.compile(r"\d(?:[^\w\n]{0,3}\d){6}")


def luhn_ok(value: str) -> bool:
    digits = [int(ch) for ch in value if ch.isdigit()][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return 12 <= len(digits) <= 19 and total % 10 == 0


class LuhnCardRecognizer(RegexRecognizer):
    """Card numbers of 12-19 digits, grouped or not, that pass the Luhn check."""

    ENTITY = "CREDIT_CARD"
    CONTEXT = ("card", "credit", "debit", "visa", "mastercard", "amex", "cc", "maestro")
    RULES = (
        Rule(
            "card",
            re.compile(r"(?<![\w.+-])\d(?:[ -]?\d){11,18}(?![\w-]|\.\d)"),
            0.5,
            check=luhn_ok,
        ),
    )


class WholeWordUrlRecognizer(UrlRecognizer):
    """Presidio's URL recognizer, without the pieces of words it takes for bare domains.

    Tickets glue sentences together ("device.This", "centers.Cant"); Presidio reads
    "device.Th" as a domain in Thailand. A URL must not start or end inside a word, and a
    bare domain (no scheme, no www, no path) must be written in lower case.
    """

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in results if _whole_url(text, r.start, r.end)]


def _whole_url(text: str, start: int, end: int) -> bool:
    if text[end : end + 1].isalnum() or text[start - 1 : start].isalnum():
        return False
    found = text[start:end]
    bare = "://" not in found and not found.lower().startswith("www.") and "/" not in found
    return not bare or found.rsplit(".", 1)[-1].islower()
