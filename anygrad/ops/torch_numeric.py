"""NumPy-style numerical routines of PyTorch: cov and corrcoef, trapezoidal integration
(trapezoid, trapz, cumulative_trapezoid), finite differences (gradient) and vander, each a
composite of differentiable operations with one registry entry."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from .arithmetic import add, clip, conj, divide, imag, multiply, real, sqrt, subtract
from .conversion import astype
from .linalg import diagonal as _diagonal, matmul, matrix_transpose
from .reduction import cumulative_sum, mean, sum as _sum
from .searching import where
from .shape import concat, reshape, stack
from .torch_linalg import _const, _register, _shape, _zeros

__all__ = ["cov", "corrcoef", "trapezoid", "cumulative_trapezoid", "gradient", "vander"]


# -- statistics ----------------------------------------------------------------------------
def cov(x: Any, /, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Any:
    """Covariance matrix of the variables in the rows of ``x`` (observations in columns; a
    1-D ``x`` is one variable and gives a 0-D result), with integer frequency weights
    ``fweights`` and floating observation weights ``aweights``, as NumPy's ``cov``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cov(anygrad.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if x.ndim > 2:
        raise ValueError(f"cov: expected input to have two or fewer dimensions, got shape "
                         f"{_shape(x)}")
    if x.dtype.kind in "biu":
        x = astype(x, _dtype.get_default_dtype())
    obs = reshape(x, (1, -1)) if x.ndim < 2 else x
    n = obs.shape[1]
    w = None
    for name, wt, kinds in (("fweights", fweights, "iu"), ("aweights", aweights, "f")):
        if wt is None:
            continue
        if not isinstance(wt, Tensor) or wt.ndim > 1:
            raise ValueError(f"cov: expected {name} to be a tensor of one or fewer dimensions")
        if wt.dtype.kind not in kinds:
            kind = "integral" if kinds == "iu" else "floating point"
            raise TypeError(f"cov: expected {name} to have {kind} dtype, got {wt.dtype}")
        if wt.ndim == 1 and wt.shape[0] != n or wt.ndim == 0 and n != 1:
            raise ValueError(f"cov: expected {name} to have the same number of elements as "
                             f"the observations ({n}), got shape {_shape(wt)}")
        if bool((wt < 0).any().item()):
            raise ValueError(f"cov: {name} cannot be negative")
        w = wt if w is None else multiply(w, wt)
    if w is None:
        avg = mean(obs, axis=1, keepdims=True)
        fact = n - correction
    else:
        if w.dtype.kind in "iu":
            w = astype(w, obs.dtype if obs.dtype.kind == "f" else real(obs).dtype)
        w_sum = _sum(w)
        avg = divide(_sum(multiply(obs, w), axis=1, keepdims=True), w_sum)
        if aweights is None or correction == 0:
            fact = subtract(w_sum, correction)
        else:
            fact = subtract(w_sum, multiply(divide(_sum(multiply(w, aweights)), w_sum), correction))
    if isinstance(fact, Tensor):
        fact = where(fact < 0, 0.0, fact)
    else:
        fact = max(fact, 0)
    xm = subtract(obs, avg)
    left = xm if w is None else multiply(xm, w)
    c = divide(matmul(left, matrix_transpose(conj(xm))), fact)
    return reshape(c, ()) if c.shape[0] == 1 else c  # one variable: 0-D, as PyTorch


def corrcoef(x: Any, /) -> Any:
    """Pearson correlation coefficients of the variables in the rows of ``x`` (clipped to
    ``[-1, 1]``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.corrcoef(anygrad.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.5]])).round(decimals=4)
    tensor([[ 1.0000, -0.9820],
            [-0.9820,  1.0000]])
    """
    c = cov(x)
    if c.ndim == 0:
        return divide(c, c)
    d = sqrt(real(_diagonal(c)))
    c = divide(divide(c, reshape(d, (-1, 1))), reshape(d, (1, -1)))
    if c.dtype.kind == "c":
        return add(clip(real(c), -1.0, 1.0), multiply(clip(imag(c), -1.0, 1.0), 1j))
    return clip(c, -1.0, 1.0)


def _cov_inputs(rng: Any, dtype: str, variant: int) -> list:
    x = rng.uniform(-2, 2, (3, 5)).astype(dtype)
    if variant == 2:
        return [x, rng.integers(1, 4, 5), rng.uniform(0.5, 2.0, 5).astype(dtype)]
    return [x]


def _cov_ref(x: Any, *w: Any, correction: int = 1) -> Any:
    return np.cov(x, ddof=correction, fweights=w[0] if w else None, aweights=w[1] if w else None)


_register("cov", cov, _cov_ref, make_inputs=_cov_inputs, category="statistics",
          kwargs=({}, {"correction": 0}, {}),
          harness=lambda x, *w, correction=1: cov(x, correction=correction,
                                                  fweights=w[0] if w else None,
                                                  aweights=w[1] if w else None))
_register("corrcoef", corrcoef, np.corrcoef, shapes=lambda rng: ((3, 6),), category="statistics")


