"""The Presidio redactor with the real spaCy model and the shipped policies/redaction.yaml."""

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from backend.redaction import KnownValue, Vault, redactors
from backend.redaction.cli import redact as redact_command
from backend.redaction.config import RedactionPolicyError, load_config, parse_config
from backend.redaction.engine import OrderedRegistry, plausible, recognizers
from backend.redaction.presidio import Finding, PresidioRedactor
from backend.redaction.recognizers import SupportNameRecognizer

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "redaction.yaml"


@pytest.fixture(scope="module")
def redactor() -> PresidioRedactor:
    return PresidioRedactor(POLICY)


def redact(redactor: PresidioRedactor, text: str, tenant: str = "") -> str:
    return redactor.redact(text, Vault(), tenant=tenant).text


def test_when_the_registry_is_asked_for_presidio_then_it_gives_this_redactor() -> None:
    assert redactors.get("presidio") is PresidioRedactor
    assert "presidio" in redactors.names()


@pytest.mark.parametrize(
    "text",
    [
        "My order ORD-2024-118734 never arrived.",
        "Subscription SUB-009921 was charged twice.",
        "Invoice INV-77812 is wrong.",
        "Order number 583920117 went to the wrong flat.",
        "Order 1100293847 was split.",
        "Our PO number is 4500123987.",
        "Tracking 1Z999AA10123456784 says delivered.",
        "RMA-55120 was approved.",
        "Claim CLM-2026-00412 is open.",
        "Request REQ-88123 is still open.",
        "Ticket #48213 was closed.",
        "SKU TW-2200-BLK is out of stock.",
        "Device 3f2b8c1e-9a4d-4e6b-8f0a-1c2d3e4f5a6b went offline.",
        "Firmware v3.8.2 and app 4.2.1 both fail.",
        "Error E1042, then error code 0x80070005 and HTTP 503.",
        "Since 2026-03-14 09:12 the sync fails; again at 2026-02-01T08:15:22Z.",
        "I was charged $49.99, €120.00 and 35 EUR.",
        "Case 00451236 is about booking BK-7781-QZ.",
    ],
)
def test_when_text_has_ids_then_they_survive(redactor: PresidioRedactor, text: str) -> None:
    assert redact(redactor, text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jane.roe@example.org", "mail me at <EMAIL_ADDRESS_1>"),
        (
            "Call me on +44 20 7946 0958 or +1 (646) 555-0198.",
            "Call me on <PHONE_NUMBER_1> or <PHONE_NUMBER_2>.",
        ),
        ("Mobile: 06 12 34 56 78", "Mobile: <PHONE_NUMBER_1>"),
        ("card 4111 1111 1111 1111 please", "card <CREDIT_CARD_1> please"),
        ("card 4111 1111 1111 1112 is not a card", "card 4111 1111 1111 1112 is not a card"),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN <IBAN_CODE_1>"),
        ("My SSN is 536-90-4399", "My SSN is <US_SSN_1>"),
        ("my driver's license is D1234567", "my driver's license is <US_DRIVER_LICENSE_1>"),
        ("passport number 912803456", "passport number <US_PASSPORT_1>"),
    ],
)
def test_when_text_has_personal_values_then_they_become_placeholders(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Please remove my son Teodor from the plan.",
            "Please remove my son <PERSON_1> from the plan.",
        ),
        ("Add Ilse Brandt as a second user.", "Add <PERSON_1> as a second user."),
        ("Friends call me Bram.", "Friends call me <PERSON_1>."),
        ("Last name: Okonkwo", "Last name: <PERSON_1>"),
        ("Can I speak with Ms. Varga?", "Can I speak with Ms. <PERSON_1>?"),
        (
            "I'd like to speak to Support about billing.",
            "I'd like to speak to Support about billing.",
        ),
        ("The account is under Harriet Vale.", "The account is under <PERSON_1>."),
        ("From: Jonas Eklof", "From: <PERSON_1>"),
        (
            "What's the name on the card? Customer: Ida Brenner",
            "What's the name on the card? Customer: <PERSON_1>",
        ),
        ("Please change it to Mr. Oskar Lind", "Please change it to Mr. <PERSON_1>"),
        ("To: Support Team", "To: Support Team"),
        ("Reported by Jonas Eklof yesterday.", "Reported by <PERSON_1> yesterday."),
        ("Her maiden name is Okafor.", "Her maiden name is <PERSON_1>."),
        ("My grandmother was called Ada Holm.", "My grandmother was called <PERSON_1>."),
        ("The app is called Tempo Pro.", "The app is called Tempo Pro."),
        (
            "Hi Priya Raman,\nthe part is here. Priya, can you sign?",
            "Hi <PERSON_1>,\nthe part is here. <PERSON_2>, can you sign?",
        ),
        (
            "Ilse Brandt\nBrandt Logistics\nMobile: +49 30 901820",
            # the surname in the company's name would give her away: it goes too
            "<PERSON_1>\n<PERSON_2> Logistics\nMobile: <PHONE_NUMBER_1>",
        ),
        ("> Jonas Eklof\n> thanks for the quick fix", "> <PERSON_1>\n> thanks for the quick fix"),
        ("Add Tempo as a second device.", "Add Tempo as a second device."),
    ],
)
def test_when_a_name_follows_words_that_introduce_one_then_it_is_redacted(
    redactor: PresidioRedactor, text: str, expected: str | None
) -> None:
    if expected is None:  # the text is unchanged
        expected = text
    assert redact(redactor, text, tenant="demo") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am in KRISTIANSUND until Friday.", "I am in <LOCATION_1> until Friday."),
        ("She lives in Oberwil Lieli now.", "She lives in <LOCATION_1> now."),
        ("We moved to Edmonton last spring.", "We moved to <LOCATION_1> last spring."),
        ("Shipping to Argentina takes long.", "Shipping to <LOCATION_1> takes long."),
        ("Export to JSON fails, and so does HTTPS in PROD.", None),
        ("I WANT TO CANCEL MY PLAN", None),
        # a first name that is also a city keeps the model's type
        (
            "The helper is Victoria at the front desk.",
            "The helper is <PERSON_1> at the front desk.",
        ),
    ],
)
def test_when_a_place_is_named_or_follows_place_words_then_it_is_redacted(
    redactor: PresidioRedactor, text: str, expected: str | None
) -> None:
    assert redact(redactor, text) == (expected or text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I was born on 20.09.1968.", "I was born on <DATE_TIME_1>."),
        ("It has been like that since 4/5/1992", "It has been like that since <DATE_TIME_1>"),
        ("During 1974 she lived abroad.", "During <DATE_TIME_1> she lived abroad."),
        ("Firmware 2.1.2019 and v4.12.2020 crash.", None),
        ("We will call you next week, on Monday.", None),
    ],
)
def test_when_text_has_a_calendar_date_or_a_year_then_it_is_redacted(
    redactor: PresidioRedactor, text: str, expected: str | None
) -> None:
    assert redact(redactor, text) == (expected or text)


