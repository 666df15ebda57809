"""Hot reload: a valid edit takes effect at once; a broken one is reported and not used."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.gate import PolicyError, PolicyStore
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
