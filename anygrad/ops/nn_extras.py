"""PyTorch's top-level neural-network operations that the Array API standard does not have:
``hardshrink``, ``prelu`` and the distances ``dist``, ``cdist`` and ``pdist``.

As in ``torch_extras``, each is one registry entry: ``anygrad.<name>`` and the Tensor
method come from it (``anygrad/_faces.py``), and the operations stay out of
:data:`anygrad.ops.__all__`, so the standard namespace keeps to the standard's names.
Their ``nn.functional`` spellings (``F.hardshrink``, ``F.prelu``, ``F.pdist``) are aliases
of these entries. ``hardshrink`` and ``prelu`` are one node each with PyTorch's name; the
distances are composed of :func:`~anygrad.linalg.vector_norm` (gradient 0 at a zero
distance, as PyTorch's).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register
from .arithmetic import add, clip, multiply, sqrt, subtract
from .indexing import take
from .linalg import matmul, matrix_transpose, vector_norm
from .reduction import sum as _sum
from .shape import expand_dims, reshape

__all__ = ["hardshrink", "prelu", "dist", "cdist", "pdist"]


def _mask(xp: Any, cond: Any, like: Any) -> Any:
    return xp.astype(cond, like.dtype)


def _outside(xp: Any, x: Any, lambd: float) -> Any:
    return xp.logical_or(x > lambd, x < -lambd)


# -- hardshrink ------------------------------------------------------------------------------
class Hardshrink(Function):
    """``x`` where ``|x| > lambd``, else 0; the gradient is the same 0/1 mask."""

    @staticmethod
    def forward(ctx: Any, x: Any, lambd: float) -> Any:
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        return xp.where(_outside(xp, x, lambd), x, xp.zeros_like(x))

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy * _mask(ctx.xp, _outside(ctx.xp, x, ctx.lambd), gy), None


def hardshrink(x: Any, /, lambd: float = 0.5) -> Any:
    """Hard shrinkage: ``x`` where ``|x| > lambd``, else 0 (one ``HardshrinkBackward0`` node).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.hardshrink(anygrad.tensor([-1.0, 0.2, 0.7]))
    tensor([-1.0000,  0.0000,  0.7000])
    """
    return Hardshrink.apply(x, float(lambd))


def _away_from(rng: Any, dtype: str, kinks: tuple, shape: tuple = (2, 3)) -> list:
    """Values in (-2, 2) at least 0.1 away from each kink (no finite difference straddles
    one)."""
    x = rng.uniform(-2.0, 2.0, shape)
    for k in kinks:
        near = np.abs(x - k) < 0.1
        x = np.where(near, x + np.where(x < k, -0.1, 0.1), x)
    return [x.astype(dtype)]


register(OpSpec("hardshrink", hardshrink, method="hardshrink", category="activation",
                ref=lambda x, lambd=0.5: np.where(np.abs(x) > lambd, x, 0.0),
                make_inputs=lambda rng, dtype: _away_from(rng, dtype, (-0.5, 0.5)),
                notes="gradient 0 inside [-lambd, lambd]"))


# -- prelu -----------------------------------------------------------------------------------
class PreluKernel(Function):
    """``x`` where ``x > 0``, else ``weight * x``, with ``weight`` already shaped to
    broadcast against ``x`` (its gradient is summed back to that shape by the engine)."""

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any) -> Any:
        ctx.save_for_backward(x, w)
        return ctx.xp.where(x > 0, x, w * x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, w = ctx.saved_tensors
        m = _mask(ctx.xp, x > 0, gy)
        needs = ctx.needs_input_grad
        gx = gy * (m + (1.0 - m) * w) if needs[0] else None
        gw = gy * x * (1.0 - m) if needs[1] else None
        return gx, gw


def prelu(x: Any, weight: Any, /) -> Any:
    """Parametric ReLU: ``x`` where ``x > 0``, else ``weight * x``, with one slope per
    channel (dimension 1; a 0-d or 1-d input has one channel) or one slope for all.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.prelu(anygrad.tensor([[-2.0, 3.0]]), anygrad.tensor([0.25]))
    tensor([[-0.5000,  3.0000]])
    """
    wshape = tuple(weight.shape)
    if len(wshape) > 1:
        raise RuntimeError(
            f"prelu: expected `weight` to be a scalar or 1D tensor, got ndim = {len(wshape)}"
        )
    n = math.prod(wshape)
    shape = tuple(x.shape)
    channels = shape[1] if len(shape) >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(
            f"prelu: mismatch of parameter numbers and input channel size: expected 1 or "
            f"{channels} parameters (the input's channel size), got {n}"
        )
    if len(shape) >= 2:
        # PyTorch views the weight as (C, 1, ..., 1) first (a ViewBackward0 node).
        weight = reshape(weight, (n,) + (1,) * (len(shape) - 2))
    elif wshape != ():
        weight = reshape(weight, ())
    return PreluKernel.apply(x, weight)


def _prelu_inputs(rng: Any, dtype: str, variant: int) -> list:
    (x,) = _away_from(rng, dtype, (0.0,), (2, 3, 4))
    c = 3 if variant == 0 else 1
    return [x, rng.uniform(0.1, 0.9, (c,)).astype(dtype)]


register(OpSpec("prelu", prelu, nin=2, method="prelu", category="activation",
                ref=lambda x, w: np.where(x > 0, x, (w.reshape(-1, 1) if w.size > 1 else w) * x),
                make_inputs=_prelu_inputs, kwargs=({}, {}),
                notes="one slope per channel (dimension 1) or one for all; the slopes get a "
                      "gradient"))


# -- distances -------------------------------------------------------------------------------
def _check_p(op: str, p: float) -> None:
    if not p >= 0:
        raise RuntimeError(f"{op}: only supports non-negative p values, got p={p}")


def dist(x: Any, other: Any, /, p: float = 2) -> Any:
    """The ``p``-norm of ``x - other`` (broadcasting), over all elements.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.dist(anygrad.tensor([1.0, 2.0]), anygrad.tensor([4.0, 6.0]))
    tensor(5.)
    """
    return vector_norm(subtract(x, other), ord=float(p))


def _norm_ref(d: Any, p: float, axis: Any = None) -> Any:
    a = np.abs(d)
    if p == 0:
        return np.sum(a != 0, axis=axis).astype(d.dtype)
    if p == math.inf:
        return np.max(a, axis=axis)
    return np.sum(a ** p, axis=axis) ** (1.0 / p)


register(OpSpec("dist", dist, nin=2, method="dist", category="linalg", shapes="broadcast",
                ref=lambda x, y, p=2: _norm_ref(x - y, p),
                kwargs=({}, {"p": 1}, {"p": 3.0}, {"p": math.inf}),
                notes="gradient 0 where the inputs are equal"))


def cdist(x1: Any, x2: Any, /, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Any:
    """The ``p``-norm distance between each row of ``x1`` ``(..., P, M)`` and each row of
    ``x2`` ``(..., R, M)``: a ``(..., P, R)`` result (batch dimensions broadcast).

    ``compute_mode`` chooses as in PyTorch: for ``p=2`` with more than 25 rows on either
    side (``'use_mm_for_euclid_dist_if_necessary'``, the default) or always
    (``'use_mm_for_euclid_dist'``), the squared distances come from one matrix product,
    ``|a|^2 - 2 a.b + |b|^2`` (no ``(P, R, M)`` intermediate; close points lose digits to
    cancellation, as in PyTorch); otherwise from the differences themselves.

    Examples
    --------
    >>> import anygrad
    >>> a = anygrad.tensor([[0.0, 0.0], [1.0, 1.0]])
    >>> anygrad.cdist(a, anygrad.tensor([[3.0, 4.0]]))
    tensor([[5.0000],
            [3.6056]])
    """
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    if len(s1) < 2 or len(s2) < 2:
        raise RuntimeError(
            f"cdist: only supports at least 2D tensors, got x1 of {len(s1)}D and x2 of "
            f"{len(s2)}D"
        )
    if s1[-1] != s2[-1]:
        raise RuntimeError(
            f"cdist: x1 and x2 must have the same number of columns, got x1: {s1[-1]} and "
            f"x2: {s2[-1]}"
        )
    _check_p("cdist", p)
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
             "donot_use_mm_for_euclid_dist")
    if compute_mode not in modes:
        raise ValueError(f"cdist: compute_mode must be one of {modes}, got {compute_mode!r}")
    if p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
            compute_mode == modes[0] and (s1[-2] > 25 or s2[-2] > 25))):
        n1 = _sum(multiply(x1, x1), axis=-1, keepdims=True)
        n2 = _sum(multiply(x2, x2), axis=-1, keepdims=True)
        d2 = add(subtract(n1, multiply(matmul(x1, matrix_transpose(x2)), 2.0)),
                 matrix_transpose(n2))
        # PyTorch's floor: a zero (or cancelled-negative) squared distance gives 0 with a
        # zero gradient instead of sqrt's infinite slope.
        return sqrt(clip(d2, 1e-30, None))
    d = subtract(expand_dims(x1, axis=-2), expand_dims(x2, axis=-3))
    return vector_norm(d, ord=float(p), axis=-1)


register(OpSpec("cdist", cdist, nin=2, category="linalg",
                shapes=lambda rng: ((2, 3, 4), (5, 4)),
                ref=lambda a, b, p=2.0, compute_mode=None: _norm_ref(
                    a[..., :, None, :] - b[..., None, :, :], p, -1),
                kwargs=({}, {"p": 1.0}, {"p": 3.0}, {"compute_mode": "use_mm_for_euclid_dist"}),
                notes="batch dimensions broadcast; gradient 0 at a zero distance; the "
                      "matrix-product form for p=2 as PyTorch chooses it"))


def pdist(x: Any, /, p: float = 2) -> Any:
    """The ``p``-norm distance between every pair of rows ``i < j`` of an ``(N, M)`` input,
    in row-major order of the pairs: ``N (N - 1) / 2`` values.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.pdist(anygrad.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]]))
    tensor([ 5., 10.,  5.])
    """
    shape = tuple(x.shape)
    if len(shape) != 2:
        raise RuntimeError(f"pdist: only supports 2D tensors, got: {len(shape)}D")
    _check_p("pdist", p)
    i, j = np.triu_indices(shape[0], 1)
    xp = x.xp
    dev = x.device
    rows_i = take(x, xp.asarray(i.astype(np.int64), device=dev), axis=0)
    rows_j = take(x, xp.asarray(j.astype(np.int64), device=dev), axis=0)
    return vector_norm(subtract(rows_i, rows_j), ord=float(p), axis=-1)


def _pdist_ref(x: Any, p: float = 2) -> Any:
    n = x.shape[0]
    return np.array([_norm_ref(x[a] - x[b], p) for a in range(n) for b in range(a + 1, n)])


register(OpSpec("pdist", pdist, category="linalg", shapes=lambda rng: ((4, 3),),
                ref=_pdist_ref, kwargs=({}, {"p": 1}, {"p": math.inf}),
                notes="pairs i < j in row-major order"))
