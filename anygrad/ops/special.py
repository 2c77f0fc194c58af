"""Special functions: lgamma, digamma, polygamma, mvlgamma, erfc, erfinv, i0, igamma and
igammac (PyTorch's names; the Array API standard has none of them).

Each is written against the standard namespace only (series, recurrences, asymptotic
expansions and Newton steps), so it runs on every backend; where the backend has the
function itself (PyTorch does), its own is used, which gives PyTorch's values exactly.
The gradients are formulas in the same kernels (``lgamma' = digamma``, ``digamma' =
polygamma(1)``...), and being array-API code the kernels also run on Tensors under
``create_graph=True``, so every order of derivative follows.

Like :mod:`anygrad.ops.torch_extras`, these are PyTorch faces (``anygrad.lgamma``,
``x.lgamma()``, ``x.lgamma_()``), not part of the standard namespace.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype
from ..autograd.function import Function
from ..fastpaths import fast_path
from ._operands import promote_operands
from ._registry import OpSpec, register
from ._rules import Rules
from .arithmetic import add, subtract
from .exponential import erf_standard

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma", "erfc", "erfinv", "i0", "igamma",
           "igammac"]

rules = Rules(__name__, category="special")

_EULER = 0.57721566490153286061
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_LOG_PI = math.log(math.pi)
_SQRT_PI_2 = math.sqrt(math.pi) / 2.0
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# Bernoulli numbers B_2, B_4, ..., B_20.
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
        43867 / 798, -174611 / 330)


def _zeta_minus_one(s: int) -> float:
    """``zeta(s) - 1`` for an integer ``s >= 2``, by Euler-Maclaurin summation from n = 2."""
    n = 30
    head = math.fsum(k ** -s for k in range(2, n))
    tail = n ** (1 - s) / (s - 1) + 0.5 * n ** -s
    rising = float(s)  # s (s+1) ... (s+2j-2)
    for j, b in enumerate(_B2K[:6], start=1):
        tail += b / math.factorial(2 * j) * rising * n ** (-s - 2 * j + 1)
        rising *= (s + 2 * j - 1) * (s + 2 * j)
    return head + tail


# lgamma(2 + e) = (1 - gamma) e + sum_{k>=2} (-1)^k (zeta(k) - 1) / k e^k, for |e| <= 0.5.
_L2_COEF = [1.0 - _EULER] + [(-1) ** k * _zeta_minus_one(k) / k for k in range(2, 34)]


def _floating(xp: Any, x: Any, op: str) -> Any:
    """Integer and bool input computed in the default float dtype, as PyTorch; complex
    input refused, as PyTorch refuses it."""
    if xp.isdtype(x.dtype, "real floating"):
        return x
    if xp.isdtype(x.dtype, "complex floating"):
        raise TypeError(f"{op}: expected a real (floating-point or integer) tensor, got "
                        f"dtype {x.dtype}")
    return xp.astype(x, getattr(xp, _dtype.get_default_dtype().name))


def _full(xp: Any, x: Any, v: float) -> Any:
    return xp.full_like(x, v)


def _native(xp: Any, name: str) -> Any:
    """The backend's own function: PyTorch's of that name, or a fast path (JAX's, from
    ``jax.scipy.special``; its eager dispatch makes the generic kernels slow), or None."""
    return getattr(xp, name, None) or fast_path("special_" + name, xp)


def _sinpi_abs(xp: Any, x: Any) -> Any:
    """``|sin(pi x)|``, exact at the integers (zero there)."""
    return xp.abs(xp.sin(math.pi * (x - xp.round(x))))


# -- lgamma ----------------------------------------------------------------------------------
def _lgamma_pos(xp: Any, x: Any) -> Any:
    """``lgamma`` for ``x > -0.5`` (``x != 0``): a series about 2, downward recurrence
    (products of positive terms, no cancellation) below 13, Stirling's series above."""
    big = x >= 13.0
    mid = (x >= 0.5) & ~big
    # 0.5 <= x < 13: lgamma(x) = lgamma(2 + e) + log(prod (x - k)), e = x - (m + 2) exactly.
    xm = xp.clip(x, 0.5, 13.0)
    m = xp.clip(xp.floor(xm - 1.5), -1.0, 11.0)
    prod = xp.ones_like(x)
    for k in range(1, 12):
        prod = prod * xp.where(m >= k, xm - k, xp.ones_like(x))
    e_mid = xm - (m + 2.0)
    # -0.5 < x < 0.5: lgamma(x) = lgamma(2 + x) - log1p(x) - log|x|.
    xs = xp.where(mid | big, _full(xp, x, 0.25), x)
    xs = xp.where(xs == 0, _full(xp, x, 0.25), xs)
    e = xp.where(mid, e_mid, xs)
    series = _full(xp, x, _L2_COEF[-1])
    for c in reversed(_L2_COEF[:-1]):
        series = series * e + c
    series = series * e
    low = series - xp.log1p(xs) - xp.log(xp.abs(xs))
    mid_val = series + xp.log(prod) - xp.where(m < 0, xp.log(xm), xp.zeros_like(x))
    z = xp.clip(xp.where(xp.isinf(x), _full(xp, x, 13.0), x), 13.0, None)
    zi = 1.0 / z
    zi2 = zi * zi
    corr = _full(xp, x, _B2K[7] / (16 * 15))
    for k in range(7, 0, -1):
        corr = corr * zi2 + _B2K[k - 1] / (2 * k * (2 * k - 1))
    stirling = (z - 0.5) * xp.log(z) - z + _HALF_LOG_2PI + corr * zi
    return xp.where(big, stirling, xp.where(mid, mid_val, low))


