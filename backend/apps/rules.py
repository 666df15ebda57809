"""What both platforms' checks share: the problem record, JSON loading and HTML scanning."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

Files = Mapping[str, bytes]
"""An app package: zip member name (posix, relative to the zip root) → content."""

PLACEHOLDER = re.compile(r"\{\{PRECEDENT_[A-Z_]+\}\}")
TEXT_SUFFIXES = (".json", ".html", ".js", ".css", ".svg")


@dataclass(frozen=True)
class Problem:
    """One broken rule: the file it is in, and what is wrong in words for the app's author."""

    file: str
    message: str
    line: int | None = None

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def load_json(files: Files, name: str, problems: list[Problem]) -> Any:
    """The parsed file, or None with the reason added to ``problems``."""
    if name not in files:
        problems.append(Problem(name, "file is missing"))
        return None
    try:
        return json.loads(files[name].decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        problems.append(Problem(name, "is not UTF-8 text"))
    except json.JSONDecodeError as exc:
        problems.append(Problem(name, f"is not valid JSON: {exc.msg}", exc.lineno))
    except ValueError as exc:
        problems.append(Problem(name, str(exc)))
    return None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key '{key}'")
        seen[key] = value
    return seen


def dig(data: Any, dotted: str) -> Any:
    """``data['a']['b']`` for ``'a.b'``; None when any step is missing."""
    for key in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def unfilled_placeholders(files: Files) -> list[Problem]:
    problems = []
    for name, content in sorted(files.items()):
        if not name.endswith(TEXT_SUFFIXES):
            continue
        text = content.decode("utf-8", "replace")
        for match in PLACEHOLDER.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            message = (
                f"placeholder {match.group()} is not filled in "
                "(build the zip with `precedent app package`)"
            )
            problems.append(Problem(name, message, line))
    return problems


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str], int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}, self.getpos()[0]))


def html_references(content: bytes) -> list[tuple[str, str, int]]:
    """(kind, url, line) for every script src and stylesheet href in an HTML file."""
    parser = _Tags()
    parser.feed(content.decode("utf-8", "replace"))
    refs = []
    for tag, attrs, line in parser.found:
        if tag == "script" and attrs.get("src"):
            refs.append(("script", attrs["src"].strip(), line))
        elif tag == "link" and "stylesheet" in attrs.get("rel", "").lower() and attrs.get("href"):
            refs.append(("stylesheet", attrs["href"].strip(), line))
    return refs


def is_remote(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE))


def html_problems(files: Files, allowed: frozenset[str] = frozenset()) -> list[Problem]:
    """Scripts must ship in the package (no CDN); local scripts and styles must exist."""
    problems = []
    for name in sorted(n for n in files if n.endswith(".html")):
        for kind, url, line in html_references(files[name]):
            if url in allowed:
                continue
            if is_remote(url):
                if kind == "script":
                    problems.append(
                        Problem(
                            name,
                            f"loads a script from outside the app ({url}); bundle it in the "
                            "package instead (no CDN scripts)",
                            line,
                        )
                    )
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), url.split("?")[0]))
            if target not in files:
                problems.append(Problem(name, f"{kind} '{url}' is not in the package", line))
    return problems
