"""schemathesis over /api/v1/openapi.json: no server error from generated requests.

The app runs as the production profile runs it (PostgreSQL, Redis as the broker, a real
secret, vault and audit key), called in-process through WSGI so 2,000 cases fit in a couple
of minutes on two cores. Each operation gets its credential (app token, reviewer token,
admin token, a signed Zendesk body, the Freshdesk secret) and, half the time, the id of a
row that exists, so generated bodies reach the database rather than a 401 or a 404.

Positive and negative cases (schemathesis's two generation modes) are drawn per operation
with a fixed seed (FUZZ_SEED to vary it) and no shrinking; every 5xx except a 503 carrying
Retry-After is collected, and the test fails listing one case per distinct failure.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from backend import create_app, migrate, services
from backend.auth import app_tokens
from backend.auth.webhooks import zendesk_signature
from tests.conftest import FIXTURES
from tests.helpdesk_accounts import (
    FRESHDESK_WEBHOOK_SECRET,
    ZENDESK_WEBHOOK_SECRET,
    connect_helpdesks,
    ready_draft,
)

pytestmark = pytest.mark.integration
ADMIN_TOKEN = "fuzz-admin-token"
EXAMPLES_PER_OPERATION = 200  # operations with inputs; the others have a handful of cases
MIN_CASES = 2000
GATE = {"domains": ["insurance"], "jurisdiction": "US-CA", "rules": []}
GATED = 30  # review items: each decision settles one, later ones answer 409


@dataclass
class Seeded:
    """Rows that exist, and the credentials that reach them."""

    headers: dict[str, dict[str, str]]
    path_ids: dict[str, list[Any]]


@dataclass
class Tally:
    cases: int = 0
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    failures: dict[tuple[str, int, str], str] = field(default_factory=dict)


class SignZendesk:
    """The Zendesk side of a webhook: sign the raw body as sent, whatever was generated."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO", "").startswith("/api/v1/webhooks/zendesk/"):
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            stamp = str(int(time.time()))
            signature = zendesk_signature(ZENDESK_WEBHOOK_SECRET, stamp, body)
            environ["HTTP_X_ZENDESK_WEBHOOK_SIGNATURE"] = signature
            environ["HTTP_X_ZENDESK_WEBHOOK_SIGNATURE_TIMESTAMP"] = stamp
            environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)


@pytest.fixture
def production_app(tmp_path: Path, redis_url: str, postgres_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "PROFILE": "production",
            "BROKER_URL": redis_url,
            "DATABASE_URL": postgres_url,
            "SECRET_KEY": "fuzz-secret-key",
            "VAULT_KEY": "fuzz-vault-key",
            "AUDIT_KEY": "fuzz-audit-key",
            "DATA_DIR": str(tmp_path / "var"),
            "INDEX": "lancedb",
            "FILES_INBOX": str(FIXTURES / "inbox.jsonl"),
            "ADMIN_TOKEN": ADMIN_TOKEN,
            "DRAFT_EVENTS_SECONDS": 1,
        }
    )
    migrate.upgrade(app.config["DATABASE_URL"])
    app.wsgi_app = SignZendesk(app.wsgi_app)  # type: ignore[method-assign]
    with app.app_context():
        services.get()
        yield app


