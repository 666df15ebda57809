"""Knowledge-gap topics from what is stored: the ticket's newest draft, as kept (redacted).

The insights page and its API cannot read every gap ticket back from the helpdesk and embed
it on each request, so they cluster the stored draft text instead: it holds the ticket's
placeholders, never the customer's values. Its vector is the caller's embedder when one is
given, else a hashed bag of words (no model, the same on every machine).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.learning.gaps import PLACEHOLDER, STOP, Topic
from backend.models import Draft

Embed = Callable[[list[str]], list[Sequence[float]]]
MARKER = re.compile(r"\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\]")
WORD = re.compile(r"[a-z][a-z0-9-]{2,}")
HASHED_DIMENSIONS = 512
NEWEST = 400  # gap tickets clustered at most: the newest


class DraftTopics:
    """``Topics`` over the newest stored draft of each ticket (at most ``NEWEST`` tickets)."""

    def __init__(self, session: Session, tenant_id: int, embed: Embed | None = None) -> None:
        self._session = session
        self._tenant_id = tenant_id
        self._embed = embed or hashed

    def __call__(self, ticket_ids: Sequence[str]) -> Mapping[str, Topic]:
        wanted = list(dict.fromkeys(ticket_ids))[-NEWEST:]
        newest = (
            select(Draft.ticket_id, func.max(Draft.completed_at).label("at"))
            .where(Draft.tenant_id == self._tenant_id, Draft.ticket_id.in_(wanted))
            .group_by(Draft.ticket_id)
            .subquery()
        )
        query = (
            select(Draft.ticket_id, Draft.text)
            .join(
                newest,
                (newest.c.ticket_id == Draft.ticket_id) & (newest.c.at == Draft.completed_at),
            )
            .where(Draft.tenant_id == self._tenant_id)  # ticket numbers repeat across tenants
        )
        texts = {
            str(t): MARKER.sub("", text or "") for t, text in self._session.execute(query) if text
        }
        ids = list(texts)
        vectors = self._embed([texts[t] for t in ids])
        return {t: Topic(texts[t], v) for t, v in zip(ids, vectors, strict=True)}


def hashed(texts: list[str]) -> list[Sequence[float]]:
    """L2-normalised counts of the texts' words, hashed into ``HASHED_DIMENSIONS`` buckets."""
    found: list[Sequence[float]] = []
    for text in texts:
        vector = np.zeros(HASHED_DIMENSIONS)
        for word in WORD.findall(PLACEHOLDER.sub(" ", text).lower()):
            if word not in STOP:
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest())
                vector[bucket % HASHED_DIMENSIONS] += 1.0
        norm = float(np.linalg.norm(vector)) or 1.0
        found.append([float(v) for v in vector / norm])
    return found
