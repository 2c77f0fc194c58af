"""JAX fast paths (same signatures and meaning as the generic kernels)."""

from __future__ import annotations

from typing import Any

__all__ = ["scatter_add"]


def scatter_add(x: Any, axis: int, index: Any, source: Any) -> Any:
    """``x`` with ``source[..., i, ...]`` added at ``x[..., index[i], ...]`` (new array)."""
    return x.at[(slice(None),) * axis + (index,)].add(source.astype(x.dtype))
