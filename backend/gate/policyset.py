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
        paths = policy_files(directory)
        problems: list[str] = []
        loaded = []
        for path in paths:
            try:
                loaded.append(self.load_file(path))
            except PolicyError as exc:
                problems += exc.problems
        if problems:
            raise PolicyError(problems)
        return PolicySet(tuple(loaded), self.embedder)


def policy_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise PolicyError([f"{directory}: policy folder not found"])
    paths = [p for p in sorted(directory.glob("*.yaml")) if p.name not in NOT_POLICIES]
    if not paths:
        raise PolicyError([f"{directory}: no policy files (*.yaml) found"])
    return paths


def load_policies(
    directory: Path, embedder: Embedder | None = None, cache_dir: Path | None = None
) -> PolicySet:
    """Load every policy in ``directory`` (similarity rules need ``embedder``)."""
    return Loader(embedder=embedder, cache_dir=cache_dir).load(directory)
