"""One ticket's way to a cited draft. Plain functions over plain data: no Flask, no Celery.

    claim → fetch → context → redact → retrieve → gate_ticket → generate → verify → gate → restore
    → persist

The customer context (organisation, plan, prior tickets) is only shown to the agent: it is
stored with the draft and never put into a prompt, an embedding or the gate.

Nothing personal is stored: the draft row keeps the text with the ticket's placeholders, and
the restore stage's output (what the agent reads) exists only in memory; reads restore the
stored text from the ticket's encrypted vault (backend/redaction/at_rest.py). The finished
draft also keeps the vector retrieval searched with and the redacted question it embeds
(backend/drafts/vectors.py): the knowledge gaps cluster tickets by it.

While a model generates, its text so far is kept on the draft row (``partial_text``, with
placeholders, never cut inside one) so the sidebar can show it growing, restored as it is
read; the finished draft replaces it. A
ticket the gate already flags is never streamed: the agent sees its draft only once the
gate's decision is stored with it; a streaming draft whose text so far the gate flags is
taken back at once and shown again only with the decision.

``process_draft`` is what a worker runs for a draft id; ``draft_reply`` is the drafting
itself and is what tests and benchmarks call directly.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from backend.connectors import Connector
from backend.connectors.context import context_json
from backend.drafting import Drafter, DrafterChoice, draft_with, streams
from backend.drafting.greeting import addressed, salutation_placeholder
from backend.drafting.stream import RestoredStream, recent_paragraphs
from backend.drafting.verify import verify
from backend.drafts import DraftStore, LeaseLost
from backend.drafts.vectors import QueryVector
from backend.errors import PrecedentError, RetryableError
from backend.gate.decision import GateDecision
from backend.gate.protocol import Gate
from backend.learning.dimensions import draft_dimensions
from backend.redaction import KnownValue, RedactedText, Redactor, Vault, requester_values
from backend.redaction.store import VaultStore
from backend.retrieval import Embedder, Reranker, SearchIndex, Vectors
from backend.retrieval.demotion import Demotion, EditedAway, ranked_search
from backend.retrieval.vendors import RetrievalVendors
from backend.types import Source, SourceKind, Ticket, VerifiedDraft

log = logging.getLogger(__name__)
CONTEXT_SKIPPED = "context_skipped"
RERANK_SKIPPED = "rerank_skipped"


@dataclass(frozen=True)
class Drafted:
    result: VerifiedDraft  # restored: what the agent sees; never stored
    gate: GateDecision | None  # the gate's decision; None when no gate is configured
    timings: dict[str, float]
    context: dict[str, Any] | None = None  # for the agent only; None when skipped
    redacted_text: str = ""  # the text with the ticket's placeholders: what is stored
    dimensions: dict[str, str] = field(default_factory=dict)  # team, brand, ...: insights
    subject: str = ""  # the ticket's subject with its placeholders: the review queue shows it
    query: QueryVector | None = None  # what retrieval searched with: knowledge-gap topics

    def stored(self) -> VerifiedDraft:
        """The draft as the database keeps it: placeholders, restored only on read."""
        return replace(self.result, text=self.redacted_text)


@dataclass(frozen=True)
class Services:
    """The implementations chosen by settings (see backend/services.py)."""

    connector: Connector
    redactor: Redactor
    embedder: Embedder
    index: SearchIndex
    drafter: Drafter
    gate: Gate | None = None
    providers: DrafterChoice | None = None  # model providers per tenant (PRECEDENT_PROVIDERS)
    vaults: VaultStore | None = None  # keeps a ticket's placeholders stable across drafts
    reranker: Reranker | None = None  # reorders each kind's search results (PRECEDENT_RERANKER)
    vendors: RetrievalVendors | None = None  # zero-retention of a vendor embedder / reranker
    tickets_per_draft: int = 5
    docs_per_draft: int = 5
    rerank_candidates: int = 20  # searched per kind when reranking
    # The tenant's sections agents often edit away (read-only, cached; backend/services.py)
    # and the ranking penalty per unit of their share (PRECEDENT_EDITED_AWAY_PENALTY).
    edited_away: Callable[[str], EditedAway] | None = None
    edited_away_penalty: float = 0.0


def process_draft(draft_id: str, store: DraftStore, services: Services) -> str:
    """Run one draft to the end. Returns what happened; raises RetryableError to retry."""
    claim = store.claim(draft_id)
    if claim is None:
        return "skipped"  # already finished, or another worker holds a live lease
    try:
        drafted = draft_reply(
            claim.tenant,
            claim.ticket_id,
            services,
            checkpoint=lambda: store.heartbeat(claim),
            partial=lambda text: store.write_partial(claim, text),
        )
        store.complete(
            claim,
            drafted.stored(),
            drafted.timings,
            drafted.gate,
            drafted.context,
            drafted.dimensions,
            drafted.subject,
            drafted.query,
        )
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
    tenant: str,
    ticket_id: str,
    services: Services,
    checkpoint: Callable[[], None] = lambda: None,
    partial: Callable[[str], object] | None = None,  # the text so far (placeholders), streaming
) -> Drafted:
    timer = StageTimer()
    with timer("fetch"):
        ticket = services.connector.get_ticket(tenant, ticket_id)
    with timer("context"):
        context = customer_context(services.connector, ticket)
    checkpoint()
    with timer("redact"):
        vault = services.vaults.load(tenant, ticket_id) if services.vaults else Vault()
        known = requester_values(ticket.requester.name, ticket.requester.email)
        question = services.redactor.redact(ticket.customer_text(), vault, known, tenant)
        subject = services.redactor.redact(ticket.subject, vault, known, tenant).text
        # The draft greets the requester through this placeholder; restore puts the name in.
        salutation = salutation_placeholder(vault, ticket.requester.name)
        if services.vaults:
            services.vaults.save(tenant, ticket_id, vault)
    with timer("retrieve"):
        # Raises ProviderRefused, before anything is sent, for a tenant a vendor may not serve.
        vendors = services.vendors.verify(tenant) if services.vendors else {}
        vector = services.embedder.embed([question], purpose="query")[0]
        query = QueryVector(services.embedder.name, vector, question)  # kept with the draft
        sources, rerank_failed = retrieve(services, tenant, question, vector)
    checkpoint()
    drafter = services.providers.for_tenant(tenant) if services.providers else services.drafter
    with timer("gate_ticket"):
        # A ticket the gate flags on its own is not streamed: its draft must reach a
        # credentialed reviewer before the agent reads a word of it. A drafter that never
        # streams needs no such check (the final gate judges the ticket anyway).
        streamed = (
            partial is not None
            and streams(drafter)
            and not ticket_flagged(services, question, vector, ticket)
        )
    with timer("generate"):
        stream = None
        if partial and streamed:
            withhold = draft_flagged(services, vault, known, ticket) if services.gate else None
            stream = RestoredStream(vault, partial, withhold=withhold)
        draft = addressed(draft_with(drafter, question, sources, stream), salutation)
        if stream:
            stream.flush()
    with timer("verify"):
        verified = verify(draft)
    with timer("gate"):
        decision = gate(services, question, vector, verified, vault, known, ticket)
    with timer("restore"):
        restored = replace(verified, text=vault.restore(verified.text))
    if context is None:  # said in the draft, so the agent knows nothing was looked up
        restored = replace(restored, flags=(*restored.flags, CONTEXT_SKIPPED))
    restored = retrieval_noted(restored, vendors, rerank_failed)
    dimensions = draft_dimensions(ticket)
    return Drafted(
        result=restored,
        gate=decision,
        timings=timer.timings,
        context=context,
        redacted_text=verified.text,
        dimensions=dimensions,
        subject=subject,
        query=query,
    )


def customer_context(connector: Connector, ticket: Ticket) -> dict[str, Any] | None:
    """Who is asking, for the agent's eyes; None when the connector has none or fails."""
    try:
        found = connector.customer_context(ticket.tenant, ticket)
    except PrecedentError as exc:  # context helps the agent; it is not worth failing a draft
        log.warning("customer context skipped for ticket %s: %s", ticket.id, exc.message)
        return None
    return context_json(found) if found else None


