"""The shapes of JSON responses, declared once: views build their bodies with these models and
``backend/api/openapi.py`` turns them into the OpenAPI components.

A field without a default is always in the body (``null`` included); a field that defaults to
``None`` is in the body only when the view sets it (``respond`` dumps with
``exclude_unset``), as e.g. a gate's ``eligible_reviewers`` only while a draft is held.
Unknown members are refused, so a view cannot return a key the document does not declare.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, jsonify
from pydantic import BaseModel, ConfigDict, Field

Domain = Literal["legal", "medical", "financial", "insurance", "safety"]


class Shape(BaseModel):
    """A response body or a part of one."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def body(shape: Shape) -> dict[str, Any]:
    """``shape`` as JSON-ready data: the fields set, nulls included."""
    return shape.model_dump(mode="json", exclude_unset=True)


def respond(shape: Shape) -> Response:
    return jsonify(body(shape))


class WinningDecision(Shape):
    """With ``already_decided``: the decision that won, possibly a moment ago."""

    status: Literal["approved", "rejected"]
    reviewer: str | None
    decided_at: str | None
    note: str | None


class ErrorDetail(Shape):
    code: str
    message: str
    field: str | None = Field(
        default=None, description="the request field at fault, e.g. comment.id or items[2]"
    )
    decision: WinningDecision | None = None


class Error(Shape):
    error: ErrorDetail


class Citation(Shape):
    marker: int = Field(description="the n of [n] in the draft text")
    kind: Literal["ticket", "doc"]
    source_id: str
    title: str
    url: str | None
    snippet: str
    score: float = Field(description="similarity to the question, 0..1")
    edited_away: float | None = Field(
        default=None,
        description="share of this section's cited sentences that agents removed or rewrote "
        "in the replies they sent, when it is on the tenant's open revision list (the card "
        "says 'Agents often change this'); null otherwise",
    )


class PriorTicket(Shape):
    id: str
    subject: str
    status: str
    created_at: str


class PriorTickets(Shape):
    """The requester's other recent tickets (the newest few)."""

    count: int
    recent: list[PriorTicket]


class CustomerContext(Shape):
    """Who is asking, shown to the agent and never sent to a model."""

    organization: str
    plan: str = Field(description="the first plan / tier / subscription field")
    fields: dict[str, str]
    tags: list[str]
    prior_tickets: PriorTickets


class RuleHit(Shape):
    """One matched span of a rule, or a rule that matched without a span (source null)."""

    rule: str
    policy: str
    domain: str
    type: str
    source: Literal["ticket", "draft"] | None
    start: int | None
    end: int | None
    text: str
    score: float | None = Field(description="the rule's score, if it has one")
    detail: str | None = Field(
        description="why, in words: 'the ticket is about medical (0.91) and asks for a "
        "personal judgement (0.88): 0.80 ≥ threshold 0.50'"
    )


class Gate(Shape):
    """The compliance gate's decision; insert is refused unless insertable."""

    status: Literal["clear", "review_required", "approved", "rejected"]
    domains: list[str]
    jurisdiction: str | None
    rules: list[RuleHit]
    held: list[str] = Field(
        description="why a domain is gated whatever the text says, e.g. 'policy for legal is "
        "missing: policies/legal.yaml not found' (fail closed)"
    )
    languages: dict[str, str] = Field(
        description="ISO 639-1 language detected per text judged ('ticket', 'draft'); absent "
        "when a text is too short to tell"
    )
    notes: list[str] = Field(
        description="what the agent should know about the decision itself, e.g. a language "
        "the policies were not measured on (unsupported_language: warn)"
    )
    insertable: bool
    reason: str | None
    urgent: bool = Field(
        description="the safety policy found someone may be in danger: show instruction "
        "first; the review item is first in reviewers' queues"
    )
    instruction: str | None = Field(
        default=None,
        description="urgent drafts only: the tenant's safety instruction "
        "(PRECEDENT_SAFETY_INSTRUCTION, PRECEDENT_SAFETY_INSTRUCTIONS)",
    )
    eligible_reviewers: int | None = Field(
        default=None,
        description="held drafts only: reviewers who may decide it now (0: nobody)",
    )
    superseded_by: str | None = Field(
        default=None,
        description="held drafts only: the ticket's newer draft, whose review replaced this "
        "one's (the ticket has one open review)",
    )


