"""Signed helpdesk identities over HTTP: the Zendesk signed URL, app tokens, Freshdesk
installation secrets, webhooks and pre-drafting."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from backend.auth import app_tokens
from backend.auth.identity import THROTTLE, RefusalThrottle
from backend.db import db
from backend.models import AuditEvent, Draft, HelpdeskConnection, Tenant
from tests.helpdesk_accounts import (
    FRESHDESK_APP_SECRET,
    FRESHDESK_WEBHOOK_SECRET,
    OTHER_KEY,
    app_token,
    connect_helpdesks,
    queued_messages,
    ready_draft,
    signed,
    tampered,
    zaf_token,
)

SIDEBAR = "/apps/zendesk/sidebar"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    connect_helpdesks(app)
    return app.test_client()


def events(tenant: str) -> list[AuditEvent]:
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent).join(Tenant).where(Tenant.slug == tenant).order_by(AuditEvent.id)
            )
        )


def drafts() -> list[tuple[str, str]]:
    with db.session() as session:
        rows = session.execute(select(Tenant.slug, Draft.ticket_id).join(Tenant))
        return [(slug, ticket_id) for slug, ticket_id in rows]


def awaiting_pickup() -> list[bool]:
    with db.session() as session:
        return list(session.scalars(select(Draft.awaiting_pickup)))


def page_token(html: str) -> str:
    found = re.search(r'data-api-token="([^"]*)"', html)
    assert found is not None
    return found.group(1)


# --- Zendesk signed URL -----------------------------------------------------------------


def test_when_zendesk_posts_a_valid_jwt_then_the_page_carries_a_token_for_the_drafts_api(
    client: FlaskClient, app: Flask
) -> None:
    response = client.post(SIDEBAR, data={"token": zaf_token()})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = page_token(response.get_data(as_text=True))
    assert token

    bearer = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/drafts", json={"ticket_id": "N-1"}, headers=bearer)
    assert created.status_code == 202
    assert drafts() == [("acme", "N-1")]
    read = client.get(created.get_json()["links"]["self"], headers=bearer)
    assert read.status_code == 200
    signed_in = [e for e in events("acme") if e.action == "app.signed_in"]
    assert signed_in[0].actor == "agent:9001"
    assert signed_in[0].details["location"] == "ticket_sidebar"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: zaf_token(iat=int(time.time()) - 900, exp=int(time.time()) - 600), "expired"),
        (lambda: zaf_token(aud="https://elsewhere.test/#installation-1"), "wrong audience"),
        (lambda: zaf_token(OTHER_KEY), "bad signature"),
        (tampered, "bad signature"),
    ],
)
def test_when_the_jwt_is_bad_then_401_with_the_reason_and_an_audit_event(
    client: FlaskClient, token: Any, reason: str
) -> None:
    response = client.post(SIDEBAR, data={"token": token()})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Precedent could not sign you in" in page and reason in page
    assert "data-api-token" not in page
    refused = events("acme")[-1]
    assert refused.action == "app.signin_refused"
    assert reason in refused.details["reason"]


def test_when_no_token_or_an_unknown_account_then_401_audited_for_the_default_tenant(
    client: FlaskClient,
) -> None:
    missing = client.post(SIDEBAR, data={})
    assert missing.status_code == 401
    assert "no token was sent" in missing.get_data(as_text=True)
    stranger = client.post(SIDEBAR, data={"token": zaf_token(iss="other.zendesk.com")})
    assert stranger.status_code == 401
    assert "no Precedent tenant is connected to other.zendesk.com" in stranger.get_data(
        as_text=True
    )
    assert [e.action for e in events("demo")] == ["app.signin_refused"] * 2


def test_when_the_stored_account_cannot_be_decrypted_then_the_page_says_so(app: Flask) -> None:
    from backend.connectors.settings import HelpdeskSettings, HelpdeskSettingsStore

    other_key = HelpdeskSettingsStore.from_config({**app.config, "SECRET_KEY": "rotated"})
    other_key.save(HelpdeskSettings(tenant="acme", platform="zendesk", host="acme"))
    response = app.test_client().post(SIDEBAR, data={"token": zaf_token()})
    assert response.status_code == 401
    assert "cannot be decrypted" in html.unescape(response.get_data(as_text=True))


def test_the_unsigned_page_works_only_while_no_helpdesk_is_connected(app: Flask) -> None:
    client = app.test_client()
    open_page = client.get(SIDEBAR)
    assert open_page.status_code == 200 and page_token(open_page.get_data(as_text=True)) == ""
    connect_helpdesks(app)
    refused = client.get(SIDEBAR)
    assert refused.status_code == 401
    assert "needs Zendesk's signed request" in html.unescape(refused.get_data(as_text=True))


def test_on_the_development_secret_key_the_signed_page_gets_no_app_token(
    tmp_path: Path,
) -> None:
    from backend import create_app, migrate
    from backend.production import DEV_SECRET
    from tests.conftest import app_config

    dev = create_app(app_config(tmp_path, SECRET_KEY=DEV_SECRET))
    migrate.upgrade(dev.config["DATABASE_URL"])
    with dev.app_context():
        connect_helpdesks(dev)
        response = dev.test_client().post(SIDEBAR, data={"token": zaf_token()})
    assert response.status_code == 401
    page = html.unescape(response.get_data(as_text=True))
    assert "PRECEDENT_SECRET_KEY is not set" in page and "data-api-token" not in page


def test_the_production_profile_never_serves_the_app_api_unauthenticated(app: Flask) -> None:
    app.config["PROFILE"] = "production"  # settings as validated; no helpdesk connected yet
    response = app.test_client().get("/api/v1/tickets")
    assert response.status_code == 401
    assert "no helpdesk is connected" in response.get_json()["error"]["message"]
    assert events("demo")[-1].action == "auth.rejected"


# --- the app API --------------------------------------------------------------------------


def test_a_token_for_one_tenant_never_reads_another_tenants_draft(
    client: FlaskClient, app: Flask
) -> None:
    theirs = ready_draft("globex", "N-1", "Globex's draft.")
    ours = ready_draft("acme", "N-1", "Acme's draft.")
    acme = app_token(app, "acme")
    assert client.get(f"/api/v1/drafts/{ours}", headers=acme).status_code == 200
    stolen = client.get(f"/api/v1/drafts/{theirs}", headers=acme)
    assert stolen.status_code == 404
    assert stolen.get_json()["error"]["code"] == "draft_not_found"
    assert client.post(f"/api/v1/drafts/{theirs}/insert", headers=acme).status_code == 404
    outcome = client.post(f"/api/v1/drafts/{theirs}/outcome", headers=acme, json={"rating": "up"})
    assert outcome.status_code == 404


def test_the_freshdesk_installation_secret_names_its_tenant(
    client: FlaskClient, app: Flask
) -> None:
    secret = {"X-Precedent-App-Secret": FRESHDESK_APP_SECRET}
    created = client.post("/api/v1/drafts", json={"ticket_id": "N-2"}, headers=secret)
    assert created.status_code == 202
    assert drafts() == [("globex", "N-2")]
    acme_draft = ready_draft("acme", "N-3", "Acme only.")
    assert client.get(f"/api/v1/drafts/{acme_draft}", headers=secret).status_code == 404


def test_a_freshdesk_tenant_whose_settings_no_longer_decrypt_locks_out_no_one(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    from backend.connectors.settings import HelpdeskSettings, HelpdeskSettingsStore

    rotated = HelpdeskSettingsStore.from_config({**app.config, "SECRET_KEY": "rotated"})
    rotated.save(
        HelpdeskSettings(
            tenant="initech", platform="freshdesk", host="initech.freshdesk.com", app_secret="x"
        )
    )
    with db.session() as session:  # stored before digests were kept, so it is decrypted
        session.execute(update(HelpdeskConnection).values(app_secret_digest=None))
    connect_helpdesks(app)
    client = app.test_client()
    secret = {"X-Precedent-App-Secret": FRESHDESK_APP_SECRET}
    assert client.get("/api/v1/tickets", headers=secret).status_code == 200
    guess = client.get("/api/v1/tickets", headers={"X-Precedent-App-Secret": "guess"})
    assert guess.status_code == 401
    assert "initech" not in guess.get_data(as_text=True)
    assert "Freshdesk tenant 'initech'" in caplog.text


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "sign in through the helpdesk app"),
        ({"Authorization": "Bearer not.atoken"}, "app token rejected"),
        ({"X-Precedent-App-Secret": "guess"}, "matches no connected Freshdesk account"),
    ],
)
def test_once_a_helpdesk_is_connected_the_api_needs_a_credential(
    client: FlaskClient, headers: dict[str, str], message: str
) -> None:
    response = client.post("/api/v1/drafts", json={"ticket_id": "N-1"}, headers=headers)
    assert response.status_code == 401
    assert message in response.get_json()["error"]["message"]
    assert client.get("/api/v1/tickets", headers=headers).status_code == 401
    assert drafts() == []
    assert events("demo")[-1].action == "auth.rejected"


def test_an_expired_app_token_is_refused(client: FlaskClient, app: Flask) -> None:
    old = app_tokens.issue(str(app.config["SECRET_KEY"]), "acme", "9001", now=time.time() - 3600)
    response = client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {old}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == (
        "app token rejected: expired; reload the app to sign in again"
    )


# --- webhooks and pre-drafting --------------------------------------------------------------


def created_event(ticket_id: str = "N-2") -> bytes:
    return json.dumps({"event": "ticket_created", "ticket_id": ticket_id}).encode()


def test_a_signed_ticket_created_webhook_pre_drafts_and_the_sidebar_gets_that_draft(
    client: FlaskClient, app: Flask
) -> None:
    body = created_event()
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert response.status_code == 202
    result = response.get_json()
    assert result["result"] == "draft_queued"
    assert drafts() == [("acme", "N-2")] and awaiting_pickup() == [True]
    assert len(queued_messages(app)) == 1  # the task was really sent

    opened = client.post(
        "/api/v1/drafts", json={"ticket_id": "N-2"}, headers=app_token(app, "acme")
    )
    assert opened.get_json()["id"] == result["draft_id"]
    assert awaiting_pickup() == [False]
    assert len(queued_messages(app)) == 1
    actions = [e.action for e in events("acme")]
    assert actions == ["draft.requested", "webhook.received", "draft.picked_up"]


def test_a_crash_right_after_the_pre_draft_is_saved_leaves_it_awaiting_pickup(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backend.drafts import DraftStore

    saved = DraftStore.request

    def save_then_crash(self: DraftStore, *args: Any, **kwargs: Any) -> Any:
        saved(self, *args, **kwargs)
        raise SystemExit("worker killed")

    monkeypatch.setattr(DraftStore, "request", save_then_crash)
    body = created_event()
    with pytest.raises(SystemExit):
        client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert drafts() == [("acme", "N-2")] and awaiting_pickup() == [True]


def test_a_ticket_that_already_has_a_draft_is_not_drafted_again(
    client: FlaskClient, app: Flask
) -> None:
    existing = ready_draft("acme", "N-2", "Drafted when the agent opened it.")
    body = created_event()
    for _ in range(2):  # Zendesk may deliver a webhook more than once
        response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
        assert response.get_json()["result"] == "draft_exists"
        assert response.get_json()["draft_id"] == existing
    assert drafts() == [("acme", "N-2")] and queued_messages(app) == []


def test_the_signature_is_checked_on_the_raw_bytes(client: FlaskClient) -> None:
    body = b'{"ticket_id":  "N-2",   "event": "ticket_created"}'  # not re-serialisable
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert response.status_code == 202


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h: {**h, "X-Zendesk-Webhook-Signature": "AAAA"}, "bad signature"),
        (
            lambda h: {k: v for k, v in h.items() if k != "X-Zendesk-Webhook-Signature"},
            "missing X-Zendesk-Webhook-Signature",
        ),
        (lambda h: signed(created_event(), str(int(time.time()) - 3600)), "replay window"),
        (lambda h: {**h, "X-Zendesk-Webhook-Signature-Timestamp": "1"}, "bad signature"),
    ],
)
def test_when_a_zendesk_webhook_is_not_signed_right_then_401_audited_and_nothing_done(
    client: FlaskClient, app: Flask, change: Any, reason: str
) -> None:
    body = created_event()
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=change(signed(body)))
    assert response.status_code == 401
    assert reason in response.get_json()["error"]["message"]
    assert drafts() == [] and queued_messages(app) == []
    rejected = events("acme")[-1]
    assert (rejected.action, rejected.actor) == ("webhook.rejected", "webhook:zendesk")
    assert reason in rejected.details["reason"]


def test_an_oversized_webhook_body_is_refused_with_413_before_anything_is_done(
    client: FlaskClient, app: Flask
) -> None:
    padding = "x" * (2 * 1024 * 1024)
    body = json.dumps({"event": "ticket_created", "ticket_id": "N-2", "pad": padding}).encode()
    response = client.post("/api/v1/webhooks/zendesk/acme", data=body, headers=signed(body))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert drafts() == [] and queued_messages(app) == []
    assert [e.action for e in events("acme")] == []


def test_a_freshdesk_webhook_needs_its_shared_secret(client: FlaskClient, app: Flask) -> None:
    url, body = "/api/v1/webhooks/freshdesk/globex", created_event("N-3")
    for headers in ({}, {"X-Precedent-Webhook-Secret": "wrong"}):
        response = client.post(url, data=body, headers=headers)
        assert response.status_code == 401
    assert drafts() == [] and queued_messages(app) == []
    assert [e.action for e in events("globex")] == ["webhook.rejected"] * 2

    good = client.post(
        url, data=body, headers={"X-Precedent-Webhook-Secret": FRESHDESK_WEBHOOK_SECRET}
    )
    assert good.status_code == 202
    assert drafts() == [("globex", "N-3")] and awaiting_pickup() == [True]


def test_a_webhook_for_the_wrong_platform_or_an_unknown_tenant_is_refused(
    client: FlaskClient,
) -> None:
    body = created_event()
    wrong = client.post("/api/v1/webhooks/zendesk/globex", data=body, headers=signed(body))
    assert wrong.status_code == 401
    assert (
        "tenant 'globex' has no Zendesk account connected" in wrong.get_json()["error"]["message"]
    )
    unknown = client.post("/api/v1/webhooks/zendesk/nobody", data=body, headers=signed(body))
    assert unknown.status_code == 401
    assert events("demo")[-1].details["claimed_tenant"] == "nobody"
    with db.session() as session:
        assert session.scalars(select(Tenant).where(Tenant.slug == "nobody")).first() is None


def test_an_open_sidebar_renews_its_app_token_and_the_new_one_works(
    client: FlaskClient, app: Flask
) -> None:
    renewed = client.post("/api/v1/app/token", headers=app_token(app, "acme"))
    assert renewed.status_code == 200
    body = renewed.get_json()
    assert body["expires_in"] == 900
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200
    assert events("acme")[-1].action == "app.token_renewed"


def test_an_expired_or_missing_app_token_cannot_be_renewed(client: FlaskClient, app: Flask) -> None:
    expired = app_tokens.issue(
        str(app.config["SECRET_KEY"]), "acme", "9001", now=time.time() - 3600
    )
    response = client.post("/api/v1/app/token", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == (
        "app token rejected: expired; reload the app to sign in again"
    )
    secret = {"X-Precedent-App-Secret": FRESHDESK_APP_SECRET}
    refused = client.post("/api/v1/app/token", headers=secret)
    assert refused.status_code == 400
    assert "only an app token" in refused.get_json()["error"]["message"]


def renew(client: FlaskClient, token: str) -> Any:
    return client.post("/api/v1/app/token", headers={"Authorization": f"Bearer {token}"})


def test_a_renewed_token_keeps_the_sign_in_time_and_renewal_stops_after_12_hours(
    client: FlaskClient, app: Flask
) -> None:
    secret = str(app.config["SECRET_KEY"])
    signed_in = int(time.time()) - 11 * 3600
    token = app_tokens.issue(secret, "acme", "9001", auth_time=signed_in)
    renewed = renew(client, token)
    assert renewed.status_code == 200
    assert app_tokens.verify(secret, renewed.get_json()["token"]).auth_time == signed_in

    stale = app_tokens.issue(secret, "acme", "9001", auth_time=int(time.time()) - 13 * 3600)
    refused = renew(client, stale)
    assert refused.status_code == 401
    message = refused.get_json()["error"]["message"]
    assert "more than 12 hours old" in message and "sign in again through Zendesk" in message
    assert events("acme")[-1].action == "auth.rejected"
    assert client.get("/api/v1/tickets", headers=app_token(app, "acme")).status_code == 200


def test_a_token_without_a_sign_in_time_is_not_renewed(client: FlaskClient, app: Flask) -> None:
    import jwt

    from backend.crypto import derive, key_id

    secret = str(app.config["SECRET_KEY"])
    now = int(time.time())
    claims: dict[str, object] = {"iss": "precedent", "aud": "precedent-app", "sub": "9001"}
    claims.update(tenant="acme", iat=now, exp=now + 900)
    key, kid = derive(secret, "app token"), key_id(secret)
    old = jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid})  # no auth_time
    headers = {"Authorization": f"Bearer {old}"}
    assert client.get("/api/v1/tickets", headers=headers).status_code == 200  # still valid
    refused = renew(client, old)
    assert refused.status_code == 401
    assert "it carries no sign-in time" in refused.get_json()["error"]["message"]


def test_a_token_is_not_renewed_once_its_tenant_has_no_zendesk_connected(
    client: FlaskClient, app: Flask
) -> None:
    from backend.models import HelpdeskConnection

    token = app_token(app, "acme")["Authorization"].removeprefix("Bearer ")
    with db.session() as session:
        acme = session.scalars(select(Tenant.id).where(Tenant.slug == "acme")).one()
        connection = session.scalars(
            select(HelpdeskConnection).where(HelpdeskConnection.tenant_id == acme)
        ).one()
        session.delete(connection)
    refused = renew(client, token)
    assert refused.status_code == 401
    assert (
        "tenant 'acme' no longer has a Zendesk account connected"
        in (refused.get_json()["error"]["message"])
    )


def test_a_flood_of_refusals_is_counted_not_written_one_by_one(
    client: FlaskClient, app: Flask
) -> None:
    now = [0.0]
    app.extensions[THROTTLE] = RefusalThrottle(limit=3, window=60.0, clock=lambda: now[0])
    for _ in range(5):
        assert client.post(SIDEBAR, data={}).status_code == 401
    assert [e.action for e in events("demo")] == ["app.signin_refused"] * 3

    now[0] = 61.0
    assert client.post(SIDEBAR, data={}).status_code == 401
    written = events("demo")
    assert len(written) == 4
    assert written[-1].details["refusals_not_recorded"] == 2
    assert "refusals_not_recorded" not in written[0].details


def test_the_refusal_limit_is_per_tenant_action_and_actor() -> None:
    throttle = RefusalThrottle(limit=1, window=60.0, clock=lambda: 0.0)
    assert throttle.admit(("acme", "auth.rejected", "anonymous")) == 0
    assert throttle.admit(("acme", "auth.rejected", "anonymous")) is None
    assert throttle.admit(("acme", "auth.rejected", "agent:7")) == 0  # not hidden by a flood
    assert throttle.admit(("acme", "webhook.rejected", "anonymous")) == 0
    assert throttle.admit(("globex", "auth.rejected", "anonymous")) == 0
