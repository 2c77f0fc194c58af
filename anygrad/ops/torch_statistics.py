"""PyTorch's statistics: order statistics (median, kthvalue, mode, quantile), cumulative
extrema (cummax, cummin, logcumsumexp), aminmax, var/std with PyTorch's defaults and their
``*_mean`` forms, and counting (bincount, histc, histogram, histogramdd).

Values picked out of a slice (a median, a k-th value, a running maximum) are gathered at
their indices (:class:`~anygrad.ops.indexing.GatherAlong`), so the gradient goes to the
returned index and differentiates again; the indices themselves are found on raw arrays
with the standard's functions only (a stable sort, and a log-step scan for the running
extrema). Like :mod:`anygrad.ops.torch_extras`, these names are on ``anygrad`` and the
Tensor, not in the standard namespace.
"""

from __future__ import annotations

import builtins
import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..tensor import Tensor, _make_tensor
from ._operands import unwrap
from ._registry import OpSpec, register, register_torch_face
from .arithmetic import add, divide, multiply, subtract
from .comparison import isnan
from .exponential import logaddexp
from .indexing import GatherAlong, _scatter_any
from .reduction import amax, amin, mean, std, sum as _sum, var
from .searching import where
from .shape import _axis, concat, expand_dims, moveaxis, reshape, squeeze
from .sorting import Sort

__all__ = [
    "median", "nanmedian", "kthvalue", "mode", "quantile", "nanquantile", "msort", "cummax",
    "cummin", "logcumsumexp", "aminmax", "var_mean", "std_mean", "bincount", "histc",
    "histogram", "histogramdd",
]

median_result = namedtuple("median", ["values", "indices"])
nanmedian_result = namedtuple("nanmedian", ["values", "indices"])
kthvalue_result = namedtuple("kthvalue", ["values", "indices"])
mode_result = namedtuple("mode", ["values", "indices"])
cummax_result = namedtuple("cummax", ["values", "indices"])
cummin_result = namedtuple("cummin", ["values", "indices"])
aminmax_result = namedtuple("aminmax", ["min", "max"])
histogram_result = namedtuple("histogram", ["hist", "bin_edges"])
histogramdd_result = namedtuple("histogramdd", ["hist", "bin_edges"])


def _register(name: str, fn: Any, ref: Any, **kw: Any) -> None:
    kw.setdefault("method", name)
    kw.setdefault("category", "reduction")
    register(OpSpec(name, fn, ref=ref, **kw))


def _is_float(backend: Any, arr: Any) -> bool:
    return backend.dtype_of(arr.dtype).kind in "fc"


def _positions(xp: Any, n: int, axis: int, ndim: int, like: Any) -> Any:
    """``0..n-1`` laid along ``axis`` of an ``ndim``-dimensional array (broadcastable)."""
    r = xp.arange(n, dtype=xp.int64, device=like.device)
    return xp.reshape(r, tuple(n if d == axis else 1 for d in range(ndim)))


def _along(arr: Any, axis: int, key: slice) -> Any:
    return arr[(slice(None),) * axis + (key, Ellipsis)]


def _as_vector(x: Any, dim: Any, op: str) -> tuple:
    """``(x, axis, scalar)``: a 0-d ``x`` becomes a 1-element vector (PyTorch accepts dim 0
    or -1 there); ``dim`` is checked and normalised."""
    ndim = len(x.shape)
    axis = _axis(dim, ndim, op)
    if ndim == 0:
        return reshape(x, (1,)), 0, True
    return x, axis, False


def _pick(x: Any, idx: Any, axis: int, keepdim: bool, scalar: bool, backend: Any,
          result: Any) -> Any:
    """``(values, indices)`` of ``x`` at the raw keepdims-shaped ``idx`` along ``axis``."""
    values = GatherAlong.apply(x, idx, axis)
    xp = backend.xp
    if scalar or not keepdim:
        shape = () if scalar else tuple(values.shape[:axis] + values.shape[axis + 1:])
        values = reshape(values, shape)
        idx = xp.reshape(idx, shape)
    return result(values, _make_tensor(xp.astype(idx, xp.int64), backend))


def _sorted_index(backend: Any, arr: Any, axis: int, position: Any) -> Any:
    """The index in ``arr`` of the element at ``position(n, nan_count)`` of each slice's
    stable ascending order (NaN last); raw int64, keepdims-shaped."""
    xp = backend.xp
    n = arr.shape[axis]
    order = xp.astype(xp.argsort(arr, axis=axis, stable=True), xp.int64)
    if _is_float(backend, arr):
        nans = xp.sum(xp.astype(xp.isnan(arr), xp.int64), axis=axis, keepdims=True)
    else:
        nans = xp.zeros(tuple(1 if d == axis else s for d, s in enumerate(arr.shape)),
                        dtype=xp.int64, device=arr.device)
    k = xp.astype(position(xp, n, nans), xp.int64)
    return xp.take_along_axis(order, k, axis=axis)


def _check_nonempty(arr: Any, axis: int, op: str) -> None:
    if arr.shape[axis] == 0:
        raise IndexError(f"{op}: expected a non-empty dimension {axis}, got size 0")


