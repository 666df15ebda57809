"""The offline drafter: a short reply stitched from the best precedent and doc passages.

No model, no network. Every sentence comes from a retrieved source and carries its marker;
when the evidence is weak it says so, and when nothing matches it reports a knowledge gap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from backend.drafting import TextSink, drafters
from backend.drafting.text import PLACEHOLDER, overlap, similar, uncovered, units, words
from backend.redaction import RedactedText
from backend.types import DraftText, Source

GAP_BELOW = 0.40  # cosine similarity under which a source is not evidence at all
WEAK_BELOW = 0.55  # best evidence under this is shown as weak
TICKET_SENTENCES = 4
DOC_SENTENCES = 3
DOC_SECTIONS = 3
CHATTER = re.compile(
    r"^(hi|hello|hey|dear|thanks|thank you|many thanks|best|kind regards|regards|cheers|"
    r"sorry|i'm sorry|apologies|i hope|hope this|let me know|have a|talk soon|"
    r"glad|happy to help|all the best|warm regards|sincerely)\b",
    re.IGNORECASE,
)
# Sentences that only point elsewhere in the article read oddly out of context.
SIGNPOST = re.compile(r"\b(these|the following|below|this (article|guide|page))\b", re.I)
# A precedent's own order, RMA or invoice number belongs to another customer's case.
CASE_ID = re.compile(r"\b[A-Z]{2,5}-[0-9A-Z]{2,}(?:-[0-9A-Z]+)*\b|\battached\b")
GREETING = "Hi there,"
HOLDING_REPLY = (
    "Thanks for getting in touch. I want to make sure you get an accurate answer, so I am "
    "checking this with the team and will follow up with you shortly."
)
CLOSING = "Let me know if anything is unclear and I will be glad to help."


@drafters.register("offline")
class OfflineDrafter:
    name = "offline"
    model = "extractive-1"
    streams = False  # the whole draft takes milliseconds, so it arrives ready

    def draft(
        self, question: RedactedText, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> DraftText:
        evidence = [s for s in sources if s.score >= GAP_BELOW]
        if not evidence:
            return self._knowledge_gap(sources)
        query = words(question.text)
        paragraphs = _paragraphs(query, sources, evidence)
        if not paragraphs:
            return self._knowledge_gap(sources)
        body = "\n\n".join([GREETING, *paragraphs, CLOSING])
        flags, notes = _confidence(question, evidence)
        return DraftText(body, tuple(sources), notes, flags, self.name, self.model)

    def _knowledge_gap(self, sources: Sequence[Source]) -> DraftText:
        best = max((s.score for s in sources), default=0.0)
        note = (
            "Knowledge gap: no resolved ticket or help-centre article matches this question "
            f"(closest match {best:.2f}). Write this reply yourself, and consider documenting "
            "the answer."
        )
        text = "\n\n".join([GREETING, HOLDING_REPLY])
        return DraftText(text, tuple(sources), (note,), ("knowledge_gap",), self.name, self.model)


def _paragraphs(query: set[str], sources: Sequence[Source], evidence: list[Source]) -> list[str]:
    """The best precedent's answer first, then the doc sentences closest to the question."""
    used: list[str] = []
    paragraphs = []
    best_ticket = next((s for s in evidence if s.kind == "ticket"), None)
    if best_ticket:
        chosen = _pick(query, best_ticket.answer, TICKET_SENTENCES, used)
        used.extend(chosen)
        if chosen:
            paragraphs.append(_cite(chosen, sources.index(best_ticket) + 1))
    docs = [s for s in evidence if s.kind == "doc"][:DOC_SECTIONS]
    picked = _best_doc_sentences(query, docs, used)
    for doc in docs:  # one paragraph per section, in retrieval order
        chosen = [sentence for source, sentence in picked if source is doc]
        if chosen:
            paragraphs.append(_cite(chosen, sources.index(doc) + 1))
    return paragraphs


def _cite(sentences: list[str], marker: int) -> str:
    return " ".join(sentences) + f" [{marker}]"


def _best_doc_sentences(
    query: set[str], docs: list[Source], used: list[str]
) -> list[tuple[Source, str]]:
    candidates = [
        (doc, sentence)
        for doc in docs
        for sentence in units(doc.answer)
        if _usable(sentence) and not any(similar(sentence, prior) for prior in used)
    ]
    ranked = sorted(candidates, key=lambda c: overlap(query, c[1]) + c[0].score, reverse=True)[
        :DOC_SENTENCES
    ]
    return [c for c in candidates if c in ranked]  # keep each section's own order


def _pick(query: set[str], text: str, count: int, used: list[str]) -> list[str]:
    candidates = [
        u for u in units(text) if _usable(u) and not any(similar(u, prior) for prior in used)
    ]
    ranked = sorted(candidates, key=lambda u: overlap(query, u), reverse=True)[:count]
    return [u for u in candidates if u in ranked]  # keep the source's own order


def _usable(sentence: str) -> bool:
    # Placeholders from another customer's ticket must never land in this reply.
    return (
        len(sentence.split()) >= 4
        and not CHATTER.match(sentence)
        and not PLACEHOLDER.search(sentence)
        and not sentence.rstrip().endswith(":")
        and not SIGNPOST.search(sentence)
        and not CASE_ID.search(sentence)
        and not sentence.startswith("|")  # a Markdown table row
    )


def _confidence(
    question: RedactedText, evidence: list[Source]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    flags: list[str] = []
    notes: list[str] = []
    best = max(s.score for s in evidence)
    subject = question.text.split("\n", 1)[0]
    missing = uncovered(subject, [s.text + " " + s.answer for s in evidence])
    if best < WEAK_BELOW:
        flags.append("weak_evidence")
        notes.append(
            f"Weak evidence: the closest precedent is only loosely related (similarity "
            f"{best:.2f}). Check every sentence against the cited sources before using it."
        )
    elif len(missing) * 2 > len(words(subject)) > 0:
        flags.append("weak_evidence")
        notes.append(
            "Weak evidence: the sources match the topic but not most of the subject line. "
            "Check every sentence against the cited sources before using it."
        )
    if missing:
        flags.append("uncovered_terms")
        quoted = ", ".join(f"'{w}'" for w in missing)
        notes.append(f"No source mentions {quoted}: answer that part of the question yourself.")
    return tuple(flags), tuple(notes)
