"""PyTorch's indexing operations that the standard lacks: index_copy/fill/put/reduce,
put, masked_select/scatter, scatter_reduce, fill_diagonal, bucketize, unique (with
``dim``), unique_consecutive, argwhere and nonzero_static.

The differentiable ones are composites of :func:`~anygrad.ops.indexing.getitem`,
:func:`~anygrad.ops.indexing.setitem`, ``take``, the scatter-add node ``IndexAdd`` and
``where`` (the gradient of every order follows), except ``scatter_reduce``'s
``amax``/``amin``, a node whose gradient is shared evenly among the elements equal to the
result, as PyTorch's. Index arrays are constants, found on raw arrays with the standard's
functions. Like :mod:`anygrad.ops.torch_extras`, these names are on ``anygrad`` and the
Tensor, not in the standard namespace.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, _make_tensor
from ._operands import check_index_range, unwrap
from ._registry import OpSpec, register
from ._scatter import scatter_add as _kernel
from .arithmetic import add, divide, multiply
from .indexing import IndexAdd, _index_array, _linear, getitem, masked_fill, setitem, take
from .searching import where
from .set_functions import _unique
from .shape import _axis, broadcast_arrays, broadcast_to, concat, reshape

__all__ = [
    "index_copy", "index_fill", "index_put", "index_reduce", "put", "masked_select",
    "masked_scatter", "scatter_reduce", "fill_diagonal", "bucketize", "unique",
    "unique_consecutive", "argwhere", "nonzero_static",
]

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _register(name: str, fn: Any, ref: Any, **kw: Any) -> None:
    kw.setdefault("method", name)
    kw.setdefault("category", "indexing")
    register(OpSpec(name, fn, ref=ref, **kw))


def _vector_index(op: str, x: Any, dim: int, index: Any) -> tuple:
    """``(arr, backend, axis, idx)``: ``index`` a raw 1-D array of positions along ``dim``
    (negative ones counted from the end)."""
    (arr,), backend = unwrap((x,), op)
    ndim = len(arr.shape)
    axis = _axis(dim, ndim, op)
    size = arr.shape[axis] if ndim else 1
    idx = _index_array(index, backend, backend.device_of(arr), op, size, dim=axis)
    if backend.dtype_of(idx.dtype).kind == "b" or len(idx.shape) > 1:
        raise ValueError(f"{op}: expected a 1-D (or 0-d) integer index, got dtype {idx.dtype} "
                         f"and shape {tuple(idx.shape)}")
    xp = backend.xp
    idx = xp.reshape(xp.astype(idx, xp.int64), (-1,))
    return arr, backend, axis, xp.where(idx < 0, idx + size, idx)


def _rows_shape(op: str, arr: Any, axis: int, n: int, source: Any) -> None:
    xshape = tuple(arr.shape)
    want = xshape[:axis] + (n,) + xshape[axis + 1:] if xshape else (n,) if n != 1 else ()
    got = tuple(getattr(source, "shape", ()))
    if got != want and not (not xshape and got in ((), (1,))):
        raise ValueError(f"{op}: expected a source of shape {want} (the input's with {n} "
                         f"indexed entries along dimension {axis}), got {got}")


def index_copy(x: Any, /, dim: int, index: Any, source: Any) -> Any:
    """``x`` with the entries ``index`` of dimension ``dim`` replaced by ``source``'s
    (where ``index`` repeats, the last wins). Gradients flow to ``x`` (zero where
    replaced) and to ``source``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.index_copy(anygrad.zeros(2, 3), 1, anygrad.tensor([2, 0]),
    ...                    anygrad.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([[2., 0., 1.],
            [4., 0., 3.]])
    """
    arr, backend, axis, idx = _vector_index("index_copy", x, dim, index)
    _rows_shape("index_copy", arr, axis, idx.shape[0], source)
    if not arr.shape:
        return setitem(reshape(x, (1,)), idx, reshape(source, (-1,))).reshape(())
    return setitem(x, (slice(None),) * axis + (_make_tensor(idx, backend),), source)


def _index_copy_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-2, 2, (3, 5)).astype(dtype), rng.uniform(-2, 2, (3, 2)).astype(dtype)]


_register("index_copy", index_copy, lambda x, s: _np_index_copy(x, s),
          harness=lambda x, s: index_copy(x, 1, [4, -4], s), nin=2,
          make_inputs=_index_copy_inputs, inplace=True)


def _np_index_copy(x: Any, s: Any) -> Any:
    out = x.copy()
    out[:, [4, 1]] = s
    return out


def _hits(backend: Any, n: int, idx: Any, axis: int, ndim: int, like: Any) -> Any:
    """A raw bool array, ``True`` at the positions ``idx`` of dimension ``axis`` (shaped to
    broadcast against an ``ndim``-dimensional array)."""
    xp = backend.xp
    count = _kernel(xp, xp.zeros((n,), dtype=xp.int64, device=like.device), 0, idx,
                    xp.ones(tuple(idx.shape), dtype=xp.int64, device=like.device))
    return xp.reshape(count > 0, tuple(n if d == axis else 1 for d in range(ndim)))


def index_fill(x: Any, /, dim: int, index: Any, value: Any) -> Any:
    """``x`` with ``value`` (a number or a 0-d tensor, which gets a gradient) at the
    entries ``index`` of dimension ``dim``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.index_fill(anygrad.ones(2, 3), 1, anygrad.tensor([0, 2]), -1.0)
    tensor([[-1.,  1., -1.],
            [-1.,  1., -1.]])
    """
    arr, backend, axis, idx = _vector_index("index_fill", x, dim, index)
    if isinstance(value, Tensor) and value.ndim != 0:
        raise ValueError(f"index_fill: expected a number or a 0-d tensor as value, got a "
                         f"tensor of shape {tuple(value.shape)}")
    n, ndim = (arr.shape[axis], len(arr.shape)) if arr.shape else (1, 0)
    mask = _hits(backend, n, idx, axis, ndim, arr)
    return masked_fill(x, _make_tensor(mask if ndim else backend.xp.reshape(mask, ()), backend),
                       value)


def _np_index_fill(x: Any) -> Any:
    out = x.copy()
    out[[0, 2]] = -1.5
    return out


_register("index_fill", index_fill, _np_index_fill,
          harness=lambda x: index_fill(x, 0, [2, 0, 2], -1.5), shapes=lambda rng: ((3, 4),),
          inplace=True)


def _flat_positions(op: str, backend: Any, arr: Any, indices: Any) -> tuple:
    """Flat positions (raw int64, broadcast shape) into the first ``k`` dimensions of
    ``arr`` addressed by the tuple ``indices`` (integer or boolean tensors), with ``k``."""
    xp = backend.xp
    shape = tuple(arr.shape)
    parts, k = [], 0
    for i in indices:
        if i is None:
            raise TypeError(f"{op}: expected index tensors, got None")
        a = _index_array(i, backend, backend.device_of(arr), op)
        if backend.dtype_of(a.dtype).kind == "b":
            if tuple(a.shape) != shape[k:k + len(a.shape)]:
                raise IndexError(f"{op}: the mask of shape {tuple(a.shape)} does not match "
                                 f"dimensions {k}.. of the input's shape {shape}")
            parts += [xp.astype(p, xp.int64) for p in xp.nonzero(a)]
            k += len(a.shape)
        else:
            if k >= len(shape):
                raise IndexError(f"{op}: too many indices for a tensor of dimension "
                                 f"{len(shape)}")
            check_index_range(xp, a, shape[k], op, dim=k)
            a = xp.astype(a, xp.int64)
            parts.append(xp.where(a < 0, a + shape[k], a))
            k += 1
    if k > len(shape):
        raise IndexError(f"{op}: too many indices for a tensor of dimension {len(shape)}")
    parts = xp.broadcast_arrays(*parts) if len(parts) > 1 else parts
    lin = None
    for d, p in enumerate(parts):
        stride = math.prod(shape[d + 1:k])
        lin = p * stride if lin is None else lin + p * stride
    return lin, k


def index_put(x: Any, /, indices: Any, values: Any, accumulate: bool = False) -> Any:
    """``x`` with ``values`` (broadcast) written at ``x[indices]`` (a tuple of integer or
    boolean tensors, as in advanced indexing); ``accumulate=True`` adds them instead,
    repeated positions summing. Gradients flow to ``x`` and ``values``.

    Examples
    --------
    >>> import anygrad
    >>> idx = (anygrad.tensor([0, 0, 2]),)
    >>> anygrad.index_put(anygrad.zeros(3), idx, anygrad.tensor(1.0), accumulate=True)
    tensor([2., 0., 1.])
    """
    if isinstance(indices, (Tensor, list)) and not isinstance(indices, tuple):
        indices = tuple(indices) if isinstance(indices, list) else (indices,)
    if not accumulate:
        return setitem(x, tuple(indices), values)
    (arr,), backend = unwrap((x,), "index_put")
    lin, k = _flat_positions("index_put", backend, arr, indices)
    shape = tuple(arr.shape)
    rest = shape[k:]
    xr = reshape(x, (math.prod(shape[:k]),) + rest)
    if not isinstance(values, Tensor):
        values = _make_tensor(backend.xp.asarray(values, dtype=arr.dtype,
                                                 device=backend.device_of(arr)), backend)
    v = reshape(broadcast_to(values, tuple(lin.shape) + rest), (-1,) + rest)
    out = IndexAdd.apply(xr, v, 0, backend.xp.reshape(lin, (-1,)), 1)
    return reshape(out, shape)


def _np_index_put(x: Any, v: Any, accumulate: bool = False) -> Any:
    out = x.copy()
    rows, cols = np.array([0, 2, 0]), np.array([1, 3, 1])
    if accumulate:
        np.add.at(out, (rows, cols), v)
    else:
        out[rows[1:], cols[1:]] = v[1:]
    return out


def _index_put_harness(x: Any, v: Any, accumulate: bool = False) -> Any:
    rows, cols = [0, 2, 0], [1, 3, 1]
    if not accumulate:      # without duplicates: which one PyTorch keeps is unspecified
        rows, cols, v = rows[1:], cols[1:], v[1:]
    idx = tuple(_make_tensor(np.asarray(i) if x.backend == "numpy" else x._backend.xp.asarray(
        i, device=x._data.device), x._backend) for i in (rows, cols))
    return index_put(x, idx, v, accumulate=accumulate)


_register("index_put", index_put, _np_index_put, harness=_index_put_harness, nin=2,
          make_inputs=lambda rng, dtype: [rng.uniform(-2, 2, (3, 4)).astype(dtype),
                                          rng.uniform(-2, 2, (3,)).astype(dtype)],
          kwargs=({}, {"accumulate": True}), inplace=True,
          notes="accumulate=True sums repeated positions")


def put(x: Any, /, index: Any, source: Any, accumulate: bool = False) -> Any:
    """``x`` with ``source``'s elements written at the flat positions ``index`` (of ``x``
    as if flattened; negative ones from the end); ``accumulate=True`` adds them.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.put(anygrad.zeros(2, 2), anygrad.tensor([3, 0]), anygrad.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 1.]])
    """
    (arr, idx, src), backend = unwrap((x, index, source), "put")
    n_idx = math.prod(getattr(idx, "shape", ()) or ())
    n_src = math.prod(getattr(src, "shape", ()) or ())
    if n_idx != n_src:
        raise ValueError(f"put: expected source with as many elements as index ({n_idx}), "
                         f"got {n_src}")
    shape = tuple(arr.shape)
    flat = reshape(x, (-1,))
    out = index_put(flat, (reshape(index, (-1,)),), reshape(source, (-1,)), accumulate)
    return reshape(out, shape)


_register("put", put, lambda x, s, accumulate=False: _np_put(x, s, accumulate),
          harness=lambda x, s, **kw: put(x, _like_index(x, [5, 0, -1]), s, **kw), nin=2,
          make_inputs=lambda rng, dtype: [rng.uniform(-2, 2, (3, 4)).astype(dtype),
                                          rng.uniform(-2, 2, (3,)).astype(dtype)],
          kwargs=({}, {"accumulate": True}), inplace=True)


def _np_put(x: Any, s: Any, accumulate: bool) -> Any:
    out = x.copy().reshape(-1)
    if accumulate:
        np.add.at(out, [5, 0, -1], s)
    else:
        out[[5, 0, -1]] = s
    return out.reshape(x.shape)


def _like_index(x: Any, values: list) -> Any:
    b = x._backend
    return _make_tensor(b.xp.asarray(np.asarray(values, dtype=np.int64) if b.name == "numpy"
                                     else values, device=x._data.device), b)


def masked_select(x: Any, /, mask: Any) -> Any:
    """The elements of ``x`` where the boolean ``mask`` (broadcast with ``x``) is True, as
    a 1-D tensor. The gradient flows back to those elements.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> anygrad.masked_select(x, x > 2)
    tensor([3., 4.])
    """
    (arr, m), backend = unwrap((x, mask), "masked_select")
    if m is None or backend.dtype_of(m.dtype).kind != "b":
        raise TypeError(f"masked_select: expected a boolean mask, got "
                        f"{getattr(m, 'dtype', type(mask).__name__)}")
    shape = tuple(np.broadcast_shapes(tuple(arr.shape), tuple(m.shape)))
    if tuple(arr.shape) != shape:
        x = broadcast_to(x, shape)
    if tuple(m.shape) != shape:
        m = backend.xp.broadcast_to(m, shape)
    return getitem(x, _make_tensor(m, backend))


_register("masked_select", masked_select, lambda x, m: x[np.broadcast_to(m, x.shape)], nin=2,
          make_inputs=lambda rng, dtype: [rng.uniform(-2, 2, (3, 4)).astype(dtype),
                                          rng.random((4,)) > 0.4], grad_inputs=(0,))


def masked_scatter(x: Any, /, mask: Any, source: Any) -> Any:
    """``x`` with its elements where ``mask`` (broadcast) is True replaced, in row-major
    order, by ``source``'s first elements. Gradients flow to ``x`` and ``source``.

    Examples
    --------
    >>> import anygrad
    >>> m = anygrad.tensor([True, False, True])
    >>> anygrad.masked_scatter(anygrad.zeros(3), m, anygrad.tensor([7.0, 8.0, 9.0]))
    tensor([7., 0., 8.])
    """
    (arr, m, src), backend = unwrap((x, mask, source), "masked_scatter")
    xp = backend.xp
    if m is None or backend.dtype_of(m.dtype).kind != "b":
        raise TypeError(f"masked_scatter: expected a boolean mask, got "
                        f"{getattr(m, 'dtype', type(mask).__name__)}")
    shape = tuple(np.broadcast_shapes(tuple(arr.shape), tuple(m.shape)))
    if tuple(arr.shape) != shape:
        x = broadcast_to(x, shape)
    mflat = xp.reshape(xp.broadcast_to(m, shape), (-1,))
    pos = xp.cumulative_sum(xp.astype(mflat, xp.int64)) - 1 if mflat.shape[0] else \
        xp.zeros((0,), dtype=xp.int64, device=mflat.device)
    k = int(pos[-1]) + 1 if mflat.shape[0] else 0
    n_src = math.prod(src.shape)
    if n_src < k:
        raise ValueError(f"masked_scatter: expected a source of at least {k} elements (the "
                         f"mask's True count), got {n_src}")
    if n_src == 0:
        return x if isinstance(x, Tensor) else _make_tensor(arr, backend)
    taken = take(reshape(source, (-1,)), _make_tensor(xp.where(pos < 0, 0, pos), backend))
    out = where(_make_tensor(mflat, backend), taken, reshape(x, (-1,)))
    return reshape(out, shape)


def _np_masked_scatter(x: Any, m: Any, s: Any) -> Any:
    out = x.copy()
    mask = np.broadcast_to(m, x.shape)
    out[mask] = s.reshape(-1)[:mask.sum()]
    return out


_register("masked_scatter", masked_scatter, _np_masked_scatter, nin=3,
          make_inputs=lambda rng, dtype: [rng.uniform(-2, 2, (3, 4)).astype(dtype),
                                          np.array([True, False, True, True]),
                                          rng.uniform(-2, 2, (4, 3)).astype(dtype)],
          grad_inputs=(0, 2), inplace=True)


# -- scatter_reduce and index_reduce -----------------------------------------------------------
class ScatterExtreme(Function):
    """``scatter_reduce``'s amax/amin on flat arrays: the gradient is shared evenly among
    the elements equal to each result, PyTorch's rule."""

    @staticmethod
    def forward(ctx: Any, x: Any, src: Any, lin: Any, include_self: bool, is_max: bool) -> Any:
        xp = ctx.xp
        n = x.shape[0]
        dev = x.device
        if src.dtype != x.dtype:
            src = xp.astype(src, x.dtype)
        targets = xp.arange(n, dtype=xp.int64, device=dev)
        vals = xp.concat((x, src)) if include_self else src
        where_to = xp.concat((targets, lin)) if include_self else lin
        # Sorted by target, then by value (NaN last): each group's first and last elements
        # are its minimum and maximum.
        by_value = xp.argsort(vals, stable=True)
        order = xp.take(by_value, xp.argsort(xp.take(where_to, by_value), stable=True))
        sorted_to = xp.take(where_to, order)
        side = "right" if is_max else "left"
        edge = xp.searchsorted(sorted_to, targets, side=side) - (1 if is_max else 0)
        present = xp.searchsorted(sorted_to, targets, side="right") > \
            xp.searchsorted(sorted_to, targets, side="left")
        edge = xp.where(present, edge, 0)
        ext = xp.take(xp.take(vals, order), edge) if vals.shape[0] else x
        if xp.isdtype(x.dtype, "real floating"):
            nans = _kernel(xp, xp.zeros((n,), dtype=x.dtype, device=dev), 0, where_to,
                           xp.astype(xp.isnan(vals), x.dtype))
            ext = xp.where(nans > 0, xp.asarray(math.nan, dtype=x.dtype, device=dev), ext)
        out = xp.where(present, ext, x)
        # PyTorch's rule: the gradient is split among self (when equal to the result, even
        # if not included) and the src elements equal to it.
        self_hit = x == out
        src_hit = src == xp.take(out, lin)
        count = _kernel(xp, xp.astype(self_hit, x.dtype), 0, lin, xp.astype(src_hit, x.dtype))
        ctx.lin, ctx.count = lin, count
        # Without include_self, x's gradient is zero where something was scattered.
        ctx.self_hit = self_hit if include_self else self_hit & ~present
        ctx.src_hit = src_hit
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        share = gy / xp.where(ctx.count > 0, ctx.count, 1)
        zero = xp.zeros_like(gy)
        gx = xp.where(ctx.self_hit, share, zero)
        gs = xp.where(ctx.src_hit, xp.take(share, ctx.lin), xp.zeros_like(xp.take(gy, ctx.lin)))
        return gx, gs, None, None, None


