"""``precedent insights``: the learning signals of one tenant over a time window.

precedent insights --since 30d                 every signal but the knowledge gaps, as text
precedent insights --format csv --by team      the page's figures: json, csv or md (audited)
precedent insights --weekly > retro.md         the weekly retro report (7d, Markdown)
precedent insights quality --since 4w --by team
precedent insights gaps --since 30d            reads and embeds each gap ticket again
precedent insights refresh                     recompute the lead's four lists
precedent leads add NAME EMAIL                 a team lead's token for /insights
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit
from backend.clitools import TENANT, Group, app, get_services, tenant_slug, upgrade_database
from backend.connectors.files import read_doc_folder
from backend.db import db
from backend.errors import InputError, PrecedentError
from backend.learning import demo, export, items, leads, signals, thresholds
from backend.learning.escalations import ESCALATION_KEYS, TOPICS, Escalation, left_out
from backend.learning.thresholds import Thresholds
from backend.learning.topics import DraftTopics
from backend.models import Lead, Tenant
from backend.redaction import Vault
from backend.tenants import ensure_tenant

SINCE = click.option("--since", default="30d", show_default=True, help="12h, 30d, 4w, ...")
FORMATS = {"json": "json", "csv": "csv", "md": "md"}


@click.group(cls=Group, invoke_without_command=True)
@TENANT
@SINCE
@click.option("--by", type=click.Choice(signals.DIMENSIONS), default="agent", show_default=True)
@click.option("--format", "form", type=click.Choice(list(FORMATS)), help="Export the page's data.")
@click.option("--weekly", is_flag=True, help="The weekly retro report (Markdown, last 7 days).")
@click.option(
    "--agent-names", is_flag=True, help="Export agents by name (else Agent A, B, … by volume)."
)
@click.pass_context
def insights(
    ctx: click.Context,
    tenant: str | None,
    since: str,
    by: signals.Dimension = "agent",
    form: str | None = None,
    weekly: bool = False,
    agent_names: bool = False,
) -> None:
    """Draft quality, coaching, policy review and revision lists of one tenant."""
    if ctx.invoked_subcommand is not None:
        return
    if form or weekly:
        _export(tenant, "7d" if weekly and since == "30d" else since, by, form or "md", weekly,
                agent_names)  # fmt: skip
        return
    for command in (quality, cohorts, bypasses, sources, escalations):
        ctx.invoke(command, tenant=tenant, since=since)


def _export(
    tenant: str | None, since: str, by: signals.Dimension, form: str, weekly: bool, names: bool
) -> None:
    session, tenant_id, window = _open(tenant, since)
    topics = DraftTopics(session, tenant_id)
    items.refresh(session, tenant_id, signals.last("30d"), topics, _limits())
    data = export.snapshot(session, tenant_id, window, by, None, names, _limits())
    details = {"format": form, "by": by, "weekly": weekly, "agent_names": names}
    audit.record(session, tenant_id, "cli", "insights.exported", "insights", details)
    session.commit()
    if form == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif form == "csv":
        click.echo(export.as_csv(data), nl=False)
    else:
        click.echo(export.as_markdown(data, "Weekly retro" if weekly else "Insights"), nl=False)


def _limits() -> Thresholds:
    """The settings' thresholds (PRECEDENT_EDITED_AWAY_*, PRECEDENT_COHORT_MIN_COUNT)."""
    return thresholds.from_config(app().config)


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
@click.option("--min-count", type=int, help="Default: PRECEDENT_COHORT_MIN_COUNT (20).")
def cohorts(
    tenant: str | None, since: str, by: str = "agent", min_count: int | None = None
) -> None:
    """Agents or teams rejecting drafts far above the tenant's rate (for coaching)."""
    session, tenant_id, window = _open(tenant, since)
    least = _limits().cohort_min_count if min_count is None else min_count
    found = signals.rejecting_cohorts(
        session, tenant_id, window, "team" if by == "team" else "agent", least
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
@click.option("--threshold", type=float, help="Default: PRECEDENT_EDITED_AWAY_THRESHOLD (0.3).")
@click.option("--min-cited", type=int, help="Default: PRECEDENT_EDITED_AWAY_MIN_CITED (5).")
def sources(
    tenant: str | None, since: str, threshold: float | None = None, min_cited: int | None = None
) -> None:
    """Help-centre sections agents edit away: revision items for their owners."""
    session, tenant_id, window = _open(tenant, since)
    limits = _limits()
    rate = limits.edited_away if threshold is None else threshold
    least = limits.edited_away_min_cited if min_cited is None else min_cited
    found = signals.edited_away_sources(session, tenant_id, window, rate, least)
    click.echo("sections to revise:")
    for s in (s for s in found if s.revise):
        click.echo(f"  {s.title} ({s.source_id}): {s.rate:.0%} of {s.cited} cited sentences")


@insights.command()
@TENANT
@SINCE
@click.option("--by", type=click.Choice(ESCALATION_KEYS), default="ticket_type")
def escalations(tenant: str | None, since: str, by: Escalation = "ticket_type") -> None:
    """Escalations sent back or re-routed by the receiving team, per intent (ticket type, or
    topic: what the ticket asks, clustered as the knowledge gaps are), agent or team: from the
    helpdesk's group changes, else from later drafts' teams."""
    session, tenant_id, window = _open(tenant, since)
    click.echo("escalations:")
    unknown = "(no shared topic)" if by == "topic" else "(unknown)"
    for e in signals.escalation_correctness(session, tenant_id, window, by):
        click.echo(
            f"  {e.key or unknown}: {e.escalations}, sent back {e.sent_back}, "
            f"re-routed {e.rerouted}, held {e.held}, unseen {e.unseen} (judged from helpdesk "
            f"changes {e.from_history}, from later drafts {e.from_drafts})"
        )
    older = left_out(session, tenant_id, window) if by == "topic" else 0
    if older:
        click.echo(f"  ({older} older escalations left out: topics of the newest {TOPICS} only)")


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


@insights.command()
@TENANT
@SINCE
def refresh(tenant: str | None, since: str) -> None:
    """Recompute the revision, coaching, policy-review and knowledge-gap lists."""
    session, tenant_id, window = _open(tenant, since)
    found = items.refresh(session, tenant_id, window, DraftTopics(session, tenant_id), _limits())
    session.commit()
    click.echo(f"{found} entries in the insights lists")


@insights.command("seed-demo")
@TENANT
@click.option("--helpcenter", type=click.Path(path_type=Path), default=Path("demo/helpcenter"))
@click.option("--base-url", default="https://help.tidewater.example/articles")
def seed_demo(tenant: str | None, helpcenter: Path, base_url: str) -> None:
    """A generated history of outcomes for the demo, only while the tenant has none."""
    upgrade_database()
    with db.session(app().config["DATABASE_URL"]) as session:
        tenant_id = ensure_tenant(session, tenant_slug(tenant)).id
        if demo.has_outcomes(session, tenant_id):
            click.echo("insights demo: the tenant has outcomes already; nothing seeded")
            click.echo(OPEN_INSIGHTS)
            return
        sections = help_sections(helpcenter, base_url)
        now = datetime.now(UTC)
        written = demo.seed(session, tenant_id, sections, now, limits=_limits())  # and lists
        session.commit()
    click.echo(f"insights demo: {written} outcomes over 8 weeks (labelled, generated)")
    click.echo(OPEN_INSIGHTS)


OPEN_INSIGHTS = (
    "insights demo: for /insights, 'precedent leads add NAME EMAIL' prints a team lead's token"
)


def help_sections(folder: Path, base_url: str) -> list[demo.Section]:
    found = []
    for doc in read_doc_folder(folder) if folder.is_dir() else []:
        page = base_url.rstrip("/") + "/" + doc.source_id.rsplit(".", 1)[0]
        for section in doc.sections:
            url = f"{page}#{section.anchor}" if section.anchor else page
            found.append(demo.Section(doc.source_id, section.title, url))
    return found


@click.group(cls=Group)
def leads_group() -> None:
    """Team leads: who may open the insights page (/insights) and its API."""


@leads_group.command("add")
@TENANT
@click.argument("name")
@click.argument("email")
def add_lead(tenant: str | None, name: str, email: str) -> None:
    """Add a lead and print their token (shown once)."""
    upgrade_database()
    with db.session(app().config["DATABASE_URL"]) as session:
        tenant_id = ensure_tenant(session, tenant_slug(tenant)).id
        lead, token = leads.add(session, tenant_id, name, email)
        session.commit()
        click.echo(f"added lead {lead.name} <{lead.email}>; token (shown once):")
    click.echo(token)


@leads_group.command("rotate")
@TENANT
@click.argument("email")
def rotate_lead(tenant: str | None, email: str) -> None:
    """A new token for the lead; the old one stops working now."""
    session, tenant_id = _lead_session(tenant)
    token = leads.rotate(session, leads.find(session, tenant_id, email))
    session.commit()
    click.echo(token)


@leads_group.command("revoke")
@TENANT
@click.argument("email")
def revoke_lead(tenant: str | None, email: str) -> None:
    """Leave the lead without a working token until the next rotate."""
    session, tenant_id = _lead_session(tenant)
    leads.revoke(session, leads.find(session, tenant_id, email))
    session.commit()
    click.echo(f"revoked the token of {email}")


@leads_group.command("list")
@TENANT
def list_leads(tenant: str | None) -> None:
    """Leads and when their tokens expire."""
    session, tenant_id = _lead_session(tenant)
    for lead in session.scalars(select(Lead).where(Lead.tenant_id == tenant_id)):
        ends = leads.expires(lead).date().isoformat()
        click.echo(f"{lead.name} <{lead.email}>  token expires {ends}")


def _lead_session(tenant: str | None) -> tuple[Session, int]:
    upgrade_database()
    session = click.get_current_context().with_resource(db.session(app().config["DATABASE_URL"]))
    tenant_id = ensure_tenant(session, tenant_slug(tenant)).id
    return session, tenant_id


leads_group.name = "leads"
