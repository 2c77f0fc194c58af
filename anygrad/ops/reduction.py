"""Reductions and statistics: sum, prod, mean, var, std, max, min, amax, amin, cumulative
sums and products, plus the non-differentiable argmax, argmin, all, any, count_nonzero.

Tie rules (as PyTorch): a full or ``axis=`` reduction (``max(x)``, ``amax``) shares the
gradient evenly among tied extrema; the PyTorch form ``max(x, dim)`` returns
``(values, indices)`` and sends the gradient to the returned (first) index only.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np
from array_api_compat import device as _device

from ..autograd.function import Function
from ..tensor import Tensor
from ._registry import OpSpec, register
from ._operands import nondifferentiable

__all__ = ["sum", "prod", "mean", "var", "std", "max", "min", "amax", "amin",
           "cumulative_sum", "cumulative_prod", "argmax", "argmin", "all", "any",
           "count_nonzero"]

_sum = __builtins__["sum"] if isinstance(__builtins__, dict) else __builtins__.sum
_max = __builtins__["max"] if isinstance(__builtins__, dict) else __builtins__.max

#: What ``max(x, dim)`` / ``min(x, dim)`` return (like ``torch.return_types.max``).
ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


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
        if not -ndim <= a < _max(ndim, 1):
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


def _kept(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _count_bools(xp: Any, x: Any, dtype: Any) -> Any:
    """Bool input as int64, so that sums of masks count (NumPy and PyTorch do; the Array API
    leaves bool sums undefined and array-api-strict rejects them)."""
    if dtype is None and x.dtype == xp.bool:
        return xp.astype(x, xp.int64)
    return x


class Sum(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, keepdims: bool, dtype: Any = None) -> Any:
        ctx.shape = tuple(x.shape)
        ctx.axes = axes
        ctx.keepdims = keepdims
        return ctx.xp.sum(_count_bools(ctx.xp, x, dtype), axis=axes, keepdims=keepdims,
                          dtype=dtype)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return expand_reduced(ctx.xp, gy, ctx.shape, ctx.axes, ctx.keepdims), None, None, None


# PyTorch numbers its reductions' nodes by overload: 0 over everything, 1 over given dims.
class SumDim(Sum):
    def name(self) -> str:
        return "SumBackward1"


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
    native = None if dtype is None else _backend_of(x).to_native(dtype)
    node = Sum if axis is None else SumDim
    return node.apply(x, normalize_axis(axis, len(_shape(x)), "sum"), keepdims, native)


_AXES = ({}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)})

register(OpSpec("sum", sum, ref=lambda x, **k: np.sum(x, **k), method="sum", category="reduction",
                kwargs=_AXES, torch_args=("dim", "keepdim")))


class Prod(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, keepdims: bool, dtype: Any = None) -> Any:
        xp = ctx.xp
        ctx.shape, ctx.axes, ctx.keepdims = tuple(x.shape), axes, keepdims
        out = xp.asarray(xp.prod(x, axis=axes, keepdims=keepdims, dtype=dtype))
        zero = x == 0
        ctx.has_zero = bool(xp.any(zero))
        if ctx.has_zero:
            # Zeros are constants of the backward: which groups hold none, or exactly one.
            count = xp.sum(xp.astype(zero, xp.int64), axis=axes, keepdims=True)
            ctx.zero = zero
            ctx.no_zero = xp.broadcast_to(count == 0, x.shape)
            ctx.single = zero & (count == 1)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, out = ctx.saved_tensors
        xp = ctx.xp
        g = expand_reduced(xp, gy, ctx.shape, ctx.axes, ctx.keepdims)
        if not ctx.has_zero:
            return g * expand_reduced(xp, out, ctx.shape, ctx.axes, ctx.keepdims) / x, None, None, None
        # d prod / d x_i = product of the others: recomputed from the non-zero entries so
        # that one zero gets the product of the rest and groups with two zeros get 0.
        safe = xp.where(ctx.zero, xp.ones_like(x), x)
        p = xp.prod(safe, axis=ctx.axes, keepdims=True)
        zero = xp.zeros_like(g)
        gx = xp.where(ctx.no_zero, g * p / safe, xp.where(ctx.single, g * p, zero))
        return gx, None, None, None


class ProdDim(Prod):
    def name(self) -> str:
        return "ProdBackward1"


def prod(
    x: Any, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False,
    dim: Any = None, keepdim: bool | None = None,
) -> Any:
    """Product of elements over ``axis`` (all by default).

    The gradient is the product of the other elements, exact when the input holds zeros
    (one zero: the product of the rest; two or more: 0). The second derivative is exact
    where the reduced group holds no zero.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.prod(anygrad.tensor([1.0, 2.0, 3.0]))
    tensor(6.)
    """
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    native = None if dtype is None else _backend_of(x).to_native(dtype)
    node = Prod if axis is None else ProdDim
    return node.apply(x, normalize_axis(axis, len(_shape(x)), "prod"), keepdims, native)


register(OpSpec("prod", prod, ref=lambda x, **k: np.prod(x, **k), method="prod",
                category="reduction", kwargs=_AXES,
                notes="exact gradient with zeros in the input (one or several)", torch_args=("dim", "keepdim")))


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
        return expand_reduced(ctx.xp, gy / _max(n, 1), ctx.shape, ctx.axes, ctx.keepdims), None, None


class MeanDim(Mean):
    def name(self) -> str:
        return "MeanBackward1"


def mean(
    x: Any, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,
    keepdim: bool | None = None, dtype: Any = None,
) -> Any:
    """Arithmetic mean over ``axis`` (all by default)."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    if dtype is not None:
        from .conversion import astype

        x = astype(x, dtype)
    node = Mean if axis is None else MeanDim
    return node.apply(x, normalize_axis(axis, len(_shape(x)), "mean"), keepdims)


