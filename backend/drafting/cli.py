"""``precedent providers check``: the zero-retention posture of every tenant's model provider.

Registered on the main command with ``cli.add_command(providers)``. Exits non-zero when the
file has problems or any tenant is refused, so it can guard a deployment.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from backend.clitools import Group, app
from backend.drafting.providers import Posture, ProviderRegistry
from backend.drafting.providers_file import ProvidersFileError, load_providers
from backend.errors import PrecedentError
from backend.retrieval import vendors
from backend.retrieval.vendors import RetrievalVendors


class TenantsRefused(PrecedentError):
    code = "providers_refused"


@click.group(cls=Group)
def providers() -> None:
    """Model providers per tenant and their zero-retention verification."""


@providers.command("check")
@click.argument("file", required=False, type=click.Path(path_type=Path), metavar="[FILE]")
def providers_check(file: Path | None) -> None:
    """Report, per tenant, its provider, retention posture and data scopes: OK or REFUSED.

    FILE defaults to the PRECEDENT_PROVIDERS setting.
    """
    path = file or _configured_file()
    if not path:
        click.echo("PRECEDENT_PROVIDERS is not set: every tenant drafts offline (no model).")
        return
    registry = _load(path)
    click.echo(f"{path}: {len(registry.providers)} providers, {len(registry.tenants)} tenants")
    retrieval = _retrieval_vendors(registry)
    refused = [
        tenant
        for tenant in sorted(registry.tenants)
        if not all([_report(registry, tenant), _report_retrieval(retrieval, tenant)])
    ]
    if refused:
        raise TenantsRefused(
            f"{len(refused)} of {len(registry.tenants)} tenants refused: {', '.join(refused)}. "
            "They draft offline until their provider is verified for their data scopes; a "
            "refused embedder or reranker stops the deployment from starting."
        )


def _retrieval_vendors(registry: ProviderRegistry) -> RetrievalVendors:
    """The embedder / reranker the settings send to a vendor (none: an empty list of uses)."""
    return vendors.unchecked(app().config, registry)


def _report_retrieval(retrieval: RetrievalVendors, tenant: str) -> bool:
    for use in retrieval.uses:
        refusal = retrieval.refusal(use, tenant)
        verdict = "OK" if refusal is None else f"REFUSED ({refusal})"
        click.echo(f"  {use.role:<9} {use.provider.name} (model {use.model}): {verdict}")
    return all(retrieval.refusal(use, tenant) is None for use in retrieval.uses)


def _configured_file() -> Path | None:
    setting = app().config["PROVIDERS"]
    return Path(setting) if setting else None


def _load(path: Path) -> ProviderRegistry:
    try:
        return load_providers(path)
    except ProvidersFileError as exc:
        for problem in exc.problems:
            click.echo(problem)
        raise ProvidersFileError([f"{len(exc.problems)} problem(s) in {path}"]) from None


def _report(registry: ProviderRegistry, tenant: str) -> bool:
    posture = registry.posture(tenant)
    assert posture is not None  # every listed tenant has one
    verdict = "OK" if posture.allowed else f"REFUSED ({posture.reason()})"
    click.echo(f"{tenant}: {verdict}")
    click.echo(f"  provider  {_describe_provider(posture)}")
    click.echo(f"  posture   {_describe_posture(posture)}")
    click.echo(f"  scopes    {_describe_scopes(posture)}")
    key = posture.provider.api_key_env
    if key and posture.provider.kind != "offline" and not os.environ.get(key):
        click.echo(f"  warning   environment variable {key} is not set here")
    return posture.allowed


def _describe_provider(posture: Posture) -> str:
    provider = posture.provider
    model = f", model {provider.model}" if provider.model else ""
    return f"{provider.name} ({provider.kind}{model})"


def _describe_posture(posture: Posture) -> str:
    if posture.provider.kind == "offline":
        return "local: nothing leaves this machine"
    retention = posture.provider.retention
    if retention.zero_retention != "verified":
        return "zero retention unverified"
    return f"zero retention verified on {retention.verified_on}: {retention.evidence}"


def _describe_scopes(posture: Posture) -> str:
    covered = ", ".join(posture.covered) or "none"
    missing = ", ".join(posture.missing) or "none"
    if posture.provider.kind == "offline":
        return f"{', '.join(posture.tenant.scopes)} (all stay local)"
    return f"covered: {covered}; missing: {missing}"
