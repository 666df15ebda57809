"""The providers file (``PRECEDENT_PROVIDERS``): model providers, their retention, and tenants.

Read like our policy files: YAML that keeps positions and rejects duplicate keys, then each
mapping against its schema, then the checks that span keys. Every problem in the file is
listed with ``file:line:column`` before anything is used::

    providers:
      cohere-eu:
        kind: cohere
        model: command-a-03-2025
        api_key_env: COHERE_API_KEY
        retention:
          zero_retention: verified
          evidence: "Cohere zero data retention addendum, signed 2026-01-05 (SEC-231)"
          verified_on: 2026-01-05
          scopes: [pii]
      azure-gpt:
        kind: openai-compatible
        model: gpt-4o-mini
        base_url: https://acme.openai.azure.com/openai/v1
        api_key_env: AZURE_OPENAI_KEY
        retention: {zero_retention: unverified}
    tenants:
      demo: {provider: cohere-eu, scopes: [pii], tone: "Warm and brief; no exclamation marks."}
      clinic: {provider: cohere-eu, scopes: [pii, phi]}

Here ``clinic`` is refused (Cohere is not verified for ``phi``) and drafts offline; tenants
not listed draft offline too. ``api_key_env`` names the environment variable holding the key,
never the key. ``timeout_seconds`` (20), ``max_retries`` (2), ``backoff_seconds`` (0.5),
``breaker_failures`` (5) and ``breaker_cooldown_seconds`` (60) tune failure behaviour; keep
``timeout_seconds * (max_retries + 1)`` well under ``PRECEDENT_DRAFT_LEASE_SECONDS``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from backend.drafting.providers import (
    REMOTE_KINDS,
    SCOPES,
    Provider,
    ProviderRegistry,
    Retention,
    TenantProfile,
)
from backend.errors import ConfigError
from backend.yamlfile.marked import MarkedMap
from backend.yamlfile.report import parse_mapping, rendered, summary
from backend.yamlfile.schema import Field, Problem, check

KINDS = ("offline", *REMOTE_KINDS)
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
TUNING = (
    "timeout_seconds",
    "max_retries",
    "backoff_seconds",
    "breaker_failures",
    "breaker_cooldown_seconds",
)
T = TypeVar("T")


def _iso_date(value: Any) -> str | None:
    if isinstance(value, datetime.date):
        return None
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return "'verified_on' must be a date written as YYYY-MM-DD"
    return None


def _env_name(value: Any) -> str | None:
    if ENV_NAME.match(str(value)):
        return None
    # Never echo the value: someone may have pasted the key itself here.
    return (
        "'api_key_env' must be the NAME of an environment variable, such as COHERE_API_KEY "
        "(capital letters, digits and _); the key itself never goes in this file"
    )


def _above_zero(key: str) -> Callable[[Any], str | None]:
    return lambda value: None if value > 0 else f"'{key}' must be more than 0"


def _not_negative(key: str) -> Callable[[Any], str | None]:
    return lambda value: None if value >= 0 else f"'{key}' cannot be negative"


TOP_SCHEMA = {"providers": Field(dict, required=True), "tenants": Field(dict)}
PROVIDER_SCHEMA = {
    "kind": Field(str, required=True, choices=KINDS),
    "model": Field(str),
    "base_url": Field(str),
    "api_key_env": Field(str, check=_env_name),
    "retention": Field(dict),
    "timeout_seconds": Field(float, check=_above_zero("timeout_seconds")),
    "max_retries": Field(int, check=_not_negative("max_retries")),
    "backoff_seconds": Field(float, check=_not_negative("backoff_seconds")),
    "breaker_failures": Field(int, check=_above_zero("breaker_failures")),
    "breaker_cooldown_seconds": Field(float, check=_above_zero("breaker_cooldown_seconds")),
}
RETENTION_SCHEMA = {
    "zero_retention": Field(str, required=True, choices=("unverified", "verified")),
    "evidence": Field(str),
    "verified_on": Field(object, check=_iso_date),
    "scopes": Field(list, item=str, choices=SCOPES),
}
TENANT_SCHEMA = {
    "provider": Field(str, required=True),
    "scopes": Field(list, required=True, item=str, choices=SCOPES),
    "tone": Field(str),
}


class ProvidersFileError(ConfigError):
    """The providers file cannot be used; ``problems`` lists everything found."""

    code = "bad_providers_file"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(summary(problems))
        self.problems = problems


EMPTY = ProviderRegistry({}, {})


def load_providers(path: str | Path) -> ProviderRegistry:
    """Read and validate the providers file; raises ``ProvidersFileError`` listing every problem."""
    if not str(path):
        return EMPTY
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProvidersFileError([f"{path}: cannot read the file ({exc.strerror})"]) from None
    return parse_providers(text, str(path))


def parse_providers(text: str, name: str) -> ProviderRegistry:
    expected = f"expected a mapping with the keys: {_keys()}"
    data = parse_mapping(text, name, expected, ProvidersFileError)
    problems = check(data, TOP_SCHEMA)
    if problems:
        raise ProvidersFileError([p.render(name) for p in problems])
    providers = _named(data, "providers", _provider_problems, _provider, problems)
    tenants = _named(data, "tenants", _tenant_problems, _tenant, problems)
    problems += _unknown_providers(data)
    if problems:
        raise ProvidersFileError(rendered(problems, name))
    return ProviderRegistry(providers, tenants, name)


def _named(
    data: MarkedMap,
    key: str,
    problems_of: Callable[[str, MarkedMap], list[Problem]],
    build: Callable[[str, MarkedMap], T],
    problems: list[Problem],
) -> dict[str, T]:
    """Each entry of ``data[key]``: its problems collected, built only when it has none."""
    section = _section(data, key)
    noun = key.rstrip("s")
    built = {}
    for name, node in section.items():
        if not isinstance(node, MarkedMap):
            problems.append(Problem(section.at(name), f"{noun} '{name}': expected a mapping"))
            continue
        found = problems_of(name, node)
        problems += found
        if not found:
            built[name] = build(name, node)
    problems += [Problem(d.where, f"duplicate {noun} '{d.key}'") for d in section.duplicates]
    return built


def _provider_problems(name: str, node: MarkedMap) -> list[Problem]:
    found = _labelled(f"provider '{name}'", check(node, PROVIDER_SCHEMA))
    if isinstance(node.get("retention"), MarkedMap):
        found += _retention_problems(name, node["retention"])
    if node.get("kind") in REMOTE_KINDS:
        needed = ["model", "retention"] + (["base_url"] if node["kind"] != "cohere" else [])
        found += [
            Problem(node.where, f"provider '{name}': {node['kind']} needs '{key}'")
            for key in needed
            if key not in node
        ]
    return found


def _retention_problems(name: str, body: MarkedMap) -> list[Problem]:
    found = _labelled(f"provider '{name}' retention", check(body, RETENTION_SCHEMA))
    if body.get("zero_retention") == "verified":
        # 'verified' is a claim a compliance officer must be able to check.
        found += [
            Problem(body.where, f"provider '{name}' retention: 'verified' needs '{key}' ({why})")
            for key, why in (
                ("evidence", "where the proof is, e.g. the signed addendum"),
                ("verified_on", "the date it was checked"),
                ("scopes", f"the data it covers, from: {', '.join(SCOPES)}"),
            )
            if not body.get(key)
        ]
    return found


def _tenant_problems(name: str, node: MarkedMap) -> list[Problem]:
    return _labelled(f"tenant '{name}'", check(node, TENANT_SCHEMA))


def _provider(name: str, node: MarkedMap) -> Provider:
    tuning = {key: node[key] for key in TUNING if key in node}
    return Provider(
        name,
        node["kind"],
        node.get("model", ""),
        node.get("base_url", ""),
        node.get("api_key_env", ""),
        _retention(node.get("retention")),
        **tuning,
    )


def _retention(body: MarkedMap | None) -> Retention:
    if body is None:
        return Retention()  # only offline providers may leave it out
    scopes = tuple(body.get("scopes", ()))
    evidence, verified_on = body.get("evidence", ""), str(body.get("verified_on", ""))
    return Retention(body["zero_retention"], evidence, verified_on, scopes)


def _tenant(name: str, node: MarkedMap) -> TenantProfile:
    return TenantProfile(name, node["provider"], tuple(node["scopes"]), node.get("tone", ""))


def _unknown_providers(data: MarkedMap) -> list[Problem]:
    declared = _section(data, "providers")
    valid = ", ".join(sorted(declared)) or "(none declared)"
    return [
        Problem(
            node.at("provider"),
            f"tenant '{name}': unknown provider '{node['provider']}'. Valid providers are: {valid}",
        )
        for name, node in _section(data, "tenants").items()
        if isinstance(node, MarkedMap)
        and isinstance(node.get("provider"), str)
        and node["provider"] not in declared
    ]


def _labelled(label: str, problems: list[Problem]) -> list[Problem]:
    return [Problem(p.where, f"{label}: {p.message}") for p in problems]


def _section(data: MarkedMap, key: str) -> MarkedMap:
    value = data.get(key)
    return value if isinstance(value, MarkedMap) else MarkedMap.empty()


def _keys() -> str:
    return ", ".join(TOP_SCHEMA)
