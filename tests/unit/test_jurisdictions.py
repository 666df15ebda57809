"""One jurisdiction vocabulary at every entry point: tickets, credentials, policies, reviews."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from backend import create_app, migrate, services
from backend.cli import cli
from backend.connectors.files import FilesConnector
from backend.gate import jurisdictions, load_policies
from backend.redaction import seal
from tests.conftest import app_config
from tests.unit.test_review import ADMIN, DECISION, gated_draft

FORMS = (
    "Valid forms are: a country (GB, US, CA, AU, ...), a state or province (US-CA, CA-ON), "
    "an EU member state (EU-DE) or a wildcard (US-*, CA-*, EU-*, *)"
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = create_app(app_config(tmp_path, ADMIN_TOKEN="admin-secret"))
    migrate.upgrade(flask_app.config["DATABASE_URL"])
    with flask_app.app_context():
        yield flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.mark.parametrize(
    ("given", "ours"),
    [
        ("DE", "EU-DE"),
        ("de", "EU-DE"),
        (" eu-de ", "EU-DE"),
        ("us_ca", "US-CA"),
        ("UK", "GB"),
        ("DE-BY", "EU-DE"),  # a subdivision we do not list counts as its country
        ("GB-SCT", "GB"),
        ("NARNIA", ""),  # unknown origin: every policy applies
        ("US-*", ""),  # a ticket is never a wildcard
        ("", ""),
    ],
)
def test_when_a_ticket_names_a_jurisdiction_then_it_is_read_in_our_form(
    given: str, ours: str
) -> None:
    assert jurisdictions.ticket_jurisdiction(given) == ours


def test_when_the_inbox_says_de_then_the_ticket_is_from_eu_de(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox.jsonl"
    inbox.write_text(json.dumps({"id": "T-1", "body": "Hallo", "jurisdiction": "de"}) + "\n")
    assert FilesConnector(str(inbox)).get_ticket("demo", "T-1").jurisdiction == "EU-DE"


def test_when_the_gate_is_asked_about_a_de_ticket_then_its_decision_says_eu_de(
    app: Flask,
) -> None:
    decision = services.get().gate.evaluate(seal("Can I withhold rent?"), None, "DE")
    assert decision.jurisdiction == "EU-DE"


def reviewer_with(client: FlaskClient, name: str, where: list[str]) -> tuple[int, str]:
    created = client.post(
        "/api/v1/admin/reviewers",
        headers=ADMIN,
        json={"name": name, "email": f"{name.lower()}@example.com"},
    ).get_json()
    answer = client.post(
        f"/api/v1/admin/reviewers/{created['reviewer']['id']}/credentials",
        headers=ADMIN,
        json={
            "domain": "insurance",
            "jurisdictions": where,
            "licence_id": f"L-{name}",
            "expires_on": (date.today().replace(year=date.today().year + 1)).isoformat(),
        },
    )
    return answer.status_code, created["token"]


def queue_of(client: FlaskClient, token: str) -> list[str]:
    items = client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {token}"})
    return [i["jurisdiction"] for i in items.get_json()["reviews"]]


def test_when_a_ticket_from_de_is_gated_then_eu_de_and_eu_wildcard_reviewers_see_it(
    client: FlaskClient,
) -> None:
    gated_draft({**DECISION, "jurisdiction": "DE"})  # as a decision stored before normalising
    tokens = {
        name: reviewer_with(client, name, [where])[1]
        for name, where in [
            ("Ana", "EU-DE"),
            ("Ben", "EU-*"),
            ("Cy", "de"),
            ("Dee", "US-*"),
        ]
    }
    seen = {name: queue_of(client, token) for name, token in tokens.items()}
    assert seen == {"Ana": ["EU-DE"], "Ben": ["EU-DE"], "Cy": ["EU-DE"], "Dee": []}


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (["NARNIA"], f"credential: unknown jurisdiction 'NARNIA'. {FORMS}"),
        ([""], f"credential: a jurisdiction must not be empty. {FORMS}"),
        (
            ["US-CAL"],
            f"credential: unknown jurisdiction 'US-CAL'. {FORMS}. "
            "Did you mean: US-CA, US-AL, US-WA?",
        ),
    ],
)
def test_when_a_credential_names_an_unknown_jurisdiction_then_it_is_refused(
    client: FlaskClient, where: list[str], message: str
) -> None:
    created = client.post(
        "/api/v1/admin/reviewers", headers=ADMIN, json={"name": "Eve", "email": "eve@example.com"}
    ).get_json()
    answer = client.post(
        f"/api/v1/admin/reviewers/{created['reviewer']['id']}/credentials",
        headers=ADMIN,
        json={
            "domain": "legal",
            "jurisdictions": where,
            "licence_id": "B-1",
            "expires_on": "2030-01-01",
        },
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"] == message


def test_when_the_cli_records_a_credential_then_codes_are_normalised_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    runner.invoke(cli, ["reviewers", "add", "Ana Ruiz", "ana@example.com"])
    base = [
        "reviewers",
        "credential",
        "ana@example.com",
        "--domain",
        "legal",
        "--licence",
        "B-1",
        "--expires",
        "2030-01-01",
    ]
    refused = runner.invoke(cli, [*base, "--jurisdiction", "NARNIA"])
    assert refused.exit_code == 1
    assert refused.output == f"Error: credential: unknown jurisdiction 'NARNIA'. {FORMS}\n"
    stored = runner.invoke(cli, [*base, "--jurisdiction", "de", "--jurisdiction", "us_ca"])
    assert (
        stored.output == "ana@example.com may now review legal in EU-DE, US-CA until 2030-01-01\n"
    )


def test_when_a_policy_says_de_then_it_applies_to_tickets_from_eu_de(tmp_path: Path) -> None:
    (tmp_path / "legal.yaml").write_text(
        "version: 1\nowner: compliance@example.com\ndomain: legal\njurisdictions: [de]\n"
        "rules:\n  - {id: rent, type: terms, terms: [withhold rent]}\n",
        encoding="utf-8",
    )
    policies = load_policies(tmp_path)
    assert [p.domain for p in policies.applicable("EU-DE")] == ["legal"]
    assert [p.domain for p in policies.applicable("DE")] == ["legal"]
    assert policies.applicable("EU-FR") == []
