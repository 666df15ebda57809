"""Hot reload: the policies in force follow the files, and a broken edit never replaces them."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from backend.gate.decision import GateDecision
from backend.gate.evaluate import evaluate
from backend.gate.policyset import Loader, PolicySet
from backend.gate.schema import PolicyError
from backend.redaction import RedactedText
from backend.retrieval import Embedder, Vectors


class PolicyStore:
    """The policies of one folder, reloaded when a file in it changes.

    A valid edit takes effect on the next evaluation, without a restart. An invalid one is
    kept in ``last_error`` (for the policy page and the logs) and the running version stays
    in force. ``check_every`` seconds limits how often the folder is looked at (0: always).
    """

    def __init__(
        self,
        directory: Path,
        embedder: Embedder | None = None,
        cache_dir: Path | None = None,
        check_every: float = 0.0,
    ) -> None:
        self.directory = directory
        self.check_every = check_every
        self.last_error: PolicyError | None = None
        self._loader = Loader(embedder=embedder, cache_dir=cache_dir)
        self._current: PolicySet | None = None
        self._fingerprint = ""
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> PolicySet:
        """The policies in force; raises ``PolicyError`` only if none ever loaded."""
        if time.monotonic() - self._checked >= self.check_every:
            self._refresh()
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
        """``gate.evaluate`` with the policies in force."""
        return evaluate(self.current(), ticket, draft, jurisdiction, vectors=vectors)

    def _refresh(self) -> None:
        with self._lock:
            self._checked = time.monotonic()
            fingerprint = self._fingerprint_now()
            if fingerprint == self._fingerprint:
                return
            self._fingerprint = fingerprint
            try:
                self._current = self._loader.load(self.directory)
                self.last_error = None
            except PolicyError as exc:
                self.last_error = exc

    def _fingerprint_now(self) -> str:
        digest = hashlib.sha256()
        if not self.directory.is_dir():
            return "missing"
        for path in sorted(self.directory.rglob("*")):
            if not path.is_file():
                continue
            digest.update(str(path).encode())
            if path.suffix == ".yaml":  # small: hash the content, edits within a tick count
                digest.update(path.read_bytes())
            else:
                stat = path.stat()
                digest.update(f"{stat.st_mtime_ns}:{stat.st_size}".encode())
        return digest.hexdigest()
