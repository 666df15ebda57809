"""Picks the drafter for a tenant from the zero-retention registry.

A tenant drafts with its provider only when the registry says the provider is verified for
the tenant's data scopes. Otherwise it gets the offline drafter, flagged ``model_refused``
with a note saying why, and the refusal is audited like any call: the provider's endpoint
is never contacted. We fall back rather than fail so the agent still gets a cited,
evidence-only draft; ``precedent providers check`` shows the refusal to whoever fixes it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from backend.drafting import Drafter, TextSink, drafters
from backend.drafting.providers import Posture, Provider, ProviderRegistry
from backend.drafting.resilience import CircuitBreaker, Guarded, RetryPolicy
from backend.redaction import RedactedText
from backend.types import DraftText, Source

MODEL_REFUSED = "model_refused"


class Refused:
    """The offline drafter, for a tenant whose provider is not verified for its data."""

    streams = False

    def __init__(self, fallback: Drafter, posture: Posture) -> None:
        self.name = fallback.name
        self._fallback, self._posture = fallback, posture

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        drafted = self._fallback.draft(question, sources)
        note = (
            f"Model not used — evidence-only draft: {self._posture.reason()} for this "
            "account's data. An administrator can see why with 'precedent providers check'."
        )
        return replace(
            drafted,
            flags=(MODEL_REFUSED, *drafted.flags),
            notes=(note, *drafted.notes),
            verification=self._posture.record(),
        )


class ProviderRouter:
    """``for_tenant(tenant)`` → the drafter that tenant may use. One breaker per provider."""

    def __init__(
        self,
        registry: ProviderRegistry,
        fallback: Drafter,
        environ: Mapping[str, str] = os.environ,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self._fallback, self._environ, self._sleep = fallback, environ, sleep
        self._breakers = {
            name: CircuitBreaker(p.breaker_failures, p.breaker_cooldown_seconds, clock)
            for name, p in registry.providers.items()
        }
        self._drafters: dict[str, Drafter] = {}
        self._lock = threading.Lock()

    def check_keys(self) -> None:
        """Fail at start-up, naming the variable, when an allowed provider has no key set."""
        for tenant in self.registry.tenants:
            posture = self.registry.posture(tenant)
            if posture and posture.allowed and posture.provider.kind != "offline":
                posture.provider.api_key(self._environ)

    def breaker(self, provider: str) -> CircuitBreaker:
        return self._breakers[provider]

    def for_tenant(self, tenant: str) -> Drafter:
        with self._lock:  # clients are built once per tenant, on first use
            if tenant not in self._drafters:
                self._drafters[tenant] = self._build(tenant)
            return self._drafters[tenant]

    def _build(self, tenant: str) -> Drafter:
        posture = self.registry.posture(tenant)
        if posture is None or posture.provider.kind == "offline":
            return self._fallback
        if not posture.allowed:
            return Refused(self._fallback, posture)
        provider = posture.provider
        return Guarded(
            self._remote(provider, posture.tenant.tone),
            self._fallback,
            self._breakers[provider.name],
            RetryPolicy(provider.max_retries, provider.backoff_seconds),
            posture.record(),
            self._sleep,
        )

    def _remote(self, provider: Provider, tone: str) -> Drafter:
        cls = drafters.get(provider.kind)
        return cls(provider, provider.api_key(self._environ), tone)  # type: ignore[call-arg]
