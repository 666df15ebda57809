"""Placeholder vault: which placeholder stands for which value, for one ticket."""

from __future__ import annotations

import re


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

    def restore(self, text: str) -> str:
        """Put real values back, tolerating case changes and stray markdown or spaces."""
        if not self._by_placeholder:
            return text
        return _PLACEHOLDER.sub(self._restore_one, text)

    def _restore_one(self, match: re.Match[str]) -> str:
        placeholder = f"<{match.group('type').upper()}_{match.group('n')}>"
        return self._by_placeholder.get(placeholder, match.group(0))

    def __len__(self) -> int:
        return len(self._by_placeholder)


_PLACEHOLDER = re.compile(
    r"[*_`]*<\s*[*_`]*(?P<type>[A-Za-z][A-Za-z_]*?)_(?P<n>\d+)[*_`]*\s*>[*_`]*"
)


def _normalise(value: str) -> str:
    return " ".join(value.casefold().split())
