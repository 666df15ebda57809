"""A draft's version: what it is an answer to.

Three things decide what a draft says and whether it may be used: what the customer wrote
(subject, first message, public follow-ups, and the ticket's jurisdiction, which the gate
reads), the policies in force (``PolicyStore.version``) and the tenant's documentation
(``retrieval.revision``). Opening a ticket shows the newest draft of its current version
instead of drafting again; a new customer message, a policy edit or a documentation change
makes a new version. Agents' replies and internal notes do not: the draft never reads them.
"""

from __future__ import annotations

import hashlib

from backend.types import Ticket


def ticket_fingerprint(ticket: Ticket) -> str:
    """A hash of what the customer wrote and where they are; nothing else of the ticket."""
    digest = hashlib.sha256()
    for part in (ticket.customer_text(), ticket.jurisdiction):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def draft_version(ticket: Ticket, policies: str, knowledge: int) -> str:
    """The version of a draft for ``ticket`` under ``policies`` and knowledge revision
    ``knowledge``: 32 hex digits, equal exactly when all three are."""
    parts = f"{ticket_fingerprint(ticket)}|{policies}|{knowledge}"
    return hashlib.sha256(parts.encode()).hexdigest()[:32]
