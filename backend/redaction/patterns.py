"""A small pattern redactor: e-mails, phones, cards (Luhn), IBANs (mod 97), known names.

The embedded default until the Presidio redactor lands; it errs towards redacting.
Id-shaped tokens (ORD-2026-118734, INV-77812, versions, dates) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Self

from backend.redaction import KnownValue, RedactedText, redactors, seal
from backend.redaction.vault import Vault

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
PHONE = re.compile(
    r"(?<![\w-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,4}(?![\w-])"
)
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")


@redactors.register("patterns")
class PatternRedactor:
    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Self:
        """No settings of its own."""
        return cls()

    def redact(
        self, text: str, vault: Vault, known: Sequence[KnownValue] = (), tenant: str = ""
    ) -> RedactedText:
        """``text`` with personal values replaced; ``tenant`` is accepted and not used."""
        spans = sorted(_find(text, known), key=lambda s: (s[0], -s[1]))
        out, cursor = [], 0
        for start, end, entity_type in spans:
            if start < cursor:
                continue  # overlaps a span already taken
            out.append(text[cursor:start])
            out.append(vault.placeholder_for(entity_type, text[start:end]))
            cursor = end
        out.append(text[cursor:])
        return seal("".join(out))


def known_spans(text: str, known: Sequence[KnownValue]) -> Iterator[tuple[int, int, str]]:
    """Where the helpdesk's known values occur (a person's name also part by part)."""
    for value in known:
        yield from _known_spans(text, value)


def _find(text: str, known: Sequence[KnownValue]) -> Iterator[tuple[int, int, str]]:
    yield from known_spans(text, known)
    for m in EMAIL.finditer(text):
        yield m.start(), m.end(), "EMAIL_ADDRESS"
    for m in IBAN.finditer(text):
        if _iban_ok(m.group()):
            yield m.start(), m.end(), "IBAN_CODE"
    for m in CARD.finditer(text):
        if _luhn_ok(m.group()):
            yield m.start(), m.end(), "CREDIT_CARD"
    for m in PHONE.finditer(text):
        if _phone_ok(m.group()):
            yield m.start(), m.end(), "PHONE_NUMBER"


def _known_spans(text: str, value: KnownValue) -> Iterator[tuple[int, int, str]]:
    parts = [value.value] if value.entity_type != "PERSON" else _name_parts(value.value)
    for part in parts:
        for m in re.finditer(rf"(?<!\w){re.escape(part)}(?!\w)", text, re.IGNORECASE):
            yield m.start(), m.end(), value.entity_type


def _name_parts(name: str) -> list[str]:
    # The full name first, then each part of two or more letters ("Maria", "Lopez").
    words = [w for w in re.split(r"\s+", name.strip()) if len(w.strip(".")) >= 2]
    return ([name.strip()] if len(words) > 1 else []) + words


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _luhn_ok(value: str) -> bool:
    digits = [int(d) for d in _digits(value)][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    return 13 <= len(digits) <= 19 and total % 10 == 0


def _iban_ok(value: str) -> bool:
    compact = value.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return 15 <= len(compact) <= 34 and int(number) % 97 == 1


def _phone_ok(value: str) -> bool:
    digit_count = len(_digits(value))
    return 9 <= digit_count <= 15 and not DATE_LIKE.match(value.strip())
