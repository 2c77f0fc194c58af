"""``assert_close``: namespace, device, dtype and shape first, then values."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor

__all__ = ["assert_close", "default_rtol_atol"]

_TOL = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
        "float64": (1e-7, 1e-7), "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


def default_rtol_atol(dtype: Any) -> tuple[float, float]:
    """PyTorch's default ``(rtol, atol)`` for ``dtype`` (exact for integers and bools)."""
    return _TOL.get(getattr(dtype, "name", str(dtype)), (0.0, 0.0))


def assert_close(
    actual: Any, expected: Any, *, rtol: float | None = None, atol: float | None = None,
    check_dtype: bool = True, check_device: bool = True, check_backend: bool = True,
    equal_nan: bool = False, msg: str = "",
) -> None:
    """Assert that ``actual`` matches ``expected``: backend, device, dtype, shape, values.

    ``expected`` may be a Tensor (all attributes compared) or anything NumPy accepts
    (values and shape only). Tolerances default to PyTorch's for ``actual``'s dtype.

    Raises
    ------
    AssertionError
        Naming the first attribute that differs (and, for values, the worst position).

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.testing import assert_close
    >>> assert_close(anygrad.tensor([1.0, 2.0]), anygrad.tensor([1.0, 2.0 + 1e-7]))
    """
    prefix = f"{msg}: " if msg else ""
    if isinstance(actual, (tuple, list)) and isinstance(expected, (tuple, list)):
        if len(actual) != len(expected):
            raise AssertionError(f"{prefix}lengths differ: {len(actual)} != {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, rtol=rtol, atol=atol, check_dtype=check_dtype,
                         check_device=check_device, check_backend=check_backend,
                         equal_nan=equal_nan, msg=f"{msg}[{i}]")
        return
    if not isinstance(actual, Tensor):
        raise AssertionError(f"{prefix}expected a Tensor, got {type(actual).__name__}")
    if isinstance(expected, Tensor):
        if check_backend and actual.backend != expected.backend:
            raise AssertionError(
                f"{prefix}backends differ: {actual.backend!r} != {expected.backend!r}"
            )
        if check_device and actual.backend == expected.backend and actual.device != expected.device:
            raise AssertionError(
                f"{prefix}devices differ: {actual.device!r} != {expected.device!r}"
            )
        if check_dtype and actual.dtype is not expected.dtype:
            raise AssertionError(
                f"{prefix}dtypes differ: {actual.dtype.name} != {expected.dtype.name}"
            )
        exp = np.asarray(expected.detach().numpy())
    else:
        exp = np.asarray(expected)
    if tuple(actual.shape) != tuple(exp.shape):
        raise AssertionError(f"{prefix}shapes differ: {tuple(actual.shape)} != {tuple(exp.shape)}")
    d_rtol, d_atol = default_rtol_atol(actual.dtype)
    rtol = d_rtol if rtol is None else rtol
    atol = d_atol if atol is None else atol
    act = np.asarray(actual.detach().numpy())
    if act.dtype.kind in "fc" or exp.dtype.kind in "fc":
        a = act.astype(np.complex128 if act.dtype.kind == "c" else np.float64)
        e = exp.astype(np.complex128 if exp.dtype.kind == "c" else np.float64)
        ok = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    else:
        a, e = act, exp
        ok = a == e
    if not np.all(ok):
        bad = np.argwhere(~np.asarray(ok))
        pos = tuple(int(p) for p in bad[0]) if bad.size else ()
        worst_a = a[pos] if a.ndim else a
        worst_e = e[pos] if e.ndim else e
        raise AssertionError(
            f"{prefix}values differ at {int((~np.asarray(ok)).sum())} of {max(a.size, 1)} "
            f"positions (rtol={rtol}, atol={atol}); first at {pos}: {worst_a!r} != "
            f"{worst_e!r}\nactual:\n{act}\nexpected:\n{exp}"
        )
