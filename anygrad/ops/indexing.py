"""Indexing and selection: ``getitem``/``setitem`` (``Tensor[...]``), take, gather,
scatter_add, index_add, masked_fill (nonzero is in :mod:`anygrad.ops.searching`).

Every gather-like op's backward scatters into zeros through the one scatter-add kernel
(:mod:`anygrad.ops._scatter`), so duplicate indices accumulate. Basic indexing (ints,
slices of any step, ``...``, ``None``) is undone in backward by padding with zero blocks,
which works on immutable backends too. Index arrays are constants of the graph. Backward
rules run on raw arrays, or on Tensors under ``create_graph=True``; ``_scatter_any`` is
where the two meet: the kernel on arrays, the differentiable :class:`IndexAdd` on Tensors.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor
from ._registry import OpSpec, register
from ._scatter import scatter_add as _kernel
from ._operands import check_index_range, unwrap
from .shape import Reshape, _axis, reshape

__all__ = [
    "getitem", "setitem", "scatter", "take", "index_select", "take_along_axis", "gather", "scatter_add",
    "index_add", "masked_fill",
]


def _scatter_any(raw_xp: Any, x: Any, axis: int, index: Any, source: Any) -> Any:
    """Scatter-add on raw arrays (the kernel) or on Tensors (differentiable, create_graph)."""
    if isinstance(source, Tensor) or isinstance(x, Tensor):
        return IndexAdd.apply(x, source, axis, index, 1)
    return _kernel(raw_xp, x, axis, index, source)


def _zeros(xp: Any, shape: tuple, like: Any) -> Any:
    return xp.zeros(shape, dtype=like.dtype, device=like.device)


def _index_array(index: Any, backend: Any, device: Any, op: str, size: int | None = None,
                 negative: bool = True, dim: int | None = None) -> Any:
    """A raw integer (or boolean) array of ``backend`` on ``device`` from a Tensor, array,
    list or int; integer values are checked against ``size`` when it is given (in
    ``[-size, size)``, or ``[0, size)`` where ``negative`` is False, as PyTorch's op)."""
    if isinstance(index, Tensor):
        if index._backend is not backend:
            raise TypeError(
                f"{op}: the index has backend {index.backend!r} but the tensor has backend "
                f"{backend.name!r}"
            )
        arr = index._data
    elif type(index) is backend.array_type:
        arr = index
    else:
        host = np.asarray(index)
        if host.dtype.kind not in "iub":
            raise TypeError(f"{op}: indices must be integers or booleans, got dtype {host.dtype}")
        if host.dtype.kind == "u":
            host = host.astype(np.int64)
        arr = backend.xp.asarray(host, device=device)
    kind = backend.dtype_of(arr.dtype).kind
    if kind not in "iub":
        raise TypeError(f"{op}: indices must be integers or booleans, got dtype {arr.dtype}")
    if size is not None and kind != "b":
        check_index_range(backend.xp, arr, size, op, negative=negative, dim=dim)
    return arr


def _nonneg(xp: Any, idx: Any, n: int) -> Any:
    """Negative indices counted from the end (torch's index_select rejects them)."""
    return xp.where(idx < 0, idx + n, idx)


# -- the scatter-add and take primitives ------------------------------------------------------
class IndexAdd(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, source: Any, axis: int, index: Any, alpha: Any) -> Any:
        ctx.axis, ctx.index, ctx.alpha = axis, index, alpha
        if alpha != 1:
            source = source * alpha
        return _kernel(ctx.xp, x, axis, index, source)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        gs = None
        if ctx.needs_input_grad[1]:
            gs = ctx.xp.take(gy, ctx.index, axis=ctx.axis)
            if ctx.alpha != 1:
                gs = gs * ctx.alpha
        return gy, gs, None, None, None


def index_add(x: Any, /, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
    """``x`` with ``alpha * source`` added at positions ``index`` (1-D, non-negative) along
    ``dim``; duplicates accumulate (PyTorch's ``index_add``, out of place).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.index_add(anygrad.zeros(3), 0, anygrad.tensor([0, 0, 2]), anygrad.ones(3))
    tensor([2., 0., 1.])
    """
    (arr,), backend = unwrap((x,), "index_add")
    axis = _axis(dim, len(arr.shape), "index_add")
    idx = _index_array(index, backend, backend.device_of(arr), "index_add", arr.shape[axis],
                       negative=False, dim=axis)
    if len(idx.shape) > 1:
        raise ValueError(f"index_add: expected a 1-D index, got shape {tuple(idx.shape)}")
    if not idx.shape:
        idx = backend.xp.reshape(idx, (1,))
    n = idx.shape[0]
    xshape, sshape = tuple(arr.shape), tuple(getattr(source, "shape", ()))
    want = xshape[:axis] + (n,) + xshape[axis + 1:]
    if sshape != want:
        raise ValueError(
            f"index_add: expected a source of shape {want} (x's shape with {n} indexed rows "
            f"along dimension {axis}), got {sshape}"
        )
    return IndexAdd.apply(x, source, axis, idx, alpha)


def _index_add_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-2, 2, (4, 3)).astype(dtype), rng.uniform(-2, 2, (5, 3)).astype(dtype)]


