"""Outcomes: what the agent did with a draft and how far the sent reply is from it.

Two sources report an outcome. The sidebar app reports what is in the composer when the
agent sends (``POST /api/v1/drafts/<id>/outcome``), plus the agent's verdict buttons; a
helpdesk webhook later reports the comment the helpdesk actually stored. Rows are never
updated: the webhook adds a row that *confirms* the sidebar's report (same text) or
*corrects* it (different text), pointing at it with ``confirms_id``. The newest row of a
draft is the best account of it.

Edit distance is the Levenshtein distance (rapidfuzz) between the draft as the agent saw it
(placeholders restored, citation markers stripped) and the sent text, both reduced to plain
text with whitespace runs collapsed, so a re-wrapped line or an HTML editor's ``<p>`` is not
counted as an edit. ``similarity`` is 1 - distance / length of the longer text.

Agent: only a verified credential (a Zendesk app token, a signed webhook's comment author)
names the agent of an outcome. A name the caller merely reports (the Freshdesk app, the
embedded default) is kept apart as ``claimed_agent`` in the audit details, so nobody can
attribute a gate bypass to someone else.

Nothing personal is stored: the draft holds the ticket's placeholders, so the distance is
measured against it restored, and the sent text is stored redacted with the ticket's vault
(backend/redaction/at_rest.py); values the vault did not know yet are added to it.

A thumbs-down may say why (``REASONS``: wrong facts, wrong tone, missing info, not needed);
a reason comes only with ``rating: "down"``.

Gate bypass: the draft was gated and not approved (review required, or rejected) and the
sent text is at least ``BYPASS_SIMILARITY`` similar to it. Such an outcome is flagged and
written to the audit log as ``gate.bypass``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import audit, review
from backend.errors import InputError
from backend.models import Draft, Outcome, utcnow
from backend.redaction.at_rest import TicketTexts

ACTIONS = ("accepted", "edited", "rejected", "escalated")
KEPT_ACTIONS = ("rejected", "escalated")  # the agent's word; accepted / edited are measured
RATINGS = ("up", "down")
REASONS = ("wrong_facts", "wrong_tone", "missing_info", "not_needed")  # why a thumbs-down
SENT_TYPES = {  # what the apps send -> what we store
    "public": "public",
    "publicReply": "public",
    "internal": "internal",
    "internalNote": "internal",
}
# A reply this close to a gated, unapproved draft is its text sent anyway (0.8: a greeting
# or a sign-off added to a paragraph-long draft stays above it; a rewrite falls below).
BYPASS_SIMILARITY = 0.8
MAX_TEXT = 100_000

TAG = re.compile(r"</?[a-zA-Z][^>]*>")
BREAK = re.compile(r"<\s*(?:br|/p|/div|/li)\b[^>]*>", re.IGNORECASE)
MARKER = re.compile(r"\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\]")


@dataclass(frozen=True)
class Measured:
    distance: int
    similarity: float


@dataclass(frozen=True)
class Report:
    """One outcome report, validated."""

    source: str  # sidebar | webhook
    sent_text: str | None = None
    sent_type: str | None = None
    action: str | None = None
    rating: str | None = None
    reason: str | None = None  # with rating "down" only
    agent: str | None = None  # named by a verified credential
    claimed_agent: str | None = None  # reported by an unverified caller; audit only
    comment_id: str | None = None
    sent_at: datetime | None = None


def plain(text: str) -> str:
    """Text as a reader sees it: HTML tags and citation markers gone, whitespace collapsed."""
    if TAG.search(text):
        text = html.unescape(TAG.sub("", BREAK.sub("\n", text)))
    return " ".join(MARKER.sub("", text).split())


def measure(draft_text: str, sent_text: str) -> Measured:
    draft, sent = plain(draft_text), plain(sent_text)
    return Measured(
        Levenshtein.distance(draft, sent), round(Levenshtein.normalized_similarity(draft, sent), 4)
    )


def derive_action(explicit: str | None, measured: Measured | None) -> str | None:
    """Rejected / escalated as the agent said; otherwise what the sent text shows."""
    if explicit in KEPT_ACTIONS or measured is None:
        return explicit
    return "accepted" if measured.distance == 0 else "edited"


def sidebar_report(body: Any, agent: str | None) -> Report:
    """The sidebar's JSON, checked; without a verified ``agent`` the body's is only claimed."""
    if not isinstance(body, dict):
        raise InputError('send a JSON object such as {"sent_text": "…", "sent_type": "public"}')
    sent_text = _optional_text(body, "sent_text", MAX_TEXT)
    action = _choice(body, "action", ACTIONS)
    rating = _choice(body, "rating", RATINGS)
    reason = _choice(body, "reason", REASONS)
    if reason is not None and rating != "down":
        raise InputError(f"reason '{reason}' explains a thumbs-down: send it with rating 'down'")
    if sent_text is None and action is None and rating is None:
        raise InputError("send at least one of sent_text, action or rating")
    return Report(
        source="sidebar",
        sent_text=sent_text,
        sent_type=sent_type(body.get("sent_type")),
        action=action,
        rating=rating,
        reason=reason,
        agent=agent,
        claimed_agent=None if agent else _optional_text(body, "agent", 200),
        sent_at=utcnow() if sent_text is not None else None,
    )


def sent_type(value: Any) -> str | None:
    if value is None:
        return None
    if value not in SENT_TYPES:
        raise InputError(f"unknown sent_type '{value}'. Valid values are: {', '.join(SENT_TYPES)}")
    return SENT_TYPES[value]


def hold(session: Session, draft: Draft) -> Draft:
    """Lock the draft's row for the rest of the transaction and re-read it.

    Outcomes of one draft are then recorded one at a time, and each against the gate status
    the draft has at that moment: a review decision cannot land between reading the status
    (is this a bypass?) and writing the outcome. SQLite has no row locks; there every
    transaction holds the database's write lock from its start (backend/db.py).
    """
    session.refresh(draft, with_for_update=True)
    return draft


def record(
    session: Session,
    draft: Draft,
    report: Report,
    actor: str,
    texts: TicketTexts,
    confirms: Outcome | None = None,
) -> Outcome:
    """Store one outcome and audit it; a gate bypass gets its own audit event.

    The caller holds the draft (``hold``) before reading anything it decides on; ``texts``
    are the ticket's placeholders, opened in the same session.
    """
    measured = None
    if report.sent_text is not None:
        measured = measure(texts.restore(draft.text or ""), report.sent_text)
    sent_text = texts.redact(report.sent_text) if report.sent_text is not None else None
    texts.save(session)
    outcome = Outcome(
        tenant_id=draft.tenant_id,
        draft_id=draft.id,
        ticket_id=draft.ticket_id,
        source=report.source,
        agent=report.agent,
        action=derive_action(report.action, measured),
        rating=report.rating,
        reason=report.reason,
        sent_type=report.sent_type,
        sent_text=sent_text,
        comment_id=report.comment_id,
        edit_distance=measured.distance if measured else None,
        similarity=measured.similarity if measured else None,
        gate_status=draft.gate_status,
        bypass=is_bypass(draft, measured),
        confirms_id=confirms.id if confirms else None,
        confirmation=_confirmation(confirms, report, texts),
        sent_at=report.sent_at,
    )
    session.add(outcome)
    session.flush()
    _audit(session, draft, outcome, actor, report.claimed_agent)
    return outcome


def is_bypass(draft: Draft, measured: Measured | None) -> bool:
    gated = draft.gate_status in review.GATED
    return bool(gated and measured and measured.similarity >= BYPASS_SIMILARITY)


def unconfirmed_sidebar_report(session: Session, draft_id: str) -> Outcome | None:
    """The newest sidebar report with sent text that no webhook has confirmed yet."""
    confirmed = select(Outcome.confirms_id).where(Outcome.confirms_id.is_not(None))
    return session.scalars(
        select(Outcome)
        .where(
            Outcome.draft_id == draft_id,
            Outcome.source == "sidebar",
            Outcome.sent_text.is_not(None),
            Outcome.id.not_in(confirmed),
        )
        .order_by(Outcome.id.desc())
        .limit(1)
    ).first()


def _confirmation(confirms: Outcome | None, report: Report, texts: TicketTexts) -> str | None:
    if confirms is None:
        return None
    same = plain(texts.restore(confirms.sent_text or "")) == plain(report.sent_text or "")
    return "confirmed" if same else "corrected"


def _audit(
    session: Session, draft: Draft, outcome: Outcome, actor: str, claimed_agent: str | None
) -> None:
    subject = f"draft:{draft.id}"
    claimed = {"claimed_agent": claimed_agent} if claimed_agent else {}
    details = {
        "outcome_id": outcome.id,
        "ticket_id": draft.ticket_id,
        "source": outcome.source,
        "agent": outcome.agent,
        "action": outcome.action,
        "rating": outcome.rating,
        "reason": outcome.reason,
        "sent_type": outcome.sent_type,
        "edit_distance": outcome.edit_distance,
        "similarity": outcome.similarity,
        "bypass": outcome.bypass,
        "confirms_id": outcome.confirms_id,
        "confirmation": outcome.confirmation,
        **claimed,
    }
    audit.record(session, draft.tenant_id, actor, "outcome.recorded", subject, details)
    if outcome.bypass:
        bypass = {
            "outcome_id": outcome.id,
            "ticket_id": draft.ticket_id,
            "agent": outcome.agent,
            "gate_status": draft.gate_status,
            "domains": list(review.domains_of(draft)),
            "similarity": outcome.similarity,
            "threshold": BYPASS_SIMILARITY,
            **claimed,
        }
        audit.record(session, draft.tenant_id, actor, "gate.bypass", subject, bypass)


def _optional_text(body: dict[str, Any], key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key} must be a string")
    if len(value) > limit:
        raise InputError(f"{key} is longer than {limit} characters")
    return value


def _choice(body: dict[str, Any], key: str, valid: tuple[str, ...]) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if value not in valid:
        raise InputError(f"unknown {key} '{value}'. Valid values are: {', '.join(valid)}")
    return str(value)
