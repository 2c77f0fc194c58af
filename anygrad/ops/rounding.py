"""Rounding and modular arithmetic: ceil, floor, round, trunc, sign, floor_divide,
remainder, fmod.

Step functions have a zero gradient almost everywhere (undefined at the jumps); they
return zeros, as PyTorch does, so that graphs through them still run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register
from ._util import check_nonzero_divisor, promote_operands

__all__ = ["ceil", "floor", "round", "trunc", "sign", "floor_divide", "remainder", "fmod"]

_STEP = "zero gradient almost everywhere (undefined at the jumps)"


class _Step(Function):
    """A piecewise-constant function of its inputs: every gradient is zero."""

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        z = ctx.xp.zeros_like(gy)
        return tuple(z if n else None for n in ctx.needs_input_grad)


class Ceil(_Step):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.ceil(x)


def ceil(x: Any, /) -> Any:
    """Smallest integer-valued number ``>= x``, elementwise (zero gradient)."""
    return Ceil.apply(x)


register(OpSpec("ceil", ceil, ref=np.ceil, method="ceil", category="rounding", notes=_STEP))


class Floor(_Step):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.floor(x)


def floor(x: Any, /) -> Any:
    """Largest integer-valued number ``<= x``, elementwise (zero gradient)."""
    return Floor.apply(x)


register(OpSpec("floor", floor, ref=np.floor, method="floor", category="rounding", notes=_STEP))


class Round(_Step):
    @staticmethod
    def forward(ctx: Any, x: Any, decimals: int) -> Any:
        xp = ctx.xp
        if decimals == 0:
            return xp.round(x)
        # As PyTorch and NumPy: scale, round half to even, scale back.
        scale = 10.0 ** decimals
        return xp.round(x * scale) / scale


def round(x: Any, /, *, decimals: int = 0) -> Any:  # noqa: A001 - the Array API name
    """Round half to even, to ``decimals`` decimal places (zero gradient).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.round(anygrad.tensor([0.5, 1.5, 1.26]), decimals=1)
    tensor([0.5, 1.5, 1.3])
    """
    return Round.apply(x, decimals)


register(OpSpec("round", round, ref=lambda x, decimals=0: np.round(x, decimals), method="round",
                category="rounding", kwargs=({}, {"decimals": 1}, {"decimals": -1}), notes=_STEP))


class Trunc(_Step):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.trunc(x)


def trunc(x: Any, /) -> Any:
    """Round toward zero, elementwise (zero gradient)."""
    return Trunc.apply(x)


register(OpSpec("trunc", trunc, ref=np.trunc, method="trunc", category="rounding", notes=_STEP))


class Sign(_Step):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.sign(x)


def sign(x: Any, /) -> Any:
    """-1, 0 or 1 according to the sign of ``x`` (zero gradient)."""
    return Sign.apply(x)


register(OpSpec("sign", sign, ref=np.sign, method="sign", category="rounding", notes=_STEP))


class FloorDivide(_Step):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        x, y = promote_operands(ctx.xp, x, y)
        check_nonzero_divisor(ctx.xp, x, y, "floor_divide")
        return ctx.xp.floor_divide(x, y)


def floor_divide(x1: Any, x2: Any, /) -> Any:
    """``floor(x1 / x2)``, elementwise with broadcasting (zero gradient)."""
    return FloorDivide.apply(x1, x2)


register(OpSpec("floor_divide", floor_divide, ref=np.floor_divide, nin=2, shapes="broadcast",
                domain=("real", "nonzero"), method="floor_divide", category="rounding",
                notes=_STEP))


class Remainder(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        x, y = promote_operands(ctx.xp, x, y)
        check_nonzero_divisor(ctx.xp, x, y, "remainder")
        ctx.save_for_backward(x, y)
        return ctx.xp.remainder(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        needs = ctx.needs_input_grad
        gq = -gy * ctx.xp.floor(x / y) if needs[1] else None
        return (gy if needs[0] else None), gq


def remainder(x1: Any, x2: Any, /) -> Any:
    """``x1 - floor(x1 / x2) * x2`` (the sign of ``x2``, as Python's ``%``).

    The gradient is 1 with respect to ``x1`` and ``-floor(x1 / x2)`` with respect to
    ``x2`` (undefined at the jumps).
    """
    return Remainder.apply(x1, x2)


register(OpSpec("remainder", remainder, ref=np.remainder, nin=2, shapes="broadcast",
                domain=("real", "nonzero"), method="remainder", category="rounding",
                notes="gradient 1 wrt x1 and -floor(x1 / x2) wrt x2, except at the jumps"))


class Fmod(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        xp = ctx.xp
        x, y = promote_operands(xp, x, y)
        check_nonzero_divisor(xp, x, y, "fmod")
        ctx.save_for_backward(x, y)
        # The standard has no fmod: remainder has the sign of y; where it is nonzero and
        # the signs of x and y differ, C's fmod is one y lower (exact in floating point).
        r = xp.remainder(x, y)
        fix = (r != 0) & ((x < 0) != (y < 0))
        return xp.where(fix, r - y, r)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        needs = ctx.needs_input_grad
        gq = -gy * ctx.xp.trunc(x / y) if needs[1] else None
        return (gy if needs[0] else None), gq


def fmod(x1: Any, x2: Any, /) -> Any:
    """C's ``fmod``: ``x1 - trunc(x1 / x2) * x2`` (the sign of ``x1``; PyTorch's ``fmod``).

    The gradient is 1 with respect to ``x1`` and ``-trunc(x1 / x2)`` with respect to ``x2``.
    """
    return Fmod.apply(x1, x2)


register(OpSpec("fmod", fmod, ref=np.fmod, nin=2, shapes="broadcast",
                domain=("real", "nonzero"), method="fmod", category="rounding",
                notes="gradient 1 wrt x1 and -trunc(x1 / x2) wrt x2, except at the jumps"))
