"""``precedent policies check|test`` and ``precedent gate eval``.

Registered on the main command with ``cli.add_command(policies)`` and
``cli.add_command(gate)``; both groups also turn our errors into one ``Error:`` line on
their own. Every text is redacted before the gate sees it, as in the pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from backend.clitools import Group
from backend.connectors.files import jsonl_rows
from backend.errors import InputError, PrecedentError
from backend.gate.decision import GateDecision
from backend.gate.examples import run_examples
from backend.gate.metrics import Tally
from backend.gate.policyset import Loader, PolicySet, policy_files
from backend.gate.schema import PolicyError
from backend.redaction import RedactedText, Vault


class ExamplesFailed(PrecedentError):
    code = "policy_examples_failed"


DIRECTORY = click.argument(
    "directory", required=False, type=click.Path(path_type=Path), metavar="[DIR]"
)


def policies_dir(directory: Path | None) -> Path:
    from backend.cli import app

    return directory or Path(app().config["POLICIES_DIR"] or "policies")


def loader() -> Loader:
    from backend import services
    from backend.cli import app

    cache = Path(app().config["DATA_DIR"]) / "gate-cache"
    return Loader(embedder=services.get().embedder, cache_dir=cache)


def redact(text: str) -> RedactedText:
    """Redact one input text as the pipeline does, with a vault of its own."""
    from backend import services

    return services.get().redactor.redact(text, Vault())


@click.group(cls=Group)
def policies() -> None:
    """Check and test the compliance policies (policies/*.yaml by default)."""


@policies.command("check")
@DIRECTORY
def policies_check(directory: Path | None) -> None:
    """Load every policy in DIR and list each problem with file:line:column."""
    folder, load, problems = policies_dir(directory), loader(), []
    for path in policy_files(folder):
        try:
            policy = load.load_file(path)
        except PolicyError as exc:
            problems += exc.problems
            continue
        click.echo(f"{path}: ok ({policy.domain}, {len(policy.rules)} rules, {policy.version})")
    for problem in problems:
        click.echo(problem)
    if problems:
        raise PolicyError([f"{len(problems)} problem(s) in the policies in {folder}"])


@policies.command("test")
@DIRECTORY
def policies_test(directory: Path | None) -> None:
    """Run every policy's should_flag / should_pass examples and list the failures."""
    loaded = loader().load(policies_dir(directory))
    count, failures = run_examples(loaded, redact)
    for failure in failures:
        click.echo(failure.describe())
    if failures:
        raise ExamplesFailed(f"{len(failures)} of {count} policy examples failed")
    click.echo(f"{count} examples of {len(loaded.policies)} policies: all passed")


@click.group(cls=Group)
def gate() -> None:
    """Run the compliance gate over tickets and drafts."""


@gate.command("eval")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--policies",
    "directory",
    type=click.Path(path_type=Path),
    default=None,
    help="Policy folder (default: the PRECEDENT_POLICIES_DIR setting, policies).",
)
def gate_eval(file: Path, directory: Path | None) -> None:
    """Evaluate each JSON line of FILE and print one decision per line.

    Input lines: {"id", "ticket", "draft"?, "jurisdiction"?, "expected"?}, where expected
    lists the domains that should be hit. Output lines: {"id", "domains", "rules"}, then,
    when inputs carry expected, a summary line with per-domain precision and recall.
    """
    from backend.gate.evaluate import evaluate

    items = list(read_items(file))
    loaded: PolicySet = loader().load(policies_dir(directory))
    tally = Tally()
    for item in items:
        draft = item.get("draft")
        decision = evaluate(
            loaded,
            redact(item["ticket"]),
            redact(draft) if draft else None,
            item.get("jurisdiction", ""),
        )
        click.echo(json.dumps(_result(item["id"], decision)))
        if "expected" in item:
            tally.add(item["expected"], decision.domains)
    if tally.items:
        click.echo(json.dumps({"summary": tally.summary()}))


def _result(item_id: Any, decision: GateDecision) -> dict[str, Any]:
    rules = [{"policy": h.policy, "rule": h.rule, "domain": h.domain} for h in decision.hits]
    return {"id": item_id, "domains": list(decision.domains), "rules": rules}


FIELDS = {"id": (str, int), "ticket": (str,), "draft": (str,), "jurisdiction": (str,)}


def read_items(file: Path) -> Iterator[dict[str, Any]]:
    """The input lines, checked; errors name the file and line."""
    for number, item in jsonl_rows(file):
        yield _item(file, number, item)


def _item(file: Path, number: int, item: dict[str, Any]) -> dict[str, Any]:
    for key in ("id", "ticket"):
        if key not in item:
            raise InputError(f"{file}:{number}: missing '{key}'")
    for key, kinds in FIELDS.items():
        if key in item and not isinstance(item[key], kinds):
            raise InputError(f"{file}:{number}: '{key}' must be text")
    expected = item.get("expected", [])
    if not isinstance(expected, list) or not all(isinstance(d, str) for d in expected):
        raise InputError(f"{file}:{number}: 'expected' must be a list of domains")
    return item