register(OpSpec("mean", mean, ref=lambda x, **k: np.mean(x, **k), method="mean",
                category="reduction",
                kwargs=({}, {"axis": 1}, {"axis": 0, "keepdims": True}, {"axis": (0, -1)}), torch_args=("dim", "keepdim")))


class Var(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, correction: float, keepdims: bool, std: bool) -> Any:
        xp = ctx.xp
        ctx.shape, ctx.axes, ctx.keepdims = tuple(x.shape), axes, keepdims
        ctx.denom = math.prod(ctx.shape[a] for a in axes) - correction
        ctx.std = std
        f = xp.std if std else xp.var
        out = xp.asarray(f(x, axis=axes, correction=correction, keepdims=keepdims))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, out = ctx.saved_tensors
        xp = ctx.xp
        g = expand_reduced(xp, gy, ctx.shape, ctx.axes, ctx.keepdims)
        centered = x - xp.mean(x, axis=ctx.axes, keepdims=True)
        if ctx.std:
            s = expand_reduced(xp, out, ctx.shape, ctx.axes, ctx.keepdims)
            return g * centered / (s * ctx.denom), None, None, None, None
        return g * centered * (2.0 / ctx.denom), None, None, None, None

    def name(self) -> str:
        return "StdBackward0" if self.std else "VarBackward0"


def _correction(correction: Any, unbiased: Any) -> float:
    if unbiased is not None:
        if correction is not None:
            raise TypeError("pass either correction or unbiased, not both")
        return 1.0 if unbiased else 0.0
    return 0.0 if correction is None else correction


def var(
    x: Any, /, *, axis: Any = None, correction: Any = None, keepdims: bool = False,
    dim: Any = None, keepdim: bool | None = None, unbiased: bool | None = None,
) -> Any:
    """Variance over ``axis``: ``sum((x - mean)**2) / (N - correction)``.

    ``correction`` defaults to 0 as in the Array API; PyTorch's ``unbiased=True`` means
    ``correction=1`` (the Tensor method ``x.var()`` defaults to it, as PyTorch).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.var(anygrad.tensor([1.0, 2.0, 3.0, 4.0]), correction=1)
    tensor(1.6667)
    """
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return Var.apply(x, normalize_axis(axis, len(_shape(x)), "var"),
                     _correction(correction, unbiased), keepdims, False)


