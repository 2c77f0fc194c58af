"""PyTorch's shape operations that the Array API standard does not have: ``atleast_*d``,
the ``*stack``/``*split`` families, ``fliplr``/``flipud``/``rot90``, ``ravel``,
``broadcast_tensors``, ``repeat_interleave``, ``unravel_index``, the ``*_scatter``
embeddings, ``cartesian_prod``/``combinations``, and the Tensor's sliding window
``unfold``, ``sum_to_size``, ``narrow_copy``, ``as_strided`` and ``resize_as``.

Each is a composite of registered operations (its gradient, at every order, is theirs) with
one registry entry, from which ``anygrad/_faces.py`` makes the ``anygrad`` function and the
Tensor method. Positions that PyTorch reads from strides (``as_strided``,
``diagonal_scatter``) are computed on the host with NumPy and gathered or scattered with
``take``/``setitem``, so they run on every backend.

The in-place shape methods (``squeeze_``, ``unsqueeze_``, ``t_``, ``transpose_``,
``swapaxes_``/``swapdims_``, ``as_strided_``, ``resize_``, ``resize_as_``) change the
tensor itself; they are plain functions here, attached as methods by ``_tensor_methods``.
"""

from __future__ import annotations

import itertools
import math
from functools import partial
from typing import Any

import numpy as np

from array_api_compat import device as _device

from ..autograd.grad_mode import _enabled
from ..tensor import Storage, Tensor, ViewFn, _register, dependents, make_view
from ._getitem import getitem, setitem
from ._registry import OpSpec, register
from .indexing import take
from .reduction import sum as _sum
from .shape import (
    Reshape, _axis, _flat_index, _permute_fn, _reshape_fn, _reshaped,
    broadcast_arrays, concat, expand_dims, flip, meshgrid, permute_dims, repeat, reshape,
    squeeze, stack, swapaxes,
)
from .torch_extras import narrow

__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "dstack", "column_stack",
    "hsplit", "vsplit", "dsplit", "fliplr", "flipud", "rot90", "ravel", "broadcast_tensors",
    "repeat_interleave", "unravel_index", "select_scatter", "slice_scatter",
    "diagonal_scatter", "cartesian_prod", "combinations", "unfold", "sum_to_size",
    "narrow_copy", "as_strided", "as_strided_scatter", "resize_as",
    "squeeze_", "unsqueeze_", "t_", "transpose_", "as_strided_", "resize_", "resize_as_",
]


def _register_op(name: str, fn: Any, ref: Any, **kw: Any) -> None:
    kw.setdefault("category", "shape")
    register(OpSpec(name, fn, ref=ref, **kw))