def ticket_flagged(
    services: Services, question: RedactedText, vector: Vectors, ticket: Ticket
) -> bool:
    """Whether the gate flags the ticket before any draft exists."""
    if services.gate is None:
        return False
    return services.gate.evaluate(question, None, ticket.jurisdiction, vector).gated


def draft_flagged(
    services: Services, vault: Vault, known: list[KnownValue], ticket: Ticket
) -> Callable[[str], bool]:
    """Whether a streaming draft's text so far is flagged by the gate on its own.

    Asked before each partial text is shown; the ticket has passed already. Each check reads
    the new text with the paragraphs just before it (``recent_paragraphs``): what came earlier
    has passed, and re-reading the whole draft every interval costs the worker more as the
    draft grows. The text is redacted first, as for every gate evaluation. A rule that judges
    a draft as a whole (example similarity) sees only that recent part while it streams; the
    finished draft is judged whole by the gate stage.
    """

    no_ticket = services.redactor.redact("", Vault(), (), ticket.tenant)
    passed = ""  # the text so far at the last check, which the gate let through

    def flagged(text_so_far: str) -> bool:
        nonlocal passed
        assert services.gate is not None
        checked = len(passed) if text_so_far.startswith(passed) else 0  # a retry starts over
        recent = recent_paragraphs(text_so_far, checked)
        # A copy of the vault: a value cut off mid-stream ("Maria Lo") must not become one of
        # the ticket's placeholders, which restore the finished draft.
        draft = services.redactor.redact(recent, copy.deepcopy(vault), known, ticket.tenant)
        hit = services.gate.evaluate(no_ticket, draft, ticket.jurisdiction).gated
        passed = text_so_far
        return hit

    return flagged


