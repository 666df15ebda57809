"""``policies/redaction.yaml``: what to redact, how sure to be, and what must survive.

Loaded with a ``SafeLoader`` subclass that keeps each node's position and rejects duplicate
keys, so every message names ``file:line:column``, what was wrong and the valid choices::

    entities:
      PHONE_NUMBER: {threshold: 0.4, context: [phone, call]}
    allow_list: [Precedent]
    tenants:
      demo: {allow_list: [Tidewater, Breeze]}
    protect:
      - {name: order-id, pattern: '\\bORD-\\d+\\b', flags: [ignorecase]}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from backend.errors import InputError

ENTITIES = (
    "BR_CPF",
    "CA_SIN",
    "CREDIT_CARD",
    "DATE_TIME",
    "EMAIL_ADDRESS",
    "ES_NIF",
    "IBAN_CODE",
    "IN_AADHAAR",
    "IN_PAN",
    "IP_ADDRESS",
    "LOCATION",
    "NRP",
    "PERSON",
    "PERSONAL_ID",
    "PHONE_NUMBER",
    "UK_NINO",
    "URL",
    "US_BANK_NUMBER",
    "US_DRIVER_LICENSE",
    "US_PASSPORT",
    "US_SSN",
    "USERNAME",
)
TOP_KEYS = ("allow_list", "entities", "protect", "tenants")
ENTITY_KEYS = ("context", "threshold")
TENANT_KEYS = ("allow_list",)
PROTECT_KEYS = ("flags", "name", "pattern")
FLAGS = {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE}


class RedactionPolicyError(InputError):
    """``policies/redaction.yaml`` is broken; the message says where and how to fix it."""

    code = "bad_policy"


@dataclass(frozen=True)
class EntityRule:
    threshold: float
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProtectRule:
    """Spans matching ``pattern`` survive: an entity overlapping one is dropped."""

    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class RedactionConfig:
    entities: Mapping[str, EntityRule]
    protect: tuple[ProtectRule, ...] = ()
    allow_list: tuple[str, ...] = ()
    tenants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""

    def allowed(self, tenant: str) -> tuple[str, ...]:
        """Terms never redacted for ``tenant``: the global list plus the tenant's own."""
        return self.allow_list + tuple(self.tenants.get(tenant, ()))


class _Marked(dict[Any, Any]):
    """A mapping that remembers where each key and value was written."""

    key_marks: dict[Any, yaml.Mark]
    value_marks: dict[Any, yaml.Mark]


class _MarkedList(list[Any]):
    item_marks: list[yaml.Mark]


