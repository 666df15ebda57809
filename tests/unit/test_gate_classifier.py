"""The classifier rule type and the advice model: YAML errors a compliance officer can act on,
training, and what the shipped model decides on texts written for these tests."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from backend.gate import Loader, PolicyError, PolicySet, evaluate
from backend.gate.advice_model import CUES, LABELS, AdviceModel
from backend.gate.training import balanced, train
from backend.gate.training.sources import Example, read_sources
from backend.redaction import seal
from backend.retrieval import Embedder
from tests.unit.conftest import POLICIES


def write_policy(folder: Path, rule: dict[str, Any], domain: str = "medical") -> Path:
    shutil.copytree(POLICIES / "models", folder / "models", dirs_exist_ok=True)
    head = {"version": 1, "owner": "o", "domain": domain, "jurisdictions": ["*"]}
    path = folder / f"{domain}.yaml"
    path.write_text(yaml.safe_dump({**head, "rules": [rule]}, sort_keys=False), encoding="utf-8")
    return path


def problems(path: Path, embedder: Embedder) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        Loader(embedder=embedder).load_file(path)
    return caught.value.problems


RULE = {"id": "judgement", "type": "classifier", "model": "models/advice.npz"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"model": "models/missing.npz"},
            "rule 'judgement': model file not found: models/missing.npz "
            "(make it with 'precedent gate train')",
        ),
        ({"threshold": 1.5}, "rule 'judgement': 'threshold' must be between 0 and 1, not 1.5"),
        (
            {"domain": "tax"},
            "rule 'judgement': 'domain' cannot be 'tax'. Valid values are: "
            "legal, medical, financial, insurance",
        ),
        ({"treshold": 0.5}, "rule 'judgement': unknown key 'treshold'"),
    ],
)
def test_when_a_classifier_rule_is_wrong_then_the_message_names_the_line_and_the_fix(
    tmp_path: Path, embedder: Embedder, change: dict[str, Any], message: str
) -> None:
    rule = {key: value for key, value in RULE.items() if key not in change} | change
    path = write_policy(tmp_path, rule)
    found = problems(path, embedder)
    assert len(found) == 1
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+ ", found[0])
    assert message in found[0]


def test_when_the_model_was_trained_with_another_embedder_then_it_must_be_retrained(
    tmp_path: Path, embedder: Embedder
) -> None:
    path = write_policy(tmp_path, RULE)
    model = AdviceModel.load(tmp_path / "models" / "advice.npz")
    AdviceModel(model.weights, {**model.meta, "embedder": "cohere-embed"}).save(
        tmp_path / "models" / "advice.npz"
    )
    assert problems(path, embedder) == [
        f"{path}:9:10 rule 'judgement': model models/advice.npz was trained with embedder "
        f"'cohere-embed', not '{embedder.name}': retrain it"
    ]


def test_when_the_model_flags_then_the_hit_says_which_text_and_score_against_threshold(
    shipped: PolicySet,
) -> None:
    ticket = seal(
        "My 3 year old has had a fever of 39.8 since Sunday, should I give her more ibuprofen?"
    )
    decision = evaluate(shipped, ticket)
    hit = next(h for h in decision.hits if h.rule == "medical-judgement")
    assert hit.detail is not None
    assert hit.detail.startswith("the ticket is about medical (")
    assert "≥ threshold 0.50" in hit.detail


@pytest.mark.parametrize(
    ("ticket", "draft", "domains"),
    [
        ("Can you send my refill to my work address instead of home?", None, ()),
        ("How do I download last year's 1099 from the app?", None, ()),
        ("I can't log in to the claims portal, it says my password expired.", None, ()),
        (
            "My parcel with the blood pressure monitor hasn't arrived.",
            "Hi, I've asked the courier to trace it and will update you tomorrow.",
            (),
        ),
        (
            "Where do I upload the signed lease for my file?",
            "You can upload it under Documents > Upload in your client portal.",
            (),
        ),
        (
            "My landlord is keeping my whole deposit for normal wear. Do I have a case?",
            None,
            ("legal",),
        ),
        (
            "I'm 58, should I move my 401k into bonds now or leave it in the index fund?",
            None,
            ("financial",),
        ),
        (
            "A tree fell on my garage in the storm, will my homeowners policy pay for it?",
            None,
            ("insurance",),
        ),
    ],
)
def test_when_the_shipped_policies_judge_a_text_then_service_passes_and_judgements_flag(
    shipped: PolicySet, ticket: str, draft: str | None, domains: tuple[str, ...]
) -> None:
    decision = evaluate(shipped, seal(ticket), seal(draft) if draft else None)
    assert set(decision.domains) - {"safety"} == set(domains)


def test_when_ignored_product_names_hold_the_medical_words_then_the_model_does_not_read_them(
    shipped: PolicySet,
) -> None:
    decision = evaluate(shipped, seal("What does Asthma & Allergy mode do differently?"))
    assert decision.domains == ()


def test_when_examples_are_balanced_then_each_source_and_class_weighs_the_same() -> None:
    labels = np.array([1, 1, 1, 0, 0, 1])
    weights = balanced(["a", "a", "a", "a", "b", "b"], labels, 2)
    assert weights.sum() == pytest.approx(6)
    assert weights[:3].sum() == pytest.approx(weights[5])  # (a, 1) as heavy as (b, 1)
    assert weights[labels == 1].sum() == pytest.approx(weights[labels == 0].sum())


def test_when_a_model_is_trained_then_it_learns_subject_and_act_and_saves_and_loads(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(1)
    rows, vectors = [], []
    for n in range(200):
        domain, act = ("legal", "medical")[n % 2], (n // 2) % 2
        vector = rng.normal(0, 0.1, 8)
        vector[n % 2] += 2.0  # the subject
        vector[2] += 2.0 * act  # the act
        rows.append(Example("s", str(n), "text", "ticket", domain, act))
        vectors.append(vector)
    for n in range(40):
        rows.append(Example("r", f"d{n}", "you should", "draft", None, n % 2))
        vectors.append(np.eye(8)[3] * 2.0 * (n % 2) + rng.normal(0, 0.1, 8))
    features = np.hstack([np.array(vectors), np.zeros((len(rows), len(CUES)))]).astype(np.float32)
    model = train(rows, features, "tiny")
    model.save(tmp_path / "m.npz")
    loaded = AdviceModel.load(tmp_path / "m.npz")
    probe = np.zeros((2, 8), dtype=np.float32)
    probe[0, [0, 2]] = 2.0  # legal, asks
    probe[1, 1] = 2.0  # medical, no act
    asks_legal, plain_medical = loaded.scores_many(probe, ["", ""])
    assert max(asks_legal.domain, key=asks_legal.domain.__getitem__) == "legal"
    assert asks_legal.asks > 0.9 > 0.1 > plain_medical.asks
    assert max(plain_medical.domain, key=plain_medical.domain.__getitem__) == "other"
    assert loaded.meta["embedder"] == "tiny"
    assert list(loaded.meta["labels"]) == list(LABELS)


def test_when_only_the_policies_examples_are_there_then_training_reads_them_alone(
    tmp_path: Path,
) -> None:
    (tmp_path / "examples" / "legal").mkdir(parents=True)
    (tmp_path / "examples" / "support").mkdir()
    (tmp_path / "examples" / "legal" / "positives.txt").write_text("# asks\nCan I sue?\n")
    (tmp_path / "examples" / "support" / "replies.txt").write_text("Your refund is on its way.\n")
    rows = read_sources(None, tmp_path, limit=10)
    assert [(r.text, r.role, r.domain, r.act) for r in rows] == [
        ("Can I sue?", "ticket", "legal", 1),
        ("Your refund is on its way.", "draft", "other", 0),
    ]


def test_when_the_shipped_model_is_read_then_its_manifest_names_every_source_with_a_hash() -> None:
    manifest = json.loads((POLICIES / "models" / "advice.json").read_text(encoding="utf-8"))
    names = {source["name"] for source in manifest["sources"]}
    assert {"precedent_examples", "learned_hands", "banking77", "reddit"} <= names
    assert all(len(source["sha256"]) == 64 for source in manifest["sources"])
    assert set(manifest["rows"]) >= {"precedent_examples", "fiqa", "clinc150"}
