"""Set functions (the Array API standard's category): unique_values, unique_all,
unique_counts, unique_inverse and isin (which the 2024.12 standard lists here). None is
differentiable: they return distinct values, indices, counts or booleans.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..tensor import _make_tensor
from ._registry import OpSpec, register
from ._operands import unwrap

__all__ = ["unique_values", "unique_all", "unique_counts", "unique_inverse", "isin"]

UniqueAllResult = namedtuple("UniqueAllResult", ["values", "indices", "inverse_indices", "counts"])
UniqueCountsResult = namedtuple("UniqueCountsResult", ["values", "counts"])
UniqueInverseResult = namedtuple("UniqueInverseResult", ["values", "inverse_indices"])


def unique_values(x: Any, /) -> Any:
    """The sorted distinct values of ``x``, flattened (not differentiable)."""
    (arr,), backend = unwrap((x,), "unique_values")
    xp = backend.xp
    out = xp.unique_values(arr)
    # The standard leaves the order unspecified; PyTorch and NumPy sort it.
    return _make_tensor(xp.sort(out), backend)


register(OpSpec("unique_values", unique_values, ref=np.unique, differentiable=False,
                twice_differentiable=False, category="sorting",
                make_inputs=lambda rng, dtype: [rng.integers(0, 4, (3, 5)).astype(dtype)]))


def _unique(x: Any, op: str) -> tuple:
    """Sorted distinct values of ``x`` (each NaN distinct), the flat index of each value's
    first occurrence, the inverse indices (``x``'s shape) and the counts, all int64; from
    standard functions only (a stable sort and cumulative sums), so every backend agrees."""
    (arr,), backend = unwrap((x,), op)
    xp = backend.xp
    dev = backend.device_of(arr)
    flat = xp.reshape(arr, (-1,))
    n = flat.shape[0]
    if n == 0:
        empty = xp.zeros((0,), dtype=xp.int64, device=dev)
        return (flat, empty, xp.reshape(empty, arr.shape), empty), backend
    order = xp.astype(xp.argsort(flat, stable=True), xp.int64)
    s = xp.take(flat, order)
    first = xp.ones((1,), dtype=xp.bool, device=dev)
    new = xp.concat([first, s[1:] != s[:-1]]) if n > 1 else first
    group = xp.cumulative_sum(xp.astype(new, xp.int64)) - 1
    values = s[new]
    indices = order[new]
    inverse = xp.reshape(xp.take(group, xp.argsort(order)), arr.shape)
    starts = xp.astype(xp.nonzero(new)[0], xp.int64)
    ends = xp.concat([starts[1:], xp.asarray([n], dtype=xp.int64, device=dev)])
    return (values, indices, inverse, ends - starts), backend


def unique_all(x: Any, /) -> Any:
    """The distinct values of ``x`` (sorted, flattened), the index of each one's first
    occurrence in the flattened ``x``, the inverse indices (``x``'s shape: where each
    element of ``x`` is in ``values``) and the counts, as the namedtuple ``(values,
    indices, inverse_indices, counts)`` (not differentiable). NaNs are distinct values.

    Examples
    --------
    >>> import anygrad
    >>> r = anygrad.unique_all(anygrad.tensor([3.0, 1.0, 3.0, 2.0]))
    >>> r.values, r.indices, r.inverse_indices, r.counts
    (tensor([1., 2., 3.]), tensor([1, 3, 0]), tensor([2, 0, 2, 1]), tensor([1, 1, 2]))
    """
    out, backend = _unique(x, "unique_all")
    return UniqueAllResult(*(_make_tensor(o, backend) for o in out))


def _unique_inputs(rng: Any, dtype: str) -> list:
    return [rng.integers(0, 4, (3, 5)).astype(dtype)]


register(OpSpec("unique_all", unique_all, ref=lambda x: tuple(np.unique_all(x)),
                differentiable=False, twice_differentiable=False, category="sorting",
                make_inputs=_unique_inputs, notes="namedtuple of four tensors"))


def unique_counts(x: Any, /) -> Any:
    """The distinct values of ``x`` (sorted, flattened) and how often each occurs, as the
    namedtuple ``(values, counts)`` (not differentiable).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.unique_counts(anygrad.tensor([3.0, 1.0, 3.0])).counts
    tensor([1, 2])
    """
    (values, _, _, counts), backend = _unique(x, "unique_counts")
    return UniqueCountsResult(_make_tensor(values, backend), _make_tensor(counts, backend))


register(OpSpec("unique_counts", unique_counts, ref=lambda x: tuple(np.unique_counts(x)),
                differentiable=False, twice_differentiable=False, category="sorting",
                make_inputs=_unique_inputs, notes="namedtuple of two tensors"))


def unique_inverse(x: Any, /) -> Any:
    """The distinct values of ``x`` (sorted, flattened) and, for each element of ``x``, the
    index of its value in them (``x``'s shape), as the namedtuple ``(values,
    inverse_indices)`` (not differentiable): ``values[inverse_indices]`` is ``x``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.unique_inverse(anygrad.tensor([[3.0, 1.0], [3.0, 2.0]])).inverse_indices
    tensor([[2, 0],
            [2, 1]])
    """
    (values, _, inverse, _), backend = _unique(x, "unique_inverse")
    return UniqueInverseResult(_make_tensor(values, backend), _make_tensor(inverse, backend))


register(OpSpec("unique_inverse", unique_inverse,
                ref=lambda x: (np.unique(x), np.unique(x, return_inverse=True)[1].reshape(x.shape)),
                differentiable=False, twice_differentiable=False, category="sorting",
                make_inputs=_unique_inputs, notes="namedtuple of two tensors"))


def isin(x1: Any, x2: Any, /, *, invert: bool = False, assume_unique: bool = False) -> Any:
    """Whether each element of ``x1`` occurs in ``x2`` (bool, ``x1``'s shape; not
    differentiable); ``invert=True`` negates it. Either may be a Python scalar, as in
    PyTorch (``assume_unique`` is accepted for PyTorch compatibility and ignored).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.isin(anygrad.tensor([1, 2, 3, 4]), anygrad.tensor([2, 4]))
    tensor([False,  True, False,  True])
    """
    arrays, backend = unwrap((x1, x2), "isin")
    a, b = arrays
    xp = backend.xp
    if not hasattr(a, "shape") and not hasattr(b, "shape"):
        raise TypeError("isin: expected at least one array argument, got two Python scalars")
    if not hasattr(a, "shape"):
        a = xp.asarray(a, dtype=b.dtype, device=backend.device_of(b))
    if not hasattr(b, "shape"):
        b = xp.asarray(b, dtype=a.dtype, device=backend.device_of(a))
    shape = tuple(a.shape)
    flat_b = xp.reshape(b, (1, -1))
    hits = xp.any(xp.reshape(a, (-1, 1)) == flat_b, axis=1)
    if invert:
        hits = xp.logical_not(hits)
    return _make_tensor(xp.reshape(hits, shape), backend)


def _isin_inputs(rng: Any, dtype: str) -> list:
    return [rng.integers(0, 6, (3, 4)).astype(dtype), rng.integers(0, 6, (5,)).astype(dtype)]


register(OpSpec("isin", isin, ref=lambda a, b, invert=False: np.isin(a, b, invert=invert), nin=2,
                differentiable=False, twice_differentiable=False, category="sorting",
                make_inputs=_isin_inputs, kwargs=({}, {"invert": True}), method="isin",
                notes="bool result"))
