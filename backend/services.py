"""Builds the implementations named in settings, once per process, on first use."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from backend.connectors import configured
from backend.crypto import encryption_keys
from backend.db import SessionFactory, db, sessions_for
from backend.drafting import Drafter, DrafterChoice, drafters
from backend.drafting.providers import ProviderRegistry
from backend.drafting.providers_file import load_providers
from backend.drafting.router import ProviderRouter
from backend.drafts import DraftStore, version
from backend.gate import PolicyStore
from backend.gate.pipeline_gate import PolicyGate
from backend.learning import items
from backend.models import Tenant
from backend.pipeline import Services
from backend.policy_audit import PolicyAuditor
from backend.redaction import Redactor, Vault, redactors
from backend.redaction.at_rest import TicketTexts
from backend.redaction.store import VaultStore
from backend.retrieval import Embedder, Reranker, SearchIndex, embedders, rerankers
from backend.retrieval import vendors as retrieval_vendors
from backend.retrieval.demotion import EditedAway
from backend.retrieval.revision import RevisedIndex, knowledge_revision
from backend.retrieval.vendors import RetrievalVendors
from backend.types import Ticket

EXTENSION = "precedent_services"
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {}


def get() -> Services:
    """The pipeline's services for the current app (models load lazily on first call)."""
    cache: dict[str, Any] = current_app.extensions[EXTENSION]
    if "services" not in cache:
        cache["services"] = replace(
            build(current_app.config), vaults=vault_store(), edited_away=edited_away_sections()
        )
    services: Services = cache["services"]
    return services


def build(config: Any) -> Services:
    registry = _provider_registry(config)
    # refuses tenants a vendor is not verified for
    vendors = retrieval_vendors.from_config(config, registry)
    embedder = _embedder(config, vendors)
    drafter = drafters.get(config["DRAFTER"])()
    return Services(
        connector=configured.from_config(config),
        redactor=_redactor(config),
        embedder=embedder,
        index=_index(config, embedder),
        drafter=drafter,
        providers=_providers(registry, drafter),
        gate=_gate(config, embedder),
        reranker=_reranker(config, vendors),
        vendors=vendors,
        tickets_per_draft=config["RETRIEVE_TICKETS"],
        docs_per_draft=config["RETRIEVE_DOCS"],
        rerank_candidates=config["RERANK_CANDIDATES"],
        edited_away_penalty=config["EDITED_AWAY_PENALTY"],
    )


def _embedder(config: Any, vendors: RetrievalVendors | None) -> Embedder:
    # A vendor's model: its key, endpoint and retention come from the providers file.
    use = vendors.use("embed") if vendors else None
    return embedders.get(config["EMBEDDER"]).from_settings(config, use)


def _reranker(config: Any, vendors: RetrievalVendors | None) -> Reranker | None:
    use = vendors.use("rerank") if vendors else None
    if use is None:
        return None
    return rerankers.get(config["RERANKER"]).from_settings(config, use)


def _redactor(config: Any) -> Redactor:
    return redactors.get(config["REDACTOR"]).from_settings(config)


def _index(config: Any, embedder: Embedder) -> SearchIndex:
    # the configured index, counting documentation changes: a draft's knowledge revision
    return RevisedIndex.from_settings(config, embedder.dimensions)


def _provider_registry(config: Any) -> ProviderRegistry | None:
    """The providers file, read once for drafting and retrieval; None when not set."""
    if not config["PROVIDERS"]:
        return None
    return load_providers(config["PROVIDERS"])


def _providers(registry: ProviderRegistry | None, fallback: Drafter) -> DrafterChoice | None:
    """The zero-retention registry's router; None leaves every tenant on ``fallback``."""
    if registry is None:
        return None
    router = ProviderRouter(registry, fallback)
    router.check_keys()  # a missing API key stops start-up, not a customer's draft
    return router


def _gate(config: Any, embedder: Embedder) -> PolicyGate | None:
    if not config["POLICIES_DIR"]:
        return None
    auditor = PolicyAuditor(config["DATABASE_URL"], config["DEFAULT_TENANT"])
    return PolicyGate.from_settings(config, embedder, listeners=[auditor])


