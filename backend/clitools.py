"""Shared by every ``precedent`` command group; imports nothing of the CLI back.

``backend/cli.py`` registers each package's group (``gate/cli.py``, ``review/cli.py``, …);
those groups reach the app, the database and the services only through this module.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask
from tqdm import tqdm

from backend import create_app, migrate, production, services
from backend.errors import PrecedentError
from backend.pipeline import Services


class Group(click.Group):
    """Turns our errors into one readable line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PrecedentError as exc:
            raise click.ClickException(exc.message) from None


TENANT = click.option(
    "--tenant", default=None, help="Tenant slug (default: PRECEDENT_DEFAULT_TENANT)."
)


def app() -> Flask:
    """The app for this command, created once, with its app context pushed."""
    root = click.get_current_context().find_root()
    if root.obj is None:
        root.obj = create_app()
        app_context = root.obj.app_context()
        app_context.push()
        root.call_on_close(app_context.pop)
    flask_app: Flask = root.obj
    return flask_app


def upgrade_database() -> None:
    """Check the configured servers answer, then bring the schema up to date."""
    production.check_services(app().config)
    migrate.upgrade(app().config["DATABASE_URL"])


def tenant_slug(option: str | None) -> str:
    """The ``--tenant`` given, else the default tenant."""
    return option or str(app().config["DEFAULT_TENANT"])


def progress_bar(total: int | None, desc: str, unit: str) -> Any:
    """A tqdm bar on stderr, drawn only when stderr is a terminal (never in pipes or logs)."""
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=None, leave=False)


def get_services() -> Services:
    """The app's services (embedder, index, redactor, connector, …)."""
    app()
    return services.get()
