"""Broken policies: the exact messages a compliance officer reads, with file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.gate import Loader, PolicyError
from backend.gate.policy import Policy

HEAD = """\
version: 1
owner: compliance@example.com
domain: insurance
jurisdictions: [US-*, GB]
rules:
"""


def write(tmp_path: Path, rules: str, head: str = HEAD) -> Path:
    path = tmp_path / "insurance.yaml"
    path.write_text(head + rules, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        Loader().load_file(path)
    return caught.value.problems


def test_when_a_rule_has_an_unknown_key_then_the_valid_keys_are_listed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
  - id: coverage-opinion
    type: terms
    terms: [covered]
    acton: gate
""",
    )
    assert problems(path) == [
        f"{path}:9:5 rule 'coverage-opinion': unknown key 'acton'. Valid keys are: "
        "case_sensitive, description, id, ignore, jurisdictions, negation, only_if_asking, "
        "reads, terms, type, unless"
    ]


def test_when_a_regex_is_broken_then_the_regex_error_is_shown(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
  - id: statute
    type: regex
    pattern: '(section \\d+'
""",
    )
    assert problems(path) == [
        f"{path}:8:14 rule 'statute': bad regular expression '(section \\d+': "
        "missing ), unterminated subpattern at position 0"
    ]


def test_when_a_key_is_written_twice_then_both_lines_are_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
  - id: words
    type: terms
    terms: [premium]
    terms: [deductible]
""",
    )
    assert problems(path) == [
        f"{path}:9:5 rule 'words': duplicate key 'terms' (first written at line 8)"
    ]


def test_when_a_jurisdiction_is_unknown_then_the_forms_and_a_guess_are_shown(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path, "  - {id: words, type: terms, terms: [premium]}\n", HEAD.replace("GB", "US-CAL")
    )
    assert problems(path) == [
        f"{path}:4:23 unknown jurisdiction 'US-CAL'. Valid forms are: a country (GB, US, CA, "
        "AU, ...), a state or province (US-CA, CA-ON), an EU member state (EU-DE) or a "
        "wildcard (US-*, CA-*, EU-*, *). Did you mean: US-CA, US-AL, US-WA?"
    ]


def test_when_a_rule_type_is_unknown_then_the_valid_types_are_listed(tmp_path: Path) -> None:
    path = write(tmp_path, "  - id: words\n    type: term\n    terms: [premium]\n")
    assert problems(path) == [
        f"{path}:7:11 rule 'words': unknown rule type 'term'. "
        "Valid types are: advice, asking, classifier, entities, regex, similarity, terms"
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "  - {id: near, type: advice, directives: [you should], topics: [policy], "
            "window: ten}\n",
            "6:82 rule 'near': 'window' must be a whole number, not text 'ten'",
        ),
        (
            "  - {id: words, type: terms, terms: premium}\n",
            "6:37 rule 'words': 'terms' must be a list, not text 'premium'",
        ),
        (
            "  - {id: words, type: terms, terms: [premium], reads: tickets}\n",
            "6:55 rule 'words': 'reads' cannot be 'tickets'. Valid values are: both, draft, ticket",
        ),
        (
            "  - {id: rx, type: regex, pattern: 'x', flags: [ignorcase]}\n",
            "6:49 rule 'rx': 'flags' cannot be 'ignorcase'. Valid values are: ascii, dotall, "
            "ignorecase, multiline, verbose",
        ),
        (
            "  - {id: ent, type: entities, kinds: [drugs]}\n",
            "6:39 rule 'ent': 'kinds' cannot be 'drugs'. Valid values are: account_type, "
            "condition, court, coverage_term, dosage, drug, security, statute",
        ),
        ("  - {type: terms, terms: [x]}\n", "6:5 rule '#1': missing required key 'id'"),
        (
            "  - {id: ask, type: asking, topics: [loan], phrasing: opinion}\n",
            "6:55 rule 'ask': 'phrasing' cannot be 'opinion'. Valid values are: question, "
            "judgement",
        ),
        (
            "  - {id: ask, type: asking, topics: loan}\n",
            "6:37 rule 'ask': 'topics' must be a list, not text 'loan'",
        ),
        (
            "  - {id: ask, type: asking, phrasing: question}\n",
            "6:5 rule 'ask': missing required key 'topics'",
        ),
        (
            "  - {id: ask, type: asking, topics: ['*']}\n",
            "6:38 rule 'ask': a term cannot be empty",
        ),
        (
            "  - {id: ask, type: asking, topics: [loan], askng: yes}\n",
            "6:45 rule 'ask': unknown key 'askng'. Valid keys are: description, id, ignore, "
            "jurisdictions, only_if_asking, phrasing, reads, topics, type",
        ),
        (
            "  - {id: words, type: terms, terms: [loan], only_if_asking: sometimes}\n",
            "6:61 rule 'words': 'only_if_asking' must be true or false, not text 'sometimes'",
        ),
    ],
)
def test_when_a_value_has_the_wrong_type_then_the_expected_type_is_named(
    tmp_path: Path, rule: str, message: str
) -> None:
    path = write(tmp_path, rule)
    assert problems(path) == [f"{path}:{message}"]


def test_when_a_file_has_several_problems_then_all_are_reported_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "  - {id: a, type: terms, terms: [x], acton: 1}\n  - {id: a, type: regex, pattern: '['}\n",
        HEAD.replace("insurance", "insurence"),
    )
    found = problems(path)
    assert [p.split(" ", 1)[0] for p in found] == [
        f"{path}:3:9",
        f"{path}:6:38",
        f"{path}:7:10",
        f"{path}:7:35",
    ]
    assert found[0].endswith(
        "'domain' cannot be 'insurence'. Valid values are: financial, insurance, legal, medical, "
        "safety"
    )
    assert found[2] == f"{path}:7:10 rule 'a': rule id 'a' is already used at line 6"


def test_when_yaml_is_broken_then_the_position_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "  - id: [unclosed\n")
    assert problems(path) == [
        f"{path}:7:1 not valid YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_when_a_policy_is_valid_then_its_version_is_a_content_hash(tmp_path: Path) -> None:
    path = write(tmp_path, "  - {id: words, type: terms, terms: [premium]}\n")
    policy: Policy = Loader().load_file(path)
    assert policy.version.startswith("sha256:") and len(policy.version) == 23
    path.write_text(path.read_text() + "# a comment changes the content\n")
    assert Loader().load_file(path).version != policy.version
