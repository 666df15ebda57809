"""Rule types: every docstring example is loaded and run; evaluate() reports what matched."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from backend.gate import Loader, PolicySet, evaluate, rule_types
from backend.redaction import RedactedText, seal
from backend.retrieval import Embedder, embedders

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def loader() -> Loader:
    embedder: Embedder = embedders.get("minilm-onnx")(threads=1)  # type: ignore[call-arg]
    return Loader(embedder=embedder)


def docstring_example(name: str) -> dict[str, Any]:
    doc = rule_types.get(name).__doc__ or ""
    assert "Example::" in doc, f"rule type '{name}' has no Example:: block"
    example: dict[str, Any] = yaml.safe_load(textwrap.dedent(doc.split("Example::", 1)[1]))
    return example


def policy_with(tmp_path: Path, loader: Loader, rules: list[dict[str, Any]]) -> PolicySet:
    shutil.copytree(POLICIES / "examples", tmp_path / "examples", dirs_exist_ok=True)
    shutil.copytree(POLICIES / "models", tmp_path / "models", dirs_exist_ok=True)
    head = {"version": 1, "owner": "o", "domain": "legal", "jurisdictions": ["*"]}
    path = tmp_path / "legal.yaml"
    path.write_text(yaml.safe_dump({**head, "rules": rules}), encoding="utf-8")
    return PolicySet((loader.load_file(path),), loader.embedder)


def flagged(policies: PolicySet, case: str | dict[str, str]) -> bool:
    ticket, draft = (case, None) if isinstance(case, str) else (case["ticket"], case.get("draft"))
    return bool(evaluate(policies, seal(ticket), seal(draft) if draft else None).domains)


@pytest.mark.parametrize("name", rule_types.names())
def test_when_a_rule_types_docstring_example_runs_then_it_flags_and_passes_as_documented(
    tmp_path: Path, loader: Loader, name: str
) -> None:
    example = docstring_example(name)
    assert example["rule"]["type"] == name
    policies = policy_with(tmp_path, loader, [example["rule"]])
    assert [flagged(policies, c) for c in example["should_flag"]] == [True] * len(
        example["should_flag"]
    )
    assert [flagged(policies, c) for c in example["should_pass"]] == [False] * len(
        example["should_pass"]
    )


def test_when_a_rule_matches_then_the_spans_name_source_offsets_and_text(
    tmp_path: Path, loader: Loader
) -> None:
    rule = {"id": "suing", "type": "terms", "terms": ["sue", "small claims"]}
    policies = policy_with(tmp_path, loader, [rule])
    decision = evaluate(policies, seal("Hi"), seal("You could sue in small claims court."))
    assert decision.domains == ("legal",)
    assert [(s.source, s.start, s.end, s.text) for s in decision.hits[0].spans] == [
        ("draft", 10, 13, "sue"),
        ("draft", 17, 29, "small claims"),
    ]
    assert decision.policy_versions == {"legal": policies.policies[0].version}


@pytest.mark.parametrize(
    ("reads", "expected"), [("ticket", ("legal",)), ("draft", ()), ("both", ("legal",))]
)
def test_when_a_rule_reads_one_text_then_the_other_is_ignored(
    tmp_path: Path, loader: Loader, reads: str, expected: tuple[str, ...]
) -> None:
    rule = {"id": "t", "type": "terms", "terms": ["lawyer"], "reads": reads}
    policies = policy_with(tmp_path, loader, [rule])
    assert evaluate(policies, seal("Do I need a lawyer?"), seal("No.")).domains == expected


@pytest.mark.parametrize(
    ("jurisdiction", "expected"),
    [
        ("US-CA", ("legal",)),
        ("us-tx", ("legal",)),
        ("DE", ("legal",)),
        ("GB", ()),
        ("", ("legal",)),
    ],
)
def test_when_a_rule_covers_some_jurisdictions_then_it_applies_only_there(
    tmp_path: Path, loader: Loader, jurisdiction: str, expected: tuple[str, ...]
) -> None:
    rule = {"id": "t", "type": "terms", "terms": ["lawyer"], "jurisdictions": ["US-*", "EU-*"]}
    policies = policy_with(tmp_path, loader, [rule])
    decision = evaluate(policies, seal("Do I need a lawyer?"), None, jurisdiction)
    assert decision.domains == expected


def test_when_a_phrase_is_ignored_then_its_words_do_not_count(
    tmp_path: Path, loader: Loader
) -> None:
    rule = {"id": "t", "type": "entities", "kinds": ["condition"], "ignore": ["asthma mode"]}
    policies = policy_with(tmp_path, loader, [rule])
    assert evaluate(policies, seal("Asthma mode is loud")).domains == ()
    assert evaluate(policies, seal("My asthma is worse")).domains == ("legal",)


def similarity_rule() -> dict[str, Any]:
    return {
        "id": "like",
        "type": "similarity",
        "positives": "examples/medical/positives.txt",
        "negatives": "examples/support/negatives.txt",
        "margin": 0.1,
    }


def test_when_the_caller_passes_a_vector_then_the_gate_does_not_embed(
    tmp_path: Path, loader: Loader
) -> None:
    policies = policy_with(tmp_path, loader, [similarity_rule()])
    assert loader.embedder is not None
    medical = loader.embedder.embed([seal("What are the symptoms of sleep apnea?")])[0]
    ticket: RedactedText = seal("My order has not arrived")
    assert evaluate(policies, ticket).domains == ()
    assert evaluate(policies, ticket, vectors={"ticket": medical}).domains == ("legal",)


def test_when_a_cheap_rule_already_hit_then_similarity_is_not_computed(
    tmp_path: Path, loader: Loader
) -> None:
    rules = [{"id": "t", "type": "terms", "terms": ["symptoms"]}, similarity_rule()]
    policies = policy_with(tmp_path, loader, rules)
    poison = {"ticket": np.full(384, np.nan, dtype=np.float32)}
    decision = evaluate(policies, seal("What are the symptoms of flu?"), vectors=poison)
    assert [h.rule for h in decision.hits] == ["t"]


LONG_STORY = (
    "I rent a flat and for five months the roof has leaked into both bedrooms. "
    "There is now mould on our clothes and in the kitchen drawers, and every time we call "
    "the management company they promise to send someone and nobody comes. Yesterday they "
    "told us the repair is our job because we did not report it in writing, and they want "
    "us to pay for the new ceiling as well as the rent."
)


def legal_story_rule() -> dict[str, Any]:
    return {
        "id": "like",
        "type": "similarity",
        "positives": "examples/legal/positives.txt",
        "negatives": "examples/support/negatives.txt",
        "max_words": 40,
    }


def test_when_long_texts_is_skip_then_a_long_text_is_left_to_the_cheap_rules(
    tmp_path: Path, loader: Loader
) -> None:
    rule = legal_story_rule()
    skip = policy_with(tmp_path, loader, [rule])
    assert evaluate(skip, seal(LONG_STORY)).domains == ()
    head = policy_with(tmp_path, loader, [{**rule, "long_texts": "head"}])
    decision = evaluate(head, seal(LONG_STORY))
    assert decision.domains == ("legal",)
    assert decision.hits[0].spans[0].text == LONG_STORY  # the whole text is shown


def test_when_a_rule_reads_the_head_then_a_vector_of_the_whole_text_is_not_used(
    tmp_path: Path, loader: Loader
) -> None:
    # The pipeline passes the ticket's retrieval vector, which is of the whole text; a rule
    # tuned on a long text's first words must judge those, as in the benchmark.
    policies = policy_with(tmp_path, loader, [{**legal_story_rule(), "long_texts": "head"}])
    poison = {"ticket": np.full(384, np.nan, dtype=np.float32)}
    assert evaluate(policies, seal(LONG_STORY), vectors=poison).domains == ("legal",)


def test_when_a_text_is_shorter_than_min_words_then_similarity_does_not_run(
    tmp_path: Path, loader: Loader
) -> None:
    rule = {
        "id": "like",
        "type": "similarity",
        "positives": "examples/legal/positives.txt",
        "negatives": "examples/support/negatives.txt",
        "min_words": 25,
    }
    policies = policy_with(tmp_path, loader, [rule])
    poison = {"ticket": np.full(384, np.nan, dtype=np.float32)}
    short = seal("My landlord kept my deposit, can he do that?")
    assert evaluate(policies, short, vectors=poison).domains == ()


@pytest.mark.parametrize(
    ("ticket", "expected"),
    [
        ("My doctor said it was normal.", ()),
        ("Pediatrician said not to worry about it.", ()),
        ("Should I ask my doctor first?", ("legal",)),
        ("is a doctor needed for this", ("legal",)),
        ("My doctor is away. Any advice", ("legal",)),
        ("My doctor is away and I am not sure what to do.", ("legal",)),
    ],
)
def test_when_a_rule_is_only_if_asking_then_a_statement_does_not_count(
    tmp_path: Path, loader: Loader, ticket: str, expected: tuple[str, ...]
) -> None:
    rule = {"id": "t", "type": "terms", "terms": ["doctor"], "only_if_asking": True}
    policies = policy_with(tmp_path, loader, [rule])
    assert evaluate(policies, seal(ticket)).domains == expected


def test_when_similarity_is_only_if_asking_then_a_statement_is_not_embedded(
    tmp_path: Path, loader: Loader
) -> None:
    policies = policy_with(tmp_path, loader, [{**similarity_rule(), "only_if_asking": True}])
    poison = {"ticket": np.full(384, np.nan, dtype=np.float32)}
    statement = seal("Our paediatrician was lovely and the visit took ten minutes.")
    assert evaluate(policies, statement, vectors=poison).domains == ()
    assert evaluate(policies, seal("What are the symptoms of sleep apnea?")).domains == ("legal",)


@pytest.mark.parametrize(
    ("ticket", "phrasing", "expected"),
    [
        ("Should I pay off the car loan before saving?", "judgement", ("legal",)),
        ("Is it worth refinancing the loan this year?", "judgement", ("legal",)),
        ("How do I pay off the loan with my card?", "judgement", ()),
        ("How do I pay off the loan with my card?", "question", ("legal",)),
        ("The loan came through. Should I buy the purifier now?", "question", ()),
        ("The loan came through. What should I do next?", "question", ("legal",)),
    ],
)
def test_when_an_asking_rule_has_a_phrasing_then_only_that_kind_of_sentence_counts(
    tmp_path: Path, loader: Loader, ticket: str, phrasing: str, expected: tuple[str, ...]
) -> None:
    rule = {"id": "a", "type": "asking", "topics": ["loan"], "phrasing": phrasing}
    policies = policy_with(tmp_path, loader, [rule])
    assert evaluate(policies, seal(ticket)).domains == expected


def test_when_an_asking_rule_matches_then_the_span_is_the_topic_term(
    tmp_path: Path, loader: Loader
) -> None:
    rule = {"id": "a", "type": "asking", "topics": ["loan"]}
    policies = policy_with(tmp_path, loader, [rule])
    decision = evaluate(policies, seal("The fan is loud. Can the loan be moved?"))
    assert [(s.source, s.start, s.end, s.text) for s in decision.hits[0].spans] == [
        ("ticket", 25, 29, "loan")
    ]
