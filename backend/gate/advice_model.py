"""The advice model: which regulated domain a text is about, and whether it asks for or gives
a personal judgement in it.

Two questions, answered separately and multiplied: a text is in a domain's advice only when
its *subject* is that domain (``domain``) and its *act* is advice — a ticket that asks for a
recommendation, diagnosis, dosing, legal assessment or coverage judgement (``asks``), or a
draft that gives one (``gives``) — rather than an account, service or logistics request
("please send me the W-9 form" is about tax, and asks for a document).

Each question is a small network (one hidden layer) over the embedder's vector of the text
plus a few cue features (does it ask, does it ask for a judgement, does it speak in the
first person, does it tell the reader what to do, does it name a service object). The
heads are trained by ``backend.gate.training`` from labelled public data and the policies'
own examples; the weights ship as one ``.npz`` file beside the policies, so the decision
needs only numpy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backend.gate.questions import JUDGEMENTS, REQUESTS, asks, phrases
from backend.gate.rules import head

LABELS = ("legal", "medical", "financial", "insurance", "other")
Array = npt.NDArray[np.float32]

FIRST_PERSON = re.compile(r"(?<!\w)(?:i|i'm|i've|i'd|my|me|mine|we|our|us)(?!\w)", re.IGNORECASE)
DIRECTIVES = phrases(
    [
        "you should",
        "you shouldn't",
        "you must",
        "you need to",
        "you'll need to",
        "you can safely",
        "you are entitled",
        "you're entitled",
        "you are covered",
        "you're covered",
        "you have a case",
        "I recommend",
        "I would recommend",
        "I suggest",
        "I'd suggest",
        "I would advise",
        "my advice",
        "make sure",
        "do not",
        "don't",
        "stop taking",
        "try",
    ]
)
# Things a service request is about: the company's account, orders and documents.
SERVICE_OBJECTS = phrases(
    [
        "account",
        "login",
        "log in",
        "password",
        "app",
        "website",
        "portal",
        "order*",
        "deliver*",
        "shipping",
        "tracking",
        "refund*",
        "subscription",
        "invoice*",
        "receipt",
        "statement",
        "form",
        "upload*",
        "download*",
        "email*",
        "address",
        "update my",
        "change my",
        "reset",
        "cancel*",
        "appointment",
        "status",
    ]
)
# A draft is embedded on its opening words (embedding cost grows with length); a ticket
# whole, because drafting has embedded it for retrieval already and passes that vector in.
HEAD_WORDS = 64
CUES = ("asks", "judgement", "advice_request", "first_person", "directive", "service", "length")


def embedded_text(text: str, role: str) -> str:
    """The part of a ticket or draft the model embeds (see ``HEAD_WORDS``)."""
    return text if role == "ticket" else head(text, HEAD_WORDS)


def cue_features(text: str) -> Array:
    """The cue features of one text, each between 0 and 1 (order: ``CUES``)."""
    words = max(1, len(text.split()))
    return np.array(
        [
            float(asks(text)),
            float(JUDGEMENTS.search(text) is not None),
            float(REQUESTS.search(text) is not None),
            min(1.0, 5 * len(FIRST_PERSON.findall(text)) / words),
            min(1.0, len(DIRECTIVES.findall(text)) / 3),
            min(1.0, len(SERVICE_OBJECTS.findall(text)) / 2),
            min(1.0, words / 200),
        ],
        dtype=np.float32,
    )


@dataclass(frozen=True)
class AdviceScores:
    """Probabilities for one text: its subject among ``LABELS``, and its act."""

    domain: dict[str, float]
    asks: float
    gives: float

    def score(self, domain: str, source: str) -> float:
        """The chance that this text asks (a ticket) or gives (a draft) advice in ``domain``."""
        act = self.asks if source == "ticket" else self.gives
        return self.domain.get(domain, 0.0) * act


class AdviceModel:
    """Three heads over ``[vector, cues]``: the subject among ``LABELS``, asks, gives.

    ``weights`` holds each head's layers as ``<head>_w1``, ``_b1``, ``_w2``, ``_b2``.
    """

    def __init__(self, weights: dict[str, Array], meta: dict[str, Any]) -> None:
        self.weights = weights
        self.meta = meta
        self.embedder: str = meta["embedder"]

    @classmethod
    def load(cls, path: Path) -> AdviceModel:
        with np.load(path, allow_pickle=False) as data:
            weights = {k: np.asarray(data[k], dtype=np.float32) for k in data.files if k != "meta"}
            meta = json.loads(str(data["meta"]))
        return cls(weights, meta)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            arrays: dict[str, Any] = {"meta": np.array(json.dumps(self.meta)), **self.weights}
            np.savez_compressed(handle, **arrays)

    def scores(self, vector: Array, text: str) -> AdviceScores:
        return self.scores_many(vector.reshape(1, -1), [text])[0]

    def scores_many(self, vectors: Array, texts: list[str]) -> list[AdviceScores]:
        features = np.hstack([vectors, np.vstack([cue_features(t) for t in texts])])
        domain = self.forward("domain", features)
        ask, give = self.forward("ask", features)[:, 1], self.forward("give", features)[:, 1]
        return [
            AdviceScores(dict(zip(LABELS, map(float, d), strict=True)), float(a), float(g))
            for d, a, g in zip(domain, ask, give, strict=True)
        ]

    def forward(self, head: str, features: Array) -> Array:
        """One head's class probabilities for each row of ``features``."""
        w = self.weights
        hidden = np.maximum(features @ w[f"{head}_w1"] + w[f"{head}_b1"], 0)
        return softmax(hidden @ w[f"{head}_w2"] + w[f"{head}_b2"])


def softmax(logits: Array) -> Array:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True), dtype=np.float32)