def _lgamma(xp: Any, x: Any) -> Any:
    x = _floating(xp, x, "lgamma")
    native = _native(xp, "lgamma")
    if native is not None:
        return native(x)
    refl = x <= -0.5
    pos = _lgamma_pos(xp, xp.where(refl, 1.0 - x, x))
    s = _sinpi_abs(xp, xp.where(refl & xp.isfinite(x), x, _full(xp, x, 0.5)))
    pole = (s == 0) | (x == 0)
    reflected = _LOG_PI - xp.log(xp.where(s == 0, xp.ones_like(x), s)) - pos
    out = xp.where(refl, reflected, pos)
    out = xp.where(pole, _full(xp, x, math.inf), out)
    return xp.where(xp.isinf(x), _full(xp, x, math.inf), out)


# -- digamma and polygamma ---------------------------------------------------------------------
def _digamma_pos(xp: Any, x: Any) -> Any:
    """``digamma`` for ``x >= 0.5``: recurrence up to 10, then the asymptotic series."""
    z = x
    acc = xp.zeros_like(x)
    for _ in range(10):
        small = z < 10.0
        acc = acc + xp.where(small, 1.0 / z, xp.zeros_like(x))
        z = xp.where(small, z + 1.0, z)
    zi = 1.0 / z
    zi2 = zi * zi
    corr = _full(xp, x, _B2K[7] / 16)
    for k in range(7, 0, -1):
        corr = corr * zi2 + _B2K[k - 1] / (2 * k)
    return xp.log(z) - 0.5 * zi - corr * zi2 - acc


def _digamma(xp: Any, x: Any) -> Any:
    x = _floating(xp, x, "digamma")
    native = _native(xp, "digamma")
    if native is not None:
        return native(x)
    refl = x < 0.5
    pos = _digamma_pos(xp, xp.where(refl, 1.0 - x, xp.where(xp.isnan(x), x, xp.clip(x, 0.5, None))))
    xf = xp.where(xp.isfinite(x), x, xp.zeros_like(x))
    r = xf - xp.round(xf)
    t = xp.tan(math.pi * xp.where(refl, r, _full(xp, x, 0.25)))
    pole = refl & (r == 0)
    out = xp.where(refl, pos - math.pi / xp.where(pole, xp.ones_like(x), t), pos)
    # PyTorch: -inf at +0, +inf at -0, NaN at the negative integers and at -inf.
    out = xp.where(pole, _full(xp, x, math.nan), out)
    zero = x == 0
    signed = xp.where(xp.signbit(x), _full(xp, x, math.inf), _full(xp, x, -math.inf))
    out = xp.where(zero, signed, out)
    return xp.where(x == -math.inf, _full(xp, x, math.nan), out)