register(OpSpec("index_add", index_add,
                harness=lambda x, s: index_add(x, 0, [0, 2, 0, 3, 0], s), ref=None,
                nin=2, make_inputs=_index_add_inputs, category="indexing", method="index_add",
                notes="tested with duplicate indices [0, 2, 0, 3, 0]", inplace=True))


class Take(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, index: Any, axis: int) -> Any:
        ctx.axis, ctx.index, ctx.shape = axis, index, tuple(x.shape)
        return ctx.xp.take(x, index, axis=axis)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        zeros = _zeros(ctx.xp, ctx.shape, gy)
        return _scatter_any(ctx._backend.xp, zeros, ctx.axis, ctx.index, gy), None, None


def take(x: Any, indices: Any, /, *, axis: int | None = None, dim: Any = None) -> Any:
    """Elements of ``x`` at ``indices`` along ``axis`` (``x`` flattened when None).

    ``indices`` may have any shape: the result's ``axis`` is replaced by ``indices.shape``.
    Negative indices count from the end. The gradient accumulates over repeated indices.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.take(anygrad.tensor([10.0, 20.0, 30.0]), anygrad.tensor([2, 0, 2]))
    tensor([30., 10., 30.])
    """
    if dim is not None:
        axis = dim
    if axis is None:
        if len(x.shape) != 1:
            x = reshape(x, (-1,))
        axis = 0
    return take_checked(x, indices, axis, "take", True)


def take_checked(x: Any, indices: Any, axis: int, op: str, negative: bool) -> Any:
    """:func:`take` along ``axis`` for ``op`` (named in errors); negative indices count
    from the end where ``negative`` is True and are refused otherwise (as PyTorch's
    ``index_select`` and ``embedding``)."""
    (arr,), backend = unwrap((x,), op)
    shape = tuple(arr.shape)
    axis = _axis(axis, len(shape), op)
    idx = _index_array(indices, backend, backend.device_of(arr), op, shape[axis],
                       negative=negative, dim=axis)
    xp = backend.xp
    ishape = tuple(idx.shape)
    if len(ishape) != 1:
        idx = xp.reshape(idx, (-1,))
    y = Take.apply(x, _nonneg(xp, idx, shape[axis]) if negative else idx, axis)
    if len(ishape) != 1:
        y = Reshape.apply(y, shape[:axis] + ishape + shape[axis + 1:])
    return y


register(OpSpec("take", aliases=("index_select",), fn=take,
                harness=lambda x: take(x, [2, 0, 2, -1], axis=1),
                ref=lambda x: np.take(x, [2, 0, 2, -1], axis=1), category="indexing",
                method=None, shapes=lambda rng: ((3, 4),),
                notes="tested with duplicate and negative indices"))


def index_select(x: Any, /, dim: int, index: Any) -> Any:
    """PyTorch's ``index_select``: ``take(x, index, axis=dim)``; negative indices are
    refused, as PyTorch does."""
    ndim = len(getattr(index, "shape", ())) if not isinstance(index, (list, tuple)) else np.ndim(index)
    if ndim > 1:
        raise ValueError(f"index_select: expected a 1-D index (a vector), got {ndim} dimensions")
    return take_checked(x, index, dim, "index_select", False)


def _linear(xp: Any, index: Any, axis: int, shape: tuple) -> Any:
    """Flat positions in an array of ``shape`` of ``index`` taken along ``axis`` (C order)."""
    ishape = tuple(index.shape)
    nd = len(ishape)
    strides = [math.prod(shape[d + 1:]) for d in range(nd)]
    lin = index * strides[axis] if strides[axis] != 1 else index
    for d in range(nd):
        if d == axis or ishape[d] == 1:
            continue
        r = xp.arange(ishape[d], dtype=index.dtype, device=index.device) * strides[d]
        lin = lin + xp.reshape(r, tuple(ishape[d] if e == d else 1 for e in range(nd)))
    return xp.reshape(lin, (-1,))


