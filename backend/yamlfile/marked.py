"""YAML that keeps where every value was written (stage 1 of loading any of our YAML files).

PyYAML's ``SafeLoader`` forgets positions once it has built Python objects, and it silently
keeps the last of two equal keys. ``MarkedLoader`` builds ``MarkedMap`` / ``MarkedList``
instead, which remember the line and column of each key and value, and records every
duplicate key so that it can be reported instead of quietly overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.error import Mark


@dataclass(frozen=True)
class Where:
    """A position in a YAML file, 1-based as editors show it."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: Mark) -> Where:
        return cls(mark.line + 1, mark.column + 1)


@dataclass(frozen=True)
class Duplicate:
    key: str
    where: Where
    first: Where


class MarkedMap(dict[str, Any]):
    """A mapping that knows where it, each key and each value were written."""

    where: Where
    key_where: dict[str, Where]
    value_where: dict[str, Where]
    duplicates: list[Duplicate]

    @classmethod
    def empty(cls, where: Where | None = None) -> MarkedMap:
        """An empty mapping, standing for a section the file left out."""
        result = cls()
        result.where, result.key_where, result.value_where = where or Where(1, 1), {}, {}
        result.duplicates = []
        return result

    def at(self, key: str) -> Where:
        """Where the value of ``key`` was written (the mapping itself when it is missing)."""
        return self.value_where.get(key, self.where)


class MarkedList(list[Any]):
    """A sequence that knows where it and each item were written."""

    where: Where
    item_where: list[Where]


class MarkedLoader(yaml.SafeLoader):
    """SafeLoader that keeps positions and records duplicate keys."""


def _construct_map(loader: MarkedLoader, node: yaml.MappingNode) -> MarkedMap:
    loader.flatten_mapping(node)
    result = MarkedMap.empty(Where.of(node.start_mark))
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        where = Where.of(key_node.start_mark)
        if key in result:
            result.duplicates.append(Duplicate(key, where, result.key_where[key]))
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_where[key], result.value_where[key] = where, Where.of(value_node.start_mark)
    return result


def _construct_list(loader: MarkedLoader, node: yaml.SequenceNode) -> MarkedList:
    result = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    result.where = Where.of(node.start_mark)
    result.item_where = [Where.of(child.start_mark) for child in node.value]
    return result


MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
MarkedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


def load(text: str) -> Any:
    """Parse one YAML document; raises ``yaml.YAMLError`` on a syntax error."""
    return yaml.load(text, Loader=MarkedLoader)  # noqa: S506 - a SafeLoader subclass


def first_duplicate(data: Any) -> Duplicate | None:
    """The duplicate key written first anywhere in ``data``, or None when there is none."""
    found = list(_duplicates(data))
    return min(found, key=lambda d: (d.where.line, d.where.column)) if found else None


def _duplicates(data: Any) -> Iterator[Duplicate]:
    if isinstance(data, MarkedMap):
        yield from data.duplicates
    if isinstance(data, dict | list):
        for child in data.values() if isinstance(data, dict) else data:
            yield from _duplicates(child)
