"""Street addresses, US and European, on one line or spread over several (``LOCATION``).

An address starts at a street line ("31 Larkin Avenue", "Rantakatu 14", "Rua das Flores
212", "PSC 4471, Box 2210") and grows over what follows it: a unit ("Apt. 12", "Suite 5"),
then short lines or comma parts that name a city, region, country or postcode. Each part is
reported on its own, so every part is redacted even when the block's shape is unusual.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from backend.redaction.recognizers import RegexRecognizer, Rule

L = r"[^\W\d_]"  # any letter
WORD = rf"{L}[\w'’.-]*"
CAP = rf"(?-i:(?=[^\W\d_])(?=[^a-z])){WORD}"  # starts with a letter that is not a-z
NUM = r"\d{1,5}[A-Za-z]?"

SUFFIXES = (
    "street|str|st|avenue|ave|road|rd|drive|dr|lane|ln|boulevard|blvd|way|court|ct|place|pl|"
    "terrace|crescent|close|square|sq|parkway|pkwy|highway|hwy|circle|cir|trail|row|gardens|"
    "mews|grove|walk|pass|coves?|courts?|parks?|streets|extensions?|gateway|loop|plaza|alley|"
    "crossing|green|ridge|hill|hills|heights|point|landing|manor|meadows?|valley|view|vista|"
    "turnpike|expressway|freeway|causeway|junction|estates?|fields?|springs?|wharf|quay|ramp|"
    "run|path|pike|bypass|harbou?r|isle|port|rest|station|summit|trace|track|village|ville"
)
EU_SUFFIX = (
    "strasse|straße|str\\.|gasse|weg|vej|vägen|väg|gatan|gata|gade|gaten|katu|tie|kuja|polku|"
    "veien|vegen|vei|laan|straat|plein|gracht|kade|dreef|singel|tér|út|utca|u\\.|ulice|"
    "náměstí|terrasse|allee|platz|ring|damm|ufer|torget|plass|tori|gatvė|iela|kapu|sor|"
    "stræde|vænget|bakken|stien|stigen|brekka|braut|gata|kuja|rinne|rante"
)
EU_PREFIX = (
    "rue|rua|via|viale|vicolo|calle|avenida|avinguda|strada|piazza|corso|largo|carrer|paseo|"
    "camino|ul\\.|ulica|al\\.|aleja|chemin|allée|quai|place|praça|travessa|plac|náměstí|"
    "boulevard|avenue|sentier|route|rambla|ronda|via"
)
UNIT_WORD = r"(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|building|bldg)"
UNIT = (
    rf"{UNIT_WORD}\.?"
    r"[ \t]*#?[ \t]*\d+[A-Za-z]?"
)
# the units of a home address, not of an office ("floor 2", "room 5")
HOME_UNIT = r"(?:apt|apartment|suite|ste|unit|flat)\.?[ \t]*#?[ \t]*\d+[A-Za-z]?"
# City words carry no dots, so "Helsinki. Order 4411" ends at the sentence.
CITY_WORD = rf"(?-i:(?=[^\W\d_])(?=[^a-z])){L}(?:[^\W\d]|['’-])*(?![\w'’-])"  # no digits: "LS1"
PARTICLE = "de|del|della|la|le|di|da|do|dos|das|du|des|am|an|im|upon|on|sur|en|van|von|der"
# a name may start with a particle ("du Golf Arabe"); a unit word ends it
CITY_LINE = (
    rf"(?:(?:(?:{PARTICLE})[ \t]+)?{CITY_WORD}|[A-Z]{{2,3}}\b)"
    rf"(?:[ \t]+(?:(?!{UNIT_WORD}\b){CITY_WORD}|(?:{PARTICLE})\b))*"
)
REGION = r"(?:[A-Z]{2,3}|\d{2})"
MARK = r"[ \t]*(?:[^\w\s,]{1,3}[ \t]*)?"
POSTCODE = r"(?:\d{5}(?:-\d{3,4})?|\d{2}-\d{3}|\d{4}|[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2})"

STREETS = (
    # 31 Larkin Avenue · 2210 14 Birchwood Place · 880 Larkin Rd Birchwood Extensions
    (
        "us-street",
        rf"\b\d{{1,6}}(?:[ \t]+\d{{1,5}})?[ \t]+(?:{WORD}[ \t]+){{0,3}}(?:{SUFFIXES})\b\.?"
        rf"(?:[ \t]+{CAP}[ \t]+(?:{SUFFIXES})\b)?",
        0.6,
    ),
    # Rantakatu 14 · Lindenweg 31 · Havnegata 3 · Mérleg tér 6.
    (
        "eu-street",
        # a suffix on its own or after three letters: "Mérleg tér 6", not "During 1974"
        rf"\b(?:\d{{1,6}}[ \t]+)?(?:{CAP}[ \t]+){{0,2}}(?:{L}{{3,}})?(?:{EU_SUFFIX})"
        rf"[ \t]+{NUM}\b\.?"
        rf"(?:[ \t]+\d{{1,4}}\b)?",
        0.6,
    ),
    # Rua das Flores 212 · Piazza Sella 4 · ul. Polna 17
    (
        "eu-street",
        rf"\b(?:\d{{1,6}},?[ \t]+)?(?:{EU_PREFIX})[ \t]+(?:{WORD}[ \t]+){{0,3}}?{NUM}\b\.?",
        0.6,
    ),
    # 4410 Bergweg 8: house number, name, number
    ("numbered-street", rf"\b\d{{3,6}}[ \t]+(?:{CAP}[ \t]+){{1,3}}{NUM}\b\.?", 0.45),
    # P.O. Box 242
    ("po-box", r"\b(?:P\.?[ \t]?O\.?[ \t]?Box|Postbox|Post Office Box)[ \t]+\d{1,6}\b", 0.6),
    # PSC 4471, Box 2210 / APO AE 09812 · Unit 2210 Box 4471 / DPO AP 09812
    (
        "military",
        r"\b(?:PSC|Unit|USNS|USNV|USS|USCGC)[ \t]+[\w ]+?,?[ \t]+Box[ \t]+\d+\s*\n?"
        r"[ \t]*[AFD]PO[ \t]+A[AEP][ \t]+\d{5}",
        0.8,
    ),
    # the corner of Bergweg 8 and Larkin Avenue
    ("corner", rf"\bthe corner of[ \t]+[^\n,]{{3,40}}?[ \t]+and[ \t]+(?:{CAP}[ \t]*){{1,3}}", 0.6),
    # USS Harmon / FPO AE 09812: a ship's military address has no box
    (
        "military",
        r"\b(?:USNS|USNV|USS|USCGC)[ \t]+[\w ]+?\s*\n?[ \t]*[AFD]PO[ \t]+A[AEP][ \t]+\d{5}",
        0.8,
    ),
    # a line with a number right before a unit line, whatever its street word:
    # "Fuglie 41 Popović Dam\n Suite 860", "6614 Luite tee 87, Apt. 931"
    (
        "street-before-unit",
        rf"(?:(?<![^\n])|(?<=\n[ \t>])|(?<=\n[ \t>]{{2}})|(?<=:[ \t]))"
        rf"[^\W_][^\n,:@]{{2,40}}?(?=[ \t]*,?[ \t]*\n?{MARK}{HOME_UNIT}[ \t]*(?:[,\n]|$))",
        0.55,  # below the street rules that name a street word
    ),
    # 4410 12 Lindholm Vale · 18 Rue de la Paix: numbers then a name with no suffix
    (
        "numbered-name",
        rf"\b(?:\d{{3,6}}[ \t]+\d{{1,5}}(?:[ \t]+(?:{EU_PREFIX}))?"
        rf"|\d{{1,5}},?[ \t]+(?:{EU_PREFIX}))"
        rf"(?:[ \t]+(?!{UNIT_WORD}\b)(?:{CAP}|(?:{PARTICLE})\b)){{1,5}}",
        0.5,
    ),
)


def _street_line(value: str) -> bool:
    """A street before a unit has a number and a word, and is not a sentence."""
    words = value.split()
    lower = [w for w in words if w[0].islower()]
    return (
        any(ch.isdigit() for ch in value)
        and re.search(rf"{L}{{2}}", value) is not None
        and len(words) <= 6
        and len(lower) <= 1
        and not words[-1][0].islower()
        and words[0].casefold() not in STOP_WORDS
    )


CUED_STREET = "street-after-cue"
HOUSE = r"\d{1,6}(?:/\d{1,6})?[A-Za-z]?"  # 34 · 12b · 86/208 (unit / house)
STREET_RULES = tuple(
    Rule(
        name,
        re.compile(rx, re.IGNORECASE),
        score,
        check=_street_line if name == "street-before-unit" else None,
    )
    for name, rx, score in STREETS
) + (
    # "ship it to 6 Woods Siding", "New address: 34, Rattan Ganj": after a word that says an
    # address follows, a house number and capitalised words are a street whatever its suffix
    Rule(
        CUED_STREET,
        re.compile(
            r"\b(?:(?:ship|send|deliver|post|mail|forward)(?:ped|ed|ing)?(?:[ \t]+[\w-]+){0,2}"
            r"[ \t]+to|(?:live|living|lives|lived|reside|resides|moved)[ \t]+(?:at|to)|"
            r"address(?:[ \t]+is)?[ \t]*:?)[ \t]+"
            rf"(?P<street>{HOUSE},?(?:[ \t]+(?!{UNIT_WORD}\b)"
            rf"(?:{CAP}|(?:{PARTICLE}|{EU_PREFIX})\b)){{1,4}}"
            rf"|(?!{UNIT_WORD}\b){CAP}(?:[ \t]+(?:{CAP}|(?:{PARTICLE})\b)){{0,4}},?"
            rf"[ \t]+{HOUSE}\b)",
            re.IGNORECASE,
        ),
        0.6,
        "street",
    ),
)
# What may follow a street: a unit, then city / region / country / postcode parts.
# a line may start with a quote or bullet mark ("> ", "• ", "* ") before the next part
TAIL = re.compile(
    rf"(?:[ \t]*,?[ \t]*\n?{MARK}(?P<unit>{UNIT})\b)?"
    rf"(?P<rest>(?:[ \t]*,?[ \t]*\n{{0,2}}{MARK},?[ \t]*"
    rf"(?:{UNIT}|{CITY_LINE}|{REGION}|{POSTCODE})\b){{0,6}})",
    re.IGNORECASE,
)
PART = re.compile(rf"(?:{UNIT}|{POSTCODE}|{CITY_LINE})\b", re.IGNORECASE)
# An address typed in lower case ("255 hersnapvej 18, københavn k"): its city parts are
# lower case too, so each must come after a comma or a line break.
LOWER_PLACE = rf"{L}[\w'’-]*(?:[ \t]+{L}[\w'’-]*){{0,2}}"
LOWER_TAIL = re.compile(
    rf"(?:[ \t]*(?:,|\n)[ \t]*\n?{MARK}(?:{UNIT}|{POSTCODE}|{LOWER_PLACE})\b"
    rf"(?:[ \t]+{POSTCODE}\b)?){{1,4}}",
    re.IGNORECASE,
)
LOWER_PART = re.compile(rf"(?:{UNIT}|{POSTCODE}|{LOWER_PLACE})\b", re.IGNORECASE)
STOP_WORDS = frozenset(
    "i it we he she they the a an my our your in at on for to from of and or but is was was "
    "will would can could please thanks thank since after before when where if so last next "
    "this that these those for by with as it's i'm mobile phone tel fax desk office email "
    "e-mail website web cell home work direct".split()
)


# A unit written before its street ("Flat 2, 14 High Street"; "Apt. 117 5720 Skoanveien 226")
UNIT_BEFORE = re.compile(rf"\b{UNIT_WORD}\.?[ \t]*#?[ \t]*\Z", re.IGNORECASE)
UNIT_FIRST = re.compile(rf"(?<![\w-])(?P<unit>{HOME_UNIT})[ \t]*,?[ \t]*\Z", re.IGNORECASE)

MODE = "parts"
LEADING_NUMBER = re.compile(r"(\d{1,6})[ \t]+(?=\d{1,5}[ \t]+\D|\D[^\n]*?\d)")


class AddressRecognizer(RegexRecognizer):
    """Street addresses; every part of a multi-line address block is its own span."""

    ENTITY = "LOCATION"
    RULES = STREET_RULES
    CONTEXT = (
        "address",
        "live",
        "lives",
        "located",
        "ship",
        "shipping",
        "deliver",
        "billing",
        "street",
        "moved",
        "send",
    )

    def spans(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        taken: list[tuple[int, int]] = []
        for start, end, score, rule in sorted(
            _shaped_first(list(super().spans(text))), key=lambda s: (s[0], -s[2], -s[1])
        ):
            if any(a <= start < b for a, b in taken) or UNIT_BEFORE.search(
                text, max(0, start - 20), start
            ):
                continue  # "Apt. 117 5720 Skoanveien 226": 117 is the unit's number
            lower = not any(ch.isupper() for ch in text[start:end])
            unit = UNIT_FIRST.search(text, max(0, start - 30), start)
            parts = [
                *([unit.span("unit")] if unit else []),
                *_street_parts(text, start, end, rule),
                *_tail_parts(text, end, lower),
            ]
            # a street followed by a unit, city or postcode is surer than a bare street
            # shape, and than a phone number read across its house numbers ("4410 2210")
            score = max(score, 0.8 if len(parts) > 2 else 0.6 if len(parts) > 1 else 0)
            taken.append((start, parts[-1][1]))
            for part_start, part_end in _group(text, parts):
                yield part_start, part_end, score, rule


def _shaped_first(
    found: list[tuple[int, int, float, str]],
) -> list[tuple[int, int, float, str]]:
    # a street the cue rule found counts only where no street shape matched: the shapes know
    # where a street ends, the cue rule only where it starts
    shaped = [s for s in found if s[3] != CUED_STREET]
    return shaped + [
        s
        for s in found
        if s[3] == CUED_STREET and not any(a < s[1] and s[0] < b for a, b, _, _ in shaped)
    ]


def _street_parts(text: str, start: int, end: int, rule: str) -> list[tuple[int, int]]:
    # "4410 Bergweg 8": a house number before a street that has its own is a part of its own.
    lead = LEADING_NUMBER.match(text, start, end)
    if rule in {"military", "corner"} or lead is None:
        return [(start, _trim(text, start, end))]
    return [lead.span(1), (lead.end(), _trim(text, lead.end(), end))]


def _group(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if MODE == "block":
        return [(parts[0][0], parts[-1][1])]
    if MODE == "parts":
        return parts
    lines: list[tuple[int, int]] = []
    for start, end in parts:
        if lines and "\n" not in text[lines[-1][1] : start]:
            lines[-1] = (lines[-1][0], end)
        else:
            lines.append((start, end))
    return lines


def _tail_parts(text: str, end: int, lower: bool = False) -> Iterator[tuple[int, int]]:
    tail = TAIL.match(text, end)
    if tail is None:
        return
    if tail.group("unit"):
        yield tail.span("unit")
    cursor, stop, parts = tail.start("rest"), tail.end("rest"), PART
    lower_tail = LOWER_TAIL.match(text, cursor) if lower else None
    if lower_tail is not None:
        stop, parts = lower_tail.end(), LOWER_PART
    for part in parts.finditer(text, cursor, stop):
        words = part.group().split()
        if words and words[0].casefold() in STOP_WORDS:
            return
        yield part.start(), _trim(text, part.start(), part.end())


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t.,":
        end -= 1
    return end