register(OpSpec("var", var, ref=lambda x, correction=0.0, **k: np.var(x, ddof=correction, **k),
                method="var", category="reduction",
                kwargs=({}, {"axis": 0, "correction": 1}, {"axis": -1, "keepdims": True})))


def std(
    x: Any, /, *, axis: Any = None, correction: Any = None, keepdims: bool = False,
    dim: Any = None, keepdim: bool | None = None, unbiased: bool | None = None,
) -> Any:
    """Standard deviation over ``axis`` (``correction``/``unbiased`` as :func:`var`).

    The gradient is undefined (NaN, as PyTorch) where all reduced elements are equal.
    """
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return Var.apply(x, normalize_axis(axis, len(_shape(x)), "std"),
                     _correction(correction, unbiased), keepdims, True)


register(OpSpec("std", std, ref=lambda x, correction=0.0, **k: np.std(x, ddof=correction, **k),
                method="std", category="reduction",
                kwargs=({}, {"axis": 0, "correction": 1}, {"axis": -1, "keepdims": True}),
                notes="gradient undefined where all reduced elements are equal"))


# -- extrema -------------------------------------------------------------------------------
class Extremum(Function):
    """max/min/amax/amin over ``axes``; the gradient is shared evenly among ties."""

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, keepdims: bool, is_max: bool) -> Any:
        xp = ctx.xp
        ctx.shape, ctx.axes, ctx.keepdims = tuple(x.shape), axes, keepdims
        f = xp.max if is_max else xp.min
        kept = xp.asarray(f(x, axis=axes, keepdims=True))
        # Where the extremum sits, and how many times: constants of the backward.
        mask = x == kept
        ctx.mask = mask
        ctx.count = xp.sum(xp.astype(mask, x.dtype), axis=axes, keepdims=True)
        return kept if keepdims else xp.reshape(kept, tuple(s for i, s in enumerate(x.shape) if i not in axes))

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        g = expand_reduced(xp, gy, ctx.shape, ctx.axes, ctx.keepdims)
        return xp.where(ctx.mask, g / ctx.count, xp.zeros_like(g)), None, None, None


# PyTorch's names: amax/amin (and the standard's max/min over axes, their equivalent), and
# max()/min() over everything (overload 1; overload 0 is max(x, dim) below).
class Amax(Extremum):
    pass


class Amin(Extremum):
    pass


class MaxAll(Extremum):
    def name(self) -> str:
        return "MaxBackward1"


class MinAll(Extremum):
    def name(self) -> str:
        return "MinBackward1"


class ExtremumDim(Function):
    """PyTorch's ``max(x, dim)``: values and indices; the gradient goes to the index."""

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int, keepdims: bool, is_max: bool) -> Any:
        xp = ctx.xp
        ctx.shape, ctx.axes, ctx.keepdims = tuple(x.shape), (axis,), keepdims
        arg = xp.argmax if is_max else xp.argmin
        idx = xp.asarray(arg(x, axis=axis, keepdims=True))
        n = x.shape[axis]
        pos = xp.reshape(xp.arange(n, device=_device(x)), (n,) + (1,) * (x.ndim - axis - 1))
        ctx.mask = pos == idx
        f = xp.max if is_max else xp.min
        values = xp.asarray(f(x, axis=axis, keepdims=keepdims))
        if not keepdims:
            idx = xp.reshape(idx, tuple(values.shape))
        idx = xp.astype(idx, xp.int64)
        ctx.mark_non_differentiable(idx)
        ctx.is_max = is_max
        return values, idx

    @staticmethod
    def backward(ctx: Any, gy: Any, gi: Any = None) -> Any:
        xp = ctx.xp
        g = expand_reduced(xp, gy, ctx.shape, ctx.axes, ctx.keepdims)
        return xp.where(ctx.mask, g, xp.zeros_like(g)), None, None, None

    def name(self) -> str:
        return "MaxBackward0" if self.is_max else "MinBackward0"


