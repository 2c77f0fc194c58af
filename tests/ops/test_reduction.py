"""Reductions and statistics: forward vs NumPy float64, gradients vs central differences
(first and second order), zeros in prod/cumulative_prod, PyTorch's tie rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

import anygrad
from anygrad.autograd import gradcheck, gradgradcheck

# Float64 inputs, so the checks' tolerances measure the rules, not rounding; first order at
# every position (no input here has more than 64 elements).
FD = {"atol": 1e-5, "rtol": 1e-4, "max_elements": 64}
FD2 = {"atol": 1e-4, "rtol": 1e-4}


def T(a, backend, requires_grad=True):
    """A float64 tensor on the test's backend and device."""
    return anygrad.tensor(np.asarray(a, dtype=np.float64), dtype=anygrad.float64,
                          device=backend.device_obj(), requires_grad=requires_grad)


def N(t):
    return np.asarray(t.detach().numpy(), dtype=np.float64)


RNG = np.random.default_rng(1234)
X = RNG.uniform(0.5, 2.0, (3, 4)) * np.where(RNG.random((3, 4)) > 0.3, 1, -1)

CASES = [
    ("sum", anygrad.sum, np.sum, [{}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}]),
    ("prod", anygrad.prod, np.prod, [{}, {"axis": 0}, {"axis": 1, "keepdims": True}]),
    ("mean", anygrad.mean, np.mean, [{}, {"axis": 1}, {"axis": 0, "keepdims": True}]),
    # anygrad.var/std have PyTorch's correction=1 default (the namespace's keep 0).
    ("var", anygrad.var, lambda x, correction=1, **k: np.var(x, ddof=correction, **k),
     [{}, {"axis": 0, "correction": 0}, {"axis": -1, "keepdims": True}]),
    ("std", anygrad.std, lambda x, correction=1, **k: np.std(x, ddof=correction, **k),
     [{}, {"axis": 0, "correction": 0}, {"axis": -1, "keepdims": True}]),
    ("amax", anygrad.amax, np.max, [{}, {"axis": 0}, {"axis": 1, "keepdims": True}]),
    ("amin", anygrad.amin, np.min, [{}, {"axis": 0}, {"axis": 1, "keepdims": True}]),
    ("max", anygrad.max, np.max, [{}, {"axis": 1}]),
    ("min", anygrad.min, np.min, [{}, {"axis": (0, 1)}]),
    ("cumulative_sum", anygrad.cumulative_sum, lambda x, axis: np.cumsum(x, axis=axis),
     [{"axis": 0}, {"axis": 1}]),
    ("cumulative_prod", anygrad.cumulative_prod, lambda x, axis: np.cumprod(x, axis=axis),
     [{"axis": 0}, {"axis": -1}]),
]
PARAMS = [pytest.param(f, ref, kw, id=f"{name}-{i}") for name, f, ref, kws in CASES
          for i, kw in enumerate(kws)]


@pytest.mark.parametrize("fn,ref,kw", PARAMS)
def test_forward_and_gradient(backend, fn, ref, kw):
    out = fn(T(X, backend, False), **kw)
    np.testing.assert_allclose(N(out), ref(X, **kw), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda x: fn(x, **kw), [T(X, backend)], **FD)


@pytest.mark.parametrize("fn,ref,kw", [p for p in PARAMS if "max" not in p.id and "min" not in p.id])
def test_second_order(backend, fn, ref, kw):
    assert gradgradcheck(lambda x: fn(x, **kw), [T(X, backend)], **FD2)


def test_float32_forward(backend):
    x = anygrad.tensor(X.astype(np.float32), device=backend.device_obj())
    # anygrad.std is PyTorch's face: correction=1 unless told otherwise.
    for f, ref in ((anygrad.sum, np.sum), (anygrad.prod, np.prod),
                   (anygrad.std, lambda a, axis: np.std(a, axis=axis, ddof=1))):
        out = f(x, axis=0)
        assert out.dtype == anygrad.float32
        np.testing.assert_allclose(N(out), ref(X, axis=0), rtol=1e-5)


@pytest.mark.parametrize("zeros", [[(0, 1)], [(0, 1), (0, 3)], [(0, 0), (1, 2), (2, 2)]],
                         ids=["one-zero", "two-zeros-same-row", "scattered"])
def test_prod_with_zeros(backend, zeros):
    x = X.copy()
    for z in zeros:
        x[z] = 0.0
    for kw in ({}, {"axis": 1}, {"axis": 0}):
        assert gradcheck(lambda t: anygrad.prod(t, **kw), [T(x, backend)], **FD)
    # one zero: the gradient at the zero is the product of the rest; two zeros: all 0
    t = T(x, backend)
    anygrad.prod(t, axis=1).sum().backward()
    g = N(t.grad)
    for r in range(3):
        zs = [c for c in range(4) if x[r, c] == 0]
        if len(zs) == 1:
            np.testing.assert_allclose(g[r, zs[0]], np.prod(np.delete(x[r], zs[0])))
        elif len(zs) > 1:
            np.testing.assert_array_equal(g[r], 0.0)


def test_cumulative_prod_with_zeros(backend):
    x = X.copy()
    x[0, 1] = 0.0
    x[2, 0] = x[2, 3] = 0.0
    assert gradcheck(lambda t: anygrad.cumulative_prod(t, axis=1), [T(x, backend)], **FD)
    assert gradcheck(lambda t: anygrad.cumulative_prod(t, axis=0), [T(x, backend)], **FD)
    assert gradgradcheck(lambda t: anygrad.cumulative_prod(t, axis=1), [T(x, backend)], **FD2)


