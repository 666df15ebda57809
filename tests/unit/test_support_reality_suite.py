"""Schema of the frozen "support reality" suite (tests/data/gate_support_reality.jsonl).

These checks cover only the file's shape, the minimum counts and the freeze. They don't
check how the gate scores the suite."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

SUITE = Path(__file__).resolve().parents[1] / "data" / "gate_support_reality.jsonl"

# The items written before tuning. Their bytes must never change; new items go after them.
FROZEN_LINES = 294
FROZEN_SHA256 = "72f47e237b5bd518f00baeae5a509a5b7dc2c99eb81bcffdae5382562b3ba86e"

REQUIRED = {"id", "category", "ticket", "language", "expected", "safety", "note"}
OPTIONAL = {"draft", "jurisdiction", "vertical"}
CATEGORIES = {"service", "advice", "draft_advice", "emergency", "non_english"}
DOMAINS = {"legal", "medical", "financial", "insurance"}
LANGUAGES = {"en", "fr", "de", "es"}
VERTICALS = {"finance", "insurance", "health", "legal", "general"}
MINIMUMS = {"service": 100, "advice": 70, "draft_advice": 20, "emergency": 25, "non_english": 36}
JURISDICTION = re.compile(r"^(US-[A-Z]{2}|GB|AU|CA-[A-Z]{2}|EU-[A-Z]{2})$")


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return SUITE.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def items(lines: list[str]) -> list[dict[str, Any]]:
    parsed = []
    for number, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"line {number} is not valid JSON: {exc}")
        assert isinstance(item, dict), f"line {number} is not an object"
        parsed.append(item)
    return parsed


def test_frozen_items_are_unchanged(lines: list[str]) -> None:
    assert len(lines) >= FROZEN_LINES
    frozen = "".join(line + "\n" for line in lines[:FROZEN_LINES]).encode("utf-8")
    assert hashlib.sha256(frozen).hexdigest() == FROZEN_SHA256, (
        "the first items of the support reality suite were edited; "
        "add new items as new ids instead (see tests/data/README.md)"
    )


def test_every_item_has_the_schema(items: list[dict[str, Any]]) -> None:
    for item in items:
        where = item.get("id", item)
        keys = set(item)
        assert REQUIRED <= keys, f"{where}: missing {sorted(REQUIRED - keys)}"
        assert keys <= REQUIRED | OPTIONAL, f"{where}: unknown {sorted(keys - REQUIRED - OPTIONAL)}"
        assert item["category"] in CATEGORIES, where
        assert item["language"] in LANGUAGES, where
        assert isinstance(item["ticket"], str) and item["ticket"].strip(), where
        assert isinstance(item["note"], str) and item["note"].strip(), where
        assert isinstance(item["safety"], bool), where
        expected = item["expected"]
        assert isinstance(expected, list), where
        assert set(expected) <= DOMAINS, f"{where}: unknown domain in {expected}"
        assert len(expected) == len(set(expected)), f"{where}: repeated domain"
        if "draft" in item:
            assert isinstance(item["draft"], str) and item["draft"].strip(), where
        if "jurisdiction" in item:
            assert JURISDICTION.match(item["jurisdiction"]), where
        if "vertical" in item:
            assert item["vertical"] in VERTICALS, where


def test_ids_are_unique_and_in_order(items: list[dict[str, Any]]) -> None:
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert ids == [f"sr-{n:03d}" for n in range(1, len(ids) + 1)]


def test_category_counts_reach_the_minimums(items: list[dict[str, Any]]) -> None:
    counts = Counter(item["category"] for item in items)
    for category, minimum in MINIMUMS.items():
        assert counts[category] >= minimum, f"{category}: {counts[category]} < {minimum}"
    assert len(items) >= 230


def test_labels_match_their_category(items: list[dict[str, Any]]) -> None:
    for item in items:
        where, category = item["id"], item["category"]
        if category == "service":
            assert item["expected"] == [] and not item["safety"], where
            assert item["language"] == "en", where
        elif category in {"advice", "draft_advice"}:
            assert item["expected"] and not item["safety"], where
        elif category == "emergency":
            assert item["safety"], where
        if category == "draft_advice":
            assert "draft" in item, where
        if category != "non_english":
            assert item["language"] == "en", where
        else:
            assert item["language"] != "en", where
        if item["safety"]:
            assert category in {"emergency", "non_english"}, where


def test_service_requests_cover_every_vertical(items: list[dict[str, Any]]) -> None:
    service = [item for item in items if item["category"] == "service"]
    verticals = Counter(item.get("vertical") for item in service)
    for vertical in ("finance", "insurance", "health", "legal"):
        assert verticals[vertical] >= 20, vertical
    assert verticals["general"] >= 10
    assert sum(1 for item in service if "draft" in item) >= 10


def test_advice_covers_every_domain_and_some_carry_drafts(items: list[dict[str, Any]]) -> None:
    advice = [item for item in items if item["category"] == "advice"]
    domains = Counter(domain for item in advice for domain in item["expected"])
    for domain in DOMAINS:
        assert domains[domain] >= 10, domain
    assert sum(1 for item in advice if "draft" in item) >= 5
    drafted = Counter(d for i in items if i["category"] == "draft_advice" for d in i["expected"])
    assert set(drafted) == DOMAINS


def test_emergencies_are_mostly_medical(items: list[dict[str, Any]]) -> None:
    emergencies = [item for item in items if item["category"] == "emergency"]
    assert sum(1 for item in emergencies if "medical" in item["expected"]) >= 20


@pytest.mark.parametrize("language", ["fr", "de", "es"])
def test_each_other_language_has_service_advice_and_an_emergency(
    items: list[dict[str, Any]], language: str
) -> None:
    mine = [item for item in items if item["language"] == language]
    assert len(mine) >= 12
    assert all(item["category"] == "non_english" for item in mine)
    assert any(item["expected"] == [] and not item["safety"] for item in mine)
    assert any(item["safety"] for item in mine)
    advised = {domain for item in mine if not item["safety"] for domain in item["expected"]}
    assert advised == DOMAINS, f"{language}: advice only in {sorted(advised)}"


def test_english_is_present(items: list[dict[str, Any]]) -> None:
    assert {item["language"] for item in items} == LANGUAGES
