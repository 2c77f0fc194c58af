"""PyTorch's operations that the Array API standard does not have, and PyTorch's other
spellings of operations that it has.

Each operation here is a composite of the standard's operations (so its gradient, and
every higher order, comes from theirs) with one registry entry: the ``anygrad`` function,
the Tensor method and its in-place variant are generated from it (``anygrad/_faces.py``),
and the registry's tests check it against its NumPy reference on every backend. They are
not part of :data:`anygrad.ops.__all__`, so the namespace that
``Tensor.__array_namespace__()`` returns keeps to the standard's names.

:data:`TORCH_SPELLINGS` gives the ``anygrad`` module PyTorch's other names for registered
operations whose Tensor methods already have them (``anygrad.sub`` beside ``x.sub``).
"""

from __future__ import annotations

import builtins
import math
from collections import namedtuple
from typing import Any

import numpy as np

from ._registry import OpSpec, register, register_alias
from .. import _dtype
from ..tensor import Tensor, _make_tensor
from ._inplace import inplace
from ._operands import promote_operands, unwrap
from .arithmetic import (_complex, abs as _abs, add, clip, conj, divide, imag, maximum, minimum,
                         multiply, pow as _pow, real, subtract)
from .comparison import isinf, isnan
from .conversion import astype
from .exponential import log, logaddexp
from .linalg import matmul
from .logical import logical_and, logical_not
from .reduction import mean, sum as _sum
from .rounding import trunc
from .searching import where
from .shape import stack
from .trigonometric import atan2, cos, sin
from . import decompositions, shape  # noqa: F401 - register inv, swapaxes, concat (aliased below)
from . import special  # noqa: F401 - lgamma, digamma, erfinv...: PyTorch faces registered there

__all__ = [
    "lerp", "addcmul", "addcdiv", "frac", "deg2rad", "rad2deg", "logit", "xlogy", "clamp_min",
    "clamp_max", "sinc", "fmax", "fmin", "logaddexp2", "narrow", "nansum",
    "nanmean", "addmm", "isneginf", "isposinf", "gcd", "lcm", "ldexp", "frexp", "float_power",
    "heaviside", "nan_to_num", "isreal", "angle", "polar", "complex", "view_as_real",
    "view_as_complex", "conj_physical", "logspace", "FrexpResult", "TORCH_SPELLINGS",
]


def _register(name: str, fn: Any, ref: Any, **kw: Any) -> None:
    kw.setdefault("method", name)
    kw.setdefault("category", "arithmetic")
    register(OpSpec(name, fn, ref=ref, **kw))


# -- elementwise ---------------------------------------------------------------------------
def lerp(x: Any, end: Any, weight: Any, /) -> Any:
    """Linear interpolation ``x + weight * (end - x)``, broadcasting.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.lerp(anygrad.tensor([0.0, 2.0]), anygrad.tensor([4.0, 4.0]), 0.5)
    tensor([2., 3.])
    """
    return add(x, multiply(weight, subtract(end, x)))


_register("lerp", lerp, lambda x, end, w: x + w * (end - x), nin=3, shapes="broadcast",
          inplace=True)


def addcmul(x: Any, tensor1: Any, tensor2: Any, /, *, value: Any = 1) -> Any:
    """``x + value * tensor1 * tensor2``, broadcasting.

    Examples
    --------
    >>> import anygrad
    >>> a, b = anygrad.tensor([1.0, 2.0]), anygrad.tensor([3.0, 4.0])
    >>> anygrad.addcmul(anygrad.ones(2), a, b, value=0.5)
    tensor([2.5000, 5.0000])
    """
    prod = multiply(tensor1, tensor2)
    return add(x, prod if value == 1 else multiply(prod, value))


_register("addcmul", addcmul, lambda x, a, b, value=1: x + value * a * b, nin=3,
          shapes="broadcast", kwargs=({}, {"value": -0.5}), inplace=True)


def addcdiv(x: Any, tensor1: Any, tensor2: Any, /, *, value: Any = 1) -> Any:
    """``x + value * tensor1 / tensor2``, broadcasting (Adam's update).

    Examples
    --------
    >>> import anygrad
    >>> a, b = anygrad.tensor([1.0, 3.0]), anygrad.tensor([2.0, 4.0])
    >>> anygrad.addcdiv(anygrad.zeros(2), a, b, value=2)
    tensor([1.0000, 1.5000])
    """
    quot = divide(tensor1, tensor2)
    return add(x, quot if value == 1 else multiply(quot, value))