def _polygamma(xp: Any, n: int, x: Any) -> Any:
    """``polygamma(n, x)`` for ``n >= 1``: ``(-1)^(n+1) n! zeta(n+1, x)`` with the Hurwitz
    zeta by recurrence up to ``10 + n`` and its Euler-Maclaurin tail."""
    if n == 0:
        return _digamma(xp, x)
    x = _floating(xp, x, "polygamma")
    native = _native(xp, "polygamma")
    if native is not None:
        return native(n, x)
    s = n + 1
    top = 10.0 + n
    finite = xp.isfinite(x)
    lowest = float(xp.min(xp.where(finite, x, _full(xp, x, top)))) if math.prod(x.shape) else top
    steps = max(0, math.ceil(top - lowest))
    z = xp.where(finite, x, _full(xp, x, top))
    acc = xp.zeros_like(x)
    pole = (x <= 0) & (x == xp.round(x))
    for _ in range(steps):
        small = z < top
        safe = xp.where(small & (z != 0), z, xp.ones_like(x))
        acc = acc + xp.where(small, safe ** (-s), xp.zeros_like(x))
        z = xp.where(small, z + 1.0, z)
    zi = 1.0 / z
    tail = zi ** (s - 1) / (s - 1) + 0.5 * zi ** s
    rising = float(s)
    term_pow = zi ** (s + 1)
    zi2 = zi * zi
    for j, b in enumerate(_B2K, start=1):
        tail = tail + (b / math.factorial(2 * j) * rising) * term_pow
        rising *= (s + 2 * j - 1) * (s + 2 * j)
        term_pow = term_pow * zi2
    sign = 1.0 if n % 2 else -1.0
    out = (sign * math.factorial(n)) * (acc + tail)
    out = xp.where(pole, _full(xp, x, sign * math.inf), out)
    out = xp.where(x == math.inf, xp.zeros_like(x), out)
    return xp.where((x == -math.inf) | xp.isnan(x), _full(xp, x, math.nan), out)


lgamma = rules.unary(
    "lgamma", lambda xp, g, x: g * _digamma(xp, x),
    """The natural logarithm of the absolute value of the gamma function, elementwise.

    ``+inf`` at the poles (0 and the negative integers) and at ``-inf``, as PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.lgamma(anygrad.tensor([0.5, 3.0, -2.5]))
    tensor([ 0.5724,  0.6931, -0.0562])
    """, forward=_lgamma, ref=lambda x: _scipy("gammaln")(x), domain="positive", inplace=True)

digamma = rules.unary(
    "digamma", lambda xp, g, x: g * _polygamma(xp, 1, x),
    """The digamma function ``d/dx lgamma(x)``, elementwise.

    ``-inf`` at ``+0``, ``+inf`` at ``-0`` and NaN at the negative integers, as PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.digamma(anygrad.tensor([1.0, 0.5]))
    tensor([-0.5772, -1.9635])
    """, forward=_digamma, ref=lambda x: _scipy("psi")(x), domain="positive", inplace=True)


