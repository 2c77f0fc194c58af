"""Selection: where (the catalogue adds take, gather, scatter_add, sort...)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register

__all__ = ["where"]


class Where(Function):
    @staticmethod
    def forward(ctx: Any, condition: Any, x: Any, y: Any) -> Any:
        ctx.save_for_backward(condition)
        return ctx.xp.where(condition, x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (condition,) = ctx.saved_tensors
        xp = ctx.xp
        needs = ctx.needs_input_grad
        zero = xp.zeros_like(gy)
        gx = xp.where(condition, gy, zero) if needs[1] else None
        gyy = xp.where(condition, zero, gy) if needs[2] else None
        return None, gx, gyy


def where(condition: Any, x1: Any, x2: Any, /) -> Any:
    """Elements of ``x1`` where ``condition`` holds, else of ``x2``; gradients flow to both
    branches (masked)."""
    return Where.apply(condition, x1, x2)


def _where_inputs(rng: Any, dtype: str) -> list:
    shape = (3, 4)
    return [rng.random(shape) > 0.5, rng.uniform(-2, 2, shape).astype(dtype),
            rng.uniform(-2, 2, (4,)).astype(dtype)]


register(OpSpec("where", where, ref=np.where, nin=3, make_inputs=_where_inputs,
                grad_inputs=(1, 2), category="selection", method="where"))
