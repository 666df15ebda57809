"""Placeholder vault: which placeholder stands for which value, for one ticket.

Restore tolerates what models do to ``<PERSON_1>``: ``<person_1>``, ``**<PERSON_1>**``,
``< PERSON_1 >``, ``PERSON_1`` or ``[PERSON 1]``, ``<PERSON\\_1>``, ``&lt;PERSON_1&gt;``,
``<EMAIL-ADDRESS-1>``; ``StreamRestorer`` does the same over streamed chunks.
"""

from __future__ import annotations

from functools import lru_cache

# ``regex`` (a Presidio dependency) for partial matching: can a chunk's tail still become a
# placeholder? It ships no type information.
import regex


class Vault:
    """Numbers placeholders per entity type in the order values are first seen.

    ``numbered=False`` gives bare ``<PERSON>`` placeholders: used for indexed history, whose
    values must never be restored into another customer's draft.
    """

    def __init__(self, numbered: bool = True) -> None:
        self.numbered = numbered
        self._by_value: dict[tuple[str, str], str] = {}
        self._by_placeholder: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def placeholder_for(self, entity_type: str, value: str) -> str:
        key = (entity_type, _normalise(value))
        if key not in self._by_value:
            if not self.numbered:
                return f"<{entity_type}>"
            self._counts[entity_type] = self._counts.get(entity_type, 0) + 1
            placeholder = f"<{entity_type}_{self._counts[entity_type]}>"
            self._by_value[key] = placeholder
            self._by_placeholder[placeholder] = value
        return self._by_value[key]

    def entries(self) -> dict[str, str]:
        """Placeholder → value, for storing the mapping (encrypted) between drafts."""
        return dict(self._by_placeholder)

    def restore(self, text: str) -> str:
        """Put real values back, tolerating case, markdown, spacing and bracket changes."""
        if not self._by_placeholder:
            return text
        restored: str = self.pattern().sub(self._restore_one, text)
        return restored

    def pattern(self) -> regex.Pattern[str]:
        """What a placeholder of this vault may look like after a model rewrote it."""
        return _pattern(tuple(sorted(self._counts)))

    def _restore_one(self, match: regex.Match[str]) -> str:
        kind = regex.sub(r"[^A-Za-z]", "", match.group("type")).upper()
        for placeholder, value in self._by_placeholder.items():
            name, _, number = placeholder[1:-1].rpartition("_")
            if name.replace("_", "") == kind and number == str(int(match.group("n"))):
                return value
        whole: str = match.group(0)
        return whole

    def __len__(self) -> int:
        return len(self._by_placeholder)


class StreamRestorer:
    """Restores a draft streamed in chunks; holds back only what may be a partial placeholder.

    >>> stream = StreamRestorer(vault)
    >>> stream.feed("Dear <PER") + stream.feed("SON_1>, thanks") + stream.flush()
    'Dear Jane Roe, thanks'
    """

    WINDOW = 64  # longer than any placeholder a model could write

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._pending = ""
        # What was released so far as the model wrote it (placeholders): what is stored, never
        # cut inside a placeholder, so restoring it on read gives the same text.
        self.released = ""

    def feed(self, chunk: str) -> str:
        """Restored text that is final; a possible placeholder at the end is kept back."""
        text = self._pending + chunk
        cut = self._cut(text)
        self._pending = text[cut:]
        self.released += text[:cut]
        return self.vault.restore(text[:cut])

    def flush(self) -> str:
        """The rest, at the end of the stream."""
        text, self._pending = self._pending, ""
        self.released += text
        return self.vault.restore(text)

    def _cut(self, text: str) -> int:
        if not len(self.vault):
            return len(text)
        pattern = self.vault.pattern()
        for start in range(max(0, len(text) - self.WINDOW), len(text)):
            if pattern.fullmatch(text, pos=start, partial=True):
                return start
        return len(text)


MARKDOWN = r"[*_`~\\]"
CLOSE = r"(?:>|&gt;|\]|\}|»)"


@lru_cache(maxsize=256)
def _pattern(types: tuple[str, ...]) -> regex.Pattern[str]:
    # A type's words may be joined by "_", "-", " ", an escaped "\_" or nothing.
    names = "|".join(
        r"(?:\\?[_ \-])?".join(regex.escape(word) for word in t.split("_"))
        for t in sorted(types, key=len, reverse=True)
    )
    return regex.compile(
        rf"""
        {MARKDOWN}*
        (?:(?P<open><|&lt;|\[|\{{|«)[ \t]*{MARKDOWN}*)?
        (?<![A-Za-z0-9])(?P<type>{names})
        (?(open)[ \t]*(?:\\?[_\-\#]|[ \t])?[ \t]*|\\?[_\-])
        (?P<n>\d+)(?!\d)
        (?(open)(?:[ \t]*{MARKDOWN}*[ \t]*{CLOSE})?|(?![A-Za-z0-9]){CLOSE}?)
        {MARKDOWN}*
        """,
        regex.IGNORECASE | regex.VERBOSE,
    )


def _normalise(value: str) -> str:
    return " ".join(value.casefold().split())
