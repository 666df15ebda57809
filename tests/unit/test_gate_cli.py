"""``precedent policies check|test`` and ``precedent gate eval`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from backend.gate.cli import gate, policies

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@click.group()
def precedent() -> None:
    """Stand-in for the main command, which adds the gate's groups the same way."""


precedent.add_command(policies)
precedent.add_command(gate)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture
def run(cache_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(cache_dir))
    monkeypatch.setenv("PRECEDENT_POLICIES_DIR", str(POLICIES))

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(precedent, list(args), catch_exceptions=False)

    return invoke


def broken_folder(tmp_path: Path) -> Path:
    (tmp_path / "legal.yaml").write_text(
        "version: 1\nowner: o\ndomain: legal\njurisdictions: ['*']\n"
        "rules:\n  - {id: rx, type: regex, pattern: '(a'}\n"
    )
    return tmp_path


def test_when_the_default_policies_are_checked_then_each_file_is_ok(run) -> None:  # type: ignore[no-untyped-def]
    result = run("policies", "check")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split(": ok (")[0] for line in lines] == [
        str(POLICIES / f"{d}.yaml")
        for d in ("financial", "insurance", "legal", "medical", "safety")
    ]


def test_when_a_policy_is_broken_then_check_lists_the_problem_and_fails(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_REQUIRED_POLICIES", "legal")  # broken, not also missing
    folder = broken_folder(tmp_path)
    result = run("policies", "check", str(folder))
    assert result.exit_code == 1
    assert result.output == (
        f"{folder / 'legal.yaml'}:6:36 rule 'rx': bad regular expression '(a': "
        "missing ), unterminated subpattern at position 0\n"
        f"Error: 1 problem(s) in the policies in {folder}\n"
    )


def policy(folder: Path, name: str, domain: str) -> None:
    (folder / name).write_text(
        f"version: 1\nowner: o\ndomain: {domain}\njurisdictions: ['*']\n"
        "rules:\n  - {id: t, type: terms, terms: [lawyer]}\n"
    )


def test_when_a_required_policy_file_is_missing_then_check_names_it_and_fails(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_REQUIRED_POLICIES", "legal,medical")
    policy(tmp_path, "medical.yaml", "medical")
    result = run("policies", "check", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        f"policy for legal is missing: {tmp_path / 'legal.yaml'} not found; "
        "required domains (PRECEDENT_REQUIRED_POLICIES): legal, medical",
        f"Error: 1 problem(s) in the policies in {tmp_path}",
    ]


def test_when_a_policy_is_saved_as_yml_then_check_says_policies_end_in_yaml(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_REQUIRED_POLICIES", "legal")
    policy(tmp_path, "legal.yml", "legal")
    result = run("policies", "check", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == (
        f"{tmp_path / 'legal.yml'}: policies must end in .yaml; found legal.yml "
        "(rename it legal.yaml)\n"
        "policy for legal is missing: policies must end in .yaml; found legal.yml; "
        "required domains (PRECEDENT_REQUIRED_POLICIES): legal\n"
        f"Error: 2 problem(s) in the policies in {tmp_path}\n"
    )


def test_when_the_default_policies_examples_run_then_all_pass(run) -> None:  # type: ignore[no-untyped-def]
    result = run("policies", "test")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(" examples of 5 policies: all passed\n")


def test_when_an_example_fails_then_test_names_it_and_fails(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "legal.yaml").write_text(
        "version: 1\nowner: o\ndomain: legal\njurisdictions: ['*']\n"
        "rules:\n  - {id: t, type: terms, terms: [lawyer]}\n"
        "examples:\n  should_flag:\n    - ticket: Can I sue my landlord?\n"
        "  should_pass:\n    - ticket: My filter is dirty\n"
    )
    result = run("policies", "test", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == (
        f"{tmp_path / 'legal.yaml'}:9:7 should_flag example was not flagged (no rule of "
        "policy 'legal' matched): Can I sue my landlord?\nError: 1 of 2 policy examples failed\n"
    )


def test_when_a_should_pass_example_is_flagged_then_test_names_the_rule_and_the_term(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    (tmp_path / "legal.yaml").write_text(
        "version: 1\nowner: o\ndomain: legal\njurisdictions: ['*']\n"
        "rules:\n  - {id: lawyer-word, type: terms, terms: [lawyer]}\n"
        "examples:\n  should_pass:\n    - ticket: Our lawyer approved the new filter\n"
    )
    result = run("policies", "test", str(tmp_path / "legal.yaml"))
    assert result.exit_code == 1
    assert result.output == (
        f"{tmp_path / 'legal.yaml'}:9:7 should_pass example was flagged by rule 'lawyer-word' "
        "(terms: ticket 'lawyer'): Our lawyer approved the new filter\n"
        "Error: 1 of 1 policy examples failed\n"
    )


def test_when_one_policy_file_is_checked_then_only_that_file_is_loaded(run) -> None:  # type: ignore[no-untyped-def]
    result = run("policies", "check", str(POLICIES / "legal.yaml"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{POLICIES / 'legal.yaml'}: ok (legal, ")
    assert len(result.output.splitlines()) == 1


def test_when_one_broken_policy_file_is_checked_then_its_problems_are_listed(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    path = broken_folder(tmp_path) / "legal.yaml"
    result = run("policies", "check", str(path))
    assert (result.exit_code, result.output) == (
        1,
        f"{path}:6:36 rule 'rx': bad regular expression '(a': missing ), unterminated "
        f"subpattern at position 0\nError: 1 problem(s) in {path}\n",
    )


def test_when_the_policy_path_does_not_exist_then_check_says_what_to_give(run) -> None:  # type: ignore[no-untyped-def]
    result = run("policies", "check", "legl.yaml")
    assert (result.exit_code, result.output) == (
        1,
        "Error: legl.yaml: not found; give a policy folder or one .yaml file\n",
    )


def test_when_inputs_carry_expected_then_eval_prints_decisions_and_a_summary(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    lines = [
        {
            "id": "1",
            "ticket": "Can I take my landlord to small claims court?",
            "expected": ["legal"],
        },
        {"id": "2", "ticket": "Where is my order?", "draft": "It ships today.", "expected": []},
        {"id": "3", "ticket": "Should I stop my inhaler?", "jurisdiction": "US-CA", "expected": []},
    ]
    file = tmp_path / "in.jsonl"
    file.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    result = run("gate", "eval", str(file))
    assert result.exit_code == 0, result.output
    output = [json.loads(line) for line in result.output.splitlines()]
    assert [(o["id"], o["domains"]) for o in output[:3]] == [
        ("1", ["legal"]),
        ("2", []),
        ("3", ["medical"]),
    ]
    assert {"policy": "legal", "rule": "asks-what-the-law-allows", "domain": "legal"} in output[0][
        "rules"
    ]
    summary = output[3]["summary"]
    assert summary["legal"] == {"precision": 1.0, "recall": 1.0, "tp": 1, "fp": 0, "fn": 0}
    assert summary["medical"] == {"precision": 0.0, "recall": None, "tp": 0, "fp": 1, "fn": 0}


def test_when_text_has_personal_data_then_it_is_redacted_before_the_gate(  # type: ignore[no-untyped-def]
    run, tmp_path: Path
) -> None:
    file = tmp_path / "in.jsonl"
    file.write_text(json.dumps({"id": 7, "ticket": "please write to sue@example.com"}) + "\n")
    result = run("gate", "eval", str(file))
    assert json.loads(result.output) == {"id": 7, "domains": [], "rules": []}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"id": "1", "ticket": "a"}\n{oops\n',
            "{file}:2: not valid JSON (Expecting property name enclosed in double quotes)",
        ),
        ('{"ticket": "a"}\n', "{file}:1: missing 'id'"),
        ('{"id": "1", "ticket": 5}\n', "{file}:1: 'ticket' must be text"),
        (
            '{"id": "1", "ticket": "a", "expected": "legal"}\n',
            "{file}:1: 'expected' must be a list of domains",
        ),
    ],
)
def test_when_an_input_line_is_bad_then_eval_names_the_line(  # type: ignore[no-untyped-def]
    run, tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "in.jsonl"
    file.write_text(content)
    result = run("gate", "eval", str(file))
    assert result.exit_code == 1
    assert result.output == f"Error: {message.format(file=file)}\n"


def test_when_the_input_file_is_missing_then_eval_says_so(run) -> None:  # type: ignore[no-untyped-def]
    result = run("gate", "eval", "missing.jsonl")
    assert result.exit_code == 1
    assert result.output == "Error: file not found: missing.jsonl\n"
