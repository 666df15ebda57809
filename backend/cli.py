"""The ``precedent`` command: run the product, ingest corpora, draft from the terminal."""

from __future__ import annotations

import atexit
import json
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from celery.signals import worker_ready
from werkzeug.serving import run_simple

from backend import pipeline, services, settle_after_start
from backend.api.drafts import draft_json
from backend.apps.cli import app as helpdesk_apps
from backend.audit.cli import audit
from backend.clitools import (
    TENANT,
    Group,
    app,
    get_services,
    progress_bar,
    tenant_slug,
    upgrade_database,
)
from backend.connectors.cli import helpdesk
from backend.connectors.files import parse_mapping, read_doc_folder, read_ticket_export
from backend.crypto.cli import keys
from backend.drafting.cli import providers
from backend.gate.cli import gate, policies
from backend.jobs import QUEUES
from backend.learning.cli import insights, leads_group, seed_demo
from backend.redaction.cli import redact
from backend.retrieval import helpdesk_cli as helpdesk_ingest
from backend.retrieval.ingest import doc_records, ticket_records
from backend.retrieval.ingest import ingest as run_ingest
from backend.review.cli import reviewers
from backend.tasks import draft as draft_task
from backend.worker import QUIET_LOG_FORMAT, quiet_output

DEMO_DIR = Path("demo")
DEMO_HELP_URL = "https://help.tidewater.example/articles"
DEMO_TICKET_URL = "https://tidewater.example/agent/tickets/{id}"


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Precedent: cited draft replies for helpdesk agents.

    Settings come from PRECEDENT_* environment variables; with none set everything runs
    on embedded defaults under ./var (SQLite, LanceDB, a file-based job queue).
    """


# --- running ---------------------------------------------------------------------------------


WORKER = click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Also start a background worker (turn off when workers run elsewhere).",
)
VERBOSE = click.option(
    "--verbose",
    is_flag=True,
    help="Full logs: the Celery banner, INFO lines and every HTTP request. By default each "
    "service prints one line, then only warnings and errors, each once.",
)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
@WORKER
@VERBOSE
def serve(host: str, port: int, worker: bool, verbose: bool) -> None:
    """Run the web app (API and preview page), with a worker by default."""
    upgrade_database()
    if worker:
        start_worker_process(verbose)
    stops = "both" if worker else "it"
    click.echo(f"web     http://{host}:{port}/preview  (development server; Ctrl+C stops {stops})")
    web = app()
    settle_after_start()
    if verbose:
        web.run(host=host, port=port, use_reloader=False, threaded=True)
        return
    quiet_output("web")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no banner, no line per request
    run_simple(host, port, web, use_reloader=False, threaded=True)


def start_worker_process(verbose: bool) -> None:
    argv = [sys.executable, "-m", "backend.cli", "worker", "--beat"]
    process = subprocess.Popen(argv + ([] if verbose else ["--quiet"]))
    atexit.register(process.terminate)
    # atexit runs on Ctrl+C but not on SIGTERM (docker stop, systemd, kill): exit cleanly then
    # too, so the worker is never left behind.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


@cli.command()
@click.option("--concurrency", default=1, show_default=True, help="Worker processes.")
@click.option(
    "--beat/--no-beat",
    default=False,
    show_default=True,
    help="Also run the scheduler of helpdesk syncs (every PRECEDENT_SYNC_MINUTES); one is "
    "enough. Drafts whose worker died need none: every worker reclaims them.",
)
@click.option(
    "--queues",
    default=",".join(QUEUES),
    show_default=True,
    help="Comma-separated queues to consume (backend/jobs.py declares them).",
)
@click.option("--loglevel", default="INFO", show_default=True)
@click.option(
    "--quiet",
    is_flag=True,
    help="No banner: one line when ready, then warnings and errors, each once (as serve runs it).",
)
def worker(concurrency: int, beat: bool, queues: str, loglevel: str, quiet: bool) -> None:
    """Run a Celery worker that drafts replies."""
    upgrade_database()
    celery_app = app().extensions["celery"]
    argv = ["worker", f"--loglevel={'WARNING' if quiet else loglevel}"]
    argv += [f"--concurrency={concurrency}", f"--queues={queues}"]
    if beat:
        schedule = Path(app().config["DATA_DIR"]) / "celerybeat-schedule"
        argv += ["--beat", f"--schedule={schedule}"]
    if quiet:
        _quiet_worker(celery_app, queues, beat)
        argv.insert(0, "--quiet")
    celery_app.worker_main(argv)


def _quiet_worker(celery_app: Any, queues: str, beat: bool) -> None:
    quiet_output("worker")
    celery_app.conf.update(
        worker_redirect_stdouts=False,  # our ready line is not a log record
        worker_log_format=QUIET_LOG_FORMAT,
        worker_task_log_format=QUIET_LOG_FORMAT,
    )
    scheduler = "; helpdesk sync scheduler on" if beat else ""
    line = f"worker  ready: queues {queues.replace(',', ', ')}{scheduler}"
    worker_ready.connect(lambda **_: click.echo(line), weak=False, dispatch_uid="ready-line")


@cli.group(cls=Group)
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database schema to the latest version."""
    upgrade_database()
    click.echo("database is up to date")


