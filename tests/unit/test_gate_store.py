"""Hot reload: a valid edit takes effect at once; a broken one is reported and not used."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from backend.gate import PolicyAlert, PolicyError, PolicyStore
from backend.redaction import seal

POLICY = """\
version: {version}
owner: compliance@example.com
domain: legal
jurisdictions: ["*"]
rules:
  - id: words
    type: terms
    terms: [{term}]
"""


def write(folder: Path, term: str, version: int = 1) -> None:
    (folder / "legal.yaml").write_text(POLICY.format(term=term, version=version))


def domains(store: PolicyStore, text: str) -> tuple[str, ...]:
    return store.evaluate(seal(text)).domains


def test_when_a_policy_is_edited_then_the_next_evaluation_uses_it(tmp_path: Path) -> None:
    write(tmp_path, "lawyer")
    store = PolicyStore(tmp_path)
    assert domains(store, "I need a lawyer") == ("legal",)
    first = store.current().versions()["legal"]
    write(tmp_path, "attorney", version=2)
    assert domains(store, "I need a lawyer") == ()
    assert domains(store, "I need an attorney") == ("legal",)
    assert store.current().versions()["legal"] != first


def test_when_an_edit_is_broken_then_the_running_version_stays_and_the_error_is_kept(
    tmp_path: Path,
) -> None:
    write(tmp_path, "lawyer")
    store = PolicyStore(tmp_path)
    running = store.current().versions()
    (tmp_path / "legal.yaml").write_text(POLICY.format(term="lawyer", version=2) + "    acton: 1\n")
    assert domains(store, "I need a lawyer") == ("legal",)
    assert store.current().versions() == running
    assert store.last_error is not None
    assert store.last_error.message == (
        f"{tmp_path / 'legal.yaml'}:9:5 rule 'words': unknown key 'acton'. Valid keys are: "
        "case_sensitive, description, id, ignore, jurisdictions, negation, only_if_asking, "
        "reads, terms, type, unless"
    )
    write(tmp_path, "attorney", version=3)
    assert domains(store, "I need an attorney") == ("legal",)
    assert store.last_error is None


def test_when_no_valid_version_ever_loaded_then_evaluating_raises(tmp_path: Path) -> None:
    (tmp_path / "legal.yaml").write_text("version: [\n")
    store = PolicyStore(tmp_path)
    with pytest.raises(PolicyError, match="not valid YAML"):
        store.evaluate(seal("hello"))


def write_domains(folder: Path, *domains: str) -> None:
    for domain in domains:
        text = POLICY.format(term=f"{domain}-word", version=1).replace("legal", domain)
        (folder / f"{domain}.yaml").write_text(text)


def required_store(folder: Path, alerts: list[PolicyAlert] | None = None) -> PolicyStore:
    listeners = [alerts.append] if alerts is not None else []
    return PolicyStore(folder, required=DOMAINS_REQUIRED, listeners=listeners)


DOMAINS_REQUIRED = ("financial", "insurance", "legal", "medical")


def test_when_a_required_policy_is_deleted_then_every_decision_holds_it_and_says_why(
    tmp_path: Path,
) -> None:
    write_domains(tmp_path, "financial", "insurance", "legal", "medical")
    store = required_store(tmp_path)
    assert domains(store, "Can I legally withhold rent?") == ()
    (tmp_path / "legal.yaml").unlink()
    decision = store.evaluate(seal("Can I legally withhold rent?"), None, "US-CA")
    assert decision.domains == ("legal",)
    assert decision.held == (f"policy for legal is missing: {tmp_path.name}/legal.yaml not found",)
    assert [(h.domain, h.rule, h.type) for h in decision.hits] == [
        ("legal", "policy-for-legal-is-missing", "missing_policy")
    ]
    assert decision.policy_versions["legal"] == "missing"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda folder: (folder / "legal.yaml").rename(folder / "legal.yml"),
            "policies must end in .yaml; found legal.yml",
        ),
        (
            lambda folder: (folder / "legal.yaml").write_text(
                POLICY.format(term="lawyer", version=1).replace("domain: legal", "domain: medical")
            ),
            "{folder}/legal.yaml declares domain 'medical', not 'legal'",
        ),
    ],
)
def test_when_a_required_policy_is_renamed_or_retargeted_then_the_reason_says_how(
    tmp_path: Path, change: Callable[[Path], object], reason: str
) -> None:
    write_domains(tmp_path, "financial", "insurance", "legal", "medical")
    store = required_store(tmp_path)
    change(tmp_path)
    decision = store.evaluate(seal("Where is my parcel?"))
    assert decision.domains == ("legal",)
    assert decision.held == ("policy for legal is missing: " + reason.format(folder=tmp_path.name),)


def test_when_a_broken_edit_is_seen_again_and_again_then_it_is_reported_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_domains(tmp_path, "financial", "insurance", "legal", "medical")
    alerts: list[PolicyAlert] = []
    store = required_store(tmp_path, alerts)
    running = store.current().versions()["legal"]
    (tmp_path / "legal.yaml").write_text(POLICY.format(term="lawyer", version=2) + "    acton: 1\n")
    for _ in range(3):
        store.evaluate(seal("hello"))
    write_domains(tmp_path, "medical")  # another file changes: still the same failure
    (tmp_path / "medical.yaml").write_text((tmp_path / "medical.yaml").read_text() + "# note\n")
    store.evaluate(seal("hello"))
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and len(alerts) == 1
    file = f"{tmp_path.name}/legal.yaml"
    message = (
        "rule 'words': unknown key 'acton'. Valid keys are: case_sensitive, description, id, "
        "ignore, jurisdictions, negation, only_if_asking, reads, terms, type, unless"
    )
    assert errors[0].getMessage() == (
        f"policy file not loaded (its running version {running} stays in force): "
        f"{file}:9:5 {message}"
    )
    assert alerts[0].action == "policy.load_failed"
    assert alerts[0].details == {
        "file": file,
        "line": 9,
        "column": 5,
        "message": message,
        "problems": [f"{file}:9:5 {message}"],
        "running_version": running,
    }

    (tmp_path / "legal.yaml").write_text(POLICY.format(term="lawyer", version=3) + "  - 5\n")
    store.evaluate(seal("hello"))
    assert len(alerts) == 2 and alerts[1].details["line"] == 9
    assert alerts[1].details["message"] == (
        "each item of 'rules' must be a mapping, not a whole number '5'"
    )


def test_when_files_differ_from_what_is_in_force_then_status_names_each_state(
    tmp_path: Path,
) -> None:
    write_domains(tmp_path, "financial", "insurance", "legal", "medical")
    store = required_store(tmp_path)
    versions = store.current().versions()
    (tmp_path / "legal.yaml").write_bytes(b"version: 1\nowner: \xff\n")
    (tmp_path / "medical.yaml").write_text(POLICY.format(term="nurse", version=2))
    (tmp_path / "financial.yaml").unlink()
    (tmp_path / "notes.yml").write_text("hello: 1\n")
    status = store.status()
    folder = tmp_path.name
    states = {f.file: (f.state, f.loaded_version, f.error) for f in status.files}
    assert states == {
        f"{folder}/financial.yaml": ("missing", versions["financial"], None),
        f"{folder}/insurance.yaml": ("ok", versions["insurance"], None),
        f"{folder}/legal.yaml": (
            "broken",
            versions["legal"],
            f"{folder}/legal.yaml: not UTF-8 text (byte 18); save it as UTF-8",
        ),
        f"{folder}/medical.yaml": ("not_loaded", versions["medical"], None),
        f"{folder}/notes.yml": (
            "ignored",
            None,
            "policies must end in .yaml; found notes.yml (rename it notes.yaml)",
        ),
    }
    assert not status.ok and status.missing == {}  # the running versions stay in force
    assert status.problems() == [
        f"{folder}/financial.yaml: file not found; the running version {versions['financial']} "
        "stays in force until every policy file loads",
        f"{folder}/legal.yaml: not UTF-8 text (byte 18); save it as UTF-8 (not loaded; the "
        f"running version {versions['legal']} stays in force)",
        f"{folder}/notes.yml: policies must end in .yaml; found notes.yml (rename it notes.yaml)",
    ]