class Polygamma(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, n: int) -> Any:
        ctx.n = n
        ctx.save_for_backward(x)
        return _polygamma(ctx.xp, n, x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        return gy * _polygamma(ctx.xp, ctx.n + 1, x), None


def polygamma(n: Any, x: Any, /) -> Any:
    """The ``n``-th derivative of the digamma function, elementwise (``n >= 0``).

    Called as PyTorch does: ``anygrad.polygamma(n, x)`` and ``x.polygamma(n)``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.polygamma(1, anygrad.tensor([1.0, 2.0]))
    tensor([1.6449, 0.6449])
    """
    if isinstance(x, int) and not isinstance(n, int):
        n, x = x, n  # the method's order: x.polygamma(n)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"polygamma: expected a non-negative integer order n, got {n!r}")
    return Polygamma.apply(x, n)


register(OpSpec("polygamma", polygamma, ref=lambda x, n: _scipy("polygamma")(n, x),
                harness=lambda x, n: polygamma(n, x), kwargs=({"n": 1}, {"n": 2}, {"n": 0}),
                domain="positive", method="polygamma", inplace=True, category="special",
                notes="called as polygamma(n, x) and x.polygamma(n)"))


def mvlgamma(x: Any, /, p: int) -> Any:
    """The multivariate log-gamma function of dimension ``p``, elementwise:
    ``p (p - 1) / 4 log(pi) + sum_{i<p} lgamma(x - i / 2)``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.mvlgamma(anygrad.tensor([2.5]), 3)
    tensor([1.8810])
    """
    if isinstance(p, bool) or not isinstance(p, int) or p < 1:
        raise ValueError(f"mvlgamma: expected an integer p >= 1, got {p!r}")
    out = lgamma(x)
    for i in range(1, p):
        out = add(out, lgamma(subtract(x, i / 2)))
    return add(out, p * (p - 1) / 4 * _LOG_PI)


register(OpSpec("mvlgamma", mvlgamma, ref=lambda x, p: _scipy("multigammaln", vector=True)(x, p),
                kwargs=({"p": 1}, {"p": 3}), domain="gt1", method="mvlgamma", inplace=True,
                torch_args=("p",), category="special"))


# -- erfc and erfinv ---------------------------------------------------------------------------
def _erfc_pos(xp: Any, a: Any) -> Any:
    """``erfc(a)`` for ``a >= 0``, to a few ulp in either precision: ``1 - erf`` below 0.5
    (no cancellation: erfc(0.5) = 0.48); from 0.5 to 2.2 the trapezoidal sum of
    Chiarella and Reichel (step h = 1/2, error ~exp(-pi^2 / h^2)); above, Laplace's
    continued fraction."""
    m = xp.clip(a, 0.5, 2.2)
    m2 = m * m
    acc = 0.5 / m2
    for n in range(1, 14):
        acc = acc + math.exp(-0.25 * n * n) / (0.25 * n * n + m2)
    mid = (m * (2.0 * 0.5 / math.pi)) * xp.exp(-m2) * acc
    mid = mid + 2.0 / (1.0 - xp.exp((2.0 * math.pi / 0.5) * m))
    c = xp.clip(a, 2.2, 27.0)
    f = c
    # erfc(c) = exp(-c^2)/sqrt(pi) / (c + 1/2/(c + 1/(c + 3/2/(c + ...)))): 40 levels give
    # ~1e-16 from c = 2.2 on.
    for k in range(40, 0, -1):
        f = c + (0.5 * k) / f
    large = xp.exp(-c * c) / math.sqrt(math.pi) / f
    large = xp.where(a > 27.0, xp.zeros_like(a), large)
    small = 1.0 - erf_standard(xp, xp.clip(a, 0.0, 0.5))
    return xp.where(a < 0.5, small, xp.where(a < 2.2, mid, large))


def _erfc(xp: Any, x: Any) -> Any:
    x = _floating(xp, x, "erfc")
    native = _native(xp, "erfc")
    if native is not None:
        return native(x)
    pos = _erfc_pos(xp, xp.abs(x))
    return xp.where(x < 0, 2.0 - pos, pos)


erfc = rules.unary(
    "erfc", lambda xp, g, x: g * (-_TWO_OVER_SQRT_PI) * xp.exp(-(x * x)),
    """The complementary error function ``1 - erf(x)``, accurate where ``erf(x)`` is near 1.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.erfc(anygrad.tensor([0.0, 5.0], dtype=anygrad.float64))
    tensor([1.0000e+00, 1.5375e-12], dtype=anygrad.float64)
    """, forward=_erfc, ref=lambda x: _scipy("erfc")(x), inplace=True)


def _erfinv(xp: Any, x: Any) -> Any:
    x = _floating(xp, x, "erfinv")
    native = _native(xp, "erfinv")
    if native is not None:
        return native(x)
    a = xp.abs(x)
    inside = a < 1.0
    a_in = xp.where(inside, a, xp.zeros_like(a))
    # Initial guess: M. Giles' single-precision polynomial in w = -log(1 - a^2).
    w = -xp.log((1.0 - a_in) * (1.0 + a_in))
    w1 = w - 2.5
    p1 = _full(xp, x, 2.81022636e-08)
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
              -0.00417768164, 0.246640727, 1.50140941):
        p1 = p1 * w1 + c
    w2 = xp.sqrt(xp.clip(w, 5.0, None)) - 3.0
    p2 = _full(xp, x, -0.000200214257)
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
              0.00943887047, 1.00167406, 2.83297682):
        p2 = p2 * w2 + c
    y = xp.where(w < 5.0, p1, p2) * a_in
    # Refined by Newton steps: on erf(y) = a (Halley's, cubic) below 0.5; above, on
    # log(erfc(y)) = log(1 - a), which is nearly linear in y and keeps the digits of 1 - a
    # (exact there) that erf(y) - a would cancel.
    tail = a_in > 0.5
    log_q = xp.log(xp.where(tail, 1.0 - a_in, xp.ones_like(a_in)))
    # The guess is good to 1e-7 up to float32's tail; float64's far tail needs one step more.
    for _ in range(3 if x.dtype == xp.float64 else 2):
        dens = _TWO_OVER_SQRT_PI * xp.exp(-(y * y))
        d = (erf_standard(xp, y) - a_in) / dens
        halley = y - d / (1.0 + y * d)
        q = _erfc_pos(xp, xp.where(tail, y, xp.ones_like(y)))
        newton = y + (xp.log(q) - log_q) * q / xp.where(tail, dens, xp.ones_like(y))
        y = xp.where(tail, newton, halley)
    out = xp.where(inside, y, xp.where(a == 1.0, _full(xp, x, math.inf), _full(xp, x, math.nan)))
    return xp.where(x < 0, -out, out)


