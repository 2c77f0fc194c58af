"""Exponentials and logarithms: exp, exp2, expm1, log, log1p, log2, log10, logaddexp, and
the error function ``erf`` (used by the exact GELU)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register
from ._util import conj_if_complex, promote_operands

__all__ = ["exp", "exp2", "expm1", "log", "log1p", "log2", "log10", "logaddexp", "erf"]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


class Exp(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = ctx.xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        return gy * conj_if_complex(ctx, y)


def exp(x: Any, /) -> Any:
    """``e ** x``, elementwise."""
    return Exp.apply(x)


register(OpSpec("exp", exp, ref=np.exp, method="exp", category="exponential"))


class Exp2(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        # The standard has no exp2; pow(2, x) is exact at integers, unlike exp(x * ln 2).
        y = ctx.xp.pow(2.0, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        return gy * conj_if_complex(ctx, y * _LN2)


def exp2(x: Any, /) -> Any:
    """``2 ** x``, elementwise."""
    return Exp2.apply(x)


register(OpSpec("exp2", exp2, ref=np.exp2, method="exp2", category="exponential"))


class Expm1(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = ctx.xp.expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        return gy * conj_if_complex(ctx, y + 1)


def expm1(x: Any, /) -> Any:
    """``exp(x) - 1``, accurate for small ``x``."""
    return Expm1.apply(x)


register(OpSpec("expm1", expm1, ref=np.expm1, method="expm1", category="exponential"))


class Log(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.log(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy / conj_if_complex(ctx, x)


def log(x: Any, /) -> Any:
    """Natural logarithm, elementwise."""
    return Log.apply(x)


register(OpSpec("log", log, ref=np.log, domain="positive", method="log", category="exponential"))


class Log1p(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.log1p(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy / conj_if_complex(ctx, x + 1)


def log1p(x: Any, /) -> Any:
    """``log(1 + x)``, accurate for small ``x``."""
    return Log1p.apply(x)


register(OpSpec("log1p", log1p, ref=np.log1p, domain="positive", method="log1p",
                category="exponential"))


class Log2(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.log2(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy / conj_if_complex(ctx, x * _LN2)


def log2(x: Any, /) -> Any:
    """Base-2 logarithm, elementwise."""
    return Log2.apply(x)


register(OpSpec("log2", log2, ref=np.log2, domain="positive", method="log2",
                category="exponential"))


class Log10(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.log10(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy / conj_if_complex(ctx, x * _LN10)


def log10(x: Any, /) -> Any:
    """Base-10 logarithm, elementwise."""
    return Log10.apply(x)


register(OpSpec("log10", log10, ref=np.log10, domain="positive", method="log10",
                category="exponential"))


class LogAddExp(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        x, y = promote_operands(ctx.xp, x, y)
        out = ctx.xp.logaddexp(x, y)
        ctx.save_for_backward(x, y, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y, out = ctx.saved_tensors
        xp = ctx.xp
        needs = ctx.needs_input_grad
        # exp(x - out) <= 1: no overflow, whatever the magnitudes.
        gx = gy * xp.exp(x - out) if needs[0] else None
        gq = gy * xp.exp(y - out) if needs[1] else None
        return gx, gq


def logaddexp(x1: Any, x2: Any, /) -> Any:
    """``log(exp(x1) + exp(x2))`` without overflow, elementwise with broadcasting."""
    return LogAddExp.apply(x1, x2)


register(OpSpec("logaddexp", logaddexp, ref=np.logaddexp, nin=2, shapes="broadcast",
                method="logaddexp", category="exponential"))


# -- erf ------------------------------------------------------------------------------------
# The standard has no erf. Below 2.2 the positive-term series
#   erf(a) = 2/sqrt(pi) * a * exp(-a^2) * sum_n (2a^2)^n / (2n+1)!!
# (no cancellation) reaches ~1e-16 with 30 terms; above it, the continued fraction of
# erfc with 28 levels does. Both run on clipped copies so neither overflows.
_ERF_CUT = 2.2
_SERIES_TERMS = 30
_CF_DEPTH = 28
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)


def erf_standard(xp: Any, x: Any) -> Any:
    """``erf(x)`` from standard functions only (arrays, or Tensors with anygrad's namespace).

    Accurate to a few ulp in float64. A native ``xp.erf`` (PyTorch) is used when present.
    """
    native = getattr(xp, "erf", None)
    if native is not None:
        return native(x)
    a = xp.abs(x)
    s = xp.minimum(a, _ERF_CUT)
    t = s * s
    u = 2.0 * t
    acc = xp.ones_like(s)
    for n in range(_SERIES_TERMS, 0, -1):
        acc = u * acc * (1.0 / (2 * n + 1)) + 1.0
    small = _TWO_OVER_SQRT_PI * s * xp.exp(-t) * acc
    c = xp.clip(a, _ERF_CUT, 7.0)
    f = c
    for k in range(_CF_DEPTH, 0, -1):
        f = c + (0.5 * k) / f
    large = 1.0 - xp.exp(-c * c) * _INV_SQRT_PI / f
    return xp.sign(x) * xp.where(a <= _ERF_CUT, small, large)


class Erf(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return erf_standard(ctx.xp, x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy * _TWO_OVER_SQRT_PI * ctx.xp.exp(-(x * x))


def erf(x: Any, /) -> Any:
    """The error function ``2/sqrt(pi) * integral_0^x exp(-t^2) dt``, elementwise.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.erf(anygrad.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8427])
    """
    return Erf.apply(x)


def _erf_ref(x: Any) -> Any:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


register(OpSpec("erf", erf, ref=_erf_ref, method=None, category="special"))
