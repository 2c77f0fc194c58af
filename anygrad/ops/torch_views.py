"""The views PyTorch takes by positions, the embeddings that write through them, and the
in-place shape changes: ``Tensor.unfold`` (the sliding window), ``as_strided``, the
``select``/``slice``/``diagonal``/``as_strided`` ``_scatter`` embeddings, the out-of-place
``resize_as``, and ``squeeze_``, ``unsqueeze_``, ``t_``, ``transpose_``
(``swapaxes_``/``swapdims_``), ``as_strided_``, ``resize_`` and ``resize_as_``.

Positions that PyTorch reads from strides are computed on the host with NumPy and gathered
or scattered with ``take``/``setitem``, so every operation here runs on every backend and
differentiates through those registered operations. The views are the project's views
(``make_view``: a recipe replayed on the storage's root), so writes through them and into
their base are seen both ways, as in PyTorch. The in-place methods are plain functions,
attached to the Tensor by ``_tensor_methods``.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from array_api_compat import device as _device

from ..autograd.grad_mode import _enabled
from ..tensor import Storage, Tensor, ViewFn, _register, dependents, make_view
from ._getitem import setitem
from ._registry import OpSpec, register
from .indexing import take
from .shape import (
    Reshape, _axis, _flat_index, _permute_fn, _reshape_fn, _reshaped, expand_dims,
    permute_dims, reshape, squeeze, swapaxes,
)
from .torch_shape import _sizes

__all__ = [
    "select_scatter", "slice_scatter", "diagonal_scatter", "unfold", "as_strided",
    "as_strided_scatter", "resize_as", "squeeze_", "unsqueeze_", "t_", "transpose_",
    "as_strided_", "resize_", "resize_as_",
]


def _register_op(name: str, fn: Any, ref: Any, **kw: Any) -> None:
    kw.setdefault("category", "shape")
    register(OpSpec(name, fn, ref=ref, **kw))


# -- embeddings: a copy of x with a slice, a diagonal or a strided pattern replaced ---------------
def _check_src(src: Any, want: tuple, op: str) -> None:
    if not isinstance(src, Tensor):
        raise TypeError(f"{op}: expected src to be a Tensor, got {type(src).__name__}")
    if tuple(src.shape) != tuple(want):
        raise ValueError(f"{op}: expected src of the embedded slice's shape {tuple(want)}, got "
                         f"{tuple(src.shape)}")


def select_scatter(x: Any, src: Any, /, dim: int, index: int) -> Any:
    """A copy of ``x`` whose slice ``index`` along ``dim`` is ``src`` (of that slice's
    shape). Gradients flow to both.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.select_scatter(anygrad.zeros(2, 2), anygrad.ones(2), 0, 1)
    tensor([[0., 0.],
            [1., 1.]])
    """
    d = _axis(dim, x.ndim, "select_scatter")
    n = x.shape[d]
    if not -n <= int(index) < n:
        raise IndexError(f"select_scatter: index {index} is out of range for dimension {d} of "
                         f"size {n}")
    key = (slice(None),) * d + (int(index) % n,)
    _check_src(src, tuple(x.shape[:d] + x.shape[d + 1:]), "select_scatter")
    return setitem(x, key, src)


def slice_scatter(x: Any, src: Any, /, dim: int = 0, start: Any = None, end: Any = None,
                  step: int = 1) -> Any:
    """A copy of ``x`` whose slice ``start:end:step`` along ``dim`` is ``src`` (of that
    slice's shape). Gradients flow to both.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.slice_scatter(anygrad.zeros(4), anygrad.ones(2), start=1, end=3)
    tensor([0., 1., 1., 0.])
    """
    if int(step) <= 0:
        raise ValueError(f"slice_scatter: expected a positive step, got {step}")
    d = _axis(dim, x.ndim, "slice_scatter")
    key = (slice(None),) * d + (slice(start, end, int(step)),)
    n = len(range(*key[-1].indices(x.shape[d])))
    _check_src(src, tuple(x.shape[:d]) + (n,) + tuple(x.shape[d + 1:]), "slice_scatter")
    return setitem(x, key, src)


def _positions_scatter(x: Any, src: Any, pos: np.ndarray, op: str) -> Any:
    """A copy of ``x`` with its flat (row-major) positions ``pos`` set to ``src``."""
    _check_src(src, tuple(pos.shape), op)
    flat = setitem(reshape(x, (-1,)), (pos.reshape(-1),), reshape(src, (-1,)))
    return reshape(flat, tuple(x.shape))


def diagonal_scatter(x: Any, src: Any, /, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    """A copy of ``x`` whose diagonal (as :func:`diagonal` with the same ``offset``,
    ``dim1``, ``dim2`` selects it) is ``src``. Gradients flow to both.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.diagonal_scatter(anygrad.zeros(2, 3), anygrad.ones(2), 1)
    tensor([[0., 1., 0.],
            [0., 0., 1.]])
    """
    ndim = x.ndim
    if ndim < 2:
        raise ValueError(f"diagonal_scatter: expected a tensor of at least 2 dimensions, got "
                         f"shape {tuple(x.shape)}")
    a, b = _axis(dim1, ndim, "diagonal_scatter"), _axis(dim2, ndim, "diagonal_scatter")
    if a == b:
        raise ValueError(f"diagonal_scatter: expected two different dims, got {dim1} and {dim2}")
    ids = np.arange(x.numel(), dtype=np.int64).reshape(tuple(x.shape))
    return _positions_scatter(x, src, np.diagonal(ids, int(offset), a, b), "diagonal_scatter")


def _select_scatter_ref(x: Any, src: Any, dim: int, index: int) -> Any:
    out = x.copy()
    np.moveaxis(out, dim, 0)[index] = src
    return out


def _slice_scatter_ref(x: Any, src: Any, dim: int = 0, start: Any = None, end: Any = None,
                       step: int = 1) -> Any:
    out = x.copy()
    out[(slice(None),) * dim + (slice(start, end, step),)] = src
    return out


def _diagonal_scatter_ref(x: Any, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    out = np.moveaxis(x.copy(), (dim1, dim2), (-2, -1))
    for i in range(src.shape[-1]):
        out[..., i + max(-offset, 0), i + max(offset, 0)] = src[..., i]
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


_register_op("select_scatter", select_scatter, _select_scatter_ref, nin=2,
             shapes=lambda rng: ((3, 4, 2), (3, 2)), kwargs=({"dim": 1, "index": -2},),
             method="select_scatter", category="indexing")
_register_op("slice_scatter", slice_scatter, _slice_scatter_ref, nin=2,
             shapes=lambda rng: ((3, 5), (3, 2)),
             kwargs=({"dim": 1, "start": 1, "end": None, "step": 2},),
             method="slice_scatter", category="indexing")
_register_op("diagonal_scatter", diagonal_scatter, _diagonal_scatter_ref, nin=2,
             shapes=lambda rng: ((3, 2, 4), (2, 3)), kwargs=({"offset": -1, "dim1": 2, "dim2": 0},),
             method="diagonal_scatter", category="indexing")


# -- the sliding window (a view) ----------------------------------------------------------------
def _unfold_fn(xp: Any, a: Any, dim: int, size: int, step: int, count: int) -> Any:
    dev = _device(a)
    starts = xp.reshape(xp.arange(count, dtype=xp.int64, device=dev) * step, (count, 1))
    idx = xp.reshape(starts + xp.reshape(xp.arange(size, dtype=xp.int64, device=dev), (1, size)),
                     (-1,))
    shape = tuple(a.shape)
    y = xp.reshape(xp.take(a, idx, axis=dim), shape[:dim] + (count, size) + shape[dim + 1:])
    axes = tuple(i for i in range(len(shape) + 1) if i != dim + 1) + (dim + 1,)
    return xp.permute_dims(y, axes)


def unfold(x: Any, /, dimension: int, size: int, step: int) -> Any:
    """PyTorch's ``Tensor.unfold``: every window of ``size`` elements along ``dimension``,
    taken every ``step`` elements; ``dimension`` becomes the number of windows and a new
    last dimension of ``size`` holds each window. A view of ``x`` (windows that overlap
    share elements, so it cannot be written to then).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.arange(5.0).unfold(0, 2, 2)
    tensor([[0., 1.],
            [2., 3.]])
    """
    size, step = int(size), int(step)
    if x.ndim == 0:
        x = _reshaped(x, (1,), "unfold", None)
        dimension = _axis(dimension, 1, "unfold")
        return unfold(x, 0, size, step)[0] if size <= 1 else unfold(x, 0, size, step)
    d = _axis(dimension, x.ndim, "unfold")
    n = x.shape[d]
    if step <= 0:
        raise ValueError(f"unfold: expected a positive step, got {step}")
    if not 0 <= size <= n:
        raise ValueError(f"unfold: expected a window size of at most {n} (the size of "
                         f"dimension {d}), got {size}")
    count = (n - size) // step + 1
    fn = partial(_unfold_fn, dim=d, size=size, step=step, count=count)
    idx = (np.arange(count)[:, None] * step + np.arange(size)[None, :]).reshape(-1)
    shape = tuple(x.shape)
    y = Reshape.apply(take(x, idx, axis=d), shape[:d] + (count, size) + shape[d + 1:])
    y = permute_dims(y, tuple(i for i in range(len(shape) + 1) if i != d + 1) + (d + 1,))
    return make_view(y, x, fn, overlap=step < size and count > 1, native=False)


def _unfold_ref(x: Any, dimension: int, size: int, step: int) -> Any:
    w = np.lib.stride_tricks.sliding_window_view(x, size, axis=dimension)
    return np.take(w, np.arange(0, w.shape[dimension], step), axis=dimension)


_register_op("unfold", unfold, _unfold_ref, method="unfold", shapes=lambda rng: ((3, 7),),
             kwargs=({"dimension": 1, "size": 3, "step": 2},
                     {"dimension": 0, "size": 2, "step": 1}),
             notes="a view; overlapping windows cannot be written to")


# -- strided views, on the storage's row-major positions ----------------------------------------
def _strided_positions(size: Any, stride: Any, offset: int, op: str) -> np.ndarray:
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise ValueError(f"{op}: expected as many strides as sizes, got size {size} and "
                         f"stride {stride}")
    if any(s < 0 for s in size):
        raise ValueError(f"{op}: expected non-negative sizes, got {size}")
    if any(s < 0 for s in stride):
        raise ValueError(f"{op}: expected non-negative strides, got {stride}")
    if offset < 0:
        raise ValueError(f"{op}: expected a non-negative storage_offset, got {offset}")
    pos = np.full(size, offset, dtype=np.int64)
    for i, (n, s) in enumerate(zip(size, stride)):
        pos += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (len(size) - i - 1))
    return pos


def _gather_fn(xp: Any, a: Any, idx: np.ndarray) -> Any:
    flat = xp.reshape(a, (-1,))
    taken = xp.take(flat, xp.asarray(idx.reshape(-1), device=_device(a)), axis=0)
    return xp.reshape(taken, tuple(idx.shape))


def _strided_index(x: Any, size: Any, stride: Any, storage_offset: Any, op: str) -> np.ndarray:
    """For each element of ``as_strided(size, stride, storage_offset)``, the row-major
    index of the element of ``x`` at that storage position (all must be ``x``'s)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(x).__name__}")
    ids = _flat_index(x)  # x's positions in its storage's root
    root_numel = math.prod(tuple(x._storage.base.shape))
    offset = (int(ids.reshape(-1)[0]) if ids.size else 0) if storage_offset is None \
        else int(storage_offset)
    pos = _strided_positions(size, stride, offset, op)
    inverse = np.full(max(root_numel, 1), -1, dtype=np.int64)
    inverse[ids.reshape(-1)] = np.arange(ids.size, dtype=np.int64)
    if pos.size and (int(pos.max()) >= root_numel or (inverse[pos] < 0).any()):
        raise ValueError(
            f"{op}: size {tuple(pos.shape)}, stride {tuple(int(s) for s in stride)} and "
            f"storage_offset {offset} reach storage positions outside the tensor's elements "
            f"(its storage holds {root_numel}); anygrad reads and writes only the tensor's own "
            "elements")
    return inverse[pos] if pos.size else pos


def as_strided(x: Any, /, size: Any, stride: Any, storage_offset: Any = None) -> Any:
    """The view of ``x``'s storage with the given ``size``, ``stride`` and
    ``storage_offset`` (in elements, over the storage's row-major layout; the default
    offset is ``x``'s own). Every element it reaches must be one of ``x``'s: anygrad does
    not read memory outside the tensor. Gradients flow to ``x`` (summed where elements
    repeat).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.arange(6.0).as_strided((2, 2), (1, 2))
    tensor([[0., 2.],
            [1., 3.]])
    """
    idx = _strided_index(x, size, stride, storage_offset, "as_strided")
    y = Reshape.apply(take(reshape(x, (-1,)), idx.reshape(-1)), tuple(idx.shape))
    overlap = len(np.unique(idx)) < idx.size
    return make_view(y, x, partial(_gather_fn, idx=idx), overlap=overlap, native=False)


def _as_strided_ref(x: Any, size: Any, stride: Any, storage_offset: int = 0) -> Any:
    flat = np.ascontiguousarray(x).reshape(-1)[storage_offset:]
    return np.lib.stride_tricks.as_strided(flat, size, [s * flat.itemsize for s in stride]).copy()


_register_op("as_strided", as_strided, _as_strided_ref, method="as_strided",
             shapes=lambda rng: ((3, 4),),
             kwargs=({"size": (2, 3), "stride": (1, 3), "storage_offset": 1},
                     {"size": (3, 2), "stride": (2, 1)}),
             notes="positions in the storage's row-major layout; overlapping ones accumulate")


def as_strided_scatter(x: Any, src: Any, /, size: Any, stride: Any,
                       storage_offset: Any = None) -> Any:
    """A copy of ``x`` with the elements that ``as_strided(size, stride, storage_offset)``
    shows set to ``src`` (of shape ``size``): positions in ``x``'s storage, all of them
    ``x``'s own, none repeated. Gradients flow to both.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.as_strided_scatter(anygrad.zeros(2, 3), anygrad.ones(2), (2,), (2,))
    tensor([[1., 0., 1.],
            [0., 0., 0.]])
    """
    idx = _strided_index(x, size, stride, storage_offset, "as_strided_scatter")
    if len(np.unique(idx)) < idx.size:
        raise ValueError("as_strided_scatter: the strided positions repeat (more than one "
                         "element of the written-to tensor refers to one memory location)")
    return _positions_scatter(x, src, idx, "as_strided_scatter")


def _as_strided_scatter_ref(x: Any, src: Any, size: Any, stride: Any,
                            storage_offset: int = 0) -> Any:
    out = np.ascontiguousarray(x).copy()
    flat = out.reshape(-1)[storage_offset:]
    view = np.lib.stride_tricks.as_strided(flat, size, [s * flat.itemsize for s in stride])
    view[...] = src
    return out


_register_op("as_strided_scatter", as_strided_scatter, _as_strided_scatter_ref, nin=2,
             shapes=lambda rng: ((3, 4), (2, 3)), method="as_strided_scatter",
             kwargs=({"size": (2, 3), "stride": (1, 4), "storage_offset": 1},),
             category="indexing")


def resize_as(x: Any, other: Any, /) -> Any:
    """``x`` with ``other``'s shape and the same number of elements (PyTorch's deprecated
    out-of-place ``Tensor.resize_as``: differentiable, a view where the layout allows).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.ones(2, 3).resize_as(anygrad.zeros(6)).shape
    anygrad.Size([6])
    """
    shape = tuple(other.shape)
    if math.prod(shape) != x.numel():
        raise ValueError(f"resize_as: requested the shape {shape} ({math.prod(shape)} elements) "
                         f"of a tensor of shape {tuple(x.shape)} ({x.numel()} elements); the "
                         "out-of-place resize can only change the shape, keeping the number of "
                         "elements (use resize_ on a tensor that does not require grad)")
    return reshape(x, shape)


_register_op("resize_as", resize_as, lambda x, o: np.reshape(x, o.shape), nin=2,
             shapes=lambda rng: ((2, 3), (3, 2)), method="resize_as", grad_inputs=(0,))


# -- in-place shape changes (attached as Tensor methods by _tensor_methods) ------------------------
def _check_inplace(x: Any, op: str) -> None:
    if not _enabled.get():
        return
    what = None
    if x._requires_grad and x._grad_fn is None:
        what = "a leaf tensor"
    elif x._base is not None and x._base._requires_grad and x._base._grad_fn is None:
        what = "a view of a leaf tensor"
    if what:
        raise RuntimeError(f"{op}: {what} that requires grad is being used in an in-place "
                           "operation; wrap it in `with anygrad.no_grad():` or use .data")


def _become(x: Any, y: Any, inverse: Any, op: str) -> Any:
    """Make ``x`` itself the view ``y`` just taken of it (PyTorch's in-place view methods:
    the tensor keeps its identity and storage and takes ``y``'s shape and history).

    A tensor that is the root of its storage stays its root: the storage's array becomes
    ``y``'s, and every other tensor on the storage is re-expressed from it through
    ``inverse`` (``f(xp, new_root) -> old_root``), so their recipes stay right."""
    storage = x._storage
    if y._storage is not storage:  # the layout needed a copy: never for these operations
        raise RuntimeError(f"{op}: internal error: the new shape is not a view of the tensor")
    if storage.views is not None:
        storage.views.pop(id(y), None)
    if x._view_fn is None and x._base is None and inverse is not None:
        mutable = x._backend.mutable
        for t in dependents(storage):
            if t is x:
                continue
            tv = t._view_fn
            t._view_fn = ViewFn((inverse,) + (tv.fns if tv else ()),
                                tv.functional if tv else not mutable,
                                tv.overlap if tv else False, tv.component if tv else None)
        storage.base = y._data
    else:
        x._view_fn = y._view_fn
        _register(storage, x)
    x._data = y._data
    if y._requires_grad:
        x._grad_fn, x._output_nr, x._requires_grad = y._grad_fn, y._output_nr, True
    elif x._grad_fn is not None:
        raise RuntimeError(f"{op}: cannot change the shape of a tensor with autograd "
                           "history in place under no_grad (its history has the old shape)")
    storage.version += 1
    return x


def _inplace_reshape(x: Any, y: Any, op: str) -> Any:
    return _become(x, y, partial(_reshape_fn, shape=tuple(x._data.shape)), op)


def squeeze_(x: Any, /, dim: Any = None) -> Any:
    """In-place :func:`squeeze`: this tensor loses its size-1 dimensions (those of ``dim``
    when given; a listed dimension of another size is left in place).

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.zeros(2, 1, 3)
    >>> x.squeeze_().shape
    anygrad.Size([2, 3])
    """
    _check_inplace(x, "squeeze_")
    return _inplace_reshape(x, squeeze(x, dim=dim) if dim is not None else squeeze(x), "squeeze_")


def unsqueeze_(x: Any, /, dim: int) -> Any:
    """In-place :func:`unsqueeze`: this tensor gains a dimension of size 1 at ``dim``.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.zeros(2, 3)
    >>> x.unsqueeze_(0).shape
    anygrad.Size([1, 2, 3])
    """
    _check_inplace(x, "unsqueeze_")
    return _inplace_reshape(x, expand_dims(x, axis=dim), "unsqueeze_")


def transpose_(x: Any, /, dim0: int, dim1: int) -> Any:
    """In-place :func:`transpose` (also ``swapaxes_`` and ``swapdims_``): this tensor's
    dimensions ``dim0`` and ``dim1`` are exchanged.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.zeros(2, 3)
    >>> x.transpose_(0, 1).shape
    anygrad.Size([3, 2])
    """
    return _transpose_(x, dim0, dim1, "transpose_")


def _transpose_(x: Any, dim0: int, dim1: int, op: str) -> Any:
    _check_inplace(x, op)
    ndim = x.ndim
    a, b = _axis(dim0, ndim, op), _axis(dim1, ndim, op)
    axes = list(range(ndim))
    axes[a], axes[b] = axes[b], axes[a]
    return _become(x, swapaxes(x, a, b), partial(_permute_fn, axes=tuple(axes)), op)


def t_(x: Any, /) -> Any:
    """In-place :func:`t`: a matrix is transposed; below 2 dimensions nothing changes.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.zeros(2, 3)
    >>> x.t_().shape
    anygrad.Size([3, 2])
    """
    if x.ndim > 2:
        raise ValueError(f"t_: expected a tensor of at most 2 dimensions, got shape "
                         f"{tuple(x.shape)}")
    if x.ndim < 2:
        _check_inplace(x, "t_")
        return x
    return _transpose_(x, 0, 1, "t_")


def as_strided_(x: Any, /, size: Any, stride: Any, storage_offset: Any = None) -> Any:
    """In-place :func:`as_strided`: this tensor becomes that view of its storage.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.arange(6.0)
    >>> x.as_strided_((2, 2), (2, 1))
    tensor([[0., 1.],
            [2., 3.]])
    """
    _check_inplace(x, "as_strided_")
    return _become(x, as_strided(x, size, stride, storage_offset), None, "as_strided_")


def resize_(x: Any, /, *sizes: Any) -> Any:
    """Give this tensor the shape ``sizes`` in place (PyTorch's ``resize_``): its elements
    are then those of its storage from its offset, in memory order; elements beyond the
    storage are zeros (PyTorch leaves them uninitialised). Not for a tensor that requires
    grad.

    With the number of elements unchanged and a contiguous tensor this is an in-place
    ``view``; otherwise the tensor gets memory of its own (it no longer shares memory
    with views taken of it before, where PyTorch resizes the shared storage).

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.arange(4.0)
    >>> x.resize_(2, 3)
    tensor([[0., 1., 2.],
            [3., 0., 0.]])
    """
    sizes = _sizes(sizes)
    if x._requires_grad:
        raise RuntimeError("resize_: cannot resize a tensor that requires grad (resize_as or "
                           "reshape change the shape on the graph)")
    if any(s < 0 for s in sizes):
        raise ValueError(f"resize_: expected non-negative sizes, got {sizes}")
    if sizes == tuple(x.shape):
        return x
    n = math.prod(sizes)
    if n == x.numel() and x.is_contiguous():
        return _inplace_reshape(x, reshape(x, sizes), "resize_")
    backend = x._backend
    xp = backend.xp
    ids = _flat_index(x).reshape(-1)
    root = xp.reshape(x._storage.base, (-1,))
    start = int(ids[0]) if ids.size else 0
    kept = root[start:min(start + n, root.shape[0])]
    if kept.shape[0] < n:
        kept = xp.concat((kept, xp.zeros((n - kept.shape[0],), dtype=root.dtype,
                                         device=backend.device_of(root))))
    array = xp.reshape(xp.asarray(kept, copy=True), sizes)
    x._data = array
    x._storage = storage = Storage(array)
    storage.version = 1
    x.__dict__.pop("_base", None)
    x.__dict__.pop("_view_fn", None)
    return x


def resize_as_(x: Any, /, other: Any) -> Any:
    """In-place ``resize_`` to ``other``'s shape.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.zeros(4).resize_as_(anygrad.ones(2, 2)).shape
    anygrad.Size([2, 2])
    """
    return resize_(x, tuple(other.shape))
