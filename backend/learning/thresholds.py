"""When an entry goes on a lead's list: settings read at start-up, checked with the others.

PRECEDENT_EDITED_AWAY_THRESHOLD   share of a section's cited sentences agents remove or change
PRECEDENT_EDITED_AWAY_MIN_CITED   cited sentences a section needs before it can be flagged
PRECEDENT_COHORT_MIN_COUNT        decided drafts an agent or team needs before coaching
PRECEDENT_INSIGHTS_REFRESH_MINUTES  minutes between scheduled refreshes; 0: only on demand

The CLI's ``--threshold``, ``--min-cited`` and ``--min-count`` override them for one run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backend.errors import ConfigError

PREFIX = "PRECEDENT_"


@dataclass(frozen=True)
class Thresholds:
    edited_away: float = 0.3
    edited_away_min_cited: int = 5
    cohort_min_count: int = 20


def from_config(config: Mapping[str, Any]) -> Thresholds:
    return Thresholds(
        edited_away=float(config["EDITED_AWAY_THRESHOLD"]),
        edited_away_min_cited=int(config["EDITED_AWAY_MIN_CITED"]),
        cohort_min_count=int(config["COHORT_MIN_COUNT"]),
    )


def check(config: Mapping[str, Any]) -> None:
    """Refuse values no list could be computed with, naming the setting."""
    chosen = from_config(config)
    if not 0.0 < chosen.edited_away <= 1.0:
        raise ConfigError(
            f"{PREFIX}EDITED_AWAY_THRESHOLD must be above 0 and at most 1 (a share of cited "
            f"sentences), got {chosen.edited_away}"
        )
    for name, value in (
        ("EDITED_AWAY_MIN_CITED", chosen.edited_away_min_cited),
        ("COHORT_MIN_COUNT", chosen.cohort_min_count),
    ):
        if value < 1:
            raise ConfigError(f"{PREFIX}{name} must be at least 1, got {value}")
    if int(config["INSIGHTS_REFRESH_MINUTES"]) < 0:
        minutes = config["INSIGHTS_REFRESH_MINUTES"]
        raise ConfigError(
            f"{PREFIX}INSIGHTS_REFRESH_MINUTES must be 0 (only on demand) or more, got {minutes}"
        )
