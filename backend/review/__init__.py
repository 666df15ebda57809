"""Credentialed review of gated drafts: who may review what, routing, decisions, insertion.

A draft the gate flags gets a review item. Only a reviewer whose credentials cover every
domain of the item in the ticket's jurisdiction, and have not expired, sees it or may decide
it — the server checks, whatever the page shows. A gated draft cannot be inserted until it is
approved; each refused attempt is recorded as a possible gate bypass.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from backend import audit
from backend.crypto.tokens import new_token
from backend.db import rows_changed
from backend.drafting.verify import MARKER
from backend.errors import Conflict, Forbidden, InputError, NotFound
from backend.gate import jurisdictions as vocabulary
from backend.gate.decision import GateDecision
from backend.models import Credential, Draft, Reviewer, ReviewItem, utcnow
from backend.review import lifecycle, safety, supersede
from backend.review.tokens import reviewer_for_token as reviewer_for_token  # callers' name

DOMAINS = ("legal", "medical", "financial", "insurance", "safety")
ACTIONS = ("approve", "edit_and_approve", "reject")
GATED = ("review_required", "rejected")
INSERTABLE = ("clear", "approved")
# a queue page reads each item's draft and its tenant: one query each, not one per item
LISTED = selectinload(ReviewItem.draft).selectinload(Draft.tenant)


def jurisdiction_covers(pattern: str, jurisdiction: str) -> bool:
    """``US-*`` covers ``US-CA``; ``US-CA`` covers only itself; ``*`` covers everything.

    Both sides are compared in one vocabulary (``DE`` is ``EU-DE``), so rows stored before it
    was enforced still match.
    """
    pattern = vocabulary.canonical(pattern) or pattern
    jurisdiction = vocabulary.ticket_jurisdiction(jurisdiction)
    if pattern == "*" or pattern == jurisdiction:
        return True
    return pattern.endswith("-*") and jurisdiction.startswith(pattern[:-1])


def credential_problem(credential: Credential, domain: str, jurisdiction: str, today: date) -> str:
    """Why this credential cannot review, or "" when it can (safety: see review/safety.py)."""
    if not safety.covers(credential.domain, domain):
        return f"no {domain} credential"
    if credential.expires_on < today:
        return f"{domain} licence {credential.licence_id} expired on {credential.expires_on}"
    if not any(jurisdiction_covers(p, jurisdiction) for p in credential.jurisdictions):
        return f"{domain} licence {credential.licence_id} does not cover {jurisdiction}"
    return ""


def eligibility(reviewer: Reviewer, item: ReviewItem, today: date) -> list[str]:
    """Problems per domain of the item; an empty list means the reviewer may decide it."""
    if not reviewer.active:
        return ["reviewer is deactivated"]
    problems = []
    for domain in item.domains:
        reasons = [
            credential_problem(c, domain, item.jurisdiction, today) for c in reviewer.credentials
        ]
        if "" not in reasons:
            covering = [r for r in reasons if not r.startswith("no ")]
            problems.append(covering[0] if covering else f"no {domain} credential")
    return problems


def route(session: Session, draft: Draft, decision: GateDecision | None) -> ReviewItem | None:
    """Record the gate decision on the draft; open a review item when a domain was hit.

    A safety decision is urgent: marked so on the draft, and audited as an escalation too.
    No decision (no gate configured) leaves the draft clear.
    """
    stored = decision.to_json() if decision else {}
    domains = list(decision.domains) if decision else []
    draft.gate = {**stored, "urgent": safety.is_urgent(domains)}
    supersede.supersede_older(session, draft)  # one open item per ticket: the newest draft's
    if decision is None or not decision.gated:
        draft.gate_status = "clear"
        return None
    draft.gate_status = "review_required"
    newer = supersede.newer_draft(session, draft)  # this draft finished after a newer one
    item = ReviewItem(
        tenant_id=draft.tenant_id,
        draft_id=draft.id,
        status=supersede.SUPERSEDED if newer else supersede.PENDING,
        superseded_by=newer,
        decided_at=utcnow() if newer else None,
        domains=domains,
        jurisdiction=vocabulary.ticket_jurisdiction(decision.jurisdiction),
    )
    session.add(item)
    session.flush()
    eligible = [r.name for r in eligible_reviewers(session, item)]
    audit.record(
        session,
        draft.tenant_id,
        "gate",
        "gate.routed",
        f"review:{item.id}",
        {
            "draft_id": draft.id,
            "domains": item.domains,
            "jurisdiction": item.jurisdiction,
            "rules": [entry["rule"] for entry in stored["rules"]],  # one per matched span
            "policy_versions": dict(decision.policy_versions),
            "eligible_reviewers": len(eligible),
        },
    )
    if item.urgent:
        safety.record_escalation(session, item, decision, len(eligible))
    return item


def eligible_reviewers(session: Session, item: ReviewItem) -> list[Reviewer]:
    reviewers = session.scalars(
        select(Reviewer).where(Reviewer.tenant_id == item.tenant_id, Reviewer.active)
    ).all()
    return [r for r in reviewers if not eligibility(r, item, date.today())]


def queue(session: Session, reviewer: Reviewer) -> list[ReviewItem]:
    """Pending items this reviewer may decide: urgent (safety) ones first, then oldest first."""
    items = session.scalars(
        select(ReviewItem)
        .where(ReviewItem.tenant_id == reviewer.tenant_id, ReviewItem.status == "pending")
        .order_by(ReviewItem.created_at)
        .options(LISTED)
    ).all()
    mine = [i for i in items if not eligibility(reviewer, i, date.today())]
    return sorted(mine, key=lambda i: not i.urgent)  # stable: oldest first within each


def superseded(session: Session, reviewer: Reviewer, since: datetime) -> list[ReviewItem]:
    """Items this reviewer could have decided that a newer draft replaced after ``since``,
    newest first: the queue lists them apart, each with a link to its successor."""
    items = session.scalars(
        select(ReviewItem)
        .where(
            ReviewItem.tenant_id == reviewer.tenant_id,
            ReviewItem.status == supersede.SUPERSEDED,
            ReviewItem.decided_at >= since,
        )
        .order_by(ReviewItem.decided_at.desc())
        .options(LISTED)
    ).all()
    return [i for i in items if not eligibility(reviewer, i, date.today())]


def decide(
    session: Session, reviewer: Reviewer, item_id: int, action: str, note: str, text: str | None
) -> Forbidden | None:
    """Apply the reviewer's decision, or return the refusal to raise once it is audited.

    A refusal is returned rather than raised so that its audit event is committed. The
    decision is a compare-and-set on the pending item: of two reviewers deciding at once, one
    wins; the other gets a Conflict naming the winner's decision, and writes nothing.
    """
    item = tenant_item(session, reviewer.tenant_id, item_id)
    if action not in ACTIONS:
        raise InputError(f"unknown action '{action}'. Valid actions are: {', '.join(ACTIONS)}")
    problems = eligibility(reviewer, item, date.today())
    if problems:
        audit.record(
            session,
            reviewer.tenant_id,
            f"reviewer:{reviewer.id}",
            "review.refused",
            f"review:{item.id}",
            {"draft_id": item.draft_id, "problems": problems},
        )
        return Forbidden(f"you cannot decide review {item.id}: {'; '.join(problems)}")
    edited = _edited_text(item, text) if action == "edit_and_approve" else None
    status = "rejected" if action == "reject" else "approved"
    if not _settle(session, item, reviewer, status, note):
        raise already_decided(session, item)
    _release_draft(session, item, status, edited)
    audit.record(
        session,
        reviewer.tenant_id,
        f"reviewer:{reviewer.id}",
        f"review.{item.status}",
        f"review:{item.id}",
        {
            "draft_id": item.draft_id,
            "action": action,
            "note": note,
            "licences": _licences(reviewer, item),
        },
    )
    return None


def _edited_text(item: ReviewItem, text: str | None) -> str:
    if not (text or "").strip():
        raise InputError("edit_and_approve needs the edited text")
    _check_markers(text or "", item.draft)
    return text or ""


def _settle(session: Session, item: ReviewItem, reviewer: Reviewer, status: str, note: str) -> bool:
    """Decide the item if it is still pending; False when another decision got there first."""
    won = rows_changed(
        session,
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.status == "pending")
        .values(status=status, reviewer_id=reviewer.id, note=note, decided_at=utcnow()),
    )
    session.refresh(item)  # the winner's decision, whoever won
    return won == 1


def _release_draft(session: Session, item: ReviewItem, status: str, edited: str | None) -> None:
    """Carry the decision (and an edit) to a draft still awaiting it, or undo everything."""
    draft = item.draft
    values: dict[str, Any] = {"gate_status": status}
    if edited is not None:
        values.update(text=edited, gate={**draft.gate, "original_text": draft.text})
    moved = rows_changed(
        session,
        update(Draft)
        .where(Draft.id == draft.id, Draft.gate_status == "review_required")
        .values(**values),
    )
    if not moved:  # cannot happen while the item was pending; refuse rather than half-decide
        raise Conflict(f"draft {draft.id} is no longer awaiting review", "review_out_of_step")
    session.refresh(draft)


def already_decided(session: Session, item: ReviewItem) -> Conflict:
    """The loser's answer: the decision that won, for the reviewer and for programs."""
    winner = session.get(Reviewer, item.reviewer_id) if item.reviewer_id else None
    name = winner.name if winner else "another reviewer"
    decision = {
        "status": item.status,
        "reviewer": winner.name if winner else None,
        "decided_at": _iso(item.decided_at),
        "note": item.note,
    }
    if item.status == supersede.SUPERSEDED:
        message = (
            f"review {item.id} was superseded: ticket {item.draft.ticket_id} has a newer "
            "draft, and only the newest one is reviewed"
        )
        return Conflict(message, "superseded")
    message = f"review {item.id} was already {item.status} by {name}"
    return Conflict(message, "already_decided", decision=decision)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite: naive UTC
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _check_markers(text: str, draft: Draft) -> None:
    """A reviewer's edit may keep, move or drop citation markers, never invent one."""
    cited = {c.marker for c in draft.citations}
    used = {int(n) for m in MARKER.finditer(text) for n in m.group(1).split(",")}
    unknown = sorted(used - cited)
    if unknown:
        valid = ", ".join(f"[{n}]" for n in sorted(cited)) or "none"
        raise InputError(
            f"the edited text cites {', '.join(f'[{n}]' for n in unknown)}, which this draft "
            f"does not have; its citations are: {valid}"
        )