_register("addcdiv", addcdiv, lambda x, a, b, value=1: x + value * a / b, nin=3,
          shapes="broadcast", domain=("real", "real", "nonzero"), kwargs=({}, {"value": 2.0}),
          inplace=True)


def frac(x: Any, /) -> Any:
    """The fractional part ``x - trunc(x)``, with the sign of ``x``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.frac(anygrad.tensor([1.5, -2.25]))
    tensor([ 0.5000, -0.2500])
    """
    return subtract(x, trunc(x))


_register("frac", frac, lambda x: x - np.trunc(x), inplace=True, category="rounding",
          notes="gradient 1 (trunc's is 0 between integers)")


def deg2rad(x: Any, /) -> Any:
    """Degrees to radians.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.deg2rad(anygrad.tensor([180.0]))
    tensor([3.1416])
    """
    return multiply(x, math.pi / 180.0)


def rad2deg(x: Any, /) -> Any:
    """Radians to degrees.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.rad2deg(anygrad.tensor([anygrad.pi / 2]))
    tensor([90.])
    """
    return multiply(x, 180.0 / math.pi)


_register("deg2rad", deg2rad, np.deg2rad, inplace=True, category="trigonometric")
_register("rad2deg", rad2deg, np.rad2deg, inplace=True, category="trigonometric")


def logit(x: Any, /, eps: Any = None) -> Any:
    """``log(x / (1 - x))``; with ``eps``, ``x`` is first clamped to ``[eps, 1 - eps]``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.logit(anygrad.tensor([0.5, 0.0]), eps=1e-6)
    tensor([  0.0000, -13.8155])
    """
    if eps is not None:
        x = clip(x, eps, 1.0 - eps)
    return subtract(log(x), log(subtract(1.0, x)))


def _logit_ref(x: Any, eps: Any = None) -> Any:
    if eps is not None:
        x = np.clip(x, eps, 1 - eps)
    return np.log(x / (1 - x))


_register("logit", logit, _logit_ref, domain="prob", kwargs=({}, {"eps": 0.01}), inplace=True,
          torch_args=("eps",), category="exponential")


def xlogy(x: Any, y: Any, /) -> Any:
    """``x * log(y)``, and 0 where ``x`` is 0 (even where ``y`` is 0 or infinite).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.xlogy(anygrad.tensor([0.0, 2.0]), anygrad.tensor([0.0, anygrad.e]))
    tensor([0., 2.])
    """
    drop = logical_and(x == 0, logical_not(isnan(y)))
    # The discarded log(y) (y may be 0) must be finite: its gradient would be 0 * inf.
    return where(drop, 0.0, multiply(x, log(where(drop, 1.0, y))))


_register("xlogy", xlogy, lambda x, y: np.where(x == 0, 0.0, x * np.log(np.where(x == 0, 1.0, y))),
          nin=2, shapes="broadcast", domain=("real", "positive"), inplace=True,
          category="exponential", notes="0 where x is 0; NaN where y is NaN")


def clamp_min(x: Any, /, min: Any) -> Any:  # noqa: A002 - PyTorch's name
    """``x`` with every element below ``min`` raised to it (``clamp(x, min=min)``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.clamp_min(anygrad.tensor([-1.0, 2.0]), 0.0)
    tensor([0., 2.])
    """
    return clip(x, min, None)


def clamp_max(x: Any, /, max: Any) -> Any:  # noqa: A002 - PyTorch's name
    """``x`` with every element above ``max`` lowered to it (``clamp(x, max=max)``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.clamp_max(anygrad.tensor([-1.0, 2.0]), 0.0)
    tensor([-1.,  0.])
    """
    return clip(x, None, max)


_register("clamp_min", clamp_min, lambda x, min: np.maximum(x, min), kwargs=({"min": 0.3},),
          inplace=True, torch_args=("min",))
_register("clamp_max", clamp_max, lambda x, max: np.minimum(x, max), kwargs=({"max": -0.4},),
          inplace=True, torch_args=("max",))


def sinc(x: Any, /) -> Any:
    """The normalised sinc ``sin(pi x) / (pi x)``, 1 at 0.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.sinc(anygrad.tensor([0.0, 0.5]))
    tensor([1.0000, 0.6366])
    """
    zero = x == 0
    # At 0 the discarded quotient would be 0/0, whose gradient is NaN even times 0.
    px = multiply(where(zero, 1.0, x), math.pi)
    return where(zero, 1.0, divide(sin(px), px))


