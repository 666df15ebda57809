"""Gap tickets with stored query vectors, and without, for the topics tests (SQLite and
PostgreSQL). Vectors are constructed: three dimensions, cosines chosen by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np

from backend.drafts.vectors import DraftVector
from backend.models import Draft
from tests.learning_data import DAY, History

MODEL = "minilm"
GAP = ["weak_evidence"]
PURIFIER = "Reset the purifier filter light [1]"


def queried(
    history: History,
    ticket: str,
    vector: Sequence[float],
    question: str,
    ago: timedelta,
    model: str = MODEL,
    flags: Sequence[str] = GAP,
) -> Draft:
    """A gap ticket's draft with the query vector and question its retrieval used."""
    draft = history.draft(ticket, ago, text="A draft about something else.", flags=list(flags))
    history.session.add(
        DraftVector(
            draft_id=draft.id,
            tenant_id=history.tenant.id,
            model=model,
            dimensions=len(vector),
            vector=np.asarray(vector, dtype="<f4").tobytes(),
            question=question,
        )
    )
    history.session.flush()
    return draft


def vector_gap_history(history: History) -> None:
    """Refunds (T1, T2: cosine 0.8) and Wi-Fi (T3) by vector; purifier (T4-T6) by words.

    T3's older draft pointed at refunds, its newest at Wi-Fi. T6's only vector is an older
    embedder's, pointing at refunds: it is clustered by its words, with the purifier tickets.
    """
    old = queried(history, "T6", (1.0, 0.0, 0.0), "Refund, old model", 25 * DAY, "old-model")
    old.text = "The filter light keeps blinking after a reset of the purifier"
    queried(history, "T1", (1.0, 0.0, 0.0), "Refund for the invoice of <PERSON_1>", 20 * DAY)
    queried(history, "T3", (1.0, 0.0, 0.0), "Refund again", 10 * DAY, flags=())
    history.draft("T4", 6 * DAY, text=PURIFIER, flags=GAP)
    history.draft("T5", 4 * DAY, text=PURIFIER, flags=GAP)
    queried(history, "T3", (0.0, 0.0, 1.0), "Router keeps dropping wifi", 3 * DAY)
    queried(history, "T2", (0.8, 0.6, 0.0), "Invoice refund still missing", 2 * DAY)
    history.session.flush()