def _segment_prod(backend: Any, src: Any, lin: Any, n: int) -> tuple:
    """The product of ``src``'s elements per target ``lin`` (a differentiable composite:
    a log-step segmented scan of multiplications, so every gradient is the exact product
    of the others, zeros included), placed into a length-``n`` vector."""
    xp = backend.xp
    order = xp.argsort(lin, stable=True)
    seg = xp.take(lin, order)
    v = take(src, _make_tensor(order, backend))
    m = seg.shape[0]
    s = 1
    while s < m:
        same = xp.concat((xp.zeros((s,), dtype=xp.bool, device=seg.device), seg[s:] == seg[:-s]))
        prev = concat((v[:s], v[:-s]))
        v = where(_make_tensor(same, backend), multiply(v, prev), v)
        s *= 2
    last = xp.concat((seg[1:] != seg[:-1], xp.ones((1,), dtype=xp.bool, device=seg.device)))
    ends = xp.astype(xp.nonzero(last)[0], xp.int64)
    prods = take(v, _make_tensor(ends, backend))
    zeros = _make_tensor(xp.zeros((n,), dtype=src._data.dtype, device=seg.device), backend)
    return IndexAdd.apply(zeros, prods, 0, xp.take(seg, ends), 1)


def _scatter_reduce(op: str, x: Any, axis: int, idx: Any, src: Any, reduce: str,
                    include_self: bool, backend: Any) -> Any:
    """``scatter_reduce`` with ``idx`` a raw non-negative index of ``src``'s shape."""
    xp = backend.xp
    arr = x._data
    shape = tuple(arr.shape)
    n = math.prod(shape)
    lin = xp.astype(_linear(xp, idx, axis, shape), xp.int64)
    xf, sf = reshape(x, (-1,)), reshape(src, (-1,))
    if reduce in ("amax", "amin"):
        out = ScatterExtreme.apply(xf, sf, lin, bool(include_self), reduce == "amax")
        return reshape(out, shape)
    dev = backend.device_of(arr)
    count = _kernel(xp, xp.zeros((n,), dtype=xp.int64, device=dev), 0, lin,
                    xp.ones(tuple(lin.shape), dtype=xp.int64, device=dev))
    has = _make_tensor(count > 0, backend)
    if reduce == "prod":
        total = _segment_prod(backend, sf, lin, n)
        out = multiply(xf, total) if include_self else total
    else:
        zeros = _make_tensor(xp.zeros((n,), dtype=arr.dtype, device=dev), backend)
        total = IndexAdd.apply(zeros, sf, 0, lin, 1)
        out = add(xf, total) if include_self else total
        if reduce == "mean":
            denom = _make_tensor(xp.astype(count + (1 if include_self else 0), arr.dtype)
                                 if xp.isdtype(arr.dtype, "real floating") else
                                 count + (1 if include_self else 0), backend)
            denom = where(has, denom, 1) if not include_self else denom
            if xp.isdtype(arr.dtype, "real floating"):
                out = divide(out, denom)
            else:
                out = _make_tensor(out._data // denom._data, backend)
    return reshape(where(has, out, xf), shape)


def scatter_reduce(x: Any, /, dim: int, index: Any, src: Any, reduce: str, *,
                   include_self: bool = True) -> Any:
    """``x`` with ``src``'s elements reduced into the positions ``index`` gives along
    ``dim`` (``out[index[i][j]][j] = reduce(...)`` for ``dim=0``).

    ``reduce`` is ``'sum'``, ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``;
    ``include_self=False`` leaves ``x``'s own values out of the positions that receive
    something. Gradients flow to ``x`` and ``src``: ``amax``/``amin`` share them evenly
    among the elements equal to the result, ``prod`` gives the exact product of the others.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([1.0, 2.0, 3.0])
    >>> i = anygrad.tensor([0, 0, 2, 2])
    >>> anygrad.scatter_reduce(x, 0, i, anygrad.tensor([5.0, 1.0, 0.0, 4.0]), "amax")
    tensor([5., 2., 4.])
    """
    op = "scatter_reduce"
    if reduce not in _REDUCTIONS:
        raise ValueError(f"{op}: reduce must be one of {_REDUCTIONS}, got {reduce!r}")
    (arr,), backend = unwrap((x,), op)
    xshape = tuple(arr.shape)
    axis = _axis(dim, len(xshape), op)
    idx = _index_array(index, backend, backend.device_of(arr), op,
                       xshape[axis] if xshape else 1, negative=False, dim=axis)
    ishape, sshape = tuple(idx.shape), tuple(getattr(src, "shape", ()))
    if len(ishape) != len(xshape) or len(sshape) != len(ishape) or any(
            i > s for i, s in zip(ishape, sshape)) or any(
            i > s for d, (i, s) in enumerate(zip(ishape, xshape)) if d != axis):
        raise ValueError(f"{op}: index of shape {ishape} must have the input's number of "
                         f"dimensions and be no larger than src {sshape} (anywhere) or the "
                         f"input {xshape} (outside dimension {axis})")
    if sshape != ishape:
        src = getitem(src, tuple(slice(0, i) for i in ishape))
    if not isinstance(x, Tensor):
        x = _make_tensor(arr, backend)
    return _scatter_reduce(op, x, axis, idx, src, reduce, include_self, backend)


def _np_scatter_reduce(x: Any, src: Any, index: Any, reduce: str, include_self: bool) -> Any:
    out = x.copy()
    seen: dict = {}
    for j in np.ndindex(index.shape):
        t = (index[j],) + j[1:]
        seen.setdefault(t, []).append(src[j])
    for t, vals in seen.items():
        vals = ([x[t]] if include_self else []) + vals
        out[t] = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max,
                  "amin": np.min}[reduce](vals)
    return out