def test_include_initial(backend):
    for f, ref in ((anygrad.cumulative_sum, np.cumsum), (anygrad.cumulative_prod, np.cumprod)):
        out = f(T(X, backend, False), axis=1, include_initial=True)
        init = 0.0 if f is anygrad.cumulative_sum else 1.0
        expected = np.concatenate([np.full((3, 1), init), ref(X, axis=1)], axis=1)
        np.testing.assert_allclose(N(out), expected, rtol=1e-12)
        assert gradcheck(lambda t: f(t, axis=1, include_initial=True), [T(X, backend)], **FD)
    with pytest.raises(ValueError, match="cumulative_sum"):
        anygrad.cumulative_sum(T(X, backend, False))


def test_max_min_ties_match_pytorch(backend):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]])
    t = T(x, backend)
    anygrad.max(t).backward()  # full reduction: evenly among ties
    np.testing.assert_allclose(N(t.grad), [[0, 0.5, 0.5], [0, 0, 0]])
    t = T(x, backend)
    values, indices = anygrad.max(t, 1)  # PyTorch form: to the returned index
    np.testing.assert_array_equal(N(indices), [1, 0])
    np.testing.assert_allclose(N(values), [3, 2])
    values.sum().backward()
    np.testing.assert_allclose(N(t.grad), [[0, 1, 0], [1, 0, 0]])
    t = T(x, backend)
    r = anygrad.min(t, dim=1, keepdim=True)
    assert tuple(r.values.shape) == (2, 1) and not r.indices.requires_grad
    r.values.sum().backward()
    np.testing.assert_allclose(N(t.grad), [[1, 0, 0], [0, 1, 0]])
    t = T(x, backend)
    anygrad.amax(t, axis=1).sum().backward()
    np.testing.assert_allclose(N(t.grad), [[0, 0.5, 0.5], [0.5, 0, 0.5]])
    t = T(x, backend)
    t.max(dim=0).values.sum().backward()  # the Tensor method, PyTorch form
    np.testing.assert_allclose(N(t.grad), [[0, 1, 1], [1, 0, 0]])


def test_against_torch_autograd(backend):
    torch = pytest.importorskip("torch")
    x = X.copy()
    x[1, 2] = 0.0
    x[0, 0] = x[0, 3] = x[0, 1]  # ties
    ours = [lambda t: anygrad.prod(t, axis=1), lambda t: anygrad.max(t),
            lambda t: anygrad.max(t, 1).values, lambda t: anygrad.amin(t, axis=0),
            lambda t: t.var(1), lambda t: t.std(), lambda t: anygrad.cumulative_prod(t, axis=1),
            lambda t: anygrad.cumulative_sum(t, axis=0), lambda t: t.prod()]
    theirs = [lambda t: t.prod(1), lambda t: t.max(), lambda t: t.max(1).values,
              lambda t: t.amin(0), lambda t: t.var(1), lambda t: t.std(),
              lambda t: t.cumprod(1), lambda t: t.cumsum(0), lambda t: t.prod()]
    for f, g in zip(ours, theirs):
        a = T(x, backend)
        f(a).sum().backward()
        b = torch.tensor(x, requires_grad=True)
        g(b).sum().backward()
        np.testing.assert_allclose(N(a.grad), b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_nondifferentiable(backend):
    t = T(X, backend, False)
    np.testing.assert_array_equal(N(anygrad.argmax(t, axis=1)), np.argmax(X, axis=1))
    np.testing.assert_array_equal(N(anygrad.argmin(t)), np.argmin(X))
    np.testing.assert_array_equal(N(t.argmax(dim=0, keepdim=True)), np.argmax(X, axis=0)[None])
    b = anygrad.tensor(X > 0, device=backend.device_obj())
    np.testing.assert_array_equal(N(anygrad.all(b, axis=0)), np.all(X > 0, axis=0))
    np.testing.assert_array_equal(N(anygrad.any(b, axis=1, keepdims=True)), np.any(X > 0, axis=1, keepdims=True))
    np.testing.assert_array_equal(N(anygrad.count_nonzero(t - t, axis=1)), [0, 0, 0])
    assert int(anygrad.count_nonzero(b).item()) == int(np.count_nonzero(X > 0))
    for name in ("argmax", "argmin", "all", "any", "count_nonzero"):
        assert anygrad.ops.REGISTRY[name].differentiable is False


def test_aliases_and_errors(backend):
    t = T(X, backend, False)
    np.testing.assert_allclose(N(anygrad.sum(t, dim=1, keepdim=True)), X.sum(1, keepdims=True))
    np.testing.assert_allclose(N(anygrad.var(t, dim=0, unbiased=True)), X.var(0, ddof=1))
    np.testing.assert_allclose(N(t.var()), X.var(ddof=1))  # PyTorch's default is unbiased
    np.testing.assert_allclose(N(t.std(0, unbiased=False)), X.std(0))
    with pytest.raises(ValueError, match="axis 2 is out of bounds"):
        anygrad.sum(t, axis=2)
    with pytest.raises(TypeError):
        anygrad.sum(t, axis=0, dim=0)


def test_bool_sums_count(backend):
    # NumPy and PyTorch count True values (int64); the Array API leaves bool sums undefined.
    mask = np.array([[True, False, True], [True, True, False]])
    m = anygrad.tensor(mask, device=backend.device_obj())
    total = anygrad.sum(m)
    assert total.dtype == anygrad.int64 and total.item() == int(np.sum(mask))
    np.testing.assert_array_equal(anygrad.sum(m, axis=0).numpy(), np.sum(mask, axis=0))
    np.testing.assert_array_equal(anygrad.cumulative_sum(m, axis=1).numpy(),
                                  np.cumsum(mask, axis=1))
    assert (m == m).sum().item() == mask.size
