"""The escalation task's steps: the helpdesk first, then the people; each recorded when done.

Plain functions over what they are given (``Deps``), so they are tested without Celery; the
running app's wiring is in ``backend/escalation/app.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend import review
from backend.connectors import Connector
from backend.db import SessionFactory
from backend.errors import PrecedentError, RetryableError
from backend.escalation import Target, recipients, record
from backend.models import Escalation, utcnow
from backend.notify import EscalationNotice, Notifier
from backend.review import safety

log = logging.getLogger("backend.escalation")
ACTOR = "escalation"


@dataclass(frozen=True)
class About:
    """The ticket as a notice names it: its subject redacted, its address in the helpdesk."""

    subject: str = ""
    link: str = ""


@dataclass(frozen=True)
class Deps:
    sessions: SessionFactory
    connector: Connector
    notifier: Notifier
    target_of: Callable[[str], Target]  # tenant slug -> where its escalations go
    restore: Callable[[str, str, str], str]  # (tenant, ticket, redacted text) -> the text
    about: Callable[[str, str], About]  # (tenant, ticket) -> subject and link


@dataclass(frozen=True)
class Plan:
    """One escalation as the task carries it out, read in one transaction."""

    tenant: str
    ticket_id: str
    agent: str
    note: str  # redacted
    domains: tuple[str, ...]
    jurisdiction: str
    gated: bool
    target: Target
    people: tuple[tuple[str, str], ...]
    helpdesk_done: bool
    notified: bool


def run(escalation_id: int, deps: Deps) -> str:
    """Carry out a queued escalation; its status after. Safe to run again: finished steps
    are skipped. ``RetryableError`` (helpdesk rate-limited or down) propagates for a retry."""
    with deps.sessions() as session:
        escalation = session.get(Escalation, escalation_id)
        tenant = escalation.draft.tenant.slug if escalation else ""
    # Outside the plan's transaction: the tenant's stored settings are read in a session of
    # their own, and on SQLite that one would wait for ours (one writer at a time).
    target = deps.target_of(tenant) if tenant else None
    with deps.sessions() as session:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None or escalation.status != "queued" or target is None:
            return escalation.status if escalation else "missing"
        plan = _plan(session, escalation, target)
    if not plan.helpdesk_done and not _write_helpdesk(escalation_id, plan, deps):
        return "failed"
    if not plan.notified:
        _tell(escalation_id, plan, deps)
    return "done"


def fail(sessions: SessionFactory, escalation_id: int, message: str) -> None:
    """The escalation did not reach the helpdesk: say why, so the agent may try again."""
    with sessions() as session:
        escalation = session.get(Escalation, escalation_id)
        if escalation is None or escalation.status != "queued":
            return
        escalation.status, escalation.error = "failed", message
        record(session, escalation, ACTOR, "escalation.failed", {"error": message})
    log.warning("escalation %d failed: %s", escalation_id, message)


def helpdesk_note(plan: Plan, note: str) -> str:
    """The internal note: who escalated, their note, why the draft is held, who is told."""
    lines = [f"Escalated from Precedent by {plan.agent or 'the agent'}."]
    lines += [f"Note: {note}"] if note.strip() else []
    if plan.gated:
        where = ", ".join([*plan.domains, *filter(None, [plan.jurisdiction])])
        reviewers = [name for name, email in plan.people if email != plan.target.address]
        can = "" if reviewers else " and no reviewer is credentialed for it"
        lines.append(f"Precedent's draft needs review ({where}){can}.")
    people = ", ".join(name for name, _email in plan.people)
    lines.append(f"Precedent is telling: {people}." if people else "Nobody is set to be told.")
    return "\n".join(lines)


def _plan(session: Session, escalation: Escalation, target: Target) -> Plan:
    draft = escalation.draft
    tenant = draft.tenant.slug
    decision = review.decision_of(draft)
    return Plan(
        tenant=tenant,
        ticket_id=escalation.ticket_id,
        agent=escalation.agent or "",
        note=escalation.note,
        domains=decision.domains if decision else (),
        jurisdiction=(decision.jurisdiction if decision else "") or "",
        gated=draft.gate_status in review.GATED,
        target=target,
        people=tuple(recipients(session, draft, target.address)),
        helpdesk_done=escalation.helpdesk_at is not None,
        notified=escalation.notified_at is not None,
    )


def _write_helpdesk(escalation_id: int, plan: Plan, deps: Deps) -> bool:
    body = helpdesk_note(plan, deps.restore(plan.tenant, plan.ticket_id, plan.note))
    group, tags = plan.target.group, plan.target.tags
    try:
        deps.connector.escalate(plan.tenant, plan.ticket_id, body, group, tags)
    except RetryableError:
        raise
    except PrecedentError as exc:  # ours: the connectors map every vendor error
        fail(deps.sessions, escalation_id, exc.message)
        return False
    with deps.sessions() as session:
        escalation = session.get(Escalation, escalation_id)
        assert escalation is not None  # escalations are never deleted
        escalation.helpdesk_at, escalation.group, escalation.tags = utcnow(), group, list(tags)
        details = {"ticket_id": plan.ticket_id, "group": group, "tags": list(tags)}
        record(session, escalation, ACTOR, "escalation.helpdesk", {**details, "private": True})
    return True


def _tell(escalation_id: int, plan: Plan, deps: Deps) -> None:
    about = deps.about(plan.tenant, plan.ticket_id)
    told: list[str] = []
    not_told: list[str] = []
    for name, email in plan.people:
        try:
            deps.notifier.send(_notice(plan, about, name, email))
        except PrecedentError as exc:
            log.warning("escalation %d: %s not told: %s", escalation_id, name, exc.message)
            not_told.append(f"{name} ({exc.message})")
        else:
            told.append(name)
    with deps.sessions() as session:
        escalation = session.get(Escalation, escalation_id)
        assert escalation is not None
        escalation.told, escalation.not_told = told, not_told
        escalation.notified_at, escalation.status = utcnow(), "done"
        details = {"told": told, "not_told": not_told}
        record(session, escalation, ACTOR, "escalation.notified", details)


def _notice(plan: Plan, about: About, name: str, email: str) -> EscalationNotice:
    return EscalationNotice(
        name=name,
        email=email,
        ticket_id=plan.ticket_id,
        subject=about.subject,
        note=plan.note,
        agent=plan.agent,
        domains=plan.domains,
        group=plan.target.group,
        tags=plan.target.tags,
        link=about.link,
        urgent=safety.is_urgent(plan.domains),
    )
