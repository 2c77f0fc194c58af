"""Arithmetic: add, subtract, multiply, divide, negative, positive, pow, square, reciprocal.

Binary operations accept Tensors, backend arrays and Python scalars (a scalar keeps the
tensor's dtype, as the Array API standard says). Backward rules return the full broadcast
gradient; the engine reduces it to each input's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register

__all__ = ["add", "subtract", "multiply", "divide", "negative", "positive", "pow", "square",
           "reciprocal"]


class Add(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        return ctx.xp.add(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return gy, gy


def add(x1: Any, x2: Any, /, *, alpha: Any = None) -> Any:
    """``x1 + x2`` (``x1 + alpha * x2`` with PyTorch's ``alpha``), broadcasting.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.add(anygrad.tensor([1.0, 2.0]), 1.0)
    tensor([2., 3.])
    """
    if alpha is not None and alpha != 1:
        x2 = multiply(x2, alpha)
    return Add.apply(x1, x2)


register(OpSpec("add", add, ref=np.add, nin=2, shapes="broadcast", method="add",
                category="arithmetic"))


class Sub(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        return ctx.xp.subtract(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return gy, (-gy if ctx.needs_input_grad[1] else None)


def subtract(x1: Any, x2: Any, /, *, alpha: Any = None) -> Any:
    """``x1 - x2`` (``x1 - alpha * x2`` with PyTorch's ``alpha``), broadcasting."""
    if alpha is not None and alpha != 1:
        x2 = multiply(x2, alpha)
    return Sub.apply(x1, x2)


register(OpSpec("subtract", subtract, ref=np.subtract, nin=2, shapes="broadcast", method="sub",
                category="arithmetic"))


class Mul(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        ctx.save_for_backward(x, y)
        return ctx.xp.multiply(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return (gy * y if needs[0] else None), (gy * x if needs[1] else None)


def multiply(x1: Any, x2: Any, /) -> Any:
    """``x1 * x2``, elementwise with broadcasting."""
    return Mul.apply(x1, x2)


register(OpSpec("multiply", multiply, ref=np.multiply, nin=2, shapes="broadcast", method="mul",
                category="arithmetic"))


class Div(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        ctx.save_for_backward(x, y)
        return ctx.xp.divide(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        needs = ctx.needs_input_grad
        gx = gy / y if needs[0] else None
        gyy = -gy * x / (y * y) if needs[1] else None
        return gx, gyy


def divide(x1: Any, x2: Any, /, *, rounding_mode: str | None = None) -> Any:
    """``x1 / x2`` (true division; ``rounding_mode="floor"``/``"trunc"`` as PyTorch)."""
    if rounding_mode is None:
        return Div.apply(x1, x2)
    from .rounding import floor_divide, trunc

    if rounding_mode == "floor":
        return floor_divide(x1, x2)
    if rounding_mode == "trunc":
        return trunc(Div.apply(x1, x2))
    raise ValueError(f"divide: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")


register(OpSpec("divide", divide, ref=np.divide, nin=2, shapes="broadcast",
                domain=("real", "nonzero"), method="div", category="arithmetic"))


class Neg(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.negative(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return -gy


def negative(x: Any, /) -> Any:
    """``-x``."""
    return Neg.apply(x)


register(OpSpec("negative", negative, ref=np.negative, method="neg", category="arithmetic"))


def positive(x: Any, /) -> Any:
    """``+x`` (returns ``x`` itself: a no-op needs no graph node)."""
    from ..creation import asarray

    return asarray(x)


register(OpSpec("positive", positive, ref=np.positive, category="arithmetic"))


class Pow(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        out = ctx.xp.pow(x, y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y, out = ctx.saved_tensors
        xp = ctx.xp
        needs = ctx.needs_input_grad
        gx = gy * y * xp.pow(x, y - 1) if needs[0] else None
        gexp = None
        if needs[1]:
            # d(x**y)/dy = x**y * log(x); PyTorch's convention gives 0 where x == 0.
            positive = x > 0
            safe = xp.where(positive, x, xp.ones_like(x))
            gexp = gy * xp.where(positive, out * xp.log(safe), xp.zeros_like(out))
        return gx, gexp


def pow(x1: Any, x2: Any, /) -> Any:  # noqa: A001 - the Array API name
    """``x1 ** x2``, elementwise with broadcasting.

    The gradient with respect to the exponent is ``x1 ** x2 * log(x1)`` where ``x1 > 0``
    and 0 elsewhere (PyTorch's convention).
    """
    return Pow.apply(x1, x2)


register(OpSpec("pow", pow, ref=np.power, nin=2, shapes="broadcast", domain=("positive", "small"),
                method="pow", category="arithmetic"))


def square(x: Any, /) -> Any:
    """``x * x``."""
    return Mul.apply(x, x)


register(OpSpec("square", square, ref=np.square, method="square", category="arithmetic"))


def reciprocal(x: Any, /) -> Any:
    """``1 / x``."""
    return Div.apply(1.0, x)


register(OpSpec("reciprocal", reciprocal, ref=np.reciprocal, domain="nonzero",
                method="reciprocal", category="arithmetic"))
