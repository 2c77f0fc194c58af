"""PyTorch's shape operations that the Array API standard does not have: ``atleast_*d``,
the ``*stack``/``*split`` families, ``fliplr``/``flipud``/``rot90``, ``ravel``,
``broadcast_tensors``, ``repeat_interleave``, ``unravel_index``,
``cartesian_prod``/``combinations``, and the Tensor's ``sum_to_size`` and ``narrow_copy``.
(The views PyTorch takes by positions, the ``*_scatter`` embeddings and the in-place shape
methods are in ``torch_views``.)

Each is a composite of registered operations (its gradient, at every order, is theirs) with
one registry entry, from which ``anygrad/_faces.py`` makes the ``anygrad`` function and the
Tensor method.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from ._getitem import getitem
from ._registry import OpSpec, register
from .indexing import take
from .reduction import sum as _sum
from .shape import (
    _axis, _reshaped, broadcast_arrays, concat, flip, meshgrid, repeat, reshape, stack,
    swapaxes,
)
from .torch_extras import narrow

__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "dstack", "column_stack",
    "hsplit", "vsplit", "dsplit", "fliplr", "flipud", "rot90", "ravel", "broadcast_tensors",
    "repeat_interleave", "unravel_index", "cartesian_prod", "combinations", "sum_to_size",
    "narrow_copy",
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
             notes="also Tensor.repeat_interleave (with output_size)")


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
             lambda i, shape: tuple(np.asarray(c, dtype=np.int64)
                                    for c in np.unravel_index(i, shape)),
             make_inputs=lambda rng, dtype: [rng.integers(0, 24, (5,))], differentiable=False,
             kwargs=({"shape": (2, 3, 4)},), category="indexing")


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
