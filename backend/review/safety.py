"""Safety escalation: a ticket where someone may be in danger (issue 13, item 4).

The gate's ``safety`` policy flags emergencies, suicidal thoughts, self-harm and abuse. A
decision whose domains include ``safety`` is *urgent*: its review item comes first in every
reviewer's queue, and the sidebar and the reviewer page show the tenant's safety instruction
before anything else. Who may decide a safety item: a reviewer credentialed for ``safety``,
or for ``medical`` (a clinician), in the ticket's jurisdiction. The instruction is shown
whatever the review status: the draft may wait, the person may not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from backend import audit
from backend.errors import ConfigError
from backend.gate.decision import GateDecision
from backend.models import ReviewItem

SAFETY = "safety"
# Credential domains whose holders may decide a safety item.
REVIEWED_BY = (SAFETY, "medical")
DEFAULT_INSTRUCTION = (
    "Someone may be in danger. Follow your emergency procedure now: if a life may be at "
    "risk, give the customer the local emergency number (911 in the US and Canada, 112 in "
    "the EU, 999 in the UK) and a crisis line, tell your team lead, and do not wait for "
    "this draft to be reviewed."
)


def is_urgent(domains: Iterable[str]) -> bool:
    """Whether a decision with these domains is a safety escalation."""
    return SAFETY in domains


def covers(credential_domain: str, domain: str) -> bool:
    """Whether a credential of ``credential_domain`` may decide items of ``domain``."""
    if domain == SAFETY:
        return credential_domain in REVIEWED_BY
    return credential_domain == domain


def instruction(config: Mapping[str, Any], tenant: str) -> str:
    """The tenant's safety instruction: its own, else the deployment's, else the default."""
    own = tenant_instructions(str(config.get("SAFETY_INSTRUCTIONS") or "")).get(tenant)
    return own or str(config.get("SAFETY_INSTRUCTION") or "").strip() or DEFAULT_INSTRUCTION


def tenant_instructions(raw: str) -> dict[str, str]:
    """``PRECEDENT_SAFETY_INSTRUCTIONS``: a JSON object of tenant slug to instruction."""
    if not raw.strip():
        return {}
    try:
        found = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"PRECEDENT_SAFETY_INSTRUCTIONS is not valid JSON: {exc}") from None
    if not isinstance(found, dict) or not all(
        isinstance(v, str) and v.strip() for v in found.values()
    ):
        raise ConfigError(
            "PRECEDENT_SAFETY_INSTRUCTIONS must be a JSON object of tenant to instruction, "
            'e.g. {"acme": "Call the duty manager on 555-0100 now."}'
        )
    return {str(k): v.strip() for k, v in found.items()}


def reason(domains: list[str], where: str, eligible: list[str]) -> str:
    """The banner's sentence for a safety draft; never promises a review nobody can give."""
    others = [d for d in domains if d != SAFETY]
    needed = " and ".join([*others, "safety (or medical)"])
    if eligible:
        wait = f"eligible: {', '.join(eligible)}"
    else:
        wait = "no reviewer is credentialed for it yet, so do not wait for one"
    also = f" It may also give {' and '.join(others)} advice." if others else ""
    return (
        "Someone may be in danger: follow the safety instruction now. This draft is held until "
        f"a reviewer credentialed for {needed} in {where} approves it ({wait}).{also}"
    )


def record_escalation(
    session: Session, item: ReviewItem, decision: GateDecision, eligible: int
) -> None:
    """Audit a safety item as it is routed: which rules, where, and whether anyone can review."""
    audit.record(
        session,
        item.tenant_id,
        "gate",
        "gate.safety_escalated",
        f"review:{item.id}",
        {
            "draft_id": item.draft_id,
            "domains": list(item.domains),
            "jurisdiction": item.jurisdiction,
            "rules": sorted({hit.rule for hit in decision.hits if hit.domain == SAFETY}),
            "eligible_reviewers": eligible,
        },
    )
