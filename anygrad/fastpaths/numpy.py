"""NumPy fast paths (same signatures and meaning as the generic kernels)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["scatter_add"]


def scatter_add(x: Any, axis: int, index: Any, source: Any) -> Any:
    """``x`` with ``source[..., i, ...]`` added at ``x[..., index[i], ...]`` (new array)."""
    if x.ndim == 1 and x.dtype.kind == "f":
        # bincount is several times faster than add.at for the 1-D (flat) case.
        counts = np.bincount(index, weights=source, minlength=x.shape[0])
        return x + counts.astype(x.dtype, copy=False)
    out = x.copy()
    np.add.at(out, (slice(None),) * axis + (index,), source)
    return out