# -- integration and differences -------------------------------------------------------------
def _along(x: Any, d: int, start: Any, stop: Any) -> Any:
    return x[(slice(None),) * d + (slice(start, stop),)]


def _dim(x: Any, dim: int, op: str) -> int:
    if not -max(x.ndim, 1) <= dim < max(x.ndim, 1) or x.ndim == 0:
        raise IndexError(f"{op}: dim {dim} is out of range for shape {_shape(x)}")
    return dim % x.ndim


def _float(y: Any) -> Any:
    if y.dtype.kind in "biu":
        return astype(y, _dtype.get_default_dtype())
    return y


def _trapezoid_parts(y: Any, x: Any, dx: Any, dim: int, op: str) -> tuple:
    d = _dim(y, dim, op)
    y = _float(y)
    mids = _along(y, d, 1, None) + _along(y, d, None, -1)
    if x is None:
        return multiply(mids, 0.5 * (1.0 if dx is None else dx)), d
    if dx is not None:
        raise TypeError(f"{op}: pass x or dx, not both")
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected x to be a Tensor, got {type(x).__name__}")
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise ValueError(f"{op}: a 1-D x must have the size of y along dim {dim} "
                             f"({y.shape[d]}), got {x.shape[0]}")
        h = _along(x, 0, 1, None) - _along(x, 0, None, -1)
        h = reshape(h, (-1,) + (1,) * (y.ndim - 1 - d))
    else:
        xd = d - y.ndim + x.ndim
        if xd < 0:
            raise ValueError(f"{op}: x of shape {_shape(x)} does not match y of shape {_shape(y)}")
        h = _along(x, xd, 1, None) - _along(x, xd, None, -1)
    return multiply(mids, multiply(_float(h), 0.5)), d


def trapezoid(y: Any, /, x: Any = None, *, dx: Any = None, dim: int = -1) -> Any:
    """The trapezoidal rule along ``dim``: sample points ``x`` (1-D, or broadcasting with
    ``y``), or a spacing ``dx`` (1 by default).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.trapezoid(anygrad.tensor([1.0, 2.0, 3.0]))
    tensor(4.)
    >>> anygrad.trapezoid(anygrad.tensor([1.0, 2.0, 3.0]), anygrad.tensor([0.0, 1.0, 3.0]))
    tensor(6.5000)
    """
    parts, d = _trapezoid_parts(y, x, dx, dim, "trapezoid")
    return _sum(parts, axis=d)


def cumulative_trapezoid(y: Any, /, x: Any = None, *, dx: Any = None, dim: int = -1) -> Any:
    """The running trapezoidal rule along ``dim`` (one element fewer than ``y`` there).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cumulative_trapezoid(anygrad.tensor([1.0, 2.0, 3.0]))
    tensor([1.5000, 4.0000])
    """
    parts, d = _trapezoid_parts(y, x, dx, dim, "cumulative_trapezoid")
    return cumulative_sum(parts, axis=d)


def _trap_ref(y: Any, x: Any = None, dim: int = -1) -> Any:
    h = np.diff(x) if x is not None else 1.0
    n = y.shape[dim]
    mids = (np.take(y, range(1, n), axis=dim) + np.take(y, range(n - 1), axis=dim)) / 2
    if x is not None and dim % y.ndim != y.ndim - 1:
        h = h.reshape((-1,) + (1,) * (y.ndim - 1 - dim % y.ndim))
    return mids * h


def _trap_shapes(rng: Any) -> tuple:
    return ((3, 5), (5,))


_register("trapezoid", trapezoid, lambda y, x: np.sum(_trap_ref(y, x), axis=-1), nin=2,
          method=None, shapes=_trap_shapes, aliases=("trapz",))
_register("cumulative_trapezoid", cumulative_trapezoid,
          lambda y, x: np.cumsum(_trap_ref(y, x), axis=-1), nin=2, method=None,
          shapes=_trap_shapes)


