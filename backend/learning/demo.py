"""A labelled, generated history of drafts and outcomes, so the insights page tells a story.

Everything comes from a seeded RNG over a few labelled facts (agents, teams, brands, the
help-centre sections cited), nothing is a stored transcript:

- acceptance grows week by week (the copilot is learning the help centre);
- one agent rejects far more drafts than the rest (the coaching list);
- one cited section is edited away by most agents (the revision list);
- some insurance drafts held for review are sent anyway (the policy review list);
- three topics the help centre does not cover recur, one of them rising (knowledge gaps);
- a third of the drafts are made ahead, from a helpdesk webhook, hours before an agent opens
  the ticket and sees them: review time counts from then (``shown_at``);
- escalated tickets move to a receiving team in the helpdesk (``team_changes``): most stay
  there, a few come back, and device-protection claims sent to Hardware are often re-routed
  on to Claims (escalation correctness). These moves come from an RNG of their own, seeded
  by the draft, so they leave every other figure as it was.

Texts carry placeholders (``<PERSON_1>``) where a customer's details would be, as stored
texts do. ``generate`` yields plain rows; ``write`` bulk-inserts them, so the same code seeds
the demo (hundreds of drafts) and the insights benchmark (100,000 outcomes).
"""

from __future__ import annotations

import random
import re
import uuid
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from backend.learning import items
from backend.learning.outcomes import measure
from backend.learning.team_changes import TeamChange
from backend.learning.thresholds import Thresholds
from backend.models import Citation, Draft, Outcome, ReviewItem

SEED = 15
MARKERS = re.compile(r" \[\d+\]")
SENTENCE = re.compile(r"(?<=[.!?]) ")


@dataclass(frozen=True)
class Agent:
    name: str
    team: str
    location: str
    reject: float  # how often they reject a draft they would otherwise use


AGENTS = (
    Agent("Priya Nair", "Billing", "Dublin", 0.06),
    Agent("Tomás Keane", "Billing", "Dublin", 0.08),
    Agent("Lena Fischer", "Billing", "Austin", 0.07),
    Agent("Yuki Tanaka", "Billing", "Dublin", 0.05),
    Agent("Ana Souza", "Devices", "Austin", 0.07),
    Agent("Marcus Bell", "Devices", "Austin", 0.09),
    Agent("Kofi Mensah", "Devices", "Dublin", 0.06),
    Agent("Sam Ortiz", "Devices", "Austin", 0.42),  # the coaching story
)
BRANDS = ("Tidewater", "Tidewater Pro")
JURISDICTIONS = ("US-CA", "US-TX", "IE", "GB", "DE")
PREDRAFTED = 0.3  # drafts made ahead from a helpdesk webhook, before an agent opened the ticket
TYPES = {  # ticket type -> (team, help-centre folder)
    "billing": ("Billing", "billing"),
    "order": ("Billing", "orders"),
    "account": ("Devices", "account"),
    "device": ("Devices", "devices"),
    "claim": ("Devices", "protect"),
}
RECEIVING = {  # ticket type -> (the team its escalations go to, re-routed, sent back)
    "billing": ("Finance", 0.04, 0.10),
    "order": ("Logistics", 0.04, 0.08),
    "account": ("Security", 0.05, 0.12),
    "device": ("Hardware", 0.05, 0.10),
    "claim": ("Hardware", 0.45, 0.10),  # the story: claims belong with Claims
}
REROUTED_TO = {"Finance": "Billing Ops", "Logistics": "Finance", "Security": "Hardware",
               "Hardware": "Claims"}  # fmt: skip
GAPS = (  # (topic words, share of weeks' gaps, rising)
    ("gift card balance transfer between accounts", 1.0, True),
    ("solar battery integration with the purifier schedule", 0.6, False),
    ("firmware rollback for a fleet of business thermostats", 0.5, False),
)
OPENERS = (
    "Thanks for getting in touch, <PERSON_1>.",
    "Hi <PERSON_1>, thanks for the details.",
    "Thanks for your patience, <PERSON_1>.",
)
CLOSERS = (
    "Let me know if anything is unclear.",
    "Reply here if you need anything else.",
    "I'm happy to help with the next step.",
)
EDITS = (
    "I have also added a note to your account so the team can see this.",
    "I checked your order and everything else looks correct.",
    "You should see the change within one working day.",
)


