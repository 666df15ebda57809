"""Similar-ticket retrieval on two labelled data sets, through the product's own search path.

- ``ibm``: real Twitter support conversations (IBM customer care). Dev conversations are
  indexed as resolved tickets (brand + customer turns = ticket, agent reply = resolution);
  each test conversation whose gold document also occurs in dev is a query; a retrieved
  conversation is relevant when it shares the gold document.
- ``banking77``: real banking requests with 77 fine-grained intents. A seeded sample of the
  training requests is indexed as resolved tickets, a sample of the test requests are the
  queries; a retrieved request is relevant when it has the same intent.

Prints JSON with recall@1/5/10 and MRR@10 per search mode (full-text, vector, hybrid).

    python benchmarks/retrieval.py [--dataset ibm|banking77|all]
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
from backend.retrieval.ingest import ingest, ticket_records  # noqa: E402
from backend.retrieval.lance import LanceIndex  # noqa: E402
from backend.types import Requester  # noqa: E402
from benchmarks.common import ROOT, SHARED_DATA, machine, percentiles  # noqa: E402

MODES = ("text", "vector", "hybrid")
DEPTH = 10
BANKING77_INDEXED = 3000
BANKING77_QUERIES = 1000
SEED = 7


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


def run(labelled: LabelledSet, redactor: Redactor, embedder: Embedder) -> dict[str, Any]:
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
            found = [
                i for i, h in enumerate(hits, 1) if labelled.label_of[h.source_id] == query.label
            ]
            ranks[mode].append(found[0] if found else None)
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
        "ingest": {
            "records": len(records),
            "seconds": round(ingest_seconds, 2),
            "records_per_second": round(len(records) / ingest_seconds, 1),
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
    args = parser.parse_args()
    names = list(DATASETS) if args.dataset == "all" else [args.dataset]

    redactor = redactors.get("presidio")(config_path=ROOT / "policies" / "redaction.yaml")  # type: ignore[call-arg]
    embedder = embedders.get("minilm-onnx")(threads=1)  # type: ignore[call-arg]
    embedder.embed([redactor.redact("warm up", Vault())])
    results = {name: run(DATASETS[name](), redactor, embedder) for name in names}
    print(
        json.dumps({"benchmark": "retrieval", "results": results, "machine": machine()}, indent=2)
    )


if __name__ == "__main__":
    main()