erfinv = rules.unary(
    "erfinv", lambda xp, g, y: g * _SQRT_PI_2 * xp.exp(y * y),
    """The inverse error function on ``[-1, 1]`` (``±inf`` at ``±1``, NaN outside).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.erfinv(anygrad.tensor([0.0, 0.5, -1.0]))
    tensor([0.0000, 0.4769,   -inf])
    """, forward=_erfinv, ref=lambda x: _scipy("erfinv")(x), domain="unit", inplace=True)


# -- i0 ----------------------------------------------------------------------------------------
def _bessel_i(xp: Any, nu: int, x: Any) -> Any:
    """The modified Bessel function ``I_nu`` (``nu`` 0 or 1): the power series up to 30,
    the asymptotic expansion above."""
    x = _floating(xp, x, "i0")
    a = xp.abs(x)
    s = xp.clip(a, 0.0, 30.0)
    q = s * s * 0.25
    acc = xp.ones_like(x)
    for k in range(64, 0, -1):
        acc = acc * q * (1.0 / (k * (k + nu))) + 1.0
    series = acc * (s * 0.5) if nu else acc
    big = xp.clip(xp.where(xp.isinf(a), _full(xp, a, 30.0), a), 30.0, None)
    mu = 4.0 * nu * nu
    term = xp.ones_like(x)
    total = xp.ones_like(x)
    for k in range(1, 31):
        term = term * ((-(mu - (2 * k - 1) ** 2) / (8.0 * k)) / big)
        total = total + term
    # exp(x) / sqrt(2 pi x) as one exponential: finite right up to I_nu's own overflow.
    asym = xp.exp(big - 0.5 * xp.log(2.0 * math.pi * big)) * total
    out = xp.where(a <= 30.0, series, asym)
    # NaN at +-inf, as PyTorch, NumPy and SciPy (inf / inf in their expansions).
    out = xp.where(xp.isinf(x), _full(xp, x, math.nan), out)
    out = xp.where(xp.isnan(x), x, out)
    return xp.where(x < 0, -out, out) if nu % 2 else out


