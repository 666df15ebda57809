"""Hot reload: the policies in force follow the files, and a broken edit never replaces them."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from backend.gate.decision import GateDecision
from backend.gate.evaluate import evaluate
from backend.gate.policy import Policy
from backend.gate.policyset import Loader, PolicySet, misnamed_files, policy_files, policy_set
from backend.gate.schema import PolicyError
from backend.gate.status import (
    Loaded,
    PolicyAlert,
    PolicyStatus,
    hold,
    missing_domains,
    shown,
)
from backend.redaction import RedactedText
from backend.retrieval import Embedder, Vectors

log = logging.getLogger(__name__)

Listener = Callable[[PolicyAlert], None]


class PolicyStore:
    """The policies of one folder, reloaded when a file in it changes.

    A valid edit takes effect on the next evaluation, without a restart. An invalid one is
    kept in ``last_error`` and the running version stays in force. ``check_every`` seconds
    limits how often the folder is looked at (0: always).

    A ``required`` domain with no policy in force (file deleted, renamed ``.yml``, declaring
    another domain) fails closed: every decision gates it, saying why. Each distinct problem
    is logged once at ERROR and handed to each of ``listeners`` once (the app audits it);
    ``status()`` lists them all, file by file.
    """

    def __init__(
        self,
        directory: Path,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        check_every: float = 0.0,
        required: Iterable[str] = (),
        listeners: Iterable[Listener] = (),
    ) -> None:
        self.directory = directory
        self.check_every = check_every
        self.required = tuple(required)
        self.last_error: PolicyError | None = None
        self._listeners = tuple(listeners)
        self._loader = Loader(embedder=embedder, cache_dir=cache_dir)
        self._current: PolicySet | None = None
        self._loaded: Loaded | None = None
        self._alerts: dict[str, PolicyAlert] = {}
        self._fingerprint = ""
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> PolicySet:
        """The policies in force; raises ``PolicyError`` only if none ever loaded."""
        self._maybe_refresh()
        if self._current is None:
            assert self.last_error is not None
            raise self.last_error
        return self._current

    def evaluate(
        self,
        ticket: RedactedText,
        draft: RedactedText | None = None,
        jurisdiction: str = "",
        *,
        vectors: Mapping[str, Vectors] | None = None,
    ) -> GateDecision:
        """``gate.evaluate`` with the policies in force; missing required domains gated."""
        decision = evaluate(self.current(), ticket, draft, jurisdiction, vectors=vectors)
        loaded = self._loaded
        return hold(decision, loaded.missing) if loaded else decision

    def version(self) -> str:
        """What decisions are made with now: a hash of the versions in force and of the
        required domains held for want of a policy; "unloaded" while none ever loaded.

        Part of a draft's version (backend/drafts/version.py): a policy edit makes a ticket's
        draft stale, as a new customer message does.
        """
        try:
            versions = self.current().versions()
        except PolicyError:
            return "unloaded"
        missing = sorted(self._loaded.missing) if self._loaded else []
        shown = json.dumps([sorted(versions.items()), missing])
        return hashlib.sha256(shown.encode()).hexdigest()[:16]

    def status(self) -> PolicyStatus:
        """Each policy file's loaded version and state on disk, and every problem."""
        self._maybe_refresh()
        assert self._loaded is not None
        return self._loaded.status(self.required)

    def _maybe_refresh(self) -> None:
        if time.monotonic() - self._checked < self.check_every:
            return
        fresh, gone = self._refresh()
        for alert in gone:
            log.info("policy problem resolved: %s", alert.message)
        for alert in fresh:
            log.error("%s", alert.message)
            for listener in self._listeners:  # outside the lock: a listener may be slow
                listener(alert)

    def _refresh(self) -> tuple[list[PolicyAlert], list[PolicyAlert]]:
        """Reload if a file changed; the problems that are new, and those now gone."""
        with self._lock:
            self._checked = time.monotonic()
            fingerprint = self._fingerprint_now()
            if fingerprint == self._fingerprint:
                return [], []
            self._fingerprint = fingerprint
            self._loaded = self._load()
            alerts = {a.key(): a for a in self._loaded.alerts()}
            fresh = [a for key, a in alerts.items() if key not in self._alerts]
            gone = [a for key, a in self._alerts.items() if key not in alerts]
            self._alerts = alerts
            return fresh, gone

    def _load(self) -> Loaded:
        folder_error: PolicyError | None = None
        results: dict[Path, Policy | PolicyError] = {}
        try:
            results = self._loader.load_each(policy_files(self.directory))
            self._current = policy_set(results, self._loader.embedder)
            self.last_error = None
        except PolicyError as exc:  # the folder or a file: the running version stays
            folder_error = None if results else exc
            self.last_error = exc
        running = self._current.policies if self._current else None
        return Loaded(
            directory=self.directory,
            results=results,
            folder_error=folder_error,
            misnamed=tuple(misnamed_files(self.directory)),
            running=self._current,
            missing=self._missing(running) if running else {},
        )

    def _missing(self, running: Iterable[Policy]) -> dict[str, str]:
        missing = missing_domains(self.required, running, self.directory)
        return {domain: shown(reason, self.directory) for domain, reason in missing.items()}

    def _fingerprint_now(self) -> str:
        digest = hashlib.sha256()
        if not self.directory.is_dir():
            return "missing"
        for path in sorted(self.directory.rglob("*")):
            digest.update(str(path).encode())
            if path.is_file():
                digest.update(_file_fingerprint(path))
        return digest.hexdigest()


def _file_fingerprint(path: Path) -> bytes:
    try:
        if path.suffix == ".yaml":  # small: hash the content, edits within a tick count
            return path.read_bytes()
        stat = path.stat()
        return f"{stat.st_mtime_ns}:{stat.st_size}".encode()
    except OSError as exc:  # unreadable or just deleted: the load reports it
        return f"unreadable:{exc.errno}".encode()
