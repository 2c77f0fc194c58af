"""Tensor creation, attributes, conversion, operators and backends (issue: foundation)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import anygrad


def dev(backend):
    return backend.device_obj()


def test_creation_functions_shapes_and_default_dtypes(backend):
    d = dev(backend)
    assert anygrad.zeros(2, 3, device=d).shape == (2, 3)
    assert anygrad.ones((2, 3), device=d).dtype == anygrad.float32
    assert anygrad.empty(4, device=d).shape == (4,)
    assert anygrad.full((2,), 7, device=d).dtype == anygrad.int64
    assert anygrad.full((2,), 7.0, device=d).dtype == anygrad.float32
    np.testing.assert_array_equal(anygrad.arange(5, device=d).numpy(), np.arange(5))
    assert anygrad.arange(5, device=d).dtype == anygrad.int64
    assert anygrad.arange(0.0, 1.0, 0.25, device=d).dtype == anygrad.float32
    np.testing.assert_allclose(anygrad.linspace(0, 1, 5, device=d).numpy(), np.linspace(0, 1, 5), rtol=1e-6)
    np.testing.assert_array_equal(anygrad.eye(3, device=d).numpy(), np.eye(3))
    assert anygrad.tensor([1, 2], device=d).dtype == anygrad.int64
    assert anygrad.tensor([1.0, 2.0], device=d).dtype == anygrad.float32
    assert anygrad.tensor([True], device=d).dtype == anygrad.bool
    assert anygrad.tensor(np.zeros(2), device=d).dtype == anygrad.float64  # arrays keep dtype
    for t in (anygrad.zeros(2, device=d), anygrad.tensor([1.0], device=d)):
        assert t.backend == backend.name
    if backend.device is not None:
        assert "device1" in str(anygrad.zeros(2, device=d).device)


def test_like_functions_follow_their_input(backend):
    x = anygrad.tensor([[1.0, 2.0]], dtype="float64", device=dev(backend))
    for f in (anygrad.zeros_like, anygrad.ones_like, anygrad.empty_like):
        y = f(x)
        assert (y.shape, y.dtype, y.backend, str(y.device)) == (x.shape, x.dtype, x.backend, str(x.device))
    y = anygrad.full_like(x, 3.0)
    np.testing.assert_array_equal(y.numpy(), [[3.0, 3.0]])


def test_same_seed_same_values_on_every_backend(backend):
    anygrad.manual_seed(123)
    a = anygrad.randn(3, 4, device=dev(backend)).numpy()
    b = anygrad.rand(5, device=dev(backend)).numpy()
    c = anygrad.randint(0, 10, (6,), device=dev(backend)).numpy()
    anygrad.manual_seed(123)
    with anygrad.default_backend("numpy"):
        np.testing.assert_array_equal(a, anygrad.randn(3, 4).numpy())
        np.testing.assert_array_equal(b, anygrad.rand(5).numpy())
        np.testing.assert_array_equal(c, anygrad.randint(0, 10, (6,)).numpy())
    assert a.dtype == np.float32 and 0 <= b.min() and b.max() < 1
    g1 = anygrad.Generator().manual_seed(7)
    g2 = anygrad.Generator().manual_seed(7)
    np.testing.assert_array_equal(anygrad.randn(3, generator=g1).numpy(), anygrad.randn(3, generator=g2).numpy())


def test_attributes(backend):
    x = anygrad.zeros(2, 3, 4, device=dev(backend))
    assert x.size() == (2, 3, 4) and x.size(1) == 3 and x.size()[1:] == (3, 4)
    assert x.dim() == x.ndim == 3 and x.numel() == 24 and len(x) == 2
    assert x.mT.shape == (2, 4, 3)
    m = anygrad.zeros(2, 3, device=dev(backend))
    assert m.T.shape == (3, 2)
    with pytest.raises(ValueError, match="at most 2 dimensions"):
        x.T
    assert x.view(6, 4).shape == (6, 4) and x.reshape(-1).shape == (24,)
    assert x.view(-1, 12).shape == (2, 12)
    with pytest.raises(ValueError, match="invalid for input of shape"):
        x.view(5, -1)


def test_conversions(backend):
    x = anygrad.tensor([1.5, -2.0], device=dev(backend))
    assert x.double().dtype == anygrad.float64
    assert x.to(anygrad.float64).float().dtype == anygrad.float32
    assert x.to("float64").dtype == anygrad.float64
    assert isinstance(x.numpy(), np.ndarray)
    assert x.tolist() == [1.5, -2.0]
    assert anygrad.tensor(3.5, device=dev(backend)).item() == 3.5
    assert float(anygrad.tensor([2.0], device=dev(backend))) == 2.0
    with pytest.raises(ValueError, match="one-element"):
        x.item()
    with pytest.raises(RuntimeError, match="requires grad"):
        x.requires_grad_().numpy()
    assert x.detach().numpy().tolist() == [1.5, -2.0]
    np.testing.assert_array_equal(np.asarray(x.detach()), [1.5, -2.0])


def test_to_other_backend_and_dlpack(backend):
    x = anygrad.tensor([1.0, 2.0], backend="numpy")
    y = x.to(backend.name, device=dev(backend)) if backend.device else x.to(backend.name)
    assert y.backend == backend.name
    np.testing.assert_array_equal(y.numpy(), [1.0, 2.0])
    z = y.to(backend="numpy")
    assert z.backend == "numpy"
    if backend.name != "cupy":  # NumPy imports host (CPU) DLPack capsules only
        w = anygrad.from_dlpack(y, backend="numpy")
        np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])


def test_operators_and_reflected_scalars(backend):
    x = anygrad.tensor([1.0, 2.0, 4.0], dtype="float64", device=dev(backend))
    v = np.array([1.0, 2.0, 4.0])
    cases = {
        "x + 1": (x + 1, v + 1), "1 + x": (1 + x, 1 + v), "x - 1": (x - 1, v - 1),
        "1 - x": (1 - x, 1 - v), "x * 2": (x * 2, v * 2), "2 * x": (2 * x, 2 * v),
        "x / 2": (x / 2, v / 2), "2 / x": (2 / x, 2 / v), "x ** 2": (x ** 2, v ** 2),
        "2 ** x": (2 ** x, 2 ** v), "-x": (-x, -v), "abs(-x)": (abs(-x), v),
        "x // 3": (x // 3, v // 3), "x % 3": (x % 3, v % 3), "x @ x": (x @ x, v @ v),
    }
    for name, (got, want) in cases.items():
        np.testing.assert_allclose(got.numpy(), want, err_msg=name)
    assert (x > 1.5).dtype == anygrad.bool
    np.testing.assert_array_equal((x > 1.5).numpy(), [False, True, True])
    np.testing.assert_array_equal((x == 2.0).numpy(), [False, True, False])
    assert not (x > 1.5).requires_grad


def test_inplace_arithmetic_methods(backend):
    x = anygrad.tensor([1.0, 2.0], device=dev(backend))
    x.add_(1).mul_(2).sub_(1).div_(3)
    np.testing.assert_allclose(x.numpy(), [1.0, 5.0 / 3.0], rtol=1e-6)
    x.fill_(7.0)
    np.testing.assert_array_equal(x.numpy(), [7.0, 7.0])
    x.copy_(anygrad.tensor([3.0, -3.0], device=dev(backend)))
    x.clamp_(-1.0, 1.0)
    np.testing.assert_array_equal(x.numpy(), [1.0, -1.0])
    x += 1
    x *= 3
    np.testing.assert_array_equal(x.numpy(), [6.0, 0.0])
    x.zero_()
    np.testing.assert_array_equal(x.numpy(), [0.0, 0.0])


def test_tensor_copies_user_arrays_and_as_tensor_shares_them():
    # PyTorch: torch.tensor copies; torch.as_tensor / from_numpy / asarray share NumPy memory.
    host = np.array([1.0, 2.0])
    x = anygrad.tensor(host)
    x.add_(1.0)
    x[0] = 10.0
    np.testing.assert_array_equal(host, [1.0, 2.0])
    for make in (anygrad.as_tensor, anygrad.from_numpy, anygrad.asarray):
        host = np.array([1.0, 2.0])
        y = make(host)
        y.add_(1.0)
        y[0] = 10.0
        np.testing.assert_array_equal(host, [10.0, 3.0])


def test_repr_like_pytorch():
    x = anygrad.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(anygrad.tensor([1, 2])) == "tensor([1, 2])"
    assert "dtype=anygrad.float64" in repr(anygrad.tensor([1.0], dtype="float64"))


def test_repr_names_a_backend_other_than_numpy():
    pytest.importorskip("torch")
    assert "backend='torch'" in repr(anygrad.tensor([1.0], backend="torch"))


def test_default_backend_controls(backend):
    with anygrad.default_backend("numpy"):
        assert anygrad.zeros(1).backend == "numpy"
        with anygrad.default_backend(backend.name):
            assert anygrad.zeros(1).backend == backend.name
        assert anygrad.zeros(1).backend == "numpy"
    assert "numpy" in anygrad.backends() and "array_api_strict" in anygrad.backends()
    with pytest.raises(ValueError, match="unknown backend"):
        anygrad.set_default_backend("nope")


def test_environment_variable_sets_process_default():
    code = "import anygrad; print(anygrad.zeros(1).backend)"
    env = dict(os.environ, ANYGRAD_BACKEND="array_api_strict")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "array_api_strict"
    env["ANYGRAD_BACKEND"] = "bogus"
    bad = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert bad.returncode != 0 and "ANYGRAD_BACKEND" in bad.stderr


def test_array_namespace_is_differentiable(backend):
    x = anygrad.tensor([0.5, 1.5], dtype="float64", device=dev(backend), requires_grad=True)
    xp = x.__array_namespace__()
    y = xp.sum(xp.exp(x) * xp.ones_like(x))
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 1.5]))
    z = xp.zeros((2,), dtype=xp.float64)
    assert z.backend == backend.name
    assert xp.isdtype(x.dtype, "real floating")