_SR_INDEX = np.array([[0, 2, 2, 1], [0, 0, 2, 1], [2, 0, 2, 1]])
# Each reduction once, include_self both ways across them (the torch tests cross all ten).
_SR_KW = tuple({"reduce": r, "include_self": s} for r, s in zip(
    _REDUCTIONS, (True, False, False, True, False)))


def _sr_inputs(rng: Any, dtype: str) -> list:
    # Distinct values (the extrema are unique, so finite differences see a smooth function).
    x = (rng.permutation(12).reshape(3, 4) / 3 - 2 + rng.uniform(0, 0.01, (3, 4)))
    s = (rng.permutation(12).reshape(3, 4) / 3 - 1.9 + rng.uniform(0, 0.01, (3, 4)))
    return [x.astype(dtype), s.astype(dtype)]


_register("scatter_reduce", scatter_reduce,
          lambda x, s, reduce, include_self: _np_scatter_reduce(x, s, _SR_INDEX, reduce,
                                                                include_self),
          harness=lambda x, s, **kw: scatter_reduce(x, 0, _like_index(x, _SR_INDEX.tolist()), s,
                                                    **kw),
          nin=2, make_inputs=_sr_inputs, kwargs=_SR_KW, inplace=True,
          notes="amax/amin: gradient shared evenly among ties; prod: exact with zeros")


