"""What a helpdesk webhook says, read from the JSON body the admin configured.

Zendesk triggers and Freshdesk automations send whatever JSON body the admin writes with
placeholders; docs/helpdesk-http.md gives the bodies to paste. Our shape:

    {"event": "ticket_created", "ticket_id": "123"}
    {"event": "comment_added", "ticket_id": "123",
     "comment": {"id": "456", "body": "…", "public": true, "author_id": "9001",
                 "author_is_agent": true}}

``ticket_updated`` is read like ``comment_added`` when it carries a comment. Zendesk's
event-subscription webhooks (``"type": "zen:event-type:ticket.created"`` /
``ticket.comment_added``, ticket id in ``detail.id``, comment in ``event.comment``) are read
too; their comment field names follow Zendesk's published examples and are not verified
against a live account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.errors import InputError
from backend.learning.helpdesk import HelpdeskComment

KINDS = {
    "ticket_created": "ticket_created",
    "zen:event-type:ticket.created": "ticket_created",
    "comment_added": "comment_added",
    "ticket_updated": "comment_added",
    "zen:event-type:ticket.comment_added": "comment_added",
}
MAX_AUTHOR = 200  # the outcome's agent column
EXAMPLE = '{"event": "ticket_created", "ticket_id": "1"}'
CUSTOMER_ROLES = ("end-user", "end_user", "customer", "requester", "contact")


@dataclass(frozen=True)
class WebhookEvent:
    name: str  # as sent
    kind: str  # ticket_created | comment_added | unknown
    ticket_id: str
    comment: HelpdeskComment | None = None


def parse_event(body: Any) -> WebhookEvent:
    if not isinstance(body, dict):
        raise InputError(f"send a JSON object such as {EXAMPLE}")
    name = body.get("type") if isinstance(body.get("event"), dict) else body.get("event")
    name = str(name or "")
    detail = body.get("detail")
    if not isinstance(detail, dict):
        detail = {}
    ticket_id = _id(body.get("ticket_id") or detail.get("id"), "ticket_id")
    kind = KINDS.get(name, "unknown")
    raw = body.get("comment")
    if raw is None and isinstance(body.get("event"), dict):
        raw = body["event"].get("comment")
    comment = _comment(raw, ticket_id) if kind == "comment_added" and raw is not None else None
    if kind == "comment_added" and comment is None:
        kind = "unknown"  # an update without a comment tells us nothing
    return WebhookEvent(name, kind, ticket_id, comment)


def is_from_customer(comment: dict[str, Any]) -> bool:
    """Said so by ``author_role``, ``author_is_agent`` or (event subscriptions) ``author.is_staff``.

    When the body says nothing about the author, the comment is taken as the agent's.
    """
    role = comment.get("author_role")
    if isinstance(role, str) and role.strip().lower() in CUSTOMER_ROLES:
        return True
    author = comment.get("author")
    staff = author.get("is_staff") if isinstance(author, dict) else None
    return any(_is_false(flag) for flag in (comment.get("author_is_agent"), staff))


def _is_false(flag: Any) -> bool:
    return flag is False or (isinstance(flag, str) and flag.strip().lower() == "false")


def _comment(raw: Any, ticket_id: str) -> HelpdeskComment | None:
    if not isinstance(raw, dict):
        raise InputError("comment must be an object with id, body and public")
    if is_from_customer(raw):
        return None
    body = raw.get("body")
    if not isinstance(body, str) or not body.strip():
        raise InputError("comment.body is required and must be a non-empty string")
    public = raw.get("public", raw.get("is_public", True))
    return HelpdeskComment(
        ticket_id=ticket_id,
        comment_id=_id(raw.get("id"), "comment.id"),
        body=body,
        public=public not in (False, "false", "False", 0, "0"),
        author=_author(raw),
        created_at=_moment(raw.get("created_at")),
    )


def _author(raw: dict[str, Any]) -> str | None:
    """``author_id``, or ``author`` as an id or as an object with an ``id`` (event bodies)."""
    author = raw.get("author")
    nested = author.get("id") if isinstance(author, dict) else None
    found = raw.get("author_id") or nested or (author if not isinstance(author, dict) else None)
    if found is None or found == "":
        return None
    name = "comment.author_id" if raw.get("author_id") else "comment.author"
    return _id(found, name, MAX_AUTHOR)


def _id(value: Any, name: str, limit: int = 64) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        error = InputError(f"{name} is required: a string or number of at most {limit} characters")
        error.fields["field"] = name
        raise error
    return value.strip()


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
