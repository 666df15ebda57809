"""The agent's view of a draft while a model streams it, written out at a steady pace.

Chunks from the model are redacted text; a placeholder such as ``<PERSON_1>`` may be split
across two chunks. ``StreamRestorer`` holds back a tail that may still become a placeholder,
so the text written never ends in half a placeholder: it is written with its placeholders
(nothing personal is stored) and restored when the agent reads it, and the restored text
(``text``) is what the gate checks. Writes are
throttled (a model sends dozens of chunks a second, each a database write otherwise); the
last text is written by ``flush`` when the stream ends. With ``withhold`` (the pipeline asks
the compliance gate), text that strays into a gated domain is taken back and the rest of
the stream is not shown: the agent reads such a draft only with the gate's decision.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from backend.redaction import Vault
from backend.redaction.vault import StreamRestorer

log = logging.getLogger(__name__)
WRITE_EVERY_SECONDS = 0.15
# A check of the text so far re-reads at least this many words before what has passed.
CHECK_OVERLAP_WORDS = 40
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def recent_paragraphs(text: str, checked: int, overlap_words: int = CHECK_OVERLAP_WORDS) -> str:
    """``text`` from the last paragraph that starts ``overlap_words`` or more before ``checked``.

    The first ``checked`` characters have passed the gate already. What a draft rule looks
    for (a directive within a few words of a topic, a term, a citation) sits within one
    sentence, so re-reading a paragraph-aligned overlap finds everything the new text adds.
    Cutting only at paragraph breaks never splits a name the redactor must see whole.
    """
    start = 0
    for match in PARAGRAPH_BREAK.finditer(text, 0, checked):
        if len(text[match.end() : checked].split()) >= overlap_words:
            start = match.end()
    return text[start:]


class RestoredStream:
    """A ``TextSink`` that hands ``write`` the text so far (placeholders), at most every
    interval."""

    def __init__(
        self,
        vault: Vault,
        write: Callable[[str], object],
        interval: float = WRITE_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        withhold: Callable[[str], bool] | None = None,
    ) -> None:
        self._vault, self._write, self._interval, self._clock = vault, write, interval, clock
        self._restorer = StreamRestorer(vault)
        self._text = ""
        self._written: str | None = None
        self._last = float("-inf")
        # Asked before each write with the text so far; once it says yes, what was shown is
        # taken back and nothing more is written (the finished draft goes to the gate).
        self._withhold = withhold
        self.withheld = False

    @property
    def text(self) -> str:
        """The restored text so far (what the next write carries, unless withheld)."""
        return self._text

    def __call__(self, chunk: str) -> None:
        self._text += self._restorer.feed(chunk)
        if self._clock() - self._last >= self._interval:
            self._save()

    def reset(self) -> None:
        """The model's attempt failed: what was shown is void, at once."""
        self._restorer = StreamRestorer(self._vault)
        self._text = ""
        self.withheld = False  # a new attempt is a new text, checked before it is shown
        self._save()

    def flush(self) -> None:
        """The stream has ended: restore and write whatever was held back."""
        self._text += self._restorer.flush()
        self._save()

    def _save(self) -> None:
        self._check()
        shown = "" if self.withheld else self._restorer.released
        # While withheld the empty text is written again at each interval: a write is what
        # renews the worker's lease on the draft while the model is still generating.
        if shown != self._written or self.withheld:
            self._write(shown)
            self._written = shown
        self._last = self._clock()

    def _check(self) -> None:
        if self.withheld or not self._text or self._withhold is None:
            return
        try:
            self.withheld = self._withhold(self._text)
        except Exception:  # the model is not to blame: its stream must go on
            log.exception("checking a streaming draft failed; its text is not shown")
            self.withheld = True
