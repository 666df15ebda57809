"""The notifier's settings, checked at start-up: a chosen notifier must be able to deliver."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from backend.errors import ConfigError

PREFIX = "PRECEDENT_"


@dataclass(frozen=True)
class NotifySettings:
    notifier: str
    webhook_url: str
    review_url: str
    digest_minutes: int
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str = ""  # never shown: see __repr__
    smtp_from: str = ""

    def __repr__(self) -> str:
        return f"NotifySettings(notifier={self.notifier!r}, webhook={masked_url(self.webhook_url)})"


def from_config(config: Mapping[str, Any]) -> NotifySettings:
    return NotifySettings(
        notifier=str(config["NOTIFY"]),
        webhook_url=str(config["NOTIFY_WEBHOOK_URL"]),
        review_url=str(config["NOTIFY_REVIEW_URL"]),
        digest_minutes=int(config["NOTIFY_DIGEST_MINUTES"]),
        smtp_host=str(config["SMTP_HOST"]),
        smtp_port=int(config["SMTP_PORT"]),
        smtp_user=str(config["SMTP_USER"]),
        smtp_password=str(config["SMTP_PASSWORD"]),
        smtp_from=str(config["SMTP_FROM"]),
    )


def masked_url(url: str) -> str:
    """Scheme and host only: a webhook URL's path or query often is its secret."""
    if not url:
        return "(not set)"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"


def check(config: Mapping[str, Any]) -> None:
    """Refuse settings that could never deliver, naming what is missing."""
    chosen = from_config(config)
    if chosen.digest_minutes < 0:
        raise ConfigError(
            f"{PREFIX}NOTIFY_DIGEST_MINUTES must be 0 (a notice per item) or more, "
            f"got {chosen.digest_minutes}"
        )
    if int(config["REVIEWER_EXPIRY_WARN_DAYS"]) < 0:
        raise ConfigError(
            f"{PREFIX}REVIEWER_EXPIRY_WARN_DAYS must be 0 or more, "
            f"got {config['REVIEWER_EXPIRY_WARN_DAYS']}"
        )
    if chosen.notifier == "webhook":
        _check_webhook(chosen.webhook_url)
    if chosen.notifier == "smtp":
        missing = [n for n in ("SMTP_HOST", "SMTP_FROM") if not config[n]]
        if missing:
            names = " and ".join(PREFIX + n for n in missing)
            raise ConfigError(f"{PREFIX}NOTIFY 'smtp' needs {names}")


def _check_webhook(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{PREFIX}NOTIFY 'webhook' needs {PREFIX}NOTIFY_WEBHOOK_URL, an http(s) URL such as "
            f"https://hooks.example.com/precedent; got {masked_url(url)}"
        )
