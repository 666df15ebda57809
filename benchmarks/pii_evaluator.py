"""The synth_dataset_v2 figure as presidio-research's own ``SpanEvaluator`` computes it.

Optional: needs ``presidio-evaluator`` (``pip install -e '.[bench]'``). The steps follow its
documented pipeline: each sample is tokenized by ``InputSample`` with the same spaCy model,
gold spans and predictions become one IO tag per token (``span_to_tag``, which also settles
overlapping predictions by score, as its ``PresidioAnalyzerWrapper`` does), the dataset's types
are mapped to Presidio's, and ``SpanEvaluator()`` with its default settings scores the table
(character IoU >= its default threshold after dropping its skip words, adjacent spans of one
type joined across skip words, F2). Its ``pii`` figure ignores the entity type: any predicted
span counts for any gold span it covers. Predictions of types the data set does not score are
dropped first, for both engines, exactly as in the strict figure.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

ScoredSpan = tuple[str, int, int, float]


def missing() -> str | None:
    """Why the evaluator cannot run here, or None when it can."""
    try:
        import presidio_evaluator  # noqa: F401
    except ImportError:
        return "presidio-evaluator is not installed: pip install -e '.[bench]'"
    return None


def tokenized(samples: list[tuple[int, dict[str, Any]]], model: str) -> list[Any]:
    """``InputSample`` per sample, tokens and gold IO tags made by presidio-evaluator."""
    from presidio_evaluator import InputSample

    with contextlib.redirect_stdout(sys.stderr):  # it prints "loading model …"; ours is JSON
        return [
            InputSample.from_json(
                {**sample, "sample_id": index, "spans": [dict(s) for s in sample["spans"]]},
                token_model_version=model,
            )
            for index, sample in samples
        ]


def results_table(
    inputs: list[Any], predictions: Sequence[list[ScoredSpan]], mapping: dict[str, str]
) -> Any:
    """The five-column table ``SpanEvaluator.calculate_score_on_df`` reads."""
    import pandas as pd
    from presidio_evaluator import span_to_tag

    rows = []
    for sample, spans in zip(inputs, predictions, strict=True):
        tags = span_to_tag(
            scheme="IO",
            text=sample.full_text,
            starts=[s[1] for s in spans],
            ends=[s[2] for s in spans],
            tags=[s[0] for s in spans],
            scores=[s[3] for s in spans],
            tokens=sample.tokens,
        )
        for token, gold, predicted, start in zip(
            sample.tokens, sample.tags, tags, sample.start_indices, strict=True
        ):
            rows.append((sample.sample_id, str(token), mapping.get(gold, "O"), predicted, start))
    columns = ["sentence_id", "token", "annotation", "prediction", "start_indices"]
    return pd.DataFrame(rows, columns=columns)


def span_evaluator(
    inputs: list[Any],
    predictions: Sequence[list[ScoredSpan]],
    mapping: dict[str, str],
    held_out: Callable[[int], bool],
) -> dict[str, Any]:
    """SpanEvaluator's figures on all samples, the dev half and the held-out half."""
    from presidio_evaluator.evaluation import SpanEvaluator

    logging.getLogger("presidio_evaluator").setLevel(logging.ERROR)  # "default skip words"
    table = results_table(inputs, predictions, mapping)
    evaluator = SpanEvaluator()
    is_held_out = table["sentence_id"].map(held_out)
    report: dict[str, Any] = {
        "settings": {"iou_threshold": evaluator.iou_threshold, "char_based": evaluator.char_based}
    }
    parts = (("overall", table), ("dev", table[~is_held_out]), ("held_out", table[is_held_out]))
    for name, part in parts:
        result = evaluator.calculate_score_on_df(part, beta=2)
        report[name] = _pii(result)
        if name == "overall":
            report["per_entity"] = {
                entity: _typed(metrics) for entity, metrics in sorted(result.per_type.items())
            }
    return report


def _pii(result: Any) -> dict[str, float | int]:
    return {
        "precision": _round(result.pii_precision),
        "recall": _round(result.pii_recall),
        "f2": _round(result.pii_f),
        "tp": result.pii_true_positives,
        "predicted": result.pii_predicted,
        "annotated": result.pii_annotated,
    }


def _typed(metrics: Any) -> dict[str, float | int]:
    return {
        "precision": _round(metrics.precision),
        "recall": _round(metrics.recall),
        "f2": _round(metrics.f_beta),
        "tp": metrics.true_positives,
        "predicted": metrics.num_predicted,
        "annotated": metrics.num_annotated,
    }


def _round(value: float | None) -> float | None:
    return None if value is None or value != value else round(float(value), 3)
