"""One ticket's way to a cited draft. Plain functions over plain data: no Flask, no Celery.

    claim → fetch → redact → retrieve → generate → verify → restore → persist

``process_draft`` is what a worker runs for a draft id; ``draft_reply`` is the drafting
itself and is what tests and benchmarks call directly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from backend.connectors import Connector
from backend.drafting import Drafter
from backend.drafting.verify import verify
from backend.drafts import DraftStore, LeaseLost
from backend.errors import PrecedentError, RetryableError
from backend.redaction import KnownValue, RedactedText, Redactor, Vault
from backend.retrieval import Embedder, SearchIndex
from backend.types import Source, Ticket, VerifiedDraft

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """The implementations chosen by settings (see backend/services.py)."""

    connector: Connector
    redactor: Redactor
    embedder: Embedder
    index: SearchIndex
    drafter: Drafter
    tickets_per_draft: int = 5
    docs_per_draft: int = 5


def process_draft(draft_id: str, store: DraftStore, services: Services) -> str:
    """Run one draft to the end. Returns what happened; raises RetryableError to retry."""
    claim = store.claim(draft_id)
    if claim is None:
        return "skipped"  # already finished, or another worker holds a live lease
    try:
        result, timings = draft_reply(
            claim.tenant, claim.ticket_id, services, checkpoint=lambda: store.heartbeat(claim)
        )
        store.complete(claim, result, timings)
        return "ready"
    except LeaseLost:
        log.warning("draft %s was taken over by another worker; result dropped", draft_id)
        return "lease_lost"
    except RetryableError as exc:
        if store.release(claim, exc.code, exc.message):
            raise
        return "failed"
    except PrecedentError as exc:
        store.fail(claim, exc.code, exc.message)
        return "failed"
    except Exception:
        store.fail(claim, "internal_error", "drafting failed unexpectedly; see the worker log")
        raise


def draft_reply(
    tenant: str, ticket_id: str, services: Services, checkpoint: Callable[[], None] = lambda: None
) -> tuple[VerifiedDraft, dict[str, float]]:
    timer = StageTimer()
    with timer("fetch"):
        ticket = services.connector.get_ticket(tenant, ticket_id)
    checkpoint()
    with timer("redact"):
        vault = Vault()
        question = redact_ticket(services.redactor, ticket, vault)
    with timer("retrieve"):
        sources = retrieve(services, tenant, question)
    checkpoint()
    with timer("generate"):
        draft = services.drafter.draft(question, sources)
    with timer("verify"):
        verified = verify(draft)
    with timer("restore"):
        restored = replace(verified, text=vault.restore(verified.text))
    return restored, timer.timings


def redact_ticket(redactor: Redactor, ticket: Ticket, vault: Vault) -> RedactedText:
    """What the customer asked, with their personal values replaced by placeholders."""
    known = [
        KnownValue("PERSON", ticket.requester.name),
        KnownValue("EMAIL_ADDRESS", ticket.requester.email),
    ]
    return redactor.redact(ticket.customer_text(), vault, [k for k in known if k.value.strip()])


def retrieve(services: Services, tenant: str, question: RedactedText) -> list[Source]:
    """Similar resolved tickets, then documentation sections, best first within each."""
    vector = services.embedder.embed([question])[0]
    tickets = services.index.search(tenant, "ticket", question, vector, services.tickets_per_draft)
    docs = services.index.search(tenant, "doc", question, vector, services.docs_per_draft)
    return sorted(tickets, key=_by_score) + sorted(docs, key=_by_score)


def _by_score(source: Source) -> float:
    return -source.score


class StageTimer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = round((time.perf_counter() - start) * 1000, 1)
