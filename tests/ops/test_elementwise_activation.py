"""Activations, softmax and logsumexp: forward vs NumPy float64, gradients vs central
differences, second derivatives, PyTorch's autograd, and stability for large inputs."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pytest

import anygrad as ag
from anygrad.ops import REGISTRY
from anygrad.testing import reference

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - torch is optional
    torch = None


def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _lse(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis) if axis is not None else out.reshape(())


SELU_A, SELU_S = 1.6732632423543772, 1.0507009873554805

# (id, anygrad fn, NumPy float64 reference, torch fn or None, domain)
CASES: list[tuple[str, Callable, Callable, Any, str]] = [
    ("relu", ag.relu, lambda x: np.maximum(x, 0), lambda x: F.relu(x), "nonzero"),
    ("leaky_relu", ag.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x),
     lambda x: F.leaky_relu(x), "nonzero"),
    ("leaky_relu-0.2", lambda x: ag.leaky_relu(x, negative_slope=0.2),
     lambda x: np.where(x > 0, x, 0.2 * x), lambda x: F.leaky_relu(x, 0.2), "nonzero"),
    ("elu", ag.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1), lambda x: F.elu(x), "nonzero"),
    ("elu-alpha", lambda x: ag.elu(x, alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1)),
     lambda x: F.elu(x, alpha=0.5), "nonzero"),
    ("selu", ag.selu, lambda x: SELU_S * np.where(x > 0, x, SELU_A * (np.exp(x) - 1)),
     lambda x: F.selu(x), "nonzero"),
    ("gelu", ag.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), lambda x: F.gelu(x), "wide"),
    ("gelu-tanh", lambda x: ag.gelu(x, approximate="tanh"),
     lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))),
     lambda x: F.gelu(x, approximate="tanh"), "wide"),
    ("silu", ag.silu, lambda x: x / (1 + np.exp(-x)), lambda x: F.silu(x), "wide"),
    ("sigmoid", ag.sigmoid, lambda x: 1 / (1 + np.exp(-x)), lambda x: torch.sigmoid(x), "wide"),
    ("softplus", ag.softplus, lambda x: np.log1p(np.exp(x)), lambda x: F.softplus(x), "wide"),
    ("softplus-beta", lambda x: ag.softplus(x, beta=2.0, threshold=5.0),
     lambda x: np.where(2 * x > 5, x, np.log1p(np.exp(2 * x)) / 2),
     lambda x: F.softplus(x, beta=2.0, threshold=5.0), "nonzero"),
    ("logsigmoid", ag.logsigmoid, lambda x: -np.log1p(np.exp(-x)), lambda x: F.logsigmoid(x), "wide"),
    ("hardtanh", ag.hardtanh, lambda x: np.clip(x, -1, 1), lambda x: F.hardtanh(x), "nonzero"),
    ("hardtanh-range", lambda x: ag.hardtanh(x, min_val=-0.5, max_val=2.0),
     lambda x: np.clip(x, -0.5, 2.0), lambda x: F.hardtanh(x, -0.5, 2.0), "nonzero"),
    ("softmax", ag.softmax, _softmax, lambda x: F.softmax(x, dim=-1), "wide"),
    ("softmax-dim0", lambda x: ag.softmax(x, dim=0), lambda x: _softmax(x, 0),
     lambda x: F.softmax(x, dim=0), "wide"),
    ("log_softmax", ag.log_softmax, lambda x: x - _lse(x, -1, True),
     lambda x: F.log_softmax(x, dim=-1), "wide"),
    ("log_softmax-axis0", lambda x: ag.log_softmax(x, axis=0), lambda x: x - _lse(x, 0, True),
     lambda x: F.log_softmax(x, dim=0), "wide"),
    ("logsumexp", ag.logsumexp, _lse, lambda x: torch.logsumexp(x, dim=(0, 1)), "wide"),
    ("logsumexp-dim1", lambda x: ag.logsumexp(x, dim=1), lambda x: _lse(x, 1),
     lambda x: torch.logsumexp(x, dim=1), "wide"),
    ("logsumexp-keepdims", lambda x: ag.logsumexp(x, axis=0, keepdims=True),
     lambda x: _lse(x, 0, True), lambda x: torch.logsumexp(x, dim=0, keepdim=True), "wide"),
]
IDS = [c[0] for c in CASES]


def draw(cid: str, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed + sum(map(ord, cid)))
    dom = dict((c[0], c[4]) for c in CASES)[cid]
    if dom == "nonzero":
        return rng.uniform(0.2, 3.0, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    return rng.uniform(-4.0, 4.0, (3, 4))


def numeric_vjp(f: Callable, x: np.ndarray, v: Any, h: float = 1e-6) -> np.ndarray:
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        p, m = x.copy(), x.copy()
        p[idx] += h
        m[idx] -= h
        g[idx] = np.sum((np.asarray(f(p)) - np.asarray(f(m))) * v) / (2 * h)
    return g


def to_np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def vjp(fn: Callable, x: np.ndarray, v: np.ndarray, backend: Any) -> np.ndarray:
    dev = backend.device_obj()
    t = ag.tensor(x, device=dev, requires_grad=True)
    (g,) = ag.autograd.grad(fn(t), t, grad_outputs=ag.tensor(v, device=dev))
    return to_np(g)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward(case: tuple, dtype: str, backend: Any) -> None:
    cid, fn, ref = case[:3]
    x = draw(cid).astype(dtype)
    out = fn(ag.tensor(x, device=backend.device_obj()))
    assert out.dtype == getattr(ag, dtype)
    tol = dict(rtol=3e-6, atol=3e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(to_np(out), ref(x.astype(np.float64)), **tol)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_vs_finite_differences(case: tuple, backend: Any) -> None:
    cid, fn, ref = case[:3]
    x = draw(cid)
    v = np.random.default_rng(1).standard_normal(np.shape(ref(x)))
    np.testing.assert_allclose(vjp(fn, x, v, backend), numeric_vjp(ref, x, v), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_second_derivative(case: tuple, backend: Any) -> None:
    cid, fn, ref = case[:3]
    dev = backend.device_obj()
    x = draw(cid, seed=7)
    rng = np.random.default_rng(3)
    v = rng.standard_normal(np.shape(ref(x)))
    w = rng.standard_normal(x.shape)
    t = ag.tensor(x, device=dev, requires_grad=True)
    (g,) = ag.autograd.grad(fn(t), t, grad_outputs=ag.tensor(v, device=dev), create_graph=True)
    if g.requires_grad:
        (h,) = ag.autograd.grad(ag.sum(g * ag.tensor(w, device=dev)), t, allow_unused=True)
        got = np.zeros_like(x) if h is None else to_np(h)
    else:  # piecewise-linear ops: the gradient does not depend on x
        got = np.zeros_like(x)
    # A directional central difference of the first-order VJP (two backward passes).
    d = rng.standard_normal(x.shape)
    h = 1e-5
    want = (np.sum(vjp(fn, x + h * d, v, backend) * w) - np.sum(vjp(fn, x - h * d, v, backend) * w)) / (2 * h)
    np.testing.assert_allclose(np.sum(got * d), want, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(torch is None, reason="torch is not installed")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_vs_torch_autograd(case: tuple) -> None:
    cid, fn, _, tfn = case[:4]
    x = draw(cid, seed=11)
    tx = torch.tensor(x, requires_grad=True)
    tout = tfn(tx)
    v = np.random.default_rng(2).standard_normal(tuple(tout.shape))
    (tg,) = torch.autograd.grad(tout, tx, grad_outputs=torch.tensor(v), create_graph=True)
    w = np.random.default_rng(5).standard_normal(x.shape)
    (thv,) = torch.autograd.grad((tg * torch.tensor(w)).sum(), tx, allow_unused=True)
    t = ag.tensor(x, requires_grad=True)
    out = fn(t)
    np.testing.assert_allclose(to_np(out), tout.detach().numpy(), rtol=1e-12, atol=1e-13)
    (g,) = ag.autograd.grad(out, t, grad_outputs=ag.tensor(v), create_graph=True)
    np.testing.assert_allclose(to_np(g), tg.detach().numpy(), rtol=1e-10, atol=1e-12)
    if g.requires_grad and thv is not None:
        (hv,) = ag.autograd.grad(ag.sum(g * ag.tensor(w)), t, allow_unused=True)
        np.testing.assert_allclose(to_np(hv), thv.numpy(), rtol=1e-9, atol=1e-11)


# -- stability for large inputs ----------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logsumexp_softmax_large_inputs(backend: Any, dtype: str) -> None:
    dev = backend.device_obj()
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1002.0, -1001.0]])
    m = x.max(axis=1, keepdims=True)
    lse = (np.log(np.exp(x - m).sum(axis=1, keepdims=True)) + m)[:, 0]
    t = ag.tensor(x.astype(dtype), device=dev, requires_grad=True)
    out = ag.logsumexp(t, axis=1)
    assert np.all(np.isfinite(to_np(out)))
    np.testing.assert_allclose(to_np(out), lse, rtol=1e-6)
    ag.sum(out).backward()
    # float32 carries lse ~ 1e3 to within an ulp (6e-5), hence the looser tolerance.
    rtol = 1e-4 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(to_np(t.grad), np.exp(x - lse[:, None]), rtol=rtol, atol=1e-7)
    sm = ag.softmax(ag.tensor(x.astype(dtype), device=dev), dim=1)
    np.testing.assert_allclose(to_np(sm), np.exp(x - lse[:, None]), rtol=rtol, atol=1e-7)
    ls = ag.log_softmax(ag.tensor(x.astype(dtype), device=dev), dim=1)
    np.testing.assert_allclose(to_np(ls), x - lse[:, None], rtol=1e-5, atol=1e-4)
    # Whole-tensor logsumexp and an all -inf slice.
    whole = ag.logsumexp(ag.tensor(x.astype(dtype), device=dev))
    np.testing.assert_allclose(to_np(whole), 1001.0 + np.log1p(np.exp(-1) + np.exp(-2)), rtol=1e-6)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer here
        ninf = ag.logsumexp(ag.tensor(np.full((2,), -np.inf, dtype=dtype), device=dev))
    assert to_np(ninf) == -np.inf


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sigmoid_family_large_inputs(backend: Any, dtype: str) -> None:
    dev = backend.device_obj()
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    t = ag.tensor(x.astype(dtype), device=dev, requires_grad=True)
    s = ag.sigmoid(t)
    ls = ag.logsigmoid(t)
    sp = ag.softplus(t)
    for out in (s, ls, sp):
        assert np.all(np.isfinite(to_np(out)))
    np.testing.assert_allclose(to_np(s), [0.0, np.exp(-50.0), 0.5, 1.0, 1.0], rtol=1e-5, atol=0)
    np.testing.assert_allclose(to_np(ls), [-1000.0, -50.0, -np.log(2), -np.exp(-50.0), 0.0], rtol=1e-6)
    np.testing.assert_allclose(to_np(sp), [0.0, np.exp(-50.0), np.log(2), 50.0, 1000.0], rtol=1e-6)
    ag.sum(s + ls + sp).backward()
    g = to_np(t.grad)
    assert np.all(np.isfinite(g))
    # d/dx [sigmoid + logsigmoid + softplus] = s(1-s) + (1-s) + s = s(1-s) + 1
    np.testing.assert_allclose(g, [1.0, 1.0, 1.25, 1.0, 1.0], rtol=1e-6)
    silu = ag.silu(ag.tensor(x.astype(dtype), device=dev))
    np.testing.assert_allclose(to_np(silu), [0.0, -50 * np.exp(-50.0), 0.0, 50.0, 1000.0], rtol=1e-6, atol=1e-30)


def test_softmax_options(backend: Any) -> None:
    dev = backend.device_obj()
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    t = ag.tensor(x, device=dev)
    np.testing.assert_allclose(to_np(ag.softmax(t, 1)), _softmax(x, 1), rtol=1e-12)
    np.testing.assert_allclose(to_np(t.softmax(dim=1)), _softmax(x, 1), rtol=1e-12)
    np.testing.assert_allclose(to_np(t.log_softmax(0)), np.log(_softmax(x, 0)), rtol=1e-12)
    np.testing.assert_allclose(to_np(t.logsumexp(2, keepdim=True)), _lse(x, 2, True), rtol=1e-12)
    np.testing.assert_allclose(to_np(ag.logsumexp(t, axis=(0, 2))), _lse(x, (0, 2)), rtol=1e-12)
    with pytest.raises(TypeError, match="softmax"):
        ag.softmax(t, 1, dim=1)
    with pytest.raises(ValueError, match="softmax"):
        ag.softmax(t, dim=3)
    with pytest.raises(ValueError, match="gelu"):
        ag.gelu(t, approximate="erf")


def test_relu_backward_uses_output_mask(backend: Any) -> None:
    dev = backend.device_obj()
    t = ag.tensor(np.array([-1.0, 0.0, 2.0, 3.0]), device=dev, requires_grad=True)
    ag.sum(ag.relu(t) * ag.tensor(np.array([1.0, 2.0, 3.0, 4.0]), device=dev)).backward()
    np.testing.assert_array_equal(to_np(t.grad), [0.0, 0.0, 3.0, 4.0])  # 0 at 0, as PyTorch
    assert t.relu().grad_fn.name() == "ReluBackward0"  # PyTorch's name


def test_registry_entries() -> None:
    for name in ("relu", "leaky_relu", "elu", "selu", "gelu", "silu", "sigmoid", "softplus",
                 "logsigmoid", "hardtanh", "softmax", "log_softmax", "logsumexp"):
        spec = REGISTRY[name]
        assert spec.differentiable and spec.twice_differentiable, name
        assert spec.category == "activation"
        x = draw("sigmoid")
        for kw in spec.kwargs:
            want = reference(spec)(x, **kw)
            np.testing.assert_allclose(to_np(spec.call(ag.tensor(x), **kw)), want,
                                       rtol=1e-10, atol=1e-12, err_msg=f"{name} {kw}")
