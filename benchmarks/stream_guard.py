"""What the compliance gate's watch over a streaming draft costs the worker. Prints JSON.

While a model streams, each partial text is redacted (Presidio, with a copy of the ticket's
vault) and judged by the gate before it is shown (``pipeline.draft_flagged``), at most once
per write interval. Each check reads the whole text so far, so a draft's total cost grows
with the square of its length. This replays the demo corpus's resolutions as streamed
drafts: a check after every ``--words-per-write`` words (about what a model sends in one
0.15 s interval), timing each check and each draft's total.

    python benchmarks/stream_guard.py [--drafts 40] [--words-per-write 6] [--join 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend import create_app, pipeline, services  # noqa: E402
from backend.drafting.stream import WRITE_EVERY_SECONDS  # noqa: E402
from backend.redaction import Vault  # noqa: E402
from backend.types import Ticket  # noqa: E402
from benchmarks.common import ROOT, machine, percentiles  # noqa: E402


def resolutions(limit: int, join: int) -> list[str]:
    """Demo resolutions as drafts; with ``join`` > 1, that many in a row make one long draft."""
    lines = (ROOT / "demo" / "tickets.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [t for t in (json.loads(line).get("resolution", "") for line in lines) if t.strip()]
    joined = ["\n\n".join(texts[i : i + join]) for i in range(0, len(texts) - join + 1, join)]
    return joined[:limit]


def prefixes(text: str, words_per_write: int) -> list[str]:
    """The partial texts a stream shows: every ``words_per_write`` words, then the whole."""
    words = text.split(" ")
    cuts = range(words_per_write, len(words), words_per_write)
    return [" ".join(words[:cut]) for cut in cuts] + [text]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drafts", type=int, default=40)
    parser.add_argument("--words-per-write", type=int, default=6)
    parser.add_argument("--join", type=int, default=1, help="resolutions per draft (longer drafts)")
    args = parser.parse_args()
    app = create_app({"DATA_DIR": tempfile.mkdtemp(prefix="precedent-bench-")})
    with app.app_context():
        real = services.get()
        ticket = Ticket("bench", "S-1", "Router drops Wi-Fi", "It drops every hour.")
        check = pipeline.draft_flagged(real, Vault(), [], ticket)
        check("warm up the redactor and the gate")
        per_check: list[float] = []
        per_draft: list[float] = []
        checks_per_draft: list[float] = []
        words: list[float] = []
        for text in resolutions(args.drafts, args.join):
            shown = prefixes(text, args.words_per_write)
            total = 0.0
            for partial in shown:
                started = time.perf_counter()
                check(partial)
                elapsed = (time.perf_counter() - started) * 1000
                per_check.append(elapsed)
                total += elapsed
            per_draft.append(total)
            checks_per_draft.append(len(shown))
            words.append(len(text.split()))
    result = {
        "benchmark": "stream_guard",
        "drafts": len(per_draft),
        "words_per_write": args.words_per_write,
        "write_interval_s": WRITE_EVERY_SECONDS,
        "draft_words": percentiles(words),
        "checks_per_draft": percentiles(checks_per_draft),
        "ms_per_check": percentiles(per_check),
        "ms_per_draft_all_checks": percentiles(per_draft),
        "machine": machine(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
