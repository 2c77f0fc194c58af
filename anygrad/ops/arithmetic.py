"""Arithmetic: add, subtract, multiply, divide, negative, positive, pow, square, reciprocal,
sqrt, rsqrt, abs, maximum, minimum, clip, hypot, copysign, real, imag, conj.

Binary operations accept Tensors, backend arrays and Python scalars (a scalar keeps the
tensor's dtype, as the Array API standard says). Backward rules return the full broadcast
gradient; the engine reduces it to each input's shape.
"""

from __future__ import annotations

import cmath
import math
from typing import Any

import numpy as np

from ..autograd.function import FREED, Function, binary_apply
from ..fastpaths import fast_path
from ._registry import OpSpec, register
from ._rules import Rules
from ..tensor import Tensor, make_view
from ._operands import _PY_KIND, check_integer_power, conj_if_complex, is_complex, promote_operands

__all__ = ["add", "subtract", "multiply", "divide", "negative", "positive", "pow", "square",
           "reciprocal", "sqrt", "rsqrt", "abs", "maximum", "minimum", "clip", "hypot", "copysign",
           "real", "imag", "conj"]


rules = Rules(__name__, category="arithmetic")


# -- complex numbers: helpers for the backward rules above ---------------------------------
def _conj(xp: Any, a: Any) -> Any:
    """``conj(a)`` for an array, Tensor or Python scalar (saved operands of a binary op)."""
    if a is None or type(a) in (int, float, bool):  # None: an operand Mul did not keep
        return a
    if type(a) is complex:
        return a.conjugate()
    return xp.conj(a)


def _named(fn: Any, name: str, doc: str | None) -> Any:
    """``fn`` (a :func:`binary_apply` function) under an operation's name and docstring."""
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    fn.__doc__ = doc
    return fn


# (backend, Python float or int, dtype) -> the operand the backend computes with fastest: a
# program's few hundred constants (0.5, a learning rate), converted once (a memo: the
# operands are read-only and equal to the float in value).
_float_operands: dict = {}
_FLOAT_OPERANDS_LIMIT = 512


def _float_operand(ctx: Any, y: float, dtype: Any) -> Any:
    """The Python float (or int) ``y`` beside a floating array of ``dtype``: as it is, or as the
    backend's cheaper operand of the same value (NumPy: a 0-d array, see
    ``anygrad.fastpaths.numpy.scalar_operand``); the operation's result is the same."""
    # Complex arrays keep the number: the backward's conj of a complex 0-d operand would
    # flip the sign of zero imaginary parts that a real number leaves alone.
    convert = None if dtype in ctx._backend.complex_dtypes else fast_path("scalar_operand", ctx.xp)
    operand = y if convert is None else convert(y, dtype)
    if y:  # zeros are not kept: -0.0 == 0.0 would share an entry and lose the sign
        if len(_float_operands) >= _FLOAT_OPERANDS_LIMIT:
            _float_operands.clear()
        _float_operands[ctx._backend, y, dtype] = operand
    return operand