_register("sinc", sinc, np.sinc, inplace=True, category="trigonometric")


def fmax(x: Any, y: Any, /) -> Any:
    """Elementwise maximum that ignores NaN: the other operand where one is NaN.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.fmax(anygrad.tensor([1.0, anygrad.nan]), anygrad.tensor([anygrad.nan, 2.0]))
    tensor([1., 2.])
    """
    return where(isnan(y), x, where(isnan(x), y, maximum(x, y)))


def fmin(x: Any, y: Any, /) -> Any:
    """Elementwise minimum that ignores NaN: the other operand where one is NaN.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.fmin(anygrad.tensor([1.0, anygrad.nan]), anygrad.tensor([anygrad.nan, 2.0]))
    tensor([1., 2.])
    """
    return where(isnan(y), x, where(isnan(x), y, minimum(x, y)))


_register("fmax", fmax, np.fmax, nin=2, shapes="broadcast",
          notes="ties split the gradient half/half, as maximum")
_register("fmin", fmin, np.fmin, nin=2, shapes="broadcast",
          notes="ties split the gradient half/half, as minimum")


def logaddexp2(x: Any, y: Any, /) -> Any:
    """``log2(2**x + 2**y)``, without overflow.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.logaddexp2(anygrad.tensor([1.0]), anygrad.tensor([1.0]))
    tensor([2.])
    """
    ln2 = math.log(2.0)
    return divide(logaddexp(multiply(x, ln2), multiply(y, ln2)), ln2)


_register("logaddexp2", logaddexp2, np.logaddexp2, nin=2, shapes="broadcast",
          category="exponential")


def isposinf(x: Any, /) -> Any:
    """Whether each element is positive infinity.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.isposinf(anygrad.tensor([anygrad.inf, -anygrad.inf, 1.0]))
    tensor([ True, False, False])
    """
    return logical_and(isinf(x), x > 0)


def isneginf(x: Any, /) -> Any:
    """Whether each element is negative infinity.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.isneginf(anygrad.tensor([anygrad.inf, -anygrad.inf, 1.0]))
    tensor([False,  True, False])
    """
    return logical_and(isinf(x), x < 0)


def _with_infinities(rng: Any, dtype: str) -> list:
    x = rng.uniform(-3, 3, (3, 4)).astype(dtype)
    x.flat[[0, 5, 7]] = [np.inf, -np.inf, np.inf]
    return [x]


_register("isposinf", isposinf, np.isposinf, make_inputs=_with_infinities,
          differentiable=False, category="comparison")
_register("isneginf", isneginf, np.isneginf, make_inputs=_with_infinities,
          differentiable=False, category="comparison")


# -- selection -----------------------------------------------------------------------------
def narrow(x: Any, /, dim: int, start: Any, length: int) -> Any:
    """The ``length`` elements of dimension ``dim`` from ``start``: a view of ``x``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.narrow(anygrad.arange(6).reshape(2, 3), 1, 1, 2)
    tensor([[1, 2],
            [4, 5]])
    """
    d = dim % x.ndim if x.ndim else dim
    start = int(start)
    n = x.shape[d]
    if start < 0:
        start += n
    if not (0 <= start <= n and 0 <= length <= n - start):
        raise IndexError(f"narrow: start {start} and length {length} are out of range for "
                         f"dimension {dim} of size {n}")
    return x[(slice(None),) * d + (slice(start, start + length),)]


def _narrow_ref(x: Any, dim: int, start: int, length: int) -> Any:
    return np.take(x, np.arange(start % x.shape[dim], start % x.shape[dim] + length), axis=dim)


_register("narrow", narrow, _narrow_ref, shapes=lambda rng: ((3, 5),), category="indexing",
          kwargs=({"dim": 0, "start": 1, "length": 2}, {"dim": -1, "start": -3, "length": 3}))


