"""``precedent reviewers``: credentialed reviewers and their licences."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import review
from backend.clitools import Group, app, upgrade_database
from backend.db import db
from backend.errors import NotFound
from backend.models import Reviewer
from backend.review import lifecycle
from backend.review import tokens as review_tokens
from backend.tenants import ensure_tenant


@click.group(cls=Group)
def reviewers() -> None:
    """Manage credentialed reviewers (lawyers, clinicians, advisers, licensed agents)."""


def _context() -> str:
    upgrade_database()
    return str(app().config["DEFAULT_TENANT"])


@reviewers.command("add")
@click.argument("name")
@click.argument("email")
def add(name: str, email: str) -> None:
    """Add a reviewer and print their personal access token (shown only once)."""
    slug = _context()
    with db.session() as session:
        reviewer, token = review.add_reviewer(session, ensure_tenant(session, slug).id, name, email)
        click.echo(f"added reviewer {reviewer.id} {name} <{reviewer.email}>")
    click.echo(f"access token (give it to {name}; it is not stored and cannot be shown again):")
    click.echo(token)


@reviewers.command("credential")
@click.argument("email")
@click.option("--domain", required=True, type=click.Choice(review.DOMAINS))
@click.option(
    "--jurisdiction",
    "jurisdictions",
    multiple=True,
    required=True,
    help="Where the licence applies: US-CA, US-*, EU-DE, GB … (repeat the option).",
)
@click.option("--licence", "licence_id", required=True, help="Licence or bar number.")
@click.option(
    "--expires",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last day the licence is valid (YYYY-MM-DD).",
)
def credential(
    email: str, domain: str, jurisdictions: tuple[str, ...], licence_id: str, expires: datetime
) -> None:
    """Record a reviewer's licence for one domain in some jurisdictions."""
    slug = _context()
    with db.session() as session:
        reviewer = _reviewer(session, slug, email)
        added = review.add_credential(
            session, reviewer, domain, list(jurisdictions), licence_id, expires.date()
        )
        where = ", ".join(added.jurisdictions)
        state = lifecycle.expiry(added, date.today(), _warn_days())
    click.echo(f"{email} may now review {domain} in {where} until {expires.date()}")
    if state.expiring_soon:
        click.echo(
            f"warning: licence {licence_id} expires in {state.days_left} day(s), on "
            f"{expires.date()}; record the renewed licence before then",
            err=True,
        )


@reviewers.command("remove-credential")
@click.argument("email")
@click.option("--licence", "licence_id", required=True, help="The licence to withdraw.")
@click.option(
    "--domain",
    type=click.Choice(review.DOMAINS),
    help="Needed only when the licence is recorded for two domains.",
)
def remove_credential(email: str, licence_id: str, domain: str | None) -> None:
    """Withdraw one of a reviewer's licences; they no longer see what it alone covered."""
    slug = _context()
    with db.session() as session:
        reviewer = _reviewer(session, slug, email)
        found = lifecycle.find_credential(reviewer, licence_id, domain)
        what = f"{found.domain} licence {licence_id}"
        lifecycle.remove_credential(session, reviewer, found)
        left = len(reviewer.credentials)
    click.echo(f"removed {what} from {email} ({left} licence(s) left)")


@reviewers.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop a reviewer now: their token no longer works and they can decide nothing."""
    slug = _context()
    with db.session() as session:
        lifecycle.deactivate(session, _reviewer(session, slug, email))
    click.echo(f"{email} is deactivated; 'precedent reviewers reactivate {email}' undoes it")


@reviewers.command("reactivate")
@click.argument("email")
def reactivate(email: str) -> None:
    """Let a deactivated reviewer review again with their current token and licences."""
    slug = _context()
    with db.session() as session:
        lifecycle.reactivate(session, _reviewer(session, slug, email))
    click.echo(
        f"{email} is active again; their current token works (unless expired or revoked); "
        f"'precedent reviewers rotate {email}' issues a new one"
    )


def _warn_days() -> int:
    return int(app().config["REVIEWER_EXPIRY_WARN_DAYS"])


@reviewers.command("rotate")
@click.argument("email")
def rotate(email: str) -> None:
    """Give a reviewer a new access token (printed once); the old one stops working now."""
    slug = _context()
    with db.session() as session:
        token = review_tokens.rotate(session, _reviewer(session, slug, email))
    days = app().config["REVIEWER_TOKEN_DAYS"]
    click.echo(f"new access token for {email} (valid {days} days; the old one no longer works):")
    click.echo(token)


@reviewers.command("revoke")
@click.argument("email")
def revoke(email: str) -> None:
    """Revoke a reviewer's access token now; 'rotate' gives them a new one."""
    slug = _context()
    with db.session() as session:
        review_tokens.revoke(session, _reviewer(session, slug, email))
    click.echo(f"{email}'s access token is revoked; 'precedent reviewers rotate' issues a new one")


def _reviewer(session: Session, slug: str, email: str) -> Reviewer:
    tenant = ensure_tenant(session, slug)
    reviewer = session.scalars(
        select(Reviewer).where(Reviewer.tenant_id == tenant.id, Reviewer.email == email.lower())
    ).first()
    if reviewer is None:
        raise NotFound(f"no reviewer with e-mail {email}")
    return reviewer


@reviewers.command("list")
def list_reviewers() -> None:
    """List reviewers with their credentials and token expiry; expired ones are marked."""
    slug = _context()
    today = date.today()
    lifetime = timedelta(days=int(app().config["REVIEWER_TOKEN_DAYS"]))
    with db.session() as session:
        tenant = ensure_tenant(session, slug)
        rows = session.scalars(select(Reviewer).where(Reviewer.tenant_id == tenant.id)).all()
        for reviewer in rows:
            ends = review_tokens.expires(reviewer, lifetime).date()
            state = "  EXPIRED" if ends < today else ""
            state += "" if reviewer.active else "  DEACTIVATED"
            click.echo(
                f"{reviewer.id}  {reviewer.name} <{reviewer.email}>  token until {ends}{state}"
            )
            for c in reviewer.credentials:
                label = lifecycle.expiry(c, today, _warn_days()).label
                click.echo(
                    f"    {c.domain:<10} {', '.join(c.jurisdictions):<20} "
                    f"{c.licence_id} until {c.expires_on}{'  ' + label if label else ''}"
                )
        if not rows:
            click.echo("no reviewers yet: add one with 'precedent reviewers add NAME EMAIL'")
