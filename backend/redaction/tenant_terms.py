"""A tenant's own terms, learned from its help centre: brands, products and plan names.

The NER model takes a brand in a help-centre title for a place or a person ("Reset your
Dropbox password" became "Reset your <LOCATION_1> password" in the agent's source card).
When a tenant's articles are ingested, the capitalised words of their titles and headings
are learned as that tenant's terms; a span the model or a word list *guessed* to be a name,
place or nationality is then not redacted for that tenant when its terms make up all of it.
What a structured recognizer or a cue found (e-mails, phones, ids, "Thanks, Name") is never
affected, and a term inside a longer guessed span ("Tova Wexler", where "Wexler" is also a
product) leaves the whole span redacted.

Words that may be someone's name are not learned: census first names and common surnames,
and the words of a span of two or more words the model reads as a person ("Refunds: ask
Zebulon Quillfeather"). A single unknown word the model reads as a person in a title
("Connect Shopify to Brightpearl") is learned: a title naming someone by one rare word alone
is the trade-off.

The terms are kept per tenant and per article in one JSON file in the data folder, so they
survive restarts and a re-ingested article replaces its own terms; tenants never share them.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from backend.redaction.words import person_word

# A word of a title: letters, with inner apostrophes, hyphens or dots ("Wi-Fi", "Node.js").
TITLE_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")
POSSESSIVE = re.compile(r"['’]s$")
Stamp = tuple[int, int]


def title_terms(title: str, people: Sequence[tuple[int, int]]) -> list[str]:
    """The capitalised words of ``title`` that are never a person's name.

    ``people`` are the spans of two or more words the model reads as a person; their words
    are left out, as are census first names and common surnames.
    """
    found = []
    for m in TITLE_WORD.finditer(title):
        word = POSSESSIVE.sub("", m.group())
        inside_person = any(s <= m.start() and m.end() <= e for s, e in people)
        if _capitalised(word) and not inside_person and not person_word(word.casefold()):
            found.append(word)
    return list(dict.fromkeys(found))


def _capitalised(word: str) -> bool:
    # "Dropbox", "iCloud", "SSO"; not "password"
    return len(word) > 1 and any(ch.isupper() for ch in word)


class TenantTerms:
    """The learned terms of every tenant, in one JSON file: ``{tenant: {source: [terms]}}``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: Stamp = (0, 0)
        self._data: dict[str, dict[str, list[str]]] = {}
        self._terms: dict[str, tuple[str, ...]] = {}  # per tenant, built once per file version

    def learn(self, tenant: str, sources: Mapping[str, Sequence[str]]) -> None:
        """Set the terms of each of ``tenant``'s ``sources`` (an article id → its terms)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.path.with_name(self.path.name + ".lock")):
            data = _read(self.path)
            known = data.setdefault(tenant, {})
            known.update({source: list(terms) for source, terms in sources.items()})
            _write(self.path, data)

    def terms(self, tenant: str) -> tuple[str, ...]:
        """Every term learned for ``tenant``, re-read when the file has changed."""
        stamp = _stamp(self.path)
        with self._lock:
            if stamp != self._stamp:
                self._data, self._stamp, self._terms = _read(self.path), stamp, {}
            if tenant not in self._terms:
                sources = self._data.get(tenant, {})
                self._terms[tenant] = tuple(sorted({t for ts in sources.values() for t in ts}))
            return self._terms[tenant]


def in_data_dir(data_dir: str | Path) -> TenantTerms:
    """The tenants' learned terms kept in ``data_dir`` (``DATA_DIR``)."""
    return TenantTerms(Path(data_dir) / "tenant_terms.json")


def _read(path: Path) -> dict[str, dict[str, list[str]]]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: Mapping[str, Any]) -> None:
    # a reader never sees half a file: written aside, then renamed over the old one
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    # two ingests of one data folder (a sync and the CLI) must not drop each other's terms
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stamp(path: Path) -> Stamp:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)
