"""Sorting functions (the Array API standard's category, with PyTorch's topk): sort, argsort
and topk (differentiable values). searchsorted is in :mod:`anygrad.ops.searching`, the
unique_* functions and isin in :mod:`anygrad.ops.set_functions`.

A sort is a permutation of each slice, so its backward is a gather with the inverse
permutation: no scatter, and twice differentiable through ``take_along_axis``.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import _make_tensor
from ._registry import OpSpec, register
from ._operands import unwrap
from .shape import _axis

__all__ = ["sort", "argsort", "topk"]

SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])


def _argsort(xp: Any, x: Any, axis: int, descending: bool, stable: bool) -> Any:
    if not descending:
        return xp.argsort(x, axis=axis, stable=stable)
    # Backends disagree on the order of ties when descending (JAX reverses it); sorting the
    # reversed array ascending and reversing back keeps ties in index order, as PyTorch.
    n = x.shape[axis]
    idx = xp.argsort(xp.flip(x, axis=axis), axis=axis, stable=stable)
    return xp.flip((n - 1) - idx, axis=axis)


class Sort(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axis: int, descending: bool, stable: bool) -> Any:
        xp = ctx.xp
        idx = _argsort(xp, x, axis, descending, stable)
        ctx.axis, ctx.idx = axis, idx
        values = xp.take_along_axis(x, idx, axis=axis)
        ctx.mark_non_differentiable(idx)
        return values, idx

    @staticmethod
    def backward(ctx: Any, gv: Any, gi: Any) -> Any:
        raw = ctx._backend.xp
        inverse = raw.argsort(ctx.idx, axis=ctx.axis)
        return ctx.xp.take_along_axis(gv, inverse, axis=ctx.axis), None, None, None


def sort(
    x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True,
    dim: Any = None,
) -> Any:
    """Sorted values of ``x`` along ``axis`` (the Array API); with PyTorch's ``dim=``, the
    namedtuple ``(values, indices)``. Gradients flow to the values' original positions.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.sort(anygrad.tensor([3.0, 1.0, 2.0]))
    tensor([1., 2., 3.])
    >>> anygrad.sort(anygrad.tensor([3.0, 1.0, 2.0]), dim=0).indices
    tensor([1, 2, 0])
    """
    torch_style = dim is not None
    if torch_style:
        axis = dim
    (arr,), _ = unwrap((x,), "sort")
    ndim = len(arr.shape)
    if ndim == 0:
        from .indexing import getitem

        values = getitem(x, ())
        if torch_style:
            from ..creation import zeros_like

            return SortResult(values, zeros_like(values, dtype="int64"))
        return values
    values, indices = Sort.apply(x, _axis(axis, ndim, "sort"), bool(descending), bool(stable))
    return SortResult(values, indices) if torch_style else values


register(OpSpec("sort", sort, ref=lambda x, axis=-1, descending=False: (
    -np.sort(-x, axis=axis) if descending else np.sort(x, axis=axis)), category="sorting",
    method="sort", kwargs=({}, {"axis": 0}, {"descending": True}), shapes=lambda rng: ((3, 5),),
    notes="gradient moves to the original positions; ties follow the stable order", torch_args=("dim", "descending")))


def argsort(
    x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True, dim: Any = None,
) -> Any:
    """Indices that sort ``x`` along ``axis`` (not differentiable)."""
    if dim is not None:
        axis = dim
    (arr,), backend = unwrap((x,), "argsort")
    ndim = len(arr.shape)
    out = _argsort(backend.xp, arr, _axis(axis, ndim, "argsort"), bool(descending), bool(stable))
    return _make_tensor(out, backend)


register(OpSpec("argsort", argsort, ref=lambda x, axis=-1: np.argsort(x, axis=axis, kind="stable"),
                differentiable=False, twice_differentiable=False, category="sorting",
                method="argsort", kwargs=({}, {"axis": 0}), shapes=lambda rng: ((3, 5),), torch_args=("dim", "descending")))


def topk(
    x: Any, /, k: int, dim: int = -1, largest: bool = True, sorted: bool = True,  # noqa: A002
    *, axis: Any = None,
) -> Any:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, as PyTorch's
    namedtuple ``(values, indices)``; always returned in sorted order."""
    from .indexing import GatherAlong

    if axis is not None:
        dim = axis
    (arr,), backend = unwrap((x,), "topk")
    ndim = len(arr.shape)
    d = _axis(dim, ndim, "topk")
    n = arr.shape[d] if ndim else 1
    if not 0 <= k <= n:
        raise ValueError(f"topk: k={k} is out of range for dimension {d} of size {n}")
    xp = backend.xp
    idx = _argsort(xp, arr, d, bool(largest), True)
    idx = idx[(slice(None),) * d + (slice(0, k), Ellipsis)]
    return TopkResult(GatherAlong.apply(x, idx, d), _make_tensor(idx, backend))


register(OpSpec("topk", topk, harness=lambda x, **kw: topk(x, 2, **kw).values,
                ref=lambda x, largest=True: (-np.sort(-x, axis=-1) if largest else np.sort(x, axis=-1))[:, :2],
                category="sorting", method="topk", kwargs=({}, {"largest": False}),
                shapes=lambda rng: ((3, 5),), notes="tested as topk(x, 2).values"))