def index_reduce(x: Any, /, dim: int, index: Any, source: Any, reduce: str, *,
                 include_self: bool = True) -> Any:
    """``x`` with ``source``'s entries along ``dim`` reduced into the entries ``index``
    (``reduce`` is ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``; ``include_self`` as in
    :func:`scatter_reduce`, whose gradients it has).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.index_reduce(anygrad.ones(3), 0, anygrad.tensor([0, 0, 2]),
    ...                      anygrad.tensor([2.0, 3.0, 4.0]), "prod")
    tensor([6., 1., 4.])
    """
    op = "index_reduce"
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise ValueError(f"{op}: reduce must be one of ('prod', 'mean', 'amax', 'amin'), got "
                         f"{reduce!r}")
    arr, backend, axis, idx = _vector_index(op, x, dim, index)
    _rows_shape(op, arr, axis, idx.shape[0], source)
    xp = backend.xp
    if not isinstance(x, Tensor):
        x = _make_tensor(arr, backend)
    if not arr.shape:
        x, source, axis = reshape(x, (1,)), reshape(source, (-1,)), 0
    sshape = tuple(source.shape)
    nd = len(sshape)
    full = xp.broadcast_to(xp.reshape(idx, tuple(-1 if d == axis else 1 for d in range(nd))),
                           sshape)
    out = _scatter_reduce(op, x, axis, full, source, reduce, include_self, backend)
    return reshape(out, ()) if not arr.shape else out