@dataclass(frozen=True)
class Section:
    source_id: str  # the help-centre page
    title: str  # the section as its citation card names it
    url: str


@dataclass
class Rows:
    drafts: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    team_changes: list[dict[str, Any]] = field(default_factory=list)


def has_outcomes(session: Session, tenant_id: int) -> bool:
    found = session.scalar(select(func.count(Outcome.id)).where(Outcome.tenant_id == tenant_id))
    return bool(found)


def seed(
    session: Session,
    tenant_id: int,
    sections: Sequence[Section],
    now: datetime,
    weeks: int = 8,
    per_week: int = 70,
    seed: int = SEED,
    lists: bool = True,
    limits: Thresholds = items.DEFAULTS,
) -> int:
    """Write a generated history ending at ``now``; the number of outcomes written. With
    ``lists``, the lead's lists are computed from it too, so the page opens on them (they
    are otherwise refreshed by a worker when a lead first asks)."""
    written = 0
    for rows in generate(tenant_id, sections, now, weeks, per_week, seed):
        write(session, rows)
        written += len(rows.outcomes)
    if lists:
        items.refresh_stale(session, tenant_id, timedelta(0), limits)
    return written


def write(session: Session, rows: Rows) -> None:
    for model, values in (
        (Draft, rows.drafts),
        (Citation, rows.citations),
        (ReviewItem, rows.reviews),
        (Outcome, rows.outcomes),
        (TeamChange, rows.team_changes),
    ):
        if values:
            session.execute(insert(model), values)


def generate(
    tenant_id: int,
    sections: Sequence[Section],
    now: datetime,
    weeks: int,
    per_week: int,
    seed: int = SEED,
    batch: int = 2000,
) -> Iterator[Rows]:
    """Rows in batches of about ``batch`` drafts, oldest first."""
    rng = random.Random(seed)
    by_folder = _sections(sections)
    edited_away = _edited_away(by_folder)
    rows, start = Rows(), now - timedelta(weeks=weeks)
    for week in range(weeks):
        for _ in range(per_week):
            at = start + timedelta(weeks=week, seconds=rng.uniform(0, 7 * 86400 - 3600))
            _ticket(rng, rows, tenant_id, at, week / max(weeks - 1, 1), by_folder, edited_away)
            if len(rows.drafts) >= batch:
                yield rows
                rows = Rows()
    if rows.drafts:
        yield rows


def _sections(sections: Sequence[Section]) -> dict[str, list[Section]]:
    found: dict[str, list[Section]] = {}
    for folder in {f for _, f in TYPES.values()}:
        mine = [s for s in sections if s.source_id.startswith(folder + "/")]
        found[folder] = mine or [
            Section(f"{folder}/guide.md", f"{folder.capitalize()} guide › Step {n}", "")
            for n in (1, 2, 3)
        ]
    return found


def _edited_away(by_folder: dict[str, list[Section]]) -> Section:
    """The section the story's agents keep editing away: billing's first refund section."""
    billing = by_folder["billing"]
    return next((s for s in billing if "refund" in s.source_id), billing[0])


