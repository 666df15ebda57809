"""Labelled texts for the advice model, read by path from a data folder and the policies.

Each source yields ``Example`` rows: the text, whether it is a ticket or a draft, its
subject (one of ``LABELS``, or None where the source does not say), its act (1 advice,
0 service or statement, None unknown) and a group used to hold out a topic inside a source.
Sources missing from the data folder are skipped, so a compliance officer can retrain from
the policies' own examples alone. Nothing here is copied into the project: texts are read
at training time and only the weights they produce are shipped.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from backend.gate.rules.similarity import read_examples

csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class Example:
    source: str
    id: str
    text: str
    role: str  # ticket | draft
    domain: str | None  # one of LABELS, or None: unknown
    act: int | None  # 1 asks for / gives advice, 0 service or statement, None unknown
    group: str = ""


@dataclass(frozen=True)
class SourceSpec:
    name: str
    path: str  # relative to the data folder (or the policies folder for our own examples)
    kind: str  # positive | service | statement | draft | report
    read: Callable[[Path], Iterator[Example]]


def _csv(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def _jsonl(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _legal(path: Path) -> Iterator[Example]:
    for row in _csv(path):
        topic = row["positive_topics"].split("|")[0] or "untagged"
        yield Example("learned_hands", row["text"][:64], row["text"], "ticket", "legal", 1, topic)


def _medquad(path: Path) -> Iterator[Example]:
    for row in _csv(path):
        yield Example("medquad", row["qid"], row["question"], "ticket", "medical", 1)


FIQA_TOPICS = (
    ("tax", re.compile(r"\btax|\birs\b|deduct|write.?off|w-?[24]\b|1099", re.I)),
    ("retirement", re.compile(r"retire|401|\bira\b|roth|pension|annuit", re.I)),
    ("credit", re.compile(r"loan|mortgage|credit|debt|interest rate|refinanc|card", re.I)),
    (
        "investing",
        re.compile(r"stock|share|fund|etf|invest|dividend|bond|option|trad|broker", re.I),
    ),
    ("business", re.compile(r"business|company|llc|self.?employ|startup|corporat", re.I)),
)


def _fiqa(path: Path) -> Iterator[Example]:
    for row in _csv(path, "\t"):
        text = row["question"]
        topic = next((name for name, p in FIQA_TOPICS if p.search(text)), "other")
        yield Example("fiqa", row["qid"], text, "ticket", "financial", 1, topic)


def _insuranceqa(path: Path) -> Iterator[Example]:
    for row in _csv(path):
        text = row["question"]
        yield Example("insuranceqa", text, text, "ticket", "insurance", 1, row["domain"])


def _curai(path: Path) -> Iterator[Example]:
    for row in _jsonl(path):
        yield Example("curai", row["text"], row["text"], "ticket", "medical", 1, row["origin"])


def _meqsum(path: Path) -> Iterator[Example]:
    for row in _jsonl(path):
        yield Example("meqsum", row["file"], row["chq"], "ticket", "medical", 1)


def _medicationqa(path: Path) -> Iterator[Example]:
    for row in _jsonl(path):
        text = row["text"]
        yield Example("medicationqa", text, text, "ticket", "medical", 1, row["question_type"])


def _healthsearchqa(path: Path) -> Iterator[Example]:
    for row in _jsonl(path):
        yield Example("healthsearchqa", row["text"], row["text"], "ticket", "medical", 1)


def _banking77(path: Path) -> Iterator[Example]:
    for name in ("train.csv", "test.csv"):
        for row in _csv(path / name):
            text = row["text"]
            yield Example("banking77", text, text, "ticket", "financial", 0, row["category"])


CLINC_DOMAINS = {"banking": "financial", "credit_cards": "financial"}
CLINC_WORK = {"insurance": "insurance", "insurance_change": "insurance", "taxes": "financial"}
CLINC_WORK |= {"w2": "financial", "rollover_401k": "financial"}
CLINC_WORK |= {"improve_credit_score": "financial", "vaccines": "medical"}
ACTS = {"service": 0, "service_mentions_advice": 0, "advice_like": 1}


def _clinc150(path: Path) -> Iterator[Example]:
    for row in _jsonl(path):
        domain = CLINC_WORK.get(row["intent"]) or CLINC_DOMAINS.get(row["domain"], "other")
        act = ACTS.get(row["gate_hint"])
        if row["gate_hint"] == "borderline":
            continue
        text = row["text"]
        yield Example("clinc150", text, text, "ticket", domain, act, row["domain"])


DSTC_DOMAINS = {"insurance": "insurance", "banking": "financial", "finance": "financial"}


def _dstc11(path: Path) -> Iterator[Example]:
    for row in _jsonl(path):
        if row["gate_hint"] in ACTS:
            domain = DSTC_DOMAINS[row["domain"]]
            act = ACTS[row["gate_hint"]]
            text = row["text"]
            yield Example("dstc11", row["utterance_id"], text, "ticket", domain, act, row["domain"])


def _hint3(path: Path) -> Iterator[Example]:
    for row in _jsonl(path):
        if row["gate_hint"] in ACTS:
            act = ACTS[row["gate_hint"]]
            text = row["text"]
            yield Example("hint3", text, text, "ticket", "medical", act, row["intent"])


BITEXT = "Bitext_Sample_Customer_Support_Training_Dataset_4514_with_entities.csv"


def _bitext(path: Path) -> Iterator[Example]:
    for row in _csv(path / BITEXT):
        key = row["instruction"]
        yield Example("bitext", key, key, "ticket", "other", 0, row["category"])
        yield Example("bitext_replies", key, row["response"], "draft", "other", 0, row["category"])


def _tobi(path: Path) -> Iterator[Example]:
    for file in sorted(path.glob("*.csv")):
        for row in _csv(file):
            if row["language"] != "en":
                continue
            ticket = f"{row['subject']}\n{row['body']}".strip()
            yield Example("tobi_bueck", ticket[:64], ticket, "ticket", "other", 0, row["queue"])
            yield Example("tobi_replies", ticket[:64], row["answer"], "draft", "other", 0)


def _reddit(path: Path) -> Iterator[Example]:
    for file in sorted(path.glob("*.tsv")):
        for row in _csv(file, "\t"):
            act = int(row["Majority_label"])
            name = "reddit_advice" if act else "reddit_statements"
            yield Example(
                name, row["ID"], row["Sentence"], "draft", None, act, row.get("Flair") or ""
            )


def _own_examples(path: Path) -> Iterator[Example]:
    """The policies' own examples: tickets that ask and drafts that give, per domain, and
    service tickets and replies that do neither."""
    for domain in ("legal", "medical", "financial", "insurance"):
        yield from _lines(path / "examples" / domain / "positives.txt", "ticket", domain, 1)
        yield from _lines(path / "examples" / domain / "drafts.txt", "draft", domain, 1)
    yield from _lines(path / "examples" / "support" / "negatives.txt", "ticket", "other", 0)
    yield from _lines(path / "examples" / "support" / "replies.txt", "draft", "other", 0)


def _lines(file: Path, role: str, domain: str, act: int) -> Iterator[Example]:
    if file.is_file():
        for line in read_examples(file):
            yield Example("precedent_examples", line, line, role, domain, act, domain)


_LEGAL = "legalbench_learned_hands/learned_hands_union_dedup.csv"
_CURAI = "curai_medical_question_pairs/mqp_questions_unique.jsonl"
_MEQSUM = "meqsum_consumer_health_questions/meqsum_chq.jsonl"
_MEDICATIONQA = "medicationqa_consumer_questions/medicationqa_questions.jsonl"
_INSURANCEQA = "insuranceqa_v2/insuranceqa_v2_questions_decoded.csv"
_HEALTHSEARCH = "healthsearchqa_questions/healthsearchqa_questions.jsonl"
_CLINC = "clinc150_regulated_service_intents/clinc150_selected.jsonl"
_DSTC = "dstc11_natcs_insurance_banking_intents/dstc11_intent_utterances.jsonl"
_HINT3 = "hint3_curekart_health_ecommerce/curekart_v2.jsonl"

SOURCES = (
    SourceSpec("learned_hands", _LEGAL, "positive", _legal),
    SourceSpec("medquad", "medquad/medquad_qa_sample3000_seed42.csv", "positive", _medquad),
    SourceSpec("curai", _CURAI, "positive", _curai),
    SourceSpec("meqsum", _MEQSUM, "positive", _meqsum),
    SourceSpec("medicationqa", _MEDICATIONQA, "positive", _medicationqa),
    SourceSpec("fiqa", "fiqa_questions/FiQA_train_question_final.tsv", "positive", _fiqa),
    SourceSpec("insuranceqa", _INSURANCEQA, "positive", _insuranceqa),
    SourceSpec("healthsearchqa", _HEALTHSEARCH, "report", _healthsearchqa),
    SourceSpec("banking77", "banking77", "service", _banking77),
    SourceSpec("clinc150", _CLINC, "service", _clinc150),
    SourceSpec("dstc11", _DSTC, "service", _dstc11),
    SourceSpec("hint3", _HINT3, "service", _hint3),
    SourceSpec("bitext", "bitext_customer_support", "service", _bitext),
    SourceSpec("tobi_bueck", "tobi_bueck_customer_support_tickets_partial", "service", _tobi),
    SourceSpec("reddit", "advice_identification_reddit", "draft", _reddit),
)


def read_sources(
    data: Path | None, policies: Path, limit: int, reports: bool = False
) -> list[Example]:
    """Every example found, at most ``limit`` per source (chosen in a fixed hash order).

    Sources of kind ``report`` (judged apart, never trained on) only with ``reports``.
    """
    rows = list(_own_examples(policies))
    for spec in SOURCES if data is not None else ():
        assert data is not None
        path = data / spec.path
        if path.exists() and (reports or spec.kind != "report"):
            rows += _sample(spec.read(path), limit)
    return rows


def _sample(rows: Iterator[Example], limit: int) -> list[Example]:
    unique = {(r.source, r.id, r.role): r for r in rows if r.text.strip()}
    ordered = sorted(unique.values(), key=lambda r: _hash(f"{r.source}:{r.id}"))
    kept: list[Example] = []
    counts: dict[str, int] = {}
    for row in ordered:
        if counts.get(row.source, 0) < limit:
            counts[row.source] = counts.get(row.source, 0) + 1
            kept.append(row)
    return kept


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file, or of every file under a folder in name order."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()
