"""``policies/redaction.yaml``: what to redact, how sure to be, and what must survive.

Loaded with the YAML toolkit (``backend.yamlfile``), which keeps each node's position and
records duplicate keys, so every message names ``file:line:column``, what was wrong and the
valid choices; the first problem found is raised::

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
from backend.yamlfile import marked
from backend.yamlfile.marked import MarkedList, MarkedMap, Where

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


class _Invalid(Exception):
    """A problem at a position; ``parse_config`` names the file."""

    def __init__(self, where: Where | None, message: str) -> None:
        super().__init__(message)
        self.where, self.message = where, message


def load_config(path: str | Path) -> RedactionConfig:
    """Read and validate a redaction policy; raises ``RedactionPolicyError``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RedactionPolicyError(f"{path}: cannot read the file ({exc.strerror})") from exc
    return parse_config(text, str(path))


def parse_config(text: str, name: str) -> RedactionConfig:
    try:
        return _build(_structure(text, name), name)
    except _Invalid as exc:
        if exc.where is None:
            raise RedactionPolicyError(exc.message) from exc.__cause__
        at = f"{exc.where.line}:{exc.where.column}"
        raise RedactionPolicyError(f"{name}:{at}: {exc.message}") from exc.__cause__


def _structure(text: str, name: str) -> MarkedMap:
    try:
        data = marked.load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Where.of(mark) if mark else None
        raise _Invalid(where, f"not valid YAML: {exc.problem or exc.context}") from exc
    duplicate = marked.first_duplicate(data)
    if duplicate is not None:
        first = duplicate.first.line
        message = f"duplicate key '{duplicate.key}' (first at line {first})"
        raise _Invalid(duplicate.where, message)
    if not isinstance(data, MarkedMap):
        raise RedactionPolicyError(f"{name}:1:1: expected a mapping with keys {_list(TOP_KEYS)}")
    return data


def _build(data: MarkedMap, name: str) -> RedactionConfig:
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


def _entity_names(entities: MarkedMap) -> list[str]:
    _check_keys(entities, ENTITIES, "entity")
    return list(entities)


def _entity_rule(entities: MarkedMap, entity: str) -> EntityRule:
    rule = entities[entity]
    if rule is None:  # "PERSON:" alone takes the defaults
        rule = _empty()
    if not isinstance(rule, MarkedMap):
        raise _Invalid(entities.value_where[entity], f"entity '{entity}': expected a mapping")
    _check_keys(rule, ENTITY_KEYS, where=f" for entity '{entity}'")
    threshold = rule.get("threshold", 0.5)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        threshold = -1.0
    if not 0 < threshold <= 1:
        where = rule.value_where.get("threshold", entities.value_where[entity])
        raise _Invalid(
            where, f"entity '{entity}': threshold must be a number above 0 and at most 1"
        )
    return EntityRule(float(threshold), _strings(rule, "context"))


def _tenant(tenants: MarkedMap, tenant: str) -> tuple[str, ...]:
    body = tenants[tenant]
    if not isinstance(body, MarkedMap):
        raise _Invalid(tenants.value_where[tenant], f"tenant '{tenant}': expected a mapping")
    _check_keys(body, TENANT_KEYS, where=f" for tenant '{tenant}'")
    return _strings(body, "allow_list")


def _protect_rules(data: MarkedMap) -> list[ProtectRule]:
    if "protect" not in data:
        return []
    items = data["protect"]
    if not isinstance(items, MarkedList):
        raise _Invalid(data.value_where["protect"], "'protect' must be a list of rules")
    rules, names = [], set()
    for item, where in zip(items, items.item_where, strict=True):
        if not isinstance(item, MarkedMap):
            raise _Invalid(where, "a protect rule is a mapping with keys " + _list(PROTECT_KEYS))
        rule = _protect_rule(item, where)
        if rule.name in names:
            raise _Invalid(where, f"protect rule '{rule.name}' is defined twice")
        names.add(rule.name)
        rules.append(rule)
    return rules


def _protect_rule(item: MarkedMap, where: Where) -> ProtectRule:
    _check_keys(item, PROTECT_KEYS, where=" in a protect rule")
    name, pattern = item.get("name"), item.get("pattern")
    if not isinstance(name, str) or not isinstance(pattern, str):
        raise _Invalid(where, "a protect rule needs a 'name' and a 'pattern' (both text)")
    flags = 0
    for flag, flag_where in _flag_items(item):
        if flag not in FLAGS:
            valid = _list(FLAGS)
            raise _Invalid(
                flag_where, f"rule '{name}': unknown flag '{flag}'. Valid flags: {valid}"
            )
        flags |= FLAGS[flag]
    try:
        return ProtectRule(name, re.compile(pattern, flags))
    except re.error as exc:
        raise _Invalid(item.value_where["pattern"], f"rule '{name}': bad pattern ({exc})") from exc


def _flag_items(item: MarkedMap) -> list[tuple[Any, Where]]:
    if "flags" not in item:
        return []
    flags = item["flags"]
    if not isinstance(flags, MarkedList):
        raise _Invalid(item.value_where["flags"], "'flags' must be a list, e.g. [ignorecase]")
    return list(zip(flags, flags.item_where, strict=True))


def _mapping(data: MarkedMap, key: str) -> MarkedMap:
    if key not in data:
        return _empty()
    value = data[key]
    if not isinstance(value, MarkedMap):
        raise _Invalid(data.value_where[key], f"'{key}' must be a mapping")
    return value


def _strings(data: MarkedMap, key: str) -> tuple[str, ...]:
    if key not in data:
        return ()
    values = data[key]
    ok = isinstance(values, MarkedList) and all(isinstance(v, str) and v for v in values)
    if not ok:
        raise _Invalid(data.value_where[key], f"'{key}' must be a list of words")
    return tuple(values)


def _check_keys(
    data: MarkedMap, valid: tuple[str, ...], noun: str = "key", where: str = ""
) -> None:
    for key in data:
        if key not in valid:
            plural = "entities" if noun == "entity" else noun + "s"
            message = f"unknown {noun} '{key}'{where}. Valid {plural} are: {_list(valid)}"
            raise _Invalid(data.key_where[key], message)


def _list(values: tuple[str, ...] | Mapping[str, int]) -> str:
    return ", ".join(sorted(values))


def _empty() -> MarkedMap:
    return MarkedMap.empty()
