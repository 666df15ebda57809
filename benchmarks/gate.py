"""Compliance gate accuracy across sources, on the support reality suite and the demo, and
its speed. Prints JSON (figures recorded in docs/benchmarks.md).

1. Leave-one-source-out (``benchmarks/gate_loso.py``): for each held-out source or topic,
   the advice model is retrained without it and the shipped policies, with that model,
   judge its rows. Positive sources report recall in their domain; service and statement
   sources report the share flagged in any domain (rows labelled advice inside a service
   source, such as CLINC's "improve credit score", count as positives of their domain).
2. The frozen support reality suite (``tests/data/gate_support_reality.jsonl``), judged by
   the shipped policies and model: never used for tuning.
3. The open demo tickets, and each one flagged.
4. Milliseconds per decision over the suite (ticket + draft where it has one) and the demo,
   redaction excluded and the ticket's retrieval vector passed in, as drafting calls it.

    python benchmarks/gate.py [--data ../shared/data] [--limit 2000] [--skip-loso]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.gate import PolicySet, evaluate, load_policies  # noqa: E402
from backend.gate.decision import GateDecision  # noqa: E402
from backend.gate.training import embed_examples, feature_matrix, train  # noqa: E402
from backend.gate.training.sources import Example, read_sources  # noqa: E402
from backend.redaction import Vault, redactors  # noqa: E402
from backend.retrieval import embedders  # noqa: E402
from benchmarks.common import ROOT, SHARED_DATA, machine, percentiles  # noqa: E402
from benchmarks.gate_cache import CachedEmbedder  # noqa: E402
from benchmarks.gate_loso import Fold, folds, report_only  # noqa: E402

ADVICE_DOMAINS = ("legal", "medical", "financial", "insurance")
SUITE = ROOT / "tests" / "data" / "gate_support_reality.jsonl"
REDACTOR = redactors.get("patterns")()


def decide(
    policies: PolicySet, ticket: str, draft: str | None, where: str = "", timed: bool = False
) -> tuple[GateDecision, float]:
    """The decision and its milliseconds, redaction excluded.

    As in drafting, the ticket's vector (made for retrieval) is passed in and not timed.
    """
    vault = Vault()
    redacted_ticket = REDACTOR.redact(ticket, vault)
    redacted_draft = REDACTOR.redact(draft, vault) if draft else None
    vectors = {}
    if timed and ticket.strip() and policies.embedder is not None:
        vectors["ticket"] = policies.embedder.embed([redacted_ticket], purpose="query")[0]
    started = time.perf_counter()
    decision = evaluate(policies, redacted_ticket, redacted_draft, where, vectors=vectors)
    return decision, (time.perf_counter() - started) * 1000


# 1. Leave one source out -----------------------------------------------------------------


def loso(rows: list[Example], embedder: CachedEmbedder, policies_dir: Path) -> dict[str, Any]:
    features = feature_matrix(rows, embed_examples(rows, embedder, ROOT / "var" / "gate-train"))
    never = report_only(rows)
    results: dict[str, Any] = {}
    for fold in [*folds(rows), Fold("healthsearchqa", "report", never)]:
        kept = [i for i in range(len(rows)) if i not in fold.held_out and i not in never]
        model = train([rows[i] for i in kept], features[kept], embedder.name)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "policies"
            shutil.copytree(policies_dir, copy)
            model.save(copy / "models" / "advice.npz")
            policies = load_policies(copy, embedder)
            judged = [rows[i] for i in sorted(fold.held_out)]
            results[fold.name] = {"kind": fold.kind, **score_rows(policies, judged)}
        print(f"{fold.name}: {results[fold.name]}", file=sys.stderr, flush=True)
        embedder.save()  # a long first run keeps what it embedded even if stopped
    return results


def score_rows(policies: PolicySet, rows: list[Example]) -> dict[str, Any]:
    positives = flagged_in = negatives = flagged_any = 0
    for row in rows:
        ticket, draft = (row.text, None) if row.role == "ticket" else ("", row.text)
        domains = set(decide(policies, ticket, draft)[0].domains) & set(ADVICE_DOMAINS)
        if row.act == 1 and row.domain in ADVICE_DOMAINS:
            positives += 1
            flagged_in += row.domain in domains
        elif row.act == 0:
            negatives += 1
            flagged_any += bool(domains)
    return {
        "positives": positives,
        "recall": round(flagged_in / positives, 4) if positives else None,
        "service_or_statements": negatives,
        "flagged": round(flagged_any / negatives, 4) if negatives else None,
    }


def loso_summary(results: dict[str, Any]) -> dict[str, Any]:
    scored = {k: v for k, v in results.items() if v["kind"] != "report"}
    recalls = {k: v["recall"] for k, v in scored.items() if v["recall"] is not None}
    flagged = {k: v["flagged"] for k, v in scored.items() if v["flagged"] is not None}
    return {
        "lowest_recall": min(recalls.items(), key=lambda kv: kv[1]) if recalls else None,
        "folds_below_0.90_recall": sorted(k for k, v in recalls.items() if v < 0.90),
        "highest_flagged": max(flagged.items(), key=lambda kv: kv[1]) if flagged else None,
        "folds_above_5pct_flagged": sorted(k for k, v in flagged.items() if v > 0.05),
    }


# 2. Support reality suite ----------------------------------------------------------------


def suite(policies: PolicySet) -> dict[str, Any]:
    items = [json.loads(line) for line in SUITE.read_text(encoding="utf-8").splitlines()]
    rows, timings = [], []
    for item in items:
        where = item.get("jurisdiction", "")
        decision, ms = decide(policies, item["ticket"], item.get("draft"), where, timed=True)
        timings.append(ms)
        rows.append((item, decision))
    return {**suite_figures(rows), "ms": percentiles(timings)}


def suite_figures(rows: list[tuple[dict[str, Any], GateDecision]]) -> dict[str, Any]:
    english = [(i, d) for i, d in rows if i["language"] == "en"]
    others = [(i, d) for i, d in rows if i["language"] != "en"]
    wanted = [(i, d) for i, d in english if i["expected"]]
    caught = [i["id"] for i, d in wanted if _caught(i, d)]
    service = [(i, d) for i, d in english if i["category"] == "service"]
    service_flagged = [i["id"] for i, d in service if set(d.domains) & set(ADVICE_DOMAINS)]
    emergencies = [(i, d) for i, d in rows if i["safety"]]
    silent = [i["id"] for i, d in others if not d.domains and not d.notes]
    return {
        "recall_english": _share(len(caught), len(wanted)),
        "missed_english": sorted({i["id"] for i, _ in wanted} - set(caught)),
        "service_flagged": _share(len(service_flagged), len(service)),
        "service_flagged_ids": service_flagged,
        "emergencies_in_safety": _share(
            sum("safety" in d.domains for _, d in emergencies), len(emergencies)
        ),
        "emergencies_missed": [i["id"] for i, d in emergencies if "safety" not in d.domains],
        "non_english": {
            "items": len(others),
            "passed_silently": silent,
            "in_expected_domain": _share(
                sum(_caught(i, d) for i, d in others if i["expected"]),
                sum(bool(i["expected"]) for i, _ in others),
            ),
            "service_held": _share(
                sum(not i["expected"] and bool(d.domains) for i, d in others),
                sum(not i["expected"] for i, _ in others),
            ),
        },
    }


def _caught(item: dict[str, Any], decision: GateDecision) -> bool:
    return set(item["expected"]) <= set(decision.domains)


def _share(part: int, whole: int) -> dict[str, Any]:
    return {"rate": round(part / whole, 4) if whole else None, "n": whole, "count": part}


# 3. Demo ---------------------------------------------------------------------------------


def demo(policies: PolicySet) -> dict[str, Any]:
    lines = (ROOT / "demo" / "inbox.jsonl").read_text(encoding="utf-8").splitlines()
    flagged, timings = [], []
    for row in map(json.loads, lines):
        ticket = f"{row['subject']}\n{row['body']}"
        decision, ms = decide(policies, ticket, None, row.get("jurisdiction", ""), timed=True)
        timings.append(ms)
        if decision.domains:
            rules = sorted({h.rule for h in decision.hits})
            flagged.append({"id": row["id"], "domains": list(decision.domains), "rules": rules})
    return {"open_tickets": len(lines), "flagged": flagged, "ms": percentiles(timings)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--policies", type=Path, default=ROOT / "policies")
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--skip-loso", action="store_true", help="suite, demo and speed only")
    args = parser.parse_args()
    embedder = embedders.get("minilm-onnx")(threads=1)  # type: ignore[call-arg]
    shipped = load_policies(args.policies, embedder)
    decide(shipped, "warm up the model", "and the language detector")
    result: dict[str, Any] = {"suite": suite(shipped), "demo": demo(shipped)}
    if not args.skip_loso:
        rows = read_sources(args.data, args.policies, args.limit, reports=True)
        cached = CachedEmbedder(embedder, ROOT / "var" / "gate-bench")
        folds_result = loso(rows, cached, args.policies)
        result["leave_one_source_out"] = {"summary": loso_summary(folds_result), **folds_result}
    result["machine"] = machine()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