def _licences(reviewer: Reviewer, item: ReviewItem) -> list[str]:
    today = date.today()
    return [
        c.licence_id
        for c in reviewer.credentials
        for d in item.domains
        if not credential_problem(c, d, item.jurisdiction, today)
    ]


def mark_inserted(session: Session, draft: Draft, actor: str) -> Conflict | None:
    """The agent puts the draft into the reply composer: refused while gated.

    The draft's row is locked (SELECT … FOR UPDATE) and re-read first, so the insert and a
    review decision happen one after the other: an insert sees the decision, or the decision
    waits for the insert's refusal. Only a ready draft that is clear or approved at that
    moment is inserted. A refusal (a possible gate bypass) is audited and returned for the
    caller to raise. Inserting an inserted draft again records nothing (a double click, a
    retried request): the composer is filled once.
    """
    session.refresh(draft, with_for_update=True)
    if draft.status != "ready":
        raise Conflict(f"draft {draft.id} is {draft.status}, not ready", "draft_not_ready")
    if draft.gate_status not in INSERTABLE:
        audit.record(
            session,
            draft.tenant_id,
            actor,
            "draft.insert_refused",
            f"draft:{draft.id}",
            {"gate_status": draft.gate_status, "domains": list(domains_of(draft))},
        )
        return Conflict(gate_reason(session, draft), draft.gate_status)
    if draft.inserted_at is not None:
        return None
    draft.inserted_at = utcnow()
    audit.record(
        session,
        draft.tenant_id,
        actor,
        "draft.inserted",
        f"draft:{draft.id}",
        {"gate_status": draft.gate_status},
    )
    return None


