"""Plain data passed between pipeline stages. No Flask, no database, no vendor types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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

    def customer_text(self) -> str:
        """What the customer wrote: subject, first message and their public follow-ups."""
        follow_ups = [c.body for c in self.comments if c.public and c.author == "customer"]
        return "\n\n".join([self.subject, self.body, *follow_ups])


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
