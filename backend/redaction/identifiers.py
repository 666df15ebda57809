"""Personal identifiers: national ids, numbers after a health or insurance cue, usernames.

National ids are matched by their shape and, where the scheme has one, their check digit
(Canadian SIN: Luhn; Brazilian CPF: two mod-11 digits; Aadhaar: Verhoeff; Spanish DNI / NIE:
the letter table), so order numbers of the same length are not taken. A number written
after a word that says whose it is ("patient id", "member number", "policy no.") and a
username after "username" / "handle", or written "@name", are personal whatever their
shape; their rules start with ``cued-`` and win over the id protection of
``policies/redaction.yaml`` (a policy number may look like ``PL-4418823``).
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from backend.redaction.recognizers import RegexRecognizer, Rule
from backend.redaction.words import common_word

CUED = "cued-"  # rules whose cue says the value is personal: they beat id protection
# and these: a check digit passed, or no id is written so ("110.216.552-28" is no version)
UNPROTECTED = frozenset({"old-iso-date", "br-cpf", "es-dni", "es-nie"})


def beats_protection(rule: str) -> bool:
    """A finding of ``rule`` is redacted even where an id rule of the policy matches."""
    return rule.startswith(CUED) or rule in UNPROTECTED


# not a part of a longer number: "9400 2375 0386 2702 3992 94" holds no 12-digit id
END = r"(?![\w-]|\.\d|[ \t]\d)"
START = r"(?<![\w./+-])(?<!\d[ \t])"


def luhn(digits: str) -> bool:
    values = [int(d) for d in digits][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(values))
    return total % 10 == 0


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def sin_ok(value: str) -> bool:
    digits = _digits(value)
    return len(digits) == 9 and digits[0] not in "08" and luhn(digits)


def cpf_ok(value: str) -> bool:
    d = [int(ch) for ch in _digits(value)]
    if len(d) != 11 or len(set(d)) == 1:
        return False
    first = sum(x * w for x, w in zip(d[:9], range(10, 1, -1), strict=True)) * 10 % 11 % 10
    second = sum(x * w for x, w in zip(d[:10], range(11, 1, -1), strict=True)) * 10 % 11 % 10
    return (first, second) == (d[9], d[10])


# Verhoeff's dihedral-group tables (the Aadhaar check digit)
VERHOEFF_D = (
    "0123456789", "1234067895", "2340178956", "3401289567", "4012395678",
    "5987604321", "6598710432", "7659821043", "8765932104", "9876543210",
)  # fmt: skip
VERHOEFF_P = (
    "0123456789", "1576283094", "5803796142", "8916043527",
    "9453126870", "4286573901", "2793806415", "7046913258",
)  # fmt: skip


def verhoeff_ok(value: str) -> bool:
    digits = _digits(value)
    if len(digits) != 12 or digits[0] in "01":
        return False
    check = 0
    for i, ch in enumerate(reversed(digits)):
        check = int(VERHOEFF_D[check][int(VERHOEFF_P[i % 8][int(ch)])])
    return check == 0


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def dni_ok(value: str) -> bool:
    compact = re.sub(r"[\s.-]", "", value).upper()
    number = compact[:-1].translate(str.maketrans("XYZ", "012"))
    return number.isdigit() and DNI_LETTERS[int(number) % 23] == compact[-1]


class NationalIdRecognizer(RegexRecognizer):
    """One national id scheme: ``ENTITY`` with shape rules and a check."""


def _id_rule(name: str, pattern: str, score: float, check: object = None) -> Rule:
    return Rule(name, re.compile(pattern, re.IGNORECASE), score, "id", check)  # type: ignore[arg-type]


class CaSinRecognizer(NationalIdRecognizer):
    ENTITY = "CA_SIN"
    CONTEXT = ("sin", "social insurance", "nas")
    RULES = (
        _id_rule("ca-sin", rf"{START}(?P<id>\d{{3}}([ -])\d{{3}}\2\d{{3}}){END}", 0.6, sin_ok),
    )


class BrCpfRecognizer(NationalIdRecognizer):
    ENTITY = "BR_CPF"
    CONTEXT = ("cpf",)
    RULES = (
        _id_rule("br-cpf", rf"{START}(?P<id>\d{{3}}\.\d{{3}}\.\d{{3}}-\d{{2}}){END}", 0.85, cpf_ok),
        _id_rule("br-cpf-digits", rf"\bcpf\b\D{{0,12}}(?P<id>\d{{11}}){END}", 0.85, cpf_ok),
    )


class InAadhaarRecognizer(NationalIdRecognizer):
    ENTITY = "IN_AADHAAR"
    CONTEXT = ("aadhaar", "aadhar", "uidai")
    RULES = (
        _id_rule(
            "in-aadhaar", rf"{START}(?P<id>\d{{4}}([ -]?)\d{{4}}\2\d{{4}}){END}", 0.65, verhoeff_ok
        ),
    )


class InPanRecognizer(NationalIdRecognizer):
    ENTITY = "IN_PAN"
    CONTEXT = ("pan", "permanent account number")
    # the fourth letter says who holds it: P a person, C a company, H a family…
    RULES = (_id_rule("in-pan", r"\b(?P<id>(?-i:[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]))\b", 0.6),)


class EsDniRecognizer(NationalIdRecognizer):
    ENTITY = "ES_NIF"
    CONTEXT = ("dni", "nif", "nie", "documento")
    RULES = (
        _id_rule("es-dni", rf"{START}(?P<id>\d{{8}}[ -]?[A-Z]){END}", 0.7, dni_ok),
        _id_rule("es-nie", rf"{START}(?P<id>[XYZ][ -]?\d{{7}}[ -]?[A-Z]){END}", 0.7, dni_ok),
    )


NINO = r"[A-CEGHJ-PR-TW-Z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D]"


class UkNinoRecognizer(NationalIdRecognizer):
    """UK National Insurance numbers, with the suffix letter or after a cue.

    Test and temporary prefixes (QQ, ZZ, TN) are numbers people type into tickets too.
    """

    ENTITY = "UK_NINO"
    CONTEXT = ("national insurance", "ni number", "nino", "ni no")
    RULES = (
        _id_rule("uk-nino", rf"\b(?P<id>(?-i:{NINO}))\b", 0.6),
        _id_rule(
            f"{CUED}uk-nino",
            r"\b(?:national insurance|ni|nino)(?:[ \t]+(?:number|no\.?|nr))?[ \t]*(?:is|:)?"
            r"[ \t]*(?P<id>(?-i:[A-Z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-Z]?))\b",
            0.85,
        ),
    )


SSN_CUE = r"\b(?:ssn|social security(?:[ \t]+(?:number|no\.?|#))?)"


class UsSsnCueRecognizer(NationalIdRecognizer):
    """A US social security number after its cue, in any grouping ("SSN 521934410")."""

    ENTITY = "US_SSN"
    CONTEXT = ("ssn", "social security")
    RULES = (
        _id_rule(
            f"{CUED}us-ssn",
            rf"{SSN_CUE}[ \t]*(?:is|:|#)?[ \t]*(?P<id>\d{{3}}([ .-]?)\d{{2}}\2\d{{4}}){END}",
            0.85,
        ),
    )


PERSONAL_CUE = (
    r"(?:patient|member(?:ship)?|policy(?:[ \t]?holder)?|subscriber|medicare|medicaid|nhs|"
    r"mrn|medical record|health[ \t](?:card|plan|insurance)|(?<!social )(?<!national )insurance|"
    r"insured|beneficiary|"
    r"enrollee|enrolment|enrollment|chart)"
)
LABEL = r"(?:[ \t]+(?:id|no\.?|nr\.?|number|num|#|ref(?:erence)?|code))?"
CONNECT = r"[ \t]*(?:is|was|:|=|-)?[ \t]*#?[ \t]*"
ID_VALUE = r"(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]{1,24}(?:[ \t]\d{2,6}){0,3}"


def id_ok(value: str) -> bool:
    """An id has four digits at least ("02 754 9220", "PL-4418823"), not "2 pm"."""
    return sum(ch.isdigit() for ch in value) >= 4


class PersonalIdRecognizer(RegexRecognizer):
    """A number after a word that makes it someone's: "patient id 88231947"."""

    ENTITY = "PERSONAL_ID"
    CONTEXT = ("patient", "member", "policy", "subscriber", "insurance")
    RULES = (
        Rule(
            f"{CUED}personal-id",
            re.compile(
                rf"\b{PERSONAL_CUE}{LABEL}{CONNECT}(?P<id>{ID_VALUE})(?![\w-])", re.IGNORECASE
            ),
            0.8,
            "id",
            id_ok,
        ),
    )


