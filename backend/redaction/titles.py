"""Titles and job words around a name: "Dr. Ana Ruiz", "Producer Ana Ruiz".

The NER model often takes them into the name. They say nothing about who the person is, and
the draft needs them ("Dear Dr. <PERSON_1>"), so a name span loses honorifics, job words and
a former role ("ex-Beatle") in front and unit words behind; a span made only of such words
("Cinematographer", "Salesperson") is no name at all. Job words are trimmed in front only:
behind a first name they may be a surname ("Ana Producer" is rare, "Ana Baker" common, so
trades that are surnames are not listed).
"""

from __future__ import annotations

import re

HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir madam dame lord lady rev fr herr frau mme mlle sr sra".split()
)
# unit words the model runs a name into ("Ada Holm Suite 54"); degrees and "Jr." stay part
# of the name, as the annotated data has them
SUFFIXES = frozenset("suite apt unit flat".split())
ROLES = frozenset(
    """producer director cinematographer composer singer songwriter guitarist drummer bassist
    author writer editor reporter journalist photographer designer architect engineer developer
    programmer technician mechanic manager supervisor salesperson salesman saleswoman consultant
    advisor adviser agent officer detective sergeant lieutenant colonel president ceo cfo cto
    coo chairman chairwoman founder cofounder co-founder senator governor mayor attorney lawyer
    nurse professor teacher pastor receptionist cashier accountant dispatcher courier
    representative""".split()
)
WORD = re.compile(r"[^\s,]+")


def _bare(word: str) -> str:
    return word.strip(".,").casefold()


def trim_titles(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` without the title and job words around the name (empty when all are)."""
    words = [(m.start() + start, m.end() + start) for m in WORD.finditer(text[start:end])]
    while words and _leading_title(text[words[0][0] : words[0][1]]):
        words.pop(0)
    while words and _bare(text[words[-1][0] : words[-1][1]]) in SUFFIXES:
        words.pop()
    if not words:
        return start, start
    return words[0][0], words[-1][1]


def _leading_title(word: str) -> bool:
    # "ex-Beatle Ana Ruiz", "ex-CEO Ana Ruiz": a former role, not part of the name
    bare = _bare(word)
    return bare in HONORIFICS or bare in ROLES or (bare.startswith("ex-") and len(bare) > 3)
