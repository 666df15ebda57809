"""What the gate has in force, file by file, and what is wrong with the policy folder.

Read by ``/api/v1/health``, the admin API and ``precedent policies check``. Two kinds of
problem are reported, each once per distinct failure (``PolicyAlert``, for the log and the
audit trail):

- a policy file that does not load (``policy.load_failed``): the version already running
  stays in force;
- a required domain (``PRECEDENT_REQUIRED_POLICIES``) with no policy in force
  (``policy.missing``): the gate fails closed, every draft is held for review in that
  domain (``hold``) until a policy for it loads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from backend.errors import ConfigError
from backend.gate.decision import GateDecision, RuleHit
from backend.gate.policy import DOMAINS, Policy
from backend.gate.policyset import PolicySet, misnamed_problem
from backend.gate.schema import PolicyError


def missing_domains(
    required: Iterable[str], policies: Iterable[Policy], directory: Path
) -> dict[str, str]:
    """Each required domain no policy in ``policies`` covers, with why it is missing."""
    loaded = list(policies)
    covered = {p.domain for p in loaded}
    return {d: missing_reason(d, loaded, directory) for d in required if d not in covered}


def missing_reason(domain: str, policies: Iterable[Policy], directory: Path) -> str:
    """``policy for legal is missing: policies/legal.yaml not found`` (or why else)."""
    expected = directory / f"{domain}.yaml"
    other = next((p.domain for p in policies if p.path == expected), None)
    if (directory / f"{domain}.yml").is_file():
        why = f"policies must end in .yaml; found {domain}.yml"
    elif other:
        why = f"{expected} declares domain '{other}', not '{domain}'"
    elif expected.exists():
        why = f"{expected} does not load"
    else:
        why = f"{expected} not found"
    return f"policy for {domain} is missing: {why}"


def hold(decision: GateDecision, missing: Mapping[str, str]) -> GateDecision:
    """``decision`` with every missing required domain gated, and why (fail closed)."""
    if not missing:
        return decision
    domains = sorted(missing)
    hits = tuple(RuleHit(d, d, f"policy-for-{d}-is-missing", "missing_policy", ()) for d in domains)
    return replace(
        decision,
        domains=tuple(sorted({*decision.domains, *domains})),
        hits=decision.hits + hits,
        policy_versions={**{d: "missing" for d in domains}, **decision.policy_versions},
        held=decision.held + tuple(missing[d] for d in domains),
    )


def shown(text: str, directory: Path) -> str:
    """``text`` with an absolute policy folder shortened to its name: no server paths."""
    return text.replace(str(directory), directory.name) if directory.is_absolute() else text


@dataclass(frozen=True)
class PolicyAlert:
    """One policy problem: ``action`` is ``policy.load_failed`` or ``policy.missing``."""

    action: str
    subject: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def key(self) -> str:
        return json.dumps([self.action, self.subject, self.details], sort_keys=True)


@dataclass(frozen=True)
class FileStatus:
    """One policy file: the version in force from it, and what is on disk now.

    ``state`` is ``ok`` (the file on disk is in force), ``broken`` (it does not load:
    ``error``; the running version, if any, stays), ``missing`` (gone from disk; its running
    version stays until every file loads), ``not_loaded`` (valid, waiting for a broken file
    to be fixed: the folder loads all or nothing) or ``ignored`` (a ``.yml`` file).
    """

    file: str
    state: str
    domain: str | None = None
    loaded_version: str | None = None
    disk_version: str | None = None
    error: str | None = None

    def problem(self) -> str | None:
        running = f"the running version {self.loaded_version} stays in force"
        if self.state == "broken":
            keeps = running if self.loaded_version else "no version of it is in force"
            return f"{self.error} (not loaded; {keeps})"
        if self.state == "missing":
            return f"{self.file}: file not found; {running} until every policy file loads"
        if self.state == "ignored":
            return f"{self.file}: {self.error}"
        return None


@dataclass(frozen=True)
class PolicyStatus:
    """The policy folder as health and the admin API show it (paths shortened)."""

    directory: str
    required: tuple[str, ...]
    in_force: dict[str, str]
    files: tuple[FileStatus, ...]
    missing: dict[str, str]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        """One line per problem, for a compliance officer; empty when all is well."""
        lines = [self.error] if self.error else []
        lines += [p for p in (f.problem() for f in self.files) if p]
        if not self.in_force:
            lines.append("no policy is in force: drafting fails until the policy files load")
        held = (
            f"{reason}: every draft is held for {d} review" for d, reason in self.missing.items()
        )
        return lines + list(held)

    def summary(self) -> str:
        if self.ok:
            names = ", ".join(sorted(self.in_force))
            return f"{len(self.in_force)} policies in force ({names}) from {self.directory}"
        return "; ".join(self.problems())

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "degraded",
            "directory": self.directory,
            "required": list(self.required),
            "in_force": dict(self.in_force),
            "files": [asdict(f) for f in self.files],
            "missing": [{"domain": d, "reason": r} for d, r in self.missing.items()],
            "problems": self.problems(),
        }


@dataclass(frozen=True)
class Loaded:
    """One look at the policy folder: what each file gave and what is in force after it."""

    directory: Path
    results: Mapping[Path, Policy | PolicyError]
    folder_error: PolicyError | None
    misnamed: tuple[Path, ...]
    running: PolicySet | None
    missing: Mapping[str, str]

    def alerts(self) -> list[PolicyAlert]:
        """Every problem of this look, as an alert (the store reports only new ones)."""
        in_force = self._in_force()
        broken = [(p, r) for p, r in self.results.items() if isinstance(r, PolicyError)]
        broken += [(p, PolicyError([f"{p}: {misnamed_problem(p)}"])) for p in self.misnamed]
        if self.folder_error:
            broken.append((self.directory, self.folder_error))
        alerts = [self._failed(p, e, in_force.get(p)) for p, e in broken]
        return alerts + [self._missing(d, reason) for d, reason in sorted(self.missing.items())]

    def status(self, required: tuple[str, ...]) -> PolicyStatus:
        in_force = self._in_force()
        paths = sorted({*self.results, *in_force})
        files = [self._file(p, self.results.get(p), in_force.get(p)) for p in paths]
        files += [
            FileStatus(self._shown(p), "ignored", error=misnamed_problem(p)) for p in self.misnamed
        ]
        error = self.folder_error.problems[0] if self.folder_error else None
        return PolicyStatus(
            directory=self._shown(self.directory),
            required=required,
            in_force=self.running.versions() if self.running else {},
            files=tuple(files),
            missing={d: self._shown(r) for d, r in self.missing.items()},
            error=self._shown(error) if error else None,
        )

    def _in_force(self) -> dict[Path, Policy]:
        return {p.path: p for p in self.running.policies} if self.running else {}

    def _shown(self, text: str | Path) -> str:
        return shown(str(text), self.directory)

    def _file(
        self, path: Path, result: Policy | PolicyError | None, running: Policy | None
    ) -> FileStatus:
        file = self._shown(path)
        domain, loaded = (running.domain, running.version) if running else (None, None)
        if result is None:
            return FileStatus(file, "missing", domain, loaded)
        if isinstance(result, PolicyError):
            error = "; ".join(self._shown(p) for p in result.problems)
            return FileStatus(file, "broken", domain, loaded, error=error)
        state = "ok" if loaded == result.version else "not_loaded"
        return FileStatus(file, state, result.domain, loaded, result.version)

    def _failed(self, path: Path, error: PolicyError, running: Policy | None) -> PolicyAlert:
        file, problems = self._shown(path), [self._shown(p) for p in error.problems]
        line, column, message = position(problems[0], file)
        version = running.version if running else None
        keeps = f"its running version {version} stays in force" if version else "none is in force"
        details = {
            "file": file,
            "line": line,
            "column": column,
            "message": message,
            "problems": problems,
            "running_version": version,
        }
        text = f"policy file not loaded ({keeps}): {'; '.join(problems)}"
        return PolicyAlert("policy.load_failed", f"policy:{file}", text, details)

    def _missing(self, domain: str, reason: str) -> PolicyAlert:
        reason = self._shown(reason)
        details = {"domain": domain, "reason": reason}
        text = f"{reason}: every draft is held for {domain} review"
        return PolicyAlert("policy.missing", f"policy:{domain}", text, details)


def position(problem: str, file: str) -> tuple[int | None, int | None, str]:
    """Line, column and message of ``file:line:column message`` (or ``file: message``)."""
    found = re.match(rf"{re.escape(file)}:(\d+):(\d+) (.*)\Z", problem, re.DOTALL)
    if found:
        return int(found[1]), int(found[2]), found[3]
    return None, None, problem.removeprefix(f"{file}: ")


def required_policies(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The domains of ``REQUIRED_POLICIES`` (comma-separated); unknown ones stop start-up."""
    names = [n.strip() for n in str(config["REQUIRED_POLICIES"]).split(",") if n.strip()]
    unknown = [n for n in names if n not in DOMAINS]
    if unknown:
        raise ConfigError(
            f"PRECEDENT_REQUIRED_POLICIES: unknown domain '{unknown[0]}'. "
            f"Valid domains are: {', '.join(DOMAINS)} (empty: none required)"
        )
    return tuple(dict.fromkeys(names))
