"""The losses and layers recorded as single nodes, against PyTorch: cross-entropy
(``NllLossBackward0`` over ``LogSoftmaxBackward0``) with weights, ignore_index, every
reduction, 1-D and spatial inputs; the pointwise losses in input and target; ``linear``;
first and second derivatives."""

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


# -- the other single-node losses: values, gradients in input and target, second order ----
P = rng.uniform(0.05, 0.95, (4, 3))
Q = rng.uniform(0.0, 1.0, (4, 3))
W3 = rng.uniform(0.5, 2.0, 3)

POINTWISE = [
    ("mse_loss", {}, "normal"),
    ("mse_loss", {"reduction": "none"}, "normal"),
    ("smooth_l1_loss", {"beta": 0.5, "reduction": "sum"}, "normal"),
    ("smooth_l1_loss", {}, "normal"),
    ("huber_loss", {"delta": 0.7}, "normal"),
    ("huber_loss", {"delta": 0.7, "reduction": "none"}, "normal"),
    ("binary_cross_entropy", {}, "probabilities"),
    ("binary_cross_entropy", {"weight": W3, "reduction": "none"}, "probabilities"),
    ("binary_cross_entropy_with_logits", {"reduction": "sum"}, "logits"),
    ("binary_cross_entropy_with_logits", {"weight": P, "pos_weight": W3}, "logits"),
    ("soft_margin_loss", {}, "signs"),
]


def _pointwise_inputs(kind):
    if kind == "probabilities":
        return P, Q
    if kind == "logits":
        return 3.0 * rng.standard_normal((4, 3)), Q
    x = rng.standard_normal((4, 3))
    if kind == "signs":
        return x, np.sign(rng.standard_normal((4, 3)))
    return x, rng.standard_normal((4, 3))


def _options(backend, opts, lib):
    """``opts`` with array values as constant tensors of ``lib``."""
    if lib == "torch":
        return {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in opts.items()}
    return {k: ag(backend, v) if isinstance(v, np.ndarray) else v for k, v in opts.items()}