def _np_index_reduce(x: Any, s: Any, reduce: str, include_self: bool) -> Any:
    index = np.broadcast_to(np.array([2, 0, 2])[:, None], s.shape)
    return _np_scatter_reduce(x, s, index, reduce, include_self)


_register("index_reduce", index_reduce, _np_index_reduce,
          harness=lambda x, s, **kw: index_reduce(x, 0, [2, 0, 2], s, **kw), nin=2,
          make_inputs=_sr_inputs,
          kwargs=({"reduce": "amax", "include_self": False},), inplace=True,
          notes="scatter_reduce's code and gradients (each reduction checked there)")


def fill_diagonal(x: Any, /, fill_value: Any, wrap: bool = False) -> Any:
    """``x`` with ``fill_value`` on its main diagonal (PyTorch's ``fill_diagonal_``, out of
    place). ``x`` has at least 2 dimensions, all equal beyond 2; a tall matrix's diagonal
    restarts every ``columns + 1`` rows when ``wrap`` is True.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.zeros(3, 2).fill_diagonal_(1.0, wrap=True)
    tensor([[1., 0.],
            [0., 1.],
            [0., 0.]])
    """
    (arr,), backend = unwrap((x,), "fill_diagonal")
    shape = tuple(arr.shape)
    if len(shape) < 2:
        raise ValueError(f"fill_diagonal: expected at least 2 dimensions, got shape {shape}")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError(f"fill_diagonal: expected all dimensions of equal length, got shape "
                         f"{shape}")
    xp = backend.xp
    n = math.prod(shape)
    step = sum(math.prod(shape[d + 1:]) for d in range(len(shape)))
    count = min(shape)
    if len(shape) == 2 and wrap and shape[0] > shape[1]:
        count = (n - 1) // step + 1
    pos = xp.arange(n, dtype=xp.int64, device=backend.device_of(arr))
    mask = ((pos % step) == 0) & (pos < count * step)
    return masked_fill(x, _make_tensor(xp.reshape(mask, shape), backend), fill_value)


