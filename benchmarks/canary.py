"""A generated canary corpus: personal values of many kinds and countries inside support-ticket
sentences, and the identifiers beside them that must survive redaction.

Everything comes from Faker's locale providers with fixed seeds (phones are Faker's digits in
each country's own numbering plan, formatted by ``phonenumbers``; Aadhaar numbers get their
real Verhoeff check digit, which Faker's provider does not compute), so the corpus is the same
on every machine and nothing in it was written by hand except the sentence frames. Used by
``benchmarks/pii.py --canary`` and by the end-to-end canary tests.

    cases = corpus(seed=14)          # list[Case]
    Case.text, Case.values (must go), Case.ids (must stay), Case.kind, Case.locale
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import phonenumbers
from faker import Faker

LOCALES = (
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "en_IN", "pt_BR", "en_AU", "en_CA", "en_IE",
)  # fmt: skip
REGION = {loc: loc.split("_")[1] for loc in LOCALES}
PER_KIND = 3  # cases per kind and locale
TODAY = datetime.date(2026, 12, 1)  # log timestamps are recent relative to this day


@dataclass(frozen=True)
class Case:
    kind: str
    locale: str
    text: str
    values: tuple[str, ...]  # personal: none may be left in the redacted text
    ids: tuple[str, ...]  # identifiers: each must be left as it is


Maker = Callable[[Faker, random.Random, str], tuple[str, tuple[str, ...]]]


# --- identifiers that must survive -------------------------------------------------------


def identifier(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    """A sentence part naming an identifier, and the identifier itself."""
    kind = rnd.choice(sorted(ID_MAKERS))
    return ID_MAKERS[kind](fake, rnd)


def _order(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    value = rnd.choice(
        [f"ORD-{rnd.randint(2024, 2026)}-{fake.numerify('######')}", f"#{fake.numerify('######')}"]
    )
    return f"order {value}", value


def _ticket(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    value = rnd.choice([f"#{fake.numerify('#####')}", fake.bothify("??-#####").upper()])
    return f"ticket {value}", value


def _tracking(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    ups = "1Z" + fake.bothify("???###??########", letters="ABCDEFGHJKLMNPRSTVWXY")
    usps = "9400 " + " ".join(fake.numerify("####") for _ in range(4)) + " " + fake.numerify("##")
    value = rnd.choice([ups, usps])
    return f"tracking number {value}", value


def _sku(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    value = fake.bothify(rnd.choice(["??-B#-###", "SKU-#####", "??#-####-??"])).upper()
    return f"SKU {value}", value


def _invoice(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    value = rnd.choice([f"INV-{fake.numerify('#####')}", f"{TODAY.year}-{fake.numerify('####')}"])
    return f"invoice {value}", value


def _error(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    value = rnd.choice(
        [
            f"E{fake.numerify('1###')}",
            f"0x{fake.hexify('^^^^^^^^', upper=True)}",
            f"ERR_{rnd.choice(['TIMEOUT', 'SYNC', 'AUTH'])}-{fake.numerify('5##')}",
        ]
    )
    return f"error {value}", value


def _version(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    value = rnd.choice(
        [
            f"{rnd.randint(1, 12)}.{rnd.randint(0, 20)}.{rnd.randint(0, 9)}",
            f"v{rnd.randint(1, 9)}.{rnd.randint(0, 9)}",
        ]
    )
    return f"app version {value}", value


def _timestamp(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    moment = fake.date_time_between(
        datetime.datetime(TODAY.year - 1, 1, 1), datetime.datetime(TODAY.year, TODAY.month, 1)
    )
    value = rnd.choice(
        [moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%d %H:%M:%S")]
    )
    return f"the log at {value}", value


def _amount(fake: Faker, rnd: random.Random) -> tuple[str, str]:
    number = f"{rnd.randint(5, 1999)}.{rnd.randint(0, 99):02d}"
    value = rnd.choice([f"${number}", f"€{number}", f"£{number}", f"{number} EUR"])
    return f"a charge of {value}", value


ID_MAKERS: dict[str, Callable[[Faker, random.Random], tuple[str, str]]] = {
    "order": _order,
    "ticket": _ticket,
    "tracking": _tracking,
    "sku": _sku,
    "invoice": _invoice,
    "error": _error,
    "version": _version,
    "timestamp": _timestamp,
    "amount": _amount,
}


# --- personal values ---------------------------------------------------------------------


def _number(fake: Faker, region: str, mobile: bool) -> phonenumbers.PhoneNumber:
    kind = (
        phonenumbers.PhoneNumberType.MOBILE if mobile else phonenumbers.PhoneNumberType.FIXED_LINE
    )
    example = phonenumbers.example_number_for_type(region, kind)
    national = str(example.national_number)
    keep = max(2, len(national) - 6)  # the area or mobile prefix stays valid
    digits = national[:keep] + fake.numerify("#" * (len(national) - keep))
    return phonenumbers.parse(f"+{example.country_code}{digits}")


def phone_e164(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    number = _number(fake, REGION[loc], rnd.random() < 0.7)
    fmt = rnd.choice(
        [phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL]
    )
    value = phonenumbers.format_number(number, fmt)
    frame = rnd.choice(
        [
            "You can reach me on {v} any time after 5pm.",
            "Please call me back at {v} about {id}.",
            "My mobile is {v}, text me when {id} ships.",
            "WhatsApp: {v}",
        ]
    )
    return frame.format(v=value, id="{id}"), (value,)


def phone_national(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    number = _number(fake, REGION[loc], rnd.random() < 0.5)
    value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    frame = rnd.choice(
        [
            "Call me on {v} if the courier can't find the house.",
            "Best number for me is {v}.",
            "My phone number changed to {v}, please update it before {id}.",
            "tel. {v}",
        ]
    )
    return frame.format(v=value, id="{id}"), (value,)


def _dob(fake: Faker) -> datetime.date:
    return fake.date_of_birth(minimum_age=18, maximum_age=85)


def _date_forms(day: datetime.date, loc: str) -> list[str]:
    us = f"{day.month:02d}/{day.day:02d}/{day.year}"
    sep = "." if loc == "de_DE" else "/"
    eu = f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}"
    return [
        day.isoformat(),
        us if loc in ("en_US", "en_CA") else eu,
        f"{day.day} {day.strftime('%B')} {day.year}",
        f"{day.strftime('%B')} {day.day}, {day.year}",
    ]


def dob_cued(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    value = rnd.choice(_date_forms(_dob(fake), loc))
    frame = rnd.choice(
        [
            "For verification: DOB {v}.",
            "I was born {v} and the form says I'm too young.",
            "Date of birth: {v}",
            "My birthday is {v}, the account shows a different one.",
            "The account holder was born on {v}.",
        ]
    )
    return frame.format(v=value), (value,)


def dob_uncued(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    forms = _date_forms(_dob(fake), loc)
    value = rnd.choice([forms[0], forms[2], forms[3]])
    frame = rnd.choice(
        [
            "The pharmacy has {v} on file for me but the insurer has another date.",
            "Security question answer was {v}.",
            "Verified with {v} and the postcode.",
        ]
    )
    return frame.format(v=value), (value,)


def _aadhaar(fake: Faker) -> str:
    from backend.redaction.identifiers import verhoeff_ok

    digits = fake.aadhaar_id()[:11]
    check = next(str(d) for d in range(10) if verhoeff_ok(digits + str(d)))
    full = digits + check
    return f"{full[:4]} {full[4:8]} {full[8:]}"


NATIONAL_IDS: dict[str, list[tuple[str, Callable[[Faker], str]]]] = {
    "en_US": [("my SSN is", lambda f: f.ssn()), ("social security number", lambda f: f.ssn())],
    "en_GB": [("my NI number is", lambda f: f.ssn()), ("National Insurance", lambda f: f.ssn())],
    "en_CA": [("SIN", lambda f: f.ssn()), ("my social insurance number is", lambda f: f.ssn())],
    "pt_BR": [("CPF", lambda f: f.cpf()), ("meu CPF é", lambda f: f.cpf())],
    "en_IN": [("PAN", lambda f: f.pan()), ("Aadhaar", _aadhaar)],
    "es_ES": [("DNI", lambda f: f.nif()), ("NIE", lambda f: f.nie())],
}


def national_id(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    cue, make = rnd.choice(NATIONAL_IDS[loc])
    value = make(fake)
    frame = rnd.choice(
        [
            "The tax form asks for it, so: {cue} {v}.",
            "{cue} {v} - please add it to the account.",
            "Payroll rejected {id} because {cue} {v} didn't match.",
        ]
    )
    return frame.format(cue=cue, v=value, id="{id}"), (value,)


# Countries without IBANs: their customers quote a European account's
IBAN_FROM = {
    "en_US": "en_GB",
    "en_IN": "en_GB",
    "en_AU": "en_IE",
    "en_CA": "fr_FR",
    "pt_BR": "pt_PT",
}


def iban(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    bank = fake
    if loc in IBAN_FROM:
        bank = Faker(IBAN_FROM[loc])
        bank.seed_instance(rnd.randrange(10**9))
    raw = bank.iban()
    value = " ".join(raw[i : i + 4] for i in range(0, len(raw), 4)) if rnd.random() < 0.5 else raw
    frame = rnd.choice(
        [
            "Please refund {id} to IBAN {v}.",
            "My bank details: {v}",
            "Send the money to {v} instead of the card.",
        ]
    )
    return frame.format(v=value, id="{id}"), (value,)


def card(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    raw = fake.credit_card_number(card_type=rnd.choice(["visa16", "mastercard", "discover"]))
    sep = rnd.choice([" ", "-"])
    value = sep.join(raw[i : i + 4] for i in range(0, len(raw), 4))
    frame = rnd.choice(
        [
            "I was charged twice on card {v} for {id}.",
            "The card ending in the digits you asked for is {v}.",
            "Use {v} for the renewal please.",
        ]
    )
    return frame.format(v=value, id="{id}"), (value,)


def email(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    user = fake.user_name()
    value = rnd.choice(
        [
            f"{user}+{rnd.choice(['shop', 'orders', 'news'])}@{fake.free_email_domain()}",
            f"{user}@{rnd.choice(['mail', 'eu', 'corp'])}.{fake.domain_name()}",
            fake.free_email(),
        ]
    )
    frame = rnd.choice(
        [
            "Please send the invoice to {v} instead.",
            "My login email is {v} but the reset link never arrives.",
            "Reply to {v} about {id}.",
        ]
    )
    return frame.format(v=value, id="{id}"), (value,)


def street_address(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    street = " ".join(fake.street_address().replace("\n", ", ").split())
    frame = rnd.choice(
        [
            "Please ship the replacement to {v}, {city}.",
            "I live at {v}, {city} and the courier keeps missing it.",
            "New address: {v}, {city}",
        ]
    )
    return frame.format(v=street, city=fake.city()), (street,)


def postcode(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    value = fake.postcode()
    lead = "Eircode" if loc == "en_IE" else rnd.choice(["postcode", "postal code", "zip code"])
    frame = rnd.choice(
        [
            "The checkout rejects my {lead} {v}.",
            "Delivery to {lead} {v} is not offered for {id}.",
            "My {lead} is {v}.",
        ]
    )
    return frame.format(lead=lead, v=value, id="{id}"), (value,)


def username(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    value = fake.user_name() + (fake.numerify("##") if rnd.random() < 0.5 else "")
    frame = rnd.choice(
        [
            "My username is {v} and it says it's locked.",
            "Login: {v}",
            "I messaged you on Twitter as @{v} yesterday.",
            "The handle @{v} is mine, please merge the accounts.",
        ]
    )
    return frame.format(v=value), (value,)


def ip_address(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    value = fake.ipv4_public() if rnd.random() < 0.8 else fake.ipv6()
    frame = rnd.choice(
        [
            "My home IP is {v}, please whitelist it.",
            "The login from {v} wasn't me.",
            "Blocked at {id} from address {v}.",
        ]
    )
    return frame.format(v=value, id="{id}"), (value,)


def member_id(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    cue = rnd.choice(
        ["member ID", "patient ID", "policy number", "member no.", "MRN", "policy no."]
    )
    value = fake.bothify(rnd.choice(["#########", "??-#######", "???########", "## ### ####"]))
    value = value.upper()
    frame = rnd.choice(
        [
            "My {cue} is {v}, the claim was denied.",
            "{cue}: {v}",
            "The pharmacy needs my {cue} {v} before {id}.",
        ]
    )
    return frame.format(cue=cue, v=value, id="{id}"), (value,)


def name_sign_off(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    first, last = fake.first_name(), fake.last_name()
    full = f"{first} {last}"
    form = rnd.randrange(5)
    if form == 0:
        return f"Tracking for {{id}} shows delivered but nothing came. - {full}", (first, last)
    if form == 1:
        return f"Still waiting on {{id}}.\n\nThanks, {first}", (first,)
    if form == 2:
        return f"Any update on {{id}}?\n\n{full}\nSent from my iPhone", (first, last)
    if form == 3:
        return f"Please cancel {{id}}.\n\nKind regards,\n{full}", (first, last)
    return f"Sorted, thank you!\n-- {full}", (first, last)


def name_in_text(fake: Faker, rnd: random.Random, loc: str) -> tuple[str, tuple[str, ...]]:
    first, last = fake.first_name(), fake.last_name()
    frame = rnd.choice(
        [
            "Hi, my name is {f} {l} and I placed {id} last week.",
            "Hello, this is {f} {l} again about {id}.",
            "I spoke to {f} {l} on the phone and she promised a refund.",
            "Please put the order under {f} {l}.",
        ]
    )
    return frame.format(f=first, l=last, id="{id}"), (first, last)


KINDS: dict[str, Maker] = {
    "phone_e164": phone_e164,
    "phone_national": phone_national,
    "dob_cued": dob_cued,
    "dob_uncued": dob_uncued,
    "national_id": national_id,
    "iban": iban,
    "card": card,
    "email": email,
    "street_address": street_address,
    "postcode": postcode,
    "username": username,
    "ip_address": ip_address,
    "member_id": member_id,
    "name_sign_off": name_sign_off,
    "name_in_text": name_in_text,
}


NATIONAL_TYPES = {
    "en_US": {"US_SSN"},
    "en_GB": {"UK_NINO"},
    "en_CA": {"CA_SIN"},
    "pt_BR": {"BR_CPF"},
    "en_IN": {"IN_PAN", "IN_AADHAAR"},
    "es_ES": {"ES_NIF"},
}
TYPES = {
    "phone_e164": {"PHONE_NUMBER"},
    "phone_national": {"PHONE_NUMBER"},
    "dob_cued": {"DATE_TIME"},
    "dob_uncued": {"DATE_TIME"},
    "iban": {"IBAN_CODE"},
    "card": {"CREDIT_CARD"},
    "email": {"EMAIL_ADDRESS"},
    "street_address": {"LOCATION"},
    "postcode": {"LOCATION"},
    "username": {"USERNAME"},
    "ip_address": {"IP_ADDRESS"},
    "member_id": {"PERSONAL_ID"},
    "name_sign_off": {"PERSON"},
    "name_in_text": {"PERSON"},
}


def expected_types(case: Case) -> set[str]:
    """The placeholder kinds that label ``case``'s values right (an SSN is no phone)."""
    return NATIONAL_TYPES[case.locale] if case.kind == "national_id" else TYPES[case.kind]


