"""Tensors made from sizes alone, as PyTorch's creation functions: the signal-processing
windows (``hann_window``, ``hamming_window``, ``blackman_window``, ``bartlett_window``,
``kaiser_window``) and the index pairs of a matrix triangle (``tril_indices``,
``triu_indices``).

Each is computed with the backend's own namespace in the requested dtype, on the requested
device; none is an operation of the registry (they take no tensor).
"""

from __future__ import annotations

import math
from typing import Any

from .. import _backend, _dtype
from ..tensor import Tensor, _make_tensor

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window", "tril_indices", "triu_indices"]


def _made(array: Any, b: Any, requires_grad: bool) -> Tensor:
    out = _make_tensor(array, b)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _window(name: str, length: int, periodic: bool, dtype: Any, device: Any, backend: Any,
            requires_grad: bool, layout: Any, fn: Any) -> Tensor:
    """``fn(xp, n, N)``: the window at the points ``n`` of a symmetric window of ``N``."""
    if not isinstance(length, int) or isinstance(length, bool) or length < 0:
        raise ValueError(f"{name}: window_length must be a non-negative int, got {length!r}")
    if layout is not None and str(layout) not in ("strided", "torch.strided"):
        raise ValueError(f"{name}: only the strided (dense) layout exists, got {layout!r}")
    dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"{name}: expected a floating point dtype, got {dt}")
    b = _backend.resolve(backend)
    xp, native, dev = b.xp, b.to_native(dt), b.parse_device(device)
    if length <= 1:
        return _made(xp.ones((length,), dtype=native, device=dev), b, requires_grad)
    n = xp.arange(length, dtype=native, device=dev)
    return _made(fn(xp, n, float(length + 1 if periodic else length)), b, requires_grad)


def _cosine_sum(*coefs: float) -> Any:
    def fn(xp: Any, n: Any, big_n: float) -> Any:
        out = coefs[0] + 0.0 * n
        for k, a in enumerate(coefs[1:], start=1):
            out = out + ((-1) ** k) * a * xp.cos((2.0 * math.pi * k / (big_n - 1)) * n)
        return out

    return fn


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                layout: Any = None, device: Any = None, backend: Any = None,
                requires_grad: bool = False) -> Tensor:
    """The Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``; ``N`` is ``window_length + 1``
    when ``periodic`` (the default: for spectral analysis), else ``window_length``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.hann_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _window("hann_window", window_length, periodic, dtype, device, backend,
                   requires_grad, layout, _cosine_sum(0.5, 0.5))


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: Any = None, layout: Any = None,
                   device: Any = None, backend: Any = None,
                   requires_grad: bool = False) -> Tensor:
    """The Hamming window ``alpha - beta cos(2 pi n / (N - 1))`` (``N`` as
    :func:`hann_window`).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.hamming_window(4, periodic=False)
    tensor([0.0800, 0.7700, 0.7700, 0.0800])
    """
    return _window("hamming_window", window_length, periodic, dtype, device, backend,
                   requires_grad, layout, _cosine_sum(alpha, beta))


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None, backend: Any = None,
                    requires_grad: bool = False) -> Tensor:
    """The Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``
    (``N`` as :func:`hann_window`).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.blackman_window(3, periodic=False).abs().round(decimals=4)
    tensor([0., 1., 0.])
    """
    return _window("blackman_window", window_length, periodic, dtype, device, backend,
                   requires_grad, layout, _cosine_sum(0.42, 0.5, 0.08))


def _bartlett(xp: Any, n: Any, big_n: float) -> Any:
    return 1.0 - xp.abs(n * (2.0 / (big_n - 1)) - 1.0)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    layout: Any = None, device: Any = None, backend: Any = None,
                    requires_grad: bool = False) -> Tensor:
    """The triangular Bartlett window ``1 - |2 n / (N - 1) - 1|`` (``N`` as
    :func:`hann_window`).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.bartlett_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _window("bartlett_window", window_length, periodic, dtype, device, backend,
                   requires_grad, layout, _bartlett)


