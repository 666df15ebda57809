"""Knowledge-gap topics from what is stored: each gap ticket's query vector, else its draft.

The insights page and its API cannot read every gap ticket back from the helpdesk and embed
it on each request. They need not: every draft's pipeline embedded the ticket's redacted
question with the index's embedder to search the index, and kept that vector and question
with the draft (backend/drafts/vectors.py). So a ticket's topic is its newest stored
question and query vector. Only vectors of one embedder are used (the ``model`` given, else
the embedder of the tenant's newest stored vector) with its number of dimensions: vectors of
another embedder, from before a switch, are never compared with them.

A ticket without such a vector (drafted before vectors were kept, or by another embedder)
falls back to the text of its newest stored draft, with its placeholders, never the
customer's values, as a hashed bag of words (no model, the same on every machine), or the
caller's ``embed``.

The two kinds are never clustered together. Each topic vector is laid in its own block of
one wider space: query vectors in the first ``dimensions`` coordinates, fallback vectors in
the rest, zeros elsewhere. A query vector and a fallback vector are then orthogonal (cosine
0), and a cluster's centre, the normalised mean of members of one kind, stays in that kind's
block; so the greedy clustering (backend/learning/gaps.py), whose threshold is above 0,
groups each kind exactly as it would alone. Both kinds share that one threshold:
benchmarks/gap_clusters.py measures it for each.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.drafts.vectors import StoredQuery, newest_by_ticket, newest_space
from backend.learning.gaps import PLACEHOLDER, STOP, Topic
from backend.models import Draft

Embed = Callable[[list[str]], list[Sequence[float]]]
MARKER = re.compile(r"\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\]")
WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
HASHED_DIMENSIONS = 512
NEWEST = 400  # gap tickets clustered at most: the newest


class DraftTopics:
    """``Topics`` of the newest ``limit`` tickets: stored query vectors, else draft texts."""

    def __init__(
        self,
        session: Session,
        tenant_id: int,
        embed: Embed | None = None,
        model: str | None = None,  # the embedder's name; None: the newest vector's
        limit: int = NEWEST,  # the newest tickets read; the rest are left out
    ) -> None:
        self._session = session
        self._tenant_id = tenant_id
        self._embed = embed or hashed
        self._model = model
        self._limit = limit

    def __call__(self, ticket_ids: Sequence[str]) -> Mapping[str, Topic]:
        wanted = list(dict.fromkeys(ticket_ids))[-self._limit :]
        space = newest_space(self._session, self._tenant_id, self._model)
        stored = newest_by_ticket(self._session, self._tenant_id, wanted, space)
        texts = self._draft_texts([t for t in wanted if t not in stored])
        embedded = self._embed(list(texts.values())) if texts else []
        fallback = dict(zip(texts, embedded, strict=True))
        width = len(next(iter(fallback.values()), ()))
        dimensions = space[1]
        topics = {t: _queried(q, width) for t, q in stored.items()}
        topics.update({t: Topic(texts[t], _shifted(v, dimensions)) for t, v in fallback.items()})
        return topics

    def _draft_texts(self, ticket_ids: Sequence[str]) -> dict[str, str]:
        """The newest stored draft text of each ticket, without its citation markers."""
        if not ticket_ids:
            return {}
        newest = (
            select(Draft.ticket_id, func.max(Draft.completed_at).label("at"))
            .where(Draft.tenant_id == self._tenant_id, Draft.ticket_id.in_(ticket_ids))
            .group_by(Draft.ticket_id)
            .subquery()
        )
        query = (
            select(Draft.ticket_id, Draft.text)
            .join(
                newest,
                (newest.c.ticket_id == Draft.ticket_id) & (newest.c.at == Draft.completed_at),
            )
            # the tenant's (ticket numbers repeat across tenants), and these tickets again:
            # so SQLite reads their rows by ticket, not every draft of the tenant
            .where(Draft.tenant_id == self._tenant_id, Draft.ticket_id.in_(ticket_ids))
        )
        rows = self._session.execute(query)
        return {str(t): MARKER.sub("", text) for t, text in rows if text}


def _queried(stored: StoredQuery, after: int) -> Topic:
    """The stored question and its unit vector, followed by ``after`` zeros."""
    vector = stored.vector.astype(np.float64)
    unit = vector / (float(np.linalg.norm(vector)) or 1.0)
    return Topic(stored.question, [*map(float, unit), *[0.0] * after])


def _shifted(vector: Sequence[float], before: int) -> list[float]:
    """A fallback vector after ``before`` zeros: orthogonal to every query vector."""
    return [*[0.0] * before, *map(float, vector)]


def hashed(texts: list[str]) -> list[Sequence[float]]:
    """L2-normalised counts of the texts' words, hashed into ``HASHED_DIMENSIONS`` buckets."""
    found: list[Sequence[float]] = []
    for text in texts:
        vector = np.zeros(HASHED_DIMENSIONS)
        for word in WORD.findall(PLACEHOLDER.sub(" ", text).lower()):
            if word not in STOP:
                vector[_bucket(word)] += 1.0
        norm = float(np.linalg.norm(vector)) or 1.0
        found.append((vector / norm).tolist())
    return found


@lru_cache(maxsize=65536)
def _bucket(word: str) -> int:
    """The word's bucket: the same on every machine (no salted ``hash``); a ticket's words
    repeat across hundreds of tickets, so each is hashed once."""
    return (
        int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest()) % HASHED_DIMENSIONS
    )
