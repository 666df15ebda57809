"""Issue 14: international formats, cued ids and sign-offs are redacted with the right label;
log timestamps and ids survive; ordinary words, drug names and brands are not people."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.redaction import Vault
from backend.redaction.presidio import PresidioRedactor

POLICY = Path(__file__).resolve().parents[2] / "policies" / "redaction.yaml"


@pytest.fixture(scope="module")
def redactor() -> PresidioRedactor:
    return PresidioRedactor(POLICY)


def redact(redactor: PresidioRedactor, text: str) -> str:
    return redactor.redact(text, Vault()).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # dates of birth: a cue beats the timestamp protection; so does an old ISO date
        ("Customer DOB 1979-08-23, please verify.", "Customer DOB <DATE_TIME_1>, please verify."),
        ("She was born 1983-11-07 in a small town.", "She was born <DATE_TIME_1> in a small town."),
        ("Date of birth: 4 March 1961", "Date of birth: <DATE_TIME_1>"),
        ("geboren am 17.09.1974", "geboren am <DATE_TIME_1>"),
        ("The insurer has 1958-02-11 on file.", "The insurer has <DATE_TIME_1> on file."),
        # with its time too: no log in a ticket is that old
        ("Registered 1970-09-24 09:34:31 at the clinic", "Registered <DATE_TIME_1> at the clinic"),
        # international phones
        ("Call +44 7700 900587 please", "Call <PHONE_NUMBER_1> please"),
        ("WhatsApp +4915123456789", "WhatsApp <PHONE_NUMBER_1>"),
        ("mobile +91 98450 12345", "mobile <PHONE_NUMBER_1>"),
        ("Ring (591) 341-7776 x123 after six", "Ring <PHONE_NUMBER_1> after six"),
        # national ids, each under its own label
        ("My SSN is 521-93-4410.", "My SSN is <US_SSN_1>."),
        ("NI number QQ 12 34 56 C", "NI number <UK_NINO_1>"),
        ("my NI number is ZZ834478T", "my NI number is <UK_NINO_1>"),
        ("SIN 271 947 699 for the T4", "SIN <CA_SIN_1> for the T4"),
        ("CPF 253.660.082-39", "CPF <BR_CPF_1>"),
        ("DNI 31939071Y", "DNI <ES_NIF_1>"),
        ("PAN ABCPD1234E", "PAN <IN_PAN_1>"),
        # numbers after a cue that makes them someone's, even in an id's shape
        ("Patient ID: 88231947", "Patient ID: <PERSONAL_ID_1>"),
        ("policy no. PL-4418823 was cancelled", "policy no. <PERSONAL_ID_1> was cancelled"),
        ("member number 02 754 9220", "member number <PERSONAL_ID_1>"),
        # usernames and handles
        ("My username is jdoe_1984.", "My username is <USERNAME_1>."),
        ("Twitter: @sunny-kat-77", "Twitter: <USERNAME_1>"),
        # postcodes
        ("Eircode D02 X285", "Eircode <LOCATION_1>"),
        ("postcode BB66 7LJ", "postcode <LOCATION_1>"),
        ("postal code K1A 0B1", "postal code <LOCATION_1>"),
        # names signed off
        ("It shows delivered. - Dev Raghunathan", "It shows delivered. - <PERSON_1>"),
        ("Still nothing.\n\nThanks, Dev", "Still nothing.\n\nThanks, <PERSON_1>"),
        ("Sorted.\n-- Francisco das Neves", "Sorted.\n-- <PERSON_1>"),
        (
            "Any news?\n\nAda Okonkwo\nSent from my iPhone",
            "Any news?\n\n<PERSON_1>\nSent from my iPhone",
        ),
        ("Kind regards,\nPaula Santiago", "Kind regards,\n<PERSON_1>"),
        # addresses without a known street word, after a word that says one follows
        ("Ship it to 6 Woods Siding, please.", "Ship it to <LOCATION_1>, please."),
        ("New address: 60, rue Mendès", "New address: <LOCATION_1>"),
    ],
)
def test_when_a_personal_value_is_written_so_then_it_is_redacted_with_its_label(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Log: 2026-03-14T09:12:44Z request failed at 2026-03-14 09:12.",
        "Sync broke on 2025-11-02 after the update.",
        "Order ORD-2026-118734 shipped, tracking 9400 1000 0000 0000 0000 00.",
        "Error 0x80070005 in version 4.2.1, invoice INV-77812 for $49.99.",
        "SKU TW-B2-118 and ticket #48213",
        "The app shows E1042 since 9:12 pm UTC.",
        "last_seen: 1970-01-01 00:00:00 (a zeroed clock)",
    ],
)
def test_when_a_text_holds_only_ids_and_log_times_then_it_is_unchanged(
    redactor: PresidioRedactor, text: str
) -> None:
    assert redact(redactor, text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Landlord won't return my deposit",
        "Inhaler refill delayed",
        "Thermostat keeps resetting overnight",
        "Wellbutrin and Ambien prescriptions were not refilled.",
        "Can I take Zoloft with my other medication?",
        "Thanks, Team",
    ],
)
def test_when_ordinary_words_or_drug_names_lead_a_subject_then_they_are_not_people(
    redactor: PresidioRedactor, text: str
) -> None:
    assert redact(redactor, text) == text


def test_when_a_drug_name_is_dropped_then_explain_says_why(redactor: PresidioRedactor) -> None:
    reasons = {f.reason for f in redactor.explain("Ambien and Wellbutrin ran out.") if not f.kept}
    assert "a drug name, not a name" in reasons


def test_when_a_census_name_is_also_a_word_then_it_is_still_a_name(
    redactor: PresidioRedactor,
) -> None:
    assert redact(redactor, "I spoke to Grace Baker yesterday.") == (
        "I spoke to <PERSON_1> yesterday."
    )