@pytest.mark.parametrize("case", range(len(POINTWISE)),
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(POINTWISE)])
def test_single_node_loss_matches_torch(backend, case):
    """First and second derivatives in both input and target (where PyTorch has them)."""
    if torch is None:
        pytest.skip("torch is not installed")
    name, opts, kind = POINTWISE[case]
    x, t = _pointwise_inputs(kind)
    # PyTorch has no target gradient for soft_margin_loss; anygrad's is checked by the registry.
    grad_target = name != "soft_margin_loss"
    xa, ta = ag(backend, x, True), ag(backend, t, grad_target)
    y = getattr(F, name)(xa, ta, **_options(backend, opts, "anygrad"))
    assert y.grad_fn.name() == {
        "mse_loss": "MseLossBackward0", "smooth_l1_loss": "SmoothL1LossBackward0",
        "huber_loss": "HuberLossBackward0", "binary_cross_entropy": "BinaryCrossEntropyBackward0",
        "binary_cross_entropy_with_logits": "BinaryCrossEntropyWithLogitsBackward0",
        "soft_margin_loss": "SoftMarginLossBackward0"}[name]
    xt, tt = torch.tensor(x, requires_grad=True), torch.tensor(t, requires_grad=grad_target)
    yt = getattr(TF, name)(xt, tt, **_options(backend, opts, "torch"))
    np.testing.assert_allclose(to_np(y), yt.detach().numpy(), rtol=1e-7, atol=1e-9)
    gy = rng.standard_normal(tuple(yt.shape))
    ins_a, ins_t = ([xa, ta], [xt, tt]) if grad_target else ([xa], [xt])
    gs = anygrad.autograd.grad((y * ag(backend, gy)).sum(), ins_a, create_graph=True)
    gts = torch.autograd.grad((yt * torch.tensor(gy)).sum(), ins_t, create_graph=True)
    for g, gt in zip(gs, gts):
        np.testing.assert_allclose(to_np(g), gt.detach().numpy(), rtol=1e-7, atol=1e-9)
    vs = [rng.standard_normal((4, 3)) for _ in gs]
    hs = anygrad.autograd.grad(sum((g * ag(backend, v)).sum() for g, v in zip(gs, vs)), ins_a,
                               allow_unused=True)
    hts = torch.autograd.grad(sum((g * torch.tensor(v)).sum() for g, v in zip(gts, vs)), ins_t,
                              allow_unused=True)
    for h, ht in zip(hs, hts):
        want = np.zeros((4, 3)) if ht is None else ht.numpy()
        np.testing.assert_allclose(np.zeros((4, 3)) if h is None else to_np(h), want,
                                   rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_node_matches_torch(backend, reduction):
    x = rng.standard_normal((5, 4))
    t = np.array([0, 3, 1, 3, 2])
    w = rng.uniform(0.5, 2.0, 4)
    compare(backend, lambda a, b, c: F.nll_loss(a, b, c, ignore_index=1, reduction=reduction),
            lambda a, b, c: TF.nll_loss(a, b, c, ignore_index=1, reduction=reduction),
            [x, t, w], grad=(0,))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_weighted_mse_and_l1_divide_by_the_total_weight(backend, reduction):
    """PyTorch's rule: with a weight, 'mean' is sum(weight * loss) / sum(weight)."""
    x, t, w = rng.standard_normal((4, 3)), rng.standard_normal((4, 3)), rng.uniform(0, 2, (4, 3))
    for name in ("mse_loss", "l1_loss"):
        compare(backend, lambda a, b, c: getattr(F, name)(a, b, reduction=reduction, weight=c),
                lambda a, b, c: getattr(TF, name)(a, b, reduction=reduction, weight=c),
                [x, t, w], grad=(0, 1, 2))


def test_linear_graph_and_gradients_match_torch(backend):
    """AddmmBackward0 over TBackward0 (ViewBackward0 around it for 3-d input): values and
    gradients equal PyTorch's, and the weight gradient is contiguous, like the weight."""
    for shape in ((4, 3), (2, 4, 3), (3,)):
        x, w, b = rng.standard_normal(shape), rng.standard_normal((5, 3)), rng.standard_normal(5)
        compare(backend, F.linear, TF.linear, [x, w, b], grad=(0, 1, 2))
        compare(backend, F.linear, TF.linear, [x, w], grad=(0, 1))
    w = ag(backend, rng.standard_normal((5, 3)), True)
    F.linear(ag(backend, rng.standard_normal((4, 3))), w).sum().backward()
    if backend.name == "numpy":
        assert w.grad.array.flags["C_CONTIGUOUS"]


def test_linear_second_order_matches_torch(backend):
    if torch is None:
        pytest.skip("torch is not installed")
    x, w, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((5, 3)), rng.standard_normal(5)
    ins_a = [ag(backend, a, True) for a in (x, w, b)]
    ins_t = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    gs = anygrad.autograd.grad((F.linear(*ins_a) ** 2).sum(), ins_a, create_graph=True)
    gts = torch.autograd.grad((TF.linear(*ins_t) ** 2).sum(), ins_t, create_graph=True)
    hs = anygrad.autograd.grad(sum(g.sum() for g in gs), ins_a)
    hts = torch.autograd.grad(sum(g.sum() for g in gts), ins_t)
    for h, ht in zip(hs, hts):
        np.testing.assert_allclose(to_np(h), ht.numpy(), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ["hardtanh", "relu6", "hardsigmoid", "hardswish", "mish"])
def test_single_node_activation_matches_torch(backend, name):
    """Values and gradients, at the kinks too (PyTorch's one-sided choices there)."""
    x = np.concatenate([rng.uniform(-8.0, 8.0, 20), [-3.0, -1.0, 0.0, 1.0, 3.0, 6.0]])
    y = compare(backend, getattr(F, name), getattr(TF, name), [x], grad=(0,))
    assert y.grad_fn.name() == {"relu6": "Hardtanh"}.get(name, name.capitalize()) + "Backward0"
