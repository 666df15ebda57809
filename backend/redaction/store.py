"""The vault's mapping at rest: per tenant and ticket, encrypted, with an expiry.

Keeping it lets every draft of a ticket use the same placeholders; the values are only ever
stored encrypted (Fernet, key from settings through backend/crypto) and are never logged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.crypto import Cipher, KeyRing, Undecryptable
from backend.crypto.rotate import Table
from backend.db import SessionFactory
from backend.models import RedactionVault, Tenant, utcnow
from backend.redaction.vault import Vault
from backend.tenants import ensure_tenant

PLACEHOLDER = re.compile(r"^<(?P<type>[A-Z][A-Z_]*)_(?P<n>\d+)>$")


class VaultStore:
    def __init__(self, sessions: SessionFactory, keys: KeyRing | str, ttl: timedelta) -> None:
        """``keys``: the current secret and any previous ones (backend/crypto)."""
        self._sessions = sessions
        self._cipher = Cipher(keys, "redaction vault")
        self._ttl = ttl

    def encrypted_table(self) -> Table:
        """The vaults' ciphertexts, for ``precedent keys rotate``."""
        return Table("redaction vaults", RedactionVault, self._cipher)

    def load(self, tenant: str, ticket_id: str, session: Session | None = None) -> Vault:
        """The ticket's vault, or a new one when none is stored, it expired or won't decrypt.

        ``session``: inside the caller's transaction (SQLite allows one writer at a time).
        """
        with self._session(session) as session:
            return self._open(self._row(session, tenant, ticket_id))

    def load_many(
        self, tenant: str, ticket_ids: Iterable[str], session: Session | None = None
    ) -> dict[str, Vault]:
        """``load`` of each ticket, in one query (a list page restores many tickets' texts)."""
        wanted = sorted(set(ticket_ids))
        with self._session(session) as session:
            rows = session.scalars(
                select(RedactionVault)
                .join(Tenant)
                .where(Tenant.slug == tenant, RedactionVault.ticket_id.in_(wanted))
            ).all()
            found = {row.ticket_id: self._open(row) for row in rows}
        return {t: found.get(t) or Vault() for t in wanted}

    def _open(self, row: RedactionVault | None) -> Vault:
        """The row's vault; a new one when there is none, it expired or won't decrypt."""
        # SQLite hands datetimes back without a zone; compare both as naive UTC.
        if row is None or row.expires_at.replace(tzinfo=None) < utcnow().replace(tzinfo=None):
            return Vault()
        try:
            entries = json.loads(self._cipher.decrypt(row.ciphertext))
        except Undecryptable:  # its key is no longer configured: start a fresh mapping
            return Vault()
        return rebuild(entries)

    def save(
        self, tenant: str, ticket_id: str, vault: Vault, session: Session | None = None
    ) -> None:
        ciphertext = self._cipher.encrypt(json.dumps(vault.entries()).encode())
        with self._session(session) as session:
            row = self._row(session, tenant, ticket_id)
            if row is None:
                row = RedactionVault(
                    tenant_id=ensure_tenant(session, tenant).id, ticket_id=ticket_id
                )
                session.add(row)
            row.ciphertext, row.expires_at = ciphertext, utcnow() + self._ttl

    def purge_expired(self) -> int:
        with self._sessions() as session:
            result = session.execute(
                delete(RedactionVault).where(RedactionVault.expires_at < utcnow())
            )
            return int(getattr(result, "rowcount", 0) or 0)

    @contextmanager
    def _session(self, session: Session | None) -> Iterator[Session]:
        with nullcontext(session) if session else self._sessions() as current:
            yield current

    def _row(self, session: Session, tenant: str, ticket_id: str) -> RedactionVault | None:
        return session.scalars(
            select(RedactionVault)
            .join(Tenant)
            .where(Tenant.slug == tenant, RedactionVault.ticket_id == ticket_id)
        ).first()


def rebuild(entries: dict[str, str]) -> Vault:
    """A vault that numbers exactly as the stored one did."""
    vault = Vault()
    parsed = [
        (m["type"], int(m["n"]), value)
        for placeholder, value in entries.items()
        if (m := PLACEHOLDER.match(placeholder))
    ]
    for entity_type, _, value in sorted(parsed):
        vault.placeholder_for(entity_type, value)
    return vault
