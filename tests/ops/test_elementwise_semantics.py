"""Elementwise semantics: non-differentiable ops, Python-scalar dtype rules, clip with
tensor bounds, tie rules, error messages, on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import anygrad as ag
from anygrad.ops import REGISTRY
from anygrad.testing import input_maker, reference

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def to_np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def T(a: Any, backend: Any, **kw: Any) -> Any:
    return ag.tensor(np.asarray(a), device=backend.device_obj(), **kw)


COMPARE = [("equal", np.equal), ("not_equal", np.not_equal), ("less", np.less),
           ("less_equal", np.less_equal), ("greater", np.greater),
           ("greater_equal", np.greater_equal)]


@pytest.mark.parametrize("name,ref", COMPARE, ids=[c[0] for c in COMPARE])
def test_comparisons(name: str, ref: Any, backend: Any) -> None:
    a = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    b = np.array([2.0, 2.0, 2.0])
    out = getattr(ag, name)(T(a, backend), T(b, backend))
    assert out.dtype == ag.bool and not out.requires_grad
    np.testing.assert_array_equal(to_np(out), ref(a, b))
    np.testing.assert_array_equal(to_np(getattr(ag, name)(T(a, backend), 2.0)), ref(a, 2.0))
    assert REGISTRY[name].differentiable is False


LOGICAL = [("logical_and", np.logical_and), ("logical_or", np.logical_or),
           ("logical_xor", np.logical_xor)]


@pytest.mark.parametrize("name,ref", LOGICAL, ids=[c[0] for c in LOGICAL])
def test_logical(name: str, ref: Any, backend: Any) -> None:
    a = np.array([[True, False], [True, True]])
    b = np.array([False, True])
    np.testing.assert_array_equal(to_np(getattr(ag, name)(T(a, backend), T(b, backend))), ref(a, b))
    np.testing.assert_array_equal(to_np(ag.logical_not(T(a, backend))), ~a)
    np.testing.assert_array_equal(to_np(~T(a, backend)), ~a)


BITWISE = [("bitwise_and", np.bitwise_and), ("bitwise_or", np.bitwise_or),
           ("bitwise_xor", np.bitwise_xor), ("bitwise_left_shift", np.left_shift),
           ("bitwise_right_shift", np.right_shift)]


@pytest.mark.parametrize("name,ref", BITWISE, ids=[c[0] for c in BITWISE])
def test_bitwise(name: str, ref: Any, backend: Any) -> None:
    a = np.array([[-7, 12, 5], [0, 33, -1]], dtype=np.int64)
    b = np.array([3, 1, 2], dtype=np.int64)
    out = getattr(ag, name)(T(a, backend), T(b, backend))
    assert out.dtype == ag.int64
    np.testing.assert_array_equal(to_np(out), ref(a, b))
    np.testing.assert_array_equal(to_np(ag.bitwise_invert(T(a, backend))), ~a)
    assert REGISTRY[name].differentiable is False


def test_float_predicates(backend: Any) -> None:
    x = np.array([1.0, np.inf, -np.inf, np.nan, -0.0, -2.0])
    t = T(x, backend)
    for name, ref in (("isfinite", np.isfinite), ("isinf", np.isinf), ("isnan", np.isnan),
                      ("signbit", np.signbit)):
        np.testing.assert_array_equal(to_np(getattr(ag, name)(t)), ref(x), err_msg=name)
        assert REGISTRY[name].differentiable is False


def test_isclose_allclose(backend: Any) -> None:
    a = np.array([1.0, 2.0, np.inf, np.nan, 1e-10, 5.0])
    b = np.array([1.0 + 1e-9, 2.1, np.inf, np.nan, 0.0, -np.inf])
    for kw in ({}, {"rtol": 0.1}, {"atol": 1e-3, "equal_nan": True}):
        got = ag.isclose(T(a, backend), T(b, backend), **kw)
        assert got.dtype == ag.bool
        np.testing.assert_array_equal(to_np(got), np.isclose(a, b, **kw), err_msg=str(kw))
    assert ag.allclose(T(a[:2], backend), T(a[:2] + 1e-9, backend)) is True
    assert ag.allclose(T(a, backend), T(b, backend)) is False
    assert ag.allclose(T(a[:2], backend), 1.0, atol=1.5) is True
    assert T(a[:1], backend).allclose(T(a[:1] * (1 + 1e-7), backend))


SCALAR_OPS = ["add", "subtract", "multiply", "divide", "pow", "maximum", "minimum", "remainder",
              "fmod", "atan2", "hypot", "copysign", "logaddexp", "floor_divide"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", SCALAR_OPS)
def test_python_scalars_keep_dtype(name: str, dtype: str, backend: Any) -> None:
    x = np.array([0.5, 1.5, 2.5], dtype=dtype)
    fn = getattr(ag, name)
    t = T(x, backend, requires_grad=True)
    out = fn(t, 2.0)
    assert out.dtype == getattr(ag, dtype), f"{name}(tensor, 2.0): {out.dtype}"
    ref = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply, "divide": np.divide,
           "pow": np.power, "maximum": np.maximum, "minimum": np.minimum, "remainder": np.remainder,
           "fmod": np.fmod, "atan2": np.arctan2, "hypot": np.hypot, "copysign": np.copysign,
           "logaddexp": np.logaddexp, "floor_divide": np.floor_divide}[name]
    np.testing.assert_allclose(to_np(out), ref(x.astype(np.float64), 2.0), rtol=1e-6)
    rev = fn(2.0, t)
    assert rev.dtype == getattr(ag, dtype), f"{name}(2.0, tensor): {rev.dtype}"
    np.testing.assert_allclose(to_np(rev), ref(2.0, x.astype(np.float64)), rtol=1e-6)
    ag.sum(out + rev).backward()
    assert t.grad.dtype == getattr(ag, dtype)


def test_operators_with_scalars(backend: Any) -> None:
    x = np.array([1.0, -2.0, 3.5], dtype=np.float32)
    t = T(x, backend)
    for got, want in ((t + 1, x + 1), (2 * t, 2 * x), (1 / t, 1 / x), (t ** 2, x ** 2),
                      (2.0 ** t, 2.0 ** x), (t % 1.5, x % 1.5), (t // 2, x // 2), (-t, -x),
                      (abs(t), np.abs(x))):
        assert got.dtype == ag.float32
        np.testing.assert_allclose(to_np(got), want, rtol=1e-6)


def test_clip_tensor_bounds_gradients(backend: Any) -> None:
    x = np.array([-2.0, -0.5, 0.5, 2.0, 0.0, 1.0])
    lo = np.array([-1.0, -1.0, -1.0, -1.0, 0.5, 2.0])  # the last: lo > hi, result is hi
    hi = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.5])
    tx, tlo, thi = (T(a, backend, requires_grad=True) for a in (x, lo, hi))
    out = ag.clip(tx, tlo, thi)
    np.testing.assert_array_equal(to_np(out), [-1.0, -0.5, 0.5, 1.0, 0.5, 0.5])
    ag.sum(out).backward()
    np.testing.assert_array_equal(to_np(tx.grad), [0, 1, 1, 0, 0, 0])
    np.testing.assert_array_equal(to_np(tlo.grad), [1, 0, 0, 0, 1, 0])
    np.testing.assert_array_equal(to_np(thi.grad), [0, 0, 0, 1, 0, 1])
    if torch is not None:
        ts = [torch.tensor(a, requires_grad=True) for a in (x, lo, hi)]
        torch.clamp(*ts).sum().backward()
        for t_, ag_ in zip(ts, (tx, tlo, thi)):
            np.testing.assert_array_equal(to_np(ag_.grad), t_.grad.numpy())
    # Scalar and one-sided bounds, and the Tensor method.
    t = T(x, backend, requires_grad=True)
    t.clamp(min=-1.0).sum().backward()
    np.testing.assert_array_equal(to_np(t.grad), [0, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(to_np(ag.clip(T(x, backend))), x)


def test_maximum_minimum_ties_split_half(backend: Any) -> None:
    a = T(np.array([1.0, 2.0, 3.0]), backend, requires_grad=True)
    b = T(np.array([1.0, 5.0, 3.0]), backend, requires_grad=True)
    ag.sum(ag.maximum(a, b) + 2 * ag.minimum(a, b)).backward()
    np.testing.assert_array_equal(to_np(a.grad), [1.5, 2.0, 1.5])
    np.testing.assert_array_equal(to_np(b.grad), [1.5, 1.0, 1.5])


def test_abs_and_relu_at_zero(backend: Any) -> None:
    t = T(np.array([0.0, -1.0, 2.0]), backend, requires_grad=True)
    ag.sum(ag.abs(t)).backward()
    np.testing.assert_array_equal(to_np(t.grad), [0.0, -1.0, 1.0])


def test_round_decimals_and_step_gradients(backend: Any) -> None:
    x = np.array([1.26, -0.55, 12.5, 13.5])
    t = T(x, backend, requires_grad=True)
    np.testing.assert_allclose(to_np(ag.round(t, decimals=1)), np.round(x, 1))
    np.testing.assert_array_equal(to_np(t.round()), np.round(x))
    np.testing.assert_allclose(to_np(ag.round(t, decimals=-1)), np.round(x, -1))
    ag.sum(ag.floor(t) + ag.ceil(t) + ag.trunc(t) + ag.sign(t) + ag.round(t)).backward()
    np.testing.assert_array_equal(to_np(t.grad), np.zeros(4))


def test_remainder_fmod_signs(backend: Any) -> None:
    a = np.array([-5.0, 5.0, -5.0, 5.0, 4.5, -6.0])
    b = np.array([3.0, 3.0, -3.0, -3.0, 1.5, 3.0])
    np.testing.assert_array_equal(to_np(ag.remainder(T(a, backend), T(b, backend))), np.remainder(a, b))
    np.testing.assert_array_equal(to_np(ag.fmod(T(a, backend), T(b, backend))), np.fmod(a, b))
    ai, bi = a.astype(np.int64), b.astype(np.int64)
    np.testing.assert_array_equal(to_np(ag.fmod(T(ai, backend), T(bi, backend))), np.fmod(ai, bi))
    np.testing.assert_array_equal(to_np(ag.remainder(T(ai, backend), T(bi, backend))), np.remainder(ai, bi))


def test_integer_inputs_stay_integer(backend: Any) -> None:
    a = T(np.array([-3, 0, 4], dtype=np.int64), backend)
    for out, want in ((ag.abs(a), [3, 0, 4]), (ag.negative(a), [3, 0, -4]), (ag.square(a), [9, 0, 16]),
                      (ag.maximum(a, T(np.array([0, 0, 0], dtype=np.int64), backend)), [0, 0, 4]),
                      (ag.sign(a), [-1, 0, 1]), (ag.relu(a), [0, 0, 4])):
        assert out.dtype == ag.int64
        np.testing.assert_array_equal(to_np(out), want)


def test_exp2_exact_at_integers(backend: Any) -> None:
    np.testing.assert_array_equal(to_np(ag.exp2(T(np.array([0.0, 3.0, -2.0, 10.0]), backend))),
                                  [1.0, 8.0, 0.25, 1024.0])


def test_erf_accuracy(backend: Any) -> None:
    import math

    x = np.linspace(-8, 8, 321)
    want = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(to_np(ag.erf(T(x, backend))), want, rtol=1e-14, atol=1e-15)


def test_errors_name_the_op() -> None:
    with pytest.raises(ValueError, match="divide"):
        ag.divide(ag.tensor([1.0]), ag.tensor([2.0]), rounding_mode="ceil")
    with pytest.raises(ValueError, match="hardtanh"):
        ag.hardtanh(ag.tensor([1.0]), min_val=1.0, max_val=-1.0)
    with pytest.raises(ValueError, match="logsumexp"):
        ag.logsumexp(ag.tensor([[1.0]]), axis=2)


def test_registry_flags() -> None:
    nondiff = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
               "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
               "bitwise_or", "bitwise_xor", "bitwise_invert", "bitwise_left_shift",
               "bitwise_right_shift", "isfinite", "isinf", "isnan", "signbit", "isclose",
               "allclose"]
    for name in nondiff:
        spec = REGISTRY[name]
        assert not spec.differentiable and not spec.twice_differentiable, name
        rng = np.random.default_rng(0)
        arrays = input_maker(spec)(rng, "float64")
        for kw in spec.kwargs:
            got = spec.call(*[ag.tensor(a) for a in arrays], **kw)
            want = reference(spec)(*arrays, **kw)
            np.testing.assert_array_equal(np.asarray(got.numpy() if isinstance(got, ag.Tensor) else got),
                                          want, err_msg=name)
    for name in ("ceil", "floor", "round", "trunc", "sign", "floor_divide"):
        assert "zero gradient" in REGISTRY[name].notes
