"""Exponentials, logarithms and hyperbolic tangent (the engine's first smooth ops)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register

__all__ = ["exp", "log", "tanh"]


class Exp(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = ctx.xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        return gy * y


def exp(x: Any, /) -> Any:
    """``e ** x``, elementwise."""
    return Exp.apply(x)


register(OpSpec("exp", exp, ref=np.exp, method="exp", category="exponential"))


class Log(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.log(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy / x


def log(x: Any, /) -> Any:
    """Natural logarithm, elementwise."""
    return Log.apply(x)


register(OpSpec("log", log, ref=np.log, domain="positive", method="log", category="exponential"))


class Tanh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        return gy * (1 - y * y)


def tanh(x: Any, /) -> Any:
    """Hyperbolic tangent, elementwise."""
    return Tanh.apply(x)


register(OpSpec("tanh", tanh, ref=np.tanh, method="tanh", category="exponential"))
