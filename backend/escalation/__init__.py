"""Escalation: the agent hands a ticket on, and the people who can take it hear of it.

``Escalate`` in the sidebar (``POST /api/v1/drafts/<id>/escalate``, with an optional note)
records the verdict as an outcome and queues the escalation in the same transaction; the
Celery task ``backend.tasks.escalate`` then, once that has committed:

1. writes to the helpdesk through the connector: the tenant's escalation tags added, the
   ticket assigned to its escalation group (when one is set), and an internal note, last.
   Never a public reply: the connectors have no method that could send one;
2. tells the reviewers eligible for the draft's review item and the tenant's escalation
   address, through the reviewer notifier (``PRECEDENT_NOTIFY``, backend/notify).

Each step is recorded on the row when it is done, so a retried task (the helpdesk was
rate-limited or down: our ``RetryableError``) repeats neither. Where the ticket goes comes
from the tenant's helpdesk settings (``precedent helpdesk connect --escalation-group / -tags
/ -email``), else from ``PRECEDENT_ESCALATION_GROUP / _TAGS / _EMAIL``. The note is stored
redacted with the ticket's vault and restored only for the helpdesk; notices carry it
redacted. Every step is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit, review
from backend.connectors.settings import EMAIL, HelpdeskSettings
from backend.errors import ConfigError
from backend.models import Draft, Escalation, Reviewer, ReviewItem

STATUSES = ("queued", "done", "failed")


@dataclass(frozen=True)
class Target:
    """Where an escalated ticket goes: a group ("" keeps its own), tags, an address to tell."""

    group: str
    tags: tuple[str, ...]
    address: str


def target(config: Mapping[str, Any], settings: HelpdeskSettings | None) -> Target:
    """The tenant's escalation settings, each falling back to the deployment's."""
    group, tags, address = (
        (settings.escalation_group, settings.escalation_tags, settings.escalation_email)
        if settings
        else ("", "", "")
    )
    tags = tags or str(config["ESCALATION_TAGS"])
    return Target(
        group=group or str(config["ESCALATION_GROUP"]),
        tags=tuple(dict.fromkeys(t.strip() for t in tags.split(",") if t.strip())),
        address=address or str(config["ESCALATION_EMAIL"]),
    )


def check_settings(config: Mapping[str, Any]) -> None:
    """Refuse at start-up what every escalation would fail on later, naming the setting."""
    group, address = str(config["ESCALATION_GROUP"]), str(config["ESCALATION_EMAIL"])
    if group and not group.isdigit():
        raise ConfigError(
            f"PRECEDENT_ESCALATION_GROUP must be the helpdesk's numeric group id, got '{group}'"
        )
    if address and not EMAIL.fullmatch(address):
        raise ConfigError(f"PRECEDENT_ESCALATION_EMAIL must be an address, got '{address}'")


def request(
    session: Session, draft: Draft, agent: str | None, note: str, actor: str
) -> tuple[Escalation, bool]:
    """The draft's escalation and whether it must be (re)queued: a new one, or a failed one
    asked for again. A queued or done one is returned as it is: a second click does nothing.
    ``note`` is already redacted."""
    found = of_draft(session, draft.id)
    if found is not None and found.status != "failed":
        return found, False
    escalation = found or Escalation(
        tenant_id=draft.tenant_id, draft_id=draft.id, ticket_id=draft.ticket_id
    )
    escalation.agent, escalation.note, escalation.status = agent, note, "queued"
    escalation.error = None
    session.add(escalation)
    session.flush()
    details = {"ticket_id": draft.ticket_id, "agent": agent, "note_chars": len(note)}
    record(session, escalation, actor, "escalation.requested", details)
    return escalation, True


def of_draft(session: Session, draft_id: str) -> Escalation | None:
    return session.scalars(select(Escalation).where(Escalation.draft_id == draft_id)).first()


def recipients(session: Session, draft: Draft, address: str) -> list[tuple[str, str]]:
    """(name, e-mail) of everyone told: the reviewers who may decide the draft's review
    item, then the escalation address."""
    item = session.scalars(select(ReviewItem).where(ReviewItem.draft_id == draft.id)).first()
    reviewers: list[Reviewer] = review.eligible_reviewers(session, item) if item else []
    people = [(r.name, r.email) for r in reviewers]
    if address and address not in (email for _name, email in people):
        people.append((address, address))
    return people


def summary(escalation: Escalation) -> str:
    """What the sidebar says: what happened in the helpdesk and who was told."""
    if escalation.status == "failed":
        return f"Escalation failed: {escalation.error or 'no reason given'}. Try again."
    if escalation.status == "queued":
        return "Escalating: adding an internal note to the ticket\u2026"
    done = ["internal note added"]
    done += [f"assigned to group {escalation.group}"] if escalation.group else []
    done += [f"tagged {', '.join(escalation.tags)}"] if escalation.tags else []
    told = (
        f"Told: {', '.join(escalation.told)}."
        if escalation.told
        else "Nobody was told: no reviewer can take it and no escalation address is set."
    )
    missed = f" Not told: {'; '.join(escalation.not_told)}." if escalation.not_told else ""
    return f"Escalated: {', '.join(done)}. {told}{missed}"


def record(
    session: Session, escalation: Escalation, actor: str, action: str, details: dict[str, Any]
) -> None:
    subject = f"escalation:{escalation.id}"
    full = {"draft_id": escalation.draft_id, **details}
    audit.record(session, escalation.tenant_id, actor, action, subject, full)