def _gradient_one(f: Any, d: int, h: Any, edge_order: int) -> Any:
    """The derivative of ``f`` along ``d`` for a spacing ``h`` (a number) or coordinates
    ``h`` (a 1-D tensor): second-order central differences inside, one-sided differences
    of order ``edge_order`` at both ends (NumPy's formulas for uneven spacing)."""
    n = f.shape[d]

    def sl(a: Any, b: Any) -> Any:
        return _along(f, d, a, b)

    f0, f1, f2 = sl(0, 1), sl(1, 2), sl(2, 3)
    g0, g1, g2 = sl(n - 1, n), sl(n - 2, n - 1), sl(n - 3, n - 2)  # from the far end
    if not isinstance(h, Tensor):
        h = float(h)
        mid = (sl(2, None) - sl(None, -2)) / (2.0 * h)
        if edge_order == 1:
            first, last = (f1 - f0) / h, (g0 - g1) / h
        else:
            first = (f0 * -1.5 + f1 * 2.0 - f2 * 0.5) / h
            last = (g2 * 0.5 - g1 * 2.0 + g0 * 1.5) / h
        return concat([first, mid, last], axis=d)
    if h.ndim != 1 or h.shape[0] != n:
        raise ValueError(f"gradient: expected coordinates of shape ({n},) for dimension {d}, got "
                         f"shape {_shape(h)}")
    h = _float(h)
    dx = h[1:] - h[:-1]
    shape = (1,) * d + (-1,) + (1,) * (f.ndim - d - 1)
    hd, hs = reshape(dx[:-1], shape), reshape(dx[1:], shape)  # before and after each point
    mid = (-hs / (hd * (hd + hs)) * sl(None, -2) + (hs - hd) / (hd * hs) * sl(1, -1)
           + hd / (hs * (hd + hs)) * sl(2, None))
    if edge_order == 1:
        first, last = (f1 - f0) / dx[0], (g0 - g1) / dx[-1]
    else:
        a, b = dx[0], dx[1]
        first = (-(2.0 * a + b) / (a * (a + b)) * f0 + (a + b) / (a * b) * f1
                 - a / (b * (a + b)) * f2)
        a, b = dx[-2], dx[-1]
        last = (b / (a * (a + b)) * g2 - (a + b) / (a * b) * g1
                + (2.0 * b + a) / (b * (a + b)) * g0)
    return concat([first, mid, last], axis=d)


def gradient(x: Any, /, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> tuple:
    """Estimates of the derivatives of ``x`` along ``dim`` (every dimension by default) by
    central differences inside and one-sided differences of order ``edge_order`` (1 or 2)
    at the edges. ``spacing`` is a number, one number per dimension, or one 1-D tensor of
    coordinates per dimension. Returns one tensor per dimension.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.gradient(anygrad.tensor([1.0, 4.0, 9.0, 16.0]))
    (tensor([3., 4., 6., 7.]),)
    >>> anygrad.gradient(anygrad.tensor([1.0, 4.0, 9.0]), spacing=2.0, edge_order=2)
    (tensor([1., 2., 3.]),)
    """
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2, got {edge_order}")
    if dim is None:
        dims = list(range(x.ndim))
    elif isinstance(dim, int):
        dims = [dim]
    else:
        dims = list(dim)
    dims = [_dim(x, d, "gradient") for d in dims]
    if len(set(dims)) != len(dims):
        raise ValueError(f"gradient: dim {dim!r} repeats a dimension")
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise ValueError(f"gradient: expected spacing to have {len(dims)} element(s), one per "
                             f"dimension, got {len(spacing)}")
        hs = list(spacing)
    elif isinstance(spacing, Tensor) and spacing.ndim == 0:
        hs = [spacing.item()] * len(dims)
    elif isinstance(spacing, Tensor):
        raise TypeError("gradient: pass coordinates as a list of 1-D tensors, one per dimension")
    else:
        hs = [spacing] * len(dims)
    hs = [h.item() if isinstance(h, Tensor) and h.ndim == 0 else h for h in hs]
    f = _float(x)
    for d in dims:
        if f.shape[d] < edge_order + 1:
            raise ValueError(f"gradient: expected each dimension to have at least edge_order + 1 "
                             f"= {edge_order + 1} elements, got shape {_shape(x)}")
    return tuple(_gradient_one(f, d, h, edge_order) for d, h in zip(dims, hs))


def _gradient_ref(x: Any, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> Any:
    axes = tuple(range(x.ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    sp = spacing if isinstance(spacing, (list, tuple)) else [spacing] * len(axes)
    out = np.gradient(x, *sp, axis=axes, edge_order=edge_order)
    return tuple(out) if isinstance(out, (list, tuple)) else (out,)


_register("gradient", gradient, _gradient_ref, method=None, category="reduction",
          shapes=lambda rng: ((4, 5),),
          kwargs=({}, {"spacing": 0.5, "dim": 1, "edge_order": 2}, {"spacing": [2.0, 0.5]}))


def vander(x: Any, /, N: int | None = None, increasing: bool = False) -> Any:  # noqa: N803
    """The Vandermonde matrix of a 1-D ``x``: columns ``x**(N-1), ..., x, 1`` (reversed
    when ``increasing``); ``N`` is ``len(x)`` by default.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.vander(anygrad.tensor([1.0, 2.0, 3.0]), N=3)
    tensor([[1., 1., 1.],
            [4., 2., 1.],
            [9., 3., 1.]])
    """
    if x.ndim != 1:
        raise ValueError(f"vander: x must be a one-dimensional tensor, got shape {_shape(x)}")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {n}")
    if x.dtype.kind in "biu":
        x = astype(x, _dtype.int64)
    if n == 0:
        return _zeros(x, (x.shape[0], 0))
    cols = [_const(x, x.xp.ones_like(x._data))]
    for _ in range(n - 1):
        cols.append(multiply(cols[-1], x))
    if not increasing:
        cols = cols[::-1]
    return stack(cols, axis=1)


_register("vander", vander, lambda x, N=None, increasing=False: np.vander(x, N, increasing),
          method=None, shapes=lambda rng: ((4,),), kwargs=({}, {"N": 3, "increasing": True}),
          torch_args=("N", "increasing"))
