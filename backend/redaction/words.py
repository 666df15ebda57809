"""Words that are not names: common English nouns and drug names, from shipped word lists.

The small spaCy model takes a capitalised word at the start of a subject or sentence for a
person ("Landlord won't return my deposit", "Inhaler refill delayed") and drug names for
people or nationalities ("Ambien", "Wellbutrin"), which also hides them from the compliance
gate. A span the model guessed is no name when every word of it is an ordinary lower-case
English word (Webster's 2nd word list, ``english-words`` package) or a drug name
(``drug-named-entity-recognition``'s dictionary of generic and brand names), and no word is
a census first name or one of the 20,000 commonest census surnames (``names`` package), so
"Grace", "Baker" and "Hunter" stay names. Each list is read once, on first use; a missing
package makes its list empty, and redaction then keeps what the model found.
"""

from __future__ import annotations

import bz2
import functools
import pickle
import re
from importlib import resources

SURNAMES_KEPT = 20_000  # census surnames by frequency; rarer ones are mostly ordinary words
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@functools.cache
def _english() -> frozenset[str]:
    try:
        from english_words import get_english_words_set  # type: ignore[import-untyped]
    except ModuleNotFoundError:
        return frozenset()
    # web2 keeps case: "landlord" is a common word, "John" a proper noun
    return frozenset(w for w in get_english_words_set(["web2"], alpha=True) if w.islower())


@functools.cache
def _drugs() -> frozenset[str]:
    try:
        package = resources.files("drug_named_entity_recognition")
    except ModuleNotFoundError:
        return frozenset()
    path = package.joinpath("drug_ner_dictionary.pkl.bz2")
    with path.open("rb") as raw, bz2.open(raw) as file:
        data = pickle.load(file)  # the package's own dictionary file, as it loads it itself
    variants = data.get("drug_variant_to_canonical", {})
    return frozenset(v for v in variants if isinstance(v, str) and v.isalpha() and len(v) > 3)


def _census(name: str) -> list[str]:
    try:
        text = resources.files("names").joinpath(name).read_text(encoding="ascii")
    except ModuleNotFoundError:
        return []
    return [line.split()[0].casefold() for line in text.splitlines() if line.strip()]


@functools.cache
def _people() -> frozenset[str]:
    first = _census("dist.female.first") + _census("dist.male.first")
    return frozenset(first + _census("dist.all.last")[:SURNAMES_KEPT])


def common_word(word: str) -> bool:
    """``word`` (lower case) is an ordinary English word."""
    return word in _english()


def drug_name(word: str) -> bool:
    """``word`` (lower case) is a generic or brand drug name and not a census first name."""
    return word in _drugs() and word not in _people()


def person_word(word: str) -> bool:
    """``word`` (lower case) is a census first name or a common surname."""
    return word in _people()


def not_a_name(value: str) -> str:
    """Why ``value`` is no name ("a drug name", "common words"), or "" when it may be one."""
    words = [w.casefold() for w in WORD.findall(value)]
    if not words or any(person_word(w) for w in words):
        return ""
    if any(drug_name(w) for w in words) and all(drug_name(w) or common_word(w) for w in words):
        return "a drug name"
    return "common words" if all(common_word(w) for w in words) else ""
