"""The zero-retention registry file, its error messages, and ``precedent providers check``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from backend.cli import cli
from backend.drafting import providers_file
from backend.drafting.offline import OfflineDrafter
from backend.drafting.providers_file import ProvidersFileError, parse_providers
from backend.drafting.router import ProviderRouter
from backend.errors import ConfigError


def docstring_example() -> str:
    doc = providers_file.__doc__ or ""
    block = doc.split("::\n\n", 1)[1].split("\n\nHere", 1)[0]
    return "\n".join(line[4:] for line in block.splitlines())


def test_the_documented_example_loads_and_refuses_the_tenant_it_says_it_refuses() -> None:
    registry = parse_providers(docstring_example(), "providers.yaml")
    demo, clinic = registry.posture("demo"), registry.posture("clinic")
    assert demo is not None and demo.allowed and demo.covered == ("pii",)
    assert clinic is not None and not clinic.allowed and clinic.missing == ("phi",)
    assert clinic.reason() == "'cohere-eu' is not verified for phi"
    assert registry.posture("someone-else") is None  # not listed: drafts offline


def problems(text: str) -> list[str]:
    with pytest.raises(ProvidersFileError) as error:
        parse_providers(text, "providers.yaml")
    return error.value.problems


VERIFIED = """\
    retention:
      zero_retention: verified
      evidence: DPA SEC-231
      verified_on: 2026-01-05
      scopes: [pii]
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "providers:\n  co:\n    kind: cohere\n    modle: command-a\n" + VERIFIED,
            [
                "providers.yaml:3:5 provider 'co': cohere needs 'model'",
                "providers.yaml:4:5 provider 'co': unknown key 'modle'. Valid keys are: "
                "api_key_env, backoff_seconds, base_url, breaker_cooldown_seconds, "
                "breaker_failures, kind, max_retries, model, retention, timeout_seconds",
            ],
        ),
        (
            "providers:\n  co: {kind: anthropic}\n",
            [
                "providers.yaml:2:14 provider 'co': 'kind' cannot be 'anthropic'. Valid values "
                "are: offline, cohere, openai-compatible"
            ],
        ),
        (
            "providers:\n  co:\n    kind: cohere\n    model: m\n"
            "    retention: {zero_retention: verified, scopes: [pii, ppi]}\n",
            [
                "providers.yaml:5:16 provider 'co' retention: 'verified' needs 'evidence' "
                "(where the proof is, e.g. the signed addendum)",
                "providers.yaml:5:16 provider 'co' retention: 'verified' needs 'verified_on' "
                "(the date it was checked)",
                "providers.yaml:5:57 provider 'co' retention: 'scopes' cannot be 'ppi'. Valid "
                "values are: biometric, children, pci, phi, pii",
            ],
        ),
        (
            "providers:\n  local: {kind: offline}\n  local: {kind: offline}\n"
            "tenants:\n  demo: {provider: cohere, scopes: [pii]}\n  demo: {provider: local}\n",
            [
                "providers.yaml:3:3 duplicate provider 'local'",
                "providers.yaml:5:20 tenant 'demo': unknown provider 'cohere'. Valid providers "
                "are: local",
                "providers.yaml:6:3 duplicate tenant 'demo'",
            ],
        ),
        (
            "providers:\n  co:\n    kind: openai-compatible\n    model: m\n"
            "    retention: {zero_retention: unverified}\n"
            "    verified_on: soon\n",
            [
                "providers.yaml:3:5 provider 'co': openai-compatible needs 'base_url'",
                "providers.yaml:6:5 provider 'co': unknown key 'verified_on'. Valid keys are: "
                "api_key_env, backoff_seconds, base_url, breaker_cooldown_seconds, "
                "breaker_failures, kind, max_retries, model, retention, timeout_seconds",
            ],
        ),
        (
            "providers:\n  co: {kind: offline, timeout_seconds: 0, max_retries: -1}\n",
            [
                "providers.yaml:2:40 provider 'co': 'timeout_seconds' must be more than 0",
                "providers.yaml:2:56 provider 'co': 'max_retries' cannot be negative",
            ],
        ),
        (
            "providers: [cohere]\n",
            ["providers.yaml:1:12 'providers' must be a mapping, not a list"],
        ),
        ("tenants: {}\n", ["providers.yaml:1:1 missing required key 'providers'"]),
        (
            "providers:\n  co: {kind: cohere\n",
            ["providers.yaml:3:1 not valid YAML: expected ',' or '}', but got '<stream end>'"],
        ),
    ],
    ids=[
        "misspelt-key",
        "unknown-kind",
        "verified-without-proof",
        "duplicates-and-unknown-provider",
        "openai-needs-base-url",
        "bad-tuning",
        "providers-not-a-mapping",
        "no-providers",
        "bad-yaml",
    ],
)
def test_when_the_file_is_wrong_then_every_problem_names_file_line_and_key(
    text: str, expected: list[str]
) -> None:
    assert problems(text) == expected


def test_when_a_key_is_pasted_instead_of_its_variable_name_then_the_error_never_repeats_it() -> (
    None
):
    found = problems(
        "providers:\n  co:\n    kind: cohere\n    model: m\n    api_key_env: sk-live-9f8e7d\n"
        + VERIFIED
    )
    assert found == [
        "providers.yaml:5:18 provider 'co': 'api_key_env' must be the NAME of an environment "
        "variable, such as COHERE_API_KEY (capital letters, digits and _); the key itself "
        "never goes in this file"
    ]
    assert "sk-live" not in " ".join(found)


