"""Plain data passed between pipeline stages. No Flask, no database, no vendor types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

SourceKind = Literal["ticket", "doc"]


@dataclass(frozen=True)
class Comment:
    author: str
    body: str
    public: bool = True
    created_at: str | None = None


@dataclass(frozen=True)
class Requester:
    name: str = ""
    email: str = ""
    id: str = ""  # the helpdesk's user / contact id; empty when unknown


@dataclass(frozen=True)
class Dimensions:
    """How a ticket is sliced in the insights: the helpdesk's own names, empty when unknown.

    ``team`` is the group (Zendesk group, Freshdesk group), ``brand`` the Zendesk brand or
    Freshdesk product, ``ticket_type`` the ticket type (or, in Zendesk, its form when no type
    is set); ``location`` comes from a custom field the tenant's settings name. The ticket's
    jurisdiction is ``Ticket.jurisdiction``.
    """

    team: str = ""
    brand: str = ""
    location: str = ""
    ticket_type: str = ""


@dataclass(frozen=True)
class Ticket:
    tenant: str
    id: str
    subject: str
    body: str
    comments: tuple[Comment, ...] = ()
    requester: Requester = field(default_factory=Requester)
    jurisdiction: str = ""
    tags: tuple[str, ...] = ()
    created_at: str = ""
    status: str = ""  # the helpdesk's own word: open, solved, closed, ...
    url: str = ""  # where an agent opens the ticket
    dimensions: Dimensions = field(default_factory=Dimensions)

    def customer_text(self) -> str:
        """What the customer wrote: subject, first message and their public follow-ups."""
        follow_ups = [c.body for c in self.comments if c.public and c.author == "customer"]
        return "\n\n".join([self.subject, self.body, *follow_ups])


@dataclass(frozen=True)
class TicketSummary:
    """One of the requester's other tickets, for customer context."""

    id: str
    subject: str
    status: str
    created_at: str = ""


@dataclass(frozen=True)
class CustomerContext:
    """Who is asking: organisation, plan / tier and other custom fields, prior tickets."""

    requester: Requester
    organization: str = ""
    plan: str = ""  # the first plan / tier / subscription field found, if any
    fields: Mapping[str, str] = field(default_factory=dict)  # custom user + org fields
    tags: tuple[str, ...] = ()
    recent_tickets: tuple[TicketSummary, ...] = ()


@dataclass(frozen=True)
class Article:
    """A help-centre / solutions article as the helpdesk holds it (HTML body)."""

    id: str
    title: str
    body: str
    url: str
    updated_at: str = ""
    locale: str = ""
    section: str = ""  # section or folder name, when known
    published: bool = True  # False: a draft now; its sections leave the index


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of an export and the cursor to ask for the next one.

    Store ``next_cursor`` and pass it back to resume, also after a crash; ``done`` means
    the export has caught up (asking again later with the same cursor finds new items).
    """

    items: tuple[T, ...]
    next_cursor: str
    done: bool


@dataclass(frozen=True)
class Source:
    """One retrieved passage: a resolved ticket or a documentation section."""

    kind: SourceKind
    source_id: str
    chunk_id: str
    title: str
    url: str
    text: str  # redacted: what was matched (ticket question or doc section)
    answer: str  # redacted: what a draft may quote (resolution, or section body)
    score: float  # cosine similarity of the query to this source, 0..1


@dataclass(frozen=True)
class DraftText:
    """A generator's output: text with [n] markers, n indexing ``sources`` from 1."""

    text: str
    sources: tuple[Source, ...]
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    provider: str = ""
    model: str = ""
    # The zero-retention verification a model call relied on (or the refusal to call);
    # empty when no model provider was involved. Written to the audit trail.
    verification: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Citation:
    marker: int
    source: Source


@dataclass(frozen=True)
class VerifiedDraft:
    text: str
    citations: tuple[Citation, ...]
    notes: tuple[str, ...]
    flags: tuple[str, ...]
    provider: str
    model: str
    verification: dict[str, object] = field(default_factory=dict)
    # What a vendor embedder / reranker relied on, by role ("embed", "rerank"); empty when
    # retrieval ran locally. Written to the audit trail next to ``verification``.
    retrieval_verification: dict[str, object] = field(default_factory=dict)
