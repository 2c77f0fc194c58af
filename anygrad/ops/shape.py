"""Shape manipulation: reshape and broadcast_to (the catalogue adds the rest)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register

__all__ = ["reshape", "broadcast_to"]


def resolve_shape(shape: Any, numel: int, op: str, source: tuple) -> tuple[int, ...]:
    """Fill in one ``-1`` and check that ``shape`` holds ``numel`` elements."""
    if isinstance(shape, int):
        shape = (shape,)
    shape = tuple(int(s) for s in shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise ValueError(f"{op}: only one dimension can be -1, got shape {shape}")
    known = math.prod(s for s in shape if s != -1)
    if unknown:
        if known == 0 or numel % known:
            raise ValueError(f"{op}: shape {shape} is invalid for input of shape {source}")
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1 :]
    elif known != numel:
        raise ValueError(f"{op}: shape {shape} is invalid for input of shape {source}")
    return shape


class Reshape(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, shape: tuple) -> Any:
        ctx.in_shape = tuple(x.shape)
        return ctx.xp.reshape(x, shape)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.xp.reshape(gy, ctx.in_shape), None


def reshape(x: Any, /, shape: Any, *, copy: bool | None = None) -> Any:
    """``x`` with a new shape holding the same elements (one entry may be -1)."""
    src = tuple(x.shape)
    return Reshape.apply(x, resolve_shape(shape, math.prod(src), "reshape", src))


register(OpSpec("reshape", reshape, ref=lambda x, shape: np.reshape(x, shape), method="reshape",
                category="shape", kwargs=({"shape": (-1,)}, {"shape": (2, -1)})))


class BroadcastTo(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, shape: tuple) -> Any:
        return ctx.xp.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        # The engine sums the broadcast gradient back to the input's shape.
        return gy, None


def broadcast_to(x: Any, /, shape: Any) -> Any:
    """``x`` broadcast to ``shape``."""
    shape = tuple(int(s) for s in shape)
    src = tuple(x.shape)
    lead = len(shape) - len(src)
    if lead < 0 or any(s not in (1, t) for s, t in zip(src, shape[lead:])):
        raise ValueError(f"broadcast_to: cannot broadcast shape {src} to {shape}")
    return BroadcastTo.apply(x, shape)


register(OpSpec("broadcast_to", broadcast_to, ref=lambda x, shape: np.broadcast_to(x, shape),
                category="shape", kwargs=({"shape": (2, 4, 3)},),
                shapes=lambda rng: ((4, 1),)))
