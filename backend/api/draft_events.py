"""A draft's progress as server-sent events, read by polling its row.

No broker or pub/sub is involved: the worker writes the text so far to the draft row
(``partial_text``, see backend/drafts/) and this stream compares each read with what it
last sent, so it works the same on the embedded and the production profile and behind any
number of web processes. Events::

    event: delta   data: {"text": "<text added since the last event>"}
    event: reset   data: {}   (the text shrank: an attempt failed, or the gate holds the
                               draft for its decision; drop what was shown)
    event: ready   data: <the draft, exactly as GET /api/v1/drafts/<id> returns it>
    event: failed  data: <the same>

The row holds the text with the ticket's placeholders; ``restore`` puts the values back
before a delta is sent (asked only when the stored text changed).

A comment line keeps idle connections open through proxies. After ``max_seconds`` the
stream ends without a final event and the client goes back to polling the draft.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from backend.models import Draft

FINAL = ("ready", "failed")
KEEP_ALIVE = ": keep-alive\n\n"


@dataclass(frozen=True)
class Pace:
    poll_seconds: float = 0.15
    keep_alive_seconds: float = 15.0
    max_seconds: float = 60.0


def frame(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def draft_events(
    read: Callable[[], Draft | None],
    as_json: Callable[[Draft], dict[str, Any]],
    pace: Pace = Pace(),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    restore: Callable[[str], str] = lambda text: text,
) -> Iterator[str]:
    """Frames for one draft until it is ready or failed, or ``pace.max_seconds`` pass."""
    stored = shown = ""
    started = quiet_since = clock()
    while True:
        draft = read()
        if draft is None:
            return  # gone (deleted) while we watched: nothing more to say
        if draft.status in FINAL:
            yield frame(draft.status, as_json(draft))
            return
        if (draft.partial_text or "") != stored:
            stored = draft.partial_text or ""
            text = restore(stored) if stored else ""
            yield from _changes(shown, text)
            shown, quiet_since = text, clock()
        elif clock() - quiet_since >= pace.keep_alive_seconds:
            quiet_since = clock()
            yield KEEP_ALIVE
        if clock() - started >= pace.max_seconds:
            yield ": stream time is up; poll the draft instead\n\n"
            return
        sleep(pace.poll_seconds)


def _changes(shown: str, partial: str) -> Iterator[str]:
    if partial == shown:
        return
    if not partial.startswith(shown):
        yield frame("reset", {})
        shown = ""
    if partial:
        yield frame("delta", {"text": partial[len(shown) :]})