def test_when_an_allowed_providers_key_is_not_set_then_start_up_names_the_variable() -> None:
    registry = parse_providers(docstring_example(), "providers.yaml")
    router = ProviderRouter(registry, OfflineDrafter(), environ={})
    with pytest.raises(ConfigError) as error:
        router.check_keys()
    assert error.value.message == (
        "provider 'cohere-eu': environment variable COHERE_API_KEY is not set (it holds the API "
        "key named by api_key_env in the providers file)"
    )


def check(*args: str) -> Result:
    return CliRunner().invoke(cli, ["providers", "check", *args], catch_exceptions=False)


def test_providers_check_reports_each_tenant_and_fails_when_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COHERE_API_KEY", "set-but-never-printed")
    path = tmp_path / "providers.yaml"
    path.write_text(docstring_example())
    result = check(str(path))
    assert result.exit_code == 1
    assert result.output == (
        f"{path}: 2 providers, 2 tenants\n"
        "clinic: REFUSED ('cohere-eu' is not verified for phi)\n"
        "  provider  cohere-eu (cohere, model command-a-03-2025)\n"
        "  posture   zero retention verified on 2026-01-05: Cohere zero data retention "
        "addendum, signed 2026-01-05 (SEC-231)\n"
        "  scopes    covered: pii; missing: phi\n"
        "demo: OK\n"
        "  provider  cohere-eu (cohere, model command-a-03-2025)\n"
        "  posture   zero retention verified on 2026-01-05: Cohere zero data retention "
        "addendum, signed 2026-01-05 (SEC-231)\n"
        "  scopes    covered: pii; missing: none\n"
        "Error: 1 of 2 tenants refused: clinic. They draft offline until their provider is "
        "verified for their data scopes; a refused embedder or reranker stops the deployment "
        "from starting.\n"
    )
    assert "set-but-never-printed" not in result.output


def test_providers_check_reports_the_vendor_embedder_and_reranker_per_tenant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "providers.yaml"
    path.write_text(docstring_example())
    monkeypatch.setenv("COHERE_API_KEY", "set")
    monkeypatch.setenv("PRECEDENT_PROVIDERS", str(path))
    monkeypatch.setenv("PRECEDENT_EMBEDDER", "cohere")
    monkeypatch.setenv("PRECEDENT_EMBED_PROVIDER", "cohere-eu")
    monkeypatch.setenv("PRECEDENT_RERANKER", "cohere")
    result = check(str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    clinic, demo = (
        lines.index("clinic: REFUSED ('cohere-eu' is not verified for phi)"),
        lines.index("demo: OK"),
    )
    refused = (
        "REFUSED (tenant 'clinic' (scopes: pii, phi) may not use PRECEDENT_EMBED_PROVIDER: "
        "'cohere-eu' is not verified for phi)"
    )
    assert lines[clinic + 4] == f"  embed     cohere-eu (model embed-v4.0): {refused}"
    assert lines[clinic + 5].startswith("  rerank    cohere-eu (model rerank-v3.5): REFUSED")
    assert lines[demo + 4 : demo + 6] == [
        "  embed     cohere-eu (model embed-v4.0): OK",
        "  rerank    cohere-eu (model rerank-v3.5): OK",
    ]


def test_providers_check_passes_when_every_tenant_is_covered(tmp_path: Path) -> None:
    path = tmp_path / "providers.yaml"
    path.write_text(docstring_example().split("  clinic:")[0])
    result = check(str(path))
    assert result.exit_code == 0
    assert "demo: OK\n" in result.output
    assert "  warning   environment variable COHERE_API_KEY is not set here\n" in result.output


def test_providers_check_lists_every_problem_of_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "providers.yaml"
    path.write_text("providers:\n  co: {kind: anthropic}\n  co2: {kind: offline, x: 1}\n")
    result = check(str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}:2:14 provider 'co': 'kind' cannot be 'anthropic'. Valid values are: offline, "
        "cohere, openai-compatible",
        f"{path}:3:24 provider 'co2': unknown key 'x'. Valid keys are: api_key_env, "
        "backoff_seconds, base_url, breaker_cooldown_seconds, breaker_failures, kind, "
        "max_retries, model, retention, timeout_seconds",
        f"Error: 2 problem(s) in {path}",
    ]


def test_providers_check_without_a_file_says_everything_drafts_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRECEDENT_DATA_DIR", str(tmp_path / "var"))
    result = check()
    assert result.exit_code == 0
    assert (
        result.output == "PRECEDENT_PROVIDERS is not set: every tenant drafts offline (no model).\n"
    )


def test_providers_check_has_help() -> None:
    result = CliRunner().invoke(cli, ["providers", "check", "--help"])
    assert result.exit_code == 0 and "retention posture" in result.output


def test_the_example_in_docs_providers_md_loads() -> None:
    page = (Path(__file__).parents[2] / "docs" / "providers.md").read_text()
    example = page.split("```yaml\n", 1)[1].split("```", 1)[0]
    registry = parse_providers(example, "docs/providers.md")
    demo = registry.posture("demo")
    assert demo is not None and demo.allowed and demo.tenant.tone == "Warm and brief."
