"""Similar-ticket retrieval on real support conversations (IBM Twitter customer care).

Dev conversations are indexed as resolved tickets (customer turns = ticket, the agent's reply
= resolution); each test conversation whose gold document also occurs in dev is a query; a
retrieved conversation is a hit when it shares the gold document. Prints JSON.

    python benchmarks/retrieval.py [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.connectors.files import ResolvedTicket  # noqa: E402
from backend.redaction import Vault, redactors  # noqa: E402
from backend.retrieval import embedders  # noqa: E402
from backend.retrieval.ingest import ingest, ticket_records  # noqa: E402
from backend.retrieval.lance import LanceIndex  # noqa: E402
from backend.types import Requester  # noqa: E402
from benchmarks.common import ROOT, SHARED_DATA, machine, percentiles  # noqa: E402

MODES = ("text", "vector", "hybrid")
DEPTH = 10


def customer_text(conversation: dict[str, Any]) -> str:
    turns = [t["message"] for t in conversation["dialogContent"] if "agent" not in t]
    return "\n".join(turns)


def as_ticket(conversation: dict[str, Any]) -> ResolvedTicket:
    header = conversation["dialogHeader"]
    return ResolvedTicket(
        id=header["sessionID"],
        subject=header["company"],
        body=customer_text(conversation),
        resolution=conversation["agentURL"]["url_utterance"],
        tags=(),
        created_at="",
        solved_at="",
        url="",
        requester=Requester(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA / "ibm_twitter_customer_care_cdp")
    args = parser.parse_args()
    dev = json.loads((args.data / "dev.json").read_text())
    test = json.loads((args.data / "test.json").read_text())
    gold_by_id = {c["dialogHeader"]["sessionID"]: c["agentURL"]["doc_id"] for c in dev}
    dev_docs = set(gold_by_id.values())
    queries = [c for c in test if c["agentURL"]["doc_id"] in dev_docs]

    redactor = redactors.get("presidio")(config_path=ROOT / "policies" / "redaction.yaml")
    embedder = embedders.get("minilm-onnx")(threads=1)
    embedder.embed([redactor.redact("warm up", Vault())])
    index = LanceIndex(tempfile.mkdtemp(prefix="precedent-bench-"), embedder.dimensions)

    start = time.perf_counter()
    records = ticket_records([as_ticket(c) for c in dev], redactor)
    ingest("bench", "ticket", records, embedder, index)
    ingest_seconds = time.perf_counter() - start

    ranks: dict[str, list[int | None]] = {mode: [] for mode in MODES}
    latency: dict[str, list[float]] = {mode: [] for mode in MODES}
    embed_ms: list[float] = []
    for conversation in queries:
        query = redactor.redact(
            conversation["dialogHeader"]["company"] + "\n" + customer_text(conversation), Vault()
        )
        t0 = time.perf_counter()
        vector = embedder.embed([query])[0]
        embed_ms.append((time.perf_counter() - t0) * 1000)
        gold = conversation["agentURL"]["doc_id"]
        for mode in MODES:
            t0 = time.perf_counter()
            hits = index.search("bench", "ticket", query, vector, DEPTH, mode)  # type: ignore[arg-type]
            latency[mode].append((time.perf_counter() - t0) * 1000)
            found = [i for i, h in enumerate(hits, 1) if gold_by_id[h.source_id] == gold]
            ranks[mode].append(found[0] if found else None)

    print(
        json.dumps(
            {
                "benchmark": "retrieval",
                "dataset": "ibm_twitter_customer_care_cdp (dev indexed, test queried)",
                "indexed": len(dev),
                "queries": len(queries),
                "quality": {mode: quality(ranks[mode]) for mode in MODES},
                "search_ms": {mode: percentiles(latency[mode]) for mode in MODES},
                "embed_query_ms": percentiles(embed_ms),
                "ingest": {
                    "records": len(records),
                    "seconds": round(ingest_seconds, 2),
                    "records_per_second": round(len(records) / ingest_seconds, 1),
                },
                "machine": machine(),
            },
            indent=2,
        )
    )


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


if __name__ == "__main__":
    main()