USER_CUE = (
    r"(?:user[ \t]?name|login(?:[ \t](?:name|id))?|handle|screen[ \t]?name|gamer[ \t]?tag|"
    r"nick(?:name)?|user[ \t]?id|account[ \t]name|(?:twitter|instagram|discord|github|reddit|"
    r"steam|tiktok|skype|telegram|slack)(?:[ \t](?:handle|name|username|id|account))?)"
)


def username_ok(value: str) -> bool:
    """Not an ordinary word: "my username is locked" says nothing about who."""
    bare = value.lstrip("@").rstrip(".")
    if len(bare) < 3 or bare.casefold() in STOP_WORDS or not any(c.isalpha() for c in bare):
        return False
    plain = bare.isalpha() and (bare.islower() or bare.istitle())
    return not (plain and common_word(bare.casefold()))


class UsernameRecognizer(RegexRecognizer):
    """Usernames and handles: after a cue word, or written "@name" outside an e-mail."""

    ENTITY = "USERNAME"
    CONTEXT = ("username", "handle", "login", "user")
    RULES = (
        Rule(
            f"{CUED}username",
            re.compile(
                rf"(?<![\w-]){USER_CUE}\b[ \t]*(?:is|was|:|=|[ \t]-)?[ \t]*[\"'“‘]?"
                r"(?P<user>@?[^\W_][\w.-]{1,38}[^\W_]|@?[^\W_]{3})(?![\w@])",
                re.IGNORECASE,
            ),
            0.8,
            "user",
            username_ok,
        ),
        Rule(
            f"{CUED}handle",
            re.compile(r"(?<![\w.@/:+-])(?P<user>@[A-Za-z_][\w.-]{1,29}[\w])(?![\w@.-]|\.\w)"),
            0.75,
            "user",
            username_ok,
        ),
    )


EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W)"
EIR_ID = r"[0-9AC-FHKNPRTV-Y]{4}"
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2}"
CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t]?\d[ABCEGHJ-NPRSTV-Z]\d"
NUMERIC_POSTCODE = r"\d{5}-?\d{3}|\d{4,6}(?:-\d{4})?"  # CEP 91500-080, PIN 500080, ZIP+4
POSTCODE_CUE = r"\b(?:eircode|post[ \t]?code|postal[ \t]code|zip(?:[ \t]?code)?|code[ \t]postal)"


def _mixed(value: str) -> bool:
    # "D02 X285": a letter and a digit in the unique part, as ids of a sort order rarely are
    tail = value.split()[-1] if " " in value else value[3:]
    return any(ch.isdigit() for ch in tail) and any(ch.isalpha() for ch in tail)


class PostcodeRecognizer(RegexRecognizer):
    """UK, Irish (Eircode) and Canadian postcodes, alone or after "postcode" (``LOCATION``)."""

    ENTITY = "LOCATION"
    CONTEXT = ("postcode", "eircode", "postal", "zip", "address")
    RULES = (
        Rule("uk-postcode", re.compile(rf"(?<![\w-])(?P<pc>{UK_POSTCODE})(?![\w-])"), 0.6, "pc"),
        Rule(
            "eircode",
            re.compile(rf"(?<![\w-])(?P<pc>{EIRCODE}[ \t]{EIR_ID})(?![\w-])"),
            0.6,
            "pc",
            _mixed,
        ),
        Rule("ca-postcode", re.compile(rf"(?<![\w-])(?P<pc>{CA_POSTCODE})(?![\w-])"), 0.6, "pc"),
        Rule(
            f"{CUED}postcode",
            re.compile(
                rf"{POSTCODE_CUE}[ \t]*(?:is|:)?[ \t]*"
                rf"(?P<pc>{EIRCODE}[ \t]?{EIR_ID}|{UK_POSTCODE}|{CA_POSTCODE}|{NUMERIC_POSTCODE})"
                r"(?![\w-])",
                re.IGNORECASE,
            ),
            0.8,
            "pc",
        ),
    )


def national_id_recognizers() -> list[RegexRecognizer]:
    """Every recognizer of this module, in the order they rank among equals."""
    return [
        CaSinRecognizer(),
        BrCpfRecognizer(),
        InAadhaarRecognizer(),
        InPanRecognizer(),
        EsDniRecognizer(),
        UkNinoRecognizer(),
        UsSsnCueRecognizer(),
        PersonalIdRecognizer(),
        UsernameRecognizer(),
        PostcodeRecognizer(),
    ]