class DraftError(Shape):
    code: str
    message: str | None


class DraftLinks(Shape):
    self: str


class Draft(Shape):
    id: str
    ticket_id: str
    status: Literal["queued", "running", "ready", "failed"]
    text: str | None = Field(description="reply with [n] markers, when ready")
    partial_text: str | None = Field(
        description="while running with a streaming model: the text written so far "
        "(placeholders restored, citation markers not yet checked); null otherwise"
    )
    restored: bool = Field(
        description="false once the ticket's placeholder vault has expired: text and "
        "partial_text then show placeholders such as <PERSON_1>, not the values"
    )
    citations: list[Citation]
    flags: list[str] = Field(
        description="e.g. weak_evidence, knowledge_gap, model_unavailable (the model provider "
        "failed: evidence-only draft), model_refused (the provider is not verified "
        "zero-retention for this tenant's data: evidence-only draft)"
    )
    notes: list[str] = Field(description="plain-language uncertainty for the agent")
    provider: str | None
    model: str | None
    timings_ms: dict[str, int | float]
    attempts: int
    error: DraftError | None = Field(
        description="why it failed, or the last temporary error while it is retried"
    )
    created_at: str
    updated_at: str
    completed_at: str | None
    gate: Gate
    customer_context: CustomerContext | None = Field(
        description="null while drafting or when skipped (then flags holds context_skipped)"
    )
    inserted_at: str | None
    version: str | None = Field(
        default=None,
        description="what the draft answers: a hash of the customer's messages, the policies "
        "in force and the knowledge revision; opening the ticket again shows the newest "
        "draft of its current version (null: a draft from before versions)",
    )
    links: DraftLinks


class DraftShown(Shape):
    id: str
    shown_at: str | None = Field(
        description="when the sidebar first showed the ready draft (the first report wins); "
        "review speed in the insights counts from here. null: the draft was inserted or "
        "answered before it was first shown, so its review time counts from ready"
    )


class TicketSummary(Shape):
    id: str
    subject: str
    requester: str
    created_at: str
    tags: list[str]
    jurisdiction: str


class TicketComment(Shape):
    author: str
    body: str
    public: bool
    created_at: str | None


class Ticket(TicketSummary):
    body: str
    requester_email: str
    comments: list[TicketComment]


class Tickets(Shape):
    tickets: list[TicketSummary]


class Check(Shape):
    ok: bool
    detail: str


class Health(Shape):
    status: Literal["ok", "degraded"]
    checks: dict[str, Check] = Field(
        description="database, broker, index (reachability) and policies (a policy file "
        "that does not load, or a required policy missing, named with file:line)"
    )


class AppToken(Shape):
    token: str
    expires_in: int = Field(description="seconds")


class Outcome(Shape):
    id: int
    draft_id: str
    ticket_id: str
    source: Literal["sidebar", "webhook"]
    agent: str | None = Field(
        description="the agent named by a verified credential (app token, signed webhook); "
        "null when the caller only claimed one"
    )
    action: Literal["accepted", "edited", "rejected", "escalated"] | None = Field(
        description="accepted / edited are measured from the text unless the agent said "
        "rejected or escalated"
    )
    rating: Literal["up", "down"] | None
    reason: Literal["wrong_facts", "wrong_tone", "missing_info", "not_needed"] | None = Field(
        description="why a thumbs-down: only with rating down"
    )
    sent_type: Literal["public", "internal"] | None
    edit_distance: int | None = Field(
        description="Levenshtein distance, draft (markers stripped) to sent text"
    )
    similarity: float | None = Field(description="1 - distance / longer")
    gate_status: str
    bypass: bool = Field(description="a gated, unapproved draft's text was sent (audited)")
    confirms_id: int | None
    confirmation: Literal["confirmed", "corrected"] | None
    sent_at: str | None
    created_at: str


class WebhookResult(Shape):
    """What a webhook did, or why not; ``draft_id`` / ``outcome_id`` when it made one."""

    event: Literal["ticket_created", "comment_added", "group_changed", "unknown"]
    ticket_id: str
    result: str
    draft_id: str | None = None
    outcome_id: int | None = None
    confirmation: Literal["confirmed", "corrected"] | None = None
