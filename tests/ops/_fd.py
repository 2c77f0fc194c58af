"""A small central-difference gradient checker for the reduction and linalg tests."""

from __future__ import annotations

import numpy as np

import anygrad


def T(a, backend, requires_grad=True):
    """A float64 tensor on the test's backend and device."""
    return anygrad.tensor(np.asarray(a, dtype=np.float64), dtype=anygrad.float64,
                          device=backend.device_obj(), requires_grad=requires_grad)


def N(t):
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def check_grad(fn, arrays, backend, *, wrt=None, order=1, eps=1e-6, atol=1e-5, rtol=1e-4, seed=0):
    """Compare autograd's gradient of ``sum(fn(*xs) * W)`` (``order=1``) or of
    ``sum(grad(...) * V)`` (``order=2``) with central differences in float64."""
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    wrt = list(range(len(arrays))) if wrt is None else list(wrt)
    out0 = fn(*[T(a, backend, False) for a in arrays])
    W = rng.standard_normal(tuple(out0.shape))
    V = [rng.standard_normal(arrays[i].shape) for i in wrt]

    def loss(arrs):
        ts = [T(a, backend) for a in arrs]
        L = (fn(*ts) * T(W, backend, False)).sum()
        if order == 2:
            gs = anygrad.autograd.grad(L, [ts[i] for i in wrt], create_graph=True,
                                       allow_unused=True, materialize_grads=True)
            L = sum((g * T(v, backend, False)).sum() for g, v in zip(gs, V))
        return L, ts

    L, ts = loss(arrays)
    if L.requires_grad:
        got = anygrad.autograd.grad(L, [ts[i] for i in wrt], allow_unused=True)
    else:  # a linear op: the second derivative is identically zero
        got = [None] * len(wrt)
    for k, i in enumerate(wrt):
        num = np.zeros_like(arrays[i])
        for idx in np.ndindex(arrays[i].shape):
            p = [a.copy() for a in arrays]
            p[i][idx] += eps
            fp = float(loss(p)[0].item())
            p[i][idx] -= 2 * eps
            fm = float(loss(p)[0].item())
            num[idx] = (fp - fm) / (2 * eps)
        g = np.zeros_like(num) if got[k] is None else N(got[k])
        np.testing.assert_allclose(g, num, atol=atol, rtol=rtol,
                                   err_msg=f"order-{order} gradient of input {i}")
