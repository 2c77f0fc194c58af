"""A LeNet training step through the NumPy fast paths agrees with the standard-only generic
code (array-api-strict runs no fast path) and with PyTorch, and keeps float32 throughout."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn.functional as F

from nn_helpers import torch

rng = np.random.default_rng(11)


def _net(lib):
    F_ = lib.nn.functional

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = lib.nn.Conv2d(1, 3, 3, padding=1)
            self.conv2 = lib.nn.Conv2d(3, 4, 3, stride=2)
            self.fc = lib.nn.Linear(4 * 3 * 3, 5)

        def forward(self, x):
            x = F_.max_pool2d(F_.relu(self.conv1(x)), 2)
            x = F_.max_pool2d(F_.relu(self.conv2(x)), 2, stride=1, padding=1)
            return self.fc(x.reshape(x.shape[0], -1))

    return Net()


def _steps(backend_name, dtype, params, x, y, n=3):
    lib = anygrad
    with anygrad.default_backend(backend_name):
        net = _net(lib).to(dtype=getattr(anygrad, dtype))
        for p, v in zip(net.parameters(), params):
            p.data.copy_(anygrad.tensor(v.astype(dtype), backend=backend_name))
        opt = anygrad.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        xt = anygrad.tensor(x.astype(dtype), backend=backend_name)
        yt = anygrad.tensor(y, backend=backend_name)
        losses = []
        for _ in range(n):
            opt.zero_grad()
            loss = F.cross_entropy(net(xt), yt)
            loss.backward()
            for p in net.parameters():
                assert p.grad.dtype == p.dtype, "a float64 upcast leaked into a gradient"
            opt.step()
            losses.append(float(loss.item()))
        return losses, [np.asarray(p.detach().numpy(), dtype=np.float64) for p in net.parameters()]


def _data():
    anygrad.manual_seed(3)
    params = [np.asarray(p.detach().numpy(), dtype=np.float64) for p in _net(anygrad).parameters()]
    x = rng.standard_normal((4, 1, 12, 12))
    y = rng.integers(0, 5, 4)
    return params, x, y


def test_numpy_fast_step_matches_generic_step():
    params, x, y = _data()
    fast = _steps("numpy", "float64", params, x, y)
    generic = _steps("array_api_strict", "float64", params, x, y)
    np.testing.assert_allclose(fast[0], generic[0], rtol=1e-12)
    for a, b in zip(fast[1], generic[1]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_numpy_float32_step_stays_float32_and_matches_torch():
    if torch is None:
        pytest.skip("torch is not installed")
    params, x, y = _data()
    losses, new = _steps("numpy", "float32", params, x, y)
    tnet = _net(torch).double()
    with torch.no_grad():
        for p, v in zip(tnet.parameters(), params):
            p.copy_(torch.tensor(v))
    opt = torch.optim.SGD(tnet.parameters(), lr=0.1, momentum=0.9)
    tl = []
    for _ in range(3):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(tnet(torch.tensor(x)), torch.tensor(y))
        loss.backward()
        opt.step()
        tl.append(loss.item())
    np.testing.assert_allclose(losses, tl, rtol=1e-4)
    for a, p in zip(new, tnet.parameters()):
        np.testing.assert_allclose(a, p.detach().numpy(), rtol=1e-3, atol=1e-4)