def _np_fill_diagonal(x: Any, wrap: bool = False) -> Any:
    out = x.copy()
    np.fill_diagonal(out, 2.5, wrap=wrap)
    return out


_register("fill_diagonal", fill_diagonal, _np_fill_diagonal,
          harness=lambda x, **kw: fill_diagonal(x, 2.5, **kw), shapes=lambda rng: ((7, 3),),
          kwargs=({}, {"wrap": True}), inplace=True)


# -- searching, uniqueness -------------------------------------------------------------------
def bucketize(x: Any, /, boundaries: Any, *, out_int32: bool = False, right: bool = False) -> Any:
    """The bucket of each element of ``x`` among the increasing 1-D ``boundaries``: ``i``
    with ``boundaries[i-1] < v <= boundaries[i]`` (``<=``, ``<`` with ``right=True``).
    int64 (int32 with ``out_int32``); not differentiable.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.bucketize(anygrad.tensor([1, 5, 9]), anygrad.tensor([1, 3, 5, 7]))
    tensor([0, 2, 4])
    """
    (arr, b), backend = unwrap((x, boundaries), "bucketize")
    xp = backend.xp
    if b is None or len(getattr(b, "shape", ())) != 1:
        raise ValueError(f"bucketize: expected 1-D boundaries, got shape "
                         f"{tuple(getattr(b, 'shape', ()))}")
    if not hasattr(arr, "shape"):
        arr = xp.asarray(arr, device=backend.device_of(b))
    if arr.dtype != b.dtype:
        common = xp.result_type(arr.dtype, b.dtype)
        arr, b = xp.astype(arr, common), xp.astype(b, common)
    shape = tuple(arr.shape)
    out = xp.searchsorted(b, xp.reshape(arr, (-1,)), side="right" if right else "left")
    out = xp.reshape(xp.astype(out, xp.int32 if out_int32 else xp.int64), shape)
    return _make_tensor(out, backend)


