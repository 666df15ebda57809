"""Re-encrypt every stored ciphertext under the current key (``precedent keys rotate``).

After a secret changes (its former value listed in PRECEDENT_PREVIOUS_*_KEYS), old
ciphertexts still decrypt, but only until that former value is removed. Rotation reads each
row a ``Table`` names, leaves the ones the current key already opens, and writes the others
back under the current key: one transaction per batch, each row updated only if nobody changed
it meanwhile. Running it again finds everything current, so it is safe to repeat or resume.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.crypto.fernet import Cipher, Undecryptable
from backend.db import SessionFactory, rows_changed
from backend.models import Base

BATCH = 200
# Columns to refresh with the re-encrypted row (e.g. a keyed digest of a secret inside it).
Refresh = Callable[[bytes], dict[str, Any]]


@dataclass(frozen=True)
class Table:
    """One table whose ``ciphertext`` column holds Fernet tokens of one purpose."""

    name: str  # for the reader: "redaction vaults"
    model: type[Base]  # with integer ``id`` and text ``ciphertext`` columns
    cipher: Cipher
    refresh: Refresh | None = None


@dataclass
class Counts:
    table: str
    total: int = 0
    rotated: int = 0
    current: int = 0
    unreadable: int = 0  # no configured key opens it: left as it was

    @property
    def done(self) -> int:
        return self.rotated + self.current + self.unreadable

    def line(self) -> str:
        return (
            f"{self.table}: {self.done} of {self.total} rows; {self.rotated} re-encrypted, "
            f"{self.current} already current, {self.unreadable} unreadable"
        )


def rotate(
    sessions: SessionFactory,
    table: Table,
    progress: Callable[[Counts], None] = lambda counts: None,
    batch: int = BATCH,
) -> Counts:
    """Rotate ``table`` batch by batch, calling ``progress`` after each committed batch."""
    columns = table.model.__table__.c
    with sessions() as session:
        total = session.scalar(select(func.count()).select_from(table.model.__table__))
    counts, after = Counts(table.name, total or 0), 0
    while True:
        with sessions() as session:  # one transaction per batch
            query = select(columns.id, columns.ciphertext).where(columns.id > after)
            rows = session.execute(query.order_by(columns.id).limit(batch)).all()
            for row_id, ciphertext in rows:
                _rotate_row(session, table, row_id, ciphertext, counts)
        if not rows:
            return counts
        after = rows[-1][0]
        progress(counts)


def _rotate_row(
    session: Session, table: Table, row_id: int, ciphertext: str, counts: Counts
) -> None:
    if table.cipher.is_current(ciphertext):
        counts.current += 1
        return
    try:
        plaintext = table.cipher.decrypt(ciphertext)
    except Undecryptable:
        counts.unreadable += 1
        return
    values = {"ciphertext": table.cipher.encrypt(plaintext)}
    values |= table.refresh(plaintext) if table.refresh else {}
    columns = table.model.__table__.c
    # Only if unchanged since it was read: a row the app rewrote (or purged) meanwhile is
    # already under the current key, or gone.
    unchanged = (columns.id == row_id) & (columns.ciphertext == ciphertext)
    changed = rows_changed(session, update(table.model).where(unchanged).values(values))
    counts.rotated += changed
    counts.current += 1 - changed