# --- corpora ---------------------------------------------------------------------------------


@cli.group(cls=Group)
def ingest() -> None:
    """Load resolved tickets and documentation into the search index."""


PRUNE = click.option(
    "--prune", is_flag=True, help="Delete indexed sources of this kind that are not in the input."
)


@ingest.command("tickets")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--map",
    "mapping",
    default="",
    metavar="FIELD=COLUMN,…",
    help="Column names for our fields: id, subject, body, resolution, tags, "
    "created_at, solved_at, url, requester_name, requester_email. "
    "Use id=@line when the file has no id column.",
)
@click.option(
    "--url-template",
    default="",
    metavar="URL",
    help="Link for each ticket, e.g. https://acme.zendesk.com/agent/tickets/{id}",
)
@TENANT
@PRUNE
def ingest_tickets(
    file: Path, mapping: str, url_template: str, tenant: str | None, prune: bool
) -> None:
    """Index resolved tickets from a CSV or JSONL export.

    Each ticket needs an id, the customer's message (body) and the agent's answer
    (resolution). The whole file is checked before anything is written. For an
    export whose columns are named differently and that has no ids:

    \b
      precedent ingest tickets export.csv \\
        --map id=@line,body=instruction,resolution=response,tags=intent
    """
    tickets = read_ticket_export(file, parse_mapping(mapping))
    with progress_bar(len(tickets), "redacting tickets", " tickets") as bar:
        redactor, slug = get_services().redactor, tenant_slug(tenant)
        records = ticket_records(tickets, redactor, url_template, slug, bar.update)
    _run_ingest(tenant, "ticket", records, prune, f"{len(tickets)} tickets from {file}")


@ingest.command("docs")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--base-url",
    default="",
    metavar="URL",
    help="Help-centre URL the folder's paths hang under (links get #section anchors).",
)
@TENANT
@PRUNE
def ingest_docs(folder: Path, base_url: str, tenant: str | None, prune: bool) -> None:
    """Index a folder of Markdown / HTML articles, one entry per heading section."""
    documents = read_doc_folder(folder)
    with progress_bar(len(documents), "redacting articles", " articles") as bar:
        redactor, slug = get_services().redactor, tenant_slug(tenant)
        records = doc_records(documents, redactor, base_url, slug, bar.update)
    _run_ingest(tenant, "doc", records, prune, f"{len(documents)} articles from {folder}")


def _run_ingest(tenant: str | None, kind: Any, records: list[Any], prune: bool, what: str) -> None:
    service = get_services()
    slug = tenant_slug(tenant)
    unit = " sections" if kind == "doc" else " tickets"
    with progress_bar(len(records), f"indexing {what}", unit) as bar:
        embedder, index = service.embedder, service.index
        report = run_ingest(
            slug, kind, records, embedder, index, prune, bar.update, service.vendors
        )
    pruned = f", deleted {report.deleted} no longer present" if prune else ""
    click.echo(
        f"indexed {report.sources} {kind}s ({report.records} entries) for tenant '{slug}'{pruned}"
    )
    if report.verification:
        click.echo(_embedded_by(report.verification))


def _embedded_by(record: dict[str, Any]) -> str:
    """Which vendor embedded the text and the zero-retention verification it relied on."""
    return (
        f"embedded by {record['provider']} ({record['model']}): zero retention "
        f"{record['zero_retention']} on {record['verified_on']} for "
        f"{', '.join(record['provider_scopes'])} ({record['evidence']})"
    )


@cli.group(cls=Group)
def sources() -> None:
    """Inspect or remove indexed sources."""


@sources.command("delete")
@click.argument("kind", type=click.Choice(["ticket", "doc"]))
@click.argument("source_ids", nargs=-1, required=True)
@TENANT
def sources_delete(kind: Any, source_ids: tuple[str, ...], tenant: str | None) -> None:
    """Remove sources (ticket ids, or document paths such as billing/refunds.md)."""
    rows = get_services().index.delete(tenant_slug(tenant), kind, list(source_ids))
    click.echo(f"deleted {rows} index entries")


