"""What model drafters tell the model: the task, the tenant's tone, and the sources.

Everything here is built from ``RedactedText`` and redacted ``Source`` fields only, so a
prompt can carry placeholders such as ``<PERSON_1>`` but never the values behind them.
"""

from __future__ import annotations

from collections.abc import Sequence

from backend.redaction import RedactedText
from backend.types import Source

TASK = (
    "You draft a reply that a support agent will review, edit and send to a customer. "
    "Answer only from the sources you are given; when they do not cover something, say that "
    "the agent should check it instead of guessing. Keep it short: a greeting, the answer in "
    "a few plain sentences, a closing line. Never promise refunds, dates or outcomes the "
    "sources do not state. Placeholders such as <PERSON_1> or <EMAIL_ADDRESS_1> stand for the "
    "customer's details: keep them exactly as written, never invent a value for one."
)
MARKERS = (
    "The sources are numbered [1], [2], …. End every sentence that uses a source with that "
    "source's marker, e.g. 'Hold the button for ten seconds. [2]'. Cite only the numbers you "
    "were given and do not list the sources at the end."
)


def system_message(tone: str, cite_by_marker: bool) -> str:
    """The task, then how to cite (for models without native citations), then the tone."""
    parts = [TASK]
    if cite_by_marker:
        parts.append(MARKERS)
    if tone.strip():
        parts.append(f"House style for this team: {tone.strip()}")
    return "\n\n".join(parts)


def kind_label(source: Source) -> str:
    return "resolved ticket" if source.kind == "ticket" else "help-centre article"


def evidence(source: Source) -> str:
    """What the model may quote: the agent's resolution, or the article section."""
    return source.answer or source.text


def numbered_sources(sources: Sequence[Source]) -> str:
    """Sources as ``[n] title (kind)`` blocks, n counting from 1 as our markers do."""
    blocks = [
        f"[{n}] {source.title} ({kind_label(source)})\n{evidence(source)}"
        for n, source in enumerate(sources, start=1)
    ]
    return "\n\n".join(blocks)


def user_message(question: RedactedText, sources: Sequence[Source]) -> str:
    if not sources:
        return f"Customer's message:\n{question.text}"
    return f"Sources:\n\n{numbered_sources(sources)}\n\nCustomer's message:\n{question.text}"
