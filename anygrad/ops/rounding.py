"""Rounding and modular arithmetic: ceil, floor, round, trunc, sign, floor_divide,
remainder, fmod.

Step functions have a zero gradient almost everywhere (undefined at the jumps); they
return zeros, as PyTorch does, so that graphs through them still run.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register
from ._rules import STEP, STEP_NOTE, Rules, _Step
from ._operands import check_nonzero_divisor, promote_operands

__all__ = ["ceil", "floor", "round", "trunc", "sign", "floor_divide", "remainder", "fmod"]

rules = Rules(__name__, category="rounding")

ceil = rules.unary("ceil", STEP, "Smallest integer-valued number ``>= x``, elementwise (zero "
                   "gradient).", ref=np.ceil, inplace=True)
floor = rules.unary("floor", STEP, "Largest integer-valued number ``<= x``, elementwise (zero "
                    "gradient).", ref=np.floor, inplace=True)
trunc = rules.unary("trunc", STEP, "Round toward zero, elementwise (zero gradient).",
                    ref=np.trunc, method=("trunc", "fix"), inplace=True)
sign = rules.unary("sign", STEP, "-1, 0 or 1 according to the sign of ``x`` (zero gradient).",
                   ref=np.sign, method=("sign", "sgn"), inplace=True)


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
    tensor([0.5000, 1.5000, 1.3000])
    """
    return Round.apply(x, decimals)


register(OpSpec("round", round, ref=lambda x, decimals=0: np.round(x, decimals), method="round",
                category="rounding", kwargs=({}, {"decimals": 1}, {"decimals": -1}), notes=STEP_NOTE, inplace=True))


class FloorDivide(_Step):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        x, y = promote_operands(ctx.xp, x, y)
        xp = ctx.xp
        check_nonzero_divisor(xp, x, y, "floor_divide")
        q = xp.floor_divide(x, y)
        if xp.isdtype(q.dtype, "real floating"):
            # NumPy's floor_divide deviates from the standard's floor(x1 / x2) at infinite
            # operands (NaN for inf // 2, -1.0 for 1 // -inf where -0.0 is right).
            q = xp.where(_isinf(xp, x) | _isinf(xp, y), xp.floor(x / y), q)
        return q


def _isinf(xp: Any, v: Any) -> Any:
    return math.isinf(v) if isinstance(v, (int, float)) else xp.isinf(v)


def floor_divide(x1: Any, x2: Any, /) -> Any:
    """``floor(x1 / x2)``, elementwise with broadcasting (zero gradient)."""
    return FloorDivide.apply(x1, x2)


register(OpSpec("floor_divide", floor_divide, ref=np.floor_divide, nin=2, shapes="broadcast",
                domain=("real", "nonzero"), method="floor_divide", category="rounding",
                notes=STEP_NOTE, inplace=True, operators=("__floordiv__", "__rfloordiv__", "__ifloordiv__")))


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
                notes="gradient 1 wrt x1 and -floor(x1 / x2) wrt x2, except at the jumps", inplace=True, operators=("__mod__", "__rmod__", "__imod__")))


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
                notes="gradient 1 wrt x1 and -trunc(x1 / x2) wrt x2, except at the jumps", inplace=True))
