"""Field rules every search index applies the same way: tenant names, keywords, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from backend.errors import ConfigError, InputError

TENANT_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def check_tenant(tenant: str) -> str:
    """The tenant, if it is safe as a table or Weaviate tenant name."""
    if not TENANT_SLUG.match(tenant):
        raise ConfigError(f"tenant '{tenant}' is not a valid slug (a-z, 0-9, - and _)")
    return tenant


def keywords(text: str) -> str:
    """The plain words of a redacted query: placeholders and punctuation are noise to BM25."""
    words = re.findall(r"[^\W_]{2,}", re.sub(r"<[A-Z_0-9]+>", " ", text))
    return " ".join(words)


def timestamp(value: str, what: str = "date") -> datetime | None:
    """An ISO 8601 date or time as an aware UTC datetime; empty means undated.

    A time without a zone is taken as UTC, as helpdesk exports write it.
    """
    if not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            f"{what} '{value}' is not an ISO 8601 date or time, e.g. 2026-03-02T10:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def utc_text(moment: datetime | None) -> str:
    """Fixed-width UTC text, so comparing strings compares times; empty when undated."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""
