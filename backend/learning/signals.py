"""The learning signals, one import away: each a plain function over a session, a tenant's
id and a time window, returning dataclasses. No Flask; the insights page, its API and the
``precedent insights`` command call these.

    draft_quality(session, tenant_id, window, by=None)            -> list[Quality]
    escalation_correctness(session, tenant_id, window, by="ticket_type", filters=None)
                                                                   -> list[EscalationRate]
    edited_away_sources(session, tenant_id, window, threshold=0.3, min_cited=5)
                                                                   -> list[SourceEdits]
    rejecting_cohorts(session, tenant_id, window, by="agent", min_count=20)
                                                                   -> RejectingCohorts
    gate_bypasses(session, tenant_id, window)                      -> list[Bypass]
    knowledge_gaps(session, tenant_id, window, topics)             -> list[GapCluster]
"""

from __future__ import annotations

from backend.learning.bypasses import Bypass, gate_bypasses
from backend.learning.cohorts import CohortRate, RejectingCohorts, rejecting_cohorts, wilson
from backend.learning.dimensions import DIMENSIONS, Dimension
from backend.learning.edited_away import EditExample, SourceEdits, edited_away_sources
from backend.learning.escalations import EscalationRate, escalation_correctness
from backend.learning.gaps import GapCluster, GapTicket, Topic, Topics, gap_tickets, knowledge_gaps
from backend.learning.quality import Quality, Spread, draft_quality
from backend.learning.window import Window, last

__all__ = [
    "DIMENSIONS",
    "Bypass",
    "CohortRate",
    "Dimension",
    "EditExample",
    "EscalationRate",
    "GapCluster",
    "GapTicket",
    "Quality",
    "RejectingCohorts",
    "SourceEdits",
    "Spread",
    "Topic",
    "Topics",
    "Window",
    "draft_quality",
    "edited_away_sources",
    "escalation_correctness",
    "gap_tickets",
    "gate_bypasses",
    "knowledge_gaps",
    "last",
    "rejecting_cohorts",
    "wilson",
]