def seed_rows(app: Flask) -> Seeded:
    connect_helpdesks(app)
    clear = ready_draft("demo", "N-1", "Restart the router and switch band [1].")
    gated = [
        ready_draft("demo", "N-3", "It is covered under your policy.", GATE) for _ in range(GATED)
    ]
    client = app.test_client()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    added = client.post(
        "/api/v1/admin/reviewers", headers=admin, json={"name": "Ana", "email": "ana@example.com"}
    ).get_json()
    reviewer_id = added["reviewer"]["id"]
    credential = {
        "domain": "insurance",
        "jurisdictions": ["US-CA"],
        "licence_id": "0G12345",
        "expires_on": (date.today() + timedelta(days=365)).isoformat(),
    }
    client.post(
        f"/api/v1/admin/reviewers/{reviewer_id}/credentials", headers=admin, json=credential
    )
    reviews = client.get(
        "/api/v1/reviews", headers={"Authorization": f"Bearer {added['token']}"}
    ).get_json()["reviews"]
    app_token = app_tokens.issue(str(app.config["SECRET_KEY"]), "demo", "9001")
    return Seeded(
        headers={
            "appToken": {"Authorization": f"Bearer {app_token}"},
            "reviewerToken": {"Authorization": f"Bearer {added['token']}"},
            "adminToken": admin,
            "freshdeskWebhookSecret": {"X-Precedent-Webhook-Secret": FRESHDESK_WEBHOOK_SECRET},
            "zendeskWebhookSignature": {},  # SignZendesk signs the body
        },
        path_ids={
            "draft_id": [clear, *gated[:2]],
            "item_id": [r["id"] for r in reviews],
            "reviewer_id": [reviewer_id],
            "ticket_id": ["N-1", "N-3"],
            "tenant": [],  # per platform: fixed_ids
        },
    )


def credentials(operation: Any, seeded: Seeded) -> dict[str, str]:
    schemes = [name for option in operation.definition.raw.get("security", []) for name in option]
    headers: dict[str, str] = {}
    for scheme in schemes[:1]:
        headers.update(seeded.headers.get(scheme, {}))
    return headers


def strategy(operation: Any, seeded: Seeded) -> st.SearchStrategy[Any]:
    fixed = {n: st.sampled_from(ids) for n, ids in fixed_ids(operation, seeded).items() if ids}
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    drawn = [operation.as_strategy(generation_mode=mode) for mode in modes]
    if fixed:
        drawn += [
            st.fixed_dictionaries(fixed).flatmap(
                lambda ids, mode=mode: operation.as_strategy(
                    generation_mode=mode, path_parameters=ids
                )
            )
            for mode in modes
        ]
    return st.one_of(drawn)


def fixed_ids(operation: Any, seeded: Seeded) -> dict[str, list[Any]]:
    ids = {p.name: seeded.path_ids.get(p.name, []) for p in operation.path_parameters}
    if "tenant" in ids:
        ids["tenant"] = ["acme" if "/zendesk/" in operation.path else "globex"]
    return ids


def run_operation(operation: Any, seeded: Seeded, tally: Tally) -> None:
    headers = credentials(operation, seeded)

    @seed(int(os.environ.get("FUZZ_SEED", "18")))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy(operation, seeded))
    def call(case: Any) -> None:
        case.headers = {**(case.headers or {}), **headers}
        status, detail = send(case)
        tally.cases += 1
        counts = tally.statuses.setdefault(operation.label, {})
        counts[status] = counts.get(status, 0) + 1
        if detail:
            tally.failures.setdefault((operation.label, status, detail), case.as_curl_command())

    call()


def send(case: Any) -> tuple[int, str]:
    """The status, and what went wrong when it is a server error other than a deliberate 503.

    schemathesis's WSGI transport re-raises the view's exception (Flask would answer 500).
    """
    try:
        response = case.call()
    except Exception as exc:  # every unhandled exception is a 500 in production
        return 500, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    deliberate = response.status_code == 503 and response.headers.get("retry-after")
    if response.status_code < 500 or deliberate:
        return response.status_code, ""
    return response.status_code, response.text[:200]


def test_when_generated_requests_hit_every_operation_then_no_server_error(
    production_app: Flask,
) -> None:
    seeded = seed_rows(production_app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", production_app)
    tally = Tally()
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        run_operation(operation, seeded, tally)
    elapsed = time.monotonic() - started
    print(
        f"\nschemathesis: {tally.cases} cases over {len(operations)} operations in {elapsed:.0f} s"
    )
    for label, counts in tally.statuses.items():
        print(f"  {label}: {dict(sorted(counts.items()))}")
    failures = "\n".join(f"{k[0]} -> {k[1]} {k[2]!r}\n  {v}" for k, v in tally.failures.items())
    assert not tally.failures, f"{len(tally.failures)} distinct server errors:\n{failures}"
    assert tally.cases >= MIN_CASES