def _i0(xp: Any, x: Any) -> Any:
    x = _floating(xp, x, "i0")
    special = getattr(xp, "special", None)
    native = getattr(special, "i0", None) if special is not None else None
    native = native or fast_path("special_i0", xp)  # JAX's (NumPy's warns at inf)
    if native is not None:
        return native(x)
    return _bessel_i(xp, 0, x)


def _i1(xp: Any, x: Any) -> Any:
    special = getattr(xp, "special", None)
    native = getattr(special, "i1", None) if special is not None else None
    native = native or fast_path("special_i1", xp)
    if native is not None:
        return native(x)
    return _bessel_i(xp, 1, x)


i0 = rules.unary(
    "i0", lambda xp, g, x: g * _i1(xp, x),
    """The modified Bessel function of the first kind of order 0, elementwise.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.i0(anygrad.tensor([0.0, 1.0, 2.0]))
    tensor([1.0000, 1.2661, 2.2796])
    """, forward=_i0, ref=lambda x: _scipy("i0")(x), inplace=True)


# -- regularised incomplete gamma ------------------------------------------------------------
def _igamma(xp: Any, a: Any, x: Any, upper: bool) -> Any:
    """``P(a, x)`` (``upper`` false) or ``Q(a, x) = 1 - P(a, x)``: the series where
    ``x < a + 1``, Legendre's continued fraction (modified Lentz) elsewhere."""
    native = _native(xp, "igammac" if upper else "igamma")
    if native is not None:
        return native(a, x)
    ok = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
    one = xp.ones_like(x)
    a1 = xp.where(ok, a, one)
    x1 = xp.where(ok, x, one)
    use_series = x1 < a1 + 1.0
    log_pre = a1 * xp.log(x1) - x1 - _lgamma(xp, a1)
    tiny = 1e-300 if x.dtype == xp.float64 else 1e-30
    # Stop when a step no longer changes the sum in this dtype: more steps only add rounding.
    eps = float(xp.finfo(x.dtype).eps)
    # Series: P = exp(log_pre) / a * sum_n x^n / ((a+1)...(a+n)).
    xs = xp.where(use_series, x1, xp.zeros_like(x1))
    term = xp.ones_like(x1)
    total = xp.ones_like(x1)
    ap = a1
    for i in range(1, 4001):
        ap = ap + 1.0
        term = term * xs / ap
        total = total + term
        if i % 16 == 0 and not bool(xp.any(term > eps * total)):
            break
    p_series = xp.exp(log_pre) * total / a1
    # Continued fraction for Q.
    xc = xp.where(use_series, a1 + 2.0, x1)
    b = xc + 1.0 - a1
    c = _full(xp, x1, 1.0 / tiny)
    d = 1.0 / b
    h = d
    for i in range(1, 4001):
        an = -i * (i - a1)
        b = b + 2.0
        d = an * d + b
        d = xp.where(xp.abs(d) < tiny, _full(xp, d, tiny), d)
        c = b + an / c
        c = xp.where(xp.abs(c) < tiny, _full(xp, c, tiny), c)
        d = 1.0 / d
        delta = d * c
        h = h * delta
        if i % 16 == 0 and not bool(xp.any(xp.abs(delta - 1.0) > eps)):
            break
    q_cf = xp.exp(log_pre) * h
    out = xp.where(use_series, 1.0 - p_series if upper else p_series,
                   q_cf if upper else 1.0 - q_cf)
    # The edges, as PyTorch: P(a, 0) = 0, P(0, x > 0) = 1, P(a, inf) = 1, P(inf, x) = 0;
    # NaN for negative arguments and for a = x = 0.
    zero, full, nan = xp.zeros_like(x), xp.ones_like(x), _full(xp, x, math.nan)
    lo, hi = (full, zero) if upper else (zero, full)
    out = xp.where((x == 0) & (a > 0), lo, out)
    out = xp.where((a == 0) & (x > 0), hi, out)
    out = xp.where((x == math.inf) & (a > 0), hi, out)
    out = xp.where((a == math.inf) & (x >= 0) & (x < math.inf), lo, out)
    bad = (a < 0) | (x < 0) | ((a == 0) & (x == 0)) | xp.isnan(a) | xp.isnan(x)
    bad = bad | ((a == math.inf) & (x == math.inf))
    return xp.where(bad, nan, out)


