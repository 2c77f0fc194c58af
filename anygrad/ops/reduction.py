"""Reductions: sum and mean (the catalogue adds prod, var, std, max, min...)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register

__all__ = ["sum", "mean"]


def normalize_axis(axis: Any, ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` (None, int or tuple, negative allowed) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        axes = tuple(int(a) for a in axis)
    else:
        axes = (int(axis),)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"{op}: axis {a} is out of bounds for a tensor of dimension {ndim}")
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def expand_reduced(xp: Any, gy: Any, shape: tuple, axes: tuple, keepdims: bool) -> Any:
    """Broadcast a reduction's gradient back to the input's shape."""
    if not keepdims:
        kept = tuple(1 if i in axes else s for i, s in enumerate(shape))
        gy = xp.reshape(gy, kept)
    return xp.broadcast_to(gy, shape)


def _options(axis: Any, keepdims: bool, dim: Any, keepdim: Any) -> tuple[Any, bool]:
    """Accept PyTorch's ``dim``/``keepdim`` as aliases of ``axis``/``keepdims``."""
    if dim is not None:
        if axis is not None:
            raise TypeError("pass either axis or dim, not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    return axis, bool(keepdims)


class Sum(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, keepdims: bool, dtype: Any = None) -> Any:
        ctx.shape = tuple(x.shape)
        ctx.axes = axes
        ctx.keepdims = keepdims
        return ctx.xp.sum(x, axis=axes, keepdims=keepdims, dtype=dtype)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return expand_reduced(ctx.xp, gy, ctx.shape, ctx.axes, ctx.keepdims), None, None, None


def sum(  # noqa: A001 - the Array API name
    x: Any, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False,
    dim: Any = None, keepdim: bool | None = None,
) -> Any:
    """Sum of elements over ``axis`` (all by default).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.sum(anygrad.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    ndim = len(_shape(x))
    native = None
    if dtype is not None:
        native = _backend_of(x).to_native(dtype)
    return Sum.apply(x, normalize_axis(axis, ndim, "sum"), keepdims, native)


register(OpSpec("sum", sum, ref=lambda x, **k: np.sum(x, **k), method="sum", category="reduction",
                kwargs=({}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)})))


class Mean(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
        ctx.shape = tuple(x.shape)
        ctx.axes = axes
        ctx.keepdims = keepdims
        return ctx.xp.mean(x, axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        n = math.prod(ctx.shape[a] for a in ctx.axes)
        return expand_reduced(ctx.xp, gy / max(n, 1), ctx.shape, ctx.axes, ctx.keepdims), None, None


def mean(
    x: Any, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,
    keepdim: bool | None = None, dtype: Any = None,
) -> Any:
    """Arithmetic mean over ``axis`` (all by default)."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    if dtype is not None:
        from .conversion import astype

        x = astype(x, dtype)
    return Mean.apply(x, normalize_axis(axis, len(_shape(x)), "mean"), keepdims)


register(OpSpec("mean", mean, ref=lambda x, **k: np.mean(x, **k), method="mean",
                category="reduction",
                kwargs=({}, {"axis": 1}, {"axis": 0, "keepdims": True}, {"axis": (0, -1)})))


def _shape(x: Any) -> tuple:
    return tuple(getattr(x, "shape", ()))


def _backend_of(x: Any) -> Any:
    from .. import _backend
    from ..tensor import Tensor

    if isinstance(x, Tensor):
        return x._backend
    return _backend.backend_of_array(x) or _backend.get_default_backend()
