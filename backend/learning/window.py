"""The time window a signal is computed over: ``[since, until)`` in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from backend.errors import InputError

SPAN = re.compile(r"^\s*(\d{1,4})\s*([hdw])\s*$")
UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime

    @property
    def middle(self) -> datetime:
        """Where the earlier half ends: a trend compares the two halves."""
        return self.since + (self.until - self.since) / 2


def last(span: str, now: datetime | None = None) -> Window:
    """The window that ends now and reaches back ``span`` ("30d", "12h", "4w")."""
    found = SPAN.match(span)
    if found is None:
        raise InputError(f"unknown time span '{span}'. Valid forms are: 12h, 30d, 4w")
    until = now or datetime.now(UTC)
    amount = timedelta(**{UNITS[found.group(2)]: int(found.group(1))})
    return Window(until - amount, until)
