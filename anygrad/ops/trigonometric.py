"""Trigonometric and hyperbolic functions and their inverses, plus ``atan2``: one rule
line each (see ``_rules``): the gradient formula, written once against ``xp``, serves
every order of derivative."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._rules import Rules

__all__ = ["sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh",
           "acosh", "atanh"]

rules = Rules(__name__, category="trigonometric")

sin = rules.unary("sin", lambda xp, g, x: g * xp.cos(x), "Sine, elementwise (radians).",
                  ref=np.sin, inplace=True)
cos = rules.unary("cos", lambda xp, g, x: -g * xp.sin(x), "Cosine, elementwise (radians).",
                  ref=np.cos, inplace=True)
tan = rules.unary("tan", lambda xp, g, y: g * (1 + y * y), "Tangent, elementwise (radians).",
                  ref=np.tan, domain="unit", inplace=True)
asin = rules.unary("asin", lambda xp, g, x: g / xp.sqrt(1 - x * x),
                   "Inverse sine, elementwise (domain -1 <= x <= 1).", ref=np.arcsin, domain="unit", method=("asin", "arcsin"), inplace=True)
acos = rules.unary("acos", lambda xp, g, x: -g / xp.sqrt(1 - x * x),
                   "Inverse cosine, elementwise (domain -1 <= x <= 1).", ref=np.arccos,
                   domain="unit", method=("acos", "arccos"), inplace=True)
atan = rules.unary("atan", lambda xp, g, x: g / (1 + x * x), "Inverse tangent, elementwise.",
                   ref=np.arctan, method=("atan", "arctan"), inplace=True)
sinh = rules.unary("sinh", lambda xp, g, x: g * xp.cosh(x), "Hyperbolic sine, elementwise.",
                   ref=np.sinh, inplace=True)
cosh = rules.unary("cosh", lambda xp, g, x: g * xp.sinh(x), "Hyperbolic cosine, elementwise.",
                   ref=np.cosh, inplace=True)


def _tanh(xp: Any, x: Any) -> Any:
    y = xp.tanh(x)
    if not xp.isdtype(x.dtype, "complex floating"):
        return y
    # At real part +-inf, C99 (NumPy) gives +-1 + 0 sin(2b) j; the standard gives the zero
    # imaginary part b's sign. conj flips just that sign.
    b = xp.imag(x)
    flip = xp.isinf(xp.real(x)) & xp.isfinite(b) & (xp.signbit(xp.imag(y)) != xp.signbit(b))
    return xp.where(flip, xp.conj(y), y)


tanh = rules.unary("tanh", lambda xp, g, y: g * (1 - y * y), "Hyperbolic tangent, elementwise.",
                   forward=_tanh, ref=np.tanh, inplace=True)
asinh = rules.unary("asinh", lambda xp, g, x: g / xp.sqrt(x * x + 1),
                    "Inverse hyperbolic sine, elementwise.", ref=np.arcsinh, method=("asinh", "arcsinh"), inplace=True)
# sqrt(x - 1) sqrt(x + 1), not sqrt(x*x - 1): the same for real x > 1, and the principal
# branch (PyTorch's) for complex x.
acosh = rules.unary("acosh", lambda xp, g, x: g / (xp.sqrt(x - 1) * xp.sqrt(x + 1)),
                    "Inverse hyperbolic cosine, elementwise (domain x >= 1).", ref=np.arccosh,
                    domain="gt1", method=("acosh", "arccosh"), inplace=True)
atanh = rules.unary("atanh", lambda xp, g, x: g / (1 - x * x),
                    "Inverse hyperbolic tangent, elementwise (domain -1 < x < 1).",
                    ref=np.arctanh, domain="unit", method=("atanh", "arctanh"), inplace=True)
atan2 = rules.binary(
    "atan2", lambda xp, g, x1, x2: g * x2 / (x1 * x1 + x2 * x2),
    lambda xp, g, x1, x2: -g * x1 / (x1 * x1 + x2 * x2),
    """The angle of the point ``(x2, x1)``: ``atan(x1 / x2)`` in the right quadrant.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.atan2(anygrad.tensor([1.0]), anygrad.tensor([-1.0]))
    tensor([2.3562])
    """, true_divide=True, ref=np.arctan2, domain="nonzero", method=("atan2", "arctan2"), inplace=True)