class MarkedLoader(yaml.SafeLoader):
    """Keeps node positions on mappings and lists; rejects duplicate keys."""

    def construct_marked_map(self, node: yaml.MappingNode) -> _Marked:
        self.flatten_mapping(node)
        result = _Marked()
        result.key_marks, result.value_marks = {}, {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in result.key_marks:
                first = result.key_marks[key].line + 1
                raise _problem(
                    key_node.start_mark, f"duplicate key '{key}' (first at line {first})"
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_marks[key], result.value_marks[key] = (
                key_node.start_mark,
                value_node.start_mark,
            )
        return result

    def construct_marked_seq(self, node: yaml.SequenceNode) -> _MarkedList:
        result = _MarkedList(self.construct_object(item, deep=True) for item in node.value)
        result.item_marks = [item.start_mark for item in node.value]
        return result


MarkedLoader.add_constructor("tag:yaml.org,2002:map", MarkedLoader.construct_marked_map)
MarkedLoader.add_constructor("tag:yaml.org,2002:seq", MarkedLoader.construct_marked_seq)


def load_config(path: str | Path) -> RedactionConfig:
    """Read and validate a redaction policy; raises ``RedactionPolicyError``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RedactionPolicyError(f"{path}: cannot read the file ({exc.strerror})") from exc
    return parse_config(text, str(path))


def parse_config(text: str, name: str) -> RedactionConfig:
    loader = MarkedLoader(text)
    loader.name = name
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _problem(mark, f"not valid YAML: {exc.problem or exc.context}") from exc
    finally:
        loader.dispose()
    if not isinstance(data, _Marked):
        raise RedactionPolicyError(f"{name}:1:1: expected a mapping with keys {_list(TOP_KEYS)}")
    return _build(data, name)


def _build(data: _Marked, name: str) -> RedactionConfig:
    _check_keys(data, TOP_KEYS)
    if "entities" not in data:
        raise RedactionPolicyError(f"{name}:1:1: missing required key 'entities'")
    entities, tenants = _mapping(data, "entities"), _mapping(data, "tenants")
    return RedactionConfig(
        entities={entity: _entity_rule(entities, entity) for entity in _entity_names(entities)},
        protect=tuple(_protect_rules(data)),
        allow_list=_strings(data, "allow_list"),
        tenants={tenant: _tenant(tenants, tenant) for tenant in tenants},
        source=name,
    )


def _entity_names(entities: _Marked) -> list[str]:
    _check_keys(entities, ENTITIES, "entity")
    return list(entities)


def _entity_rule(entities: _Marked, entity: str) -> EntityRule:
    rule = entities[entity]
    if rule is None:  # "PERSON:" alone takes the defaults
        rule = _empty()
    if not isinstance(rule, _Marked):
        raise _problem(entities.value_marks[entity], f"entity '{entity}': expected a mapping")
    _check_keys(rule, ENTITY_KEYS, where=f" for entity '{entity}'")
    threshold = rule.get("threshold", 0.5)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        threshold = -1.0
    if not 0 < threshold <= 1:
        mark = rule.value_marks.get("threshold", entities.value_marks[entity])
        raise _problem(mark, f"entity '{entity}': threshold must be a number above 0 and at most 1")
    return EntityRule(float(threshold), _strings(rule, "context"))


def _tenant(tenants: _Marked, tenant: str) -> tuple[str, ...]:
    body = tenants[tenant]
    if not isinstance(body, _Marked):
        raise _problem(tenants.value_marks[tenant], f"tenant '{tenant}': expected a mapping")
    _check_keys(body, TENANT_KEYS, where=f" for tenant '{tenant}'")
    return _strings(body, "allow_list")


def _protect_rules(data: _Marked) -> list[ProtectRule]:
    if "protect" not in data:
        return []
    items = data["protect"]
    if not isinstance(items, _MarkedList):
        raise _problem(data.value_marks["protect"], "'protect' must be a list of rules")
    rules, names = [], set()
    for item, mark in zip(items, items.item_marks, strict=True):
        if not isinstance(item, _Marked):
            raise _problem(mark, "a protect rule is a mapping with keys " + _list(PROTECT_KEYS))
        rule = _protect_rule(item, mark)
        if rule.name in names:
            raise _problem(mark, f"protect rule '{rule.name}' is defined twice")
        names.add(rule.name)
        rules.append(rule)
    return rules


def _protect_rule(item: _Marked, mark: yaml.Mark) -> ProtectRule:
    _check_keys(item, PROTECT_KEYS, where=" in a protect rule")
    name, pattern = item.get("name"), item.get("pattern")
    if not isinstance(name, str) or not isinstance(pattern, str):
        raise _problem(mark, "a protect rule needs a 'name' and a 'pattern' (both text)")
    flags = 0
    for flag, flag_mark in _flag_items(item):
        if flag not in FLAGS:
            valid = _list(FLAGS)
            raise _problem(flag_mark, f"rule '{name}': unknown flag '{flag}'. Valid flags: {valid}")
        flags |= FLAGS[flag]
    try:
        return ProtectRule(name, re.compile(pattern, flags))
    except re.error as exc:
        raise _problem(item.value_marks["pattern"], f"rule '{name}': bad pattern ({exc})") from exc


def _flag_items(item: _Marked) -> list[tuple[Any, yaml.Mark]]:
    if "flags" not in item:
        return []
    flags = item["flags"]
    if not isinstance(flags, _MarkedList):
        raise _problem(item.value_marks["flags"], "'flags' must be a list, e.g. [ignorecase]")
    return list(zip(flags, flags.item_marks, strict=True))


def _mapping(data: _Marked, key: str) -> _Marked:
    if key not in data:
        return _empty()
    value = data[key]
    if not isinstance(value, _Marked):
        raise _problem(data.value_marks[key], f"'{key}' must be a mapping")
    return value


def _strings(data: _Marked, key: str) -> tuple[str, ...]:
    if key not in data:
        return ()
    values = data[key]
    ok = isinstance(values, _MarkedList) and all(isinstance(v, str) and v for v in values)
    if not ok:
        raise _problem(data.value_marks[key], f"'{key}' must be a list of words")
    return tuple(values)


def _check_keys(data: _Marked, valid: tuple[str, ...], noun: str = "key", where: str = "") -> None:
    for key in data:
        if key not in valid:
            plural = "entities" if noun == "entity" else noun + "s"
            message = f"unknown {noun} '{key}'{where}. Valid {plural} are: {_list(valid)}"
            raise _problem(data.key_marks[key], message)


def _list(values: tuple[str, ...] | Mapping[str, int]) -> str:
    return ", ".join(sorted(values))


def _empty() -> _Marked:
    empty = _Marked()
    empty.key_marks, empty.value_marks = {}, {}
    return empty


def _problem(mark: yaml.Mark | None, message: str) -> RedactionPolicyError:
    if mark is None:
        return RedactionPolicyError(message)
    return RedactionPolicyError(f"{mark.name}:{mark.line + 1}:{mark.column + 1}: {message}")
