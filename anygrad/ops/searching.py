"""Searching functions (the Array API standard's category): where, nonzero, searchsorted.

``where`` is differentiable in both branches (the gradient masked by the condition);
``nonzero`` and ``searchsorted`` return indices and are not. The standard lists argmax,
argmin and count_nonzero here too; they live with the reductions they are built on
(:mod:`anygrad.ops.reduction`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import _make_tensor
from ._registry import OpSpec, register
from ._operands import promote_operands, unwrap

__all__ = ["where", "nonzero", "searchsorted"]


class Where(Function):
    @staticmethod
    def forward(ctx: Any, condition: Any, x: Any, y: Any) -> Any:
        ctx.save_for_backward(condition)
        return ctx.xp.where(condition, *promote_operands(ctx.xp, x, y))  # PyTorch's dtype

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (condition,) = ctx.saved_tensors
        xp = ctx.xp
        needs = ctx.needs_input_grad
        zero = xp.zeros_like(gy)
        gx = xp.where(condition, gy, zero) if needs[1] else None
        gyy = xp.where(condition, zero, gy) if needs[2] else None
        return None, gx, gyy


def where(condition: Any, x1: Any, x2: Any, /) -> Any:
    """Elements of ``x1`` where ``condition`` holds, else of ``x2``; gradients flow to both
    branches (masked)."""
    return Where.apply(condition, x1, x2)


def _where_inputs(rng: Any, dtype: str) -> list:
    shape = (3, 4)
    return [rng.random(shape) > 0.5, rng.uniform(-2, 2, shape).astype(dtype),
            rng.uniform(-2, 2, (4,)).astype(dtype)]


register(OpSpec("where", where, ref=np.where, nin=3, make_inputs=_where_inputs,
                grad_inputs=(1, 2), category="selection", method=None))


def nonzero(x: Any, /, *, as_tuple: bool = True) -> Any:
    """Indices of the non-zero elements: a tuple of 1-D tensors (one per axis, the Array API)
    or, with ``as_tuple=False``, one ``(n, x.ndim)`` tensor (PyTorch's default)."""
    (arr,), backend = unwrap((x,), "nonzero")
    xp = backend.xp
    if len(arr.shape) == 0:
        raise ValueError("nonzero: expected a tensor with at least one dimension, got a 0-d one")
    parts = tuple(xp.nonzero(arr))
    if as_tuple:
        return tuple(_make_tensor(p, backend) for p in parts)
    return _make_tensor(xp.stack(parts, axis=1), backend)


register(OpSpec("nonzero", nonzero, harness=lambda x: nonzero(x, as_tuple=False),
                ref=lambda x: np.stack(np.nonzero(x), axis=1), differentiable=False,
                twice_differentiable=False, category="indexing", method=None,
                make_inputs=lambda rng, dtype: [(rng.random((3, 4)) > 0.5).astype(dtype)]))


def searchsorted(
    x1: Any, x2: Any, /, *, side: str = "left", sorter: Any = None, right: bool | None = None,
) -> Any:
    """Indices where ``x2``'s elements would be inserted into the sorted 1-D ``x1`` to keep
    it sorted (not differentiable); PyTorch's ``right=True`` means ``side="right"``."""
    if right is not None:
        side = "right" if right else "left"
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    arrays, backend = unwrap((x1, x2, sorter), "searchsorted")
    a, v, s = arrays
    if type(v) in (int, float):
        v = backend.xp.asarray(v, dtype=a.dtype, device=backend.device_of(a))
    return _make_tensor(backend.xp.searchsorted(a, v, side=side, sorter=s), backend)


register(OpSpec("searchsorted", searchsorted, harness=lambda a, v: searchsorted(a, v),
                ref=lambda a, v: np.searchsorted(a, v), nin=2, differentiable=False,
                twice_differentiable=False, category="sorting",
                make_inputs=lambda rng, dtype: [np.sort(rng.uniform(-2, 2, 6)).astype(dtype),
                                                rng.uniform(-3, 3, 5).astype(dtype)]))
