"""The production profile (``PRECEDENT_PROFILE=production``): real engines or no start.

The embedded defaults (SQLite, a file queue, LanceDB, a dev secret) are what make
``make demo`` work anywhere; in production each of them is a mistake that would only show up
later, under load or after a restart. So the profile refuses to start, with one message listing
every problem, when a required setting is missing or a configured service does not answer.

Settings are checked in ``config.validate`` (no network); services are probed by
``check_services``, which the web entry point and ``precedent worker|serve`` call at start-up.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from backend.errors import ConfigError

DEV_SECRET = "dev-only-change-me"
PROBE_SECONDS = 5


def settings_problems(config: Mapping[str, Any]) -> list[str]:
    """What keeps these settings from being a production deployment (empty when none)."""
    problems = []
    if not config["BROKER_URL"].startswith(("redis://", "rediss://")):
        problems.append("PRECEDENT_BROKER_URL must be a redis:// or rediss:// URL")
    if not config["DATABASE_URL"].startswith("postgresql"):
        problems.append("PRECEDENT_DATABASE_URL must be a postgresql:// URL")
    if config["SECRET_KEY"] in ("", DEV_SECRET):
        problems.append("PRECEDENT_SECRET_KEY must be set to a long random value")
    if not config["VAULT_KEY"]:
        problems.append("PRECEDENT_VAULT_KEY must be set (it encrypts placeholder values)")
    if not config["AUDIT_KEY"]:
        problems.append("PRECEDENT_AUDIT_KEY must be set (it keys the audit chain)")
    if config["INDEX"] == "weaviate" and not config.get("WEAVIATE_URL"):
        problems.append("PRECEDENT_WEAVIATE_URL must be set when PRECEDENT_INDEX=weaviate")
    return problems


def check_settings(config: Mapping[str, Any]) -> None:
    if config["PROFILE"] == "production":
        _refuse(settings_problems(config))


def check_services(config: Mapping[str, Any]) -> None:
    """Probe the broker, the database and the search index; raise naming each one down."""
    if config["PROFILE"] != "production":
        return
    probes: dict[str, Callable[[Mapping[str, Any]], None]] = {
        "broker (PRECEDENT_BROKER_URL)": _probe_broker,
        "database (PRECEDENT_DATABASE_URL)": _probe_database,
    }
    if config["INDEX"] == "weaviate":
        probes["Weaviate (PRECEDENT_WEAVIATE_URL)"] = _probe_weaviate
    problems = []
    for name, probe in probes.items():
        try:
            probe(config)
        except Exception as exc:  # any failure to answer is the same finding: unreachable
            problems.append(f"{name} is unreachable: {_reason(exc)}")
    _refuse(problems)


def _refuse(problems: list[str]) -> None:
    if problems:
        listed = "\n  - ".join(problems)
        raise ConfigError(f"the production profile cannot start:\n  - {listed}")


def _probe_broker(config: Mapping[str, Any]) -> None:
    from kombu.connection import Connection

    broker = Connection(config["BROKER_URL"], connect_timeout=PROBE_SECONDS)  # type: ignore[no-untyped-call]
    with broker as connection:
        connection.ensure_connection(max_retries=1, timeout=PROBE_SECONDS)


def _probe_database(config: Mapping[str, Any]) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(config["DATABASE_URL"], connect_args={"connect_timeout": PROBE_SECONDS})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()


def _probe_weaviate(config: Mapping[str, Any]) -> None:
    url = config["WEAVIATE_URL"].rstrip("/") + "/v1/.well-known/ready"
    with urllib.request.urlopen(url, timeout=PROBE_SECONDS) as response:  # noqa: S310
        if response.status != 200:
            raise ConnectionError(f"HTTP {response.status} from {url}")


def _reason(exc: Exception) -> str:
    # Driver messages can carry the URL with its password; keep only the first line, masked.
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return _mask_passwords(first_line)[:200]


def _mask_passwords(text: str) -> str:
    # user:password@ and Redis's user-less :password@
    return re.sub(r"(://[^:/@\s]*:)[^@\s]+@", r"\1***@", text)
