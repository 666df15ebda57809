"""``precedent audit``: verify a tenant's keyed audit chain against its signed checkpoints."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from backend import audit as audit_log
from backend.clitools import app, upgrade_database
from backend.db import db
from backend.models import Tenant


@click.command()
@click.option("--tenant", default=None, help="Tenant slug (default: PRECEDENT_DEFAULT_TENANT).")
@click.option(
    "--checkpoint",
    "make_checkpoint",
    is_flag=True,
    help="Once the chain verifies, sign a checkpoint of it and export it (file and log).",
)
@click.option(
    "--checkpoints",
    "checkpoint_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Checkpoints to check against (a checkpoint file or a log holding them); "
    "default: PRECEDENT_AUDIT_CHECKPOINT_FILE.",
)
def audit(tenant: str | None, make_checkpoint: bool, checkpoint_file: Path | None) -> None:
    """Check that the tenant's audit trail is intact (keyed hash chain and checkpoints)."""
    upgrade_database()
    slug = tenant or str(app().config["DEFAULT_TENANT"])
    if checkpoint_file is not None and not checkpoint_file.is_file():
        raise click.ClickException(f"checkpoint file not found: {checkpoint_file}")
    with db.session() as session:
        row = session.scalars(select(Tenant).where(Tenant.slug == slug)).first()
        if row is None:
            raise click.ClickException(f"no tenant '{slug}'")
        report = audit_log.check(session, row.id, checkpoint_file)
        made = None
        if not report.problems and make_checkpoint:
            made = audit_log.checkpoint_now(session, row.id)
    for problem in report.problems:
        click.echo(problem)
    if report.problems:
        raise click.ClickException(
            f"audit trail of '{slug}' is broken ({len(report.problems)} problems)"
        )
    checked = f", {report.checkpoints} checkpoints checked" if report.checkpoints else ""
    click.echo(f"audit trail of '{slug}' is intact: {report.events} events{checked}")
    if made is not None:
        click.echo(f"checkpoint of '{slug}' exported at event {made.count}")
