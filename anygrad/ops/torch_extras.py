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

import math
from typing import Any

import numpy as np

from ._registry import OpSpec, register, register_alias
from .arithmetic import add, clip, divide, maximum, minimum, multiply, subtract
from .comparison import isinf, isnan
from .conversion import astype
from .exponential import log, logaddexp
from .linalg import matmul
from .logical import logical_and, logical_not
from .reduction import mean, sum as _sum
from .rounding import trunc
from .searching import where
from .trigonometric import sin
from . import decompositions, shape  # noqa: F401 - register inv, swapaxes, concat (aliased below)

__all__ = [
    "lerp", "addcmul", "addcdiv", "frac", "deg2rad", "rad2deg", "logit", "xlogy", "clamp_min",
    "clamp_max", "sinc", "fmax", "fmin", "logaddexp2", "narrow", "nansum",
    "nanmean", "addmm", "isneginf", "isposinf", "TORCH_SPELLINGS",
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