# -- reductions ----------------------------------------------------------------------------
def nansum(x: Any, /, *, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:
    """The sum over ``axis`` (all by default), treating NaN as 0.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.nansum(anygrad.tensor([1.0, anygrad.nan, 2.0]))
    tensor(3.)
    """
    return _sum(where(isnan(x), 0.0, x), axis=axis, keepdims=keepdims, dtype=dtype)


def nanmean(x: Any, /, *, axis: Any = None, keepdims: bool = False, dtype: Any = None) -> Any:
    """The mean over ``axis`` (all by default) of the elements that are not NaN.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.nanmean(anygrad.tensor([1.0, anygrad.nan, 2.0]))
    tensor(1.5000)
    """
    keep = logical_not(isnan(x))
    total = _sum(where(keep, x, 0.0), axis=axis, keepdims=keepdims, dtype=dtype)
    return divide(total, _sum(astype(keep, total.dtype), axis=axis, keepdims=keepdims))


def _with_nans(rng: Any, dtype: str) -> list:
    x = rng.uniform(-3, 3, (3, 4)).astype(dtype)
    x.flat[[1, 6, 11]] = np.nan
    return [x]


def _np_reduction(f: Any) -> Any:
    return lambda x, axis=None, keepdims=False: f(x, axis=axis, keepdims=keepdims)


_register("nansum", nansum, _np_reduction(np.nansum), make_inputs=_with_nans,
          kwargs=({}, {"axis": 1}, {"axis": 0, "keepdims": True}), category="reduction",
          torch_args=("dim", "keepdim"))
_register("nanmean", nanmean, _np_reduction(np.nanmean), make_inputs=_with_nans,
          kwargs=({}, {"axis": 1}, {"axis": 0, "keepdims": True}), category="reduction",
          torch_args=("dim", "keepdim"))


# -- linear algebra ------------------------------------------------------------------------
def addmm(x: Any, mat1: Any, mat2: Any, /, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """``beta * x + alpha * (mat1 @ mat2)`` for matrices (``x`` broadcast).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.addmm(anygrad.ones(2, 2), anygrad.eye(2), anygrad.eye(2), beta=2)
    tensor([[3., 2.],
            [2., 3.]])
    """
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise ValueError(f"addmm: expected 2-D matrices, got shapes {tuple(mat1.shape)} and "
                         f"{tuple(mat2.shape)}")
    prod = matmul(mat1, mat2)
    if alpha != 1:
        prod = multiply(prod, alpha)
    return add(x if beta == 1 else multiply(x, beta), prod)


_register("addmm", addmm, lambda x, a, b, beta=1, alpha=1: beta * x + alpha * (a @ b), nin=3,
          shapes=lambda rng: ((3,), (2, 4), (4, 3)), kwargs=({}, {"beta": 0.5, "alpha": -2.0}),
          inplace=True, category="linalg")


# -- integers ------------------------------------------------------------------------------
def _integer_operands(op: str, x: Any, y: Any) -> tuple:
    (a, b), backend = unwrap((x, y), op)
    xp = backend.xp
    for v in (a, b):
        dt = getattr(v, "dtype", None)
        if dt is None:
            if type(v) is not int:
                raise TypeError(f"{op}: expected integer tensors, got a {type(v).__name__}")
        elif not xp.isdtype(dt, "integral"):
            raise TypeError(f"{op}: expected integer tensors, got dtype {backend.dtype_of(dt)}")
    a, b = promote_operands(xp, a, b)
    if not hasattr(a, "dtype"):
        a = xp.asarray(a, dtype=b.dtype, device=backend.device_of(b))
    if not hasattr(b, "dtype"):
        b = xp.asarray(b, dtype=a.dtype, device=backend.device_of(a))
    a, b = xp.broadcast_arrays(a, b)
    return xp, backend, a, b


def _gcd_arrays(xp: Any, a: Any, b: Any) -> Any:
    a, b = xp.abs(a), xp.abs(b)
    zero = xp.zeros_like(b)
    while bool(xp.any(b != 0)):
        nz = b != 0
        r = a % xp.where(nz, b, xp.ones_like(b))
        a, b = xp.where(nz, b, a), xp.where(nz, r, zero)
    return a


def gcd(x: Any, y: Any, /) -> Any:
    """The greatest common divisor of integer tensors, elementwise with broadcasting
    (non-negative; ``gcd(0, 0) = 0``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.gcd(anygrad.tensor([0, -4, 6]), anygrad.tensor([0, 6, -4]))
    tensor([0, 2, 2])
    """
    xp, backend, a, b = _integer_operands("gcd", x, y)
    return _make_tensor(_gcd_arrays(xp, a, b), backend)


def lcm(x: Any, y: Any, /) -> Any:
    """The least common multiple of integer tensors, elementwise with broadcasting
    (non-negative; 0 where either is 0).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.lcm(anygrad.tensor([0, -4, 6]), anygrad.tensor([5, 6, -4]))
    tensor([ 0, 12, 12])
    """
    xp, backend, a, b = _integer_operands("lcm", x, y)
    g = _gcd_arrays(xp, a, b)
    zero = g == 0
    out = xp.abs((a // xp.where(zero, xp.ones_like(g), g)) * b)
    return _make_tensor(xp.where(zero, xp.zeros_like(g), out), backend)


def _int_inputs(rng: Any, dtype: str) -> list:
    return [rng.integers(-30, 30, (3, 4)), rng.integers(-30, 30, (4,))]


_register("gcd", gcd, np.gcd, nin=2, shapes="broadcast", make_inputs=_int_inputs,
          differentiable=False, twice_differentiable=False, inplace=True,
          notes="integer tensors; not differentiable")
_register("lcm", lcm, np.lcm, nin=2, shapes="broadcast", make_inputs=_int_inputs,
          differentiable=False, twice_differentiable=False, inplace=True,
          notes="integer tensors; not differentiable")


# -- floating-point representation ------------------------------------------------------------
def ldexp(x: Any, other: Any, /) -> Any:
    """``x * 2 ** other``, elementwise with broadcasting (a float result).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.ldexp(anygrad.tensor([1.0, 3.0]), anygrad.tensor([2, -1]))
    tensor([4.0000, 1.5000])
    """
    return multiply(x, _pow(2.0, other))


_register("ldexp", ldexp, lambda x, e: x * 2.0 ** e, nin=2, shapes="broadcast",
          inplace=True, category="exponential")

FrexpResult = namedtuple("FrexpResult", ["mantissa", "exponent"])


def frexp(x: Any, /) -> Any:
    """Mantissa and exponent, ``x = mantissa * 2 ** exponent`` with ``0.5 <= |mantissa| < 1``
    (``(mantissa, exponent)``, the exponent ``int32``; 0, inf and NaN keep exponent 0).

    The mantissa is differentiable (``d mantissa / dx = 2 ** -exponent``).

    Examples
    --------
    >>> import anygrad
    >>> m, e = anygrad.frexp(anygrad.tensor([8.0, -3.0, 0.0]))
    >>> m, e
    (tensor([ 0.5000, -0.7500,  0.0000]), tensor([4, 2, 0], dtype=anygrad.int32))
    """
    if not isinstance(x, Tensor) or not x.dtype.is_floating_point:
        got = x.dtype if isinstance(x, Tensor) else type(x).__name__
        raise TypeError(f"frexp: expected a floating-point tensor, got {got}")
    backend = x._backend
    xp = backend.xp
    a = x._data
    regular = xp.isfinite(a) & (a != 0)
    mag = xp.where(regular, xp.abs(a), xp.ones_like(a))
    e = xp.floor(xp.log2(mag)) + 1.0
    # log2 can round up just below a power of two: fix the exponent from the mantissa, and
    # scale in two halves so that neither power overflows (|x| near the largest float).
    for _ in range(2):
        h = xp.floor(e / 2.0)
        m = mag * xp.pow(2.0, -h) * xp.pow(2.0, h - e)
        e = e + xp.where(m >= 1.0, xp.ones_like(e), xp.where(m < 0.5, -xp.ones_like(e),
                                                                xp.zeros_like(e)))
    e = xp.where(regular, e, xp.zeros_like(e))
    h = xp.floor(e / 2.0)
    s1, s2 = _make_tensor(xp.pow(2.0, -h), backend), _make_tensor(xp.pow(2.0, h - e), backend)
    return FrexpResult(multiply(multiply(x, s1), s2),
                       _make_tensor(xp.astype(e, xp.int32), backend))


_register("frexp", frexp, lambda x: np.frexp(x)[0], harness=lambda x: frexp(x)[0],
          category="exponential", notes="tested on the mantissa; the exponent is int32")


def float_power(x: Any, exponent: Any, /) -> Any:
    """``x ** exponent`` computed in double precision: ``float64``, or ``complex128`` when
    either operand is complex.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.float_power(anygrad.tensor([2, 3]), 2)
    tensor([4., 9.], dtype=anygrad.float64)
    """
    cplx = any(isinstance(v, Tensor) and v.dtype.is_complex for v in (x, exponent)) or any(
        type(v) is builtins.complex for v in (x, exponent))
    target = _dtype.complex128 if cplx else _dtype.float64

    def widen(v: Any) -> Any:
        if isinstance(v, Tensor):
            return v if v.dtype == target else astype(v, target)
        return builtins.complex(v) if cplx else float(v)

    return _pow(widen(x), widen(exponent))


def float_power_(self: Any, exponent: Any) -> Any:
    """In-place :func:`float_power`: this tensor must already have the result's dtype
    (``float64``, or ``complex128`` for complex operands), as in PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([2.0, 3.0], dtype=anygrad.float64)
    >>> x.float_power_(2)
    tensor([4., 9.], dtype=anygrad.float64)
    """
    result = float_power(self, exponent)
    if self.dtype != result.dtype:
        raise RuntimeError(f"float_power_: the base has dtype {self.dtype}, but the result "
                           f"requires dtype {result.dtype}; convert it first "
                           f"(x = x.to({result.dtype}))")
    return inplace(self, result, "float_power_")


_register("float_power", float_power, lambda x, y: np.float_power(x, y), nin=2,
          shapes="broadcast", domain=("positive", "real"), inplace=True, category="arithmetic",
          notes="computed in float64 (complex128 for complex operands)")


def heaviside(x: Any, values: Any, /) -> Any:
    """The Heaviside step: 0 where ``x < 0``, 1 where ``x > 0``, ``values`` where ``x == 0``
    (broadcasting; both of one dtype, as PyTorch requires; not differentiable).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.heaviside(anygrad.tensor([-1.0, 0.0, 2.0]), anygrad.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    (a, v), backend = unwrap((x, values), "heaviside")
    if not (hasattr(a, "dtype") and hasattr(v, "dtype")):
        raise TypeError("heaviside: expected two tensors")
    if a.dtype != v.dtype:
        raise TypeError(f"heaviside: expected tensors of one dtype, got "
                        f"{backend.dtype_of(a.dtype)} and {backend.dtype_of(v.dtype)}")
    xp = backend.xp
    if xp.isdtype(a.dtype, "complex floating"):
        raise TypeError(f"heaviside: expected real tensors, got {backend.dtype_of(a.dtype)}")
    a, v = xp.broadcast_arrays(a, v)
    step = xp.astype(a > 0, a.dtype)
    return _make_tensor(xp.where(a == 0, v, step), backend)


def _heaviside_inputs(rng: Any, dtype: str) -> list:
    x = np.round(rng.uniform(-2, 2, (3, 4))).astype(dtype)
    return [x, rng.uniform(-1, 1, (4,)).astype(dtype)]


_register("heaviside", heaviside, np.heaviside, nin=2, shapes="broadcast",
          make_inputs=_heaviside_inputs, differentiable=False, twice_differentiable=False,
          inplace=True, category="comparison", notes="not differentiable (as in PyTorch)")


def nan_to_num(x: Any, /, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Any:
    """``x`` with NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (by
    default 0 and the dtype's largest and lowest finite values); the real and imaginary
    parts apart for a complex ``x``; a copy of an integer ``x``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.nan_to_num(anygrad.tensor([anygrad.nan, anygrad.inf, 1.0]), posinf=9.0)
    tensor([0., 9., 1.])
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"nan_to_num: expected a tensor, got {type(x).__name__}")
    if x.dtype.is_complex:
        return _complex(nan_to_num(real(x), nan, posinf, neginf),
                        nan_to_num(imag(x), nan, posinf, neginf))
    if not x.dtype.is_floating_point:
        return astype(x, x.dtype, copy=True)
    info = x._backend.xp.finfo(x._data.dtype)
    hi = float(info.max) if posinf is None else posinf
    lo = float(info.min) if neginf is None else neginf
    out = where(isnan(x), nan, x)
    out = where(logical_and(isinf(x), x > 0), hi, out)
    return where(logical_and(isinf(x), x < 0), lo, out)


def _nonfinite_inputs(rng: Any, dtype: str) -> list:
    x = rng.uniform(-3, 3, (3, 4)).astype(dtype)
    x.flat[[0, 5, 7, 9]] = [np.inf, -np.inf, np.nan, np.nan]
    return [x]


_register("nan_to_num", nan_to_num, np.nan_to_num, make_inputs=_nonfinite_inputs,
          # The default replacements (the dtype's extremes) are checked against PyTorch in
          # tests/ops/test_special_extra.py: the float64 reference cannot give float32's.
          kwargs=({"posinf": 1e30, "neginf": -2e30}, {"nan": 1.5, "posinf": 7.0, "neginf": -7.0}),
          inplace=True,
          torch_args=("nan", "posinf", "neginf"),
          notes="gradient 1 at finite elements, 0 at the replaced ones")


# -- complex numbers --------------------------------------------------------------------------
def isreal(x: Any, /) -> Any:
    """Whether each element is real: ``True`` throughout for a real dtype, ``imag == 0`` for
    a complex one.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.isreal(anygrad.tensor([1.0 + 0j, 2j]))
    tensor([ True, False])
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"isreal: expected a tensor, got {type(x).__name__}")
    xp = x._backend.xp
    if x.dtype.is_complex:
        return _make_tensor(xp.imag(x._data) == 0, x._backend)
    return _make_tensor(xp.ones_like(x._data, dtype=xp.bool), x._backend)


_register("isreal", isreal, np.isreal, differentiable=False, twice_differentiable=False,
          category="complex", notes="bool result")


def angle(x: Any, /) -> Any:
    """The argument (phase) of each element, in radians: ``atan2(imag, real)`` for complex
    ``x``; ``pi`` for negative and 0 for other real numbers (NaN stays NaN).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.angle(anygrad.tensor([-1.0, 2.0]))
    tensor([3.1416, 0.0000])
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"angle: expected a tensor, got {type(x).__name__}")
    if x.dtype.is_complex:
        return atan2(imag(x), real(x))
    if not x.dtype.is_floating_point:
        x = astype(x, _dtype.get_default_dtype())
    # The real case is piecewise constant: x enters only through NaN positions, so the
    # gradient is 0 everywhere else (PyTorch's).
    return where(x < 0, math.pi, where(isnan(x), x, 0.0))


_register("angle", angle, lambda x, y: np.angle(x + 1j * y),
          harness=lambda x, y: angle(_complex(x, y)), nin=2, shapes="same", domain="nonzero",
          category="complex",
          notes="tested on z = x + iy; real input: pi for negative numbers, else 0 (zero gradient)")


def _same_float_pair(op: str, x: Any, y: Any) -> None:
    for v in (x, y):
        if not isinstance(v, Tensor):
            raise TypeError(f"{op}: expected tensors, got {type(v).__name__}")
    if not x.dtype.is_floating_point or x.dtype != y.dtype:
        raise TypeError(f"{op}: expected two floating-point tensors of one dtype, got "
                        f"{x.dtype} and {y.dtype}")


def complex(real: Any, imag: Any, /) -> Any:  # noqa: A001 - PyTorch's name
    """The complex tensor ``real + i imag`` (two float tensors of one dtype; broadcasting).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.complex(anygrad.tensor([1.0]), anygrad.tensor([2.0]))
    tensor([1.+2.j])
    """
    _same_float_pair("complex", real, imag)
    return _complex(real, imag)


_register("complex", complex, lambda x, y: np.abs(x + 1j * y),
          harness=lambda x, y: _abs(complex(x, y)), nin=2, shapes="broadcast",
          domain="nonzero", method=None, category="complex", notes="tested through abs")


def polar(abs: Any, angle: Any, /) -> Any:  # noqa: A002 - PyTorch's names
    """The complex tensor with modulus ``abs`` and argument ``angle``:
    ``abs * (cos(angle) + i sin(angle))``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.polar(anygrad.tensor([2.0]), anygrad.tensor([0.0]))
    tensor([2.+0.j])
    """
    _same_float_pair("polar", abs, angle)
    return _complex(multiply(abs, cos(angle)), multiply(abs, sin(angle)))


_register("polar", polar, lambda r, t: r * np.sin(t), harness=lambda r, t: imag(polar(r, t)),
          nin=2, shapes="broadcast", domain=("positive", "real"), method=None,
          category="complex", notes="tested through imag")


def view_as_real(x: Any, /) -> Any:
    """A complex tensor as real numbers: a last dimension of size 2 holds the real and
    imaginary parts. (A copy, not a view: see the differences from PyTorch.)

    Examples
    --------
    >>> import anygrad
    >>> anygrad.view_as_real(anygrad.tensor([1.0 + 2.0j]))
    tensor([[1., 2.]])
    """
    if not isinstance(x, Tensor) or not x.dtype.is_complex:
        got = x.dtype if isinstance(x, Tensor) else type(x).__name__
        raise TypeError(f"view_as_real: expected a complex tensor, got {got}")
    return stack([real(x), imag(x)], axis=-1)


_register("view_as_real", view_as_real, lambda x, y: np.stack([x, y], axis=-1),
          harness=lambda x, y: view_as_real(_complex(x, y)), nin=2, shapes="same",
          method=None, category="complex", notes="a copy (PyTorch's is a view)")


def view_as_complex(x: Any, /) -> Any:
    """A float tensor whose last dimension has size 2 (real and imaginary parts) as a
    complex tensor. (A copy, not a view: see the differences from PyTorch.)

    Examples
    --------
    >>> import anygrad
    >>> anygrad.view_as_complex(anygrad.tensor([[1.0, 2.0]]))
    tensor([1.+2.j])
    """
    if not isinstance(x, Tensor) or x.dtype not in (_dtype.float32, _dtype.float64):
        got = x.dtype if isinstance(x, Tensor) else type(x).__name__
        raise TypeError(f"view_as_complex: expected a float32 or float64 tensor, got {got}")
    if x.ndim == 0 or x.shape[-1] != 2:
        raise ValueError(f"view_as_complex: expected a last dimension of size 2, got shape "
                         f"{tuple(x.shape)}")
    return _complex(x[..., 0], x[..., 1])


_register("view_as_complex", view_as_complex, lambda x: np.abs(x[..., 0] + 1j * x[..., 1]),
          harness=lambda x: _abs(view_as_complex(x)), shapes=lambda rng: ((3, 2),),
          domain="nonzero", method=None, category="complex", notes="tested through abs")


def conj_physical(x: Any, /) -> Any:
    """The complex conjugate (``conj``, computed at once; real input unchanged).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.conj_physical(anygrad.tensor([1.0 - 2.0j]))
    tensor([1.+2.j])
    """
    return conj(x)


_register("conj_physical", conj_physical, lambda x, y: -y,
          harness=lambda x, y: imag(conj_physical(_complex(x, y))), nin=2, shapes="same",
          inplace=True, category="complex", notes="tested as imag(conj_physical(x + iy))")


# -- creation --------------------------------------------------------------------------------
def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: Any = None,
             device: Any = None, backend: Any = None, requires_grad: bool = False) -> Any:
    """``steps`` values ``base ** t`` for ``t`` evenly spaced from ``start`` to ``end``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"logspace: expected a non-negative integer number of steps, got "
                         f"{steps!r}")
    start, end = float(start), float(end)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    # From both ends towards the middle, so that both end points are exact.
    exps = [start + i * step if i < steps / 2 else end - (steps - 1 - i) * step
            for i in range(steps)]
    dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
    values = [base ** t for t in exps]
    if dt.kind in "iub":
        values = [int(v) for v in values]
    from ..creation import tensor

    return tensor(values, dtype=dt, device=device, backend=backend, requires_grad=requires_grad)


# -- PyTorch's other names for registered operations ----------------------------------------
# Each but ``concatenate`` (NumPy's name, which PyTorch also has) is already the name of the
# entry's Tensor method (``x.sub``); PyTorch also has it on the module (``torch.sub``).
TORCH_SPELLINGS: dict[str, tuple[str, ...]] = {
    "subtract": ("sub",),
    "multiply": ("mul",),
    "divide": ("div", "true_divide"),
    "negative": ("neg",),
    "abs": ("absolute",),
    "equal": ("eq",),
    "not_equal": ("ne",),
    "less": ("lt",),
    "less_equal": ("le",),
    "greater": ("gt",),
    "greater_equal": ("ge",),
    "swapaxes": ("swapdims",),
    "inv": ("inverse",),
    "trunc": ("fix",),
    "sign": ("sgn",),
    "asin": ("arcsin",),
    "acos": ("arccos",),
    "atan": ("arctan",),
    "asinh": ("arcsinh",),
    "acosh": ("arccosh",),
    "atanh": ("arctanh",),
    "atan2": ("arctan2",),
    "concat": ("concatenate",),
}
for _name, _aliases in TORCH_SPELLINGS.items():
    register_alias(_name, *_aliases)
del _name, _aliases
