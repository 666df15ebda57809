"""What a helpdesk webhook says, read from the JSON body the admin configured.

Zendesk triggers and Freshdesk automations send whatever JSON body the admin writes with
placeholders; docs/helpdesk-http.md gives the bodies to paste. Our shape:

    {"event": "ticket_created", "ticket_id": "123"}
    {"event": "comment_added", "ticket_id": "123",
     "comment": {"id": "456", "body": "…", "public": true, "author_id": "9001",
                 "author_is_agent": true}}

    {"event": "group_changed", "ticket_id": "123", "group": "Billing",
     "changed_at": "2026-03-20T10:05:00Z"}

``ticket_updated`` is read like ``comment_added`` when it carries a comment. ``group_changed``
(a Freshdesk automation or Zendesk trigger on "group is changed") records a move of the ticket
to the team named ``group`` ("" for none) at ``changed_at`` (ISO 8601; UTC when it has no
offset), from the ticket's last known team: Freshdesk's API has no ticket history to read it
from. The same ticket, time and group delivered again is recorded once. Zendesk's
event-subscription webhooks (``"type": "zen:event-type:ticket.created"`` /
``ticket.comment_added``, ticket id in ``detail.id``, comment in ``event.comment``) are read
too; their comment field names follow Zendesk's published examples and are not verified
against a live account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.errors import InputError
from backend.learning.helpdesk import HelpdeskComment
from backend.models import in_utc

KINDS = {
    "ticket_created": "ticket_created",
    "zen:event-type:ticket.created": "ticket_created",
    "comment_added": "comment_added",
    "ticket_updated": "comment_added",
    "zen:event-type:ticket.comment_added": "comment_added",
    "group_changed": "group_changed",
}
MAX_AUTHOR = 200  # the outcome's agent column
MAX_TEAM = 200  # a team change's team columns
EXAMPLE = '{"event": "ticket_created", "ticket_id": "1"}'
CUSTOMER_ROLES = ("end-user", "end_user", "customer", "requester", "contact")


@dataclass(frozen=True)
class GroupChange:
    group: str  # the team's name, "" for none
    at: datetime  # aware

    def key(self, ticket_id: str) -> str:
        """The same for a repeated delivery of this change, and for no other."""
        said = f"{ticket_id}\n{self.at.isoformat()}\n{self.group}"
        return hashlib.sha256(said.encode()).hexdigest()


@dataclass(frozen=True)
class WebhookEvent:
    name: str  # as sent
    kind: str  # ticket_created | comment_added | group_changed | unknown
    ticket_id: str
    comment: HelpdeskComment | None = None
    group_change: GroupChange | None = None


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
    change = _group_change(body) if kind == "group_changed" else None
    return WebhookEvent(name, kind, ticket_id, comment, change)


def _group_change(body: dict[str, Any]) -> GroupChange:
    group = body.get("group")
    if not isinstance(group, str) or len(group) > MAX_TEAM:
        error = InputError(f"group is required: the team's name, at most {MAX_TEAM} characters")
        error.fields["field"] = "group"
        raise error
    sent, at = body.get("changed_at"), _moment(body.get("changed_at"))
    if at is None:
        said = "is required" if sent in (None, "") else f"'{str(sent)[:40]}' is not ISO 8601"
        error = InputError(f"changed_at {said}: when the group changed, e.g. 2026-03-20T10:05:00Z")
        error.fields["field"] = "changed_at"
        raise error
    # one moment, one key: "…Z" and "…+01:00" for the same instant are one change
    return GroupChange(group.strip(), in_utc(at))


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