def _extremum(op: str, is_max: bool, x: Any, args: tuple, axis: Any, keepdims: bool,
              dim: Any, keepdim: Any) -> Any:
    if args:
        if isinstance(args[0], Tensor) or hasattr(args[0], "shape"):
            # torch.max(a, b): the elementwise maximum.
            from .. import ops

            return getattr(ops, "maximum" if is_max else "minimum")(x, args[0])
        if dim is not None or len(args) > 2:
            raise TypeError(f"{op}: expected at most (x, dim, keepdim), got {len(args) + 1} arguments")
        dim = args[0]
        if len(args) == 2:
            keepdim = args[1]
    ndim = len(_shape(x))
    if dim is not None:
        if not isinstance(dim, int):
            raise TypeError(f"{op}: dim must be an int, got {dim!r}")
        (a,) = normalize_axis(dim, ndim, op)
        values, indices = ExtremumDim.apply(x, a, bool(keepdim), is_max)
        return ValuesIndices(values, indices)
    if keepdim is not None:
        keepdims = keepdim
    node = (MaxAll if is_max else MinAll) if axis is None else (Amax if is_max else Amin)
    return node.apply(x, normalize_axis(axis, ndim, op), bool(keepdims), is_max)


def max(  # noqa: A001 - the Array API name
    x: Any, /, *args: Any, axis: Any = None, keepdims: bool = False, dim: Any = None,
    keepdim: bool | None = None,
) -> Any:
    """Maximum over ``axis`` (Array API), or ``(values, indices)`` along ``dim`` (PyTorch).

    ``max(x)`` and ``max(x, axis=...)`` return the values and share the gradient evenly
    among ties; ``max(x, 1)`` or ``max(x, dim=1)`` return a ``(values, indices)``
    namedtuple and send the gradient to the returned (first) index, as PyTorch.
    ``max(x, y)`` with a tensor ``y`` is the elementwise ``maximum``.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([[1.0, 5.0], [7.0, 2.0]])
    >>> anygrad.max(x, axis=0)
    tensor([7., 5.])
    >>> anygrad.max(x, 1).indices
    tensor([1, 0])
    """
    return _extremum("max", True, x, args, axis, keepdims, dim, keepdim)


def min(  # noqa: A001 - the Array API name
    x: Any, /, *args: Any, axis: Any = None, keepdims: bool = False, dim: Any = None,
    keepdim: bool | None = None,
) -> Any:
    """Minimum; the same forms and tie rules as :func:`max`."""
    return _extremum("min", False, x, args, axis, keepdims, dim, keepdim)


_TIE_NOTES = "gradient shared evenly among ties; max(x, dim) sends it to the returned index"
register(OpSpec("max", max, ref=lambda x, **k: np.max(x, **k), method="max", category="reduction",
                kwargs=_AXES, notes=_TIE_NOTES))
register(OpSpec("min", min, ref=lambda x, **k: np.min(x, **k), method="min", category="reduction",
                kwargs=_AXES, notes=_TIE_NOTES))


def amax(x: Any, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,
         keepdim: bool | None = None) -> Any:
    """Maximum over ``axis`` (all by default); the gradient is shared evenly among ties."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return Amax.apply(x, normalize_axis(axis, len(_shape(x)), "amax"), keepdims, True)


def amin(x: Any, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,
         keepdim: bool | None = None) -> Any:
    """Minimum over ``axis`` (all by default); the gradient is shared evenly among ties."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return Amin.apply(x, normalize_axis(axis, len(_shape(x)), "amin"), keepdims, False)


