"""Similar-ticket retrieval on two labelled data sets, through the product's own search path.

- ``ibm``: real Twitter support conversations (IBM customer care). Dev conversations are
  indexed as resolved tickets (brand + customer turns = ticket, agent reply = resolution);
  each test conversation whose gold document also occurs in dev is a query; a retrieved
  conversation is relevant when it shares the gold document.
- ``banking77``: real banking requests with 77 fine-grained intents. A seeded sample of the
  training requests is indexed as resolved tickets, a sample of the test requests are the
  queries; a retrieved request is relevant when it has the same intent.

Prints JSON with recall@1/5/10 and MRR@10 per search mode (full-text, vector, hybrid).

``edited_away``: the ranking penalty for sections agents often edit away, off and on in the
same run, through the pipeline's own ranked search (backend/retrieval/demotion.py): recall@1
and recall@5 of the five sources a draft keeps. The data sets have no edit history, so a
deterministic tenth of the indexed tickets (seeded sample) is marked edited away, each with a
share from 0.3 (the revision threshold) to 1.0; the marks know nothing of relevance.

    python benchmarks/retrieval.py [--dataset ibm|banking77|all] [--penalties 0.1,0.3]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.config import SETTINGS  # noqa: E402
from backend.connectors.files import ResolvedTicket  # noqa: E402
from backend.redaction import Redactor, Vault, redactors  # noqa: E402
from backend.retrieval import Embedder, embedders  # noqa: E402
from backend.retrieval.demotion import Demotion, EditedAway, ranked_search  # noqa: E402
from backend.retrieval.ingest import ingest, ticket_records  # noqa: E402
from backend.retrieval.lance import LanceIndex  # noqa: E402
from backend.types import Requester  # noqa: E402
from benchmarks.common import ROOT, SHARED_DATA, machine, percentiles  # noqa: E402

MODES = ("text", "vector", "hybrid")
DEPTH = 10
BANKING77_INDEXED = 3000
BANKING77_QUERIES = 1000
SEED = 7
KEPT = 5  # sources of a kind a draft keeps (PRECEDENT_RETRIEVE_TICKETS)
MARKED_SHARE = 0.1  # of the indexed tickets marked edited away


@dataclass(frozen=True)
class Query:
    text: str
    label: str


@dataclass(frozen=True)
class LabelledSet:
    name: str
    description: str
    tickets: list[ResolvedTicket]
    label_of: dict[str, str]  # ticket id -> relevance label
    queries: list[Query]


def ibm_twitter() -> LabelledSet:
    data = SHARED_DATA / "ibm_twitter_customer_care_cdp"
    dev = json.loads((data / "dev.json").read_text())
    test = json.loads((data / "test.json").read_text())
    label_of = {c["dialogHeader"]["sessionID"]: c["agentURL"]["doc_id"] for c in dev}
    labels = set(label_of.values())
    return LabelledSet(
        name="ibm",
        description="ibm_twitter_customer_care_cdp: dev indexed, test queried, same gold doc",
        tickets=[_conversation_ticket(c) for c in dev],
        label_of=label_of,
        queries=[
            Query(c["dialogHeader"]["company"] + "\n" + customer_text(c), c["agentURL"]["doc_id"])
            for c in test
            if c["agentURL"]["doc_id"] in labels
        ],
    )


def banking77() -> LabelledSet:
    data = SHARED_DATA / "banking77"
    train = _shuffled(data / "train.csv")[:BANKING77_INDEXED]
    test = _shuffled(data / "test.csv")[:BANKING77_QUERIES]
    tickets = [_request_ticket(f"b77-{i}", row["text"]) for i, row in enumerate(train)]
    return LabelledSet(
        name="banking77",
        description=(
            f"banking77: {len(train)} training requests indexed, {len(test)} test requests "
            f"queried (seed {SEED}), same intent"
        ),
        tickets=tickets,
        label_of={t.id: row["category"] for t, row in zip(tickets, train, strict=True)},
        queries=[Query(row["text"], row["category"]) for row in test],
    )


DATASETS: dict[str, Callable[[], LabelledSet]] = {"ibm": ibm_twitter, "banking77": banking77}


def customer_text(conversation: dict[str, Any]) -> str:
    turns = [t["message"] for t in conversation["dialogContent"] if "agent" not in t]
    return "\n".join(turns)


def _conversation_ticket(conversation: dict[str, Any]) -> ResolvedTicket:
    ticket = _request_ticket(conversation["dialogHeader"]["sessionID"], customer_text(conversation))
    return replace(
        ticket,
        subject=conversation["dialogHeader"]["company"],
        resolution=conversation["agentURL"]["url_utterance"],
    )


def _request_ticket(ticket_id: str, text: str) -> ResolvedTicket:
    return ResolvedTicket(
        id=ticket_id,
        subject="",
        body=text,
        resolution="",
        tags=(),
        created_at="",
        solved_at="",
        url="",
        requester=Requester(),
    )


def _shuffled(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    random.Random(SEED).shuffle(rows)
    return rows


def run(
    labelled: LabelledSet, redactor: Redactor, embedder: Embedder, penalties: list[float]
) -> dict[str, Any]:
    index = LanceIndex(
        tempfile.mkdtemp(prefix="precedent-bench-"),
        embedder.dimensions,
        alpha=SETTINGS["HYBRID_ALPHA"].default,
        fusion=SETTINGS["HYBRID_FUSION"].default,
    )
    start = time.perf_counter()
    records = ticket_records(labelled.tickets, redactor)
    ingest("bench", "ticket", records, embedder, index)
    ingest_seconds = time.perf_counter() - start

    marked = edited_away_marks(records)
    demotions = {"off": Demotion(), **{f"{p:g}": Demotion(marked, p) for p in penalties}}
    kept: dict[str, list[int | None]] = {name: [] for name in demotions}
    touched = 0
    ranks: dict[str, list[int | None]] = {mode: [] for mode in MODES}
    latency: dict[str, list[float]] = {mode: [] for mode in MODES}
    embed_ms: list[float] = []
    for query in labelled.queries:
        redacted = redactor.redact(query.text, Vault())
        t0 = time.perf_counter()
        vector = embedder.embed([redacted])[0]
        embed_ms.append((time.perf_counter() - t0) * 1000)
        for mode in MODES:
            t0 = time.perf_counter()
            hits = index.search("bench", "ticket", redacted, vector, DEPTH, mode)  # type: ignore[arg-type]
            latency[mode].append((time.perf_counter() - t0) * 1000)
            ranks[mode].append(first_relevant(hits, labelled, query))
        for name, demotion in demotions.items():
            hits = ranked_search(index, "bench", "ticket", redacted, vector, KEPT, demotion)
            kept[name].append(first_relevant(hits, labelled, query))
            if name == "off":  # a marked section among the five kept: the penalty acts
                touched += Demotion(marked, 1.0).touches(hits)
    return {
        "dataset": labelled.description,
        "indexed": len(labelled.tickets),
        "queries": len(labelled.queries),
        "quality": {mode: quality(ranks[mode]) for mode in MODES},
        "hybrid_recall@5_gain": {
            mode: paired_gain(ranks["hybrid"], ranks[mode]) for mode in ("text", "vector")
        },
        "search_ms": {mode: percentiles(latency[mode]) for mode in MODES},
        "embed_query_ms": percentiles(embed_ms),
        "edited_away": edited_away_report(kept, marked, len(records), touched),
        "ingest": {
            "records": len(records),
            "seconds": round(ingest_seconds, 2),
            "records_per_second": round(len(records) / ingest_seconds, 1),
        },
    }


def edited_away_marks(records: list[Any]) -> EditedAway:
    """A seeded tenth of the indexed sections, each edited away at a share of 0.3 to 1.0."""
    rng = random.Random(SEED)
    sections = sorted({(r.source_id, r.title) for r in records})
    chosen = rng.sample(sections, round(MARKED_SHARE * len(sections)))
    return {section: round(rng.uniform(0.3, 1.0), 4) for section in chosen}


def first_relevant(hits: list[Any], labelled: LabelledSet, query: Query) -> int | None:
    found = [i for i, h in enumerate(hits, 1) if labelled.label_of[h.source_id] == query.label]
    return found[0] if found else None


def edited_away_report(
    kept: dict[str, list[int | None]], marked: EditedAway, sections: int, touched: int
) -> dict[str, Any]:
    """Recall@1 and @5 of the kept sources, penalty off and on; the change with its interval."""
    off = kept["off"]
    return {
        "marked": f"{len(marked)} of {sections} indexed sections (seed {SEED}), no edit history",
        "kept_per_query": KEPT,
        "queries_with_a_marked_source_kept": touched,
        "penalty_off": {"recall@1": quality(off)["recall@1"], "recall@5": quality(off)["recall@5"]},
        **{
            f"penalty_{name}": {
                "recall@1": quality(on)["recall@1"],
                "recall@5": quality(on)["recall@5"],
                "recall@5_change": paired_gain(on, off),
            }
            for name, on in kept.items()
            if name != "off"
        },
    }


def paired_gain(
    hybrid: list[int | None], other: list[int | None], k: int = 5, rounds: int = 2000
) -> dict[str, Any]:
    """Hybrid's recall@k minus the other mode's, with a 95% paired-bootstrap interval.

    Resampling queries (both modes keep their answer for each) shows how much of a small
    difference the choice of queries alone could make.
    """
    pairs = zip(hybrid, other, strict=True)
    gains = [int(bool(h and h <= k)) - int(bool(o and o <= k)) for h, o in pairs]
    rng = random.Random(SEED)
    means = sorted(sum(rng.choices(gains, k=len(gains))) / len(gains) for _ in range(rounds))
    return {
        "gain": round(sum(gains) / len(gains), 4),
        "queries_better": gains.count(1),
        "queries_worse": gains.count(-1),
        "ci95": [round(means[int(0.025 * rounds)], 4), round(means[int(0.975 * rounds) - 1], 4)],
    }


def quality(ranks: list[int | None]) -> dict[str, float]:
    def recall(k: int) -> float:
        return round(sum(1 for r in ranks if r and r <= k) / len(ranks), 4)

    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    return {
        "recall@1": recall(1),
        "recall@5": recall(5),
        "recall@10": recall(10),
        "mrr@10": round(mrr, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", choices=[*DATASETS, "all"], default="all")
    default = SETTINGS["EDITED_AWAY_PENALTY"].default
    parser.add_argument(
        "--penalties",
        default=f"{default:g},0.3",
        help=f"edited-away penalties compared with none (default: the setting's {default:g}, 0.3)",
    )
    args = parser.parse_args()
    penalties = [float(p) for p in args.penalties.split(",") if p.strip()]
    names = list(DATASETS) if args.dataset == "all" else [args.dataset]

    redactor = redactors.get("presidio")(config_path=ROOT / "policies" / "redaction.yaml")  # type: ignore[call-arg]
    embedder = embedders.get("minilm-onnx")(threads=1)  # type: ignore[call-arg]
    embedder.embed([redactor.redact("warm up", Vault())])
    results = {name: run(DATASETS[name](), redactor, embedder, penalties) for name in names}
    print(
        json.dumps({"benchmark": "retrieval", "results": results, "machine": machine()}, indent=2)
    )


if __name__ == "__main__":
    main()