# --- drafting --------------------------------------------------------------------------------


@cli.command()
@click.argument("ticket_id")
@click.option("--queue", is_flag=True, help="Send to the workers instead of drafting here.")
@click.option("--json", "as_json", is_flag=True, help="Print the draft as API JSON.")
def draft(ticket_id: str, queue: bool, as_json: bool) -> None:
    """Draft a reply to an open ticket and print it."""
    upgrade_database()
    tenant = app().config["DEFAULT_TENANT"]
    services.get().connector.get_ticket(tenant, ticket_id)  # unknown id: fail before writing
    store = services.draft_store()
    row, _ = store.request(tenant, ticket_id, "cli")
    if queue:
        draft_task.delay(row.id)
        click.echo(f"queued draft {row.id}")
        return
    pipeline.process_draft(row.id, store, services.get())
    _print_draft(store.get(tenant, row.id), tenant, as_json)


def _print_draft(row: Any, tenant: str, as_json: bool) -> None:
    with app().test_request_context():
        body = draft_json(row, tenant)
    if as_json:
        click.echo(json.dumps(body, indent=2))
        return
    if body["status"] != "ready":
        raise click.ClickException(
            f"draft {body['status']}: {(body['error'] or {}).get('message')}"
        )
    _print_gate(body["gate"])
    click.echo(body["text"])
    click.echo()
    for note in body["notes"]:
        click.secho(f"! {note}", fg="yellow")
    for c in body["citations"]:
        click.echo(f"[{c['marker']}] {c['title']} ({c['kind']}, {c['score']:.2f}) {c['url'] or ''}")


GATE_HEADLINES = {
    "clear": ("Gate: clear, no review needed", "green"),
    "review_required": ("NEEDS REVIEW{where}: not to be used until a reviewer approves it", "red"),
    "approved": ("Gate: approved by a credentialed reviewer{where}", "green"),
    "rejected": ("REJECTED by a reviewer{where}: do not use this draft", "red"),
}


def _print_gate(gate: dict[str, Any]) -> None:
    """The gate's state, before the draft: whether it may be used, and why not."""
    if gate["urgent"] and gate.get("instruction"):
        click.secho(f"URGENT: {gate['instruction']}", fg="red", bold=True)
    where = ", ".join([*gate["domains"], *filter(None, [gate["jurisdiction"]])])
    where = f" ({where})" if gate["domains"] else ""
    headline, colour = GATE_HEADLINES[gate["status"]]
    click.secho(headline.format(where=where), fg=colour, bold=gate["status"] != "clear")
    for line in [gate["reason"], *gate["held"], *_gate_rules(gate["rules"])]:
        if line:
            click.echo(f"  {line}")
    click.echo()


def _gate_rules(entries: list[dict[str, Any]]) -> list[str]:
    """One line per rule that matched: what it matched, or its score for a whole text."""
    matched: dict[str, list[str]] = {}
    for entry in entries:
        rule = f"rule '{entry['rule']}' ({entry['domain']}, {entry['type']}"
        found = matched.setdefault(rule, [])
        if entry.get("score") is not None:
            found.append(f"score {entry['score']:.2f}")
        elif f"'{entry['text']}'" not in found:
            found.append(f"'{entry['text']}'")
    return [f"{rule}): {', '.join(found[:3])}" for rule, found in matched.items()]


@cli.command()
@click.option("--port", default=5000, show_default=True)
@click.option("--load-only", is_flag=True, help="Load the demo data and exit.")
@VERBOSE
@click.pass_context
def demo(ctx: click.Context, port: int, load_only: bool, verbose: bool) -> None:
    """Load the demo help centre and ticket history, then serve the preview."""
    upgrade_database()
    ctx.invoke(
        ingest_docs, folder=DEMO_DIR / "helpcenter", base_url=DEMO_HELP_URL, tenant=None, prune=True
    )
    ctx.invoke(
        ingest_tickets,
        file=DEMO_DIR / "tickets.jsonl",
        mapping="",
        url_template=DEMO_TICKET_URL,
        tenant=None,
        prune=True,
    )
    ctx.invoke(seed_demo, tenant=None, helpcenter=DEMO_DIR / "helpcenter", base_url=DEMO_HELP_URL)
    if not load_only:
        ctx.invoke(serve, host="127.0.0.1", port=port, worker=True, verbose=verbose)


# Every package's command group, registered here and only here.
COMMAND_GROUPS = (audit, reviewers, providers, policies, gate, redact, helpdesk_apps, helpdesk)
for group in (*COMMAND_GROUPS, keys, insights, leads_group):
    cli.add_command(group)
for command in helpdesk_ingest.commands():
    ingest.add_command(command)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
