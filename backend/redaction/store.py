"""The vault's mapping at rest: per tenant and ticket, encrypted, with an expiry.

Keeping it lets every draft of a ticket use the same placeholders; the values are only ever
stored encrypted (Fernet, key from settings) and are never logged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.models import RedactionVault, Tenant, utcnow
from backend.redaction.vault import Vault
from backend.tenants import ensure_tenant

SessionFactory = Callable[[], AbstractContextManager[Session]]
PLACEHOLDER = re.compile(r"^<(?P<type>[A-Z][A-Z_]*)_(?P<n>\d+)>$")


def fernet_key(secret: str) -> bytes:
    """A Fernet key from a setting: a Fernet key as is, anything else hashed into one."""
    try:
        if len(base64.urlsafe_b64decode(secret.encode())) == 32:
            return secret.encode()
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


class VaultStore:
    def __init__(self, sessions: SessionFactory, key: str, ttl: timedelta) -> None:
        self._sessions = sessions
        self._fernet = Fernet(fernet_key(key))
        self._ttl = ttl

    def load(self, tenant: str, ticket_id: str, session: Session | None = None) -> Vault:
        """The ticket's vault, or a new one when none is stored, it expired or won't decrypt.

        ``session``: inside the caller's transaction (SQLite allows one writer at a time).
        """
        with self._session(session) as session:
            row = self._row(session, tenant, ticket_id)
            # SQLite hands datetimes back without a zone; compare both as naive UTC.
            if row is None or row.expires_at.replace(tzinfo=None) < utcnow().replace(tzinfo=None):
                return Vault()
            try:
                entries = json.loads(self._fernet.decrypt(row.ciphertext.encode()))
            except InvalidToken:  # the key was rotated: start a fresh mapping
                return Vault()
        return rebuild(entries)

    def save(
        self, tenant: str, ticket_id: str, vault: Vault, session: Session | None = None
    ) -> None:
        ciphertext = self._fernet.encrypt(json.dumps(vault.entries()).encode()).decode()
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
