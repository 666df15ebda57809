"""A policy's own examples: texts it must flag and texts it must let pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.gate import jurisdictions
from backend.yamlfile.marked import MarkedList, MarkedMap, Where
from backend.yamlfile.schema import Field, Problem, check

EXAMPLES = Field(dict)
LISTS = {"should_flag": Field(list, item=dict), "should_pass": Field(list, item=dict)}
EXAMPLE = {
    "ticket": Field(str, required=True),
    "draft": Field(str),
    "jurisdiction": Field(str, check=jurisdictions.problem),
    "note": Field(str),
}


@dataclass(frozen=True)
class Example:
    """One example: a ticket, perhaps a draft, perhaps a jurisdiction, and where it is."""

    ticket: str
    draft: str | None
    jurisdiction: str
    where: Where


def problems(node: Any) -> list[Problem]:
    """Problems with the ``examples`` mapping (its type is checked with the policy's keys)."""
    if not isinstance(node, MarkedMap):
        return []
    found = check(node, LISTS)
    for key in LISTS:
        items = node.get(key)
        if isinstance(items, MarkedList):
            found += [
                p for item in items if isinstance(item, MarkedMap) for p in check(item, EXAMPLE)
            ]
    return found


def read_examples(node: Any) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    """(should_flag, should_pass) of a valid ``examples`` mapping."""
    if not isinstance(node, MarkedMap):
        return (), ()
    flag, passing = (
        tuple(_example(item) for item in node.get(key, []))
        for key in ("should_flag", "should_pass")
    )
    return flag, passing


def _example(item: MarkedMap) -> Example:
    return Example(item["ticket"], item.get("draft"), item.get("jurisdiction", ""), item.where)