def decision_of(draft: Draft) -> GateDecision | None:
    """The gate decision stored with ``draft``; None before it is drafted or without a gate."""
    return GateDecision.from_json(draft.gate or {})


def domains_of(draft: Draft) -> tuple[str, ...]:
    """The domains the gate hit for ``draft`` (none when it stores no decision)."""
    decision = decision_of(draft)
    return decision.domains if decision else ()


def gate_reason(session: Session, draft: Draft) -> str:
    """The sentence an agent reads on the banner and in a 409."""
    decision = decision_of(draft)
    domains = " and ".join(domains_of(draft)) or "regulated"
    where = (decision.jurisdiction if decision else "") or "this jurisdiction"
    if draft.gate_status == "rejected":
        return f"A reviewer rejected this draft ({domains} advice, {where}); do not use it."
    names = reviewer_names(session, draft)
    if safety.is_urgent(domains_of(draft)):
        return safety.reason(list(domains_of(draft)), where, names)
    who = ", ".join(names) if names else "no reviewer is credentialed for it yet"
    return (
        f"This draft may give {domains} advice for {where}; a reviewer credentialed for "
        f"{domains} in {where} must approve it before use (eligible: {who})."
    )


def reviewer_names(session: Session, draft: Draft) -> list[str]:
    """Who may decide the draft's review item now (none when it has no item)."""
    item = session.scalars(select(ReviewItem).where(ReviewItem.draft_id == draft.id)).first()
    return [r.name for r in eligible_reviewers(session, item)] if item else []


