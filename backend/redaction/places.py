"""Place names the small spaCy model misses (``LOCATION``).

Two sources, both cheap regexes: a gazetteer of country names and large cities read from
``pytz`` when it is installed (its country table and the city part of its time-zone names;
the Zendesk extra brings it; nothing is shipped or downloaded), and context: capitalised
words after "lives in", "moved to", "flew to", "originally from", "university of"…, and
words in capitals after a lower-case "in", "at" or "to" ("I am in HELSINKI"). Both rank below
the NER model, so a person the model found ("Victoria Hughes") keeps its type when a city
name overlaps it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from backend.redaction.recognizers import RegexRecognizer, Rule

# Time-zone city parts and country names that are ordinary words, first names or
# abbreviations before they are places.
AMBIGUOUS = frozenset(
    """act nsw lhi center north south west wake virgin easter davis palmer casey mawson troll
    resolute regina victoria phoenix darwin knox oral marengo stanley creston monticello
    johnston nome christmas canary midway lindeman currie jersey chatham norfolk beulah
    menominee vevay winamac petersburg truk yap mahe hovd chita thule cocos macquarie syowa
    vostok rothera guernsey georgia jordan chad niger turkey guinea dominica grenada reunion
    mayotte martinique anguilla montserrat aruba tortola marigot santa isabel la rioja
    south pole enderbury kanton kiritimati efate chuuk ponape pohnpei kosrae apia majuro
    tarawa funafuti wallis pitcairn marquesas gambier galapagos madeira azores bermuda
    cayman faroe faeroe samara kirov omsk tomsk oral atka adak sitka juneau""".split()
)
# Common English names of countries that pytz writes otherwise ("Britain (UK)").
EXTRA_NAMES = (
    "United Kingdom",
    "Great Britain",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "United States of America",
    "Holland",
    "Czechia",
    "Korea",
    "Congo",
    "Burma",
)


@functools.cache
def gazetteer() -> tuple[str, ...]:
    """Country and city names, longest first, without the ambiguous ones."""
    names = set(EXTRA_NAMES)
    try:  # installed with zenpy (the Zendesk extra); without it only EXTRA_NAMES are known
        import pytz  # type: ignore[import-untyped]
    except ImportError:
        return tuple(sorted(names, key=len, reverse=True))
    for name in pytz.country_names.values():
        names.update(part.strip() for part in re.split(r"[()]", name) if len(part.strip()) > 3)
    for zone in pytz.all_timezones:
        area, _, city = zone.rpartition("/")
        if area and not area.startswith("Etc") and "/" not in city:
            names.add(city.replace("_", " "))
    names = {n.replace("&", "and") for n in names if n.casefold() not in AMBIGUOUS}
    return tuple(sorted(names, key=len, reverse=True))


@functools.cache
def _known_forms() -> frozenset[str]:
    # Title case or capitals only: "paris" and "turkey" in running text are not taken.
    return frozenset(form for name in gazetteer() for form in (name, name.upper()))


WORD_RUN = re.compile(r"(?<![\w-])[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*){0,4}")
LONGEST = 5  # words in the longest gazetteer name worth looking up


def gazetteer_spans(text: str) -> Iterator[tuple[int, int]]:
    """Gazetteer names in ``text``, the longest at each word; one set lookup per n-gram."""
    known = _known_forms()
    for run in WORD_RUN.finditer(text):
        words = list(re.finditer(r"\S+", run.group()))
        i = 0
        while i < len(words):
            for n in range(min(LONGEST, len(words) - i), 0, -1):
                start, end = words[i].start(), words[i + n - 1].end()
                if run.group()[start:end] in known:
                    yield run.start() + start, run.start() + end
                    i += n - 1
                    break
            i += 1


L = r"[^\W\d_]"
CAP_WORD = rf"(?-i:(?=[^\W\d_])(?=[^a-z])){L}[\w'’-]*"
# ESPOO, ΛΕΥΚΩΣΙΑ: no a-z here, and in_capitals checks the rest of the alphabet
CAPS = r"[^\W\d_a-z]{5,}(?![\w'’])"
PLACE = rf"{CAP_WORD}(?:[ \t]+(?:{CAP_WORD}|(?:de|del|la|di|da|do|am|an|upon|sur|en)\b)){{0,3}}"
PLACE_CONTEXT = (
    r"(?:lives?|living|live|based|located|born|stay(?:ing)?|resides?|residing|grew up)[ \t]+in|"
    r"(?:moved|moving|move|flew|fly|flying|travel(?:l?ing)?|trip|relocated?|drive|driving|"
    r"coming|welcome)[ \t]+to|(?:originally|i'?m|i am|we are|we're|comes?|came)[ \t]+from|"
    r"(?:university|city|town|village|municipality|province|region|state)[ \t]+of|"
    r"arrived[ \t]+(?:at|in)|visit(?:ing|ed)?|(?:tourist|holiday|vacation)[ \t]+in|"
    # "we moved here from …", "our office in …", "the flight from …"
    r"(?:moved|moving|came|come|coming|relocated)[ \t]+(?:here|there|back)[ \t]+(?:from|to)|"
    # (not "home in" / "store in": "Home in Outlook", "the store in Chrome")
    r"(?:office|offices|branch|warehouse|hotel|house|flat|apartment|year|summer|winter|"
    r"weekend)[ \t]+in|(?:flight|train|bus|ferry|drive|trip)[ \t]+(?:from|to)"
)
NOT_PLACES = frozenset(
    """i we you he she they it the a an my our your this that monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december support settings mr mrs ms dr https oauth admin
    debug error stage local draft azure excel email unicode ascii""".split()
)


def looks_like_place(value: str) -> bool:
    return value.split()[0].casefold() not in NOT_PLACES


def in_capitals(value: str) -> bool:
    return value.isupper() and looks_like_place(value)


class PlaceNameRecognizer(RegexRecognizer):
    """Countries and large cities by name; other places by the words before them."""

    ENTITY = "LOCATION"
    CONTEXT = ("in", "from", "to", "city", "country")

    def spans(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        for start, end in gazetteer_spans(text):
            yield start, end, 0.55, "place-name"
        self.RULES = _rules()  # built on first use, not at import
        yield from super().spans(text)


@functools.cache
def _rules() -> tuple[Rule, ...]:
    flags = re.IGNORECASE
    return (
        Rule(
            "place-context",
            re.compile(rf"\b(?:{PLACE_CONTEXT})[ \t]+(?:the[ \t]+)?(?P<place>{PLACE})", flags),
            0.55,
            "place",
            looks_like_place,
        ),
        Rule(
            "place-capitals",
            # a lower-case "in" before capitals: "I WANT TO CANCEL" is shouting, not a place
            re.compile(rf"\b(?:in|at|to|from|near)[ \t]+(?P<place>{CAPS}(?:[ \t]+{CAPS}){{0,2}})"),
            0.55,
            "place",
            in_capitals,
        ),
    )
