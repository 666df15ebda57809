"""Response shapes of the reviewer queue and the admin API (see ``backend/api/responses.py``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from backend.api.responses import Citation, Domain, RuleHit, Shape


class Credential(Shape):
    domain: Domain
    jurisdictions: list[str]
    licence_id: str
    expires_on: str = Field(json_schema_extra={"format": "date"})


class Reviewer(Shape):
    id: int
    name: str
    email: str
    credentials: list[Credential]


class SupersededBy(Shape):
    """The ticket's newer draft that replaced a review item, and its own item if it has one."""

    draft_id: str
    review_id: int | None = Field(description="null: the newer draft needs no review")


class Review(Shape):
    id: int
    draft_id: str
    ticket_id: str
    subject: str | None = Field(
        default=None,
        description="the ticket's subject (null for drafts from before subjects were kept)",
    )
    domains: list[str]
    jurisdiction: str
    status: Literal["pending", "approved", "rejected", "superseded"] = Field(
        description="superseded: the ticket has a newer draft (superseded_by); not decidable"
    )
    created_at: str
    decided_at: str | None
    age_seconds: int
    note: str | None
    urgent: bool = Field(description="a safety item: listed first")
    instruction: str | None = Field(
        default=None, description="urgent items only: the safety instruction"
    )
    superseded_by: SupersededBy | None = Field(
        default=None, description="superseded items only: what replaced it"
    )


class ReviewDraft(Shape):
    text: str
    citations: list[Citation]
    restored: bool = Field(description="false once the ticket's placeholder vault has expired")


class ReviewTicket(Shape):
    id: str
    subject: str
    body: str
    comments: list[str] = Field(description="the public comments' text")


class ReviewDetail(Review):
    """One review item with its draft, the rules it matched and its ticket."""

    draft: ReviewDraft
    rules: list[RuleHit]
    ticket: ReviewTicket


class ReviewQueue(Shape):
    reviewer: Reviewer
    reviews: list[Review] = Field(description="pending items you may decide: safety first")
    superseded: list[Review] = Field(
        default_factory=list,
        description="items you could decide that a newer draft of their ticket replaced in "
        "the last day, newest first, each with a link to what replaced it",
    )


class Reviewers(Shape):
    reviewers: list[Reviewer]


class AddedReviewer(Shape):
    reviewer: Reviewer
    token: str = Field(description="the reviewer's token, shown once")


class ReviewerRecord(Shape):
    reviewer: Reviewer


class PolicyFile(Shape):
    file: str
    state: Literal["ok", "broken", "missing", "not_loaded", "ignored"] = Field(
        description="ok: the file on disk is in force; broken: it does not load (error), the "
        "running version stays; missing: gone from disk, its running version stays until "
        "every file loads; not_loaded: valid, waiting for a broken file (the folder loads all "
        "or nothing); ignored: not *.yaml"
    )
    domain: str | None
    loaded_version: str | None = Field(description="the version in force")
    disk_version: str | None = Field(description="the valid file on disk")
    error: str | None


class MissingPolicy(Shape):
    """A required domain with no policy in force: every draft is held for review in it."""

    domain: str
    reason: str


class PolicyStatus(Shape):
    enabled: bool = Field(description="false: PRECEDENT_POLICIES_DIR is empty")
    status: Literal["ok", "degraded"]
    directory: str | None = None
    required: list[str] | None = Field(default=None, description="PRECEDENT_REQUIRED_POLICIES")
    in_force: dict[str, str] | None = None
    files: list[PolicyFile]
    missing: list[MissingPolicy]
    problems: list[str] = Field(description="one line per problem, file:line first")