def _ticket(
    rng: random.Random,
    rows: Rows,
    tenant_id: int,
    at: datetime,
    progress: float,  # 0 in the first week, 1 in the last
    by_folder: dict[str, list[Section]],
    edited_away: Section,
) -> None:
    gap = _gap(rng, progress)
    ticket_type = "billing" if gap else rng.choice(list(TYPES))
    team, folder = TYPES[ticket_type]
    agent = rng.choice([a for a in AGENTS if a.team == team])
    cited = _cite(rng, by_folder[folder], edited_away if ticket_type == "billing" else None)
    text, flags = _draft_text(rng, cited, edited_away, gap)
    draft_id = uuid.uuid4().hex  # unique in the database; the figures come from rng
    ticket_id = f"TW-{rng.randrange(30000, 99999)}"
    gated = ticket_type == "claim" and rng.random() < 0.3
    shown = at + timedelta(seconds=rng.lognormvariate(4.2, 0.8))
    rows.drafts.append(
        {
            "id": draft_id,
            "tenant_id": tenant_id,
            "ticket_id": ticket_id,
            "status": "ready",
            "text": text,
            "notes": [],
            "flags": flags,
            "provider": "offline",
            "model": "extractive",
            "timings": {},
            "attempts": 1,
            "created_at": at,
            "updated_at": at,
            "completed_at": at + timedelta(seconds=rng.uniform(3, 9)),
            "gate_status": "review_required" if gated else "clear",
            "gate": _gate(rng) if gated else {},
            "inserted_at": shown,
            "awaiting_pickup": False,
            "team": team,
            "brand": rng.choice(BRANDS),
            "location": agent.location,
            "ticket_type": ticket_type,
            "jurisdiction": rng.choice(JURISDICTIONS),
        }
    )
    _shown(rows.drafts[-1])
    rows.citations += [
        {
            "draft_id": draft_id,
            "marker": n,
            "source_kind": "doc",
            "source_id": s.source_id,
            "title": s.title,
            "url": s.url,
            "snippet": "",
            "score": round(rng.uniform(0.55, 0.9), 3),
        }
        for n, s in enumerate(cited, 1)
    ]
    if gated:
        rows.reviews.append(_review(tenant_id, draft_id, at, rng))
    _outcome(
        rng,
        rows,
        tenant_id,
        draft_id,
        ticket_id,
        agent,
        text,
        cited,
        edited_away,
        progress,
        shown,
        gated,
        gap,
    )
    if rows.outcomes[-1]["action"] == "escalated":
        rows.team_changes += _escalation_moves(rows.outcomes[-1], team, ticket_type)


def _shown(draft: dict[str, Any]) -> None:
    """When the agent first saw the draft: a moment after it was ready when they asked for
    it; for a share made ahead from a webhook, the draft was ready hours before (its making
    is moved back, so the review time and every other figure stay as they were)."""
    said = f"{draft['ticket_id']} {draft['created_at'].isoformat()}"
    rng = random.Random(zlib.crc32(said.encode()))  # not the history's: its figures stay
    draft["shown_at"] = draft["completed_at"] + timedelta(seconds=rng.uniform(0.5, 2))
    if rng.random() < PREDRAFTED:
        ahead = timedelta(minutes=rng.uniform(10, 360))
        for key in ("created_at", "updated_at", "completed_at"):
            draft[key] -= ahead


def _gap(rng: random.Random, progress: float) -> str:
    for words, share, rising in GAPS:
        weight = share * (0.4 + progress if rising else 0.8)
        if rng.random() < 0.025 * weight:
            return words
    return ""


def _cite(rng: random.Random, sections: list[Section], story: Section | None) -> list[Section]:
    cited = rng.sample(sections, k=min(2, len(sections)))
    if story is not None and rng.random() < 0.5 and story not in cited:
        cited[0] = story
    return cited


def _draft_text(
    rng: random.Random, cited: list[Section], story: Section, gap: str
) -> tuple[str, list[str]]:
    opener, closer = rng.choice(OPENERS), rng.choice(CLOSERS)
    if gap:
        body = (
            f"I could not find an article about {gap}. "
            f"Our team is checking how {gap} works for your account."
        )
        return f"{opener} {body} {closer}", ["knowledge_gap"]
    lines = [_cited_line(s, n, s == story) for n, s in enumerate(cited, 1)]
    return " ".join([opener, *lines, closer]), []


LINES = (  # how a cited sentence reads; the story's section always reads as the timeline
    "Our guide to {topic} walks through each step, with screenshots [{n}].",
    "You can sort out {topic} yourself from the app under Settings [{n}].",
    "When it comes to {topic}, the usual timeline is three to five working days [{n}].",
    "Before you start on {topic}, have your order number and the device's serial to hand [{n}].",
)
STORY_LINE = 2


def _cited_line(section: Section, marker: int, story: bool) -> str:
    line = STORY_LINE if story else zlib.crc32(section.title.encode()) % 2 * 3
    return LINES[line].format(topic=_topic(section), n=marker)


def _topic(section: Section) -> str:
    return section.title.split("›")[-1].strip().rstrip(".").lower()


