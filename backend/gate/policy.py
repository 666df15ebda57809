"""Policy files: loaded in three stages, every problem reported with file:line:column.

1. structure: YAML syntax, a mapping at the top, no duplicate keys (``yamlfile.marked``);
2. schema: the policy's keys, then each rule's keys against its type's schema
   (``yamlfile.schema``);
3. each rule's own ``validate()``: regular expressions compile, example files exist.

All problems in a file are collected before anything is raised, so one run of
``precedent policies check`` lists everything to fix.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backend.gate import examples_schema, jurisdictions, language
from backend.gate.examples_schema import EXAMPLES, Example, read_examples
from backend.gate.rules import COMMON, LoadContext, Rule, rule_types
from backend.gate.schema import PolicyError
from backend.yamlfile.marked import MarkedList, MarkedMap, Where
from backend.yamlfile.report import parse_mapping, rendered
from backend.yamlfile.schema import Field, Problem, check, describe

DOMAINS = ("financial", "insurance", "legal", "medical", "safety")


UNSUPPORTED = ("review", "warn")


def language_problem(code: Any) -> str | None:
    if code in language.NAMES:
        return None
    valid = ", ".join(sorted(language.NAMES))
    return f"unknown language '{code}'. Valid codes (ISO 639-1) are: {valid}"


def _scalar(value: Any) -> str | None:
    ok = not isinstance(value, dict | list) and value is not None
    return None if ok else f"'version' must be text or a number, not {describe(value)}"


POLICY_SCHEMA = {
    "version": Field(object, required=True, check=_scalar),
    "owner": Field(str, required=True),
    "domain": Field(str, required=True, choices=DOMAINS),
    "description": Field(str),
    "jurisdictions": Field(list, required=True, item=str, check=jurisdictions.problem),
    "rules": Field(list, required=True, item=dict),
    "languages": Field(list, item=str, check=language_problem),
    "unsupported_language": Field(str, choices=UNSUPPORTED),
    "examples": EXAMPLES,
}


@dataclass(frozen=True)
class Policy:
    """One loaded policy file. ``version`` is the content hash recorded with each decision."""

    name: str
    path: Path
    label: str
    version: str
    owner: str
    domain: str
    jurisdictions: tuple[str, ...]
    rules: tuple[Rule, ...]
    should_flag: tuple[Example, ...]
    should_pass: tuple[Example, ...]
    # The languages this policy was measured on; a text in another is reviewed or warned of.
    languages: tuple[str, ...] = ("en",)
    unsupported_language: str = "review"


def load_policy(path: Path, context: LoadContext) -> Policy:
    """Load and validate one policy file; raises ``PolicyError`` listing every problem."""
    data = _structure(path)
    problems = check(data, POLICY_SCHEMA) + examples_schema.problems(data.get("examples"))
    context.domain = data.get("domain") if isinstance(data.get("domain"), str) else None
    rules = _rules(data.get("rules"), context, problems)
    if problems:
        raise PolicyError(rendered(problems, str(path)))
    flag, passing = read_examples(data.get("examples"))
    return Policy(
        name=path.stem,
        path=path,
        label=str(data["version"]),
        version=_content_hash([path, *context.files]),
        owner=data["owner"],
        domain=data["domain"],
        jurisdictions=tuple(data["jurisdictions"]),
        rules=tuple(rules),
        should_flag=flag,
        should_pass=passing,
        languages=tuple(data.get("languages", ("en",))),
        unsupported_language=data.get("unsupported_language", "review"),
    )


def _structure(path: Path) -> MarkedMap:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError([f"{path}: file not found"]) from None
    except OSError as exc:
        raise PolicyError([f"{path}: cannot be read ({exc.strerror or exc})"]) from None
    except UnicodeDecodeError as exc:
        raise PolicyError(
            [f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from None
    expected = f"a policy is a mapping with the keys: {', '.join(sorted(POLICY_SCHEMA))}"
    return parse_mapping(text, str(path), expected, PolicyError)


def _rules(nodes: Any, context: LoadContext, problems: list[Problem]) -> list[Rule]:
    if not isinstance(nodes, MarkedList):
        return []
    rules, seen = [], dict[str, Where]()
    for index, node in enumerate(nodes):
        if not isinstance(node, MarkedMap):
            continue  # the schema stage has reported it
        rule_id = node.get("id")
        label = rule_id if isinstance(rule_id, str) else f"#{index + 1}"
        if label in seen:
            message = f"rule id '{label}' is already used at line {seen[label].line}"
            problems.append(Problem(node.at("id"), message, label))
        seen.setdefault(label, node.at("id"))
        rule = _rule(node, label, context, problems)
        if rule is not None:
            rules.append(rule)
    return rules


def _rule(
    node: MarkedMap, label: str, context: LoadContext, problems: list[Problem]
) -> Rule | None:
    kind = node.get("type")
    if kind not in rule_types.names():
        valid = ", ".join(rule_types.names())
        what = f"unknown rule type '{kind}'" if "type" in node else "missing required key 'type'"
        problems.append(Problem(node.at("type"), f"{what}. Valid types are: {valid}", label))
        return None
    cls = rule_types.get(kind)
    found = check(node, COMMON | cls.schema, label)
    if found:
        problems += found
        return None
    rule = cls(node)
    problems += [
        Problem(node.at(key) if key else node.where, message, label)
        for key, message in rule.validate(context)
    ]
    return rule


def _content_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return f"sha256:{digest.hexdigest()[:16]}"