class GatherAlong(Function):
    # index.shape == x.shape outside axis
    @staticmethod
    def forward(ctx: Any, x: Any, index: Any, axis: int) -> Any:
        ctx.axis, ctx.index, ctx.shape = axis, index, tuple(x.shape)
        return ctx.xp.take_along_axis(x, index, axis=axis)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp, raw = ctx.xp, ctx._backend.xp
        lin = _linear(raw, ctx.index, ctx.axis, ctx.shape)
        zeros = _zeros(xp, (math.prod(ctx.shape),), gy)
        g = _scatter_any(raw, zeros, 0, lin, xp.reshape(gy, (-1,)))
        return xp.reshape(g, ctx.shape), None, None


class ScatterAlong(Function):
    # index.shape == src.shape; x.shape >= index.shape outside axis
    @staticmethod
    def forward(ctx: Any, x: Any, src: Any, axis: int, index: Any) -> Any:
        xp = ctx.xp
        shape = tuple(x.shape)
        ctx.lin = lin = _linear(xp, index, axis, shape)
        ctx.ishape = tuple(index.shape)
        flat = _kernel(xp, xp.reshape(x, (-1,)), 0, lin, xp.reshape(src, (-1,)))
        return xp.reshape(flat, shape)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        gs = None
        if ctx.needs_input_grad[1]:
            gs = xp.reshape(xp.take(xp.reshape(gy, (-1,)), ctx.lin), ctx.ishape)
        return gy, gs, None, None


def _check_along(op: str, xshape: tuple, ishape: tuple, axis: int) -> None:
    if len(ishape) != len(xshape):
        raise ValueError(
            f"{op}: index of shape {ishape} needs as many dimensions as the tensor of shape {xshape}"
        )


def _crop(x: Any, ishape: tuple, axis: int) -> Any:
    """``x`` sliced to ``ishape`` outside ``axis`` (PyTorch lets index be smaller there)."""
    xshape = tuple(x.shape)
    if all(i == s or d == axis for d, (i, s) in enumerate(zip(ishape, xshape))):
        return x
    key = tuple(slice(None) if d == axis else slice(0, i) for d, i in enumerate(ishape))
    return getitem(x, key)


def gather(x: Any, /, dim: int, index: Any) -> Any:
    """PyTorch's ``gather``: ``out[i][j] = x[index[i][j]][j]`` for ``dim=0`` (and so on).

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> anygrad.gather(x, 1, anygrad.tensor([[0, 0], [1, 0]]))
    tensor([[1., 1.],
            [4., 3.]])
    """
    (arr,), backend = unwrap((x,), "gather")
    xshape = tuple(arr.shape)
    axis = _axis(dim, len(xshape), "gather")
    idx = _index_array(index, backend, backend.device_of(arr), "gather", xshape[axis],
                       negative=False, dim=axis)
    ishape = tuple(idx.shape)
    _check_along("gather", xshape, ishape, axis)
    for d, (i, s) in enumerate(zip(ishape, xshape)):
        if d != axis and i > s:
            raise ValueError(
                f"gather: index of shape {ishape} is larger than the tensor of shape {xshape} "
                f"outside dimension {axis}"
            )
    return GatherAlong.apply(_crop(x, ishape, axis), idx, axis)


register(OpSpec("gather", gather, harness=lambda x: gather(x, 1, [[0, 0, 2], [1, 1, 1], [3, 0, 3]]),
                ref=None, category="indexing", method="gather",
                shapes=lambda rng: ((3, 4),), notes="tested with duplicate indices"))


def take_along_axis(x: Any, indices: Any, /, *, axis: int = -1, dim: Any = None) -> Any:
    """Values of ``x`` at ``indices`` along ``axis`` (the two broadcast elsewhere)."""
    from .shape import broadcast_to

    if dim is not None:
        axis = dim
    (arr,), backend = unwrap((x,), "take_along_axis")
    xshape = tuple(arr.shape)
    axis = _axis(axis, len(xshape), "take_along_axis")
    idx = _index_array(indices, backend, backend.device_of(arr), "take_along_axis",
                       xshape[axis], dim=axis)
    ishape = tuple(idx.shape)
    _check_along("take_along_axis", xshape, ishape, axis)
    if any(i != s for d, (i, s) in enumerate(zip(ishape, xshape)) if d != axis):
        outer = [max(i, s) for i, s in zip(ishape, xshape)]
        xs = tuple(xshape[axis] if d == axis else o for d, o in enumerate(outer))
        is_ = tuple(ishape[axis] if d == axis else o for d, o in enumerate(outer))
        if xs != xshape:
            x = broadcast_to(x, xs)
        if is_ != ishape:
            idx = backend.xp.broadcast_to(idx, is_)
    return GatherAlong.apply(x, _nonneg(backend.xp, idx, xshape[axis]), axis)