def _sizes(args: tuple) -> tuple:
    """``f(2, 3)`` and ``f((2, 3))`` both mean the shape ``(2, 3)``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(int(s) for s in args)


def _copy(x: Any, op: str) -> Any:
    """A differentiable copy of ``x`` (never sharing its memory)."""
    return _reshaped(x, tuple(x.shape), op, False)


def _tensor_list(tensors: tuple, op: str) -> tuple:
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected Tensors, got {type(t).__name__}")
    return tensors


# -- at least n dimensions --------------------------------------------------------------------
def _atleast(tensors: tuple, shape_of: Any, op: str) -> Any:
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    out = tuple(t if t.ndim >= len(shape_of(())) else
                _reshaped(t, shape_of(tuple(t.shape)), op, None)
                for t in _tensor_list(tensors, op))
    return out[0] if single else out


def atleast_1d(*tensors: Any) -> Any:
    """The tensor(s) with at least one dimension (a 0-d tensor becomes shape ``(1,)``).

    One tensor gives one tensor; several, or a list of them, give a tuple. A tensor that
    already has the dimensions is returned as it is; the others are views.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.atleast_1d(anygrad.tensor(1.0))
    tensor([1.])
    >>> [t.shape for t in anygrad.atleast_1d(anygrad.tensor(1.0), anygrad.ones(2))]
    [anygrad.Size([1]), anygrad.Size([2])]
    """
    return _atleast(tensors, lambda s: s if len(s) >= 1 else (1,), "atleast_1d")


def atleast_2d(*tensors: Any) -> Any:
    """The tensor(s) with at least two dimensions: ``()`` becomes ``(1, 1)`` and ``(n,)``
    becomes ``(1, n)``. One tensor gives one tensor; several give a tuple.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.atleast_2d(anygrad.ones(3)).shape
    anygrad.Size([1, 3])
    """
    return _atleast(tensors, lambda s: s if len(s) >= 2 else (1,) * (2 - len(s)) + s,
                    "atleast_2d")


def _shape_3d(s: tuple) -> tuple:
    if len(s) >= 3:
        return s
    return {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}[len(s)]


def atleast_3d(*tensors: Any) -> Any:
    """The tensor(s) with at least three dimensions: ``()`` becomes ``(1, 1, 1)``,
    ``(n,)`` becomes ``(1, n, 1)`` and ``(m, n)`` becomes ``(m, n, 1)``, as NumPy and
    PyTorch. One tensor gives one tensor; several give a tuple.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.atleast_3d(anygrad.ones(2, 3)).shape
    anygrad.Size([2, 3, 1])
    """
    return _atleast(tensors, _shape_3d, "atleast_3d")


_SHAPES_0_1_2 = lambda rng: ((), (3,), (2, 3))  # noqa: E731
for _name, _fn, _ref in (("atleast_1d", atleast_1d, np.atleast_1d),
                         ("atleast_2d", atleast_2d, np.atleast_2d),
                         ("atleast_3d", atleast_3d, np.atleast_3d)):
    _register_op(_name, _fn, (lambda r: lambda *xs: tuple(r(*xs)))(_ref), nin=3,
                 shapes=_SHAPES_0_1_2, notes="tested on a 0-d, a 1-d and a 2-d tensor at once")


# -- stacking ---------------------------------------------------------------------------------
def _nonempty(tensors: Any, op: str) -> tuple:
    tensors = tuple(tensors)
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty sequence of tensors, got none")
    return _tensor_list((tensors,), op)


def hstack(tensors: Any, /) -> Any:
    """Join tensors column-wise: along dimension 1, or 0 for 1-D tensors (0-d ones count
    as 1-D).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.hstack([anygrad.ones(2), anygrad.zeros(1)])
    tensor([1., 1., 0.])
    """
    ts = atleast_1d(_nonempty(tensors, "hstack"))
    return concat(ts, axis=0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Any, /) -> Any:
    """Join tensors row-wise, along dimension 0, after :func:`atleast_2d` (``row_stack``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.vstack([anygrad.ones(2), anygrad.zeros(2)])
    tensor([[1., 1.],
            [0., 0.]])
    """
    return concat(atleast_2d(_nonempty(tensors, "vstack")), axis=0)


def dstack(tensors: Any, /) -> Any:
    """Join tensors depth-wise, along dimension 2, after :func:`atleast_3d`.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.dstack([anygrad.ones(2), anygrad.zeros(2)]).shape
    anygrad.Size([1, 2, 2])
    """
    return concat(atleast_3d(_nonempty(tensors, "dstack")), axis=2)


def column_stack(tensors: Any, /) -> Any:
    """Join tensors as columns: 0-d and 1-D tensors become columns ``(n, 1)``, then all
    are joined along dimension 1.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.column_stack([anygrad.tensor([1.0, 2.0]), anygrad.tensor([3.0, 4.0])])
    tensor([[1., 3.],
            [2., 4.]])
    """
    ts = _nonempty(tensors, "column_stack")
    return concat([t if t.ndim > 1 else _reshaped(t, (t.numel(), 1), "column_stack", None)
                   for t in ts], axis=1)


def _list_harness(fn: Any) -> Any:
    return lambda *xs: fn(list(xs))


_register_op("hstack", hstack, lambda *xs: np.hstack(xs), nin=2, harness=_list_harness(hstack),
             shapes=lambda rng: ((2, 3), (2, 1)), notes="tested as hstack([x1, x2])")
_register_op("vstack", vstack, lambda *xs: np.vstack(xs), nin=2, harness=_list_harness(vstack),
             shapes=lambda rng: ((3,), (2, 3)), aliases=("row_stack",),
             notes="tested as vstack([x1, x2]) of a 1-D and a 2-D tensor")
_register_op("dstack", dstack, lambda *xs: np.dstack(xs), nin=2, harness=_list_harness(dstack),
             shapes=lambda rng: ((2, 3), (2, 3, 2)), notes="tested as dstack([x1, x2])")
_register_op("column_stack", column_stack, lambda *xs: np.column_stack(xs), nin=2,
             harness=_list_harness(column_stack), shapes=lambda rng: ((3,), (3, 2)),
             notes="tested as column_stack([x1, x2]) of a 1-D and a 2-D tensor")


# -- splitting --------------------------------------------------------------------------------
def _split_along(x: Any, sections: Any, dim: int, op: str) -> tuple:
    n = x.shape[dim]
    if isinstance(sections, (int, np.integer)) and not isinstance(sections, bool):
        k = int(sections)
        if k <= 0 or n % k:
            raise ValueError(
                f"{op}: expected a number of sections that divides the size {n} of dimension "
                f"{dim}, got {k}")
        bounds = [i * (n // k) for i in range(k + 1)]
    elif isinstance(sections, (tuple, list)):
        bounds = [0] + [min(max(int(i) + (n if int(i) < 0 else 0), 0), n)
                        for i in sections] + [n]
    else:
        raise TypeError(f"{op}: expected an int or a list of indices, got "
                        f"{type(sections).__name__}")
    lead = (slice(None),) * dim
    return tuple(getitem(x, lead + (slice(bounds[i], max(bounds[i], bounds[i + 1])),))
                 for i in range(len(bounds) - 1))


def _min_dims(x: Any, ndim: int, op: str) -> None:
    if x.ndim < ndim:
        raise ValueError(f"{op}: expected a tensor of at least {ndim} dimension"
                         f"{'s' if ndim > 1 else ''}, got shape {tuple(x.shape)}")


def hsplit(x: Any, /, indices_or_sections: Any) -> tuple:
    """Split ``x`` column-wise (dimension 1, or 0 for a 1-D tensor) into equal sections or
    at the given indices; the pieces are views.

    Examples
    --------
    >>> import anygrad
    >>> [t.tolist() for t in anygrad.hsplit(anygrad.arange(4.0).reshape(2, 2), 2)]
    [[[0.0], [2.0]], [[1.0], [3.0]]]
    """
    _min_dims(x, 1, "hsplit")
    return _split_along(x, indices_or_sections, 0 if x.ndim == 1 else 1, "hsplit")


def vsplit(x: Any, /, indices_or_sections: Any) -> tuple:
    """Split ``x`` row-wise (dimension 0; at least 2-D) into equal sections or at the
    given indices; the pieces are views.

    Examples
    --------
    >>> import anygrad
    >>> [t.shape for t in anygrad.vsplit(anygrad.zeros(4, 2), [1])]
    [anygrad.Size([1, 2]), anygrad.Size([3, 2])]
    """
    _min_dims(x, 2, "vsplit")
    return _split_along(x, indices_or_sections, 0, "vsplit")


def dsplit(x: Any, /, indices_or_sections: Any) -> tuple:
    """Split ``x`` depth-wise (dimension 2; at least 3-D) into equal sections or at the
    given indices; the pieces are views.

    Examples
    --------
    >>> import anygrad
    >>> len(anygrad.dsplit(anygrad.zeros(1, 2, 4), 2))
    2
    """
    _min_dims(x, 3, "dsplit")
    return _split_along(x, indices_or_sections, 2, "dsplit")


_register_op("hsplit", hsplit, lambda x, **k: x, method="hsplit", shapes=lambda rng: ((3, 4),),
             harness=lambda x, **k: concat(hsplit(x, **k), axis=1),
             kwargs=({"indices_or_sections": 2}, {"indices_or_sections": [1, 3]}),
             notes="tested as concat(hsplit(x))")
_register_op("vsplit", vsplit, lambda x: x, method="vsplit", shapes=lambda rng: ((4, 3),),
             harness=lambda x: concat(vsplit(x, [1, -1]), axis=0),
             notes="tested as concat(vsplit(x, [1, -1]))")
_register_op("dsplit", dsplit, lambda x: x, method="dsplit", shapes=lambda rng: ((2, 1, 4),),
             harness=lambda x: concat(dsplit(x, 2), axis=2), notes="tested as concat(dsplit(x, 2))")


# -- flips and rotations ------------------------------------------------------------------------
def fliplr(x: Any, /) -> Any:
    """``x`` reversed left to right (along dimension 1; at least 2-D); a copy.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.fliplr(anygrad.tensor([[1.0, 2.0]]))
    tensor([[2., 1.]])
    """
    _min_dims(x, 2, "fliplr")
    return flip(x, axis=1)


def flipud(x: Any, /) -> Any:
    """``x`` reversed upside down (along dimension 0; at least 1-D); a copy.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.flipud(anygrad.tensor([1.0, 2.0]))
    tensor([2., 1.])
    """
    _min_dims(x, 1, "flipud")
    return flip(x, axis=0)


_register_op("fliplr", fliplr, np.fliplr, method="fliplr", shapes=lambda rng: ((3, 4, 2),))
_register_op("flipud", flipud, np.flipud, method="flipud", shapes=lambda rng: ((3, 4),))


def rot90(x: Any, /, k: int = 1, dims: Any = (0, 1)) -> Any:
    """``x`` rotated by ``k`` quarter turns in the plane of ``dims``, from the first
    towards the second dimension (a copy).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.rot90(anygrad.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([[2., 4.],
            [1., 3.]])
    """
    dims = tuple(dims)
    if len(dims) != 2:
        raise ValueError(f"rot90: expected dims to name 2 dimensions, got {dims}")
    _min_dims(x, 2, "rot90")
    d0, d1 = (_axis(d, x.ndim, "rot90") for d in dims)
    if d0 == d1:
        raise ValueError(f"rot90: expected two different dims, got {dims}")
    k = int(k) % 4
    if k == 1:
        return swapaxes(flip(x, axis=d1), d0, d1)
    if k == 2:
        return flip(x, axis=(d0, d1))
    if k == 3:
        return swapaxes(flip(x, axis=d0), d0, d1)
    return _copy(x, "rot90")


_register_op("rot90", rot90, lambda x, k=1, dims=(0, 1): np.rot90(x, k, axes=dims),
             method="rot90", shapes=lambda rng: ((2, 3, 4),),
             kwargs=({}, {"k": -1, "dims": (2, 0)}, {"k": 2}, {"k": 4, "dims": (1, 2)}))


# -- flattening and broadcasting ----------------------------------------------------------------
def ravel(x: Any, /) -> Any:
    """``x`` flattened to 1-D: a view where the layout allows one, else a copy.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.ravel(anygrad.ones(2, 2))
    tensor([1., 1., 1., 1.])
    """
    return reshape(x, (-1,))


_register_op("ravel", ravel, np.ravel, method="ravel", shapes=lambda rng: ((2, 3),))


def broadcast_tensors(*tensors: Any) -> tuple:
    """The tensors broadcast against each other, as a tuple (views of the inputs).

    Examples
    --------
    >>> import anygrad
    >>> a, b = anygrad.broadcast_tensors(anygrad.ones(2, 1), anygrad.zeros(3))
    >>> a.shape, b.shape
    (anygrad.Size([2, 3]), anygrad.Size([2, 3]))
    """
    return tuple(broadcast_arrays(*_tensor_list(tensors, "broadcast_tensors")))


_register_op("broadcast_tensors", broadcast_tensors,
             lambda *xs: tuple(np.broadcast_arrays(*xs)), nin=2, shapes="broadcast")


def repeat_interleave(x: Any, /, repeats: Any = None, dim: Any = None, *,
                      output_size: Any = None) -> Any:
    """Each element of ``x`` repeated ``repeats`` times along ``dim`` (``x`` flattened when
    ``dim`` is None). ``repeats`` is an int, a one-element tensor, or a 1-D integer tensor
    with one count per element along ``dim``. With ``x`` alone (an integer 1-D tensor of
    counts), the indices ``i`` repeated ``x[i]`` times. ``output_size``, if given, must be
    the length of the result.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.repeat_interleave(anygrad.tensor([1.0, 2.0]), 2)
    tensor([1., 1., 2., 2.])
    >>> anygrad.repeat_interleave(anygrad.tensor([2, 1]))
    tensor([0, 0, 1])
    """
    from ..creation import arange

    if repeats is None:
        counts = x
        x = arange(counts.shape[0] if counts.ndim == 1 else 0, dtype=counts.dtype,
                   device=counts.device, backend=counts.backend)
        _check_counts(counts, x, 0, "repeat_interleave")
        out = repeat(x, counts, axis=0)
    else:
        if isinstance(repeats, Tensor) and repeats.numel() == 1 and repeats.ndim <= 1:
            _check_counts(repeats, None, None, "repeat_interleave")
            repeats = int(repeats.item())
        if isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer, Tensor)):
            raise TypeError(f"repeat_interleave: expected repeats to be an int or an integer "
                            f"tensor, got {type(repeats).__name__}")
        if isinstance(repeats, Tensor):
            flat = x if dim is not None else reshape(x, (-1,))
            _check_counts(repeats, flat, 0 if dim is None else dim, "repeat_interleave")
        elif repeats < 0:
            raise ValueError(f"repeat_interleave: repeats must be non-negative, got {repeats}")
        out = repeat(x, int(repeats) if not isinstance(repeats, Tensor) else repeats, axis=dim)
    if output_size is not None:
        d = 0 if dim is None else _axis(dim, out.ndim, "repeat_interleave")
        if int(output_size) != out.shape[d]:
            raise ValueError(f"repeat_interleave: output_size {output_size} does not match the "
                             f"repeated size {out.shape[d]}")
    return out


def _check_counts(counts: Tensor, x: Any, dim: Any, op: str) -> None:
    if counts.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected integer repeats, got dtype {counts.dtype}")
    if x is not None:
        if counts.ndim != 1:
            raise ValueError(f"{op}: expected repeats to be a 1-D tensor, got shape "
                             f"{tuple(counts.shape)}")
        n = x.shape[_axis(dim, x.ndim, op)]
        if counts.shape[0] != n:
            raise ValueError(f"{op}: expected one repeat count per element along dim ({n}), "
                             f"got {counts.shape[0]}")
    if counts.numel() and bool((counts < 0).any()):
        raise ValueError(f"{op}: repeats must be non-negative, got {counts.tolist()}")


_register_op("repeat_interleave", repeat_interleave,
             lambda x, repeats, dim=None: np.repeat(x, repeats, dim), shapes=lambda rng: ((2, 3),),
             kwargs=({"repeats": 2}, {"repeats": 3, "dim": -1}),
             notes="the Tensor method is the entry repeat's face")


def unravel_index(indices: Any, shape: Any) -> tuple:
    """The coordinates, in a tensor of ``shape``, of the flat ``indices`` (row-major): a
    tuple of int64 tensors of the indices' shape, one per dimension. As PyTorch, an index
    outside the range wraps around (the coordinates are remainders).

    Examples
    --------
    >>> import anygrad
    >>> rows, cols = anygrad.unravel_index(anygrad.tensor([1, 5]), (2, 3))
    >>> rows, cols
    (tensor([0, 1]), tensor([1, 2]))
    """
    from ..creation import asarray
    from .conversion import astype

    if not isinstance(indices, Tensor):
        indices = asarray(indices)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"unravel_index: expected integer indices, got dtype {indices.dtype}")
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"unravel_index: expected a shape without negative sizes, got {shape}")
    if not shape:
        return ()
    if math.prod(shape) == 0 and indices.numel():
        raise ValueError(f"unravel_index: cannot unravel indices into the empty shape {shape}")
    idx = astype(indices, "int64")
    out = []
    for s in reversed(shape):
        out.append(idx % s)
        idx = idx // s
    return tuple(reversed(out))


_register_op("unravel_index", unravel_index,
             lambda i, shape: tuple(np.asarray(c, dtype=np.int64) for c in np.unravel_index(i, shape)),
             make_inputs=lambda rng, dtype: [rng.integers(0, 24, (5,))], differentiable=False,
             kwargs=({"shape": (2, 3, 4)},), category="indexing")


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


# -- combinatorics --------------------------------------------------------------------------------
def _vector(x: Any, op: str) -> None:
    if not isinstance(x, Tensor) or x.ndim != 1:
        shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
        raise ValueError(f"{op}: expected 1-D tensors, got {shape}")


def cartesian_prod(*tensors: Any) -> Any:
    """The Cartesian product of 1-D tensors: one row per combination, in the order of
    ``itertools.product``; a single tensor is returned as it is.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cartesian_prod(anygrad.tensor([1, 2]), anygrad.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    tensors = _tensor_list(tensors, "cartesian_prod")
    if not tensors:
        raise ValueError("cartesian_prod: expected at least one tensor, got none")
    for t in tensors:
        _vector(t, "cartesian_prod")
    if len(tensors) == 1:
        return tensors[0]
    dtypes = {t.dtype for t in tensors}
    if len(dtypes) > 1:
        raise TypeError(f"cartesian_prod: expected tensors of one dtype, got "
                        f"{sorted(str(d) for d in dtypes)}")
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], axis=1)


_register_op("cartesian_prod", cartesian_prod,
             lambda *xs: np.array(list(itertools.product(*xs))), nin=3,
             shapes=lambda rng: ((2,), (3,), (2,)))


def combinations(x: Any, /, r: int = 2, with_replacement: bool = False) -> Any:
    """The length-``r`` combinations of the elements of a 1-D tensor, one per row, in the
    order of ``itertools.combinations`` (``combinations_with_replacement`` when
    ``with_replacement``). ``r = 0`` gives an empty 1-D tensor.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.combinations(anygrad.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    _vector(x, "combinations")
    r = int(r)
    if r < 0:
        raise ValueError(f"combinations: expected a non-negative r, got {r}")
    if r == 0:
        return getitem(x, (slice(0, 0),))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(pick(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return take(x, rows)


_register_op("combinations", combinations,
             lambda x, r=2, with_replacement=False: np.array(list(
                 (itertools.combinations_with_replacement if with_replacement
                  else itertools.combinations)(x, r))),
             shapes=lambda rng: ((4,),), kwargs=({}, {"r": 3, "with_replacement": True}))


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
             kwargs=({"dimension": 1, "size": 3, "step": 2}, {"dimension": 0, "size": 2, "step": 1}),
             notes="a view; overlapping windows cannot be written to")


# -- sums and copies ---------------------------------------------------------------------------
def sum_to_size(x: Any, /, *size: Any) -> Any:
    """``x`` summed down to ``size``, a shape that broadcasts to ``x``'s (PyTorch's
    ``Tensor.sum_to_size``): the leading dimensions and those of size 1 in ``size`` are
    summed.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    size = _sizes(size)
    shape = tuple(x.shape)
    lead = len(shape) - len(size)
    if lead < 0 or any(s not in (1, t) for s, t in zip(size, shape[lead:])):
        raise ValueError(f"sum_to_size: size {size} is not expandable to size {shape}")
    axes = tuple(range(lead)) + tuple(lead + i for i, (s, t) in enumerate(zip(size, shape[lead:]))
                                      if s == 1 and t != 1)
    if not axes:
        return x
    return reshape(_sum(x, axis=axes, keepdims=True), size)


