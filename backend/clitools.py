"""Shared by every ``precedent`` command group."""

from __future__ import annotations

from typing import Any

import click

from backend.errors import PrecedentError


class Group(click.Group):
    """Turns our errors into one readable line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PrecedentError as exc:
            raise click.ClickException(exc.message) from None
