"""Sources agents often edit away rank lower: a bounded penalty before the top-k cut.

``EditedAway`` maps a section, as its citation card names it (source id and title), to the
share of its cited sentences that agents removed or rewrote in the replies they sent. The
learning package computes it per tenant; retrieval only reads it. A source's rank key is its
similarity less ``penalty`` × that share; ``Source.score`` itself is never changed, so the
evidence thresholds that read it judge the draft as before.

A search that finds no edited-away source among its best ``limit`` ranks exactly as without
a penalty. One that does is searched again twice as deep: an edited-away source found gives
its place to a deeper candidate only when its penalised similarity falls below the weakest
similarity the first search kept (a deeper candidate never counts as better than that: the
search ranked it lower), so a small penalty reorders and a large one replaces; the other
sources found keep their places.
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
    """The best ``limit`` sources of ``kind``, edited-away sections demoted."""
    hits = index.search(tenant, kind, query, vector, limit)
    if not demotion.touches(hits):
        return demoted(hits, demotion)
    found, weakest = {h.chunk_id for h in hits}, min(h.score for h in hits)
    deeper = index.search(tenant, kind, query, vector, 2 * limit)
    kept = [h for h in hits if section_of(h) not in demotion.edited_away]
    flagged = [(demotion.key(h), 0, h) for h in hits if section_of(h) in demotion.edited_away]
    # a deeper candidate at most ties the weakest source found, and loses the tie
    later = [(max(demotion.key(s), -weakest), 1, s) for s in deeper if s.chunk_id not in found]
    contenders = [s for _, _, s in sorted([*flagged, *later], key=lambda c: c[:2])]
    return demoted([*kept, *contenders[: limit - len(kept)]], demotion)
