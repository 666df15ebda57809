"""Signed checkpoints of each tenant's audit chain, kept outside the database.

A checkpoint says "tenant T's chain had N events and the last one hashed to H", signed with
the audit key. It is exported when it is made, as one JSON line appended to the checkpoint
file (``PRECEDENT_AUDIT_CHECKPOINT_FILE``) and logged (``audit checkpoint {...}`` at INFO).
``precedent audit`` checks the chain against every checkpoint it is given: a chain now shorter
than a checkpoint lost its tail; a different hash at a checkpoint's position was rewritten.
The file also accepts log lines, so checkpoints collected from a log sink verify as well.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("backend.audit")
LOG_PREFIX = "audit checkpoint "
PENDING = "precedent_audit_checkpoints"  # key in Session.info
LISTENING = "precedent_audit_listening"


@dataclass(frozen=True)
class Checkpoint:
    tenant: str  # slug
    count: int  # events in the chain up to and including the head
    head: str  # hash of the chain's event number ``count``
    at: str  # when the checkpoint was made, ISO 8601 UTC
    mac: str = ""

    def signed_by(self, key: bytes) -> bool:
        return hmac.compare_digest(self.mac, _mac(key, self))

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def sign(key: bytes, tenant: str, count: int, head: str) -> Checkpoint:
    at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    unsigned = Checkpoint(tenant, count, head, at)
    return Checkpoint(tenant, count, head, at, _mac(key, unsigned))


def export(checkpoint: Checkpoint, path: Path | None) -> None:
    """Log the checkpoint and append it to the file; a file that cannot be written is logged."""
    log.info("%s%s", LOG_PREFIX, checkpoint.line())
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(checkpoint.line() + "\n")
    except OSError as exc:
        log.error("audit checkpoint not written to %s: %s", path.name, exc.strerror or exc)


def export_after_commit(session: Session, checkpoint: Checkpoint, path: Path | None) -> None:
    """Export once the caller's transaction commits: never a checkpoint of a rolled-back event."""
    session.info.setdefault(PENDING, []).append((checkpoint, path))
    if not session.info.get(LISTENING):
        session.info[LISTENING] = True
        event.listen(session, "after_commit", _export_pending)
        event.listen(session, "after_rollback", _drop_pending)


def _export_pending(session: Session) -> None:
    for checkpoint, path in session.info.pop(PENDING, []):
        export(checkpoint, path)


def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


def read(path: Path) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in a checkpoint file or a log, and one problem per unreadable line."""
    found: list[Checkpoint] = []
    problems: list[str] = []
    if not path.is_file():
        return found, problems
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if not (text.startswith("{") or LOG_PREFIX in text):
                continue  # another log line
            checkpoint = _parse(text[text.index("{") :] if "{" in text else "")
            if checkpoint is None:
                problems.append(f"{path.name}:{number}: not a readable audit checkpoint")
            else:
                found.append(checkpoint)
    return found, problems


def problems(
    checkpoints: list[Checkpoint], tenant: str, hashes: list[str], key: bytes
) -> list[str]:
    """What the tenant's checkpoints say is wrong with its chain (``hashes`` in order)."""
    found = []
    mine = [c for c in checkpoints if c.tenant == tenant]
    for checkpoint in mine:
        if not checkpoint.signed_by(key):
            found.append(
                f"checkpoint of {checkpoint.at} (event {checkpoint.count}): its signature does "
                "not match; it was altered, forged or signed with another audit key"
            )
        elif checkpoint.count <= len(hashes) and hashes[checkpoint.count - 1] != checkpoint.head:
            found.append(
                f"event {checkpoint.count} of the chain differs from the checkpoint of "
                f"{checkpoint.at}: the chain was rewritten"
            )
    signed = [c for c in mine if c.signed_by(key)]
    longest = max(signed, key=lambda c: c.count, default=None)
    if longest is not None and longest.count > len(hashes):
        found.append(
            f"the chain has {len(hashes)} events but the checkpoint of {longest.at} saw "
            f"{longest.count}: events were deleted from its end"
        )
    return found


def _mac(key: bytes, checkpoint: Checkpoint) -> str:
    body = {k: v for k, v in asdict(checkpoint).items() if k != "mac"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, b"checkpoint\0" + canonical.encode(), hashlib.sha256).hexdigest()


def _parse(text: str) -> Checkpoint | None:
    try:
        data: Any = json.loads(text)
        checkpoint = Checkpoint(**data)
    except (ValueError, TypeError):
        return None
    fields = (checkpoint.tenant, checkpoint.head, checkpoint.at, checkpoint.mac)
    if not all(isinstance(f, str) for f in fields) or not isinstance(checkpoint.count, int):
        return None
    return checkpoint if checkpoint.count >= 1 else None
