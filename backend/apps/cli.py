"""``precedent app``: build and check the Zendesk and Freshdesk sidebar apps."""

from __future__ import annotations

from pathlib import Path

import click

from backend.apps import package as packaging
from backend.apps.validate import PLATFORMS, validate_zip
from backend.clitools import Group


@click.group(cls=Group)
def app() -> None:
    """Build the helpdesk sidebar apps (Zendesk, Freshdesk) and check them offline."""


@app.command("package")
@click.argument("platform", type=click.Choice(PLATFORMS))
@click.option(
    "--backend-url",
    required=True,
    metavar="URL",
    help="Where agents' browsers reach Precedent, e.g. https://precedent.example.com",
)
@click.option(
    "--out",
    "out_dir",
    default="dist",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the zip.",
)
@click.option(
    "--source",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="App folder to build from (default: app_manifest/PLATFORM).",
)
def package(platform: str, backend_url: str, out_dir: Path, source: Path | None) -> None:
    """Build the installable zip with the backend URL filled in, and validate it.

    Nothing is written when a platform rule is broken: each problem is printed on one
    line, naming the file to fix.
    """
    built = packaging.build(platform, backend_url, source)
    _fail_on(packaging.check(built))
    target = packaging.write(built, out_dir)
    click.echo(
        f"built {target} ({len(built.files)} files) for {backend_url}; it passes the local checks"
    )


@app.command("validate")
@click.argument("zip_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--platform",
    type=click.Choice(PLATFORMS),
    default=None,
    help="Which platform's rules (default: read from the manifest).",
)
def validate(zip_file: Path, platform: str | None) -> None:
    """Check an app zip against the platform's rules without uploading it anywhere."""
    chosen, problems = validate_zip(zip_file, platform)
    _fail_on([f"{zip_file}:{p.where()}: {p.message}" for p in problems])
    click.echo(f"{zip_file} passes the local {chosen} checks")


def _fail_on(lines: list[str]) -> None:
    if not lines:
        return
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    raise SystemExit(1)
