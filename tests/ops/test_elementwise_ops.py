"""Elementwise operations: forward vs NumPy float64, gradients vs central differences,
second derivatives, and PyTorch's autograd, on every backend.

The cases are listed here, independently of the registry, so that a wrong registry entry
cannot make its own test pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pytest

import anygrad as ag
from anygrad.ops import REGISTRY

try:
    import torch
except ImportError:  # pragma: no cover - torch is optional
    torch = None


@dataclass
class Case:
    name: str
    fn: Callable
    ref: Callable
    domains: tuple
    torch_fn: Callable | None = None
    kw: dict = field(default_factory=dict)
    tag: str = ""
    second: bool = True

    @property
    def id(self) -> str:
        return self.name + (f"-{self.tag}" if self.tag else "")


def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _fmod_t(a, b):
    return torch.fmod(a, b)


U = ("real",)
B = ("real", "real")
CASES = [
    Case("abs", ag.abs, np.abs, ("nonzero",), lambda x: torch.abs(x)),
    Case("acos", ag.acos, np.arccos, ("unit",), lambda x: torch.acos(x)),
    Case("acosh", ag.acosh, np.arccosh, ("gt1",), lambda x: torch.acosh(x)),
    Case("add", ag.add, np.add, B, lambda a, b: a + b),
    Case("add", lambda a, b: ag.add(a, b, alpha=2.5), lambda a, b: a + 2.5 * b, B,
         lambda a, b: torch.add(a, b, alpha=2.5), tag="alpha"),
    Case("asin", ag.asin, np.arcsin, ("unit",), lambda x: torch.asin(x)),
    Case("asinh", ag.asinh, np.arcsinh, U, lambda x: torch.asinh(x)),
    Case("atan", ag.atan, np.arctan, U, lambda x: torch.atan(x)),
    Case("atan2", ag.atan2, np.arctan2, ("nonzero", "nonzero"), lambda a, b: torch.atan2(a, b)),
    Case("atanh", ag.atanh, np.arctanh, ("unit",), lambda x: torch.atanh(x)),
    Case("ceil", ag.ceil, np.ceil, U, lambda x: torch.ceil(x)),
    Case("clip", lambda x: ag.clip(x, -1.0, 1.0), lambda x: np.clip(x, -1.0, 1.0), U,
         lambda x: torch.clamp(x, -1.0, 1.0)),
    Case("clip", lambda x: ag.clip(x, min=-0.5), lambda x: np.maximum(x, -0.5), U,
         lambda x: torch.clamp(x, min=-0.5), tag="min"),
    Case("clip", lambda x: ag.clip(x, max=0.5), lambda x: np.minimum(x, 0.5), U,
         lambda x: torch.clamp(x, max=0.5), tag="max"),
    Case("clip", lambda x, lo, hi: ag.clip(x, lo, hi), lambda x, lo, hi: np.minimum(np.maximum(x, lo), hi),
         ("real", "lo", "hi"), lambda x, lo, hi: torch.clamp(x, lo, hi), tag="tensors"),
    Case("copysign", ag.copysign, np.copysign, ("nonzero", "nonzero"),
         lambda a, b: torch.copysign(a, b)),
    Case("cos", ag.cos, np.cos, U, lambda x: torch.cos(x)),
    Case("cosh", ag.cosh, np.cosh, U, lambda x: torch.cosh(x)),
    Case("divide", ag.divide, np.divide, ("real", "nonzero"), lambda a, b: a / b),
    Case("divide", lambda a, b: ag.divide(a, b, rounding_mode="trunc"),
         lambda a, b: np.trunc(a / b), ("real", "nonzero"),
         lambda a, b: torch.div(a, b, rounding_mode="trunc"), tag="trunc"),
    Case("erf", ag.erf, _erf, ("wide",), lambda x: torch.erf(x)),
    Case("exp", ag.exp, np.exp, U, lambda x: torch.exp(x)),
    Case("exp2", ag.exp2, np.exp2, U, lambda x: torch.exp2(x)),
    Case("expm1", ag.expm1, np.expm1, U, lambda x: torch.expm1(x)),
    Case("floor", ag.floor, np.floor, U, lambda x: torch.floor(x)),
    Case("floor_divide", ag.floor_divide, np.floor_divide, ("real", "nonzero"), None),
    Case("fmod", ag.fmod, np.fmod, ("real", "nonzero"), _fmod_t),
    Case("hypot", ag.hypot, np.hypot, ("nonzero", "nonzero"), lambda a, b: torch.hypot(a, b)),
    Case("log", ag.log, np.log, ("positive",), lambda x: torch.log(x)),
    Case("log10", ag.log10, np.log10, ("positive",), lambda x: torch.log10(x)),
    Case("log1p", ag.log1p, np.log1p, ("positive",), lambda x: torch.log1p(x)),
    Case("log2", ag.log2, np.log2, ("positive",), lambda x: torch.log2(x)),
    Case("logaddexp", ag.logaddexp, np.logaddexp, B, lambda a, b: torch.logaddexp(a, b)),
    Case("maximum", ag.maximum, np.maximum, B, lambda a, b: torch.maximum(a, b)),
    Case("minimum", ag.minimum, np.minimum, B, lambda a, b: torch.minimum(a, b)),
    Case("multiply", ag.multiply, np.multiply, B, lambda a, b: a * b),
    Case("negative", ag.negative, np.negative, U, lambda x: -x),
    Case("positive", ag.positive, np.positive, U, None, second=False),
    Case("pow", ag.pow, np.power, ("positive", "real"), lambda a, b: torch.pow(a, b)),
    Case("reciprocal", ag.reciprocal, np.reciprocal, ("nonzero",), lambda x: torch.reciprocal(x)),
    Case("remainder", ag.remainder, np.remainder, ("real", "nonzero"),
         lambda a, b: torch.remainder(a, b)),
    Case("round", ag.round, np.round, U, lambda x: torch.round(x)),
    Case("round", lambda x: ag.round(x, decimals=1), lambda x: np.round(x, 1), U,
         lambda x: torch.round(x, decimals=1), tag="decimals"),
    Case("rsqrt", ag.rsqrt, lambda x: 1 / np.sqrt(x), ("positive",), lambda x: torch.rsqrt(x)),
    Case("sign", ag.sign, np.sign, ("nonzero",), lambda x: torch.sign(x)),
    Case("sin", ag.sin, np.sin, U, lambda x: torch.sin(x)),
    Case("sinh", ag.sinh, np.sinh, U, lambda x: torch.sinh(x)),
    Case("sqrt", ag.sqrt, np.sqrt, ("positive",), lambda x: torch.sqrt(x)),
    Case("square", ag.square, np.square, U, lambda x: torch.square(x)),
    Case("subtract", ag.subtract, np.subtract, B, lambda a, b: a - b),
    Case("tan", ag.tan, np.tan, ("unit",), lambda x: torch.tan(x)),
    Case("tanh", ag.tanh, np.tanh, U, lambda x: torch.tanh(x)),
    Case("trunc", ag.trunc, np.trunc, U, lambda x: torch.trunc(x)),
]

IDS = [c.id for c in CASES]
SHAPES = {1: [(3, 4)], 2: [(3, 4), (4,)], 3: [(3, 4), (4,), (3, 1)]}


def draw(case: Case, seed: int = 0) -> list:
    rng = np.random.default_rng(seed + sum(map(ord, case.id)))
    out = []
    for shape, dom in zip(SHAPES[len(case.domains)], case.domains):
        if dom == "real":
            # Values away from integers and half-integers, where step functions jump.
            x = rng.integers(-3, 3, shape) + rng.uniform(0.1, 0.4, shape) * rng.choice([1, 2], shape)
            x = x + rng.uniform(-0.01, 0.01, shape)
        elif dom == "positive":
            x = rng.uniform(0.2, 3.0, shape)
        elif dom == "unit":
            x = rng.uniform(-0.9, 0.9, shape)
        elif dom == "gt1":
            x = rng.uniform(1.2, 3.0, shape)
        elif dom == "nonzero":
            x = rng.uniform(0.3, 3.0, shape) * rng.choice([-1.0, 1.0], shape)
        elif dom == "wide":
            x = rng.uniform(-5.0, 5.0, shape)
        elif dom == "lo":
            x = rng.uniform(-2.0, -0.5, shape)
        elif dom == "hi":
            x = rng.uniform(0.5, 2.0, shape)
        else:  # pragma: no cover
            raise ValueError(dom)
        out.append(np.asarray(x, dtype=np.float64))
    return out


def tensors(arrays: list, backend: Any, dtype: str = "float64", requires_grad: bool = False) -> list:
    return [ag.tensor(a.astype(dtype), device=backend.device_obj(), requires_grad=requires_grad)
            for a in arrays]


def to_np(t: Any) -> np.ndarray:
    return np.asarray(t.detach().numpy() if isinstance(t, ag.Tensor) else t, dtype=np.float64)


def numeric_vjp(f: Callable, inputs: list, v: np.ndarray, h: float = 1e-6) -> list:
    """Central differences of ``sum(f(*inputs) * v)`` with respect to every input element."""
    grads = []
    for i, x in enumerate(inputs):
        g = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            plus = [a.copy() for a in inputs]
            minus = [a.copy() for a in inputs]
            plus[i][idx] += h
            minus[i][idx] -= h
            g[idx] = np.sum((np.asarray(f(*plus)) - np.asarray(f(*minus))) * v) / (2 * h)
        grads.append(g)
    return grads


def analytic_vjp(case: Case, arrays: list, v: np.ndarray, backend: Any) -> list:
    ts = tensors(arrays, backend, requires_grad=True)
    out = case.fn(*ts, **case.kw)
    vt = ag.tensor(v, device=backend.device_obj())
    grads = ag.autograd.grad(out, ts, grad_outputs=vt, allow_unused=True)
    return [np.zeros_like(a) if g is None else to_np(g) for g, a in zip(grads, arrays)]


def out_shape(arrays: list) -> tuple:
    return np.broadcast_shapes(*[a.shape for a in arrays])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward(case: Case, dtype: str, backend: Any) -> None:
    arrays = draw(case)
    ts = tensors(arrays, backend, dtype)
    out = case.fn(*ts, **case.kw)
    assert isinstance(out, ag.Tensor)
    assert out.dtype == getattr(ag, dtype), f"{case.id}: dtype {out.dtype} from {dtype} inputs"
    assert out.device == ts[0].device
    expected = case.ref(*[a.astype(dtype).astype(np.float64) for a in arrays])
    tol = dict(rtol=2e-6, atol=2e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(to_np(out), expected, **tol)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_vs_finite_differences(case: Case, backend: Any) -> None:
    arrays = draw(case)
    v = np.random.default_rng(1).standard_normal(out_shape(arrays))
    got = analytic_vjp(case, arrays, v, backend)
    want = numeric_vjp(case.ref, arrays, v)
    for i, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6, err_msg=f"{case.id} input {i}")


@pytest.mark.parametrize("case", [c for c in CASES if c.second], ids=[c.id for c in CASES if c.second])
def test_second_derivative(case: Case, backend: Any) -> None:
    arrays = draw(case, seed=3)
    rng = np.random.default_rng(2)
    v = rng.standard_normal(out_shape(arrays))
    ws = [rng.standard_normal(a.shape) for a in arrays]

    def first(*xs: np.ndarray) -> float:
        gs = analytic_vjp(case, list(xs), v, backend)
        return float(sum(np.sum(g * w) for g, w in zip(gs, ws)))

    ts = tensors(arrays, backend, requires_grad=True)
    out = case.fn(*ts, **case.kw)
    gs = ag.autograd.grad(out, ts, grad_outputs=ag.tensor(v, device=backend.device_obj()),
                          create_graph=True, allow_unused=True)
    total = None
    for g, w in zip(gs, ws):
        if g is None or not g.requires_grad:
            continue
        term = ag.sum(g * ag.tensor(w, device=backend.device_obj()))
        total = term if total is None else total + term
    if total is None:
        got = [np.zeros_like(a) for a in arrays]
    else:
        hv = ag.autograd.grad(total, ts, allow_unused=True)
        got = [np.zeros_like(a) if h is None else to_np(h) for h, a in zip(hv, arrays)]
    # A directional central difference of the first-order VJP (two backward passes).
    ds = [rng.standard_normal(a.shape) for a in arrays]
    h = 1e-5
    want = (first(*[a + h * d for a, d in zip(arrays, ds)])
            - first(*[a - h * d for a, d in zip(arrays, ds)])) / (2 * h)
    directional = sum(float(np.sum(g * d)) for g, d in zip(got, ds))
    np.testing.assert_allclose(directional, want, rtol=1e-5, atol=1e-5, err_msg=case.id)


@pytest.mark.skipif(torch is None, reason="torch is not installed")
@pytest.mark.parametrize("case", [c for c in CASES if c.torch_fn], ids=[c.id for c in CASES if c.torch_fn])
def test_vs_torch_autograd(case: Case) -> None:
    arrays = draw(case, seed=5)
    v = np.random.default_rng(4).standard_normal(out_shape(arrays))
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    tout = case.torch_fn(*tt)
    tgrads = torch.autograd.grad(tout, tt, grad_outputs=torch.tensor(v), allow_unused=True)
    ts = [ag.tensor(a, requires_grad=True) for a in arrays]
    out = case.fn(*ts, **case.kw)
    np.testing.assert_allclose(to_np(out), tout.detach().numpy(), rtol=1e-12, atol=1e-12)
    grads = ag.autograd.grad(out, ts, grad_outputs=ag.tensor(v), allow_unused=True)
    for i, (g, tg) in enumerate(zip(grads, tgrads)):
        want = np.zeros_like(arrays[i]) if tg is None else tg.numpy()
        got = np.zeros_like(arrays[i]) if g is None else to_np(g)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=f"{case.id} input {i}")


def test_cases_match_registry() -> None:
    for case in CASES:
        spec = REGISTRY[case.name]
        assert spec.differentiable, case.name
    covered = {c.name for c in CASES}
    for name, spec in REGISTRY.items():
        if spec.category in ("arithmetic", "exponential", "trigonometric", "rounding", "special"):
            assert name in covered, f"{name} has no elementwise test case"
