"""Trigonometric and hyperbolic functions and their inverses, plus ``atan2``.

Each backward is one line of namespace code, so higher derivatives come for free.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register
from ._util import conj_if_complex

__all__ = ["sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh",
           "acosh", "atanh"]


class Sin(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.sin(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy * conj_if_complex(ctx, ctx.xp.cos(x))


def sin(x: Any, /) -> Any:
    """Sine, elementwise (radians)."""
    return Sin.apply(x)


register(OpSpec("sin", sin, ref=np.sin, method="sin", category="trigonometric"))


class Cos(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.cos(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return -gy * conj_if_complex(ctx, xp.sin(x))


def cos(x: Any, /) -> Any:
    """Cosine, elementwise (radians)."""
    return Cos.apply(x)


register(OpSpec("cos", cos, ref=np.cos, method="cos", category="trigonometric"))


class Tan(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = ctx.xp.tan(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        return gy * conj_if_complex(ctx, 1 + y * y)


def tan(x: Any, /) -> Any:
    """Tangent, elementwise (radians)."""
    return Tan.apply(x)


register(OpSpec("tan", tan, ref=np.tan, domain="unit", method="tan", category="trigonometric"))


class Asin(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.asin(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return gy / conj_if_complex(ctx, xp.sqrt(1 - x * x))


def asin(x: Any, /) -> Any:
    """Inverse sine, elementwise; the gradient is infinite at +-1."""
    return Asin.apply(x)


register(OpSpec("asin", asin, ref=np.arcsin, domain="unit", method="asin", category="trigonometric"))


class Acos(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.acos(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return -gy / conj_if_complex(ctx, xp.sqrt(1 - x * x))


def acos(x: Any, /) -> Any:
    """Inverse cosine, elementwise; the gradient is infinite at +-1."""
    return Acos.apply(x)


register(OpSpec("acos", acos, ref=np.arccos, domain="unit", method="acos", category="trigonometric"))


class Atan(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.atan(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy / conj_if_complex(ctx, 1 + x * x)


def atan(x: Any, /) -> Any:
    """Inverse tangent, elementwise."""
    return Atan.apply(x)


register(OpSpec("atan", atan, ref=np.arctan, method="atan", category="trigonometric"))


class Sinh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.sinh(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return gy * conj_if_complex(ctx, xp.cosh(x))


def sinh(x: Any, /) -> Any:
    """Hyperbolic sine, elementwise."""
    return Sinh.apply(x)


register(OpSpec("sinh", sinh, ref=np.sinh, method="sinh", category="trigonometric"))


class Cosh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.cosh(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return gy * conj_if_complex(ctx, xp.sinh(x))


def cosh(x: Any, /) -> Any:
    """Hyperbolic cosine, elementwise."""
    return Cosh.apply(x)


register(OpSpec("cosh", cosh, ref=np.cosh, method="cosh", category="trigonometric"))


class Tanh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        return gy * conj_if_complex(ctx, 1 - y * y)


def tanh(x: Any, /) -> Any:
    """Hyperbolic tangent, elementwise (saves its output: a cheap backward)."""
    return Tanh.apply(x)


register(OpSpec("tanh", tanh, ref=np.tanh, method="tanh", category="trigonometric"))


class Asinh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.asinh(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return gy / conj_if_complex(ctx, xp.sqrt(x * x + 1))


def asinh(x: Any, /) -> Any:
    """Inverse hyperbolic sine, elementwise."""
    return Asinh.apply(x)


register(OpSpec("asinh", asinh, ref=np.arcsinh, method="asinh", category="trigonometric"))


class Acosh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.acosh(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        # sqrt(x - 1) sqrt(x + 1), not sqrt(x*x - 1): the same for real x > 1, and the
        # principal branch (PyTorch's) for complex x.
        return gy / conj_if_complex(ctx, xp.sqrt(x - 1) * xp.sqrt(x + 1))


def acosh(x: Any, /) -> Any:
    """Inverse hyperbolic cosine, elementwise (domain x >= 1)."""
    return Acosh.apply(x)


register(OpSpec("acosh", acosh, ref=np.arccosh, domain="gt1", method="acosh", category="trigonometric"))


class Atanh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.atanh(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy / conj_if_complex(ctx, 1 - x * x)


def atanh(x: Any, /) -> Any:
    """Inverse hyperbolic tangent, elementwise (domain -1 < x < 1)."""
    return Atanh.apply(x)


register(OpSpec("atanh", atanh, ref=np.arctanh, domain="unit", method="atanh", category="trigonometric"))


class Atan2(Function):
    @staticmethod
    def forward(ctx: Any, y: Any, x: Any) -> Any:
        ctx.save_for_backward(y, x)
        return ctx.xp.atan2(y, x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        y, x = ctx.saved_tensors
        needs = ctx.needs_input_grad
        g = gy / (x * x + y * y)
        return (g * x if needs[0] else None), (-g * y if needs[1] else None)


def atan2(x1: Any, x2: Any, /) -> Any:
    """The angle of the point ``(x2, x1)``: ``atan(x1 / x2)`` in the right quadrant.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.atan2(anygrad.tensor([1.0]), anygrad.tensor([-1.0]))
    tensor([2.3562])
    """
    return Atan2.apply(x1, x2)


register(OpSpec("atan2", atan2, ref=np.arctan2, nin=2, shapes="broadcast", domain="nonzero",
                method="atan2", category="trigonometric"))
