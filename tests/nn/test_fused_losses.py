"""The fused cross-entropy node (one Function, softmax - one-hot backward) against PyTorch:
weights, ignore_index, every reduction, 1-D and spatial inputs, and second derivatives."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn.functional as F

from nn_helpers import ag, compare, to_np, torch

TF = torch.nn.functional if torch is not None else None
rng = np.random.default_rng(5)

CASES = [
    ((5, 4), {"weight": True, "ignore_index": 2, "reduction": "mean"}),
    ((5, 4), {"weight": True, "reduction": "sum"}),
    ((5, 4), {"ignore_index": 0, "reduction": "none"}),
    ((3, 4, 2, 3), {"weight": True, "reduction": "mean"}),
    ((4,), {"reduction": "mean"}),
]


def _target(shape):
    if len(shape) == 1:
        return np.array(1)
    c = shape[1]
    return rng.integers(0, c, (shape[0],) + shape[2:])


@pytest.mark.parametrize("case", range(len(CASES)))
def test_fused_cross_entropy_matches_torch(backend, case):
    shape, opts = CASES[case]
    opts = dict(opts)
    x = rng.standard_normal(shape)
    arrays = [x, _target(shape)]
    if opts.pop("weight", False):
        arrays.append(rng.uniform(0.5, 2.0, shape[1]))
        compare(backend, lambda a, b, w: F.cross_entropy(a, b, weight=w, **opts),
                lambda a, b, w: TF.cross_entropy(a, b, weight=w, **opts), arrays, grad=(0,))
    else:
        compare(backend, lambda a, b: F.cross_entropy(a, b, **opts),
                lambda a, b: TF.cross_entropy(a, b, **opts), arrays, grad=(0,))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_fused_cross_entropy_second_order_matches_torch(backend, reduction):
    if torch is None:
        pytest.skip("torch is not installed")
    x = rng.standard_normal((4, 3))
    t = np.array([0, 2, 1, 2])
    w = rng.uniform(0.5, 2.0, 3)
    v = rng.standard_normal((4, 3))
    xa = ag(backend, x, True)
    loss = F.cross_entropy(xa, ag(backend, t), weight=ag(backend, w), ignore_index=1,
                           reduction=reduction).sum()
    (g,) = anygrad.autograd.grad(loss, xa, create_graph=True)
    (hv,) = anygrad.autograd.grad((g * ag(backend, v)).sum(), xa)
    xt = torch.tensor(x, requires_grad=True)
    lt = TF.cross_entropy(xt, torch.tensor(t), weight=torch.tensor(w), ignore_index=1,
                          reduction=reduction).sum()
    (gt,) = torch.autograd.grad(lt, xt, create_graph=True)
    (hvt,) = torch.autograd.grad((gt * torch.tensor(v)).sum(), xt)
    np.testing.assert_allclose(to_np(g), gt.detach().numpy(), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(to_np(hv), hvt.numpy(), rtol=1e-7, atol=1e-9)


def test_fused_cross_entropy_keeps_float32(backend):
    x = ag(backend, rng.standard_normal((6, 5)).astype(np.float32), True)
    loss = F.cross_entropy(x, ag(backend, rng.integers(0, 5, 6)))
    loss.backward()
    assert loss.dtype == x.dtype and x.grad.dtype == x.dtype
    assert loss.shape == ()


def test_fused_cross_entropy_bad_reduction():
    with pytest.raises(ValueError, match="cross_entropy: reduction"):
        F.cross_entropy(anygrad.zeros(2, 3), anygrad.tensor([0, 1]), reduction="avg")
