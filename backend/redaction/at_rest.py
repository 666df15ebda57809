"""A ticket's texts at rest: placeholders in the database, real values only on read.

A draft (its text and the text so far while a model streams it), a reviewer's edit and note,
and the reply an agent sent are stored with the ticket's placeholders (``<PERSON_1>``). The
values live only in the ticket's vault, encrypted (backend/redaction/store.py), and expire
with it. Reads for the agent and the reviewer restore them; once the vault has expired a
read shows the placeholders, and ``restored`` says so.

Texts written by people (an agent's reply, a reviewer's edit) are redacted again before they
are stored: the vault's own values are redacted wherever they appear (whatever the model
finds), and values it does not know yet are found by the redactor and added to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from backend.redaction import KnownValue, Redactor, Vault
from backend.redaction.store import PLACEHOLDER, VaultStore

# A numbered placeholder a read could not fill (bare ``<PERSON>`` never can, by design).
UNFILLED = re.compile(r"<[A-Z][A-Z_]*_\d+>")


@dataclass
class TicketTexts:
    """One ticket's placeholders, for storing its texts redacted and reading them restored."""

    tenant: str
    ticket_id: str
    vault: Vault
    redactor: Redactor
    store: VaultStore | None = None
    added: bool = field(default=False, init=False)  # the vault gained values: save it

    def restore(self, text: str) -> str:
        """``text`` with the vault's values in place of its placeholders."""
        return self.vault.restore(text)

    def redact(self, text: str) -> str:
        """``text`` as stored: every value of the vault and every new one found, replaced."""
        before = len(self.vault)
        redacted = self.redactor.redact(text, self.vault, self.known(), self.tenant).text
        self.added = self.added or len(self.vault) > before
        return redacted

    def known(self) -> list[KnownValue]:
        """The vault's values, redacted wherever they appear (a name also part by part)."""
        found = ((PLACEHOLDER.match(p), value) for p, value in self.vault.entries().items())
        return [KnownValue(m["type"], value) for m, value in found if m]

    def save(self, session: Session | None = None) -> None:
        """Keep the values ``redact`` added (within ``session``, when one is open)."""
        if self.added and self.store is not None:
            self.store.save(self.tenant, self.ticket_id, self.vault, session)
            self.added = False


def restored(text: str | None) -> bool:
    """Whether a read text shows real values: False when placeholders were left unfilled."""
    return not UNFILLED.search(text or "")
