"""Type promotion follows PyTorch where the Array API standard leaves mixed kinds open.

``tensor([1, 2]) + tensor([.5, .5])`` was float64 on NumPy and an error on array-api-strict;
int / int was float64, float32 or an error depending on the backend; integer ``5 // 0``
gave 0 (NumPy), garbage (JAX). Now: the operand of the higher kind keeps its dtype, a
Python float brings the default dtype, true division of integers gives the default dtype,
and integer division by zero raises (a RuntimeError, as PyTorch, that is also a
ZeroDivisionError), on every backend.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from _helpers import T, assert_names, torch, torch_raises


@pytest.fixture(params=["float32", "float64"])
def default_float(request):
    """Run with each default float dtype, in anygrad and (for the comparison) PyTorch."""
    old = anygrad.get_default_dtype()
    anygrad.set_default_dtype(getattr(anygrad, request.param))
    try:
        yield request.param
    finally:
        anygrad.set_default_dtype(old)


def _torch_default(t, name):
    old = t.get_default_dtype()
    t.set_default_dtype(getattr(t, name))
    return old


OPS = {
    "add": (lambda a, b: a + b),
    "subtract": (lambda a, b: a - b),
    "multiply": (lambda a, b: a * b),
    "divide": (lambda a, b: a / b),
    "maximum": (lambda a, b: anygrad.maximum(a, b) if isinstance(a, anygrad.Tensor) else None),
    "remainder": (lambda a, b: a % b),
    "floor_divide": (lambda a, b: a // b),
    "pow": (lambda a, b: a ** b),
}
TORCH_OPS = {
    "add": lambda t, a, b: a + b, "subtract": lambda t, a, b: a - b,
    "multiply": lambda t, a, b: a * b, "divide": lambda t, a, b: a / b,
    "maximum": lambda t, a, b: t.maximum(a, b), "remainder": lambda t, a, b: a % b,
    "floor_divide": lambda t, a, b: a // b, "pow": lambda t, a, b: a ** b,
}
A = [1, 2, 7]
B = [0.5, 1.5, 2.0]


def _check_against_torch(op, x_np, y_np, got, default):
    t = torch()
    old = _torch_default(t, default)
    try:
        ref = TORCH_OPS[op](t, t.tensor(x_np), t.tensor(y_np))
    finally:
        t.set_default_dtype(old)
    assert got.dtype.name == str(ref.dtype).replace("torch.", "")
    np.testing.assert_allclose(got.numpy().astype(np.float64), ref.numpy().astype(np.float64),
                               rtol=1e-6)


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("fdtype", ["float32", "float64"])
@pytest.mark.parametrize("int_first", [True, False], ids=["int-float", "float-int"])
def test_int_tensor_with_float_tensor_takes_the_float_dtype(backend, op, fdtype, int_first):
    xi = np.array(A, dtype=np.int64)
    yf = np.array(B, dtype=fdtype)
    x_np, y_np = (xi, yf) if int_first else (yf, xi)
    got = OPS[op](T(x_np, backend, None), T(y_np, backend, None))
    assert got.dtype is getattr(anygrad, fdtype)
    # NumPy float64 reference of the same formula.
    want = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply,
            "divide": np.divide, "maximum": np.maximum, "remainder": np.remainder,
            "floor_divide": np.floor_divide, "pow": np.power}[op](
        x_np.astype(np.float64), y_np.astype(np.float64))
    np.testing.assert_allclose(got.numpy().astype(np.float64), want, rtol=1e-6)
    _check_against_torch(op, x_np, y_np, got, "float32")


@pytest.mark.parametrize("op", ["add", "multiply", "subtract", "divide"])
@pytest.mark.parametrize("scalar_first", [False, True])
def test_int_tensor_with_python_float_gives_default_dtype(backend, default_float, op, scalar_first):
    x = T(A, backend, "int64")
    f = OPS[op]
    got = f(2.5, x) if scalar_first else f(x, 2.5)
    assert got.dtype is getattr(anygrad, default_float)
    a = np.array(A, dtype=np.float64)
    want = {"add": np.add, "multiply": np.multiply, "subtract": np.subtract,
            "divide": np.divide}[op](*((2.5, a) if scalar_first else (a, 2.5)))
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    t = torch()
    old = _torch_default(t, default_float)
    try:
        tx = t.tensor(A)
        ref = TORCH_OPS[op](t, 2.5, tx) if scalar_first else TORCH_OPS[op](t, tx, 2.5)
    finally:
        t.set_default_dtype(old)
    assert got.dtype.name == str(ref.dtype).replace("torch.", "")


@pytest.mark.parametrize("idtype", ["int32", "int64", "uint8", "int8"])
def test_int_true_division_gives_default_dtype(backend, default_float, idtype):
    if backend.name == "torch" and idtype == "uint8":
        pass  # uint8 arithmetic exists in torch (uint16+ does not)
    x, y = np.array([1, 2, 7], dtype=idtype), np.array([2, 4, 3], dtype=idtype)
    got = T(x, backend, None) / T(y, backend, None)
    assert got.dtype is getattr(anygrad, default_float)
    np.testing.assert_allclose(got.numpy(), x / y, rtol=1e-6)
    got_scalar = T(x, backend, None) / 2
    assert got_scalar.dtype is getattr(anygrad, default_float)
    got_r = 7 / T(y, backend, None)
    assert got_r.dtype is getattr(anygrad, default_float)
    np.testing.assert_allclose(got_r.numpy(), 7 / y, rtol=1e-6)
    t = torch()
    old = _torch_default(t, default_float)
    try:
        ref = t.tensor(x) / t.tensor(y)
    finally:
        t.set_default_dtype(old)
    assert got.dtype.name == str(ref.dtype).replace("torch.", "")


ZERO_DIV = [
    ("floor_divide", lambda x, y: x // y, lambda x, y: x // y),
    ("remainder", lambda x, y: x % y, lambda x, y: x % y),
    ("fmod", lambda x, y: anygrad.fmod(x, y), lambda x, y: x.fmod(y)),
    ("floor_divide", lambda x, y: anygrad.divide(x, y, rounding_mode="floor"),
     lambda x, y: x.div(y, rounding_mode="floor")),
    ("floor_divide", lambda x, y: anygrad.divide(x, y, rounding_mode="trunc"),
     lambda x, y: x.div(y, rounding_mode="trunc")),
]


@pytest.mark.parametrize("case", ZERO_DIV, ids=[c[0] + str(i) for i, c in enumerate(ZERO_DIV)])
@pytest.mark.parametrize("divisor", ["tensor", "scalar"])
def test_integer_division_by_zero_raises(backend, case, divisor):
    name, fn, tfn = case
    x = T([5, 6, -7], backend, "int64")
    y = T([1, 0, 2], backend, "int64") if divisor == "tensor" else 0
    with pytest.raises(RuntimeError) as info:
        fn(x, y)
    assert isinstance(info.value, ZeroDivisionError)
    assert_names(info.value, name, "division by zero")
    torch_raises(lambda t: tfn(t.tensor([5, 6, -7]), t.tensor([1, 0, 2]) if divisor == "tensor" else 0),
                 RuntimeError)


@pytest.mark.parametrize("op", ["floor_divide", "remainder"])
def test_integer_division_without_zero_is_exact(backend, op):
    x, y = np.array([5, -7, 7, -9]), np.array([2, 2, -3, -4])
    f = (lambda a, b: a // b) if op == "floor_divide" else (lambda a, b: a % b)
    got = f(T(x, backend, "int64"), T(y, backend, "int64"))
    assert got.dtype is anygrad.int64
    np.testing.assert_array_equal(got.numpy(), f(x, y))  # Python's floor semantics
    t = torch()
    np.testing.assert_array_equal(f(t.tensor(x), t.tensor(y)).numpy(), f(x, y))


def test_float_division_by_zero_is_ieee(backend):
    got = (T([1.0, -1.0, 0.0], backend) / T([0.0, 0.0, 0.0], backend)).numpy()
    assert np.isinf(got[0]) and got[0] > 0 and np.isinf(got[1]) and got[1] < 0 and np.isnan(got[2])
    fl = (T([5.0], backend) // T([0.0], backend)).numpy()
    assert np.isinf(fl[0])
    t = torch()
    assert float(t.tensor([5.0]) // t.tensor([0.0])) == float("inf")


def test_bool_tensor_with_python_int_gives_int64(backend):
    got = T([True, False], backend, "bool") + 1
    assert got.dtype is anygrad.int64
    np.testing.assert_array_equal(got.numpy(), [2, 1])
    t = torch()
    assert (t.tensor([True, False]) + 1).dtype == t.int64


def test_bool_tensor_with_float_tensor(backend):
    got = T([True, False], backend, "bool") * T([0.5, 0.5], backend, "float64")
    assert got.dtype is anygrad.float64
    np.testing.assert_array_equal(got.numpy(), [0.5, 0.0])
    t = torch()
    assert (t.tensor([True, False]) * t.tensor([0.5, 0.5], dtype=t.float64)).dtype == t.float64


@pytest.mark.parametrize("fdtype,cdtype", [("float32", "complex64"), ("float64", "complex128")])
def test_float_tensor_times_python_complex_keeps_precision(backend, fdtype, cdtype):
    got = T([1.0, 2.0], backend, fdtype) * 1j
    assert got.dtype is getattr(anygrad, cdtype)
    np.testing.assert_array_equal(got.numpy(), [1j, 2j])
    t = torch()
    assert str((t.tensor([1.0, 2.0], dtype=getattr(t, fdtype)) * 1j).dtype) == f"torch.{cdtype}"


def test_int_tensor_times_python_complex_gives_default_complex(backend, default_float):
    got = T([1, 2], backend, "int64") * 1j
    want = "complex64" if default_float == "float32" else "complex128"
    assert got.dtype is getattr(anygrad, want)
    t = torch()
    old = _torch_default(t, default_float)
    try:
        assert str((t.tensor([1, 2]) * 1j).dtype) == f"torch.{want}"
    finally:
        t.set_default_dtype(old)


def test_full_of_complex_matches_tensor_of_complex(backend, default_float):
    want = "complex64" if default_float == "float32" else "complex128"
    with anygrad.default_backend(backend.name):
        a = anygrad.full((2,), 1j, device=backend.device_obj())
        b = anygrad.tensor([1j], device=backend.device_obj())
    assert a.dtype is b.dtype is getattr(anygrad, want)
    t = torch()
    old = _torch_default(t, default_float)
    try:
        assert str(t.full((2,), 1j).dtype) == str(t.tensor([1j]).dtype) == f"torch.{want}"
    finally:
        t.set_default_dtype(old)


def test_mixed_gradient_keeps_float_dtype(backend):
    x = T([0.5, 1.5, 2.5], backend, "float32", requires_grad=True)
    k = T([1, 2, 3], backend, "int64")
    y = (x * k + k / 2).sum()
    y.backward()
    assert x.grad.dtype is anygrad.float32
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 2.0, 3.0])
    t = torch()
    tx = t.tensor([0.5, 1.5, 2.5], requires_grad=True)
    tk = t.tensor([1, 2, 3])
    (tx * tk + tk / 2).sum().backward()
    assert tx.grad.dtype == t.float32
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("op", ["less", "equal", "greater_equal"])
def test_comparison_of_int_and_float(backend, op):
    x, y = np.array([1, 2, 3]), np.array([1.5, 2.0, 2.5])
    got = getattr(anygrad, op)(T(x, backend, "int64"), T(y, backend, "float32"))
    assert got.dtype is anygrad.bool
    np.testing.assert_array_equal(got.numpy(), getattr(np, op)(x, y))
    t = torch()
    tname = {"less": "lt", "equal": "eq", "greater_equal": "ge"}[op]
    np.testing.assert_array_equal(getattr(t, tname)(t.tensor(x), t.tensor(y, dtype=t.float32)).numpy(),
                                  getattr(np, op)(x, y))


def test_result_type_agrees_with_operations(backend):
    x = T(A, backend, "int64")
    y = T(B, backend, "float32")
    assert anygrad.result_type(x, y) is (x + y).dtype is anygrad.float32


@pytest.mark.parametrize("mode", ["trunc", "floor"])
@pytest.mark.parametrize("divisor", ["tensor", "scalar"])
def test_integer_division_with_rounding_mode_stays_integer(backend, mode, divisor):
    x = np.array([7, -7, 7, -7, 6, 0])
    y = np.array([2, 2, -2, -2, 3, 5]) if divisor == "tensor" else -2
    yy = T(y, backend, "int64") if divisor == "tensor" else y
    got = anygrad.divide(T(x, backend, "int64"), yy, rounding_mode=mode)
    assert got.dtype is anygrad.int64
    exact = x / np.asarray(y, dtype=np.float64)
    want = np.trunc(exact) if mode == "trunc" else np.floor(exact)
    np.testing.assert_array_equal(got.numpy(), want.astype(np.int64))
    t = torch()
    ref = t.div(t.tensor(x), t.tensor(y) if divisor == "tensor" else y, rounding_mode=mode)
    assert ref.dtype == t.int64
    np.testing.assert_array_equal(ref.numpy(), got.numpy())


@pytest.mark.parametrize("exponent", ["scalar", "tensor"])
def test_integer_to_negative_integer_power_raises(backend, exponent):
    x = T([2, 3], backend, "int64")
    y = -1 if exponent == "scalar" else T([-1, 2], backend, "int64")
    with pytest.raises(ValueError) as info:
        x ** y
    assert_names(info.value, "pow", "negative")
    got = T([2, 3], backend, "int64") ** T([0, 2], backend, "int64")  # non-negative: exact
    assert got.dtype is anygrad.int64
    np.testing.assert_array_equal(got.numpy(), [1, 9])
    t = torch()
    if exponent == "scalar":
        torch_raises(lambda t: t.tensor([2, 3]) ** -1, RuntimeError)
    else:
        # PyTorch truncates 2 ** -1 to 0 here without a word; anygrad refuses (see above).
        assert (t.tensor([2, 3]) ** t.tensor([-1, 2])).tolist() == [0, 9]
