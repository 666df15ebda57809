"""The zero-retention registry: which model provider drafts for which tenant, and whether it may.

Providers carry their retention posture; tenants carry the kinds of data their tickets hold.
A provider may draft for a tenant only when it is verified zero-retention for every one of
the tenant's data scopes (``Posture.allowed``). The registry is read from the YAML file named
by ``PRECEDENT_PROVIDERS`` (format and checks in ``providers_file``); API keys stay in the
environment and the file names only the variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from backend.errors import ConfigError

SCOPES = ("biometric", "children", "pci", "phi", "pii")
REMOTE_KINDS = ("cohere", "openai-compatible")


@dataclass(frozen=True)
class Retention:
    zero_retention: str = "unverified"
    evidence: str = ""
    verified_on: str = ""
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provider:
    name: str
    kind: str
    model: str = ""
    base_url: str = ""
    api_key_env: str = ""
    retention: Retention = field(default_factory=Retention)
    timeout_seconds: float = 20.0
    max_retries: int = 2
    backoff_seconds: float = 0.5
    breaker_failures: int = 5
    breaker_cooldown_seconds: float = 60.0

    def api_key(self, environ: Mapping[str, str]) -> str:
        """The key from the environment; raises when the named variable is not set."""
        if not self.api_key_env:
            return "not-needed"  # e.g. a local vLLM or Ollama endpoint without auth
        key = environ.get(self.api_key_env, "")
        if not key:
            raise ConfigError(
                f"provider '{self.name}': environment variable {self.api_key_env} is not set "
                "(it holds the API key named by api_key_env in the providers file)"
            )
        return key


@dataclass(frozen=True)
class TenantProfile:
    name: str
    provider: str
    scopes: tuple[str, ...]
    tone: str = ""


@dataclass(frozen=True)
class Posture:
    """Whether ``provider`` may draft for ``tenant``, and the verification that says so."""

    tenant: TenantProfile
    provider: Provider
    covered: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        if self.provider.kind == "offline":
            return True  # nothing leaves the machine
        return self.provider.retention.zero_retention == "verified" and not self.missing

    def reason(self) -> str:
        if self.allowed:
            return ""
        if self.provider.retention.zero_retention != "verified":
            return f"'{self.provider.name}' is not verified zero-retention"
        return f"'{self.provider.name}' is not verified for {', '.join(self.missing)}"

    def record(self) -> dict[str, object]:
        """What the audit trail keeps about this decision (never a key or key name)."""
        retention = self.provider.retention
        return {
            "provider": self.provider.name,
            "kind": self.provider.kind,
            "model": self.provider.model,
            "zero_retention": retention.zero_retention,
            "evidence": retention.evidence,
            "verified_on": retention.verified_on,
            "provider_scopes": list(retention.scopes),
            "tenant_scopes": list(self.tenant.scopes),
            "decision": "allowed" if self.allowed else "refused",
        }


@dataclass(frozen=True)
class ProviderRegistry:
    providers: Mapping[str, Provider]
    tenants: Mapping[str, TenantProfile]
    source: str = ""

    def posture(self, tenant: str) -> Posture | None:
        """None when the tenant is not listed: it drafts offline."""
        profile = self.tenants.get(tenant)
        if profile is None:
            return None
        provider = self.providers[profile.provider]
        offered = set(provider.retention.scopes)
        covered = tuple(s for s in profile.scopes if s in offered)
        missing = tuple(s for s in profile.scopes if s not in offered)
        return Posture(profile, provider, covered, missing)


EMPTY = ProviderRegistry({}, {})