def gate(
    services: Services,
    question: RedactedText,
    vector: Vectors,
    draft: VerifiedDraft,
    vault: Vault,
    known: list[KnownValue],
    ticket: Ticket,
) -> GateDecision | None:
    if services.gate is None:
        return None
    # The draft is redacted again: the gate may embed it, and nothing personal reaches a model.
    redacted_draft = services.redactor.redact(draft.text, vault, known, ticket.tenant)
    return services.gate.evaluate(question, redacted_draft, ticket.jurisdiction, vector)


def retrieve(
    services: Services, tenant: str, question: RedactedText, vector: Vectors
) -> tuple[list[Source], bool]:
    """Similar resolved tickets, then documentation sections, best first within each.

    With a reranker, ``rerank_candidates`` per kind are searched and the reranker picks and
    orders the ones kept; ``Source.score`` stays the cosine similarity that evidence
    thresholds read. Without a reranker, sections agents often edit away rank lower among
    those found (backend/retrieval/demotion.py); a reranker orders by its own relevance.
    Also says whether a rerank failed (the search order was kept then).
    """
    found: list[Source] = []
    failed = False
    demotion = demotion_for(services, tenant)
    wanted: dict[SourceKind, int] = {
        "ticket": services.tickets_per_draft,
        "doc": services.docs_per_draft,
    }
    for kind, limit in wanted.items():
        pool = max(limit, services.rerank_candidates) if services.reranker else limit
        hits = ranked_search(services.index, tenant, kind, question, vector, pool, demotion)
        kept, skipped = rerank(services.reranker, question, hits, limit)
        found, failed = found + kept, failed or skipped
    return found, failed


def demotion_for(services: Services, tenant: str) -> Demotion:
    """The tenant's edited-away sections with the penalty; none when it is 0 (off)."""
    if services.edited_away is None or services.edited_away_penalty <= 0:
        return Demotion()
    return Demotion(services.edited_away(tenant), services.edited_away_penalty)


def rerank(
    reranker: Reranker | None, question: RedactedText, candidates: list[Source], limit: int
) -> tuple[list[Source], bool]:
    """The reranker's best ``limit``; on any failure the search's best and True."""
    if reranker is None or len(candidates) < 2:
        return candidates[:limit], False
    try:
        return [candidates[i] for i in reranker.rerank(question, candidates, limit)], False
    except PrecedentError as exc:  # ordering helps the draft; it is not worth losing it
        log.warning("rerank skipped: %s", exc.message)
    except Exception:
        log.exception("rerank failed unexpectedly; search order kept")
    return candidates[:limit], True


def retrieval_noted(
    draft: VerifiedDraft, vendors: dict[str, Any], rerank_failed: bool
) -> VerifiedDraft:
    """The draft with the retrieval verification it relied on and, if so, ``rerank_skipped``."""
    if rerank_failed:
        draft = replace(draft, flags=(*draft.flags, RERANK_SKIPPED))
        if "rerank" in vendors:  # the call was verified and made; it just did not answer
            vendors = {**vendors, "rerank": {**vendors["rerank"], "outcome": "skipped"}}
    return replace(draft, retrieval_verification=vendors)


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
