"""All the policies in force: loaded from a folder, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backend.gate import jurisdictions
from backend.gate.policy import Policy, load_policy
from backend.gate.rules import LoadContext
from backend.gate.schema import PolicyError
from backend.redaction import Redactor, redactors
from backend.retrieval import Embedder, Vectors

# YAML files in the policies folder that are configuration, not advice policies.
NOT_POLICIES = frozenset({"redaction.yaml"})


@dataclass(frozen=True)
class PolicySet:
    """Loaded policies and the embedder their similarity rules use."""

    policies: tuple[Policy, ...]
    embedder: Embedder | None = None

    def applicable(self, jurisdiction: str) -> list[Policy]:
        """The policies that cover a ticket from ``jurisdiction`` ("" = unknown: all)."""
        return [p for p in self.policies if jurisdictions.covers_any(p.jurisdictions, jurisdiction)]

    def versions(self) -> dict[str, str]:
        return {p.name: p.version for p in self.policies}


@dataclass
class Loader:
    """Loads policies with one embedder, redactor and example-vector cache."""

    embedder: Embedder | None = None
    redactor: Redactor | None = None
    cache_dir: Path | None = None
    cache: dict[str, Vectors] = field(default_factory=dict)

    def context(self, path: Path) -> LoadContext:
        if self.redactor is None and self.embedder is not None:
            self.redactor = redactors.get("patterns")()
        return LoadContext(
            base_dir=path.parent,
            embedder=self.embedder,
            redactor=self.redactor,
            cache=self.cache,
            cache_dir=self.cache_dir,
        )

    def load_file(self, path: Path) -> Policy:
        return load_policy(path, self.context(path))

    def load(self, directory: Path) -> PolicySet:
        """Every policy in ``directory``; one ``PolicyError`` lists the problems of all files."""
        return policy_set(self.load_each(policy_files(directory)), self.embedder)

    def load_each(self, paths: list[Path]) -> dict[Path, Policy | PolicyError]:
        """Each file's policy, or the error that keeps it from loading."""
        results: dict[Path, Policy | PolicyError] = {}
        for path in paths:
            try:
                results[path] = self.load_file(path)
            except PolicyError as exc:
                results[path] = exc
        return results


def policy_set(
    results: dict[Path, Policy | PolicyError], embedder: Embedder | None = None
) -> PolicySet:
    """All of ``results`` as one set, or one ``PolicyError`` listing every file's problems."""
    problems = [p for r in results.values() if isinstance(r, PolicyError) for p in r.problems]
    if problems:
        raise PolicyError(problems)
    return PolicySet(tuple(r for r in results.values() if isinstance(r, Policy)), embedder)


def policy_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise PolicyError([f"{directory}: policy folder not found"])
    paths = [p for p in sorted(directory.glob("*.yaml")) if p.name not in NOT_POLICIES]
    if not paths:
        hint = "".join(f"; {misnamed_problem(p)}" for p in misnamed_files(directory))
        raise PolicyError([f"{directory}: no policy files (*.yaml) found{hint}"])
    return paths


def misnamed_files(directory: Path) -> list[Path]:
    """``*.yml`` files, which the gate never loads: almost always a policy saved misnamed."""
    if not directory.is_dir():
        return []
    not_policies = {Path(name).stem for name in NOT_POLICIES}
    return [p for p in sorted(directory.glob("*.yml")) if p.stem not in not_policies]


def misnamed_problem(path: Path) -> str:
    return f"policies must end in .yaml; found {path.name} (rename it {path.stem}.yaml)"


def load_policies(
    directory: Path, embedder: Embedder | None = None, cache_dir: Path | None = None
) -> PolicySet:
    """Load every policy in ``directory`` (similarity rules need ``embedder``)."""
    return Loader(embedder=embedder, cache_dir=cache_dir).load(directory)
