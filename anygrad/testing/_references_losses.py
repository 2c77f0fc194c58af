"""NumPy float64 references and structured inputs for the margin, embedding and Gaussian
losses added for PyTorch coverage (``cosine_embedding_loss``, ``gaussian_nll_loss``,
``hinge_embedding_loss``, ``margin_ranking_loss``, the multi-class and multi-label margin
losses, the triplet losses).

Written from the textbook definitions, sample by sample where the definition is a sum
over classes, independently of the implementations. Merged into
:data:`anygrad.testing.REFERENCES` and :data:`anygrad.testing.INPUTS` by ``_references``.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

__all__ = ["REFERENCES", "INPUTS"]


def _red(loss: Any, reduction: str) -> Any:
    return {"mean": np.mean, "sum": np.sum}.get(reduction, lambda v: v)(loss)


def _signs(rng: Any, n: int) -> Any:
    return np.where(rng.random(n) < 0.5, -1, 1)


def _cosine_embedding_ref(x1: Any, x2: Any, t: Any, margin: float = 0.0,
                          reduction: str = "mean") -> Any:
    out = []
    for a, b, y in zip(x1, x2, t):
        cos = a @ b / math.sqrt((a @ a + 1e-12) * (b @ b + 1e-12))
        out.append(1 - cos if y == 1 else max(0.0, cos - margin))
    return _red(np.array(out), reduction)


def _cosine_embedding_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-2, 2, (4, 3)).astype(dtype), rng.uniform(-2, 2, (4, 3)).astype(dtype),
            _signs(rng, 4).astype(np.int64)]


def _gaussian_nll_ref(x: Any, t: Any, var: Any, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Any:
    if var.shape == x.shape[:-1]:
        var = var[..., None]
    v = np.maximum(var, eps)
    loss = 0.5 * (np.log(v) + (x - t) ** 2 / v)
    if full:
        loss = loss + 0.5 * np.log(2 * np.pi)
    return _red(loss, reduction)


def _gaussian_nll_inputs(rng: Any, dtype: str, variant: int) -> list:
    vshape = (3, 4) if variant != 1 else (3,)
    return [rng.uniform(-2, 2, (3, 4)).astype(dtype), rng.uniform(-2, 2, (3, 4)).astype(dtype),
            rng.uniform(0.3, 2.0, vshape).astype(dtype)]


def _hinge_embedding_ref(x: Any, t: Any, margin: float = 1.0, reduction: str = "mean") -> Any:
    return _red(np.where(t == 1, x, np.maximum(0.0, margin - x)), reduction)


def _hinge_embedding_inputs(rng: Any, dtype: str) -> list:
    x = rng.uniform(-2, 2, (3, 4))
    # Away from the kinks at margin = 1.0 (default) and 0.5 (variant).
    for k in (0.5, 1.0):
        x = np.where(np.abs(x - k) < 0.1, x + 0.25, x)
    return [x.astype(dtype), _signs(rng, 12).reshape(3, 4).astype(dtype)]


def _margin_ranking_ref(x1: Any, x2: Any, t: Any, margin: float = 0.0,
                        reduction: str = "mean") -> Any:
    return _red(np.maximum(0.0, -t * (x1 - x2) + margin), reduction)


def _margin_ranking_inputs(rng: Any, dtype: str) -> list:
    x1, x2 = rng.uniform(-2, 2, 6), rng.uniform(-2, 2, 6)
    t = _signs(rng, 6).astype(np.float64)
    for m in (0.0, 0.5):  # away from the kink for both margins tested
        z = -t * (x1 - x2) + m
        x1 = np.where(np.abs(z) < 0.1, x1 - t * 0.3, x1)
    return [x1.astype(dtype), x2.astype(dtype), t.astype(dtype)]


def _multi_margin_ref(x: Any, t: Any, weight: Any = None, p: int = 1, margin: float = 1.0,
                      reduction: str = "mean") -> Any:
    n, c = x.shape
    out = np.zeros(n)
    for i in range(n):
        y = t[i]
        for j in range(c):
            if j != y:
                h = max(0.0, margin - x[i, y] + x[i, j]) ** p
                out[i] += h * (1.0 if weight is None else weight[y])
    return _red(out / c, reduction)


def _multi_margin_inputs(rng: Any, dtype: str, variant: int) -> list:
    x = rng.uniform(-1, 1, (4, 5)).astype(dtype)
    t = np.array([0, 3, 4, 3], dtype=np.int64)
    if variant == 2:
        return [x, t, rng.uniform(0.5, 2.0, 5).astype(dtype)]
    return [x, t]


def _multilabel_margin_ref(x: Any, t: Any, reduction: str = "mean") -> Any:
    n, c = x.shape
    out = np.zeros(n)
    for i in range(n):
        labels = []
        for v in t[i]:
            if v == -1:
                break
            labels.append(int(v))
        for j in labels:
            for k in range(c):
                if k not in labels:
                    out[i] += max(0.0, 1.0 - (x[i, j] - x[i, k]))
    return _red(out / c, reduction)


def _multilabel_margin_inputs(rng: Any, dtype: str) -> list:
    t = np.array([[3, 0, -1, 1, 2], [1, 1, 4, -1, -1], [-1, 2, 0, 0, 0], [0, 1, 2, 3, 4]])
    return [rng.uniform(-1, 1, (4, 5)).astype(dtype), t.astype(np.int64)]


def _multilabel_soft_margin_ref(x: Any, t: Any, weight: Any = None,
                                reduction: str = "mean") -> Any:
    loss = t * np.logaddexp(0.0, -x) + (1 - t) * np.logaddexp(0.0, x)
    if weight is not None:
        loss = loss * weight
    return _red(loss.mean(axis=-1), reduction)


def _multilabel_soft_margin_inputs(rng: Any, dtype: str, variant: int) -> list:
    x, t = rng.uniform(-2, 2, (3, 4)).astype(dtype), rng.uniform(0, 1, (3, 4)).astype(dtype)
    return [x, t, rng.uniform(0.5, 2.0, 4).astype(dtype)] if variant == 1 else [x, t]


def _pnorm(d: Any, p: float) -> Any:
    return np.sum(np.abs(d) ** p, axis=-1) ** (1.0 / p)


def _triplet_ref(a: Any, pos: Any, neg: Any, margin: float = 1.0, p: float = 2,
                 eps: float = 1e-6, swap: bool = False, reduction: str = "mean") -> Any:
    d_pos = _pnorm(a - pos + eps, p)
    d_neg = _pnorm(a - neg + eps, p)
    if swap:
        d_neg = np.minimum(d_neg, _pnorm(pos - neg + eps, p))
    return _red(np.maximum(0.0, margin + d_pos - d_neg), reduction)


def _triplet_with_distance_ref(a: Any, pos: Any, neg: Any, margin: float = 1.0,
                               swap: bool = False, reduction: str = "mean") -> Any:
    return _triplet_ref(a, pos, neg, margin, 2, 1e-6, swap, reduction)


def _triplet_inputs(rng: Any, dtype: str) -> list:
    a = rng.uniform(-1, 1, (5, 3))
    # Positives near the anchor, negatives farther: both sides of the hinge occur.
    pos = a + rng.uniform(-0.6, 0.6, (5, 3))
    neg = a + rng.uniform(-1.5, 1.5, (5, 3))
    return [a.astype(dtype), pos.astype(dtype), neg.astype(dtype)]


def _linear_cross_entropy_ref(x: Any, w: Any, t: Any, reduction: str = "mean",
                              label_smoothing: float = 0.0) -> Any:
    logits = np.einsum("ni,c...i->nc...", x, w)
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    c = w.shape[0]
    if t.dtype.kind == "f":
        q = t
    else:
        q = np.eye(c)[t]
        q = np.moveaxis(q, -1, 1)
    q = q * (1 - label_smoothing) + label_smoothing / c
    return _red(-(q * logp).sum(axis=1), reduction)


def _linear_cross_entropy_inputs(rng: Any, dtype: str, variant: int) -> list:
    x = rng.uniform(-1, 1, (4, 3)).astype(dtype)
    if variant == 2:
        w = rng.uniform(-1, 1, (5, 2, 3)).astype(dtype)
        p = rng.uniform(0.1, 1, (4, 5, 2))
        return [x, w, (p / p.sum(axis=1, keepdims=True)).astype(dtype)]
    return [x, rng.uniform(-1, 1, (5, 3)).astype(dtype), np.array([0, 4, 2, 4])]


REFERENCES: dict[str, Callable[..., Any]] = {
    "nn.functional.linear_cross_entropy": _linear_cross_entropy_ref,
    "nn.functional.cosine_embedding_loss": _cosine_embedding_ref,
    "nn.functional.gaussian_nll_loss": _gaussian_nll_ref,
    "nn.functional.hinge_embedding_loss": _hinge_embedding_ref,
    "nn.functional.margin_ranking_loss": _margin_ranking_ref,
    "nn.functional.multi_margin_loss": _multi_margin_ref,
    "nn.functional.multilabel_margin_loss": _multilabel_margin_ref,
    "nn.functional.multilabel_soft_margin_loss": _multilabel_soft_margin_ref,
    "nn.functional.triplet_margin_loss": _triplet_ref,
    "nn.functional.triplet_margin_with_distance_loss": _triplet_with_distance_ref,
}

INPUTS: dict[str, Callable[..., Any]] = {
    "nn.functional.linear_cross_entropy": _linear_cross_entropy_inputs,
    "nn.functional.cosine_embedding_loss": _cosine_embedding_inputs,
    "nn.functional.gaussian_nll_loss": _gaussian_nll_inputs,
    "nn.functional.hinge_embedding_loss": _hinge_embedding_inputs,
    "nn.functional.margin_ranking_loss": _margin_ranking_inputs,
    "nn.functional.multi_margin_loss": _multi_margin_inputs,
    "nn.functional.multilabel_margin_loss": _multilabel_margin_inputs,
    "nn.functional.multilabel_soft_margin_loss": _multilabel_soft_margin_inputs,
    "nn.functional.triplet_margin_loss": _triplet_inputs,
    "nn.functional.triplet_margin_with_distance_loss": _triplet_inputs,
}
