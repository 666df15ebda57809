import pytest

from backend.redaction import KnownValue, RedactedText, Vault, redactors, seal
from backend.redaction.vault import StreamRestorer

redactor = redactors.get("patterns")()


def redact(text: str, known: list[KnownValue] | None = None) -> str:
    return redactor.redact(text, Vault(), known or []).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jane.roe@example.org", "mail me at <EMAIL_ADDRESS_1>"),
        ("call +1 415 555 0199 today", "call <PHONE_NUMBER_1> today"),
        ("or (212) 555-0143", "or <PHONE_NUMBER_1>"),
        ("card 4111 1111 1111 1111 please", "card <CREDIT_CARD_1> please"),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN <IBAN_CODE_1>"),
    ],
)
def test_when_text_has_personal_values_then_they_become_placeholders(
    text: str, expected: str
) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order ORD-2026-118734 shipped",
        "invoice INV-77812 attached",
        "firmware 4.2.1 fixed it",
        "since 2026-03-14 it fails",
        "card 4111 1111 1111 1112 (not a valid card number)",
        "serial TWB2-8K3J-11902",
        "RMA-55120 was approved",
    ],
)
def test_when_text_has_ids_then_they_survive(text: str) -> None:
    assert redact(text) == text


def test_when_the_helpdesk_names_the_requester_then_each_name_part_is_redacted() -> None:
    text = "Hi, I'm Maria Lopez. Thanks, Maria"
    known = [KnownValue("PERSON", "Maria Lopez")]
    assert redact(text, known) == "Hi, I'm <PERSON_1>. Thanks, <PERSON_2>"


def test_when_a_value_repeats_then_it_keeps_its_placeholder() -> None:
    vault = Vault()
    first = redactor.redact("a@example.com and b@example.com", vault).text
    second = redactor.redact("again A@example.com", vault).text
    assert first == "<EMAIL_ADDRESS_1> and <EMAIL_ADDRESS_2>"
    assert second == "again <EMAIL_ADDRESS_1>"


@pytest.mark.parametrize(
    "model_output",
    ["Dear <PERSON_1>,", "Dear <person_1>,", "Dear **<PERSON_1>**,", "Dear < PERSON_1 >,"],
)
def test_when_a_model_alters_a_placeholder_then_restore_still_finds_it(model_output: str) -> None:
    vault = Vault()
    redactor.redact("I am Jane Roe", vault, [KnownValue("PERSON", "Jane Roe")])
    assert vault.restore(model_output) == "Dear Jane Roe,"


def test_when_a_placeholder_is_unknown_then_restore_leaves_it() -> None:
    assert Vault().restore("Dear <PERSON_7>") == "Dear <PERSON_7>"


def test_when_history_is_indexed_then_placeholders_are_bare_and_never_restored() -> None:
    vault = Vault(numbered=False)
    text = redactor.redact("write to jane@example.org", vault).text
    assert text == "write to <EMAIL_ADDRESS>"
    assert vault.restore(text) == text


def test_when_code_builds_redacted_text_directly_then_it_is_refused() -> None:
    with pytest.raises(TypeError, match="made only by a Redactor"):
        RedactedText("raw text with jane@example.org")
    assert seal("ok").text == "ok"


def test_when_a_tenant_is_given_then_the_pattern_redactor_accepts_it() -> None:
    assert redactor.redact("mail jane@example.org", Vault(), tenant="demo").text == (
        "mail <EMAIL_ADDRESS_1>"
    )


def vault_with(*values: tuple[str, str]) -> Vault:
    vault = Vault()
    for entity_type, value in values:
        vault.placeholder_for(entity_type, value)
    return vault


@pytest.mark.parametrize(
    "model_output",
    [
        "Write to <EMAIL_ADDRESS_1>.",
        "Write to EMAIL_ADDRESS_1.",
        "Write to <EMAIL_ADDRESS_1.",
        "Write to EMAIL_ADDRESS_1>.",
        "Write to [EMAIL_ADDRESS_1].",
        "Write to <EMAIL-ADDRESS-1>.",
        "Write to <EMAIL ADDRESS 1>.",
        "Write to <Email_Address_1>.",
        "Write to <EMAIL\\_ADDRESS\\_1>.",
        "Write to &lt;EMAIL_ADDRESS_1&gt;.",
        "Write to <**EMAIL_ADDRESS_1**>.",
        "Write to `<EMAIL_ADDRESS_1>`.",
    ],
)
def test_when_a_model_rewrites_a_placeholder_then_restore_still_finds_it(
    model_output: str,
) -> None:
    vault = vault_with(("EMAIL_ADDRESS", "jane@example.org"))
    assert vault.restore(model_output) == "Write to jane@example.org."


@pytest.mark.parametrize(
    "text",
    ["the person 1 on the list", "PERSON_12 is not known", "see <PERSON_2>", "<PERSON>"],
)
def test_when_text_only_looks_like_a_placeholder_then_restore_leaves_it(text: str) -> None:
    assert vault_with(("PERSON", "Jane Roe")).restore(text) == text


@pytest.mark.parametrize(
    "chunks",
    [
        ["Dear <PER", "SON_1>, mail <EMAIL_", "ADDRESS_1> now"],
        ["Dear ", "<", "PERSON", "_", "1", ">", ", mail EMAIL_ADDRESS_1", " now"],
        ["Dear **<person_1>**, mail < EMAIL", "_ADDRESS_1 > now"],
        list("Dear <PERSON_1>, mail <EMAIL_ADDRESS_1> now"),
    ],
)
def test_when_a_draft_is_streamed_then_placeholders_split_across_chunks_are_restored(
    chunks: list[str],
) -> None:
    stream = StreamRestorer(vault_with(("PERSON", "Jane Roe"), ("EMAIL_ADDRESS", "j@x.org")))
    out = [stream.feed(chunk) for chunk in chunks] + [stream.flush()]
    assert "".join(out) == "Dear Jane Roe, mail j@x.org now"


def test_when_streaming_then_only_a_possible_placeholder_is_held_back() -> None:
    stream = StreamRestorer(vault_with(("PERSON", "Jane Roe")))
    assert stream.feed("Thanks for waiting. Dear <PE") == "Thanks for waiting. Dear "
    assert stream.feed("RSON_1") == ""
    assert stream.feed(">, the refund is done.") == "Jane Roe, the refund is done."
    assert stream.flush() == ""


def test_when_a_vault_is_stored_then_its_entries_map_placeholders_to_values() -> None:
    vault = vault_with(("PERSON", "Jane Roe"), ("PERSON", "Bo Li"), ("EMAIL_ADDRESS", "j@x.org"))
    assert vault.entries() == {
        "<PERSON_1>": "Jane Roe",
        "<PERSON_2>": "Bo Li",
        "<EMAIL_ADDRESS_1>": "j@x.org",
    }
