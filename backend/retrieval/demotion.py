"""Sources agents often edit away rank lower among those found: a bounded penalty.

``EditedAway`` maps a section, as its citation card names it (source id and title), to the
share of its cited sentences that agents removed or rewrote in the replies they sent. The
learning package computes it per tenant; retrieval only reads it. A source's rank key is its
similarity less ``penalty`` × that share; ``Source.score`` itself is never changed, so the
evidence thresholds that read it judge the draft as before.

The penalty reorders the sources a search found; it never drops one for a deeper candidate.
Measured on benchmarks/retrieval.py, letting an edited-away source leave the top k cost
recall@5 whatever the penalty (a flagged section is often still the right answer), so the
feedback is bounded to order: the draft leans on other sources first, and the card says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from backend.redaction import RedactedText
from backend.retrieval import SearchIndex, Vectors
from backend.types import Source, SourceKind

EditedAway = Mapping[tuple[str, str], float]  # (source id, title) -> share edited away, 0..1


def section_of(source: Source) -> tuple[str, str]:
    return source.source_id, source.title


@dataclass(frozen=True)
class Demotion:
    """A tenant's edited-away sections and the penalty per unit of their share."""

    edited_away: EditedAway = field(default_factory=dict)
    penalty: float = 0.0

    def __bool__(self) -> bool:
        return self.penalty > 0 and bool(self.edited_away)

    def touches(self, sources: Sequence[Source]) -> bool:
        return bool(self) and any(section_of(s) in self.edited_away for s in sources)

    def key(self, source: Source) -> float:
        """Sort key, best first: the similarity less the penalty for being edited away."""
        return -(source.score - self.penalty * self.edited_away.get(section_of(source), 0.0))


def demoted(sources: Sequence[Source], demotion: Demotion) -> list[Source]:
    """Best first by similarity less the penalty; a stable sort, so ties keep search order."""
    return sorted(sources, key=demotion.key)


def ranked_search(
    index: SearchIndex,
    tenant: str,
    kind: SourceKind,
    query: RedactedText,
    vector: Vectors,
    limit: int,
    demotion: Demotion,
) -> list[Source]:
    """The best ``limit`` sources of ``kind`` the search found, edited-away sections lower."""
    return demoted(index.search(tenant, kind, query, vector, limit), demotion)
