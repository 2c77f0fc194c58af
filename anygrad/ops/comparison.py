"""Comparisons and floating-point tests: non-differentiable, they return bool tensors.

``isclose`` and ``allclose`` are not in the Array API standard; they follow NumPy's
formula ``|x1 - x2| <= atol + rtol * |x2|`` (as PyTorch does).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import _make_tensor
from ._registry import OpSpec, register
from ._operands import nondifferentiable, unwrap

__all__ = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
           "isfinite", "isinf", "isnan", "signbit", "isclose", "allclose", "nextafter"]


def _compare_inputs(rng: Any, dtype: str) -> list:
    # Coarse values so that ties (equal elements) actually occur.
    return [np.round(rng.uniform(-2, 2, (3, 4)) * 2).astype(dtype) / 2,
            np.round(rng.uniform(-2, 2, (4,)) * 2).astype(dtype) / 2]


def _special_inputs(rng: Any, dtype: str) -> list:
    x = rng.uniform(-2, 2, (3, 4)).astype(dtype)
    x[0, 0], x[1, 1], x[2, 2], x[0, 3] = np.inf, -np.inf, np.nan, -0.0
    return [x]


def _register_nd(name: str, fn: Any, ref: Any, nin: int, make_inputs: Any, method: Any,
                 notes: str = "", kwargs: tuple = ({},), **faces: Any) -> None:
    register(OpSpec(name, fn, ref=ref, nin=nin, shapes="broadcast" if nin == 2 else "unary",
                    make_inputs=make_inputs, differentiable=False, twice_differentiable=False,
                    category="comparison", method=method, notes=notes or "bool result",
                    kwargs=kwargs, **faces))


def equal(x1: Any, x2: Any, /) -> Any:
    """``x1 == x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("equal", x1, x2)


_register_nd("equal", equal, np.equal, 2, _compare_inputs, "eq", inplace=True, operators=("__eq__",))


def not_equal(x1: Any, x2: Any, /) -> Any:
    """``x1 != x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("not_equal", x1, x2)


_register_nd("not_equal", not_equal, np.not_equal, 2, _compare_inputs, ("ne", "not_equal"), inplace=True, operators=("__ne__",))


def less(x1: Any, x2: Any, /) -> Any:
    """``x1 < x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("less", x1, x2)


_register_nd("less", less, np.less, 2, _compare_inputs, ("lt", "less"), inplace=True, operators=("__lt__",))


def less_equal(x1: Any, x2: Any, /) -> Any:
    """``x1 <= x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("less_equal", x1, x2)


_register_nd("less_equal", less_equal, np.less_equal, 2, _compare_inputs, ("le", "less_equal"), inplace=True, operators=("__le__",))


def greater(x1: Any, x2: Any, /) -> Any:
    """``x1 > x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("greater", x1, x2)


_register_nd("greater", greater, np.greater, 2, _compare_inputs, ("gt", "greater"), inplace=True, operators=("__gt__",))


def greater_equal(x1: Any, x2: Any, /) -> Any:
    """``x1 >= x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("greater_equal", x1, x2)


_register_nd("greater_equal", greater_equal, np.greater_equal, 2, _compare_inputs, ("ge", "greater_equal"), inplace=True, operators=("__ge__",))


def isfinite(x: Any, /) -> Any:
    """True where ``x`` is neither infinite nor NaN."""
    return nondifferentiable("isfinite", x)


_register_nd("isfinite", isfinite, np.isfinite, 1, _special_inputs, "isfinite")


def isinf(x: Any, /) -> Any:
    """True where ``x`` is +inf or -inf."""
    return nondifferentiable("isinf", x)


_register_nd("isinf", isinf, np.isinf, 1, _special_inputs, "isinf")


def isnan(x: Any, /) -> Any:
    """True where ``x`` is NaN."""
    return nondifferentiable("isnan", x)


_register_nd("isnan", isnan, np.isnan, 1, _special_inputs, "isnan")


def signbit(x: Any, /) -> Any:
    """True where the sign bit of ``x`` is set (``-0.0`` included)."""
    return nondifferentiable("signbit", x)


_register_nd("signbit", signbit, np.signbit, 1, _special_inputs, "signbit")


def isclose(x1: Any, x2: Any, /, *, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Any:
    """True where ``|x1 - x2| <= atol + rtol * |x2|`` (NumPy's and PyTorch's rule).

    Infinities are close only to themselves; NaNs only when ``equal_nan``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.isclose(anygrad.tensor([1.0, 2.0]), anygrad.tensor([1.0 + 1e-9, 2.1]))
    tensor([ True, False])
    """
    (a, b), backend = unwrap((x1, x2), "isclose")
    xp = backend.xp
    if not hasattr(a, "dtype"):
        a = xp.asarray(a, dtype=b.dtype, device=backend.device_of(b))
    if not hasattr(b, "dtype"):
        b = xp.asarray(b, dtype=a.dtype, device=backend.device_of(a))
    same = a == b
    # Only finite elements take part in the tolerance test; zero the others first so
    # that inf - inf never runs (it warns on NumPy).
    finite = xp.isfinite(a) & xp.isfinite(b)
    a0, b0 = xp.where(finite, a, xp.zeros_like(a)), xp.where(finite, b, xp.zeros_like(b))
    close = same | (finite & (xp.abs(a0 - b0) <= atol + rtol * xp.abs(b0)))
    if equal_nan:
        close = close | (xp.isnan(a) & xp.isnan(b))
    return _make_tensor(close, backend)


def _isclose_inputs(rng: Any, dtype: str) -> list:
    x = rng.uniform(-2, 2, (3, 4)).astype(dtype)
    y = x + np.where(rng.random((3, 4)) > 0.5, 1e-9, 1e-2).astype(dtype)
    return [x, y]


_register_nd("isclose", isclose, lambda a, b, **k: np.isclose(a, b, **k), 2, _isclose_inputs,
             "isclose", kwargs=({}, {"rtol": 1e-3, "atol": 1e-3}, {"equal_nan": True}),
             torch_args=("rtol", "atol", "equal_nan"))


def allclose(x1: Any, x2: Any, /, *, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether every element of ``x1`` is close to ``x2`` (a Python bool).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.allclose(anygrad.tensor([1.0, 2.0]), anygrad.tensor([1.0, 2.0 + 1e-9]))
    True
    """
    close = isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return bool(close._backend.xp.all(close._data))


_register_nd("allclose", allclose, lambda a, b, **k: np.allclose(a, b, **k), 2, _isclose_inputs,
             "allclose", notes="returns a Python bool", torch_args=("rtol", "atol", "equal_nan"))


def nextafter(x1: Any, x2: Any, /) -> Any:
    """The next representable floating-point value after ``x1`` towards ``x2``,
    elementwise (``x1``'s dtype; not differentiable, as in PyTorch).

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([1.0], dtype=anygrad.float64)
    >>> (anygrad.nextafter(x, anygrad.tensor([2.0], dtype=anygrad.float64)) - x).item()
    2.220446049250313e-16
    """
    return nondifferentiable("nextafter", x1, x2)


register(OpSpec("nextafter", nextafter, ref=np.nextafter, nin=2, shapes="broadcast",
                differentiable=False, twice_differentiable=False, category="comparison",
                method="nextafter", inplace=True, notes="not differentiable (as in PyTorch)"))