register(OpSpec("take_along_axis",
                take_along_axis,
                harness=lambda x: take_along_axis(x, [[0, 0, 2], [1, 1, 1], [3, 0, -1]], axis=1),
                ref=lambda x: np.take_along_axis(x, np.array([[0, 0, 2], [1, 1, 1], [3, 0, -1]]), 1),
                category="indexing", method=None, shapes=lambda rng: ((3, 4),)))


def scatter_add(x: Any, /, dim: int, index: Any, src: Any) -> Any:
    """PyTorch's ``scatter_add`` (out of place): ``out[index[i][j]][j] += src[i][j]`` for
    ``dim=0``; duplicates accumulate.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.scatter_add(anygrad.zeros(3), 0, anygrad.tensor([0, 0, 2]), anygrad.ones(3))
    tensor([2., 0., 1.])
    """
    (arr,), backend = unwrap((x,), "scatter_add")
    xshape = tuple(arr.shape)
    axis = _axis(dim, len(xshape), "scatter_add")
    idx = _index_array(index, backend, backend.device_of(arr), "scatter_add", xshape[axis],
                       negative=False, dim=axis)
    ishape = tuple(idx.shape)
    _check_along("scatter_add", xshape, ishape, axis)
    sshape = tuple(src.shape)
    if len(sshape) != len(ishape) or any(i > s for i, s in zip(ishape, sshape)) or any(
        i > s for d, (i, s) in enumerate(zip(ishape, xshape)) if d != axis
    ):
        raise ValueError(
            f"scatter_add: index of shape {ishape} must not be larger than src {sshape} "
            f"(anywhere) or x {xshape} (outside dimension {axis})"
        )
    if sshape != ishape:
        src = getitem(src, tuple(slice(0, i) for i in ishape))
    return ScatterAlong.apply(x, src, axis, idx)


def _scatter_add_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-2, 2, (3, 4)).astype(dtype), rng.uniform(-2, 2, (2, 4)).astype(dtype)]


register(OpSpec("scatter_add", scatter_add,
                harness=lambda x, s: scatter_add(x, 0, [[0, 2, 2, 1], [0, 0, 2, 1]], s),
                ref=None, nin=2, make_inputs=_scatter_add_inputs,
                category="indexing", method="scatter_add", notes="tested with duplicate indices", inplace=True))


# -- masked_fill and nonzero ------------------------------------------------------------------------
class MaskedFill(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, mask: Any, value: Any) -> Any:
        xp = ctx.xp
        ctx.mask = mask
        if type(value) in (int, float, bool, complex):
            value = xp.asarray(value, dtype=x.dtype, device=x.device)
        elif value.dtype != x.dtype:
            value = xp.astype(value, x.dtype)
        return xp.where(mask, value, x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp, needs = ctx.xp, ctx.needs_input_grad
        zero = xp.zeros_like(gy)
        gx = xp.where(ctx.mask, zero, gy) if needs[0] else None
        gv = xp.where(ctx.mask, gy, zero) if needs[2] else None
        return gx, None, gv


def masked_fill(x: Any, /, mask: Any, value: Any) -> Any:
    """``x`` with ``value`` (a number or a 0-d tensor) where the boolean ``mask`` is True.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.masked_fill(anygrad.tensor([1.0, 2.0]), anygrad.tensor([True, False]), 0.0)
    tensor([0., 2.])
    """
    return MaskedFill.apply(x, mask, value)


def _masked_fill_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-2, 2, (3, 4)).astype(dtype), rng.random((3, 4)) > 0.5]


register(OpSpec("masked_fill", masked_fill, harness=lambda x, m: masked_fill(x, m, -1.5),
                ref=lambda x, m: np.where(m, -1.5, x), nin=2, make_inputs=_masked_fill_inputs,
                grad_inputs=(0,), category="indexing", method="masked_fill", inplace=True))


from ._getitem import getitem, scatter, setitem  # noqa: E402  (getitem builds on Take and IndexAdd)