def _outcome(
    rng: random.Random,
    rows: Rows,
    tenant_id: int,
    draft_id: str,
    ticket_id: str,
    agent: Agent,
    text: str,
    cited: list[Section],
    edited_away: Section,
    progress: float,
    shown: datetime,
    gated: bool,
    gap: str,
) -> None:
    action = _action(rng, agent, progress, bool(gap))
    if action == "accepted" and edited_away in cited and rng.random() < 0.7:
        action = "edited"  # the story: that section's timeline is out of date
    sent = _sent(rng, text, cited, edited_away, action)
    measured = measure(text, sent) if sent is not None else None
    if sent is not None and measured is not None:
        action = "accepted" if measured.distance == 0 else "edited"
    at = shown + timedelta(seconds=rng.lognormvariate(5.0, 0.7))
    rows.outcomes.append(
        {
            "tenant_id": tenant_id,
            "draft_id": draft_id,
            "ticket_id": ticket_id,
            "source": "sidebar",
            "agent": agent.name,
            "action": action,
            "rating": "down" if action == "rejected" and rng.random() < 0.5 else None,
            "sent_type": "public" if sent is not None else None,
            "sent_text": sent,
            "edit_distance": measured.distance if measured else None,
            "similarity": measured.similarity if measured else None,
            "gate_status": "review_required" if gated else "clear",
            "bypass": bool(gated and sent is not None and rng.random() < 0.5),
            "sent_at": at if sent is not None else None,
            "created_at": at,
        }
    )


def _escalation_moves(outcome: dict[str, Any], team: str, ticket_type: str) -> list[dict[str, Any]]:
    """The helpdesk's group changes after an escalation: to the receiving team a few minutes
    later, then perhaps back to ``team`` or on to another team within two days."""
    said = f"{outcome['ticket_id']} {outcome['created_at'].isoformat()}"
    rng = random.Random(zlib.crc32(said.encode()))  # not the history's: its figures stay
    receiving, rerouted, sent_back = RECEIVING[ticket_type]
    at = outcome["created_at"] + timedelta(minutes=rng.uniform(1, 10))
    moves = [(at, team, receiving)]
    roll = rng.random()
    later = at + timedelta(hours=rng.uniform(2, 48))
    if roll < rerouted:
        moves.append((later, receiving, REROUTED_TO[receiving]))
    elif roll < rerouted + sent_back:
        moves.append((later, receiving, team))
    return [
        {"tenant_id": outcome["tenant_id"], "ticket_id": outcome["ticket_id"], "at": when,
         "from_team": old, "to_team": new, "source": "demo",
         "key": f"{outcome['draft_id']}:{n}"}
        for n, (when, old, new) in enumerate(moves)
    ]  # fmt: skip


def _action(rng: random.Random, agent: Agent, progress: float, gap: bool) -> str:
    roll = rng.random()
    if roll < (0.25 if gap else agent.reject):
        return "rejected"
    if roll < (0.3 if gap else agent.reject + 0.05):
        return "escalated"
    accept = 0.3 + 0.3 * progress
    return "accepted" if rng.random() < accept else "edited"


def _sent(
    rng: random.Random, text: str, cited: list[Section], story: Section, action: str
) -> str | None:
    if action in ("rejected", "escalated"):
        return None
    plain = MARKERS.sub("", text)
    if action == "accepted":
        return plain
    sentences = SENTENCE.split(plain)
    if story in cited and rng.random() < 0.75:  # the timeline is out of date: agents drop it
        sentences = [s for s in sentences if _topic(story) not in s.lower()]
    for _ in range(rng.choice((1, 1, 1, 2))):
        sentences.insert(len(sentences) - 1, rng.choice(EDITS))
    if rng.random() < 0.3:
        sentences.pop()  # no closing line
    return " ".join(sentences)


def _gate(rng: random.Random) -> dict[str, Any]:
    rule = rng.choice(("coverage-opinion", "asks-is-it-covered"))
    return {
        "domains": ["insurance"],
        "rules": [
            {
                "rule": rule,
                "policy": "insurance",
                "domain": "insurance",
                "type": "terms",
                "source": None,
                "start": None,
                "end": None,
                "text": "",
                "score": None,
                "detail": None,
            }
        ],
        "jurisdiction": "",
        "policy_versions": {},
        "languages": {},
        "notes": [],
    }


def _review(tenant_id: int, draft_id: str, at: datetime, rng: random.Random) -> dict[str, Any]:
    status = rng.choice(("pending", "pending", "approved", "rejected"))
    return {
        "tenant_id": tenant_id,
        "draft_id": draft_id,
        "domains": ["insurance"],
        "jurisdiction": "US-CA",
        "status": status,
        "created_at": at,
        "decided_at": at + timedelta(hours=2) if status != "pending" else None,
    }
