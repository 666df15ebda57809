"""Citation check: every marker in a draft must point at a source retrieved for it."""

from __future__ import annotations

import re

from backend.types import Citation, DraftText, VerifiedDraft

# "[2]" or a list such as "[1, 3]" (models write both; the sidebar renders both as badges).
MARKER = re.compile(r"\s?\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


def verify(draft: DraftText) -> VerifiedDraft:
    """Drop markers that point nowhere; renumber the rest 1, 2, … in reading order."""
    renumbered: dict[int, int] = {}
    dropped = False

    def replace(match: re.Match[str]) -> str:
        nonlocal dropped
        kept: list[int] = []
        for index in (int(n) for n in match.group(1).split(",")):
            if not 1 <= index <= len(draft.sources):
                dropped = True
                continue
            renumbered.setdefault(index, len(renumbered) + 1)
            if renumbered[index] not in kept:
                kept.append(renumbered[index])
        return f" [{', '.join(map(str, kept))}]" if kept else ""

    text = MARKER.sub(replace, draft.text)
    citations = tuple(
        Citation(marker, draft.sources[index - 1]) for index, marker in renumbered.items()
    )
    flags = draft.flags + (("unsupported_citation_removed",) if dropped else ())
    return VerifiedDraft(
        text, citations, draft.notes, flags, draft.provider, draft.model, draft.verification
    )