def corpus(seed: int = 14) -> list[Case]:
    """Every case, in a fixed order: for each locale, ``PER_KIND`` cases of each kind."""
    return [case for locale in LOCALES for case in _locale_cases(locale, seed)]


def _locale_cases(locale: str, seed: int) -> Iterator[Case]:
    fake = Faker(locale)
    fake.seed_instance(seed * 1000 + LOCALES.index(locale))
    rnd = random.Random(f"{seed}:{locale}")
    for kind, make in KINDS.items():
        if kind == "national_id" and locale not in NATIONAL_IDS:
            continue
        for _ in range(PER_KIND):
            yield _case(kind, locale, make, fake, rnd)


def _case(kind: str, locale: str, make: Maker, fake: Faker, rnd: random.Random) -> Case:
    text, values = make(fake, rnd, locale)
    part, ident = identifier(fake, rnd)
    if "{id}" in text:
        text = text.replace("{id}", part)
    else:
        text = f"Re {part}: {text}"
    return Case(kind, locale, text, values, (ident,))


def leaked(value: str, redacted: str) -> bool:
    """``value``, its digits or a telling part of it is still in ``redacted``.

    A part is a run of four or more digits or an e-mail's local part; so "+44 7700 900587"
    leaks when "900587" is left, and "1979-08-23" when "19790823" is, whatever the format.
    """
    for part in (value, *_parts(value)):
        if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", redacted, re.IGNORECASE):
            return True
    digits = re.sub(r"\D", "", value)
    runs = (re.sub(r"\D", "", run) for run in re.findall(r"\d[\d \t().+/-]*", redacted))
    return len(digits) >= 6 and any(digits in run for run in runs)


def _parts(value: str) -> list[str]:
    if "@" in value:
        return [value.split("@")[0]]
    return re.findall(r"\d{4,}", value)
