"""Knowledge-gap clustering on labelled intents: which similarity threshold groups one topic.

The knowledge gaps cluster gap tickets greedily (backend/learning/gaps.py): each joins the
closest cluster whose centre is at ``similarity`` cosine or more, else starts one. The
tickets' vectors are the pipeline's retrieval query vectors (all-MiniLM-L6-v2 int8 of the
redacted question, backend/drafts/vectors.py), or, for tickets without one, the hashed words
of backend/learning/topics.py (a draft's text there; the request itself here, so that
figure only bounds the fallback). This measures both on real requests labelled with intents:

- ``banking77`` (test split, 77 intents): the threshold is picked here, by the best mean
  F-measure of purity and inverse purity;
- ``clinc150`` (test split of 75 service intents, out-of-scope left out): held out, the
  picked threshold is only checked here, next to this set's own best.

Each run draws ``SAMPLES`` seeded gap lists shaped like a busy window: ``INTENTS`` intents,
each with 2 to 30 requests (about 400 tickets, the most DraftTopics clusters), in random
order (the greedy clustering depends on order). Per threshold it prints, averaged over the
samples: purity (share of tickets in their cluster's majority intent), inverse purity (share
of tickets in their intent's largest cluster), their F-measure, the clusters per intent and
the share of single-ticket clusters. Texts are redacted as the pipeline does before they are
embedded; the data is read from ../shared/data, never copied.

    python benchmarks/gap_clusters.py [--samples 10]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.learning.gaps import _cluster  # noqa: E402  (the clustering itself, measured)
from backend.learning.topics import hashed  # noqa: E402
from backend.redaction import Vault, redactors  # noqa: E402
from backend.retrieval import embedders  # noqa: E402
from benchmarks.common import ROOT, SHARED_DATA, machine  # noqa: E402

THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(12)]  # 0.30 .. 0.85
INTENTS = 25
SIZES = (2, 30)
SEED = 15
Labelled = list[tuple[str, str]]  # (text, intent)


def banking77() -> Labelled:
    with (SHARED_DATA / "banking77" / "test.csv").open(newline="") as f:
        return [(row["text"], row["category"]) for row in csv.DictReader(f)]


def clinc150() -> Labelled:
    path = SHARED_DATA / "clinc150_regulated_service_intents" / "clinc150_selected.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return [(r["text"], r["intent"]) for r in rows if r["split"] == "test" and r["intent"] != "oos"]


def samples(labelled: Labelled, count: int) -> list[list[int]]:
    """``count`` seeded gap lists: indexes into ``labelled``, in arrival order."""
    by_intent: dict[str, list[int]] = {}
    for i, (_, intent) in enumerate(labelled):
        by_intent.setdefault(intent, []).append(i)
    drawn = []
    for s in range(count):
        rng = random.Random(SEED + s)
        picked: list[int] = []
        for intent in rng.sample(sorted(by_intent), INTENTS):
            members = by_intent[intent]
            picked += rng.sample(members, min(len(members), rng.randint(*SIZES)))
        rng.shuffle(picked)
        drawn.append(picked)
    return drawn


def scores(groups: list[list[int]], intents: Sequence[str]) -> dict[str, float]:
    total = len(intents)
    purity = sum(Counter(intents[i] for i in g).most_common(1)[0][1] for g in groups) / total
    largest: Counter[str] = Counter()
    for g in groups:
        for intent, n in Counter(intents[i] for i in g).items():
            largest[intent] = max(largest[intent], n)
    inverse = sum(largest.values()) / total
    return {
        "purity": purity,
        "inverse_purity": inverse,
        "f": 2 * purity * inverse / (purity + inverse),
        "clusters_per_intent": len(groups) / len(largest),
        "singletons": sum(1 for g in groups if len(g) == 1) / len(groups),
    }


def sweep(vectors: np.ndarray, labelled: Labelled, drawn: list[list[int]]) -> dict[str, Any]:
    """Mean scores per threshold over the samples."""
    found = {}
    for threshold in THRESHOLDS:
        runs = [
            scores(
                _cluster([vectors[i] for i in order], threshold), [labelled[i][1] for i in order]
            )
            for order in drawn
        ]
        found[f"{threshold:.2f}"] = {
            k: round(float(np.mean([r[k] for r in runs])), 3) for k in runs[0]
        }
    return found


def best(table: dict[str, Any]) -> str:
    return max(table, key=lambda t: (table[t]["f"], t))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args()
    redactor = redactors.get("presidio")(config_path=ROOT / "policies" / "redaction.yaml")  # type: ignore[call-arg]
    embedder = embedders.get("minilm-onnx")(threads=1)  # type: ignore[call-arg]
    kinds: dict[str, Callable[[list[Any]], np.ndarray]] = {
        "minilm_query_vectors": lambda texts: embedder.embed(texts, purpose="query"),
        "hashed_words": lambda texts: np.asarray(hashed([t.text for t in texts])),
    }
    results: dict[str, Any] = {}
    for name, load in {"banking77": banking77, "clinc150": clinc150}.items():
        labelled = load()
        redacted = [redactor.redact(text, Vault()) for text, _ in labelled]
        drawn = samples(labelled, args.samples)
        results[name] = {
            kind: sweep(embed(redacted), labelled, drawn) for kind, embed in kinds.items()
        }
    picked = {kind: best(results["banking77"][kind]) for kind in kinds}
    held_out = {
        kind: {
            "picked_on_banking77": picked[kind],
            "clinc150_at_picked": results["clinc150"][kind][picked[kind]],
            "clinc150_own_best": best(results["clinc150"][kind]),
            "clinc150_at_0.60": results["clinc150"][kind]["0.60"],
        }
        for kind in kinds
    }
    report = {
        "benchmark": "gap_clusters",
        "samples": args.samples,
        "intents_per_sample": INTENTS,
        "held_out": held_out,
        "results": results,
        "machine": machine(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
