"""``precedent policies check|test`` and ``precedent gate eval|train``.

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

from backend import jsonl
from backend.clitools import Group, app, get_services, progress_bar
from backend.errors import InputError, PrecedentError
from backend.gate.decision import GateDecision
from backend.gate.evaluate import evaluate
from backend.gate.examples import run_examples
from backend.gate.metrics import Tally
from backend.gate.policy import Policy
from backend.gate.policyset import (
    NOT_POLICIES,
    Loader,
    PolicySet,
    misnamed_files,
    misnamed_problem,
    policy_files,
    policy_set,
)
from backend.gate.schema import PolicyError
from backend.gate.status import missing_domains, required_policies
from backend.gate.training.cli import train_command
from backend.redaction import RedactedText, Vault


class ExamplesFailed(PrecedentError):
    code = "policy_examples_failed"


DIRECTORY = click.argument(
    "directory", required=False, type=click.Path(path_type=Path), metavar="[DIR|FILE]"
)


def policies_dir(directory: Path | None) -> Path:
    target = directory or Path(app().config["POLICIES_DIR"] or "policies")
    if not target.exists():
        raise PolicyError([f"{target}: not found; give a policy folder or one .yaml file"])
    return target


def load_target(target: Path) -> PolicySet:
    """The policies of a folder, or of one policy file."""
    if not target.is_file():
        return loader().load(target)
    load = loader()
    return policy_set(load.load_each([_policy_file(target)]), load.embedder)


def _policy_file(path: Path) -> Path:
    if path.name in NOT_POLICIES:
        raise PolicyError([f"{path}: not a compliance policy (the gate never loads it)"])
    if path.suffix != ".yaml":
        raise PolicyError([f"{path}: {misnamed_problem(path)}"])
    return path


def loader() -> Loader:
    cache = Path(app().config["DATA_DIR"]) / "gate-cache"
    return Loader(embedder=get_services().embedder, cache_dir=cache)


def redact(text: str) -> RedactedText:
    """Redact one input text as the pipeline does, with a vault of its own."""
    return get_services().redactor.redact(text, Vault())


@click.group(cls=Group)
def policies() -> None:
    """Check and test the compliance policies (policies/*.yaml by default)."""


@policies.command("check")
@DIRECTORY
def policies_check(directory: Path | None) -> None:
    """Load every policy in DIR (or one FILE) and list each problem with file:line:column.

    A folder also fails when a required domain (PRECEDENT_REQUIRED_POLICIES) has no valid
    policy, and on *.yml files, which the gate never loads.
    """
    target = policies_dir(directory)
    if target.is_file():
        _check_file(target)
    else:
        _check_folder(target)


def _check_file(path: Path) -> None:
    result = loader().load_each([_policy_file(path)])[path]
    if isinstance(result, PolicyError):
        for problem in result.problems:
            click.echo(problem)
        raise PolicyError([f"{len(result.problems)} problem(s) in {path}"])
    click.echo(_ok(path, result))


def _ok(path: Path, policy: Policy) -> str:
    return f"{path}: ok ({policy.domain}, {len(policy.rules)} rules, {policy.version})"


def _check_folder(folder: Path) -> None:
    load = loader()
    problems = [f"{path}: {misnamed_problem(path)}" for path in misnamed_files(folder)]
    try:
        results = load.load_each(policy_files(folder))
    except PolicyError:
        if not problems:  # no folder, or no policy file and no misnamed one to explain it
            raise
        results = {}
    for path, result in results.items():
        if isinstance(result, PolicyError):
            problems += result.problems
            continue
        click.echo(_ok(path, result))
    loaded = [r for r in results.values() if not isinstance(r, PolicyError)]
    broken = {path for path, result in results.items() if isinstance(result, PolicyError)}
    problems += _missing(folder, loaded, broken)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise PolicyError([f"{len(problems)} problem(s) in the policies in {folder}"])


def _missing(folder: Path, loaded: list[Policy], broken: set[Path]) -> list[str]:
    """A line per required domain no valid policy covers (a broken file says why already)."""
    required = required_policies(app().config)
    missing = missing_domains(required, loaded, folder)
    note = f"required domains (PRECEDENT_REQUIRED_POLICIES): {', '.join(required)}"
    return [
        f"{reason}; {note}"
        for domain, reason in missing.items()
        if folder / f"{domain}.yaml" not in broken
    ]


@policies.command("test")
@DIRECTORY
def policies_test(directory: Path | None) -> None:
    """Run every policy's should_flag / should_pass examples and list the failures.

    A failure names the example's file:line:column and, for a should_pass example that
    was flagged, each rule that matched and what it matched.
    """
    loaded = load_target(policies_dir(directory))
    count, failures = run_examples(loaded, redact)
    for failure in failures:
        click.echo(failure.describe())
    if failures:
        raise ExamplesFailed(f"{len(failures)} of {count} policy examples failed")
    click.echo(f"{count} examples of {len(loaded.policies)} policies: all passed")


@click.group(cls=Group)
def gate() -> None:
    """Run the compliance gate over tickets and drafts."""


gate.add_command(train_command)


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
    items = list(read_items(file))
    loaded: PolicySet = loader().load(policies_dir(directory))
    tally = Tally()
    with progress_bar(len(items), f"evaluating {file}", " items") as bar:
        for item in items:
            decision = _decide(loaded, item)
            bar.clear()  # the decision line goes to stdout, not through the bar's line
            click.echo(json.dumps(_result(item["id"], decision)))
            bar.update(1)
            if "expected" in item:
                tally.add(item["expected"], decision.domains)
    if tally.items:
        click.echo(json.dumps({"summary": tally.summary()}))


def _decide(loaded: PolicySet, item: dict[str, Any]) -> GateDecision:
    draft = item.get("draft")
    ticket = redact(item["ticket"])
    return evaluate(loaded, ticket, redact(draft) if draft else None, item.get("jurisdiction", ""))


def _result(item_id: Any, decision: GateDecision) -> dict[str, Any]:
    rules = [{"policy": h.policy, "rule": h.rule, "domain": h.domain} for h in decision.hits]
    return {"id": item_id, "domains": list(decision.domains), "rules": rules}


FIELDS = {"id": (str, int), "ticket": (str,), "draft": (str,), "jurisdiction": (str,)}


def read_items(file: Path) -> Iterator[dict[str, Any]]:
    """The input lines, checked; errors name the file and line."""
    for number, item in jsonl.rows(file):
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
