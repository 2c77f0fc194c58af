"""Array-API helpers shared by the nn primitives.

Each helper takes ``xp`` and works on raw backend arrays (forward, ordinary backward) and on
anygrad Tensors with anygrad's namespace (backward under ``create_graph=True``) alike.
"""

from __future__ import annotations

from typing import Any

from array_api_compat import device as _compat_device

from ...tensor import Tensor


def device_of(x: Any) -> Any:
    """The device of a raw array or a Tensor (creation calls need it on every backend)."""
    return x.device if isinstance(x, Tensor) else _compat_device(x)


def pad_axis(xp: Any, x: Any, axis: int, before: int, after: int, value: float = 0.0) -> Any:
    """``x`` with constant blocks concatenated before and after along ``axis``.

    Concatenation (not a scatter into a buffer) keeps this valid on immutable backends and
    differentiable when ``x`` is a Tensor.
    """
    if before == 0 and after == 0:
        return x
    shape = list(x.shape)
    parts = []
    dev = device_of(x)
    if before:
        shape[axis] = before
        parts.append(xp.full(tuple(shape), value, dtype=x.dtype, device=dev))
    parts.append(x)
    if after:
        shape[axis] = after
        parts.append(xp.full(tuple(shape), value, dtype=x.dtype, device=dev))
    return xp.concat(parts, axis=axis)


def crop_axis(x: Any, axis: int, start: int, stop: int) -> Any:
    """``x[..., start:stop, ...]`` along ``axis`` (skipped when it is the whole axis)."""
    if start == 0 and stop == x.shape[axis]:
        return x
    key = (slice(None),) * axis + (slice(start, stop),) + (slice(None),) * (len(x.shape) - axis - 1)
    return x[key]


def dilate_axis(xp: Any, x: Any, axis: int, step: int) -> Any:
    """Insert ``step - 1`` zeros between consecutive entries along ``axis``."""
    if step == 1:
        return x
    n = x.shape[axis]
    zeros = xp.zeros_like(x)
    y = xp.stack([x] + [zeros] * (step - 1), axis=axis + 1)
    shape = tuple(x.shape[:axis]) + (n * step,) + tuple(x.shape[axis + 1:])
    y = xp.reshape(y, shape)
    return crop_axis(y, axis, 0, (n - 1) * step + 1)


def pair(v: Any, name: str, op: str) -> tuple[int, int]:
    """An int or a 2-sequence of ints as a pair (PyTorch's ``_pair``)."""
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return int(v[0]), int(v[0])
        if len(v) != 2:
            raise ValueError(f"{op}: expected {name} to be an int or a pair, got {v!r}")
        return int(v[0]), int(v[1])
    return int(v), int(v)
