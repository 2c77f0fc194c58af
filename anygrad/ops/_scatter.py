"""Scatter-add: ``out[..., index[i], ...] += source[..., i, ...]`` (docs/design.md, 'Backend fast paths').

The standard has no scatter-add that accumulates duplicate indices, yet the backward of every
gather (integer indexing, ``take``, ``gather``, embeddings) needs one. :func:`scatter_add`
asks :mod:`anygrad.fastpaths` for a native fast path (``np.add.at``, ``torch.index_add``,
``.at[].add``, ``cupyx.scatter_add``) and otherwise runs :func:`scatter_add_generic`, which
uses only the standard: sort the indices, take a cumulative sum of the sorted rows, and read
each target's total as the difference of the sums at its ``searchsorted`` bounds. Neither
path modifies its inputs.
"""

from __future__ import annotations

import math
from typing import Any

from ..fastpaths import fast_path

__all__ = ["scatter_add", "scatter_add_generic"]


def scatter_add_generic(xp: Any, x: Any, axis: int, index: Any, source: Any) -> Any:
    """Standard-only scatter-add along ``axis`` by the 1-D, non-negative ``index``.

    ``source`` has ``x``'s shape except ``source.shape[axis] == index.shape[0]``. Returns a new
    array; duplicate indices accumulate.
    """
    ndim = len(x.shape)
    if axis != 0:
        x = xp.moveaxis(x, axis, 0)
        source = xp.moveaxis(source, axis, 0)
    shape = tuple(x.shape)
    n, rest = shape[0], math.prod(shape[1:])
    m = index.shape[0]
    src = xp.reshape(source, (m, rest))
    if src.dtype != x.dtype:
        src = xp.astype(src, x.dtype)
    order = xp.argsort(index, stable=True)
    sorted_index = xp.take(index, order)
    sorted_src = xp.take(src, order, axis=0)
    # A leading zero row so that the total of a target is csum[right] - csum[left].
    zero = xp.zeros((1, rest), dtype=x.dtype, device=_device(x))
    csum = xp.concat((zero, xp.cumulative_sum(sorted_src, axis=0)), axis=0)
    targets = xp.arange(n, dtype=index.dtype, device=_device(x))
    left = xp.searchsorted(sorted_index, targets, side="left")
    right = xp.searchsorted(sorted_index, targets, side="right")
    totals = xp.take(csum, right, axis=0) - xp.take(csum, left, axis=0)
    out = xp.reshape(x, (n, rest)) + totals
    out = xp.reshape(out, shape)
    if axis != 0 and ndim > 1:
        out = xp.moveaxis(out, 0, axis)
    return out


def scatter_add(xp: Any, x: Any, axis: int, index: Any, source: Any) -> Any:
    """``x`` with ``source[..., i, ...]`` added at ``x[..., index[i], ...]`` along ``axis``.

    ``x`` and ``source`` are raw arrays of one backend (``xp`` its namespace), ``index`` a 1-D
    array of non-negative integers. Duplicates accumulate; a new array is returned.
    """
    fn = fast_path("scatter_add", xp)
    if fn is not None:
        return fn(x, axis, index, source)
    return scatter_add_generic(xp, x, axis, index, source)


def _device(x: Any) -> Any:
    return x.device