def policy_store() -> PolicyStore | None:
    """The current app's hot-reloading policies; None when the gate is off."""
    gate = get().gate
    return gate.store if isinstance(gate, PolicyGate) else None


def _sessions() -> SessionFactory:
    return sessions_for(current_app.config["DATABASE_URL"])


def vault_store() -> VaultStore:
    config = current_app.config
    ttl = timedelta(hours=config["VAULT_TTL_HOURS"])
    return VaultStore(_sessions(), encryption_keys(config), ttl)


def ticket_texts(tenant: str, ticket_id: str, session: Session | None = None) -> TicketTexts:
    """A ticket's texts, stored redacted and read restored (backend/redaction/at_rest.py).

    ``session``: the caller's open transaction, if any (SQLite has one writer at a time).
    """
    current = get()
    vaults = current.vaults
    vault = vaults.load(tenant, ticket_id, session) if vaults else Vault()
    return TicketTexts(tenant, ticket_id, vault, current.redactor, vaults)


def many_ticket_texts(
    tenant: str, ticket_ids: Iterable[str], session: Session | None = None
) -> dict[str, TicketTexts]:
    """``ticket_texts`` of each ticket, their vaults read in one query."""
    wanted = set(ticket_ids)
    current = get()
    vaults = current.vaults
    found = vaults.load_many(tenant, wanted, session) if vaults else {t: Vault() for t in wanted}
    return {t: TicketTexts(tenant, t, found[t], current.redactor, vaults) for t in wanted}


def draft_version(tenant: str, ticket: Ticket) -> str:
    """The version a draft of ``ticket`` would have now (backend/drafts/version.py)."""
    store = policy_store()
    with db.session() as session:
        knowledge = knowledge_revision(session, tenant)
    return version.draft_version(ticket, store.version() if store else "off", knowledge)


@dataclass
class EditedAwaySections:
    """A tenant's sections agents often edit away, as {(source id, title): share}, cached.

    Read from the stored revision list (backend/learning/items.py, refreshed from the
    edited-away signal): its open items only, so an item a lead marks done lifts the ranking
    penalty and the citation card's note once the cache (``seconds``) runs out. A failing
    read costs the draft nothing: no section is demoted until the next one.
    """

    sessions: Callable[[], AbstractContextManager[Session]]
    seconds: float
    clock: Callable[[], float] = time.monotonic
    _cache: dict[str, tuple[float, EditedAway]] = field(default_factory=dict)

    def __call__(self, tenant: str) -> EditedAway:
        now = self.clock()
        cached = self._cache.get(tenant)
        if cached is None or now >= cached[0]:
            cached = (now + self.seconds, self._read(tenant))
            self._cache[tenant] = cached
        return cached[1]

    def _read(self, tenant: str) -> EditedAway:
        try:
            with self.sessions() as session:
                tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == tenant))
                found = items.items(session, tenant_id, "revision") if tenant_id else []
                return MappingProxyType(
                    {
                        (str(i.details.get("source_id", "")), i.title): float(i.details["rate"])
                        for i in found
                        if i.done_at is None and "rate" in i.details
                    }
                )
        except SQLAlchemyError as exc:
            log.warning("edited-away sections of tenant %s not read: %s", tenant, exc)
            return MappingProxyType({})


def edited_away_sections() -> EditedAwaySections:
    return EditedAwaySections(_sessions(), current_app.config["EDITED_AWAY_CACHE_SECONDS"])


def edited_away(tenant: str) -> EditedAway:
    """The tenant's open edited-away sections (cached), for the citation cards' note."""
    lookup = get().edited_away
    return lookup(tenant) if lookup else MappingProxyType({})


def draft_store() -> DraftStore:
    sessions = _sessions()
    return DraftStore(
        sessions,
        current_app.config["DRAFT_LEASE_SECONDS"],
        current_app.config["DRAFT_MAX_ATTEMPTS"],
    )
