"""Languages: a text in a language a policy was not measured on never passes silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from backend.gate import Loader, PolicyError, PolicySet, evaluate, load_policies
from backend.gate.language import detect
from backend.redaction import seal
from backend.retrieval import Embedder
from tests.unit.conftest import POLICIES

FRENCH_ORDER = "Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier le suivi ?"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (FRENCH_ORDER, "fr"),
        ("Hallo, meine Bestellung ist nicht angekommen, können Sie nachsehen?", "de"),
        ("Hola, necesito cambiar la dirección de entrega de mi pedido.", "es"),
        ("Hi, my order hasn't arrived yet, could you check the tracking?", "en"),
        ("Hi <PERSON_1>, your order ORD-88123 ships today.", "en"),
    ],
)
def test_when_a_text_is_long_enough_then_its_language_is_detected(text: str, code: str) -> None:
    found = detect(text)
    assert found is not None and found.code == code


@pytest.mark.parametrize("text", ["ok thanks", "Re: INV-2231", "<PERSON_1> 555-0101"])
def test_when_a_text_is_too_short_to_tell_then_no_language_is_claimed(text: str) -> None:
    assert detect(text) is None


def test_when_a_french_service_request_arrives_then_one_domain_holds_it_and_says_why(
    shipped: PolicySet,
) -> None:
    decision = evaluate(shipped, seal(FRENCH_ORDER))
    assert len(decision.domains) == 1
    (hit,) = decision.hits
    assert (hit.rule, hit.type) == ("unsupported-language", "language")
    assert hit.detail is not None and "the ticket is in French (fr" in hit.detail
    assert decision.languages == {"ticket": "fr"}
    assert any("trained on English" in note for note in decision.notes)


def test_when_an_english_ticket_arrives_then_no_language_rule_fires(shipped: PolicySet) -> None:
    decision = evaluate(shipped, seal("Hi, my order hasn't arrived yet, could you check?"))
    assert decision.domains == ()
    assert decision.languages == {"ticket": "en"}
    assert decision.notes == ()


def write(folder: Path, extra: dict[str, object]) -> Path:
    shutil.copytree(POLICIES / "models", folder / "models", dirs_exist_ok=True)
    policy = {
        "version": 1,
        "owner": "o",
        "domain": "legal",
        "jurisdictions": ["*"],
        **extra,
        "rules": [{"id": "sue", "type": "terms", "terms": ["sue"]}],
    }
    path = folder / "legal.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    return path


def test_when_a_policy_says_warn_then_the_text_passes_with_a_note(
    tmp_path: Path, embedder: Embedder
) -> None:
    write(tmp_path, {"languages": ["en"], "unsupported_language": "warn"})
    decision = evaluate(load_policies(tmp_path, embedder), seal(FRENCH_ORDER))
    assert decision.domains == ()
    assert decision.notes[0].startswith("The ticket is in French; the legal policies were not")


def test_when_a_policy_lists_the_language_then_the_text_is_judged_by_its_rules(
    tmp_path: Path, embedder: Embedder
) -> None:
    write(tmp_path, {"languages": ["en", "fr"]})
    decision = evaluate(load_policies(tmp_path, embedder), seal(FRENCH_ORDER))
    assert decision.domains == ()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"languages": ["en", "french"]}, "unknown language 'french'. Valid codes (ISO 639-1)"),
        ({"unsupported_language": "ignore"}, "'unsupported_language' cannot be 'ignore'"),
    ],
)
def test_when_the_language_keys_are_wrong_then_the_message_lists_the_valid_values(
    tmp_path: Path, embedder: Embedder, extra: dict[str, object], message: str
) -> None:
    path = write(tmp_path, extra)
    with pytest.raises(PolicyError) as caught:
        Loader(embedder=embedder).load_file(path)
    assert message in caught.value.problems[0]
