"""Personal data never reaches a model: every model-facing interface takes ``RedactedText``.

``RedactedText`` can only be made here (by ``seal``, which redactors call), so an embedder,
search index or drafting provider cannot be handed raw text by mistake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, runtime_checkable

from backend.redaction.vault import Vault
from backend.registry import Registry

_SEAL = object()


@dataclass(frozen=True)
class RedactedText:
    """Text whose personal values are placeholders such as ``<PERSON_1>``."""

    text: str
    _seal: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._seal is not _SEAL:
            raise TypeError("RedactedText is made only by a Redactor (backend.redaction)")


def seal(text: str) -> RedactedText:
    """For redactor implementations only: mark ``text`` as redacted."""
    return RedactedText(text, _SEAL)


@dataclass(frozen=True)
class KnownValue:
    """A value the helpdesk tells us is personal (requester name, e-mail)."""

    entity_type: str
    value: str


def requester_values(name: str, email: str) -> list[KnownValue]:
    """What the helpdesk tells us about the requester: always redacted."""
    known = [KnownValue("PERSON", name), KnownValue("EMAIL_ADDRESS", email)]
    return [k for k in known if k.value.strip()]


class Redactor(Protocol):
    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Self:
        """Built from the app's settings (PRECEDENT_* without the prefix)."""
        ...

    def redact(
        self, text: str, vault: Vault, known: Sequence[KnownValue] = (), tenant: str = ""
    ) -> RedactedText:
        """``text`` with personal values as placeholders from ``vault``.

        ``known`` are values the helpdesk says are personal; ``tenant`` selects the tenant's
        allow-list (product and company names that are never redacted).
        """
        ...


@runtime_checkable
class LearnsTerms(Protocol):
    """A redactor that learns a tenant's own terms (brands, products) from its help centre."""

    def learn_terms(self, tenant: str, titles: Mapping[str, Sequence[str]]) -> None:
        """``titles``: each article's source id → its title and headings."""
        ...


redactors: Registry[Redactor] = Registry(
    "redactor",
    {"patterns": "backend.redaction.patterns", "presidio": "backend.redaction.presidio"},
)

__all__ = [
    "requester_values",
    "KnownValue",
    "LearnsTerms",
    "RedactedText",
    "Redactor",
    "Vault",
    "redactors",
    "seal",
]
