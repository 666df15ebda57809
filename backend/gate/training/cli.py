"""``precedent gate train``: retrain the advice model from labelled data and the policies'
own examples, and write its weights and data manifest beside the policies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from backend.clitools import app, get_services
from backend.gate.training import embed_examples, feature_matrix, train
from backend.gate.training.sources import SOURCES, Example, file_digest, read_sources
from backend.retrieval import Embedder

DEFAULT_DATA = Path("../shared/data")


@click.command("train")
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DATA,
    show_default=True,
    help="Folder of the public data sets; sources missing from it are skipped.",
)
@click.option(
    "--policies",
    "policies_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("policies"),
    show_default=True,
    help="Policies folder: its examples/*/positives.txt and support negatives are trained on.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("policies/models/advice.npz"),
    show_default=True,
    help="Where to write the weights; the data manifest goes beside it as .json.",
)
@click.option("--limit", default=2000, show_default=True, help="Most rows read per source.")
def train_command(data: Path, policies_dir: Path, out: Path, limit: int) -> None:
    """Retrain the advice model (subject and act heads) and write weights + manifest.

    Takes about ten minutes the first time on two cores (every text is embedded once and
    the vectors are cached under $PRECEDENT_DATA_DIR/gate-train) and under a minute after.
    """
    # The configured embedder: the model records its name and must be read by it.
    cache = Path(app().config["DATA_DIR"]) / "gate-train"
    embedder: Embedder = get_services().embedder
    rows = read_sources(data if data.is_dir() else None, policies_dir, limit)
    click.echo(f"{len(rows)} examples from {len({r.source for r in rows})} sources", err=True)
    vectors = embed_examples(rows, embedder, cache, _progress)
    click.echo(err=True)
    model = train(rows, feature_matrix(rows, vectors), embedder.name)
    model.save(out)
    manifest = _manifest(rows, data, policies_dir, model.meta)
    out.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    click.echo(f"wrote {out} ({out.stat().st_size // 1024} KiB) and {out.with_suffix('.json')}")


def _progress(finished: int, total: int) -> None:
    click.echo(f"\rEmbedding new texts: {finished}/{total}", nl=False, err=True)


def _manifest(
    rows: list[Example], data: Path, policies_dir: Path, meta: dict[str, Any]
) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.source] = counts.get(row.source, 0) + 1
    sources = [
        {
            "name": spec.name,
            "path": spec.path,
            "kind": spec.kind,
            "sha256": file_digest(data / spec.path),
        }
        for spec in SOURCES
        if (data / spec.path).exists()
    ]
    examples = policies_dir / "examples"
    own = {"name": "precedent_examples", "path": "policies/examples", "kind": "own"}
    own["sha256"] = file_digest(examples) if examples.is_dir() else ""
    return {**meta, "rows": counts, "sources": [own, *sources]}
