"""Zendesk's signed-URL load of the sidebar page: which tenant, which agent, verified.

The JWT's issuer (``<subdomain>.zendesk.com``) names the Zendesk account; the tenant is
whoever connected that subdomain (``precedent helpdesk connect zendesk --host <subdomain>``),
and its stored app public key and audience verify the token. The issuer is read before the
signature is checked only to pick the key; nothing else is trusted until it verifies.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from backend.auth.zaf_jwt import ZafClaims, verify_zaf_token, zendesk_issuer
from backend.connectors.settings import HelpdeskSettingsStore
from backend.errors import ConfigError, Unauthorized

ISSUER_SUFFIX = ".zendesk.com"


@dataclass(frozen=True)
class SignIn:
    tenant: str
    claims: ZafClaims


class SignInRefused(Unauthorized):
    """Unauthorized, with the tenant when the token named a connected account."""

    def __init__(self, message: str, tenant: str | None = None) -> None:
        super().__init__(message)
        self.tenant = tenant


def zendesk_sign_in(token: str, store: HelpdeskSettingsStore) -> SignIn:
    if not token:
        raise SignInRefused(
            "Zendesk app token rejected: no token was sent. Open Precedent from the ticket "
            "sidebar of an app installed with signed URLs (signedUrls: true)."
        )
    subdomain = _subdomain(token)
    try:
        settings = store.find("zendesk", subdomain)
    except ConfigError as exc:  # stored settings that no longer decrypt
        raise SignInRefused(f"Zendesk app token not checked: {exc.message}") from None
    if settings is None:
        raise SignInRefused(
            f"Zendesk app token rejected: no Precedent tenant is connected to "
            f"{zendesk_issuer(subdomain)}"
        )
    if not settings.app_public_key or not settings.app_audience:
        raise SignInRefused(
            f"Zendesk app token rejected: tenant '{settings.tenant}' has no app public key "
            "or audience; run precedent helpdesk connect zendesk with --app-public-key and "
            "--app-audience",
            settings.tenant,
        )
    try:
        claims = verify_zaf_token(
            token,
            settings.app_public_key,
            audience=settings.app_audience,
            issuer=zendesk_issuer(settings.host),
        )
    except (Unauthorized, ConfigError) as exc:
        raise SignInRefused(exc.message, settings.tenant) from None
    return SignIn(settings.tenant, claims)


def _subdomain(token: str) -> str:
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise SignInRefused("Zendesk app token rejected: it is malformed") from None
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or not issuer.endswith(ISSUER_SUFFIX):
        raise SignInRefused("Zendesk app token rejected: its issuer is not a Zendesk account")
    subdomain = issuer.removesuffix(ISSUER_SUFFIX)
    if not subdomain or "." in subdomain or "/" in subdomain:
        raise SignInRefused("Zendesk app token rejected: its issuer is not a Zendesk account")
    return subdomain
