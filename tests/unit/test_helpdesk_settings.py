"""Per-tenant helpdesk settings: encrypted at rest, masked whenever shown."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from backend import migrate, services
from backend.connectors.settings import HelpdeskSettings, HelpdeskSettingsStore
from backend.db import db
from backend.errors import ConfigError, InputError
from backend.models import HelpdeskConnection

TOKEN, WEBHOOK, APP_SECRET = "zd-token-7c1e", "whsec-3b9d", "app-secret-55aa"
ACME = HelpdeskSettings(
    tenant="acme",
    platform="zendesk",
    host="acme",
    email="bot@acme.test",
    api_token=TOKEN,
    app_public_key="-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n",
    app_audience="https://precedent.acme.test/zendesk",
    webhook_secret=WEBHOOK,
)


def store(key: str = "k1") -> HelpdeskSettingsStore:
    return HelpdeskSettingsStore(services._sessions(), key)  # noqa: SLF001 - the app's sessions


def test_when_settings_are_saved_then_they_come_back_but_the_row_holds_no_secret(
    app: Flask,
) -> None:
    store().save(ACME)

    assert store().load("acme") == ACME
    with db.session() as session:
        row = session.scalars(select(HelpdeskConnection)).one()
        stored = " ".join(str(getattr(row, c.key)) for c in HelpdeskConnection.__table__.columns)
    assert (row.platform, row.host) == ("zendesk", "acme")
    for secret in (TOKEN, WEBHOOK, "bot@acme.test", "BEGIN PUBLIC KEY"):
        assert secret not in stored


def test_when_settings_are_shown_or_logged_then_secrets_are_masked(caplog: Any) -> None:
    shown = ACME.public()
    assert (shown["api_token"], shown["webhook_secret"], shown["app_secret"]) == (
        "********",
        "********",
        "",  # not set: nothing to hide, and the reader sees it is missing
    )
    assert shown["host"] == "acme"
    logging.getLogger("test").warning("connected %s", ACME)
    for text in (repr(ACME), str(ACME), f"{ACME}", caplog.text):
        assert TOKEN not in text and WEBHOOK not in text
        assert "api_token='********'" in text


def test_when_a_tenant_reconnects_then_its_settings_are_replaced(app: Flask) -> None:
    store().save(ACME)
    fresh = HelpdeskSettings(
        tenant="acme", platform="freshdesk", host="acme.freshdesk.com", app_secret=APP_SECRET
    )
    store().save(fresh)
    assert store().load("acme") == fresh
    assert store().find("freshdesk", "acme.freshdesk.com") == fresh
    assert store().find("zendesk", "acme") is None


def test_when_nothing_is_stored_or_the_key_changed_then_the_error_says_what_to_do(
    app: Flask,
) -> None:
    with pytest.raises(ConfigError, match="no helpdesk is connected for tenant 'globex'"):
        store().load("globex")
    store().save(ACME)
    with pytest.raises(ConfigError) as caught:
        store(key="rotated").load("acme")
    assert "cannot be decrypted" in caught.value.message and TOKEN not in caught.value.message


def test_when_the_platform_is_unknown_then_the_valid_ones_are_listed() -> None:
    with pytest.raises(InputError, match="Valid platforms are: zendesk, freshdesk"):
        HelpdeskSettings(tenant="a", platform="helpscout", host="a")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "api_url",
    [
        "https://zendesk-proxy.example.com",
        "https://proxy.example.com/zendesk/",
        "http://127.0.0.1:8080",
        "http://localhost:9000",
    ],
)
def test_when_api_url_is_https_or_a_local_http_server_then_it_is_kept(api_url: str) -> None:
    assert replace(ACME, api_url=api_url).api_url == api_url


@pytest.mark.parametrize(
    ("api_url", "message"),
    [
        ("http://zendesk-proxy.example.com", "plain http is allowed only on localhost"),
        ("http://127.0.0.2:8080", "plain http is allowed only on localhost"),
        ("ftp://127.0.0.1", "is not a base URL"),
        ("127.0.0.1:8080", "is not a base URL"),
        ("https://proxy.example.com/?x=1", "is not a base URL"),
        ("http://localhost:port", "is not a base URL"),
    ],
)
def test_when_api_url_is_not_https_nor_local_then_it_is_refused(api_url: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        replace(ACME, api_url=api_url)


def test_when_a_freshdesk_account_names_an_api_url_then_it_is_refused() -> None:
    with pytest.raises(InputError, match="api_url is for Zendesk only"):
        HelpdeskSettings(
            tenant="globex", platform="freshdesk", host="globex.freshdesk.com", api_url="https://x"
        )


def test_the_migration_downgrades_and_upgrades_again(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    migrate.downgrade(url, "0003")
    migrate.upgrade(url)
    store().save(ACME)
    assert store().load("acme") == ACME


FRESH = HelpdeskSettings(
    tenant="fresh", platform="freshdesk", host="fresh.freshdesk.com", app_secret=APP_SECRET
)


def test_a_freshdesk_app_secret_is_found_by_its_keyed_digest_not_by_decrypting_every_account(
    app: Flask,
) -> None:
    store().save(FRESH)
    store().save(replace(FRESH, tenant="other", host="other.freshdesk.com", app_secret="s-2"))
    with db.session() as session:
        digests = set(session.scalars(select(HelpdeskConnection.app_secret_digest)))
    assert len(digests) == 2 and APP_SECRET not in " ".join(map(str, digests))

    assert store().freshdesk_candidates(APP_SECRET) == ["fresh"]
    assert store().freshdesk_candidates("guessed") == []
    assert store("another key").freshdesk_candidates(APP_SECRET) == []  # the key makes the digest


def test_an_account_stored_before_digests_is_still_a_candidate(app: Flask) -> None:
    store().save(FRESH)
    with db.session() as session:
        session.execute(update(HelpdeskConnection).values(app_secret_digest=None))

    assert store().freshdesk_candidates("anything") == ["fresh"]
    store().save(FRESH)  # connecting again stores the digest
    assert store().freshdesk_candidates("anything") == []


def test_a_freshdesk_account_without_an_app_secret_is_never_a_candidate(app: Flask) -> None:
    store().save(replace(FRESH, app_secret=""))

    assert store().freshdesk_candidates("") == []
    assert store().freshdesk_candidates("anything") == []
