"""``precedent insights``: the learning signals of one tenant over a time window, as text.

precedent insights --since 30d                 every signal but the knowledge gaps
precedent insights quality --since 4w --by team
precedent insights gaps --since 30d            reads and embeds each gap ticket again
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.clitools import TENANT, Group, app, get_services, tenant_slug, upgrade_database
from backend.db import db
from backend.errors import InputError, PrecedentError
from backend.learning import signals
from backend.learning.escalations import Escalation
from backend.models import Tenant

SINCE = click.option("--since", default="30d", show_default=True, help="12h, 30d, 4w, ...")


@click.group(cls=Group, invoke_without_command=True)
@TENANT
@SINCE
@click.pass_context
def insights(ctx: click.Context, tenant: str | None, since: str) -> None:
    """Draft quality, coaching, policy review and revision lists of one tenant."""
    if ctx.invoked_subcommand is None:
        for command in (quality, cohorts, bypasses, sources, escalations):
            ctx.invoke(command, tenant=tenant, since=since)


def _open(tenant: str | None, since: str) -> tuple[Session, int, signals.Window]:
    window = signals.last(since)  # a span not understood stops before the database is opened
    upgrade_database()
    slug = tenant_slug(tenant)
    context = click.get_current_context()
    session = context.with_resource(db.session(app().config["DATABASE_URL"]))
    tenant_id = session.scalars(select(Tenant.id).where(Tenant.slug == slug)).first()
    if tenant_id is None:
        raise InputError(f"unknown tenant '{slug}': it has no drafts yet")
    return session, tenant_id, window


@insights.command()
@TENANT
@SINCE
@click.option("--by", type=click.Choice(signals.DIMENSIONS), help="Group by this dimension.")
def quality(tenant: str | None, since: str, by: signals.Dimension | None = None) -> None:
    """Action rates, similarity and review-speed quartiles, volume."""
    session, tenant_id, window = _open(tenant, since)
    click.echo(f"draft quality, last {since}{f' by {by}' if by else ''}:")
    for q in signals.draft_quality(session, tenant_id, window, by):
        rates = " ".join(f"{a} {q.rate(a):.0%}" for a in q.actions)
        sim = f"{q.similarity.median:.2f}" if q.similarity else "-"
        speed = f"{q.review_seconds.median:.0f}s" if q.review_seconds else "-"
        click.echo(
            f"  {q.key or '(unknown)'}: {q.volume} drafts, {rates}, similarity {sim}, "
            f"review {speed}"
        )


@insights.command()
@TENANT
@SINCE
@click.option("--by", type=click.Choice(["agent", "team"]), default="agent", show_default=True)
@click.option("--min-count", default=20, show_default=True)
def cohorts(tenant: str | None, since: str, by: str = "agent", min_count: int = 20) -> None:
    """Agents or teams rejecting drafts far above the tenant's rate (for coaching)."""
    session, tenant_id, window = _open(tenant, since)
    found = signals.rejecting_cohorts(
        session, tenant_id, window, "team" if by == "team" else "agent", min_count
    )
    click.echo(f"rejection rate {found.tenant_rate:.0%} of {found.drafts} drafts; coaching:")
    for c in (c for c in found.cohorts if c.flagged):
        click.echo(f"  {c.key}: {c.rejected}/{c.drafts} ({c.low:.0%}-{c.high:.0%})")


@insights.command()
@TENANT
@SINCE
def bypasses(tenant: str | None, since: str) -> None:
    """Gated drafts sent anyway: the policy review list."""
    session, tenant_id, window = _open(tenant, since)
    found = signals.gate_bypasses(session, tenant_id, window)
    click.echo(f"gate bypasses: {len(found)}")
    for b in found:
        click.echo(
            f"  ticket {b.ticket_id} by {b.agent or '(unverified)'}: "
            f"{', '.join(b.rules) or ', '.join(b.domains)}; review {b.review_status or '-'}"
        )


@insights.command()
@TENANT
@SINCE
@click.option("--threshold", default=0.3, show_default=True)
@click.option("--min-cited", default=5, show_default=True)
def sources(tenant: str | None, since: str, threshold: float = 0.3, min_cited: int = 5) -> None:
    """Help-centre sections agents edit away: revision items for their owners."""
    session, tenant_id, window = _open(tenant, since)
    found = signals.edited_away_sources(session, tenant_id, window, threshold, min_cited)
    click.echo("sections to revise:")
    for s in (s for s in found if s.revise):
        click.echo(f"  {s.title} ({s.source_id}): {s.rate:.0%} of {s.cited} cited sentences")


@insights.command()
@TENANT
@SINCE
@click.option("--by", type=click.Choice(["ticket_type", "agent", "team"]), default="ticket_type")
def escalations(tenant: str | None, since: str, by: str = "ticket_type") -> None:
    """Escalations sent back or re-routed, as later drafts see the ticket's team."""
    session, tenant_id, window = _open(tenant, since)
    key: Escalation = "agent" if by == "agent" else "team" if by == "team" else "ticket_type"
    click.echo("escalations:")
    for e in signals.escalation_correctness(session, tenant_id, window, key):
        click.echo(
            f"  {e.key or '(unknown)'}: {e.escalations}, sent back {e.sent_back}, "
            f"re-routed {e.rerouted}, unseen {e.unseen}"
        )


@insights.command()
@TENANT
@SINCE
def gaps(tenant: str | None, since: str) -> None:
    """Knowledge gaps clustered by topic; reads each gap ticket from the helpdesk again."""
    session, tenant_id, window = _open(tenant, since)
    topics = HelpdeskTopics(tenant_slug(tenant))
    for c in signals.knowledge_gaps(session, tenant_id, window, topics):
        click.echo(
            f"  {c.title}: {c.size} tickets, {c.trend}; e.g. " + ", ".join(t for t, _ in c.examples)
        )


class HelpdeskTopics:
    """A ticket's question read again, redacted with its vault and embedded for the index."""

    def __init__(self, tenant: str) -> None:
        self._tenant = tenant

    def __call__(self, ticket_ids: Sequence[str]) -> Mapping[str, signals.Topic]:
        from backend.redaction import Vault

        services = get_services()
        found = {}
        for ticket_id in ticket_ids:
            try:
                ticket = services.connector.get_ticket(self._tenant, ticket_id)
            except PrecedentError:
                continue  # deleted since: its gap is not shown
            vault = services.vaults.load(self._tenant, ticket_id) if services.vaults else Vault()
            text = services.redactor.redact(ticket.customer_text(), vault, [], self._tenant)
            vector = services.embedder.embed([text], purpose="query")[0]
            found[ticket_id] = signals.Topic(str(text), [float(v) for v in vector])
        return found
