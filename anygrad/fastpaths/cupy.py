"""CuPy fast paths (same signatures and meaning as the generic kernels)."""

from __future__ import annotations

from typing import Any

import cupyx

__all__ = ["scatter_add"]


def scatter_add(x: Any, axis: int, index: Any, source: Any) -> Any:
    """``x`` with ``source[..., i, ...]`` added at ``x[..., index[i], ...]`` (new array)."""
    out = x.copy()
    cupyx.scatter_add(out, (slice(None),) * axis + (index,), source.astype(x.dtype, copy=False))
    return out
