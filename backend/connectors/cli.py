"""``precedent helpdesk``: connect a tenant's Zendesk or Freshdesk account.

Secrets are best passed through the environment variables named in each option's help
(so they stay out of shell history); they are stored encrypted and only ever shown masked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from backend.auth.app_tokens import require_real_secret
from backend.clitools import Group, app, tenant_slug, upgrade_database
from backend.connectors.settings import PLATFORMS, HelpdeskSettings, HelpdeskSettingsStore
from backend.errors import InputError


@click.group(cls=Group)
def helpdesk() -> None:
    """Connect helpdesk accounts; credentials are stored encrypted and shown masked."""


def _store(tenant: str | None) -> tuple[HelpdeskSettingsStore, str]:
    upgrade_database()
    return HelpdeskSettingsStore.from_config(app().config), tenant_slug(tenant)


F = TypeVar("F", bound=Callable[..., Any])


def _secret(name: str, envvar: str, what: str) -> Callable[[F], F]:
    return click.option(name, envvar=envvar, default="", help=f"{what} (or set {envvar}).")


@helpdesk.command("connect")
@click.argument("platform", type=click.Choice(PLATFORMS))
@click.option("--tenant", help="Tenant slug; defaults to PRECEDENT_DEFAULT_TENANT.")
@click.option(
    "--host",
    required=True,
    help="Zendesk subdomain (acme) or Freshdesk domain (acme.freshdesk.com).",
)
@click.option("--email", default="", help="Zendesk: the agent the API token belongs to.")
@_secret("--api-token", "HELPDESK_API_TOKEN", "Zendesk API token or Freshdesk API key")
@_secret("--oauth-token", "HELPDESK_OAUTH_TOKEN", "Zendesk OAuth access token")
@_secret("--webhook-secret", "HELPDESK_WEBHOOK_SECRET", "Webhook signing / shared secret")
@_secret("--app-secret", "HELPDESK_APP_SECRET", "Freshdesk app installation secret")
@click.option(
    "--app-public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Zendesk: PEM file from /api/v2/apps/{app_id}/public_key.pem.",
)
@click.option("--app-audience", default="", help="Zendesk: the aud claim the app's JWTs carry.")
@click.option("--escalation-group", default="", help="Group id an escalated ticket is assigned to.")
@click.option(
    "--escalation-tags",
    default="",
    help="Tags an escalated ticket gets, comma-separated (default PRECEDENT_ESCALATION_TAGS).",
)
@click.option(
    "--escalation-email",
    default="",
    help="Address told of each escalation, with the reviewers eligible for the ticket.",
)
@click.option(
    "--location-field",
    default="",
    help="Ticket custom field holding the customer's location, for the insights: a Zendesk "
    "field id (360012345) or a Freshdesk field name (cf_store).",
)
@click.option(
    "--jurisdiction-field",
    default="",
    help="Ticket custom field holding the customer's jurisdiction (US-CA, DE), for the gate's "
    "reviewer routing and the insights: a Zendesk field id or a Freshdesk field name.",
)
@click.option(
    "--api-url",
    default="",
    help="Zendesk, for tests and self-hosted API proxies only: send API calls to this base "
    "URL instead of https://<host>.zendesk.com (https; http only on localhost).",
)
def connect(platform: str, tenant: str | None, app_public_key: Path | None, **values: str) -> None:
    """Store (or replace) a tenant's helpdesk account and print it with secrets masked."""
    # The secret key signs the sidebar's app tokens and, without a vault key, encrypts
    # these credentials: with the public development value both would be open to anyone.
    require_real_secret(str(app().config["SECRET_KEY"]), "precedent helpdesk connect refused")
    store, slug = _store(tenant)
    pem = app_public_key.read_text(encoding="utf-8") if app_public_key else ""
    settings = HelpdeskSettings(tenant=slug, platform=platform, app_public_key=pem, **values)  # type: ignore[arg-type]
    _check_credentials(settings)
    store.save(settings)
    click.echo(f"connected {platform} {settings.host} for tenant '{slug}':")
    _show(settings)


@helpdesk.command("show")
@click.option("--tenant", help="Tenant slug; defaults to PRECEDENT_DEFAULT_TENANT.")
def show(tenant: str | None) -> None:
    """Print a tenant's helpdesk settings with every secret masked."""
    store, slug = _store(tenant)
    _show(store.load(slug))


def _show(settings: HelpdeskSettings) -> None:
    for name, value in settings.public().items():
        shown = "(set)" if name == "app_public_key" and value else value or "-"
        click.echo(f"  {name}: {shown}")


def _check_credentials(settings: HelpdeskSettings) -> None:
    if settings.platform == "freshdesk" and not settings.api_token:
        raise InputError("freshdesk needs --api-token (the agent's API key)")
    if settings.platform == "zendesk" and not settings.oauth_token:
        if not (settings.email and settings.api_token):
            raise InputError("zendesk needs --oauth-token, or --email with --api-token")