def _sum_to_size_ref(x: Any, size: tuple) -> Any:
    lead = x.ndim - len(size)
    x = x.sum(axis=tuple(range(lead)))
    return x.sum(axis=tuple(i for i, s in enumerate(size) if s == 1), keepdims=True)


_register_op("sum_to_size", sum_to_size, _sum_to_size_ref, method="sum_to_size",
             harness=lambda x, size: sum_to_size(x, size), shapes=lambda rng: ((2, 3, 4),),
             kwargs=({"size": (3, 1)},), category="reduction")


def narrow_copy(x: Any, /, dim: int, start: Any, length: int) -> Any:
    """:func:`narrow` as a copy: the ``length`` elements of ``dim`` from ``start``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.arange(5.0).narrow_copy(0, 1, 2)
    tensor([1., 2.])
    """
    return _copy(narrow(x, dim, start, length), "narrow_copy")


_register_op("narrow_copy", narrow_copy,
             lambda x, dim, start, length: np.take(x, np.arange(start, start + length), axis=dim),
             method="narrow_copy", shapes=lambda rng: ((3, 5),),
             kwargs=({"dim": 1, "start": 1, "length": 3},), category="indexing")


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


def _as_strided_scatter_ref(x: Any, src: Any, size: Any, stride: Any, storage_offset: int = 0) -> Any:
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
