"""Small text helpers for extractive drafting: sentences, words, overlap."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

STOPWORDS = frozenset(
    "a an and are as at be but by can could did do does for from had has have how i if in "
    "into is it its just me my no not of on or our so some than that the their them then "
    "there these they this to too up us was we were what when where which who why will "
    "with would you your yours i'm it's don't can't hi hello thanks thank please about "
    "after again all also am any because been before being both cannot could did does "
    "doing down during each few further get got here how just like many more most much "
    "need needs now off once only other ought out over own same should since still such "
    "them those through under until very want wants way well why yet know help question "
    "working work works anyone anything something still really".split()
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'<])")
LIST_MARK = re.compile(r"^\s*(?:[-*+]|(?P<step>\d+)[.)])\s+")
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*(?:_\d+)?>")


def words(text: str) -> set[str]:
    found = re.findall(r"[a-z0-9][a-z0-9'-]*", PLACEHOLDER.sub(" ", text.lower()))
    # "Wi-Fi" and "wifi", "E-104" and "e104" are the same word to a customer.
    return {w.replace("-", "") for w in found if len(w) > 2 and w not in STOPWORDS}


MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__|`)")
# *italic* / _italic_, but not a lone asterisk or the underscores inside snake_case names.
MARKDOWN_ITALIC = re.compile(r"(?<![\w*])[*_](?=\S)([^*_\n]+?)(?<=\S)[*_](?![\w*])")
MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")


def plain(line: str) -> str:
    """Markdown inline formatting removed: a draft is plain text the agent edits."""
    line = MARKDOWN_EMPHASIS.sub("", MARKDOWN_LINK.sub(r"\1", line))
    return MARKDOWN_HEADING.sub("", MARKDOWN_ITALIC.sub(r"\1", line)).strip()


@dataclass(frozen=True)
class Unit:
    """A sentence of a source, and whether it opens a list item (and which step)."""

    text: str
    item: Literal["", "bullet", "step"] = ""
    step: int = 0  # a numbered item's number


def parts(text: str) -> list[Unit]:
    """Sentences in reading order; a list item's first sentence says it opens the item."""
    out: list[Unit] = []
    for line in text.splitlines():
        line = plain(line)
        mark = LIST_MARK.match(line)
        body = LIST_MARK.sub("", line) if mark else line
        sentences = [s.strip() for s in SENTENCE_END.split(body) if s.strip()]
        for n, sentence in enumerate(sentences):
            if mark and n == 0:
                step = int(mark.group("step") or 0)
                out.append(Unit(sentence, "step" if step else "bullet", step))
            else:
                out.append(Unit(sentence))
    return out


def units(text: str) -> list[str]:
    """Sentences, list items split into sentences too."""
    return [unit.text for unit in parts(text)]


def overlap(query: set[str], sentence: str) -> float:
    found = words(sentence)
    if not found:
        return 0.0
    return len(query & found) / math.sqrt(len(found))


def similar(a: str, b: str) -> bool:
    wa, wb = words(a), words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) > 0.6


def clip(text: str, limit: int = 320) -> str:
    """A citation's snippet: plain text (no Markdown), at most ``limit`` characters."""
    text = " ".join(" ".join(units(text)).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def uncovered(text: str, sources: list[str]) -> list[str]:
    """Words of ``text`` that no source mentions (compared on a 5-letter stem)."""
    seen = {w[:n] for source in sources for w in words(source) for n in (4, 5)}
    return sorted(w for w in words(text) if w[:5] not in seen)