register(OpSpec("amax", amax, ref=lambda x, **k: np.max(x, **k), method="amax",
                category="reduction", kwargs=_AXES, notes="gradient shared evenly among ties", torch_args=("dim", "keepdim")))
register(OpSpec("amin", amin, ref=lambda x, **k: np.min(x, **k), method="amin",
                category="reduction", kwargs=_AXES, notes="gradient shared evenly among ties", torch_args=("dim", "keepdim")))


# -- cumulative ----------------------------------------------------------------------------
def _rev_cumsum(xp: Any, g: Any, axis: int) -> Any:
    """``sum(g[j] for j >= i)`` along ``axis`` as total - cumsum + g: standard-only (no flip),
    and linear, so it differentiates again."""
    return xp.sum(g, axis=axis, keepdims=True) - xp.cumulative_sum(g, axis=axis) + g


def _drop_initial(g: Any, axis: int) -> Any:
    return g[(slice(None),) * axis + (slice(1, None), Ellipsis)]


class Cumsum(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axis: int, dtype: Any, include_initial: bool) -> Any:
        ctx.axis, ctx.initial = axis, include_initial
        return ctx.xp.cumulative_sum(_count_bools(ctx.xp, x, dtype), axis=axis, dtype=dtype,
                                     include_initial=include_initial)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        g = _drop_initial(gy, ctx.axis) if ctx.initial else gy
        return _rev_cumsum(ctx.xp, g, ctx.axis), None, None, None


def _cum_axis(x: Any, axis: Any, op: str) -> int:
    ndim = len(_shape(x))
    if axis is None:
        if ndim != 1:
            raise ValueError(f"{op}: axis is required for a tensor of dimension {ndim}, got None")
        return 0
    return normalize_axis(axis, ndim, op)[0]


def cumulative_sum(x: Any, /, *, axis: int | None = None, dtype: Any = None,
                   include_initial: bool = False, dim: int | None = None) -> Any:
    """Cumulative sum along ``axis`` (optional only for 1-D input), as the Array API.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cumulative_sum(anygrad.tensor([1.0, 2.0, 3.0]), include_initial=True)
    tensor([0., 1., 3., 6.])
    """
    axis = _cum_axis(x, dim if dim is not None else axis, "cumulative_sum")
    native = None if dtype is None else _backend_of(x).to_native(dtype)
    return Cumsum.apply(x, axis, native, bool(include_initial))


register(OpSpec("cumulative_sum", cumulative_sum, ref=lambda x, axis: np.cumsum(x, axis=axis),
                method="cumsum", category="reduction", kwargs=({"axis": 0}, {"axis": -1}), aliases=("cumsum",), inplace=True, torch_args=("dim",)))


class Cumprod(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axis: int, dtype: Any, include_initial: bool) -> Any:
        xp = ctx.xp
        ctx.axis, ctx.initial = axis, include_initial
        out = xp.cumulative_prod(x, axis=axis, dtype=dtype, include_initial=include_initial)
        ctx.has_zero = bool(xp.any(x == 0))
        if ctx.has_zero:
            # masks over (i, j) pairs placed at (axis, axis + 1): i == j and j >= i.
            n = x.shape[axis]
            r = xp.arange(n, device=_device(x))
            tail = (1,) * (x.ndim - axis - 1)
            col, row = xp.reshape(r, (n, 1)), xp.reshape(r, (1, n))
            ctx.diag = xp.reshape(col == row, (n, n) + tail)
            ctx.upper = xp.reshape(row >= col, (n, n) + tail)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, out = ctx.saved_tensors
        xp = ctx.xp
        a = ctx.axis
        if ctx.initial:
            gy, out = _drop_initial(gy, a), _drop_initial(out, a)
        if not ctx.has_zero:
            return _rev_cumsum(xp, gy * out, a) / x, None, None, None
        # Exact with zeros: gx_i = sum_{j >= i} gy_j prod_{k <= j, k != i} x_k, in O(n^2).
        shape = tuple(x.shape)
        inner = shape[:a] + (1,) + shape[a:]
        xi = xp.reshape(x, inner)
        c = xp.cumulative_prod(xp.where(ctx.diag, xp.ones_like(xi), xi), axis=a + 1)
        terms = c * xp.reshape(gy, inner)
        gx = xp.sum(xp.where(ctx.upper, terms, xp.zeros_like(terms)), axis=a + 1)
        return gx, None, None, None


