"""Exponentials and logarithms: exp, exp2, expm1, log, log1p, log2, log10, logaddexp, and
the error function ``erf`` (used by the exact GELU). One rule line each (see ``_rules``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._rules import Rules

__all__ = ["exp", "exp2", "expm1", "log", "log1p", "log2", "log10", "logaddexp", "erf"]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)

rules = Rules(__name__, category="exponential")

exp = rules.unary("exp", lambda xp, g, y: g * y, "``e ** x``, elementwise.", ref=np.exp, inplace=True)
# The standard has no exp2; pow(2, x) is exact at integers, unlike exp(x * ln 2).
exp2 = rules.unary("exp2", lambda xp, g, y: g * (y * _LN2), "``2 ** x``, elementwise.",
                   forward=lambda xp, x: xp.pow(2.0, x), ref=np.exp2, inplace=True)


def _expm1(xp: Any, x: Any) -> Any:
    y = xp.expm1(x)
    if not xp.isdtype(x.dtype, "complex floating"):
        return y
    # NumPy's complex expm1 deviates from C99 at zeros and infinities (NaN + NaN j for
    # inf + 0j); there exp(x) - 1 has no cancellation and gives the standard's values.
    odd = ~xp.isfinite(x) | (x == 0)
    return xp.where(odd, xp.exp(x) - 1, y)


expm1 = rules.unary("expm1", lambda xp, g, y: g * (y + 1),
                    "``exp(x) - 1``, accurate for small ``x``.", forward=_expm1, ref=np.expm1,
                    inplace=True)
log = rules.unary("log", lambda xp, g, x: g / x, "Natural logarithm, elementwise.", ref=np.log,
                  domain="positive", inplace=True)
log1p = rules.unary("log1p", lambda xp, g, x: g / (x + 1),
                    "``log(1 + x)``, accurate for small ``x``.", ref=np.log1p, domain="positive", inplace=True)
log2 = rules.unary("log2", lambda xp, g, x: g / (x * _LN2), "Base-2 logarithm, elementwise.",
                   ref=np.log2, domain="positive", inplace=True)
log10 = rules.unary("log10", lambda xp, g, x: g / (x * _LN10), "Base-10 logarithm, elementwise.",
                    ref=np.log10, domain="positive", inplace=True)
# exp(x - y) <= 1 with y = logaddexp(x1, x2): no overflow, whatever the magnitudes.
logaddexp = rules.binary("logaddexp", lambda xp, g, x1, x2, y: g * xp.exp(x1 - y),
                         lambda xp, g, x1, x2, y: g * xp.exp(x2 - y),
                         "``log(exp(x1) + exp(x2))`` without overflow, elementwise with "
                         "broadcasting.", ref=np.logaddexp)


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


erf = rules.unary(
    "erf", lambda xp, g, x: g * _TWO_OVER_SQRT_PI * xp.exp(-(x * x)),
    """The error function ``2/sqrt(pi) * integral_0^x exp(-t^2) dt``, elementwise.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.erf(anygrad.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8427])
    """, forward=erf_standard, ref=lambda x: np.vectorize(math.erf, otypes=[np.float64])(x),
    inplace=True, category="special")