def _igamma_density(xp: Any, a: Any, x: Any) -> Any:
    """``d/dx P(a, x) = x^(a-1) exp(-x) / Gamma(a)`` (0 at x = 0 for a > 1, as the limit)."""
    pos = x > 0
    xs = xp.where(pos, x, xp.ones_like(x))
    dens = xp.exp((a - 1.0) * xp.log(xs) - xs - _lgamma(xp, a))
    at0 = xp.where(a < 1.0, _full(xp, x, math.inf), xp.where(a == 1.0, xp.ones_like(x),
                                                               xp.zeros_like(x)))
    return xp.where(pos, dens, at0)


def _igamma_node(name: str, upper: bool) -> type:
    def forward(ctx: Any, a: Any, x: Any) -> Any:
        xp = ctx.xp
        a, x = promote_operands(xp, _floating(xp, a, name), _floating(xp, x, name))
        ctx.save_for_backward(a, x)
        return _igamma(xp, a, x, upper)

    def backward(ctx: Any, gy: Any) -> Any:
        if ctx.needs_input_grad[0]:
            raise RuntimeError(f"{name}: the derivative with respect to the first argument "
                               "(a) is not implemented, as in PyTorch; only x is "
                               "differentiable")
        a, x = ctx.saved_tensors
        dens = _igamma_density(ctx.xp, a, x)
        return None, gy * (-dens if upper else dens)

    node = name[:1].upper() + name[1:]
    return type(node, (Function,), {"forward": staticmethod(forward),
                                    "backward": staticmethod(backward),
                                    "__module__": __name__, "__qualname__": node})


_Igamma = _igamma_node("igamma", False)
_Igammac = _igamma_node("igammac", True)


def igamma(a: Any, x: Any, /) -> Any:
    """The regularised lower incomplete gamma function ``P(a, x)``, elementwise with
    broadcasting (``a, x >= 0``). Differentiable in ``x`` only, as in PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.igamma(anygrad.tensor([1.0, 2.0]), anygrad.tensor([1.0, 3.0]))
    tensor([0.6321, 0.8009])
    """
    return _Igamma.apply(a, x)


def igammac(a: Any, x: Any, /) -> Any:
    """The regularised upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``,
    elementwise with broadcasting. Differentiable in ``x`` only, as in PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.igammac(anygrad.tensor([1.0, 2.0]), anygrad.tensor([1.0, 3.0]))
    tensor([0.3679, 0.1991])
    """
    return _Igammac.apply(a, x)


register(OpSpec("igamma", igamma, ref=lambda a, x: _scipy("gammainc")(a, x), nin=2,
                shapes="broadcast", domain="positive", grad_inputs=(1,), method="igamma",
                inplace=True, category="special", notes="gradient in x only (as PyTorch)"))
register(OpSpec("igammac", igammac, ref=lambda a, x: _scipy("gammaincc")(a, x), nin=2,
                shapes="broadcast", domain="positive", grad_inputs=(1,), method="igammac",
                inplace=True, category="special", notes="gradient in x only (as PyTorch)"))


def _scipy(name: str, vector: bool = False) -> Any:
    """A ``scipy.special`` function, imported when a test first calls a reference."""
    import scipy.special

    f = getattr(scipy.special, name)
    if not vector:
        return f
    return lambda x, *args: np.vectorize(lambda v: f(v, *args), otypes=[np.float64])(x)
