"""Stage 2 of loading a YAML file: each mapping's keys and value types, checked against a schema.

Schemas are plain ``Field`` tables declared next to the code that reads them (a gate policy in
``gate/policy.py``, each rule type in its own module, the providers file in
``drafting/providers_file.py``). Every problem names where it was written and what would have
been valid, for the compliance officer or admin who wrote the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from backend.yamlfile.marked import MarkedList, MarkedMap, Where

TYPE_NAMES: dict[type, str] = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a YAML file, and where."""

    where: Where
    message: str
    rule: str | None = None

    def render(self, file: str) -> str:
        context = f" rule '{self.rule}':" if self.rule else ""
        return f"{file}:{self.where.line}:{self.where.column}{context} {self.message}"

    def position(self) -> tuple[int, int]:
        """Line and column, to list problems in the order they were written."""
        return self.where.line, self.where.column


@dataclass(frozen=True)
class Field:
    """One key of a schema: its type, whether it is required, and its allowed values.

    ``kind`` is ``str``, ``int``, ``float``, ``bool``, ``list`` or ``dict``; ``item`` is the
    type of a list's items. ``check`` sees a valid value and returns a problem or None.
    """

    kind: type
    required: bool = False
    item: type | None = None
    choices: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = None


def check(node: MarkedMap, schema: Mapping[str, Field], rule: str | None = None) -> list[Problem]:
    """Problems with ``node``'s keys and values against ``schema`` (empty when it is valid)."""
    problems = [
        Problem(d.where, f"duplicate key '{d.key}' (first written at line {d.first.line})", rule)
        for d in node.duplicates
    ]
    valid = ", ".join(sorted(schema))
    for key in node:
        if key not in schema:
            problems.append(
                Problem(node.key_where[key], f"unknown key '{key}'. Valid keys are: {valid}", rule)
            )
    for key, spec in schema.items():
        if key in node:
            problems += _check_value(node, key, spec, rule)
        elif spec.required:
            problems.append(Problem(node.where, f"missing required key '{key}'", rule))
    return problems


def _check_value(node: MarkedMap, key: str, spec: Field, rule: str | None) -> list[Problem]:
    value, where = node[key], node.at(key)
    wrong = _type_problem(key, value, spec.kind)
    if wrong:
        return [Problem(where, wrong, rule)]
    if isinstance(value, MarkedList) and spec.item is not None:
        return [
            Problem(item_where, message, rule)
            for item, item_where in zip(value, value.item_where, strict=True)
            for message in [_item_problem(key, item, spec)]
            if message
        ]
    message = _choice_problem(key, value, spec) or (spec.check(value) if spec.check else None)
    return [Problem(where, message, rule)] if message else []


def _item_problem(key: str, item: Any, spec: Field) -> str | None:
    assert spec.item is not None
    wrong = _type_problem(f"each item of '{key}'", item, spec.item)
    return wrong or _choice_problem(key, item, spec) or (spec.check(item) if spec.check else None)


def _type_problem(label: str, value: Any, kind: type) -> str | None:
    ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if ok:
        return None
    quoted = label if label.startswith("each item") else f"'{label}'"
    return f"{quoted} must be {TYPE_NAMES[kind]}, not {describe(value)}"


def _choice_problem(key: str, value: Any, spec: Field) -> str | None:
    if not spec.choices or value in spec.choices:
        return None
    return f"'{key}' cannot be '{value}'. Valid values are: {', '.join(spec.choices)}"


def describe(value: Any) -> str:
    """A short description of a wrong value (never a whole dict)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{TYPE_NAMES.get(type(value), type(value).__name__)} '{value}'"