class Add(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        # Two arrays of one dtype need nothing, a floating array and a Python number only
        # the backend's operand for the number (memoised), anything else PyTorch's
        # promotion: checked inline (no call; measured 2-3% of a small op) in the hottest
        # ops, add, subtract, multiply.
        tx, ty = type(x), type(y)
        if tx is not ty or tx in _PY_KIND or x.dtype is not y.dtype:
            if (ty is float or ty is int) and tx is ctx._backend.array_type \
                    and x.dtype in ctx._backend.float_dtypes:
                operand = _float_operands.get((ctx._backend, y, x.dtype))
                y = _float_operand(ctx, y, x.dtype) if operand is None else operand
            else:
                x, y = promote_operands(ctx.xp, x, y)
        return ctx.xp.add(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return gy, gy


def add(x1: Any, x2: Any, /, *, alpha: Any = None) -> Any:
    """``x1 + x2`` (``x1 + alpha * x2`` with PyTorch's ``alpha``), broadcasting.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.add(anygrad.tensor([1.0, 2.0]), 1.0)
    tensor([2., 3.])
    """
    if alpha is not None and alpha != 1:
        x2 = multiply(x2, alpha)
    return _add(x1, x2)


_add = _named(binary_apply(Add), "add", add.__doc__)  # x + y: add without alpha
register(OpSpec("add", add, ref=lambda x1, x2, alpha=1: x1 + alpha * x2, nin=2,
                shapes="broadcast", kwargs=({}, {"alpha": 2.5}), method="add", category="arithmetic",
                inplace=True, operators=("__add__", "__radd__", "__iadd__"), operator_fn=_add))


class Sub(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        tx, ty = type(x), type(y)
        if tx is not ty or tx in _PY_KIND or x.dtype is not y.dtype:
            if (ty is float or ty is int) and tx is ctx._backend.array_type \
                    and x.dtype in ctx._backend.float_dtypes:
                operand = _float_operands.get((ctx._backend, y, x.dtype))
                y = _float_operand(ctx, y, x.dtype) if operand is None else operand
            else:
                x, y = promote_operands(ctx.xp, x, y)
        return ctx.xp.subtract(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return gy, (-gy if ctx.needs_input_grad[1] else None)


def subtract(x1: Any, x2: Any, /, *, alpha: Any = None) -> Any:
    """``x1 - x2`` (``x1 - alpha * x2`` with PyTorch's ``alpha``), broadcasting."""
    if alpha is not None and alpha != 1:
        x2 = multiply(x2, alpha)
    return _sub(x1, x2)


_sub = _named(binary_apply(Sub), "subtract", subtract.__doc__)
register(OpSpec("subtract", subtract, ref=np.subtract, nin=2, shapes="broadcast", method=("sub", "subtract"),
                category="arithmetic", inplace=True, operators=("__sub__", "__rsub__", "__isub__"),
                operator_fn=_sub))


class Mul(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        tx, ty = type(x), type(y)
        if tx is not ty or tx in _PY_KIND or x.dtype is not y.dtype:
            if (ty is float or ty is int) and tx is ctx._backend.array_type \
                    and x.dtype in ctx._backend.float_dtypes:
                operand = _float_operands.get((ctx._backend, y, x.dtype))
                y = _float_operand(ctx, y, x.dtype) if operand is None else operand
            else:
                x, y = promote_operands(ctx.xp, x, y)
        # save_for_backward without its frame, and only the operand a gradient reads (as
        # PyTorch: x * 2 keeps nothing of x, so a later in-place change of x is allowed).
        needs = ctx.needs_input_grad
        ctx._saved = (x if needs[1] else None, y if needs[0] else None)
        return ctx.xp.multiply(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        # saved_tensors and is_complex inlined: this is the hottest backward rule.
        saved = ctx._saved
        x, y = saved if saved is not FREED and ctx._graph_saved is None else ctx.saved_tensors
        if gy.dtype in ctx._backend.complex_dtypes:  # PyTorch's convention: g * conj(other)
            x, y = _conj(ctx.xp, x), _conj(ctx.xp, y)
        needs = ctx.needs_input_grad
        return (gy * y if needs[0] else None), (gy * x if needs[1] else None)


# The function itself is the specialised apply: x * y calls it with no other frame.
multiply = _named(binary_apply(Mul), "multiply", """``x1 * x2``, elementwise with broadcasting.""")


register(OpSpec("multiply", multiply, ref=np.multiply, nin=2, shapes="broadcast", method=("mul", "multiply"),
                category="arithmetic", inplace=True, operators=("__mul__", "__rmul__", "__imul__")))


class Div(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        if (type(y) is float or type(y) is int) and type(x) is ctx._backend.array_type \
                and x.dtype in ctx._backend.float_dtypes:  # as in Add: x / 2.0
            operand = _float_operands.get((ctx._backend, y, x.dtype))
            y = _float_operand(ctx, y, x.dtype) if operand is None else operand
        else:
            x, y = promote_operands(ctx.xp, x, y, True)
        ctx.save_for_backward(x if ctx.needs_input_grad[1] else None, y)  # x: as Mul
        return ctx.xp.divide(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        if is_complex(ctx, gy):  # PyTorch's convention: g / conj(y), -g * conj(x / y**2)
            x, y = _conj(ctx.xp, x), _conj(ctx.xp, y)
        needs = ctx.needs_input_grad
        gx = gy / y if needs[0] else None
        gyy = -gy * x / (y * y) if needs[1] else None
        return gx, gyy


def divide(x1: Any, x2: Any, /, *, rounding_mode: str | None = None) -> Any:
    """``x1 / x2`` (true division; ``rounding_mode="floor"``/``"trunc"`` as PyTorch)."""
    if rounding_mode is None:
        return _div(x1, x2)
    from .rounding import floor_divide, trunc

    if rounding_mode == "floor":
        return floor_divide(x1, x2)
    if rounding_mode == "trunc":
        if _integer(x1) and _integer(x2):
            # Integers stay integers (PyTorch): floor, plus one where the exact quotient
            # is negative and not whole. Not through float: int64 exceeds its mantissa.
            from .rounding import remainder

            q = floor_divide(x1, x2)
            r = remainder(x1, x2)
            neg = _sign_negative(x1) != _sign_negative(x2)
            return q + _astype((r != 0) & neg, q.dtype)
        return trunc(Div.apply(x1, x2))
    raise ValueError(f"divide: rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}")


def _divide_ref(x1: Any, x2: Any, rounding_mode: str | None = None) -> Any:
    q = x1 / x2
    return {"trunc": np.trunc, "floor": np.floor}[rounding_mode](q) if rounding_mode else q


_div = _named(binary_apply(Div), "divide", divide.__doc__)
register(OpSpec("divide", divide, ref=_divide_ref, nin=2, shapes="broadcast",
                domain=("real", "nonzero"), kwargs=({}, {"rounding_mode": "trunc"}),
                method=("div", "divide", "true_divide"), category="arithmetic", inplace=True,
                operators=("__truediv__", "__rtruediv__", "__itruediv__"), operator_fn=_div))


def _integer(v: Any) -> bool:
    """Whether ``v`` (Tensor, array or Python number) holds integers (or bools)."""
    if type(v) in (int, bool):
        return True
    d = getattr(v, "dtype", None)
    return d is not None and getattr(d, "kind", getattr(getattr(d, "dtype", d), "kind", "")) in ("b", "i", "u")


def _sign_negative(v: Any) -> Any:
    return v < 0 if type(v) in (int, bool) else _as_tensor(v) < 0


def _astype(t: Any, dtype: Any) -> Any:
    from .conversion import astype

    return astype(t, dtype)


negative = rules.unary("negative", lambda xp, g: -g, "``-x``.", node="Neg", method=("neg", "negative"),
                       ref=np.negative, inplace=True, operators=("__neg__",))


def positive(x: Any, /) -> Any:
    """``+x`` (returns ``x`` itself: a no-op needs no graph node)."""
    from ..creation import asarray

    return asarray(x)


register(OpSpec("positive", positive, ref=np.positive, category="arithmetic", method="positive",
                operators=("__pos__",)))


class Pow(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        x, y = promote_operands(ctx.xp, x, y)
        check_integer_power(ctx.xp, x, y)
        out = ctx.xp.pow(x, y)
        # The result only for the exponent's gradient, as PyTorch's PowBackward0: code such
        # as SciPy's moment() does ``s = s**2; s *= d``, which must not invalidate the node.
        ctx.save_for_backward(x, y, out if ctx.needs_input_grad[1] else None)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y, out = ctx.saved_tensors
        xp = ctx.xp
        needs = ctx.needs_input_grad
        if is_complex(ctx, gy):
            return _pow_backward_complex(xp, gy, x, y, out, needs)
        gx = gy * y * xp.pow(x, y - 1) if needs[0] else None
        gexp = None
        if needs[1] and type(x) in (int, float):
            # A Python base (2.0 ** t): log(x) is a plain number.
            gexp = gy * out * math.log(x) if x > 0 else xp.zeros_like(gy)
        elif needs[1]:
            # d(x**y)/dy = x**y * log(x); PyTorch's convention gives 0 where x == 0.
            positive = x > 0
            safe = xp.where(positive, x, xp.ones_like(x))
            gexp = gy * xp.where(positive, out * xp.log(safe), xp.zeros_like(out))
        return gx, gexp


def _pow_backward_complex(xp: Any, gy: Any, x: Any, y: Any, out: Any, needs: Any) -> tuple:
    """PyTorch's complex rules: ``g * conj(y * x**(y-1))`` and ``g * conj(x**y * log(x))``
    (principal branch; 0 where ``x == 0``)."""
    gx = gy * _conj(xp, y * xp.pow(x, y - 1)) if needs[0] else None
    gexp = None
    if needs[1] and type(x) in (int, float, complex):
        gexp = gy * _conj(xp, out) * cmath.log(x).conjugate() if x != 0 else xp.zeros_like(gy)
    elif needs[1]:
        zero = x == 0
        safe = xp.where(zero, xp.ones_like(x), x)
        gexp = gy * xp.conj(xp.where(zero, xp.zeros_like(out), out * xp.log(safe)))
    return gx, gexp


def pow(x1: Any, x2: Any, /) -> Any:  # noqa: A001 - the Array API name
    """``x1 ** x2``, elementwise with broadcasting.

    The gradient with respect to the exponent is ``x1 ** x2 * log(x1)`` where ``x1 > 0``
    and 0 elsewhere (PyTorch's convention).
    """
    return Pow.apply(x1, x2)


register(OpSpec("pow", pow, ref=np.power, nin=2, shapes="broadcast", domain=("positive", "real"),
                method="pow", category="arithmetic", inplace=True,
                operators=("__pow__", "__rpow__", "__ipow__")))


def square(x: Any, /) -> Any:
    """``x * x``."""
    return Mul.apply(x, x)


register(OpSpec("square", square, ref=np.square, method="square", category="arithmetic", inplace=True))


def reciprocal(x: Any, /) -> Any:
    """``1 / x``."""
    return Div.apply(1.0, x)


register(OpSpec("reciprocal", reciprocal, ref=np.reciprocal, domain="nonzero",
                method="reciprocal", category="arithmetic", inplace=True))


def _mask(xp: Any, cond: Any, like: Any) -> Any:
    """``cond`` as 0/1 in ``like``'s dtype: multiplying by it is ~10x cheaper than ``where``
    and works unchanged on Tensors under ``create_graph``."""
    return xp.astype(cond, like.dtype)


sqrt = rules.unary("sqrt", lambda xp, g, y: g / (2 * y), "Square root, elementwise.",
                   ref=np.sqrt, domain="positive", inplace=True)
rsqrt = rules.unary("rsqrt", lambda xp, g, x, y: g * (-0.5) * (y / x),
                    "``1 / sqrt(x)``, elementwise (PyTorch).", forward=lambda xp, x: 1.0 / xp.sqrt(x),
                    ref=lambda x: 1.0 / np.sqrt(x), domain="positive", inplace=True)


class Abs(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        if not is_complex(ctx, x):
            return gy * xp.sign(x)
        # z / |z| (0 at 0), written as a quotient rather than sign(z): sign is a step
        # function (zero gradient), but z / |z| is not constant for complex z, and the
        # second derivative must see that.
        a = xp.abs(x)
        return gy * (x / xp.where(a == 0, xp.ones_like(a), a))


def abs(x: Any, /) -> Any:  # noqa: A001 - the Array API name
    """Absolute value; the gradient is ``sign(x)`` (0 at 0, as PyTorch)."""
    return Abs.apply(x)


register(OpSpec("abs", abs, ref=np.abs, domain="nonzero", method=("abs", "absolute"), category="arithmetic",
                notes="gradient sign(x), 0 at x == 0", inplace=True, operators=("__abs__",)))


class Maximum(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        x, y = promote_operands(ctx.xp, x, y)
        ctx.save_for_backward(x, y)
        return ctx.xp.maximum(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        xp = ctx.xp
        # Ties split the gradient half/half, as PyTorch does.
        wx = _mask(xp, x > y, gy) + 0.5 * _mask(xp, x == y, gy)
        needs = ctx.needs_input_grad
        return (gy * wx if needs[0] else None), (gy * (1 - wx) if needs[1] else None)


def maximum(x1: Any, x2: Any, /) -> Any:
    """Elementwise maximum, broadcasting.

    The gradient goes to the larger input; on ties it is split half/half (PyTorch's rule).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.maximum(anygrad.tensor([1.0, 5.0]), 2.0)
    tensor([2., 5.])
    """
    return Maximum.apply(x1, x2)


register(OpSpec("maximum", maximum, ref=np.maximum, nin=2, shapes="broadcast", method="maximum",
                category="arithmetic", notes="ties split the gradient half/half (PyTorch)"))


class Minimum(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        x, y = promote_operands(ctx.xp, x, y)
        ctx.save_for_backward(x, y)
        return ctx.xp.minimum(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        xp = ctx.xp
        wx = _mask(xp, x < y, gy) + 0.5 * _mask(xp, x == y, gy)
        needs = ctx.needs_input_grad
        return (gy * wx if needs[0] else None), (gy * (1 - wx) if needs[1] else None)


def minimum(x1: Any, x2: Any, /) -> Any:
    """Elementwise minimum, broadcasting; ties split the gradient half/half (PyTorch)."""
    return Minimum.apply(x1, x2)


register(OpSpec("minimum", minimum, ref=np.minimum, nin=2, shapes="broadcast", method="minimum",
                category="arithmetic", notes="ties split the gradient half/half (PyTorch)"))


class Clip(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, lo: Any, hi: Any) -> Any:
        xp = ctx.xp
        ctx.save_for_backward(x, lo, hi)
        # maximum then minimum: with lo > hi the result is hi, as in PyTorch.
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, lo, hi = ctx.saved_tensors
        xp = ctx.xp
        needs = ctx.needs_input_grad
        gx = glo = ghi = None
        if lo is not None and hi is not None:
            if needs[0]:
                gx = gy * (_mask(xp, x >= lo, gy) * _mask(xp, x <= hi, gy))
            if needs[1]:
                glo = gy * (_mask(xp, x < lo, gy) * _mask(xp, lo < hi, gy))
            if needs[2]:
                a, b = _mask(xp, x > hi, gy), _mask(xp, hi < lo, gy)
                ghi = gy * (a + b - a * b)
        elif lo is not None:
            gx = gy * _mask(xp, x >= lo, gy) if needs[0] else None
            glo = gy * _mask(xp, x < lo, gy) if needs[1] else None
        elif hi is not None:
            gx = gy * _mask(xp, x <= hi, gy) if needs[0] else None
            ghi = gy * _mask(xp, x > hi, gy) if needs[2] else None
        else:
            gx = gy
        return gx, glo, ghi


def clip(x: Any, /, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """``x`` limited to ``[min, max]``; bounds may be None, Python scalars or tensors.

    The gradient reaches ``x`` where ``min <= x <= max``, and a tensor bound where it is
    the active one (PyTorch's ``clamp`` rules, including ``min > max`` giving ``max``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.clip(anygrad.tensor([-2.0, 0.5, 3.0]), -1.0, 1.0)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    return Clip.apply(x, min, max)


register(OpSpec("clip", clip, ref=lambda x, min=None, max=None: np.clip(x, min, max),
                method=("clamp", "clip"), category="arithmetic",
                kwargs=({"min": -1.0, "max": 1.0}, {"min": -0.5}, {"max": 0.5}),
                notes="gradient to x inside [min, max] (inclusive), to tensor bounds where active",
                aliases=("clamp",), inplace=True))


hypot = rules.binary("hypot", lambda xp, g, x1, x2, y: g * x1 / y,
                     lambda xp, g, x1, x2, y: g * x2 / y,
                     "``sqrt(x1**2 + x2**2)`` without overflow, elementwise with broadcasting.",
                     ref=np.hypot, domain="nonzero", inplace=True)
# d(|x1| s)/dx1 = sign(x1) s; sign(y) is s wherever x1 != 0, and the product is 0 at x1 == 0.
copysign = rules.binary("copysign", lambda xp, g, x1, x2, y: g * (xp.sign(x1) * xp.sign(y)),
                        lambda xp, g, x1, x2, y: xp.zeros_like(g),
                        "``|x1|`` with the sign of ``x2``; the gradient wrt ``x2`` is zero.",
                        node="CopySign", ref=np.copysign, domain="nonzero",
                        notes="zero gradient with respect to the sign source", inplace=True)


# -- complex numbers ------------------------------------------------------------------------
# Gradients follow PyTorch's convention: for a real loss L of z = x + iy, z.grad is
# dL/dx + i dL/dy, so a holomorphic f has the backward rule ``g * conj(f'(z))``.


def _as_tensor(x: Any) -> Tensor:
    """``x`` as a Tensor: real/imag/conj branch on its dtype before recording anything."""
    if isinstance(x, Tensor):
        return x
    from ..creation import asarray

    return asarray(x)


class Real(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.real(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        # z.grad = g + 0i; the engine casts the real gradient to the input's complex dtype.
        return gy


def real(x: Any, /) -> Any:
    """The real part of each element; ``x`` itself for a real-valued ``x``.

    A complex input gives its real floating dtype (``complex64`` -> ``float32``). As in
    PyTorch, the gradient of a real loss reaches ``x`` as ``g + 0j``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.real(anygrad.tensor([1.0 + 2.0j, 3.0 - 1.0j]))
    tensor([1., 3.])
    """
    x = _as_tensor(x)
    if not x.dtype.is_complex:
        return x  # the standard (2024.12) and PyTorch: real of a real array is the array
    # A view, as PyTorch's: writes into it change x's real parts (kept in sync functionally,
    # since the standard's real() copies).
    return make_view(Real.apply(x), x, _real_fn, native=False, component="real")


def _real_fn(xp: Any, a: Any) -> Any:
    return xp.real(a)


def _imag_fn(xp: Any, a: Any) -> Any:
    # The index replay runs on integer positions, which have no imaginary part.
    return xp.imag(a) if xp.isdtype(a.dtype, "complex floating") else a


class Imag(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.cdtype = x.dtype
        return ctx.xp.imag(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        # z.grad = 0 + i g (PyTorch): the real gradient made complex, times 1j.
        return ctx.xp.astype(gy, ctx.cdtype) * 1j


def imag(x: Any, /) -> Any:
    """The imaginary part of each element of a complex ``x``.

    The Array API standard and PyTorch accept only complex input, and so does this
    function (a ``TypeError`` otherwise). The gradient of a real loss reaches ``x`` as
    ``0 + g*1j``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.imag(anygrad.tensor([1.0 + 2.0j, 3.0 - 1.0j]))
    tensor([ 2., -1.])
    """
    x = _as_tensor(x)
    if not x.dtype.is_complex:
        raise TypeError(f"imag: expected a complex floating-point tensor, got dtype {x.dtype}")
    return make_view(Imag.apply(x), x, _imag_fn, native=False, component="imag")


class Conj(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.conj(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.xp.conj(gy)


def conj(x: Any, /) -> Any:
    """The complex conjugate of each element; ``x`` itself for a real-valued ``x``.

    The gradient is the conjugate of the upstream gradient (PyTorch's convention).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.conj(anygrad.tensor([1.0 + 2.0j]))
    tensor([1.-2.j])
    """
    x = _as_tensor(x)
    if not x.dtype.is_complex:
        return x  # PyTorch and the standard: conj of a real array is the array
    return Conj.apply(x)


class _Complex(Function):
    """``x + i y`` from two real tensors (PyTorch's ``torch.complex``); used to give the
    registry's real-valued test inputs a differentiable way into the complex plane."""

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        xp = ctx.xp
        cdt = xp.complex64 if x.dtype == xp.float32 else xp.complex128
        return xp.add(xp.astype(x, cdt), xp.astype(y, cdt) * 1j)

    @staticmethod
    def backward(ctx: Any, gz: Any) -> Any:
        xp = ctx.xp
        needs = ctx.needs_input_grad
        return (xp.real(gz) if needs[0] else None), (xp.imag(gz) if needs[1] else None)


def _complex(x: Any, y: Any) -> Any:
    return _Complex.apply(x, y)


# The registry's inputs are real: each entry builds z = x + iy, applies the operation and
# returns a real result, so the forward, gradcheck and cross-backend tests exercise the
# complex path (and the backward rule) on every backend.
register(OpSpec("real", real, harness=lambda x, y: real(_complex(x, y)),
                ref=lambda x, y: x, nin=2,
                shapes="same", method=None, category="complex",
                notes="tested on z = x + iy; gradient g + 0j (PyTorch); real input: returned as is"))
register(OpSpec("imag", imag, harness=lambda x, y: imag(_complex(x, y)),
                ref=lambda x, y: y, nin=2,
                shapes="same", method=None, category="complex",
                notes="complex input only; tested on z = x + iy; gradient 0 + g*1j (PyTorch)"))
register(OpSpec("conj", conj, harness=lambda x, y: imag(conj(_complex(x, y))),
                ref=lambda x, y: -y, nin=2,
                shapes="same", method="conj", category="complex",
                notes="tested as imag(conj(x + iy)); gradient conj(g) (PyTorch); "
                      "real input: returned as is"))
