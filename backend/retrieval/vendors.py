"""Which providers-file entry a vendor embedder or reranker calls, and for which tenants.

Drafting picks a provider per tenant and falls back to the offline drafter; retrieval cannot:
an index holds one vector space, so one embedder (and one reranker) serves every tenant of a
deployment. The settings name the entry (``PRECEDENT_EMBED_PROVIDER``,
``PRECEDENT_RERANK_PROVIDER``) and the zero-retention rules apply to it as to drafting:

* start-up refuses, naming the tenant and the missing scope, when a tenant of the providers
  file (or ``PRECEDENT_DEFAULT_TENANT``) has a data scope the entry is not verified for;
* a tenant the file does not list has no known scope, so calls for it are refused
  (``ProviderRefused``) before anything is sent;
* the verification each call relied on is returned by ``verify`` for the audit trail
  (``retrieval_verification`` of ``draft.ready``) and for ingestion's report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from backend.drafting.providers import Posture, Provider, ProviderRegistry, TenantProfile
from backend.errors import ConfigError, ProviderRefused

Role = Literal["embed", "rerank"]  # also the verb in messages


@dataclass(frozen=True)
class Use:
    """One vendor call site: the entry it calls and the model it asks for."""

    role: Role
    setting: str  # the setting naming the entry, for messages
    provider: Provider
    model: str


@dataclass(frozen=True)
class RetrievalVendors:
    registry: ProviderRegistry
    uses: tuple[Use, ...]

    def use(self, role: Role) -> Use | None:
        return next((u for u in self.uses if u.role == role), None)

    def check(self, tenants: Iterable[str]) -> None:
        """Refuse to start when any of ``tenants`` may not be sent to a configured entry."""
        problems = [
            problem
            for use in self.uses
            for tenant in dict.fromkeys(tenants)
            if (problem := self.refusal(use, tenant))
        ]
        if problems:  # embedding and reranking often share an entry: say it once
            listed = "\n  - ".join(dict.fromkeys(problems))
            raise ConfigError(f"retrieval cannot use its model provider:\n  - {listed}")

    def verify(self, tenant: str, roles: Iterable[Role] = ("embed", "rerank")) -> dict[str, Any]:
        """The verification each configured call for ``tenant`` relies on, by role.

        Raises ``ProviderRefused`` when the tenant's data may not go to one of them.
        """
        records: dict[str, Any] = {}
        for use in (u for u in self.uses if u.role in roles):
            problem = self.refusal(use, tenant)
            if problem:
                raise ProviderRefused(problem)
            posture = _posture(self.registry.tenants[tenant], use.provider)
            records[use.role] = {**posture.record(), "model": use.model}
        return records

    def refusal(self, use: Use, tenant: str) -> str | None:
        """Why ``tenant``'s text may not go to ``use``; None when it may."""
        profile = self.registry.tenants.get(tenant)
        if profile is None:
            return (
                f"tenant '{tenant}' is not listed in {self.registry.source or 'the providers file'}"
                f", so its data scope is unknown and {use.setting} '{use.provider.name}' may "
                f"not {use.role} its text; list it under 'tenants' with its scopes"
            )
        posture = _posture(profile, use.provider)
        if posture.allowed:
            return None
        scopes = ", ".join(profile.scopes) or "none"
        return f"tenant '{tenant}' (scopes: {scopes}) may not use {use.setting}: {posture.reason()}"


def _posture(tenant: TenantProfile, provider: Provider) -> Posture:
    offered = set(provider.retention.scopes)
    covered = tuple(s for s in tenant.scopes if s in offered)
    missing = tuple(s for s in tenant.scopes if s not in offered)
    return Posture(tenant, provider, covered, missing)


def from_config(
    config: Mapping[str, Any], registry: ProviderRegistry | None
) -> RetrievalVendors | None:
    """The vendor calls the settings configure, checked for every known tenant; None if none.

    ``registry`` is the providers file (settings refuse a vendor call without one).
    """
    if not _wanted(config) or registry is None:
        return None
    vendors = unchecked(config, registry)
    vendors.check([*registry.tenants, config["DEFAULT_TENANT"]])
    return vendors


def unchecked(config: Mapping[str, Any], registry: ProviderRegistry) -> RetrievalVendors:
    """The vendor calls the settings configure on ``registry``, not yet checked per tenant."""
    return RetrievalVendors(registry, tuple(_use(registry, *w) for w in _wanted(config)))


def _wanted(config: Mapping[str, Any]) -> list[tuple[Role, str, str, str, str]]:
    """(role, setting, entry, implementation, model) for each configured vendor call."""
    wanted: list[tuple[Role, str, str, str, str]] = []
    if config["EMBED_PROVIDER"]:
        entry, embedder = config["EMBED_PROVIDER"], config["EMBEDDER"]
        wanted.append(("embed", "PRECEDENT_EMBED_PROVIDER", entry, embedder, config["EMBED_MODEL"]))
    if config["RERANKER"]:
        setting = (
            "PRECEDENT_RERANK_PROVIDER" if config["RERANK_PROVIDER"] else "PRECEDENT_EMBED_PROVIDER"
        )
        entry = config["RERANK_PROVIDER"] or config["EMBED_PROVIDER"]
        wanted.append(("rerank", setting, entry, config["RERANKER"], config["RERANK_MODEL"]))
    return wanted


def _use(
    registry: ProviderRegistry, role: Role, setting: str, entry: str, impl: str, model: str
) -> Use:
    provider = registry.providers.get(entry)
    if provider is None:
        valid = ", ".join(sorted(registry.providers)) or "(none declared)"
        raise ConfigError(
            f"{setting} '{entry}' is not a provider in {registry.source}. "
            f"Valid providers are: {valid}"
        )
    if provider.kind != impl:
        what = "PRECEDENT_EMBEDDER" if role == "embed" else "PRECEDENT_RERANKER"
        raise ConfigError(
            f"{setting} '{entry}' is of kind '{provider.kind}', but {what} is '{impl}'"
        )
    return Use(role, setting, provider, model)
