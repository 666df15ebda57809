"""Calendar dates and years the small spaCy model misses (``DATE_TIME``).

Only what says something about a person's life: a full calendar date ("4/5/1992",
"20.09.1968") or a year after a word that places an event in time ("during 1972",
"since 1980", "born in 1968"). ISO timestamps are left to the id protection of
``policies/redaction.yaml`` (they are log data in tickets), weekdays and relative dates
("next week") are not taken.
"""

from __future__ import annotations

import re

from backend.redaction.recognizers import RegexRecognizer, Rule

YEAR = r"(?:1[89]|20)\d{2}"


class CalendarDateRecognizer(RegexRecognizer):
    """Day-month-year dates in any order of day and month, and years after time words."""

    ENTITY = "DATE_TIME"
    CONTEXT = ("born", "birthday", "birth", "dob", "since", "date")
    RULES = (
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