_register("bucketize", bucketize,
          lambda x, b, right=False: np.searchsorted(b, x, side="right" if right else "left"),
          nin=2, differentiable=False, twice_differentiable=False, method=None,
          category="sorting", kwargs=({}, {"right": True}),
          make_inputs=lambda rng, dtype: [rng.integers(-3, 4, (3, 4)).astype(dtype),
                                          np.array([-2, 0, 1, 3], dtype=dtype)])


def _rows_unique(backend: Any, arr: Any, axis: int, consecutive: bool) -> tuple:
    """The distinct slices of ``arr`` along ``axis`` (sorted lexicographically, or only
    adjacent repeats merged), the inverse indices and the counts; raw arrays."""
    xp = backend.xp
    moved = xp.moveaxis(arr, axis, 0)
    n = moved.shape[0]
    rows = xp.reshape(moved, (n, -1))
    dev = backend.device_of(arr)
    order = xp.arange(n, dtype=xp.int64, device=dev)
    if not consecutive:
        for c in reversed(range(rows.shape[1])):
            order = xp.take(order, xp.argsort(xp.take(rows[:, c], order), stable=True))
    s = xp.take(rows, order, axis=0)
    first = xp.ones((1,), dtype=xp.bool, device=dev)
    new = xp.concat((first, xp.any(s[1:, :] != s[:-1, :], axis=1))) if n > 1 else first[:n]
    group = xp.cumulative_sum(xp.astype(new, xp.int64)) - 1
    keep = xp.astype(xp.nonzero(new)[0], xp.int64)
    values = xp.take(xp.take(moved, order, axis=0), keep, axis=0)
    inverse = xp.take(group, xp.argsort(order))
    ends = xp.concat((keep[1:], xp.asarray([n], dtype=xp.int64, device=dev)))
    return xp.moveaxis(values, 0, axis), inverse, ends - keep


def _unique_result(backend: Any, values: Any, inverse: Any, counts: Any,
                   return_inverse: bool, return_counts: bool) -> Any:
    out = [_make_tensor(values, backend)]
    if return_inverse:
        out.append(_make_tensor(inverse, backend))
    if return_counts:
        out.append(_make_tensor(counts, backend))
    return out[0] if len(out) == 1 else tuple(out)