def add_reviewer(session: Session, tenant_id: int, name: str, email: str) -> tuple[Reviewer, str]:
    """Returns the reviewer and their access token, shown once and stored only as a hash."""
    token, token_hash = new_token()
    reviewer = Reviewer(
        tenant_id=tenant_id,
        name=name,
        email=email.lower(),
        token_hash=token_hash,
        token_issued_at=utcnow(),
        active=True,
    )
    session.add(reviewer)
    session.flush()
    audit.record(
        session,
        tenant_id,
        "admin",
        "reviewer.added",
        f"reviewer:{reviewer.id}",
        {"name": name, "email": reviewer.email},
    )
    return reviewer, token


def add_credential(
    session: Session,
    reviewer: Reviewer,
    domain: str,
    jurisdictions: list[str],
    licence_id: str,
    expires_on: date,
) -> Credential:
    if domain not in DOMAINS:
        raise InputError(f"unknown domain '{domain}'. Valid domains are: {', '.join(DOMAINS)}")
    if not jurisdictions:
        raise InputError("a credential needs at least one jurisdiction, e.g. US-CA or US-*")
    lifecycle.refuse_past_expiry(licence_id, expires_on, date.today())
    jurisdictions = credential_jurisdictions(jurisdictions)
    credential = Credential(
        reviewer_id=reviewer.id,
        domain=domain,
        jurisdictions=jurisdictions,
        licence_id=licence_id,
        expires_on=expires_on,
    )
    reviewer.credentials.append(credential)
    session.flush()
    audit.record(
        session,
        reviewer.tenant_id,
        "admin",
        "credential.added",
        f"reviewer:{reviewer.id}",
        {
            "domain": domain,
            "jurisdictions": jurisdictions,
            "licence_id": licence_id,
            "expires_on": expires_on.isoformat(),
        },
    )
    return credential


def credential_jurisdictions(codes: list[str]) -> list[str]:
    """The codes in our form (``de`` → ``EU-DE``); an unknown one is refused, saying why."""
    found = []
    for code in codes:
        ours = vocabulary.canonical(code)
        if ours is None:
            raise InputError(f"credential: {vocabulary.problem(code)}")
        found.append(ours)
    return list(dict.fromkeys(found))


def item_for(session: Session, reviewer: Reviewer, item_id: int) -> ReviewItem:
    """An item the reviewer may see: one they may decide, or one they decided."""
    item = tenant_item(session, reviewer.tenant_id, item_id)
    if item.reviewer_id != reviewer.id:
        problems = eligibility(reviewer, item, date.today())
        if problems:
            raise Forbidden(f"you cannot review {item.id}: {'; '.join(problems)}")
    return item


def tenant_item(session: Session, tenant_id: int, item_id: int) -> ReviewItem:
    """The tenant's review item (another tenant's is not found), whoever may see it."""
    item = session.get(ReviewItem, item_id)
    if item is None or item.tenant_id != tenant_id:
        raise NotFound(f"review {item_id} was not found")
    return item
