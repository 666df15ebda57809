"""First names the small spaCy model misses in running text: "Why is Rebecca so late?".

A capitalised word counts when it is a first name in the US census lists that the ``names``
package ships (read once, on first use; without the package this recognizer finds nothing)
and spaCy's tagger reads it as a proper noun, so "May I…", "Grant access" and "Mark as read"
stay. The proper nouns right after it on the same line are taken as the surname. In a text
typed without capitals, a lower-case first name counts too, with one proper noun or noun
after it as the surname. It ranks with the NER model, below every pattern recognizer.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from backend.redaction.recognizers import NOT_NAMES
from backend.redaction.titles import HONORIFICS, ROLES

NAME = "FirstNameRecognizer"
CENSUS_FILES = ("dist.female.first", "dist.male.first")
SURNAME_WORDS = 2  # "Carly Jones", "Anna Maria Berg"
EXCLUDED = NOT_NAMES | HONORIFICS | ROLES
# A first name before one of these is a company or a place: "Chase Bank", "Austin Street".
NOT_AFTER = frozenset(
    """bank banks inc ltd llc corp co company group university college school hospital clinic
    airlines airways motors studios records labs systems solutions services technologies
    foundation institute insurance financial capital partners holdings street st avenue ave
    road rd lane drive boulevard county city park investments lines royal""".split()
)
# Census first names that are as often ordinary words: taken only with a surname.
ALONE_AMBIGUOUS = frozenset(
    """love hope joy faith grace honor charity princess guy major rich will may june april
    august summer autumn winter dawn eve star sky rose lily iris ivy daisy holly crystal ruby
    pearl amber jade violet page ray sterling lane king bill mark grant chase frank gay
    carol christian""".split()
)
# Verbs after a lower-case first name that the tagger may read as a noun ("eva lives at")
NOT_SURNAMES = frozenset(
    """lives works says said wants needs called asked wrote told thinks knows went came left
    moved sent paid ordered bought returned""".split()
)
# What a first name alone at the start of a sentence is followed by: "Scott is…", "Ana,
# can…", "Thomas's car…"; not "Grant access", "Mark as read". With a surname ("Zoe Young
# from…") it is a name.
AFTER_SUBJECT = frozenset({"AUX", "VERB", "PROPN", "PUNCT", "CCONJ"})
POSSESSIVE = frozenset({"'s", "’s"})


@functools.cache
def first_names() -> frozenset[str]:
    """Census first names in capitals, or none when the ``names`` package is missing."""
    try:
        package = resources.files("names")
    except ModuleNotFoundError:
        return frozenset()
    found: set[str] = set()
    for name in CENSUS_FILES:
        lines = package.joinpath(name).read_text(encoding="ascii").splitlines()
        found.update(line.split()[0] for line in lines if line.strip())
    return frozenset(found)


class FirstNameRecognizer(LocalRecognizer):
    """A census first name that the tagger calls a proper noun, with its surname."""

    SCORE = 0.55

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name=NAME)

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or not first_names():
            return []
        doc, results, i = nlp_artifacts.tokens, [], 0
        lower = text == text.lower()  # typed without capitals: "follow up with eva kleist"
        surnames = 1 if lower else SURNAME_WORDS
        while i < len(doc):
            if not _first_name(doc[i], lower):
                i += 1
                continue
            end = i + 1
            while (
                end - i <= surnames and end < len(doc) and _surname(doc[end - 1], doc[end], lower)
            ):
                end += 1
            while _hyphen_part(doc, end):  # "Ana Ruiz-Lopez": the whole surname
                end += 2
            last = doc[end - 1]
            if _person_like(doc, i, end):
                results.append(self._result(doc[i].idx, last.idx + len(last.text)))
            i = end
        return results

    def _result(self, start: int, end: int) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=NAME,
            original_score=self.SCORE,
            pattern_name="census-first-name",
            textual_explanation="a census first name read as a proper noun",
        )
        return RecognizerResult(
            "PERSON",
            start,
            end,
            self.SCORE,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: NAME,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def _name_shaped(token: Any, lower: bool = False) -> bool:
    word = token.text
    return (
        token.pos_ == "PROPN"
        and len(word) >= 2
        and (word.islower() if lower else word[0].isupper() and not word.isupper())
        and all(ch.isalpha() or ch in "-'’" for ch in word)
        and word.casefold() not in EXCLUDED
    )


def _first_name(token: Any, lower: bool) -> bool:
    return (
        len(token.text) >= 3 and _name_shaped(token, lower) and token.text.upper() in first_names()
    )


def _surname(previous: Any, token: Any, lower: bool) -> bool:
    if previous.whitespace_ not in (" ", "\t"):
        return False
    if not lower:
        return _name_shaped(token)
    # in lower case the tagger often reads a surname as a noun ("eva kleist")
    word = token.text
    return (
        token.pos_ in ("PROPN", "NOUN")
        and word.isalpha()
        and not token.is_stop
        and word not in NOT_SURNAMES
        and word.casefold() not in EXCLUDED
    )


def _person_like(doc: Any, start: int, end: int) -> bool:
    after = doc[end] if end < len(doc) else None
    if after is not None and after.text.casefold().strip(".") in NOT_AFTER:
        return False
    if any(doc[k].text.casefold().strip(".") in NOT_AFTER for k in range(start + 1, end)):
        return False
    if end - start == 1 and doc[start].text.casefold() in ALONE_AMBIGUOUS:
        return False
    opens = start == 0 or doc[start].is_sent_start or doc[start - 1].text.strip() in ("", ">")
    return (
        not opens
        or end - start > 1
        or after is None
        or after.pos_ in AFTER_SUBJECT
        or after.text.casefold() in POSSESSIVE
    )


def _hyphen_part(doc: Any, end: int) -> bool:
    return (
        end + 1 < len(doc)
        and not doc[end - 1].whitespace_
        and doc[end].text in ("-", "‐")
        and not doc[end].whitespace_
        and doc[end + 1].text.isalpha()
    )