@pytest.mark.parametrize(
    "text", ["Billing Problem\nMy card was charged twice", "SHIPPING ISSUE\nstill late"]
)
def test_when_a_first_line_is_a_heading_then_the_name_rules_leave_it(text: str) -> None:
    assert list(SupportNameRecognizer().spans(text)) == []


@pytest.mark.parametrize(
    ("entity_type", "value", "expected"),
    [
        ("PERSON", "Jane Roe", True),
        ("PERSON", "Ann:\"I'm Bo's", False),
        ("LOCATION", "Côte d’Ivoire", True),
        ("PERSON", "<b>Jane</b>", False),
    ],
)
def test_when_a_model_value_has_a_colon_quote_or_markup_then_it_is_implausible(
    entity_type: str, value: str, expected: bool
) -> None:
    assert plausible(entity_type, value) is expected


def test_when_a_model_span_runs_over_a_line_break_then_no_kept_span_does(
    redactor: PresidioRedactor,
) -> None:
    text = "Regards,\nOla Nordmann\nFPO AA 34021"
    findings = [f for f in redactor.explain(text) if f.kept]
    assert all("\n" not in text[f.start : f.end] for f in findings)


def test_when_a_next_line_part_is_not_name_words_then_explain_says_so(
    redactor: PresidioRedactor,
) -> None:
    text = "Vincent\nFPO AA 68422"
    reasons = {text[f.start : f.end]: f.reason for f in redactor.explain(text)}
    assert reasons["FPO AA 68422"] == "a next line that is not name words"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call my lawyer Johnathan\nWilliamson", "call my lawyer <PERSON_1>\n<PERSON_2>"),
        ("Regards, Mary Ann\nMcAllister-Smith", "Regards, <PERSON_1>\n<PERSON_2>"),
        ("Regards,\nOla Nordmann\nFPO AA 34021", "Regards,\n<PERSON_1>\nFPO AA 34021"),
        ("Name: John Smith\nAddress: 12 Oak Road", "Name: <PERSON_1>\nAddress: <LOCATION_1>"),
    ],
)
def test_when_a_name_runs_over_a_line_break_then_each_line_part_is_judged(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hi Maria,\nmy kettle stopped working.\nThanks,\nMaria Lopez",
            "Hi <PERSON_1>,\nmy kettle stopped working.\nThanks,\n<PERSON_2>",
        ),
        ("Hello Priya, the part is on its way.", "Hello <PERSON_1>, the part is on its way."),
        ("Dear Mr. Okafor, thanks.", "Dear Mr. <PERSON_1>, thanks."),
        ("Best regards,\nTomas Novak", "Best regards,\n<PERSON_1>"),
        ("The transfer came from Pieter de Vries.", "The transfer came from <PERSON_1>."),
    ],
)
def test_when_a_name_is_in_a_greeting_or_signature_then_it_is_redacted(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ship it to 31 Larkin Avenue, Springfield, IL 62704 please.",
            "Ship it to <LOCATION_1>, <LOCATION_2>, <LOCATION_3> <LOCATION_4> please.",
        ),
        (
            "New address: Rantakatu 14, 00100 Helsinki",
            "New address: <LOCATION_1>, <LOCATION_2> <LOCATION_3>",
        ),
        (
            "Please send it to Via Roma 12, 20121 Milano.",
            "Please send it to <LOCATION_1>, <LOCATION_2> <LOCATION_3>.",
        ),
        (
            "Nora Quist\n\n4410 Lindholmvej 12\n Suite 7\n Aarhus\n\n Denmark 8000",
            "<PERSON_1>\n\n<LOCATION_1> <LOCATION_2>\n <LOCATION_3>\n <LOCATION_4>\n\n"
            " <LOCATION_5> <LOCATION_6>",
        ),
        ("Ship to USS Harmon\nFPO AE 09812", "Ship to <LOCATION_1>"),
        ("Send it to 18 Rue de la Paix please.", "Send it to <LOCATION_1> please."),
        ("It is at 4410 12 Lindholm Vale", "It is at <LOCATION_1> <LOCATION_2>"),
        ("Meet at the corner of Oak St. and Pine Road", "Meet at <LOCATION_1>"),
        ("I ordered 3 2 Pack Filters", "I ordered 3 2 Pack Filters"),
        (
            "Our office is at 4410 2210 Rue Basse Apt. 12\nLILLE, NO 59000",
            "Our office is at <LOCATION_1> <LOCATION_2> <LOCATION_3>\n<LOCATION_4>, <LOCATION_5>"
            " <LOCATION_6>",
        ),
        (
            "• 31 Larkin Avenue\n• Apt. 5\n• Springfield",
            "• <LOCATION_1>\n• <LOCATION_2>\n• <LOCATION_3>",
        ),
        (
            "880 12 Harbour Road Suite 4 Apt. 2, Dunmore, Ireland",
            "<LOCATION_1> <LOCATION_2> <LOCATION_3> <LOCATION_4>, <LOCATION_5>, <LOCATION_6>",
        ),
    ],
)
def test_when_text_has_a_street_address_then_each_part_is_redacted(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "the laptop is slow.I visited service centers.Cant fix it",
            "the laptop is slow.I visited service centers.Cant fix it",
        ),
        ("this device.This device was used.The end", "this device.This device was used.The end"),
        ("my blog is janedoe.com and https://janedoe.com/about", "my blog is <URL_1> and <URL_2>"),
    ],
)
def test_when_sentences_are_glued_together_then_they_are_not_taken_for_urls(
    redactor: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(redactor, text) == expected


def test_when_the_tenant_allows_a_product_name_then_it_survives(
    redactor: PresidioRedactor,
) -> None:
    text = "I bought the Breeze from Meridian"
    assert redact(redactor, text) == "I bought the Breeze from <NRP_1>"
    assert redact(redactor, text, tenant="demo") == text
    reasons = [f.reason for f in redactor.explain(text, tenant="demo")]
    assert reasons == ["allow-listed 'Meridian'"]


def test_when_the_helpdesk_names_the_requester_then_the_name_is_redacted(
    redactor: PresidioRedactor,
) -> None:
    vault = Vault()
    text = redactor.redact("thanks, rosa", vault, [KnownValue("PERSON", "Rosa Diaz")]).text
    assert text == "thanks, <PERSON_1>"
    assert vault.restore("Dear <person_1>") == "Dear rosa"


def test_when_values_repeat_across_calls_then_placeholders_stay_in_reading_order(
    redactor: PresidioRedactor,
) -> None:
    vault = Vault()
    first = redactor.redact("a@example.com wrote, then b@example.com", vault).text
    second = redactor.redact("b@example.com and c@example.com", vault).text
    assert first == "<EMAIL_ADDRESS_1> wrote, then <EMAIL_ADDRESS_2>"
    assert second == "<EMAIL_ADDRESS_2> and <EMAIL_ADDRESS_3>"


def test_when_explained_then_every_candidate_says_why_it_was_kept_or_dropped(
    redactor: PresidioRedactor,
) -> None:
    findings = redactor.explain("passport number 912803456, order ORD-2024-118734")
    assert findings[:2] == [
        Finding(
            "US_PASSPORT",
            16,
            25,
            0.4,
            "UsPassportRecognizer",
            rule="Passport (very weak)",
            context_word="passport",
            kept=True,
            reason="kept",
        ),
        Finding(
            "PHONE_NUMBER",
            16,
            25,
            0.4,
            "PhoneRecognizer",
            kept=False,
            reason="overlaps a kept US_PASSPORT span",
        ),
    ]
    by_reason = {f.reason for f in findings}
    assert "below threshold 0.6" in by_reason
    assert (
        "protected by rule 'labelled-id'" in by_reason
        or "protected by rule 'prefixed-id'" in by_reason
    )


BASE = """entities:
  PERSON: {threshold: 0.5}
  EMAIL_ADDRESS: {threshold: 0.5}
tenants:
  acme: {allow_list: [Jane]}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "entities:\n  PHONE: {threshold: 0.4}\n",
            "redaction.yaml:2:3: unknown entity 'PHONE'. Valid entities are: BR_CPF, CA_SIN, "
            "CREDIT_CARD, DATE_TIME, EMAIL_ADDRESS, ES_NIF, IBAN_CODE, IN_AADHAAR, IN_PAN, "
            "IP_ADDRESS, LOCATION, NRP, PERSON, PERSONAL_ID, PHONE_NUMBER, UK_NINO, URL, USERNAME, "
            "US_BANK_NUMBER, US_DRIVER_LICENSE, US_PASSPORT, US_SSN",
        ),
        (
            "entities:\n  PERSON: {treshold: 0.4}\n",
            "redaction.yaml:2:12: unknown key 'treshold' for entity 'PERSON'. "
            "Valid keys are: context, threshold",
        ),
        (
            "entities:\n  PERSON: {threshold: 2}\n",
            "redaction.yaml:2:23: entity 'PERSON': "
            "threshold must be a number above 0 and at most 1",
        ),
        (
            "entities:\n  PERSON: {}\n  PERSON: {}\n",
            "redaction.yaml:3:3: duplicate key 'PERSON' (first at line 2)",
        ),
        (
            "entities: {PERSON: {}}\nalow_list: [x]\n",
            "redaction.yaml:2:1: unknown key 'alow_list'. "
            "Valid keys are: allow_list, entities, protect, tenants",
        ),
        (
            "entities: {PERSON: {}}\nprotect:\n  - {name: x, pattern: 'a(', flags: [ignorecase]}\n",
            "redaction.yaml:3:24: rule 'x': bad pattern (missing ), unterminated subpattern "
            "at position 1)",
        ),
        (
            "entities: {PERSON: {}}\nprotect:\n  - {name: x, pattern: 'a', flags: [verbose]}\n",
            "redaction.yaml:3:37: rule 'x': unknown flag 'verbose'. "
            "Valid flags: ignorecase, multiline",
        ),
        ("tenants: {}\n", "redaction.yaml:1:1: missing required key 'entities'"),
        (
            "entities: [PERSON\n",
            "redaction.yaml:2:1: not valid YAML: expected ',' or ']', but got '<stream end>'",
        ),
    ],
)
def test_when_the_policy_is_broken_then_the_message_says_where_and_what(
    text: str, message: str
) -> None:
    with pytest.raises(RedactionPolicyError) as raised:
        parse_config(text, "redaction.yaml")
    assert raised.value.message == message


def test_when_a_broken_policy_is_reloaded_then_the_running_one_stays(tmp_path: Path) -> None:
    policy = tmp_path / "redaction.yaml"
    policy.write_text(BASE, encoding="utf-8")
    redactor = PresidioRedactor(policy)
    assert redact(redactor, "Hi Jane, mail jane@example.org", tenant="acme") == (
        "Hi Jane, mail <EMAIL_ADDRESS_1>"
    )

    policy.write_text(BASE + "  acme: {}\n", encoding="utf-8")
    with pytest.raises(RedactionPolicyError, match=r"redaction.yaml:6:3: duplicate key 'acme'"):
        redactor.reload()
    assert redact(redactor, "Hi Jane", tenant="acme") == "Hi Jane"

    policy.write_text(BASE.replace("[Jane]", "[Bob]"), encoding="utf-8")
    redactor.reload()
    assert redact(redactor, "Hi Jane", tenant="acme") == "Hi <PERSON_1>"


def test_when_the_cli_reads_plain_text_then_it_prints_one_json_line() -> None:
    result = CliRunner().invoke(
        redact_command, ["--config", str(POLICY), "-"], input="mail jane@example.org\n"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "id": "-",
        "redacted": "mail <EMAIL_ADDRESS_1>\n",
        "entities": [
            {
                "type": "EMAIL_ADDRESS",
                "start": 5,
                "end": 21,
                "score": 1.0,
                "recognizer": "OfflineEmailRecognizer",
            }
        ],
    }


def test_when_the_cli_reads_jsonl_with_explain_then_it_says_why(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text(
        '{"id": "a", "text": "order ORD-2024-118734"}\n{"id": 7, "text": "the Breeze"}\n',
        encoding="utf-8",
    )
    args = ["--config", str(POLICY), "--explain", "--tenant", "demo", str(lines)]
    result = CliRunner().invoke(redact_command, args)
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert first["id"] == "a" and first["redacted"] == "order ORD-2024-118734"
    assert first["entities"] == []
    assert {why["reason"] for why in first["explain"]} >= {"protected by rule 'labelled-id'"}
    assert second == {"id": 7, "redacted": "the Breeze", "entities": [], "explain": []}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["missing.txt"], "", "missing.txt: cannot read the file (No such file or directory)"),
        (["-"], '{"id": 1, "text": "x"}\nnot json\n', "-:2: not valid JSON (Expecting value)"),
        (["-"], '{"id": 1}\n', '-:1: expected an object with a "text" string'),
    ],
)
def test_when_the_cli_input_is_bad_then_it_raises_a_one_line_error(
    args: list[str], stdin: str, message: str
) -> None:
    result = CliRunner().invoke(redact_command, ["--config", str(POLICY), *args], input=stdin)
    assert result.exit_code != 0
    assert getattr(result.exception, "message", None) == message


def test_when_the_cli_policy_is_broken_then_it_names_the_file(tmp_path: Path) -> None:
    policy = tmp_path / "redaction.yaml"
    policy.write_text("entities:\n  PHONE: {}\n", encoding="utf-8")
    result = CliRunner().invoke(redact_command, ["--config", str(policy), "-"], input="x")
    assert isinstance(result.exception, RedactionPolicyError)
    assert result.exception.message.startswith(f"{policy}:2:3: unknown entity 'PHONE'.")


def test_when_a_name_runs_into_an_allowed_product_then_only_the_product_survives(
    redactor: PresidioRedactor,
) -> None:
    text = "Order ORD-2026-99812 (Breeze Max) arrived"
    assert (
        redact(redactor, text, tenant="demo") == "Order ORD-2026-99812 (Breeze <PERSON_1>) arrived"
    )
    assert [f.reason for f in redactor.explain(text, "demo") if f.kept] == ["kept without 'Breeze'"]


def test_when_pytz_is_missing_then_the_gazetteer_keeps_its_own_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backend.redaction import places

    places.gazetteer.cache_clear()
    monkeypatch.setitem(sys.modules, "pytz", None)
    try:
        names = places.gazetteer()
    finally:
        places.gazetteer.cache_clear()
    assert "England" in names
    assert "Helsinki" not in names


def test_when_recognizers_are_handed_out_then_they_come_in_the_order_they_were_listed() -> None:
    # Of two equal findings (same type, span and score) Presidio keeps the one it saw first;
    # its registry hands recognizers out as a set, in an order that changes per process.
    config = load_config(POLICY)
    registry = OrderedRegistry(recognizers=recognizers(config), supported_languages=["en"])
    handed_out = registry.get_recognizers(language="en", entities=list(config.entities))
    assert [r.name for r in handed_out] == [r.name for r in registry.recognizers]
