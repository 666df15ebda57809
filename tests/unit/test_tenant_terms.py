"""Issue 14: a tenant's brand and product words, learned from its help-centre titles when its
articles are ingested, are not redacted for that tenant; other tenants, e-mails, cued values
and people named in titles or in sentences are redacted as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from backend import create_app, services
from backend.connectors.files import Document
from backend.redaction import Vault
from backend.redaction.presidio import PresidioRedactor
from backend.redaction.tenant_terms import in_data_dir, title_terms
from backend.retrieval.chunking import split_markdown
from backend.retrieval.ingest import doc_records
from tests.conftest import app_config

POLICY = Path(__file__).resolve().parents[2] / "policies" / "redaction.yaml"
ARTICLES = {
    "reset.md": "# Reset your Dropbox password\n\nOpen the sign-in page and choose Forgot.\n",
    "apps.md": "# Connect Shopify to Brightpearl\n\n## Using Teams\n\nAsk your admin first.\n",
    "refunds.md": "# Refunds: ask Zebulon Quillfeather\n\nWho handles refunds.\n",
    "jordan.md": "# Contact Jordan about your Trello board\n\nWrite to us.\n",
}


def help_centre() -> list[Document]:
    return [Document(name, split_markdown(text, name)) for name, text in ARTICLES.items()]


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory) -> PresidioRedactor:
    data = tmp_path_factory.mktemp("var")
    redactor = PresidioRedactor(POLICY, terms=in_data_dir(data))
    doc_records(help_centre(), redactor, "", "acme")
    return redactor


def redact(redactor: PresidioRedactor, text: str, tenant: str) -> str:
    return redactor.redact(text, Vault(), tenant=tenant).text


def test_when_a_help_centre_title_names_a_brand_then_its_source_card_keeps_it(
    tmp_path: Path,
) -> None:
    redactor = PresidioRedactor(POLICY, terms=in_data_dir(tmp_path))
    records = doc_records(help_centre()[:1], redactor, "", "acme")
    assert records[0].title == "Reset your Dropbox password"


@pytest.mark.parametrize(
    ("text", "acme", "other"),
    [
        (
            "Reset your Dropbox password",
            "Reset your Dropbox password",
            "Reset your <LOCATION_1> password",
        ),
        (
            "I moved to Dropbox last year",
            "I moved to Dropbox last year",
            "I moved to <LOCATION_1> last year",
        ),
        (
            "Brightpearl here, my order is late",
            "Brightpearl here, my order is late",
            "<PERSON_1> here, my order is late",
        ),
        (
            "My files stopped syncing in Teams",
            "My files stopped syncing in Teams",
            "My files stopped syncing in <LOCATION_1>",
        ),
    ],
)
def test_when_a_title_word_is_guessed_a_name_or_place_then_only_its_tenant_keeps_it(
    learned: PresidioRedactor, text: str, acme: str, other: str
) -> None:
    assert redact(learned, text, "acme") == acme
    assert redact(learned, text, "other") == other  # tenants never share their terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title word inside a longer name, or after a cue, is still a person's
        ("Please call Tova Brightpearl back", "Please call <PERSON_1> back"),
        ("Hi, I am Dropbox Smith and I need help", "Hi, I am <PERSON_1> and I need help"),
        ("It never came.\nThanks, Brightpearl", "It never came.\nThanks, <PERSON_1>"),
        # structured values are never allowed by a learned term
        ("My username: dropbox", "My username: <USERNAME_1>"),
        ("Write to dropbox@teams.co.uk", "Write to <EMAIL_ADDRESS_1>"),
        # a person named in a title is not learned: first name + surname, or a census name
        ("Zebulon Quillfeather called me", "<PERSON_1> called me"),
        ("Jordan Reyes called me", "<PERSON_1> called me"),
    ],
)
def test_when_a_person_shares_a_title_word_then_the_person_is_still_redacted(
    learned: PresidioRedactor, text: str, expected: str
) -> None:
    assert redact(learned, text, "acme") == expected


@pytest.mark.parametrize(
    ("title", "people", "expected"),
    [
        ("Reset your Dropbox password", [], ["Reset", "Dropbox"]),
        ("Refunds: ask Zebulon Quillfeather", [(13, 33)], ["Refunds"]),
        ("Contact Jordan about your iCloud", [], ["Contact", "iCloud"]),
        ("Brightpearl's SSO settings", [], ["Brightpearl", "SSO"]),
    ],
)
def test_when_a_title_is_read_then_its_capitalised_non_person_words_are_the_terms(
    title: str, people: list[tuple[int, int]], expected: list[str]
) -> None:
    assert title_terms(title, people) == expected


def test_when_the_app_restarts_then_the_learned_terms_are_still_in_force(tmp_path: Path) -> None:
    first = create_app(app_config(tmp_path / "var"))
    with first.app_context():
        doc_records(help_centre()[:1], services.get().redactor, "", "acme")
    again: Flask = create_app(app_config(tmp_path / "var"))
    with again.app_context():
        redactor = services.get().redactor
        title = "Reset your Dropbox password"
        assert redactor.redact(title, Vault(), tenant="acme").text == title
        assert redactor.redact(title, Vault(), tenant="demo").text != title
