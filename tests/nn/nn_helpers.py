"""Shared helpers: run an anygrad function and its PyTorch twin on the same data."""

from __future__ import annotations

import numpy as np

import anygrad

try:
    import torch
except ImportError:  # pragma: no cover - torch is optional
    torch = None


def ag(backend, a, requires_grad=False, dtype=None):
    """An anygrad tensor on ``backend`` from a NumPy array."""
    a = np.asarray(a)
    return anygrad.tensor(a, backend=backend.name, device=backend.device_obj(), dtype=dtype,
                          requires_grad=requires_grad)


def to_np(t):
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def compare(backend, fn_ag, fn_torch, arrays, *, grad=(), rtol=1e-6, atol=1e-7, seed=0):
    """Check forward values and input gradients of ``fn_ag`` against ``fn_torch``.

    ``arrays`` are float64 NumPy inputs (integer arrays pass through); ``grad`` lists the
    indices to differentiate.
    """
    if torch is None:
        import pytest

        pytest.skip("torch is not installed")
    xs = [ag(backend, a, i in grad) for i, a in enumerate(arrays)]
    ts = [torch.tensor(a, requires_grad=i in grad) for i, a in enumerate(arrays)]
    y = fn_ag(*xs)
    ty = fn_torch(*ts)
    np.testing.assert_allclose(to_np(y), ty.detach().numpy(), rtol=rtol, atol=atol)
    if grad:
        gy = np.random.default_rng(seed).standard_normal(tuple(ty.shape))
        (y * ag(backend, gy)).sum().backward()
        (ty * torch.tensor(gy)).sum().backward()
        for i in grad:
            np.testing.assert_allclose(to_np(xs[i].grad), ts[i].grad.numpy(), rtol=rtol, atol=atol,
                                       err_msg=f"gradient of input {i}")
    return y

