"""Names and addresses the small model misses or mis-cuts (made-up values throughout)."""

import sys
from pathlib import Path

import pytest

from backend.redaction import Vault
from backend.redaction.firstnames import first_names
from backend.redaction.mentions import listed_names
from backend.redaction.presidio import PresidioRedactor
from backend.redaction.titles import trim_titles

POLICY = Path(__file__).resolve().parents[2] / "policies" / "redaction.yaml"


@pytest.fixture(scope="module")
def redactor() -> PresidioRedactor:
    return PresidioRedactor(POLICY)


def redact(redactor: PresidioRedactor, text: str) -> str:
    return redactor.redact(text, Vault()).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Producer Tomas Verhoek", "Tomas Verhoek"),
        ("Dr. Anneke Vos", "Anneke Vos"),
        ("Anneke Vos DDS", "Anneke Vos DDS"),  # a degree stays with the name
        ("Anneke Vos Suite", "Anneke Vos"),
        ("Anneke Baker", "Anneke Baker"),  # a trade behind a first name is a surname
        ("Salesperson", ""),
        ("ex-Beatle Tomas Verhoek", "Tomas Verhoek"),
    ],
)
def test_when_a_name_span_has_titles_then_they_are_trimmed(text: str, expected: str) -> None:
    start, end = trim_titles(text, 0, len(text))
    assert text[start:end] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Cinematographer said no.", "The Cinematographer said no."),
        ("Have you heard Marta K Olabode sing?", "Have you heard <PERSON_1> sing?"),
        ("Juliusz A Kowalczyk lives here.", "<PERSON_1> lives here."),  # "A" is an initial
        (
            "Silvia J Kovarova\n\nAirport tower controller",
            "<PERSON_1>\n\nAirport tower controller",
        ),
        ("We switched to Plan B Premium.", "We switched to Plan B Premium."),
        (
            "The founders are Okafor, Michael and Lindqvist.",
            "The founders are <PERSON_1>, <PERSON_2> and <PERSON_3>.",
        ),
        (
            "Tova: Is it fixed?\nMichael: Not yet.\nStatus: open",
            "<PERSON_1>: Is it fixed?\n<PERSON_2>: Not yet.\nStatus: open",
        ),
        ("I asked Todd about the refund.", "I asked <PERSON_1> about the refund."),
        ("Ana Ruiz-Lopez called.", "<PERSON_1> called."),  # the whole surname
        ("Scott is a very patient person.", "<PERSON_1> is a very patient person."),
        ("Mark as read, then Grant access.", "Mark as read, then Grant access."),
        ("Chase Bank declined the card.", "Chase Bank declined the card."),
        (
            'Tova: "Is it fixed?"\nMichael:"Not yet."',
            '<PERSON_1>: "Is it fixed?"\n<PERSON_2>:"Not yet."',
        ),
        ("Love it, thanks!", "Love it, thanks!"),
        # a name after a chat speaker's quote, a possessive, "I'm" in a greeting
        ("Tova:\"I'm Mirela's sister.\"", "<PERSON_1>:\"I'm <PERSON_2>'s sister.\""),
        ("Mrs. Okafor's parcel is late.", "Mrs. <PERSON_1>'s parcel is late."),
        ("Hi, I'm Tova Lindqvist", "Hi, I'm <PERSON_1>"),
        # typed without capitals
        ("follow up with patricia vandermolen soon.", "follow up with <PERSON_1> soon."),
        ("i will mark it as done and bill you later", "i will mark it as done and bill you later"),
    ],
)
def test_when_a_name_is_in_running_text_then_it_is_redacted_and_words_are_not(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


def test_when_a_quoted_contact_block_follows_a_name_then_the_company_line_stays(
    redactor: PresidioRedactor,
) -> None:
    text = "See below.\n> Ilse Brandt\n> Northwind Traders\n> 12 Larkin Avenue"
    assert redact(redactor, text) == (
        "See below.\n> <PERSON_1>\n> Northwind Traders\n> <LOCATION_1>"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kivimäe tee 14\nApt. 9\nTallinn",
            "<LOCATION_1>\n<LOCATION_2>\n<LOCATION_3>",
        ),
        ("Address: 5 Vorden Dam, Suite 3", "Address: <LOCATION_1>, <LOCATION_2>"),
        ("Order 5521 shipped\nUnit 4 was broken", "Order 5521 shipped\nUnit 4 was broken"),
        ("Printer 3 on floor 2\nRoom 5 has no paper", "Printer 3 on floor 2\nRoom 5 has no paper"),
        ("Mrs. Ada Holm Suite 54", "Mrs. <PERSON_1> Suite 54"),
        # a unit before its street, and a UK postcode after a city
        (
            "Send it to Flat 2, 14 Kirkgate Street, Leeds LS1 4AB",
            "Send it to <LOCATION_1>, <LOCATION_2>, <LOCATION_3> <LOCATION_4>",
        ),
        (
            "Apt. 117 5720 Skoveien 226\nHAMAR 2200",
            "<LOCATION_1> <LOCATION_2> <LOCATION_3>\n<LOCATION_4> <LOCATION_5>",
        ),
        # the model's "Kaarikatu 32 Apt" hid the street span; its part outside "Apt. 353" stays
        (
            "It is at 5570 Kaarikatu 32 Apt. 353, Vaasa.",
            "It is at <LOCATION_1> <LOCATION_2> <LOCATION_3>, <LOCATION_4>.",
        ),
        (
            "Meet at 010 63 Avenue du Golf Arabe Suite 910, Lyon",
            "Meet at <LOCATION_1> <LOCATION_2> <LOCATION_3> <LOCATION_4>, <LOCATION_5>",
        ),
    ],
)
def test_when_a_line_with_a_number_comes_before_a_unit_then_it_is_a_street(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


def test_when_the_names_package_is_missing_then_no_first_name_is_known(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first_names.cache_clear()
    with monkeypatch.context() as patched:
        patched.setitem(sys.modules, "names", None)
        try:
            assert first_names() == frozenset()
        finally:
            first_names.cache_clear()
    assert "REBECCA" in first_names()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Founders: Okafor, Michael and Lindqvist.", ["Okafor", "Lindqvist"]),
        ("Ana Holm\nOkafor, Lindqvist and Michael\nSales", []),  # a firm's line
        ("Okafor, Lindqvist and Michael LLP wrote", []),
    ],
)
def test_when_a_found_name_is_listed_then_the_other_listed_words_are_names_unless_a_firm(
    text: str, expected: list[str]
) -> None:
    michael = (text.index("Michael"), text.index("Michael") + len("Michael"))
    found = [text[a:b] for a, b in listed_names(text, [michael], [michael])]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "020 7946 0958-Office, +44 7700 900 815-Fax",
            "<PHONE_NUMBER_1>-Office, <PHONE_NUMBER_2>-Fax",
        ),
        ("Part 4410 2210-BLK is missing", "Part 4410 2210-BLK is missing"),
        # a street ("Ring 030") wins the overlap; the phone's other digits still go
        ("Ring 030 1234567 tomorrow", "<LOCATION_1> <PHONE_NUMBER_1> tomorrow"),
        ("Call me on 0393 1144137 after six.", "Call me on <PHONE_NUMBER_1> after six."),
        # en dashes and non-breaking hyphens, as word processors write them in signatures
        ("Call me on 212–736–5000 after six.", "Call me on <PHONE_NUMBER_1> after six."),
        ("Call me on 212‑736‑5000 after six.", "Call me on <PHONE_NUMBER_1> after six."),
        ("Ticket 0393 114 was merged.", "Ticket 0393 114 was merged."),
    ],
)
def test_when_a_phone_is_glued_to_a_label_or_a_street_then_all_its_digits_go(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We moved here from Vaalimaa last year.", "We moved here from <LOCATION_1> last year."),
        ("Our office in Kuopiola is closed.", "Our office in <LOCATION_1> is closed."),
        ("Open Home in Outlook.", "Open Home in Outlook."),
    ],
)
def test_when_a_place_follows_words_of_where_someone_is_then_it_is_redacted(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "eva lives at 255 vesterbrovej 18, aarhus c",
            "eva lives at <LOCATION_1> <LOCATION_2>, <LOCATION_3>",
        ),
        (
            "i live at 12 main st, thanks for the help",
            "i live at <LOCATION_1>, thanks for the help",
        ),
        (
            "ship to 12 main st, apt 4, springfield, il 62704 please",
            "ship to <LOCATION_1>, <LOCATION_2>, <LOCATION_3>, <LOCATION_4> <LOCATION_5> please",
        ),
    ],
)
def test_when_an_address_is_typed_in_lower_case_then_its_city_goes_too(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected
