"""What operation modules share about their operands: backend resolution, PyTorch's type
promotion, and the checks that turn bad operands into clear errors."""

from __future__ import annotations

import math
from typing import Any

from .. import _backend, _dtype
from ..autograd.function import _SCALARS
from ..tensor import Tensor, _make_tensor

__all__ = ["unwrap", "nondifferentiable", "backend_of", "promote_operands", "check_nonzero_divisor", "check_integer_power",
           "check_index_range"]


def backend_of(*args: Any) -> _backend.Backend:
    """The backend of the first Tensor or array among ``args`` (default backend if none)."""
    for a in args:
        if isinstance(a, Tensor):
            return a._backend
        if a is not None and type(a) not in _SCALARS:
            b = _backend.backend_of_array(a)
            if b is not None:
                return b
    return _backend.get_default_backend()


def unwrap(args: tuple, op: str) -> tuple[list, _backend.Backend]:
    """Arrays for Tensor arguments (others unchanged) and their common backend."""
    backend = None
    out = list(args)
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            b = a._backend
            out[i] = a._data
        elif a is not None and type(a) not in _SCALARS:
            b = _backend.backend_of_array(a)
            if b is None:
                continue
        else:
            continue
        if backend is None:
            backend = b
        elif b is not backend:
            raise TypeError(
                f"{op}: cannot combine tensors of backend {backend.name!r} and backend {b.name!r}"
            )
    return out, backend or _backend.get_default_backend()


# -- mixed-kind type promotion, left open by the standard (docs/design.md, 'Errors are raised') --
# PyTorch's category rule: bool < integer < floating < complex; the operand of the higher
# kind keeps its dtype (a Python float or complex brings the default dtype instead), and
# true division of integers gives the default float dtype. Same-kind pairs keep the
# backend's own (standard) promotion. Called at the top of binary forwards, on raw arrays.
_PY_KIND = {bool: "b", int: "i", float: "f", complex: "c"}
_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
_COMPLEX_OF = {2: _dtype.complex64, 4: _dtype.complex64, 8: _dtype.complex128}


def _scalar_target(kind: str, arr_dtype: Any) -> Any:
    """The dtype an array of ``arr_dtype`` takes to meet a Python scalar of higher ``kind``."""
    if kind == "i":  # a bool tensor meets a Python int: int64, as PyTorch
        return _dtype.int64
    if kind == "f":
        return _dtype.get_default_dtype()
    if arr_dtype.kind == "f":  # float tensor * 1j keeps its precision
        return _COMPLEX_OF[arr_dtype.itemsize]
    return _dtype.default_complex_dtype()


# Kind of each native dtype seen, by array type (dtypes of two libraries must never meet
# in one dict: array-api-strict warns when its dtypes are compared with NumPy's), so the
# common case skips the backend look-up.
_KIND_OF: dict = {}


def _kind_of(arr: Any) -> str:
    kinds = _KIND_OF.get(type(arr))
    if kinds is None:
        kinds = _KIND_OF[type(arr)] = {}
    d = arr.dtype
    k = kinds.get(d)
    if k is None:
        backend = _backend.backend_of_array(arr)
        k = kinds[d] = backend.dtype_of(d).kind if backend is not None else "?"
    return k


def promote_operands(xp: Any, x: Any, y: Any, true_divide: bool = False) -> tuple:
    """``(x, y)`` cast so that the backend computes PyTorch's result dtype.

    The common cases (two arrays of one dtype; a float array and a Python float) cost a
    type comparison and a dtype comparison or one dict look-up; casts happen only for
    mixed kinds.
    """
    tx, ty = type(x), type(y)
    if tx is ty:
        if tx in _PY_KIND:
            return x, y
        dx = x.dtype
        if (dx is y.dtype or dx == y.dtype) and not true_divide:
            return x, y
        return _promote_arrays(xp, x, y, true_divide)
    if ty is float:  # the most common scalar: x * 0.5
        k = _kind_of(x)
        if k == "f" or k == "c" or k == "?":
            return x, y
    kx, ky = _PY_KIND.get(tx), _PY_KIND.get(ty)
    if kx is None and ky is None:
        return _promote_arrays(xp, x, y, true_divide)
    if kx is not None and ky is not None:
        return x, y
    arr, kind = (y, kx) if ky is None else (x, ky)
    ka = _kind_of(arr)
    if ka == "?":  # not an array this library knows: leave it to the namespace
        return x, y
    if _RANK[kind] > _RANK[ka]:
        backend = _backend.backend_of_array(arr)
        target = _scalar_target(kind, backend.dtype_of(arr.dtype))
    elif true_divide and ka in "biu":
        backend = _backend.backend_of_array(arr)
        target = _dtype.get_default_dtype()
    else:
        return x, y
    arr = xp.astype(arr, backend.to_native(target))
    return (x, arr) if ky is None else (arr, y)


def _promote_arrays(xp: Any, x: Any, y: Any, true_divide: bool) -> tuple:
    """Two arrays of different dtypes (or integer true division)."""
    backend = _backend.backend_of_array(x)
    if backend is None:
        return x, y
    dx, dy = backend.dtype_of(x.dtype), backend.dtype_of(y.dtype)
    if true_divide and dx.kind in "biu" and dy.kind in "biu":
        d = backend.to_native(_dtype.get_default_dtype())
        return xp.astype(x, d), xp.astype(y, d)
    rx, ry = _RANK[dx.kind], _RANK[dy.kind]
    if rx == ry or (rx >= 2 and ry >= 2):  # same category, or float with complex
        return x, y
    if rx < ry:
        return xp.astype(x, backend.to_native(dy)), y
    return x, xp.astype(y, backend.to_native(dx))


class IntegerDivisionByZero(ZeroDivisionError, RuntimeError):
    """Integer ``//`` or ``%`` by zero: a ``RuntimeError`` as in PyTorch, and a
    ``ZeroDivisionError`` as Python's own ints raise."""


def check_integer_power(xp: Any, x: Any, y: Any) -> None:
    """Raise for an integer base to a negative integer power (operands already promoted):
    NumPy and PyTorch raise for a scalar exponent, but JAX returns garbage (INT_MIN) and
    PyTorch truncates an exponent tensor's 1/x**n to 0. Only integer powers pay the one
    reduction."""
    arr = x if type(x) not in _PY_KIND else y
    if type(arr) in _PY_KIND or _kind_of(arr) not in "iu":
        return
    if type(y) in _PY_KIND:
        negative = y < 0
    elif _kind_of(y) == "i":
        negative = bool(xp.any(y < 0))
    else:
        return
    if negative:
        raise ValueError("pow: integers to negative integer powers are not allowed (expected "
                         "an exponent >= 0, or a floating-point base)")


def check_nonzero_divisor(xp: Any, x: Any, y: Any, op: str) -> None:
    """Raise if an integer division (operands already promoted) has a zero divisor: the
    backends give 0 (NumPy), garbage (JAX) or an error of their own. Only integer
    divisions pay the one reduction; floating divisions give inf/nan as IEEE says."""
    arr = x if type(y) in _PY_KIND else y
    if type(arr) in _PY_KIND:
        return
    backend = _backend.backend_of_array(arr)
    if backend is None or backend.dtype_of(arr.dtype).kind not in "iu":
        return
    if type(y) in _PY_KIND:
        zero = y == 0
    else:
        zero = bool(xp.any(y == 0))
    if zero:
        raise IntegerDivisionByZero(f"{op}: integer division by zero (a divisor is 0)")


def check_index_range(xp: Any, index: Any, size: int, op: str, *, negative: bool = True,
                      dim: int | None = None) -> None:
    """Raise ``IndexError`` unless every value of the integer array ``index`` lies in
    ``[-size, size)`` (``[0, size)`` when ``negative`` is False), naming ``op``, the first
    offending extreme and the valid range.

    Backends disagree on what happens otherwise: NumPy raises or wraps twice, JAX clamps
    or returns NaN, array-api-strict and the scatter kernel drop the value silently. So
    every gather, scatter and class-index op checks here. The cost is one min and one max
    (single passes, no temporaries) and one host read of each; that read is a device sync
    on GPU backends, the price of an exact error instead of a device assert or a NaN.
    """
    if index.shape and math.prod(index.shape) == 0:
        return
    lo = int(xp.min(index))
    hi = int(xp.max(index))
    low = -size if negative else 0
    if lo < low or hi >= size:
        where = "" if dim is None else f" for dimension {dim}"
        valid = f"values in [{low}, {size - 1}]" if size else "no index: the dimension is empty"
        raise IndexError(
            f"{op}: index {lo if lo < low else hi} is out of range{where} with size {size} "
            f"(expected {valid})"
        )


def nondifferentiable(op: str, *args: Any, **kwargs: Any) -> Tensor:
    """Run the namespace function ``op`` and wrap its (non-differentiable) result."""
    arrays, backend = unwrap(args, op)
    if len(arrays) == 2 and not kwargs:
        arrays = promote_operands(backend.xp, *arrays)
    out = getattr(backend.xp, op)(*arrays, **kwargs)
    if type(out) is not backend.array_type:
        out = backend.xp.asarray(out)
    return _make_tensor(out, backend)


def is_complex(ctx: Any, a: Any) -> bool:
    """Whether ``a`` in ctx's backward (a raw array of ctx's backend, or an anygrad Tensor
    under create_graph) has a complex dtype: one set look-up."""
    return a.dtype in ctx._backend.complex_dtypes


def conj_if_complex(ctx: Any, a: Any) -> Any:
    """``conj(a)`` where ``a`` is complex, else ``a``: a holomorphic op's backward is
    ``g * conj(f'(z))`` in PyTorch's convention, and just ``g * f'(x)`` for real input."""
    return ctx.xp.conj(a) if is_complex(ctx, a) else a
