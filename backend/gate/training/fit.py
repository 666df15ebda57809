"""A one-hidden-layer network with a softmax output, trained in numpy (full batch, Adam, L2).

Small on purpose (32 hidden units over the embedder's vector and the cue features): enough
to combine "about money" with "asks what to do", too small to memorise one data set's
phrasing. Deterministic: a fixed seed and every row at every step.
"""

from __future__ import annotations

import numpy as np

from backend.gate.advice_model import Array, softmax

Layers = dict[str, Array]


def fit_network(
    features: Array,
    labels: Array,
    weights: Array,
    classes: int,
    *,
    hidden: int = 32,
    l2: float = 1e-3,
    steps: int = 300,
    rate: float = 0.01,
) -> Layers:
    """Layers ``w1, b1, w2, b2`` minimising the weighted log-loss of ``labels``."""
    features = np.asarray(features, dtype=np.float32)
    layers = _initial(features.shape[1], hidden, classes)
    target = np.eye(classes, dtype=np.float32)[labels]
    scale = np.asarray(weights / weights.sum(), dtype=np.float32)[:, None]
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in layers.items()}
    for step in range(1, steps + 1):
        grads = _gradients(layers, features, target, scale, l2)
        for key, grad in grads.items():
            layers[key] -= _adam(grad, *moments[key], step, rate)
    return layers


def _initial(width: int, hidden: int, classes: int) -> Layers:
    rng = np.random.default_rng(0)
    return {
        "w1": (rng.standard_normal((width, hidden)) * np.sqrt(2 / width)).astype(np.float32),
        "b1": np.zeros(hidden, dtype=np.float32),
        "w2": (rng.standard_normal((hidden, classes)) * np.sqrt(1 / hidden)).astype(np.float32),
        "b2": np.zeros(classes, dtype=np.float32),
    }


def _gradients(layers: Layers, features: Array, target: Array, scale: Array, l2: float) -> Layers:
    before = features @ layers["w1"] + layers["b1"]
    hidden = np.maximum(before, 0)
    error = (softmax(hidden @ layers["w2"] + layers["b2"]) - target) * scale
    back = (error @ layers["w2"].T) * (before > 0)
    return {
        "w1": features.T @ back + l2 * layers["w1"],
        "b1": back.sum(axis=0),
        "w2": hidden.T @ error + l2 * layers["w2"],
        "b2": error.sum(axis=0),
    }


def _adam(grad: Array, mean: Array, square: Array, step: int, rate: float) -> Array:
    mean *= 0.9
    mean += 0.1 * grad
    square *= 0.999
    square += 0.001 * grad**2
    corrected = mean / (1 - 0.9**step)
    update = rate * corrected / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)
    return np.asarray(update, dtype=np.float32)