def cumulative_prod(x: Any, /, *, axis: int | None = None, dtype: Any = None,
                    include_initial: bool = False, dim: int | None = None) -> Any:
    """Cumulative product along ``axis`` (optional only for 1-D input), as the Array API.

    The gradient is exact with zeros in the input (an O(n^2) path taken only then).
    """
    axis = _cum_axis(x, dim if dim is not None else axis, "cumulative_prod")
    native = None if dtype is None else _backend_of(x).to_native(dtype)
    return Cumprod.apply(x, axis, native, bool(include_initial))


register(OpSpec("cumulative_prod", cumulative_prod, ref=lambda x, axis: np.cumprod(x, axis=axis),
                method="cumprod", category="reduction", kwargs=({"axis": 0}, {"axis": -1}),
                notes="exact gradient with zeros in the input", aliases=("cumprod",), inplace=True, torch_args=("dim",)))


# -- non-differentiable --------------------------------------------------------------------
def argmax(x: Any, /, *, axis: int | None = None, keepdims: bool = False, dim: Any = None,
           keepdim: bool | None = None) -> Any:
    """Index of the (first) maximum over ``axis`` (of the flattened tensor when None)."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return nondifferentiable("argmax", x, axis=axis, keepdims=keepdims)


def argmin(x: Any, /, *, axis: int | None = None, keepdims: bool = False, dim: Any = None,
           keepdim: bool | None = None) -> Any:
    """Index of the (first) minimum over ``axis`` (of the flattened tensor when None)."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return nondifferentiable("argmin", x, axis=axis, keepdims=keepdims)


def all(x: Any, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,  # noqa: A001
        keepdim: bool | None = None) -> Any:
    """Whether all elements over ``axis`` are true (non-zero)."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return nondifferentiable("all", x, axis=_tuple(axis), keepdims=keepdims)


def any(x: Any, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,  # noqa: A001
        keepdim: bool | None = None) -> Any:
    """Whether any element over ``axis`` is true (non-zero)."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return nondifferentiable("any", x, axis=_tuple(axis), keepdims=keepdims)


def count_nonzero(x: Any, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,
                  keepdim: bool | None = None) -> Any:
    """Number of non-zero elements over ``axis``."""
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return nondifferentiable("count_nonzero", x, axis=_tuple(axis), keepdims=keepdims)


def _tuple(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


for _name, _ref in (("argmax", np.argmax), ("argmin", np.argmin)):
    register(OpSpec(_name, globals()[_name], ref=_ref, method=_name, category="reduction",
                    differentiable=False, twice_differentiable=False,
                    torch_args=("dim", "keepdim"),
                    kwargs=({}, {"axis": 0}, {"axis": -1, "keepdims": True})))
for _name, _ref in (("all", np.all), ("any", np.any), ("count_nonzero", np.count_nonzero)):
    register(OpSpec(_name, globals()[_name], ref=_ref, method=_name,
                    torch_args=("dim",) if _name == "count_nonzero" else ("dim", "keepdim"),
                    category="reduction", differentiable=False, twice_differentiable=False,
                    kwargs=({}, {"axis": 0}, {"axis": -1, "keepdims": True})))
del _name, _ref


def _shape(x: Any) -> tuple:
    return tuple(getattr(x, "shape", ()))


def _backend_of(x: Any) -> Any:
    from .. import _backend

    if isinstance(x, Tensor):
        return x._backend
    return _backend.backend_of_array(x) or _backend.get_default_backend()