def _i0(xp: Any, x: Any, terms: int) -> Any:
    """The modified Bessel function I0 by its power series (all terms positive)."""
    q = (x * x) * 0.25
    term = 1.0 + 0.0 * x
    out = term
    for k in range(1, terms):
        term = term * q / float(k * k)
        out = out + term
    return out


def _i0_scalar(x: float, terms: int) -> float:
    q, term, out = x * x * 0.25, 1.0, 1.0
    for k in range(1, terms):
        term *= q / (k * k)
        out += term
    return out


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: Any = None, layout: Any = None, device: Any = None,
                  backend: Any = None, requires_grad: bool = False) -> Tensor:
    """The Kaiser window ``I0(beta sqrt(1 - (2 n / (N - 1) - 1)^2)) / I0(beta)`` (``N`` as
    :func:`hann_window`; ``I0`` the modified Bessel function of order 0).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.kaiser_window(3, periodic=False, beta=0.0)
    tensor([1., 1., 1.])
    """
    beta = float(beta)
    # The series' terms (beta/2)^2k / (k!)^2 peak near k = beta/2 and then fall faster than
    # geometrically: 2 beta + 30 terms reach the dtype's resolution.
    terms = 30 + int(2 * abs(beta))

    def fn(xp: Any, n: Any, big_n: float) -> Any:
        r = n * (2.0 / (big_n - 1)) - 1.0
        arg = xp.sqrt(xp.clip(1.0 - r * r, 0.0, None)) * beta
        return _i0(xp, arg, terms) / _i0_scalar(beta, terms)

    return _window("kaiser_window", window_length, periodic, dtype, device, backend,
                   requires_grad, layout, fn)


def _triangle_indices(name: str, row: int, col: int, offset: int, lower: bool, dtype: Any,
                      device: Any, backend: Any) -> Tensor:
    for what, v in (("row", row), ("col", col), ("offset", offset)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError(f"{name}: {what} must be an int, got {type(v).__name__}")
    if row < 0 or col < 0:
        raise ValueError(f"{name}: row and col must be non-negative, got {row} and {col}")
    dt = _dtype.int64 if dtype is None else _dtype.as_dtype(dtype)
    if dt.kind not in "iu":
        raise TypeError(f"{name}: expected an integer dtype, got {dt}")
    b = _backend.resolve(backend)
    xp, dev = b.xp, b.parse_device(device)
    rows, cols = [], []
    for r in range(row):
        # Row-major order: the columns of row r in the triangle form one range.
        lo, hi = (0, min(col, r + offset + 1)) if lower else (max(0, r + offset), col)
        if hi > lo:
            rows += [r] * (hi - lo)
            cols += range(lo, hi)
    array = xp.asarray([rows, cols], dtype=b.to_native(dt), device=dev)
    return _make_tensor(xp.reshape(array, (2, len(rows))), b)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None, backend: Any = None) -> Tensor:
    """The ``(2, N)`` row and column indices of the lower triangle (on and below the
    ``offset`` diagonal) of a ``row x col`` matrix, in row-major order.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.tril_indices(3, 3)
    tensor([[0, 1, 1, 2, 2, 2],
            [0, 0, 1, 0, 1, 2]])
    """
    return _triangle_indices("tril_indices", row, col, offset, True, dtype, device, backend)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = None,
                 device: Any = None, layout: Any = None, backend: Any = None) -> Tensor:
    """The ``(2, N)`` row and column indices of the upper triangle (on and above the
    ``offset`` diagonal) of a ``row x col`` matrix, in row-major order.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.triu_indices(3, 3, 1)
    tensor([[0, 0, 1],
            [1, 2, 2]])
    """
    return _triangle_indices("triu_indices", row, col, offset, False, dtype, device, backend)
