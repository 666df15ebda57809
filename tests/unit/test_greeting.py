"""The draft greets the requester by first name; the name comes back only through restore."""

from __future__ import annotations

import pytest
from flask import Flask

from backend import pipeline, services
from backend.drafting.greeting import addressed, first_name, salutation_placeholder
from backend.redaction.vault import Vault
from backend.types import DraftText


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Paul Nakamura", "Paul"),
        ("Amélie Girard", "Amélie"),
        ("Nakamura, Paul", "Paul"),
        ("Dr. Anna-Lena Berg", "Anna-Lena"),
        ("Ms O'Brien", "O'Brien"),
        ("p.nakamura@mailbox.example", ""),
        ("", ""),
        ("J. Smith", ""),
        ("4711 Customer", ""),
    ],
)
def test_when_the_requester_name_is_given_then_its_first_name_is_found(
    name: str, first: str
) -> None:
    assert first_name(name) == first


@pytest.mark.parametrize(
    ("text", "greeted"),
    [
        ("Hi there,\n\nReset it. [1]", "Hi <PERSON_2>,\n\nReset it. [1]"),
        ("Hello <PERSON_1>,\n\nReset it.", "Hello <PERSON_2>,\n\nReset it."),
        ("Dear customer,\n\nReset it.", "Dear <PERSON_2>,\n\nReset it."),
        ("Reset it. Hi there, again.", "Reset it. Hi there, again."),
    ],
)
def test_when_a_draft_opens_with_a_salutation_then_it_addresses_the_placeholder(
    text: str, greeted: str
) -> None:
    assert addressed(DraftText(text, ()), "<PERSON_2>").text == greeted


def test_when_no_first_name_is_known_then_the_greeting_stays_generic() -> None:
    vault = Vault()
    assert salutation_placeholder(vault, "p.nakamura@mailbox.example") == ""
    assert addressed(DraftText("Hi there,\n\nx", ()), "").text == "Hi there,\n\nx"


def test_when_the_first_name_is_added_then_the_vault_restores_it() -> None:
    vault = Vault()
    vault.placeholder_for("PERSON", "Paul Nakamura")
    placeholder = salutation_placeholder(vault, "Paul Nakamura")
    assert placeholder == "<PERSON_2>"
    assert vault.restore(f"Hi {placeholder},") == "Hi Paul,"


def test_when_a_ticket_has_a_requester_then_the_agent_sees_the_first_name_and_nothing_else_does(
    indexed_app: Flask,
) -> None:
    drafted = pipeline.draft_reply("demo", "N-1", services.get())
    assert drafted.result.text.startswith("Hi Jane,\n\n")
    assert drafted.redacted_text.startswith("Hi <PERSON_")  # what is stored and gated
    assert "Jane" not in drafted.redacted_text
