"""The offline drafter: a short reply stitched from the best precedent and doc passages.

No model, no network. Every sentence comes from a retrieved source and carries its marker;
when the evidence is weak it says so, and when nothing matches it reports a knowledge gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from backend.drafting import TextSink, drafters
from backend.drafting.standalone import (
    asks_for_given,
    fragment,
    leans_back,
    points_away,
    recounts_another_case,
    states_another_case,
    without_worked_examples,
)
from backend.drafting.text import PLACEHOLDER, Unit, overlap, parts, similar, uncovered, words
from backend.redaction import RedactedText
from backend.types import DraftText, Source, SourceKind

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
        paragraphs = _paragraphs(question.text, sources, evidence)
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


def _paragraphs(question: str, sources: Sequence[Source], evidence: list[Source]) -> list[str]:
    """The best precedent's answer first, then the doc sentences closest to the question."""
    query = words(question)
    said = Said(question)
    paragraphs = []
    best_ticket = next((s for s in evidence if s.kind == "ticket"), None)
    if best_ticket:
        answer = parts(without_worked_examples(best_ticket.answer))
        chosen = _pick(query, answer, TICKET_SENTENCES, said)
        said.draft.extend(chosen)
        if chosen:
            paragraphs.append(_cite(chosen, sources.index(best_ticket) + 1))
    docs = [s for s in evidence if s.kind == "doc"][:DOC_SECTIONS]
    picked = _best_doc_sentences(query, docs, said)
    said.draft.extend(sentence for _, sentence in picked)
    for doc in docs:  # one paragraph per section, in retrieval order
        chosen = [sentence for source, sentence in picked if source is doc]
        if chosen:
            paragraphs.append(_cite(chosen, sources.index(doc) + 1))
    return paragraphs


def _cite(sentences: list[str], marker: int) -> str:
    return " ".join(sentences) + f" [{marker}]"


@dataclass
class Said:
    """What the reader has at a point of the draft: their own message, the draft so far."""

    message: str
    draft: list[str] = field(default_factory=list)


def _best_doc_sentences(
    query: set[str], docs: list[Source], said: Said
) -> list[tuple[Source, str]]:
    """The ``DOC_SENTENCES`` best sentences over all sections, each kept in its section."""
    sections = {id(doc): parts(without_worked_examples(doc.answer)) for doc in docs}
    scored = [
        (overlap(query, unit.text) + doc.score, doc, i)
        for doc in docs
        for i, unit in enumerate(sections[id(doc)])
    ]
    chosen = _choose(
        [(doc, i) for _, doc, i in sorted(scored, key=lambda c: c[0], reverse=True)],
        lambda doc, i: sections[id(doc)],
        DOC_SENTENCES,
        said,
        "doc",
    )
    return [(doc, sections[id(doc)][i].text) for _, doc, i in scored if (doc, i) in chosen]


def _pick(query: set[str], found: list[Unit], count: int, said: Said) -> list[str]:
    ranked = sorted(range(len(found)), key=lambda i: overlap(query, found[i].text), reverse=True)
    chosen = _choose([(None, i) for i in ranked], lambda _, i: found, count, said, "ticket")
    return [unit.text for i, unit in enumerate(found) if (None, i) in chosen]


def _choose(
    ranked: list[tuple[Source | None, int]],
    units_of: Callable[[Source | None, int], list[Unit]],
    count: int,
    said: Said,
    kind: SourceKind,
) -> set[tuple[Source | None, int]]:
    """The best ``count`` units of ``kind`` sources that stand alone; one that leans on the
    sentence before it in its source is taken only when that sentence was taken (it then sits
    right before)."""
    chosen: set[tuple[Source | None, int]] = set()
    for source, i in ranked:
        if len(chosen) == count:
            break
        found = units_of(source, i)
        unit = found[i]
        before = [found[j].text for j in range(i) if (source, j) in chosen]
        context = " ".join([said.message, *said.draft, *before])
        usable = _usable(unit, context, said.message, kind)
        if not usable or any(similar(unit.text, s) for s in said.draft):
            continue
        if leans_back(unit, context) and (source, i - 1) not in chosen:
            continue
        chosen.add((source, i))
    return chosen


def _usable(unit: Unit, context: str, message: str, kind: SourceKind) -> bool:
    """``context``: what the reader has (message, draft so far); ``message``: theirs alone;
    ``kind``: the unit's source's, as a resolved ticket's reply speaks of that one case."""
    sentence = unit.text
    # Placeholders from another customer's ticket must never land in this reply.
    return (
        len(sentence.split()) >= 4
        and not CHATTER.match(sentence)
        and not PLACEHOLDER.search(sentence)
        and not SIGNPOST.search(sentence)
        and not CASE_ID.search(sentence)
        and not sentence.startswith("|")  # a Markdown table row
        and not points_away(sentence)
        and not fragment(unit)
        and not asks_for_given(sentence, context)  # the message is in the context
        # only the customer's own words bear out what they did, not the draft's
        and not recounts_another_case(sentence, message)
        and not (kind == "ticket" and states_another_case(sentence, message))
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
