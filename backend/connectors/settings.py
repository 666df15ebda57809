"""Per-tenant helpdesk settings, stored encrypted, masked whenever they are shown.

Only the platform and host are kept in clear: incoming calls (a ZAF JWT's issuer, a
webhook's account) are routed by them. Credentials, the app's public key and every shared
secret are one Fernet token (key from settings, as for redaction vaults).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, cast

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.db import db
from backend.errors import ConfigError, InputError
from backend.models import HelpdeskConnection, Tenant, utcnow
from backend.redaction.store import fernet_key
from backend.tenants import ensure_tenant

SessionFactory = Callable[[], AbstractContextManager[Session]]
Platform = Literal["zendesk", "freshdesk"]
PLATFORMS: tuple[Platform, ...] = ("zendesk", "freshdesk")
SECRET_FIELDS = ("api_token", "oauth_token", "app_secret", "webhook_secret")
MASK = "********"


@dataclass(frozen=True)
class HelpdeskSettings:
    """One tenant's helpdesk. Secret fields never show in ``repr``, ``str`` or ``public()``."""

    tenant: str
    platform: Platform
    host: str  # Zendesk subdomain ("acme") or Freshdesk domain ("acme.freshdesk.com")
    email: str = ""  # Zendesk: the agent the API token belongs to
    api_token: str = ""  # Zendesk API token / Freshdesk API key
    oauth_token: str = ""  # Zendesk OAuth access token (instead of email + API token)
    app_public_key: str = ""  # PEM that verifies the ZAF app's signed-URL JWTs
    app_audience: str = ""  # the ``aud`` those JWTs must carry
    app_secret: str = ""  # Freshdesk: the installation secret the app's requests carry
    webhook_secret: str = ""  # Zendesk webhook signing secret / Freshdesk shared header
    # Which ticket custom field holds the customer's location / jurisdiction (insights and
    # the gate): a Zendesk field id ("360012345") or a Freshdesk field name ("cf_store").
    location_field: str = ""
    jurisdiction_field: str = ""

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise InputError(
                f"unknown helpdesk platform '{self.platform}'. "
                f"Valid platforms are: {', '.join(PLATFORMS)}"
            )
        if not self.host.strip():
            raise InputError(f"{self.platform} needs a subdomain or domain")

    def public(self) -> dict[str, str]:
        """For output: secrets replaced by a mask (or empty when not set)."""
        return {k: (MASK if v else "") if k in SECRET_FIELDS else v for k, v in _items(self)}

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.public().items())
        return f"HelpdeskSettings({shown})"

    __str__ = __repr__


def _items(settings: HelpdeskSettings) -> list[tuple[str, str]]:
    return [(f.name, str(getattr(settings, f.name))) for f in fields(settings)]


# How a connector finds a tenant's account (``HelpdeskSettingsStore.load`` in the product).
SettingsLookup = Callable[[str], HelpdeskSettings]


class HelpdeskSettingsStore:
    def __init__(self, sessions: SessionFactory, key: str) -> None:
        self._sessions = sessions
        self._fernet = Fernet(fernet_key(key))
        self._digest_key = hashlib.sha256(b"precedent app secret digest\0" + key.encode()).digest()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HelpdeskSettingsStore:
        """The app's database, keyed like the redaction vaults (VAULT_KEY or SECRET_KEY)."""
        url = str(config["DATABASE_URL"])

        @contextmanager
        def sessions() -> Iterator[Session]:
            with db.session(url) as session:
                yield session

        return cls(sessions, config["VAULT_KEY"] or config["SECRET_KEY"])

    def save(self, settings: HelpdeskSettings) -> None:
        data = {k: v for k, v in asdict(settings).items() if k not in ("tenant", "platform")}
        ciphertext = self._fernet.encrypt(json.dumps(data).encode()).decode()
        with self._sessions() as session:
            tenant = ensure_tenant(session, settings.tenant)
            row = session.scalars(
                select(HelpdeskConnection).where(HelpdeskConnection.tenant_id == tenant.id)
            ).first()
            if row is None:
                row = HelpdeskConnection(tenant_id=tenant.id)
                session.add(row)
            row.platform, row.host = settings.platform, settings.host
            row.ciphertext, row.updated_at = ciphertext, utcnow()
            # "" = no secret (never a candidate); NULL is left only by rows stored before digests.
            row.app_secret_digest = self._digest(settings.app_secret) if settings.app_secret else ""

    def load(self, tenant: str) -> HelpdeskSettings:
        """The tenant's settings; ConfigError when none are stored or they won't decrypt."""
        with self._sessions() as session:
            found = session.execute(
                select(HelpdeskConnection, Tenant.slug).join(Tenant).where(Tenant.slug == tenant)
            ).first()
            if found is None:
                raise ConfigError(
                    f"no helpdesk is connected for tenant '{tenant}'; "
                    "run: precedent helpdesk connect zendesk|freshdesk --tenant " + tenant
                )
            return self._decrypt(found[0], tenant)

    def find(self, platform: str, host: str) -> HelpdeskSettings | None:
        """The settings of whichever tenant connected this helpdesk account, if any."""
        with self._sessions() as session:
            found = session.execute(
                select(HelpdeskConnection, Tenant.slug)
                .join(Tenant)
                .where(HelpdeskConnection.platform == platform, HelpdeskConnection.host == host)
            ).first()
            return None if found is None else self._decrypt(found[0], found[1])

    def freshdesk_candidates(self, app_secret: str) -> list[str]:
        """Tenants whose Freshdesk installation secret may be ``app_secret``.

        Found by the secret's keyed digest; accounts stored before digests were kept are
        candidates too. The caller still compares the decrypted secret itself.
        """
        digest = self._digest(app_secret)
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(Tenant.slug)
                    .join(HelpdeskConnection, HelpdeskConnection.tenant_id == Tenant.id)
                    .where(
                        HelpdeskConnection.platform == "freshdesk",
                        or_(
                            HelpdeskConnection.app_secret_digest == digest,
                            HelpdeskConnection.app_secret_digest.is_(None),
                        ),
                    )
                )
            )

    def _digest(self, secret: str) -> str:
        return hmac.new(self._digest_key, secret.encode(), hashlib.sha256).hexdigest()

    def _decrypt(self, row: HelpdeskConnection, tenant: str) -> HelpdeskSettings:
        try:
            data: dict[str, Any] = json.loads(self._fernet.decrypt(row.ciphertext.encode()))
        except InvalidToken:
            raise ConfigError(
                f"the helpdesk settings of tenant '{tenant}' cannot be decrypted: the key "
                "(PRECEDENT_VAULT_KEY / PRECEDENT_SECRET_KEY) changed; connect the helpdesk again"
            ) from None
        data.update(host=row.host)
        return HelpdeskSettings(tenant=tenant, platform=cast(Platform, row.platform), **data)
