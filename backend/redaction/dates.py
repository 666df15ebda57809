"""Calendar dates and years the small spaCy model misses (``DATE_TIME``).

Only what says something about a person's life: a full calendar date ("4/5/1992",
"20.09.1968") or a year after a word that places an event in time ("during 1972",
"since 1980", "born in 1968"). ISO timestamps are left to the id protection of
``policies/redaction.yaml`` (they are log data in tickets), weekdays and relative dates
("next week") are not taken. Two kinds of date beat that protection: any date written after
a birth cue ("DOB 1979-08-23", "born 1983-11-07", "date of birth: 23 Aug 1979"), and an ISO
date, with or without its time, whose year lies more than ``LOG_YEARS`` back: logs in a ticket
are recent, a date that old is a birthday or a life event ("1970-09-24 09:34:31" as much as
"1970-09-24"). The Unix epoch (1970-01-01), a zeroed clock in a log, stays.
"""

from __future__ import annotations

import datetime
import re

from backend.redaction.identifiers import CUED
from backend.redaction.recognizers import RegexRecognizer, Rule

YEAR = r"(?:1[89]|20)\d{2}"
LOG_YEARS = 12
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
LONG_DATE = rf"(?:{DAY}[ \t]+(?:of[ \t]+)?{MONTH},?[ \t]+{YEAR}|{MONTH}[ \t]+{DAY},?[ \t]+{YEAR})"
ANY_DATE = (
    rf"(?:{YEAR}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[./-]\d{{1,2}}[./-](?:{YEAR}|\d{{2}})"
    rf"|{LONG_DATE})"
)
BIRTH_CUE = (
    r"\b(?:d\.?o\.?b\.?|date[ \t]of[ \t]birth|birth[ \t]?date|birthday|born(?:[ \t]on)?|"
    r"geb(?:oren|\.)?(?:[ \t]am)?|n[ée]e?[ \t]le|date[ \t]de[ \t]naissance|"
    r"fecha[ \t]de[ \t]nacimiento|nacid[oa][ \t]el)"
)


OLD_ISO_DATE = "old-iso-date"


ISO_TIME = r"[T \t][0-2]\d:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}|[ \t]?UTC)?"
EPOCH = "1970-01-01"


def _old(value: str) -> bool:
    return int(value[:4]) <= datetime.date.today().year - LOG_YEARS and value[:10] != EPOCH


class CalendarDateRecognizer(RegexRecognizer):
    """Day-month-year dates in any order of day and month, and years after time words."""

    ENTITY = "DATE_TIME"
    CONTEXT = ("born", "birthday", "birth", "dob", "since", "date")
    RULES = (
        Rule(
            f"{CUED}birth-date",
            re.compile(
                rf"{BIRTH_CUE}[ \t]*(?:is|was|:|-)?[ \t]*(?:the[ \t]+)?(?P<date>{ANY_DATE})"
                r"(?![\w/-]|\.\d)",
                re.IGNORECASE,
            ),
            0.9,  # above the model's 0.85: Presidio keeps one of two equal spans, the surer
            "date",
        ),
        Rule(
            OLD_ISO_DATE,
            re.compile(
                rf"(?<![\w./:-])(?P<date>{YEAR}-[01]\d-[0-3]\d(?:{ISO_TIME})?)"
                r"(?![\w:-]|\.\d|[T ]\d)"
            ),
            0.9,
            "date",
            _old,
        ),
        Rule(
            "long-date",
            re.compile(rf"\b(?P<date>{LONG_DATE})\b", re.IGNORECASE),
            0.6,
            "date",
        ),
        Rule(
            "calendar-date",
            re.compile(rf"(?<![\w./-])\d{{1,2}}([./-])\d{{1,2}}\1{YEAR}(?![\w./-])"),
            0.6,
        ),
        Rule(
            "year",
            re.compile(
                rf"\b(?:in|during|since|until|till|from|born|founded|established|year|of)"
                rf"[ \t]+(?P<year>{YEAR})\b(?![./-]\d)",
                re.IGNORECASE,
            ),
            0.55,
            "year",
        ),
    )
