"""PyTorch fast paths (same signatures and meaning as the generic kernels)."""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["scatter_add"]


def scatter_add(x: Any, axis: int, index: Any, source: Any) -> Any:
    """``x`` with ``source[..., i, ...]`` added at ``x[..., index[i], ...]`` (new array)."""
    if index.dtype != torch.int64:
        index = index.to(torch.int64)
    return torch.index_add(x, axis, index, source.to(x.dtype))
