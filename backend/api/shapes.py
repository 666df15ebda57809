"""The shapes of request bodies, declared once; ``backend/api/openapi.py`` documents them.

Fields hold only what the database can store: strings no longer than their columns, values
from the same lists the services check. Unknown members are ignored, as before, so a newer
sidebar can send more.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MAX_TEXT = 100_000  # a reply or an edited draft; the body limit is PRECEDENT_MAX_CONTENT_LENGTH
MAX_NOTE = 10_000


def text(min_length: int = 1, max_length: int = 200) -> Any:
    """A stripped string of ``min_length``..``max_length`` characters."""
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


class Body(BaseModel):
    """A request body; ``EXAMPLE`` is quoted when the body is not a JSON object."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    EXAMPLE: ClassVar[str] = "{}"


class DraftRequest(Body):
    """``POST /drafts``: a ticket id, as a string or a number."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    EXAMPLE = '{"ticket_id": "TW-20001"}'
    ticket_id: Annotated[str, text(max_length=200)]
    again: bool = Field(
        default=False,
        description="Draft again: always a new draft. Without it, the newest draft of the "
        "ticket's current version is answered if there is one",
    )


class OutcomeReport(Body):
    """``POST /drafts/{id}/outcome``: what the agent sent and/or their verdict."""

    EXAMPLE = '{"sent_text": "…", "sent_type": "public"}'
    model_config = ConfigDict(
        json_schema_extra={"description": "What the agent sent and/or their verdict; at least one"}
    )
    sent_text: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None = None
    sent_type: Literal["public", "internal", "publicReply", "internalNote"] | None = None
    action: Literal["accepted", "edited", "rejected", "escalated"] | None = None
    rating: Literal["up", "down"] | None = None
    reason: Literal["wrong_facts", "wrong_tone", "missing_info", "not_needed"] | None = Field(
        default=None, description="why the draft was not helpful; only with rating down"
    )
    agent: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        default=None,
        description="unverified: ignored when an app token names the agent; otherwise "
        "(Freshdesk app, embedded default) the outcome's agent stays null and this name is "
        "kept only as claimed_agent in the audit log",
    )


class EscalationRequest(Body):
    """``POST /drafts/{id}/escalate``: an optional note for whoever takes the ticket."""

    EXAMPLE = '{"note": "Customer asks about a dose; needs a pharmacist."}'
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE)] = Field(
        default="",
        description="written into the helpdesk's internal note (never a public reply) and, "
        "redacted, into the notices",
    )


class Decision(Body):
    """``POST /reviews/{id}/decision``."""

    EXAMPLE = '{"action": "approve", "note": "…"}'
    action: Literal["approve", "edit_and_approve", "reject"]
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE)] | None = None
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None = Field(
        default=None, description="the edited draft, for edit_and_approve"
    )


class NewReviewer(Body):
    """``POST /admin/reviewers``."""

    EXAMPLE = '{"name": "Ana Ruiz", "email": "ana@example.com"}'
    name: Annotated[str, text(max_length=200)]
    email: Annotated[str, text(max_length=320), Field(pattern=r"^[^@\s]+@[^@\s]+$")]


class NewCredential(Body):
    """``POST /admin/reviewers/{id}/credentials``."""

    EXAMPLE = (
        '{"domain": "insurance", "jurisdictions": ["US-CA"], "licence_id": "0G12345", '
        '"expires_on": "2027-06-30"}'
    )
    domain: Literal["legal", "medical", "financial", "insurance", "safety"]
    jurisdictions: Annotated[
        list[str],  # each checked by review.credential_jurisdictions, naming valid forms
        Field(max_length=100, examples=[["US-CA", "US-*"]]),  # none: the service says so
    ]
    licence_id: Annotated[str, text(max_length=200)]
    expires_on: Annotated[date, Field(examples=["2027-12-31"])]


def describe(shape: type[Body], field: str) -> tuple[str, bool]:
    """What ``field`` must be, in words, and whether it is required: from its JSON schema."""
    schema = _schema(shape)
    prop = schema.get("properties", {}).get(field, {})
    return _kind(_unwrap(prop)), field in schema.get("required", [])


@cache
def _schema(shape: type[Body]) -> dict[str, Any]:
    return shape.model_json_schema()


def _unwrap(prop: dict[str, Any]) -> dict[str, Any]:
    """``X | None`` is written ``anyOf: [X, null]``: X is what to ask for."""
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    return {**options[0], **{k: v for k, v in prop.items() if k == "examples"}}


def _kind(prop: dict[str, Any]) -> str:
    kind = _plain_kind(prop)
    examples = prop.get("examples")
    if not examples:
        return kind
    example = examples[0]
    return f"{kind} such as {example if isinstance(example, str) else json.dumps(example)}"


def _plain_kind(prop: dict[str, Any]) -> str:
    if "enum" in prop or "const" in prop:
        return "one of: " + ", ".join(str(v) for v in prop.get("enum", [prop.get("const")]))
    kinds = {"integer": "a whole number", "boolean": "true or false", "object": "an object"}
    if prop.get("type") == "array":
        return "a list of strings" if prop.get("items", {}).get("type") == "string" else "a list"
    if prop.get("format") == "date":
        return "a date"
    if prop.get("pattern") and "@" in prop["pattern"]:
        return "an e-mail address"
    if prop.get("type") == "string":
        return "a non-empty string" if prop.get("minLength", 0) > 0 else "a string"
    return kinds.get(str(prop.get("type")), "a valid value")


class WebhookComment(Body):
    id: str | int
    body: str
    public: bool | None = None
    author_id: str | int | None = None
    author_role: str | None = Field(
        default=None,
        description="end-user / customer / requester / contact: the customer wrote it and "
        "it is ignored",
    )
    author_is_agent: bool | str | None = Field(
        default=None, description='false (or "false"): the customer wrote it; ignored'
    )


class WebhookBody(Body):
    """The body a helpdesk trigger sends (docs/helpdesk-http.md).

    Documentation only: ``backend/api/webhook_events.py`` reads it, together with Zendesk's
    event-subscription bodies, which this shape does not describe.
    """

    EXAMPLE = '{"event": "ticket_created", "ticket_id": "1"}'
    event: Literal["ticket_created", "comment_added", "ticket_updated", "group_changed"] | None = (
        None
    )
    ticket_id: str | int
    comment: WebhookComment | None = None
    group: str | None = Field(
        default=None, description="group_changed: the ticket's new team (group) name"
    )
    changed_at: str | None = Field(
        default=None, description="group_changed: when, ISO 8601 (UTC without an offset)"
    )
