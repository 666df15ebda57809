"""Per-tenant helpdesk settings, stored encrypted, masked whenever they are shown.

Only the platform and host are kept in clear: incoming calls (a ZAF JWT's issuer, a
webhook's account) are routed by them. Credentials, the app's public key and every shared
secret are one Fernet token (key from settings through backend/crypto, as for redaction
vaults, readable under previous keys until ``precedent keys rotate``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from sqlalchemy import or_, select

from backend.crypto import Cipher, Digests, KeyRing, Undecryptable, encryption_keys
from backend.crypto.rotate import Table
from backend.db import SessionFactory, sessions_for
from backend.errors import ConfigError, InputError
from backend.models import HelpdeskConnection, Tenant, utcnow
from backend.tenants import ensure_tenant

Platform = Literal["zendesk", "freshdesk"]
PLATFORMS: tuple[Platform, ...] = ("zendesk", "freshdesk")
SECRET_FIELDS = ("api_token", "oauth_token", "app_secret", "webhook_secret")
MASK = "********"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
LOOPBACK = ("localhost", "127.0.0.1", "::1")  # where api_url may be plain http


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
    # Escalation (backend/escalation): the group id a ticket is handed to, the tags it gets
    # (comma-separated) and the address told; empty: the deployment's PRECEDENT_ESCALATION_*.
    escalation_group: str = ""
    escalation_tags: str = ""
    escalation_email: str = ""
    # Zendesk only, for tests and self-hosted API proxies: the base URL API calls go to
    # instead of https://<host>.zendesk.com (https; http only on localhost). Empty: Zendesk.
    api_url: str = ""

    def __post_init__(self) -> None:
        if self.platform not in PLATFORMS:
            raise InputError(
                f"unknown helpdesk platform '{self.platform}'. "
                f"Valid platforms are: {', '.join(PLATFORMS)}"
            )
        if not self.host.strip():
            raise InputError(f"{self.platform} needs a subdomain or domain")
        if self.escalation_group and not self.escalation_group.isdigit():
            raise InputError(
                f"escalation group '{self.escalation_group}' is not a {self.platform} group id "
                "(digits, e.g. 360001234567)"
            )
        if self.escalation_email and not EMAIL.fullmatch(self.escalation_email):
            raise InputError(f"escalation e-mail '{self.escalation_email}' is not an address")
        if self.api_url:
            _check_api_url(self.platform, self.api_url)

    def public(self) -> dict[str, str]:
        """For output: secrets replaced by a mask (or empty when not set)."""
        return {k: (MASK if v else "") if k in SECRET_FIELDS else v for k, v in _items(self)}

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.public().items())
        return f"HelpdeskSettings({shown})"

    __str__ = __repr__


def _check_api_url(platform: str, url: str) -> None:
    if platform != "zendesk":
        raise InputError(f"api_url is for Zendesk only; {platform} is reached at its domain")
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises ValueError
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise InputError(
            f"api_url '{url}' is not a base URL; expected e.g. https://zendesk-proxy.example.com"
            " or, for a local test server, http://127.0.0.1:8080"
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise InputError(
            f"api_url '{url}': plain http is allowed only on localhost "
            f"({', '.join(LOOPBACK)}); use https"
        )


def _items(settings: HelpdeskSettings) -> list[tuple[str, str]]:
    return [(f.name, str(getattr(settings, f.name))) for f in fields(settings)]


# How a connector finds a tenant's account (``HelpdeskSettingsStore.load`` in the product).
SettingsLookup = Callable[[str], HelpdeskSettings]


class HelpdeskSettingsStore:
    def __init__(self, sessions: SessionFactory, keys: KeyRing | str) -> None:
        """``keys``: the current secret and any previous ones (backend/crypto)."""
        self._sessions = sessions
        self._cipher = Cipher(keys, "helpdesk settings")
        self._digests = Digests(keys, "app secret digest")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> HelpdeskSettingsStore:
        """The app's database, keyed like the redaction vaults (VAULT_KEY or SECRET_KEY)."""
        return cls(sessions_for(str(config["DATABASE_URL"])), encryption_keys(config))

    def encrypted_table(self) -> Table:
        """The connections' ciphertexts, for ``precedent keys rotate`` (digests rewritten too)."""
        return Table("helpdesk connections", HelpdeskConnection, self._cipher, self._rotated)

    def save(self, settings: HelpdeskSettings) -> None:
        data = {k: v for k, v in asdict(settings).items() if k not in ("tenant", "platform")}
        ciphertext = self._cipher.encrypt(json.dumps(data).encode())
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
            row.app_secret_digest = self.digest(settings.app_secret)

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
        digests = self._digests.candidates(app_secret)
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(Tenant.slug)
                    .join(HelpdeskConnection, HelpdeskConnection.tenant_id == Tenant.id)
                    .where(
                        HelpdeskConnection.platform == "freshdesk",
                        or_(
                            HelpdeskConnection.app_secret_digest.in_(digests),
                            HelpdeskConnection.app_secret_digest.is_(None),
                        ),
                    )
                )
            )

    def digest(self, app_secret: str) -> str:
        """The keyed digest a row stores for its installation secret ("" when none is set)."""
        return self._digests.current(app_secret) if app_secret else ""

    def decrypt(self, ciphertext: str) -> dict[str, Any]:
        """A row's encrypted fields; ``Undecryptable`` when no configured key opens them."""
        data: dict[str, Any] = json.loads(self._cipher.decrypt(ciphertext))
        return data

    def _rotated(self, plaintext: bytes) -> dict[str, Any]:
        # A re-encrypted row's installation-secret digest moves to the current key with it.
        return {"app_secret_digest": self.digest(str(json.loads(plaintext).get("app_secret", "")))}

    def _decrypt(self, row: HelpdeskConnection, tenant: str) -> HelpdeskSettings:
        try:
            data = self.decrypt(row.ciphertext)
        except Undecryptable:
            raise ConfigError(
                f"the helpdesk settings of tenant '{tenant}' cannot be decrypted: the key "
                "(PRECEDENT_VAULT_KEY / PRECEDENT_SECRET_KEY) changed and its former value is "
                "not listed in PRECEDENT_PREVIOUS_VAULT_KEYS / PRECEDENT_PREVIOUS_SECRET_KEYS; "
                "list it there, or connect the helpdesk again"
            ) from None
        data.update(host=row.host)
        return HelpdeskSettings(tenant=tenant, platform=cast(Platform, row.platform), **data)