def unique(x: Any, /, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: Any = None) -> Any:
    """The distinct elements of ``x`` (flattened, sorted), or with ``dim`` its distinct
    slices along ``dim`` (sorted lexicographically); with ``return_inverse`` and
    ``return_counts`` also where each element (slice) went and how often each occurs, as
    a tuple. Not differentiable. ``sorted=False`` sorts too (allowed by PyTorch).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.unique(anygrad.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    (arr,), backend = unwrap((x,), "unique")
    if dim is None:
        (values, _, inverse, counts), _ = _unique(x, "unique")
    else:
        values, inverse, counts = _rows_unique(backend, arr, _axis(dim, len(arr.shape),
                                                                   "unique"), False)
    return _unique_result(backend, values, inverse, counts, return_inverse, return_counts)


def unique_consecutive(x: Any, /, return_inverse: bool = False, return_counts: bool = False,
                       dim: Any = None) -> Any:
    """``x`` (flattened, or its slices along ``dim``) with each run of equal neighbours
    kept once; ``return_inverse``/``return_counts`` as :func:`unique`. Not differentiable.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.unique_consecutive(anygrad.tensor([1, 1, 2, 2, 1]))
    tensor([1, 2, 1])
    """
    (arr,), backend = unwrap((x,), "unique_consecutive")
    xp = backend.xp
    if dim is None:
        flat = xp.reshape(arr, (-1,))
        values, inverse, counts = _rows_unique(backend, flat, 0, True)
        inverse = xp.reshape(inverse, tuple(arr.shape))
    else:
        values, inverse, counts = _rows_unique(backend, arr, _axis(dim, len(arr.shape),
                                                                   "unique_consecutive"), True)
    return _unique_result(backend, values, inverse, counts, return_inverse, return_counts)


def _np_unique_dim(x: Any, **kw: Any) -> Any:
    out = np.unique(x, axis=kw.get("dim"), return_inverse=kw.get("return_inverse", False),
                    return_counts=kw.get("return_counts", False))
    return tuple(np.reshape(o, -1) if i == 1 and kw.get("return_inverse") else o
                 for i, o in enumerate(out)) if isinstance(out, tuple) else out


def _np_unique_consecutive(x: Any, return_counts: bool = False, dim: Any = None) -> Any:
    a = np.moveaxis(x, dim, 0) if dim is not None else x.reshape(-1)
    keep = [0] + [i for i in range(1, len(a)) if np.any(a[i] != a[i - 1])]
    values = a[keep]
    values = np.moveaxis(values, 0, dim) if dim is not None else values
    if not return_counts:
        return values
    return values, np.diff(keep + [len(a)])


def _small_ints(rng: Any, dtype: str) -> list:
    return [rng.integers(0, 2, (5, 3)).astype(dtype)]


_register("unique", unique, _np_unique_dim, differentiable=False, twice_differentiable=False,
          category="sorting", make_inputs=_small_ints,
          kwargs=({"return_counts": True}, {"dim": 1, "return_inverse": True}))
_register("unique_consecutive", unique_consecutive, _np_unique_consecutive,
          differentiable=False, twice_differentiable=False, category="sorting",
          make_inputs=_small_ints, kwargs=({"return_counts": True}, {"dim": 0}))


def argwhere(x: Any, /) -> Any:
    """The indices of ``x``'s non-zero elements, one row each: shape ``(n, x.ndim)``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.argwhere(anygrad.tensor([[0, 1], [2, 0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    (arr,), backend = unwrap((x,), "argwhere")
    xp = backend.xp
    if not arr.shape:
        rows = 1 if bool(arr != 0) else 0
        return _make_tensor(xp.zeros((rows, 0), dtype=xp.int64, device=backend.device_of(arr)),
                            backend)
    parts = [xp.astype(p, xp.int64) for p in xp.nonzero(arr)]
    return _make_tensor(xp.stack(parts, axis=1), backend)


_register("argwhere", argwhere, np.argwhere, differentiable=False,
          twice_differentiable=False, make_inputs=lambda rng, dtype: [
              (rng.random((3, 4)) > 0.5).astype(dtype)])


def nonzero_static(x: Any, /, *, size: int, fill_value: int = -1) -> Any:
    """:func:`argwhere`'s rows cut or padded with ``fill_value`` to exactly ``size`` rows:
    a result whose shape does not depend on the data.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.nonzero_static(anygrad.tensor([0, 3, 0, 4]), size=3)
    tensor([[ 1],
            [ 3],
            [-1]])
    """
    if isinstance(size, bool) or int(size) < 0:
        raise ValueError(f"nonzero_static: size must be a non-negative integer, got {size}")
    found = argwhere(x)
    arr, backend = found._data, found._backend
    xp = backend.xp
    k, nd = arr.shape
    if k >= size:
        return _make_tensor(arr[:size, :], backend)
    pad = xp.full((size - k, nd), fill_value, dtype=xp.int64, device=backend.device_of(arr))
    return _make_tensor(xp.concat((arr, pad), axis=0), backend)


def _np_nonzero_static(x: Any, size: int, fill_value: int = -1) -> Any:
    nz = np.argwhere(x)[:size]
    return np.concatenate([nz, np.full((size - len(nz), x.ndim), fill_value)])


_register("nonzero_static", nonzero_static, _np_nonzero_static, differentiable=False,
          twice_differentiable=False, kwargs=({"size": 3}, {"size": 20, "fill_value": 7}),
          make_inputs=lambda rng, dtype: [(rng.random((3, 4)) > 0.5).astype(dtype)])
