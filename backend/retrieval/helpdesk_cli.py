"""``precedent ingest zendesk|freshdesk``: a tenant's resolved tickets and articles.

Reads through the tenant's stored account (``precedent helpdesk connect``), whichever
connector serves drafts. Each page is indexed before its cursor is saved, so a run that
stops (rate limit, network) continues where it stopped, and the scheduled sync
(PRECEDENT_SYNC_MINUTES) carries on from where the last run ended.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime

import click
from tqdm import tqdm

from backend.clitools import app, get_services, tenant_slug, upgrade_database
from backend.connectors.settings import PLATFORMS
from backend.errors import RetryableError
from backend.retrieval.helpdesk import STREAMS, HelpdeskIngest, PageReport, Stream, for_platform

LABELS = {"zendesk": "Zendesk", "freshdesk": "Freshdesk"}
UNITS = {"tickets": " tickets", "articles": " articles"}


@dataclass
class Totals:
    pages: int = 0
    items: int = 0
    sources: int = 0
    records: int = 0
    withdrawn: int = 0

    def add(self, report: PageReport) -> None:
        self.pages += 1
        self.items += report.items
        self.sources += report.sources
        self.records += report.records
        self.withdrawn += report.withdrawn


def commands() -> list[click.Command]:
    """One ``ingest`` sub-command per helpdesk platform."""
    return [_command(platform) for platform in PLATFORMS]


def _command(platform: str) -> click.Command:
    label = LABELS[platform]

    @click.command(
        platform,
        help=f"""Index a tenant's solved and closed {label} tickets and its help-centre articles.

        Tickets become question + the agent's public replies; articles one entry per heading
        section. Everything is redacted before it is embedded or stored. Without --since a
        run continues from the last one (or starts at the beginning).""",
    )
    @click.option("--tenant", default=None, help="Tenant slug (default: PRECEDENT_DEFAULT_TENANT).")
    @click.option(
        "--since",
        type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
        default=None,
        help="Start afresh from this date (UTC), e.g. 2025-01-01, instead of the saved cursor.",
    )
    @click.option(
        "--articles/--no-articles", default=True, show_default=True, help="Also index articles."
    )
    @click.option(
        "--full-articles",
        is_flag=True,
        help="List (and index) every article again from the start, then remove from the index "
        f"the ones the help centre no longer has ({label} does not report deleted articles). "
        "--since then applies to tickets only.",
    )
    def command(
        tenant: str | None, since: datetime | None, articles: bool, full_articles: bool
    ) -> None:
        if full_articles and not articles:
            raise click.UsageError("--full-articles cannot be used with --no-articles")
        run(platform, tenant, since, articles, full_articles)

    return command


def run(
    platform: str,
    tenant: str | None,
    since: datetime | None,
    articles: bool,
    full_articles: bool = False,
) -> None:
    upgrade_database()
    slug = tenant_slug(tenant)
    sync = _ingest_for(platform)
    start = since.replace(tzinfo=UTC) if since else None
    for stream in STREAMS if articles else STREAMS[:1]:
        totals = _pull(sync, platform, slug, stream, start, full_articles)
        click.echo(_summary(platform, slug, stream, totals))


def _ingest_for(platform: str) -> HelpdeskIngest:
    service = get_services()
    return for_platform(
        app().config,
        platform,
        service.redactor,
        service.embedder,
        service.index,
        service.vendors,
    )


def _pull(
    sync: HelpdeskIngest,
    platform: str,
    tenant: str,
    stream: Stream,
    since: datetime | None,
    full: bool = False,
) -> Totals:
    totals = Totals()
    desc = f"{LABELS[platform]} {stream}"
    with tqdm(desc=desc, unit=UNITS[stream], file=sys.stderr, disable=None) as bar:
        try:
            for report in sync.run(tenant, stream, since, full):
                totals.add(report)
                bar.update(report.items)
        except RetryableError as exc:
            raise click.ClickException(_stopped(exc, platform, tenant, stream, totals)) from None
    return totals


def _stopped(
    exc: RetryableError, platform: str, tenant: str, stream: Stream, totals: Totals
) -> str:
    what = exc.message.split(";")[0]  # the connector's own words, without "will retry"
    wait = f" in {exc.retry_after:g} s" if exc.retry_after else " later"
    return (
        f"{what}. {totals.pages} page(s) of {stream} were indexed and saved; run "
        f"'precedent ingest {platform} --tenant {tenant}' again{wait} to continue from there"
    )


def _summary(platform: str, tenant: str, stream: Stream, totals: Totals) -> str:
    source = f"from {LABELS[platform]} for tenant '{tenant}'"
    if stream == "articles":
        gone = (
            f"; removed {totals.withdrawn} sections of unpublished or deleted ones"
            if totals.withdrawn
            else ""
        )
        return f"indexed {totals.sources} articles ({totals.records} sections) {source}{gone}"
    skipped = totals.items - totals.sources
    note = f"; skipped {skipped} without a public agent reply" if skipped else ""
    return f"indexed {totals.sources} tickets ({totals.records} entries) {source}{note}"