# -- order statistics ------------------------------------------------------------------------
def _even_share(x: Any, value: Any, backend: Any) -> Any:
    """``value`` (raw, the result) as a function of ``x`` whose gradient is shared evenly
    among the elements equal to it (NaN counting as equal to a NaN result), as PyTorch's
    reductions to one element do; the forward value is ``value`` exactly."""
    xp = backend.xp
    arr = x._data if isinstance(x, Tensor) else x
    hit = (arr == value) | (xp.isnan(arr) & xp.isnan(value)) if _is_float(backend, arr) \
        else arr == value
    count = xp.sum(xp.astype(hit, arr.dtype))
    v = _make_tensor(value, backend)
    share = _sum(where(_make_tensor(hit, backend), subtract(x, v), 0.0))
    return add(v, divide(share, _make_tensor(count, backend)))


def _lower_median(nan_aware: bool) -> Any:
    def position(xp: Any, n: int, nans: Any) -> Any:
        if nan_aware:
            return xp.where(nans < n, (n - nans - 1) // 2, 0)
        # A slice with NaN: the position of its first NaN (sorted last), so NaN results.
        return xp.where(nans > 0, n - nans, (n - 1) // 2)
    return position


def _median(op: str, nan_aware: bool, result: Any, x: Any, dim: Any, keepdim: bool) -> Any:
    (arr,), backend = unwrap((x,), op)
    xp = backend.xp
    if dim is None:
        flat = xp.reshape(arr, (-1,))
        if flat.shape[0] == 0:
            return _make_tensor(xp.asarray(math.nan, dtype=arr.dtype, device=arr.device), backend)
        idx = _sorted_index(backend, flat, 0, _lower_median(nan_aware))
        value = xp.reshape(xp.take(flat, idx), ())
        if not isinstance(x, Tensor) or not x.requires_grad:
            return _make_tensor(value, backend)
        return _even_share(x, value, backend)
    x, axis, scalar = _as_vector(x, dim, op)
    arr = x._data
    _check_nonempty(arr, axis, op)
    idx = _sorted_index(backend, arr, axis, _lower_median(nan_aware))
    return _pick(x, idx, axis, keepdim, scalar, backend, result)


def median(x: Any, /, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median: of all elements (a 0-d tensor), or along ``dim`` as the namedtuple
    ``(values, indices)``. NaN if a reduced slice holds NaN.

    Without ``dim`` the gradient is shared evenly among the elements equal to the median;
    with ``dim`` it goes to the returned index (as PyTorch).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.median(anygrad.tensor([4.0, 1.0, 3.0, 2.0]))
    tensor(2.)
    >>> anygrad.median(anygrad.tensor([[4.0, 1.0, 3.0]]), 1)
    median(values=tensor([3.]), indices=tensor([2]))
    """
    return _median("median", False, median_result, x, dim, keepdim)


def nanmedian(x: Any, /, dim: Any = None, keepdim: bool = False) -> Any:
    """:func:`median` ignoring NaN (NaN only where a slice is all NaN).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.nanmedian(anygrad.tensor([4.0, anygrad.nan, 3.0, 2.0]))
    tensor(3.)
    """
    return _median("nanmedian", True, nanmedian_result, x, dim, keepdim)


def _median_ref(nan: bool) -> Any:
    def ref(x: Any, dim: Any = None, keepdim: bool = False) -> Any:
        a = np.reshape(x, -1) if dim is None else np.moveaxis(x, dim, -1)
        s = np.sort(a, axis=-1)
        n = s.shape[-1] - (np.isnan(s).sum(-1) if nan else 0)
        k = np.broadcast_to((np.maximum(n, 1) - 1) // 2, s.shape[:-1])
        out = np.take_along_axis(s, np.expand_dims(k, -1), -1)[..., 0]
        return np.expand_dims(out, dim) if keepdim else out
    return ref


def _nan_inputs(rng: Any, dtype: str) -> list:
    x = rng.permutation(20).reshape(4, 5).astype(dtype) / 4 - 2
    x.flat[[1, 7, 8]] = np.nan
    return [x]


_ORDER_SHAPES = lambda rng: ((4, 5),)  # noqa: E731
_register("median", median, _median_ref(False),
          harness=lambda x, **kw: median(x, **kw) if "dim" not in kw else median(x, **kw).values,
          kwargs=({}, {"dim": 0, "keepdim": True}), shapes=_ORDER_SHAPES,
          notes="lower median; without dim the gradient is shared among ties, with dim it "
                "goes to the returned index")
_register("nanmedian", nanmedian, _median_ref(True), make_inputs=_nan_inputs,
          harness=lambda x, **kw: nanmedian(x, **kw) if "dim" not in kw
          else nanmedian(x, **kw).values, kwargs=({"dim": 1},),
          notes="lower median of the non-NaN elements")


def kthvalue(x: Any, /, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The ``k``-th smallest element (1-based) along ``dim`` and its index, as the
    namedtuple ``(values, indices)``; the gradient goes to the index.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.kthvalue(anygrad.tensor([4.0, 1.0, 3.0]), 2)
    kthvalue(values=tensor(3.), indices=tensor(2))
    """
    x, axis, scalar = _as_vector(x, dim, "kthvalue")
    (arr,), backend = unwrap((x,), "kthvalue")
    n = arr.shape[axis]
    if isinstance(k, bool) or not 1 <= int(k) <= n:
        raise IndexError(f"kthvalue: k must be in [1, {n}] for dimension {dim} of size {n}, "
                         f"got {k}")
    k = int(k)
    idx = _sorted_index(backend, arr, axis, lambda xp, n, nans: nans * 0 + (k - 1))
    return _pick(x, idx, axis, keepdim, scalar, backend, kthvalue_result)


_register("kthvalue", kthvalue, lambda x, k, dim=-1: np.sort(x, axis=dim).take(k - 1, axis=dim),
          harness=lambda x, **kw: kthvalue(x, **kw).values, shapes=_ORDER_SHAPES,
          kwargs=({"k": 2},), notes="gradient to the returned index")


def mode(x: Any, /, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along ``dim`` (the smallest of equally frequent ones) and
    the index of its last occurrence, as the namedtuple ``(values, indices)``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.mode(anygrad.tensor([3.0, 1.0, 3.0, 1.0, 2.0]))
    mode(values=tensor(1.), indices=tensor(3))
    """
    x, axis, scalar = _as_vector(x, dim, "mode")
    (arr,), backend = unwrap((x,), "mode")
    _check_nonempty(arr, axis, "mode")
    xp = backend.xp
    n, ndim = arr.shape[axis], len(arr.shape)
    order = xp.astype(xp.argsort(arr, axis=axis, stable=True), xp.int64)
    s = xp.take_along_axis(arr, order, axis=axis)
    pos = _positions(xp, n, axis, ndim, arr)
    ends = xp.ones(tuple(1 if d == axis else e for d, e in enumerate(arr.shape)), dtype=xp.bool,
                   device=arr.device)
    differs = _along(s, axis, slice(1, None)) != _along(s, axis, slice(None, -1))
    starts = xp.concat((ends, differs), axis=axis)   # a run of equal values starts here
    last = xp.concat((differs, ends), axis=axis)     # ... or ends here
    zero = xp.zeros_like(pos)
    first_of_run = _scan_extreme(xp, xp.where(starts, pos, zero), axis, True)[0]
    count = xp.where(last, pos - first_of_run + 1, zero)
    # argmax returns the first maximum: the smallest of the most frequent values, and the
    # run's end is, in the stable order, its last occurrence in x.
    p = xp.argmax(count, axis=axis, keepdims=True)
    idx = xp.take_along_axis(order, xp.astype(p, xp.int64), axis=axis)
    return _pick(x, idx, axis, keepdim, scalar, backend, mode_result)


def _mode_ref(x: Any, dim: int = -1) -> Any:
    a = np.moveaxis(x, dim, -1)
    out = np.empty(a.shape[:-1])
    for i in np.ndindex(a.shape[:-1]):
        vals, counts = np.unique(a[i], return_counts=True)
        out[i] = vals[np.argmax(counts)]
    return out


def _mode_inputs(rng: Any, dtype: str) -> list:
    return [rng.integers(0, 3, (4, 6)).astype(dtype) + rng.integers(0, 2, (4, 1)) / 2]


_register("mode", mode, _mode_ref, harness=lambda x, **kw: mode(x, **kw).values,
          make_inputs=_mode_inputs, kwargs=({},), differentiable=False,
          twice_differentiable=False,
          notes="ties: the smallest value, its last index; gradient to that index (checked "
                "against PyTorch: finite differences cannot see it, the inputs repeat)")


# -- quantiles -------------------------------------------------------------------------------
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(op: str, ignore_nan: bool, x: Any, q: Any, dim: Any, keepdim: bool,
              interpolation: str) -> Any:
    (arr,), backend = unwrap((x,), op)
    xp = backend.xp
    if backend.dtype_of(arr.dtype).kind != "f":
        raise TypeError(f"{op}: expected a floating input tensor, got dtype {x.dtype}")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{op}: interpolation must be one of {_INTERPOLATIONS}, got "
                         f"{interpolation!r}")
    if isinstance(q, Tensor):
        if q.dtype != x.dtype:
            raise TypeError(f"{op}: expected q of the input's dtype {x.dtype}, got {q.dtype}")
        if q.ndim > 1:
            raise ValueError(f"{op}: expected q to be a scalar or a 1-D tensor, got "
                             f"{q.ndim} dimensions")
        qs = [float(v) for v in np.ravel(q.tolist())]
        q_scalar = q.ndim == 0
    elif isinstance(q, (list, tuple)):
        qs, q_scalar = [float(v) for v in q], False
    else:
        qs, q_scalar = [float(q)], True
    if not all(0.0 <= v <= 1.0 for v in qs):
        raise ValueError(f"{op}: q values must be in the range [0, 1], got {qs}")
    ndim = len(arr.shape)
    if dim is None:
        x, axis = reshape(x, (-1,)), 0
    else:
        x, axis, scalar_in = _as_vector(x, dim, op)
    arr = x._data
    _check_nonempty(arr, axis, op)
    n = arr.shape[axis]
    values, _ = Sort.apply(x, axis, False, True)
    nans = xp.sum(xp.astype(xp.isnan(arr), xp.int64), axis=axis, keepdims=True)
    valid = n - nans
    qv = xp.reshape(xp.asarray(qs, dtype=arr.dtype, device=arr.device),
                    tuple(len(qs) if d == axis else 1 for d in range(len(arr.shape))))
    if ignore_nan:
        rank = qv * xp.astype(valid - 1, arr.dtype)
        rank = xp.where(valid == 0, xp.asarray(n - 1, dtype=arr.dtype, device=arr.device), rank)
    else:
        # A slice with NaN gives NaN: the rank of its last element (a NaN, sorted last).
        rank = xp.where(nans > 0, xp.asarray(n - 1, dtype=arr.dtype, device=arr.device),
                        qv * (n - 1))
    if interpolation == "nearest":
        rank = xp.round(rank)
    lo = xp.astype(xp.floor(rank), xp.int64)
    hi = xp.astype(xp.ceil(rank), xp.int64)
    if interpolation in ("lower", "nearest"):
        out = GatherAlong.apply(values, lo, axis)
    elif interpolation == "higher":
        out = GatherAlong.apply(values, hi, axis)
    else:
        below, above = GatherAlong.apply(values, lo, axis), GatherAlong.apply(values, hi, axis)
        w = 0.5 if interpolation == "midpoint" else _make_tensor(rank - xp.floor(rank), backend)
        out = add(below, multiply(subtract(above, below), w))
    out = moveaxis(out, axis, 0)                      # q first, as PyTorch
    if keepdim:
        if dim is None:
            out = reshape(out, (len(qs),) + (1,) * ndim)
        else:
            out = expand_dims(out, axis=axis + 1)
    if q_scalar:
        out = reshape(out, tuple(out.shape[1:]))
    return out


def quantile(x: Any, /, q: Any, dim: Any = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Any:
    """The ``q``-th quantiles of ``x`` along ``dim`` (of all elements by default).

    ``q`` is a number in [0, 1] or a 1-D tensor of them, whose dimension then comes first
    in the result. Between two data points ``interpolation`` is ``'linear'``, ``'lower'``,
    ``'higher'``, ``'midpoint'`` or ``'nearest'`` (ties to even). NaN where a slice holds
    NaN. Differentiable (through the sort).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.quantile(anygrad.tensor([1.0, 2.0, 4.0, 8.0]), 0.5)
    tensor(3.)
    >>> anygrad.quantile(anygrad.tensor([1.0, 2.0, 4.0, 8.0]), anygrad.tensor([0.0, 1.0]))
    tensor([1., 8.])
    """
    return _quantile("quantile", False, x, q, dim, keepdim, interpolation)


def nanquantile(x: Any, /, q: Any, dim: Any = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Any:
    """:func:`quantile` of the elements that are not NaN (NaN where a slice is all NaN).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.nanquantile(anygrad.tensor([1.0, anygrad.nan, 3.0]), 0.5)
    tensor(2.)
    """
    return _quantile("nanquantile", True, x, q, dim, keepdim, interpolation)


def _quantile_ref(f: Any) -> Any:
    def ref(x: Any, q: Any, dim: Any = None, keepdim: bool = False,
            interpolation: str = "linear") -> Any:
        return f(x, q, axis=dim, keepdims=keepdim, method=interpolation)
    return ref


# The other interpolations and q shapes: tests/ops/test_torch_statistics.py, against PyTorch.
_QUANTILE_KW = ({"q": [0.25, 0.5, 0.9], "dim": 1},
                {"q": 0.4, "dim": 0, "keepdim": True, "interpolation": "midpoint"})
_register("quantile", quantile, _quantile_ref(np.quantile), shapes=_ORDER_SHAPES,
          kwargs=_QUANTILE_KW, notes="gradient through the sort to the two neighbours")
_register("nanquantile", nanquantile, _quantile_ref(np.nanquantile), make_inputs=_nan_inputs,
          kwargs=({"q": [0.25, 0.75], "dim": 1},))


def msort(x: Any, /) -> Any:
    """``x`` sorted along its first dimension (``sort(x, dim=0).values``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.msort(anygrad.tensor([[3.0, 1.0], [2.0, 4.0]]))
    tensor([[2., 1.],
            [3., 4.]])
    """
    if len(x.shape) == 0:
        return Sort.apply(reshape(x, (1,)), 0, False, True)[0].reshape(())
    return Sort.apply(x, 0, False, True)[0]


_register("msort", msort, lambda x: np.sort(x, axis=0), category="sorting",
          shapes=_ORDER_SHAPES)


# -- cumulative extrema ---------------------------------------------------------------------
def _scan_extreme(xp: Any, v: Any, axis: int, is_max: bool) -> tuple:
    """The running maximum (or minimum) of the raw ``v`` along ``axis`` and where it was
    last reached, in ceil(log2 n) passes of standard operations. NaN wins and stays, as in
    PyTorch; among equal values the later index wins."""
    n, ndim = v.shape[axis], len(v.shape)
    idx = xp.broadcast_to(_positions(xp, n, axis, ndim, v), tuple(v.shape))
    floating = xp.isdtype(v.dtype, "real floating")
    s = 1
    while s < n:
        prev_v = xp.concat((_along(v, axis, slice(0, s)), _along(v, axis, slice(None, -s))), axis=axis)
        prev_i = xp.concat((_along(idx, axis, slice(0, s)), _along(idx, axis, slice(None, -s))), axis=axis)
        later = v >= prev_v if is_max else v <= prev_v
        if floating:
            later = xp.isnan(v) | (later & ~xp.isnan(prev_v))
        take_prev = ~later & (_positions(xp, n, axis, ndim, v) >= s)
        v = xp.where(take_prev, prev_v, v)
        idx = xp.where(take_prev, prev_i, idx)
        s *= 2
    return v, idx


def _cum_extreme(op: str, is_max: bool, result: Any, x: Any, dim: int) -> Any:
    x, axis, scalar = _as_vector(x, dim, op)
    (arr,), backend = unwrap((x,), op)
    if arr.shape[axis] == 0:
        xp = backend.xp
        return result(x, _make_tensor(xp.zeros(tuple(arr.shape), dtype=xp.int64,
                                                device=arr.device), backend))
    _, idx = _scan_extreme(backend.xp, arr, axis, is_max)
    return _pick(x, idx, axis, True, scalar, backend, result)


def cummax(x: Any, /, dim: int) -> Any:
    """The running maximum along ``dim`` and the index where it was (last) reached, as the
    namedtuple ``(values, indices)``; NaN propagates. The gradient goes to the indices.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cummax(anygrad.tensor([1.0, 3.0, 2.0, 5.0]), 0)
    cummax(values=tensor([1., 3., 3., 5.]), indices=tensor([0, 1, 1, 3]))
    """
    return _cum_extreme("cummax", True, cummax_result, x, dim)


def cummin(x: Any, /, dim: int) -> Any:
    """The running minimum along ``dim`` and its index; as :func:`cummax`.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cummin(anygrad.tensor([3.0, 1.0, 2.0, 0.0]), 0).values
    tensor([3., 1., 1., 0.])
    """
    return _cum_extreme("cummin", False, cummin_result, x, dim)


_register("cummax", cummax, lambda x, dim: np.maximum.accumulate(x, axis=dim),
          harness=lambda x, **kw: cummax(x, **kw).values, shapes=_ORDER_SHAPES,
          kwargs=({"dim": 1},), notes="gradient to the running maximum's index")
_register("cummin", cummin, lambda x, dim: np.minimum.accumulate(x, axis=dim),
          harness=lambda x, **kw: cummin(x, **kw).values, shapes=_ORDER_SHAPES,
          kwargs=({"dim": 0},), notes="gradient to the running minimum's index")


def logcumsumexp(x: Any, /, dim: int) -> Any:
    """``log(cumsum(exp(x)))`` along ``dim``, without overflow or underflow: a log-step
    scan of :func:`logaddexp`, so every order of gradient follows.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.logcumsumexp(anygrad.tensor([0.0, 0.0, -1000.0]), 0)
    tensor([0.0000, 0.6931, 0.6931])
    """
    x, axis, scalar = _as_vector(x, dim, "logcumsumexp")
    (arr,), backend = unwrap((x,), "logcumsumexp")
    xp = backend.xp
    n, ndim = arr.shape[axis], len(arr.shape)
    pos = _positions(xp, n, axis, ndim, arr)
    key = (slice(None),) * axis
    s = 1
    while s < n:
        # The first s positions keep their value; their shifted partner (a copy of the
        # slice's head, finite when x is) is discarded by where.
        shifted = concat((x[key + (slice(0, s),)], x[key + (slice(None, n - s),)]), axis=axis)
        x = where(_make_tensor(pos >= s, backend), logaddexp(x, shifted), x)
        s *= 2
    return reshape(x, ()) if scalar else x


def _logcumsumexp_ref(x: Any, dim: int) -> Any:
    return np.log(np.cumsum(np.exp(x), axis=dim))


_register("logcumsumexp", logcumsumexp, _logcumsumexp_ref, shapes=_ORDER_SHAPES,
          kwargs=({"dim": 1},), category="exponential")


def aminmax(x: Any, /, *, dim: Any = None, keepdim: bool = False) -> Any:
    """The minimum and maximum (over all elements, or along ``dim``) as the namedtuple
    ``(min, max)``; each gradient is shared evenly among ties, as :func:`amin`/:func:`amax`.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.aminmax(anygrad.tensor([3.0, 1.0, 2.0]))
    aminmax(min=tensor(1.), max=tensor(3.))
    """
    if dim is not None and len(x.shape) == 0:
        _axis(dim, 0, "aminmax")
        dim = None
    return aminmax_result(amin(x, axis=dim, keepdims=keepdim), amax(x, axis=dim, keepdims=keepdim))


_register("aminmax", aminmax, lambda x, dim=None, keepdim=False: (
    np.min(x, axis=dim, keepdims=keepdim) + np.max(x, axis=dim, keepdims=keepdim)),
    harness=lambda x, **kw: add(*aminmax(x, **kw)), shapes=_ORDER_SHAPES,
    kwargs=({"dim": 0, "keepdim": True},),
    notes="tested as min + max; gradient shared among ties")


# -- variance and standard deviation with PyTorch's defaults -----------------------------------
def _torch_correction(op: str, unbiased: Any, correction: Any) -> Any:
    """PyTorch's ``correction`` (default 1) or its legacy ``unbiased`` (True: 1)."""
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}: pass either unbiased or correction, not both")
    if correction is not None:
        return correction
    return 0 if unbiased is False else 1


def _dispersion_args(op: str, dim: Any, unbiased: Any, keepdim: Any, correction: Any,
                     axis: Any, keepdims: Any) -> dict:
    if isinstance(dim, bool):      # var(x, True): the legacy unbiased flag, no dim
        if unbiased is not None:
            raise TypeError(f"{op}: got unbiased twice (positionally {dim} and {unbiased})")
        dim, unbiased = None, dim
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: pass either dim or axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return {"axis": dim, "keepdims": bool(keepdim),
            "correction": _torch_correction(op, unbiased, correction)}


def _torch_var(x: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
               correction: Any = None, axis: Any = None, keepdims: Any = None) -> Any:
    """PyTorch's ``var``: ``sum((x - mean)**2) / (N - correction)`` over ``dim`` (all by
    default), with ``correction=1`` (Bessel's) unless ``unbiased=False`` or a
    ``correction`` is given. The standard namespace's ``var`` defaults to ``correction=0``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.var(anygrad.tensor([1.0, 2.0, 3.0, 4.0]))
    tensor(1.6667)
    >>> anygrad.var(anygrad.tensor([[1.0, 2.0], [3.0, 5.0]]), 1, unbiased=False)
    tensor([0.2500, 1.0000])
    """
    return var(x, **_dispersion_args("var", dim, unbiased, keepdim, correction, axis, keepdims))


def _torch_std(x: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
               correction: Any = None, axis: Any = None, keepdims: Any = None) -> Any:
    """PyTorch's ``std``: the square root of :func:`var` with the same defaults
    (``correction=1``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.std(anygrad.tensor([1.0, 2.0, 3.0, 4.0]), correction=0)
    tensor(1.1180)
    """
    return std(x, **_dispersion_args("std", dim, unbiased, keepdim, correction, axis, keepdims))


_torch_var.__name__ = _torch_var.__qualname__ = "var"
_torch_std.__name__ = _torch_std.__qualname__ = "std"
register_torch_face("var", _torch_var)
register_torch_face("std", _torch_std)


def var_mean(x: Any, /, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """``(var(x, ...), mean(x, ...))`` with PyTorch's ``var`` defaults (``correction=1``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.var_mean(anygrad.tensor([1.0, 2.0, 3.0, 4.0]))
    (tensor(1.6667), tensor(2.5000))
    """
    kw = _dispersion_args("var_mean", dim, unbiased, keepdim, correction, None, None)
    return var(x, **kw), mean(x, axis=kw["axis"], keepdims=kw["keepdims"])


def std_mean(x: Any, /, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
             correction: Any = None) -> tuple:
    """``(std(x, ...), mean(x, ...))`` with PyTorch's ``std`` defaults (``correction=1``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.std_mean(anygrad.tensor([1.0, 3.0]))
    (tensor(1.4142), tensor(2.))
    """
    kw = _dispersion_args("std_mean", dim, unbiased, keepdim, correction, None, None)
    return std(x, **kw), mean(x, axis=kw["axis"], keepdims=kw["keepdims"])


def _moments_ref(f: Any) -> Any:
    def ref(x: Any, dim: Any = None, keepdim: bool = False, correction: Any = 1) -> Any:
        return (f(x, axis=dim, ddof=correction, keepdims=keepdim),
                np.mean(x, axis=dim, keepdims=keepdim))
    return ref


_MOMENT_KW = ({"dim": 0, "keepdim": True, "correction": 0},)
_register("var_mean", var_mean, _moments_ref(np.var), method=None, kwargs=_MOMENT_KW,
          shapes=_ORDER_SHAPES, notes="correction=1 by default, as PyTorch")
_register("std_mean", std_mean, _moments_ref(np.std), method=None, kwargs=_MOMENT_KW,
          shapes=_ORDER_SHAPES, notes="correction=1 by default, as PyTorch")


# -- counting ---------------------------------------------------------------------------------
def _count(backend: Any, bins: Any, n: int, weights: Any, dtype: Any, like: Any) -> Any:
    """Raw ``out[b] = sum(weights[bins == b])`` (ones without weights) for ``b < n``;
    ``bins`` may hold ``n`` for elements to drop."""
    xp = backend.xp
    if weights is None:
        weights = xp.ones(tuple(bins.shape), dtype=dtype, device=like.device)
    elif weights.dtype != dtype:
        weights = xp.astype(weights, dtype)
    zeros = xp.zeros((n + 1,), dtype=dtype, device=like.device)
    return _scatter_any(xp, zeros, 0, xp.reshape(bins, (-1,)), xp.reshape(weights, (-1,)))[:n]


def bincount(x: Any, /, weights: Any = None, minlength: int = 0) -> Any:
    """How often each value ``0..max(x)`` occurs in the 1-D non-negative integer ``x``
    (at least ``minlength`` bins); with ``weights``, their sums instead (float64, or the
    weights' floating dtype). Not differentiable.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.bincount(anygrad.tensor([0, 2, 2, 3]))
    tensor([1, 0, 2, 1])
    """
    (arr, w), backend = unwrap((x, weights), "bincount")
    xp = backend.xp
    kind = backend.dtype_of(arr.dtype).kind
    if kind not in "iu" or len(arr.shape) != 1:
        raise ValueError(f"bincount: expected a 1-D tensor of non-negative integers, got "
                         f"dtype {x.dtype} and shape {tuple(arr.shape)}")
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    n = arr.shape[0]
    if n and int(xp.min(arr)) < 0:
        raise ValueError(f"bincount: expected non-negative integers, got {int(xp.min(arr))}")
    length = builtins.max(int(xp.max(arr)) + 1 if n else 0, int(minlength))
    if w is None:
        dtype = xp.int64
    else:
        if tuple(w.shape) != (n,):
            raise ValueError(f"bincount: expected weights of shape {(n,)} (the input's), got "
                             f"{tuple(w.shape)}")
        dtype = w.dtype if backend.dtype_of(w.dtype).kind == "f" else xp.float64
    return _make_tensor(_count(backend, xp.astype(arr, xp.int64), length, w, dtype, arr), backend)


register(OpSpec("bincount", bincount, ref=lambda x: np.bincount(x), differentiable=False,
                twice_differentiable=False, method="bincount", category="reduction",
                make_inputs=lambda rng, dtype: [rng.integers(0, 6, 10)], dtypes=("int64",)))


def _edges_from_range(op: str, backend: Any, arr: Any, lo: Any, hi: Any, bins: int,
                      widen: float) -> tuple:
    xp = backend.xp
    if lo is None or hi is None or lo == hi:
        finite = arr[xp.isfinite(arr)] if math.prod(arr.shape) else arr
        lo, hi = (float(xp.min(finite)), float(xp.max(finite))) if math.prod(finite.shape) \
            else (0.0, 0.0)
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{op}: range of [{lo}, {hi}] is not finite")
    if lo > hi:
        raise ValueError(f"{op}: max must be larger than min, got min={lo} and max={hi}")
    if lo == hi:
        lo, hi = lo - widen, hi + widen
    return lo, hi


def histc(x: Any, /, bins: int = 100, min: Any = 0, max: Any = 0) -> Any:  # noqa: A002
    """Counts of ``x``'s elements in ``bins`` equal bins over ``[min, max]`` (the data's own
    range when ``min == max``); elements outside are ignored. The input's dtype; not
    differentiable.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.histc(anygrad.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    (arr,), backend = unwrap((x,), "histc")
    xp = backend.xp
    if backend.dtype_of(arr.dtype).kind != "f":
        raise TypeError(f"histc: expected a floating tensor, got dtype {x.dtype}")
    if isinstance(bins, bool) or int(bins) <= 0:
        raise ValueError(f"histc: bins must be a positive integer, got {bins}")
    bins = int(bins)
    lo, hi = _edges_from_range("histc", backend, arr, min, max, bins, 1.0)
    flat = xp.reshape(arr, (-1,))
    b = xp.astype(xp.floor((flat - lo) * bins / (hi - lo)), xp.int64) \
        if math.prod(flat.shape) else xp.zeros((0,), dtype=xp.int64, device=flat.device)
    b = xp.where(flat == hi, xp.asarray(bins - 1, dtype=xp.int64, device=flat.device), b)
    inside = (flat >= lo) & (flat <= hi)
    b = xp.where(inside, b, xp.asarray(bins, dtype=xp.int64, device=flat.device))
    return _make_tensor(_count(backend, b, bins, None, arr.dtype, arr), backend)


register(OpSpec("histc", histc, ref=lambda x, bins=100, min=0, max=0: np.histogram(
    x, bins, (min, max) if min != max else None)[0], differentiable=False,
    twice_differentiable=False, method="histc", category="reduction",
    kwargs=({"bins": 7}, {"bins": 4, "min": -1.0, "max": 2.0})))


def _bin_edges(op: str, backend: Any, arr: Any, bins: Any, range: Any) -> Any:  # noqa: A002
    xp = backend.xp
    if isinstance(bins, Tensor) or hasattr(bins, "shape"):
        (edges,), _ = unwrap((bins,), op)
        if len(edges.shape) != 1 or edges.shape[0] < 1:
            raise ValueError(f"{op}: expected bins to be a 1-D tensor of edges, got shape "
                             f"{tuple(edges.shape)}")
        if edges.shape[0] > 1 and bool(xp.any(edges[1:] < edges[:-1])):
            raise ValueError(f"{op}: bin edges must be increasing")
        return xp.astype(edges, arr.dtype) if edges.dtype != arr.dtype else edges
    if isinstance(bins, bool) or int(bins) <= 0:
        raise ValueError(f"{op}: bins must be a positive integer or a tensor, got {bins}")
    lo, hi = (None, None) if range is None else range
    lo, hi = _edges_from_range(op, backend, arr, lo, hi, int(bins), 0.5)
    return xp.linspace(lo, hi, int(bins) + 1, dtype=arr.dtype, device=arr.device)


def _bin_of(xp: Any, flat: Any, edges: Any) -> Any:
    """The bin of each element (``len(edges) - 1`` for those outside): bins are closed on
    the left, the last one on both sides."""
    nb = edges.shape[0] - 1
    b = xp.astype(xp.searchsorted(edges, flat, side="right"), xp.int64) - 1
    b = xp.where(flat == edges[-1], xp.asarray(nb - 1, dtype=xp.int64, device=flat.device), b)
    out = (b < 0) | (b >= nb) | xp.isnan(flat)
    return xp.where(out, xp.asarray(nb, dtype=xp.int64, device=flat.device), b)


def _weights(op: str, backend: Any, weight: Any, shape: tuple) -> Any:
    if weight is None:
        return None
    (w,), _ = unwrap((weight,), op)
    if tuple(w.shape) != shape:
        raise ValueError(f"{op}: expected weight of shape {shape}, got {tuple(w.shape)}")
    return w


def histogram(x: Any, /, bins: Any = 100, *, range: Any = None, weight: Any = None,  # noqa: A002
              density: bool = False) -> Any:
    """The histogram of ``x``'s elements as the namedtuple ``(hist, bin_edges)``.

    ``bins`` is a number of equal bins over ``range`` (the data's range by default) or a
    1-D tensor of increasing edges. Bins are closed on the left, the last on both sides;
    elements outside are ignored. ``weight`` (``x``'s shape) weighs each element;
    ``density=True`` scales the histogram to integrate to 1. Not differentiable.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.histogram(anygrad.tensor([1.0, 2.0, 1.0, 4.0]), 3).hist
    tensor([2., 1., 1.])
    """
    (arr,), backend = unwrap((x,), "histogram")
    xp = backend.xp
    if backend.dtype_of(arr.dtype).kind != "f":
        raise TypeError(f"histogram: expected a floating tensor, got dtype {x.dtype}")
    edges = _bin_edges("histogram", backend, arr, bins, range)
    flat = xp.reshape(arr, (-1,))
    w = _weights("histogram", backend, weight, tuple(arr.shape))
    nb = edges.shape[0] - 1
    hist = _count(backend, _bin_of(xp, flat, edges), nb, w, arr.dtype, arr)
    if density:
        hist = hist / (xp.sum(hist) * (edges[1:] - edges[:-1]))
    return histogram_result(_make_tensor(hist, backend), _make_tensor(edges, backend))


def _histogram_ref(x: Any, bins: Any = 100, range: Any = None, density: bool = False) -> Any:  # noqa: A002
    return np.histogram(x, bins, range, density=density)


register(OpSpec("histogram", histogram, ref=_histogram_ref, differentiable=False,
                twice_differentiable=False, method="histogram", category="reduction",
                kwargs=({"bins": 5}, {"bins": 4, "range": (-1.0, 2.0), "density": True})))


def histogramdd(x: Any, /, bins: Any = 10, *, range: Any = None, weight: Any = None,  # noqa: A002
                density: bool = False) -> Any:
    """The ``D``-dimensional histogram of the points ``x`` (shape ``(..., D)``) as the
    namedtuple ``(hist, bin_edges)``, ``bin_edges`` a list of ``D`` tensors.

    ``bins`` is one number of bins, a sequence of ``D`` numbers or of ``D`` edge tensors;
    ``range`` a flat sequence ``(lo0, hi0, lo1, hi1, ...)``. Not differentiable.

    Examples
    --------
    >>> import anygrad
    >>> pts = anygrad.tensor([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    >>> anygrad.histogramdd(pts, bins=[2, 2]).hist
    tensor([[1., 0.],
            [1., 1.]])
    """
    (arr,), backend = unwrap((x,), "histogramdd")
    xp = backend.xp
    if backend.dtype_of(arr.dtype).kind != "f" or len(arr.shape) < 1:
        raise TypeError(f"histogramdd: expected a floating tensor of points (..., D), got "
                        f"dtype {x.dtype} and shape {tuple(arr.shape)}")
    d = arr.shape[-1]
    pts = xp.reshape(arr, (-1, d))
    per_dim = list(bins) if isinstance(bins, (list, tuple)) else [bins] * d
    if len(per_dim) != d:
        raise ValueError(f"histogramdd: expected {d} bin specifications (one per dimension), "
                         f"got {len(per_dim)}")
    if range is not None and len(range) != 2 * d:
        raise ValueError(f"histogramdd: expected range of {2 * d} numbers, got {len(range)}")
    edges, index, outside = [], None, None
    total = 1
    for k in reversed(builtins.range(d)):
        col = xp.asarray(pts[:, k], copy=True)  # contiguous (torch.searchsorted warns)
        rk = None if range is None else (range[2 * k], range[2 * k + 1])
        e = _bin_edges("histogramdd", backend, col, per_dim[k], rk)
        nb = e.shape[0] - 1
        b = _bin_of(xp, col, e)
        out_k = b == nb
        index = b * total if index is None else index + b * total
        outside = out_k if outside is None else outside | out_k
        total *= nb
        edges.insert(0, e)
    index = xp.where(outside, xp.asarray(total, dtype=xp.int64, device=arr.device), index)
    w = _weights("histogramdd", backend, weight, tuple(arr.shape[:-1]))
    shape = tuple(e.shape[0] - 1 for e in edges)
    hist = xp.reshape(_count(backend, index, total, w, arr.dtype, arr), shape)
    if density:
        vol = xp.ones(shape, dtype=arr.dtype, device=arr.device)
        for k, e in enumerate(edges):
            vol = vol * xp.reshape(e[1:] - e[:-1], tuple(-1 if j == k else 1 for j in
                                                          builtins.range(d)))
        hist = hist / (xp.sum(hist) * vol)
    return histogramdd_result(_make_tensor(hist, backend),
                              [_make_tensor(e, backend) for e in edges])


register(OpSpec("histogramdd", histogramdd,
                harness=lambda x, **kw: histogramdd(x, **kw).hist,
                ref=lambda x, bins=10, range=None, density=False: np.histogramdd(
                    x, bins, None if range is None else [range[:2], range[2:]],
                    density=density)[0],
                differentiable=False, twice_differentiable=False, method=None,
                category="reduction", shapes=lambda rng: ((12, 2),),
                kwargs=({"bins": [3, 2], "range": (-1.0, 1.0, -2.0, 2.0), "density": True},)))
