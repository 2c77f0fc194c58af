"""The activations, margin/embedding losses and distances added for PyTorch coverage, against
PyTorch on every backend: values and gradients with PyTorch's defaults and positional
arguments, every reduction, modules with copied parameters, in-place variants, the random
ones' properties (rrelu, gumbel_softmax) and the errors for bad input.

Forward values against NumPy float64 references and gradients against finite differences
are in the registry suite (tests/ops/test_registry.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import anygrad
import anygrad.nn.functional as F
from anygrad import nn

from nn_helpers import ag, compare, to_np, torch

pytestmark = pytest.mark.skipif(torch is None, reason="torch is not installed")

if torch is not None:
    TF = torch.nn.functional

rng = np.random.default_rng(0)
X = rng.uniform(-2, 2, (4, 6))
Y = rng.uniform(-2, 2, (4, 6))
Z = rng.uniform(-2, 2, (4, 6))
IMG = rng.uniform(-2, 2, (2, 3, 2, 2))
SIGN = np.where(rng.random(4) < 0.5, -1, 1)
SIGN46 = np.where(rng.random((4, 6)) < 0.5, -1.0, 1.0)
CLS = np.array([0, 5, 2, 5])
LABELS = np.array([[3, 0, -1, 1, 2, 2], [1, 1, 4, -1, -1, 0], [-1, 2, 0, 0, 0, 0],
                   [0, 1, 2, 3, 4, 5]])
SOFT = rng.uniform(0, 1, (4, 6))
VAR = rng.uniform(0.3, 2.0, (4, 6))
CW = rng.uniform(0.5, 2.0, 6)
BIG = rng.uniform(-1, 1, (30, 4))  # over 25 rows: cdist's matrix-product form for p=2
BIG2 = np.concatenate([BIG[:3], rng.uniform(-1, 1, (5, 4))])  # three rows at distance 0
LW = rng.uniform(-1, 1, (6, 2, 5))  # (C, d, in_features): a K-dimensional linear loss
LB = rng.uniform(-1, 1, (6, 2))
LT = np.array([[0, 5], [2, 2], [5, 1], [3, 0]])
LP = rng.uniform(0.1, 1.0, (4, 6, 2))
LP = LP / LP.sum(1, keepdims=True)



# JAX compiles each primitive for each new shape on first use (seconds per case here); the
# registry suite already checks these operations on JAX (float64) against NumPy and finite
# differences, and the in-place tests below run on JAX (immutable arrays) too.
NOT_ON_JAX = pytest.mark.not_on("jax", reason="checked on JAX by tests/ops/test_registry.py")


# (id, call with ``L`` = F or torch's F, inputs, differentiated inputs).
CASES = [
    ("celu", lambda L, x: L.celu(x, 0.7), (X,), (0,)),
    ("glu-dim1", lambda L, x: L.glu(x, 1), (X,), (0,)),
    ("glu-default", lambda L, x: L.glu(x), (IMG,), (0,)),
    ("hardshrink", lambda L, x: L.hardshrink(x, 0.8), (X,), (0,)),
    ("softshrink", lambda L, x: L.softshrink(x), (X,), (0,)),
    ("threshold", lambda L, x: L.threshold(x, 0.3, -5.0), (X,), (0,)),
    ("rrelu-eval", lambda L, x: L.rrelu(x, 0.1, 0.4), (X,), (0,)),
    ("prelu-channels", lambda L, x, w: L.prelu(x, w), (IMG, CW[:3]), (0, 1)),
    ("prelu-one", lambda L, x, w: L.prelu(x, w), (X, CW[:1]), (0, 1)),
    ("selu", lambda L, x: L.selu(x), (X,), (0,)),
    ("pdist", lambda L, x: L.pdist(x), (X,), (0,)),
    ("pdist-p1", lambda L, x: L.pdist(x, 1), (X,), (0,)),
    ("cosine_embedding_loss", lambda L, a, b, t: L.cosine_embedding_loss(a, b, t, 0.2), (X, Y, SIGN), (0, 1)),
    ("cosine_embedding_loss-1d", lambda L, a, b, t: L.cosine_embedding_loss(a, b, t, reduction="none"), (X[0], Y[0], np.array(-1)), (0, 1)),
    ("gaussian_nll_loss", lambda L, x, t, v: L.gaussian_nll_loss(x, t, v), (X, Y, VAR), (0, 1, 2)),
    ("gaussian_nll_loss-full-homo", lambda L, x, t, v: L.gaussian_nll_loss(x, t, v, True, reduction="sum"), (X, Y, VAR[:, 0]), (0, 1, 2)),
    ("gaussian_nll_loss-clamped", lambda L, x, t, v: L.gaussian_nll_loss(x, t, v, eps=0.5, reduction="none"), (X, Y, VAR), (0, 2)),
    ("gaussian_nll_loss-number", lambda L, x, t: L.gaussian_nll_loss(x, t, 0.5), (X, Y), (0, 1)),
    ("hinge_embedding_loss", lambda L, x, t: L.hinge_embedding_loss(x, t), (X, SIGN46), (0,)),
    ("hinge_embedding_loss-none", lambda L, x, t: L.hinge_embedding_loss(x, t, 0.5, reduction="none"), (X, SIGN46), (0,)),
    ("margin_ranking_loss", lambda L, a, b, t: L.margin_ranking_loss(a, b, t, 0.1), (X, Y, SIGN46), (0, 1)),
    ("multi_margin_loss", lambda L, x, t: L.multi_margin_loss(x, t), (X, CLS), (0,)),
    ("multi_margin_loss-p2-weight", lambda L, x, t, w: L.multi_margin_loss(x, t, 2, 0.7, w, reduction="none"), (X, CLS, CW), (0,)),
    ("multi_margin_loss-vector", lambda L, x, t: L.multi_margin_loss(x, t, reduction="sum"), (X[0], CLS[1:2]), (0,)),
    ("multilabel_margin_loss", lambda L, x, t: L.multilabel_margin_loss(x, t), (X, LABELS), (0,)),
    ("multilabel_margin_loss-none", lambda L, x, t: L.multilabel_margin_loss(x, t, reduction="none"), (X, LABELS), (0,)),
    ("multilabel_margin_loss-vector", lambda L, x, t: L.multilabel_margin_loss(x, t), (X[1], LABELS[1]), (0,)),
    ("multilabel_soft_margin_loss", lambda L, x, t, w: L.multilabel_soft_margin_loss(x, t, w, reduction="sum"), (X, SOFT, CW), (0, 1)),
    ("linear_cross_entropy", lambda L, x, w, t, b, cw: L.linear_cross_entropy(x, w, t, linear_bias=b, weight=cw, ignore_index=2, label_smoothing=0.1), (X[:, :5], LW[:, 0], CLS, LB[:, 0], CW), (0, 1, 3)),
    ("linear_cross_entropy-kdim", lambda L, x, w, t, b: L.linear_cross_entropy(x, w, t, linear_bias=b, reduction="none"), (X[:, :5], LW, LT, LB), (0, 1, 3)),
    ("linear_cross_entropy-probs", lambda L, x, w, t: L.linear_cross_entropy(x, w, t, reduction="sum"), (X[:, :5], LW, LP), (0, 1, 2)),
    ("linear_cross_entropy-vector", lambda L, x, w, t: L.linear_cross_entropy(x, w, t), (X[0, :5], LW[:, 0], CLS[1]), (0, 1)),
    ("triplet_margin_loss", lambda L, a, p, n: L.triplet_margin_loss(a, p, n), (X, Y, Z), (0, 1, 2)),
    ("triplet_margin_loss-swap-p1", lambda L, a, p, n: L.triplet_margin_loss(a, p, n, 2.0, 1, swap=True, reduction="none"), (X, Y, Z), (0, 1, 2)),
    ("triplet_margin_with_distance_loss", lambda L, a, p, n: L.triplet_margin_with_distance_loss(a, p, n, distance_function=lambda u, v: 1.0 - L.cosine_similarity(u, v), margin=0.8, swap=True, reduction="sum"), (X, Y, Z), (0, 1, 2)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@NOT_ON_JAX
def test_functional_against_torch(backend, case):
    _, call, arrays, grad = case
    compare(backend, lambda *a: call(F, *a), lambda *a: call(TF, *a), arrays, grad=grad,
            rtol=1e-6, atol=1e-8)


TOP_LEVEL = [
    ("hardshrink", lambda m, x: m.hardshrink(x, 0.3), (X,)),
    ("hardshrink-method", lambda m, x: x.hardshrink(0.3), (X,)),
    ("prelu-method", lambda m, x, w: x.prelu(w), (IMG, CW[:3])),
    ("dist", lambda m, x, y: m.dist(x, y), (X, Y[0])),
    ("dist-method-p3", lambda m, x, y: x.dist(y, 3), (X, Y)),
    ("dist-inf", lambda m, x, y: m.dist(x, y, math.inf), (X, Y)),
    ("cdist", lambda m, x, y: m.cdist(x, y), (X, Y[:3])),
    ("cdist-mm", lambda m, x, y: m.cdist(x, y), (BIG, BIG2)),
    ("cdist-mm-forced", lambda m, x, y: m.cdist(x, y, compute_mode="use_mm_for_euclid_dist"), (X, Y)),
    ("cdist-no-mm-p2", lambda m, x, y: m.cdist(x, y, 2.0, "donot_use_mm_for_euclid_dist"), (BIG, BIG2)),
    ("cdist-batched-p1", lambda m, x, y: m.cdist(x, y, 1.0), (IMG.reshape(2, 3, 4), X[:, :4])),
    ("pdist", lambda m, x: m.pdist(x, 3), (X,)),
    ("cosine_similarity", lambda m, x, y: m.cosine_similarity(x, y, 0), (X, Y)),
    ("pairwise_distance", lambda m, x, y: m.pairwise_distance(x, y, 1.5), (X, Y)),
]


@pytest.mark.parametrize("case", TOP_LEVEL, ids=[c[0] for c in TOP_LEVEL])
@NOT_ON_JAX
def test_top_level_and_methods_against_torch(backend, case):
    _, call, arrays = case
    compare(backend, lambda *a: call(anygrad, *a), lambda *a: call(torch, *a), arrays,
            grad=tuple(range(len(arrays))))


def test_threshold_of_integers_casts_the_value_as_torch(backend):
    a = np.array([1, 2, 3, -4], dtype=np.int32)
    for t, v in ((1.5, 0.5), (-2.5, 7)):
        y = F.threshold(ag(backend, a), t, v)
        ty = TF.threshold(torch.tensor(a), t, v)
        assert y.dtype == anygrad.int32
        np.testing.assert_array_equal(to_np(y), ty.numpy())


@NOT_ON_JAX
def test_cdist_zero_distance_has_zero_gradient(backend):
    x = ag(backend, X[:2], requires_grad=True)
    anygrad.cdist(x, x).sum().backward()
    tx = torch.tensor(X[:2], requires_grad=True)
    torch.cdist(tx, tx).sum().backward()
    np.testing.assert_allclose(to_np(x.grad), tx.grad.numpy(), atol=1e-12)


INPLACE = [
    ("celu_", lambda L, x: L.celu_(x, 2.0)),
    ("elu_", lambda L, x: L.elu_(x)),
    ("selu_", lambda L, x: L.selu_(x)),
    ("hardtanh_", lambda L, x: L.hardtanh_(x, -0.5, 0.5)),
    ("leaky_relu_", lambda L, x: L.leaky_relu_(x, 0.2)),
    ("threshold_", lambda L, x: L.threshold_(x, 0.1, 3.0)),
    ("rrelu_", lambda L, x: L.rrelu_(x, 0.2, 0.3)),
    ("celu-inplace", lambda L, x: L.celu(x, 1.5, inplace=True)),
    ("threshold-inplace", lambda L, x: L.threshold(x, 0.1, 3.0, True)),
    ("top-relu_", lambda L, x: (anygrad if L is F else torch).relu_(x)),
    ("top-selu_", lambda L, x: (anygrad if L is F else torch).selu_(x)),
    ("top-celu_", lambda L, x: (anygrad if L is F else torch).celu_(x)),
    ("top-threshold_", lambda L, x: (anygrad if L is F else torch).threshold_(x, 0.0, -1.0)),
    ("top-rrelu_", lambda L, x: (anygrad if L is F else torch).rrelu_(x)),
]


@pytest.mark.parametrize("case", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_variants_mutate_like_torch(backend, case):
    _, call = case
    leaf = ag(backend, X, requires_grad=True)
    x = leaf * 1.0
    version = x._version
    out = call(F, x)
    assert out is x and x._version > version
    tleaf = torch.tensor(X, requires_grad=True)
    tx = tleaf * 1.0
    call(TF, tx)
    np.testing.assert_allclose(to_np(x), tx.detach().numpy(), rtol=1e-6, atol=1e-8)
    gy = rng.standard_normal(X.shape)
    (x * ag(backend, gy)).sum().backward()
    (tx * torch.tensor(gy)).sum().backward()
    np.testing.assert_allclose(to_np(leaf.grad), tleaf.grad.numpy(), rtol=1e-6, atol=1e-8)


def test_inplace_on_a_saved_input_raises_in_backward(backend):
    x = ag(backend, X, requires_grad=True) * 1.0
    y = x.sin()  # saves x
    F.celu_(x)
    with pytest.raises(RuntimeError):
        y.sum().backward()


def test_grad_fn_names_match_torch():
    cases = [
        (lambda L, m, x: L.celu(x), "CeluBackward0"),
        (lambda L, m, x: L.selu(x), "EluBackward0"),
        (lambda L, m, x: L.hardshrink(x), "HardshrinkBackward0"),
        (lambda L, m, x: L.softshrink(x), "SoftshrinkBackward0"),
        (lambda L, m, x: L.threshold(x, 0.1, 2.0), "ThresholdBackward0"),
        (lambda L, m, x: L.glu(x), "GluBackward0"),
        (lambda L, m, x: L.rrelu(x), "RreluWithNoiseBackward0"),
        (lambda L, m, x: L.prelu(x, m.tensor([0.25], dtype=m.float64, requires_grad=True)),
         "PreluKernelBackward0"),
    ]
    for call, name in cases:
        a = call(F, anygrad, anygrad.tensor(X, requires_grad=True))
        t = call(TF, torch, torch.tensor(X, requires_grad=True))
        assert a.grad_fn.name() == t.grad_fn.name() == name


# -- modules ---------------------------------------------------------------------------------
MODULES = [
    ("CELU", lambda n: n.CELU(0.5), (X,)),
    ("GLU", lambda n: n.GLU(0), (X,)),
    ("Hardshrink", lambda n: n.Hardshrink(), (X,)),
    ("Softshrink", lambda n: n.Softshrink(0.3), (X,)),
    ("Threshold", lambda n: n.Threshold(0.2, 7.0), (X,)),
    ("RReLU-eval", lambda n: n.RReLU(0.1, 0.3).eval(), (X,)),
    ("Softmax2d", lambda n: n.Softmax2d(), (IMG,)),
    ("Softmax2d-3d", lambda n: n.Softmax2d(), (IMG[0],)),
    ("CosineSimilarity", lambda n: n.CosineSimilarity(0, 1e-6), (X, Y)),
    ("PairwiseDistance", lambda n: n.PairwiseDistance(3.0, keepdim=True), (X, Y)),
]
for _r in ("mean", "sum", "none"):
    MODULES += [
        (f"CosineEmbeddingLoss-{_r}", lambda n, r=_r: n.CosineEmbeddingLoss(0.1, reduction=r), (X, Y, SIGN)),
        (f"GaussianNLLLoss-{_r}", lambda n, r=_r: n.GaussianNLLLoss(full=True, reduction=r), (X, Y, VAR)),
        (f"HingeEmbeddingLoss-{_r}", lambda n, r=_r: n.HingeEmbeddingLoss(0.7, reduction=r), (X, SIGN46)),
        (f"MarginRankingLoss-{_r}", lambda n, r=_r: n.MarginRankingLoss(0.3, reduction=r), (X, Y, SIGN46)),
        (f"MultiLabelMarginLoss-{_r}", lambda n, r=_r: n.MultiLabelMarginLoss(reduction=r), (X, LABELS)),
        (f"MultiLabelSoftMarginLoss-{_r}", lambda n, r=_r: n.MultiLabelSoftMarginLoss(reduction=r), (X, SOFT)),
        (f"MultiMarginLoss-{_r}", lambda n, r=_r: n.MultiMarginLoss(2, 0.5, reduction=r), (X, CLS)),
        (f"TripletMarginLoss-{_r}", lambda n, r=_r: n.TripletMarginLoss(0.5, 1.5, swap=True, reduction=r), (X, Y, Z)),
        (f"TripletMarginWithDistanceLoss-{_r}", lambda n, r=_r: n.TripletMarginWithDistanceLoss(
            distance_function=lambda u, v: (u - v).abs().sum(-1), margin=2.0, reduction=r), (X, Y, Z)),
    ]


@pytest.mark.parametrize("case", MODULES, ids=[c[0] for c in MODULES])
@NOT_ON_JAX
def test_modules_against_torch(backend, case):
    _, make, arrays = case
    grad = tuple(i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind == "f"
                 and a is not SIGN46)
    compare(backend, make(nn), make(torch.nn), arrays, grad=grad)


@NOT_ON_JAX
def test_weighted_loss_modules_with_copied_weights(backend):
    w = ag(backend, CW)
    for r in ("mean", "sum", "none"):
        compare(backend, nn.MultiMarginLoss(weight=w, reduction=r),
                torch.nn.MultiMarginLoss(weight=torch.tensor(CW), reduction=r), (X, CLS),
                grad=(0,))
        compare(backend, nn.MultiLabelSoftMarginLoss(weight=w, reduction=r),
                torch.nn.MultiLabelSoftMarginLoss(weight=torch.tensor(CW), reduction=r),
                (X, SOFT), grad=(0, 1))


@NOT_ON_JAX
def test_prelu_module_with_copied_weight(backend):
    m = nn.PReLU(3)
    assert repr(m) == "PReLU(num_parameters=3)" and m.weight.tolist() == [0.25] * 3
    tm = torch.nn.PReLU(3, init=0.1).double()
    with torch.no_grad():
        tm.weight.copy_(torch.tensor(CW[:3]))
    m = nn.PReLU(3, init=0.1, dtype=anygrad.float64, backend=backend.name,
                 device=backend.device_obj())
    with anygrad.no_grad():
        m.weight.copy_(ag(backend, CW[:3]))
    x, tx = ag(backend, IMG, requires_grad=True), torch.tensor(IMG, requires_grad=True)
    m(x).sum().backward()
    tm(tx).sum().backward()
    np.testing.assert_allclose(to_np(m(x)), tm(tx).detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(to_np(x.grad), tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(to_np(m.weight.grad), tm.weight.grad.numpy(), rtol=1e-12)


@NOT_ON_JAX
def test_linear_cross_entropy_module_with_copied_weights(backend):
    for r in ("mean", "none"):
        kw = dict(out_features=(2,), bias=True, reduction=r, label_smoothing=0.2)
        tm = torch.nn.LinearCrossEntropyLoss(5, 6, **kw).double()
        m = nn.LinearCrossEntropyLoss(5, 6, dtype=anygrad.float64, backend=backend.name,
                                      device=backend.device_obj(),
                                      options=nn.LinearCrossEntropyOptions(), **kw)
        with anygrad.no_grad():
            m.linear.weight.copy_(ag(backend, tm.linear.weight.detach().numpy()))
            m.linear.bias.copy_(ag(backend, tm.linear.bias.detach().numpy()))
        compare(backend, m, tm, (X[:, :5], LT), grad=(0,))
        tm.zero_grad()
        m.zero_grad()
        for mod in (m, tm):
            mod(*(ag(backend, a) if mod is m else torch.tensor(a) for a in (X[:, :5], LT))).sum().backward()
        np.testing.assert_allclose(to_np(m.linear.weight.grad), tm.linear.weight.grad.numpy(),
                                   rtol=1e-10)
    assert repr(nn.LinearCrossEntropyLoss(5, 10)) == repr(torch.nn.LinearCrossEntropyLoss(5, 10))


def test_module_reprs_match_torch():
    for make in (lambda n: n.CELU(2.0, True), lambda n: n.GLU(), lambda n: n.Hardshrink(),
                 lambda n: n.Softshrink(0.2), lambda n: n.Threshold(0.1, 20),
                 lambda n: n.Threshold(0.1, 2.0, True), lambda n: n.PReLU(),
                 lambda n: n.RReLU(inplace=True), lambda n: n.Softmax2d(),
                 lambda n: n.CosineSimilarity(), lambda n: n.PairwiseDistance()):
        assert repr(make(nn)) == repr(make(torch.nn))


# -- random activations ----------------------------------------------------------------------
def test_rrelu_training_slopes(backend):
    x = ag(backend, X, requires_grad=True)
    anygrad.manual_seed(3)
    y = F.rrelu(x, 0.2, 0.6, training=True)
    y.sum().backward()
    xv, yv, g = X, to_np(y), to_np(x.grad)
    neg = xv <= 0
    np.testing.assert_array_equal(yv[~neg], xv[~neg])
    slope = yv[neg] / xv[neg]
    assert np.all((slope >= 0.2) & (slope <= 0.6)) and np.ptp(slope) > 0
    np.testing.assert_allclose(g[neg], slope, rtol=1e-12)
    np.testing.assert_array_equal(g[~neg], 1.0)
    anygrad.manual_seed(3)
    np.testing.assert_array_equal(to_np(F.rrelu(x, 0.2, 0.6, training=True)), yv)
    m = nn.RReLU(0.2, 0.6)
    anygrad.manual_seed(3)
    np.testing.assert_array_equal(to_np(m(x)), yv)  # training mode by default
    np.testing.assert_allclose(to_np(m.eval()(x)), np.where(X > 0, X, 0.4 * X))


@NOT_ON_JAX
def test_gumbel_softmax_properties(backend):
    logits = ag(backend, X, requires_grad=True)
    anygrad.manual_seed(1)
    soft = F.gumbel_softmax(logits, tau=0.5)
    anygrad.manual_seed(1)
    hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
    s, h = to_np(soft), to_np(hard)
    np.testing.assert_allclose(s.sum(-1), 1.0, rtol=1e-12)
    # The same noise: the hard sample is the one-hot of the soft sample's largest entry.
    np.testing.assert_array_equal(h, np.eye(6)[s.argmax(-1)])
    # Straight through: the hard sample's gradient is the soft sample's.
    gy = ag(backend, rng.standard_normal(X.shape))
    g_soft = to_np(anygrad.autograd.grad((soft * gy).sum(), logits)[0])
    g_hard = to_np(anygrad.autograd.grad((hard * gy).sum(), logits)[0])
    np.testing.assert_allclose(g_hard, g_soft, rtol=1e-10, atol=1e-12)
    # Along another dim, with Gumbel noise whose mean is Euler's constant.
    col = F.gumbel_softmax(ag(backend, np.zeros((3, 2))), hard=True, dim=0)
    np.testing.assert_array_equal(to_np(col).sum(0), 1.0)
    draws = F.gumbel_softmax(ag(backend, np.zeros((4000, 2))), tau=1.0)
    assert abs(to_np(draws)[:, 0].mean() - 0.5) < 0.03
    with pytest.warns(UserWarning, match="eps"):
        F.gumbel_softmax(logits, eps=1e-3)


# -- errors ----------------------------------------------------------------------------------
ERRORS = [
    (lambda: F.glu(anygrad.ones(3)), RuntimeError, "glu: halving dimension must be even"),
    (lambda: F.glu(anygrad.tensor(1.0)), RuntimeError, "glu: does not support scalars"),
    (lambda: F.celu(anygrad.ones(3), 0.0), ValueError, "celu: alpha cannot be 0"),
    (lambda: F.softshrink(anygrad.ones(3), -1.0), RuntimeError, "softshrink: lambda"),
    (lambda: F.rrelu(anygrad.ones(3), 0.5, 0.1), RuntimeError, "rrelu: lower bound"),
    (lambda: F.prelu(anygrad.ones(2, 3), anygrad.ones(2)), RuntimeError, "prelu: mismatch"),
    (lambda: F.prelu(anygrad.ones(2, 3), anygrad.ones(3, 1)), RuntimeError, "prelu: expected `weight`"),
    (lambda: anygrad.pdist(anygrad.ones(2, 2, 2)), RuntimeError, "pdist: only supports 2D"),
    (lambda: anygrad.pdist(anygrad.ones(2, 2), -1), RuntimeError, "pdist: only supports non-negative"),
    (lambda: anygrad.cdist(anygrad.ones(2), anygrad.ones(2, 2)), RuntimeError, "cdist: only supports at least 2D"),
    (lambda: anygrad.cdist(anygrad.ones(2, 3), anygrad.ones(2, 2)), RuntimeError, "cdist: x1 and x2 must have the same number of columns"),
    (lambda: nn.Softmax2d()(anygrad.ones(2, 2)), ValueError, "Softmax2d: expected input to be 3D or 4D"),
    (lambda: F.cosine_embedding_loss(anygrad.ones(2, 3), anygrad.ones(2, 3), anygrad.ones(2, 1)), RuntimeError, "cosine_embedding_loss: expected a 0D or 1D target"),
    (lambda: F.cosine_embedding_loss(anygrad.ones(3), anygrad.ones(3), anygrad.ones(1)), RuntimeError, "a 1D target expects 2D inputs"),
    (lambda: F.gaussian_nll_loss(anygrad.ones(2, 3), anygrad.ones(2, 3), anygrad.ones(3)), ValueError, "var is of incorrect size"),
    (lambda: F.gaussian_nll_loss(anygrad.ones(2), anygrad.ones(2), -anygrad.ones(2)), ValueError, "var has negative"),
    (lambda: F.gaussian_nll_loss(anygrad.ones(2), anygrad.ones(2), 1.0, reduction="avg"), ValueError, "gaussian_nll_loss: reduction must be"),
    (lambda: F.margin_ranking_loss(anygrad.ones(2), anygrad.ones(2), anygrad.ones(1, 2)), RuntimeError, "margin_ranking_loss: all input tensors"),
    (lambda: F.multi_margin_loss(anygrad.ones(2, 3), anygrad.tensor([0, 3])), IndexError, "multi_margin_loss: target 3 is out of bounds"),
    (lambda: F.multi_margin_loss(anygrad.ones(2, 3), anygrad.tensor([0, 1]), p=3), ValueError, "only p == 1 and p == 2"),
    (lambda: F.multi_margin_loss(anygrad.ones(2, 3, 4), anygrad.tensor([0, 1])), RuntimeError, "expected a non-empty vector or matrix"),
    (lambda: F.multi_margin_loss(anygrad.ones(2, 3), anygrad.tensor([0.0, 1.0])), TypeError, "integer class indices"),
    (lambda: F.multilabel_margin_loss(anygrad.ones(2, 3), anygrad.tensor([[0, 3, -1], [0, 1, 2]])), IndexError, "multilabel_margin_loss: target 3 is out of range"),
    (lambda: F.multilabel_margin_loss(anygrad.ones(1, 3), anygrad.tensor([0, 1, -1])), RuntimeError, "inconsistent target size"),
    (lambda: F.triplet_margin_loss(anygrad.ones(2, 3), anygrad.ones(3), anygrad.ones(2, 3)), RuntimeError, "anchor 2D, positive 1D, and negative 2D"),
    (lambda: F.triplet_margin_with_distance_loss(anygrad.ones(3), anygrad.ones(3), anygrad.ones(3), margin=0.0), ValueError, "margin must be greater than 0"),
    (lambda: nn.MultiMarginLoss(p=3), ValueError, "only p == 1 and p == 2"),
    (lambda: F.linear_cross_entropy(anygrad.ones(2, 3), anygrad.ones(4, 2), anygrad.tensor([0, 1])), RuntimeError, "linear_cross_entropy: expected equal input and linear_weight last"),
    (lambda: F.linear_cross_entropy(anygrad.ones(3), anygrad.ones(4, 2, 3), anygrad.tensor(0)), RuntimeError, "requires batched input"),
    (lambda: F.linear_cross_entropy(anygrad.ones(2, 3), anygrad.ones(4, 3), anygrad.ones(2, 4), ignore_index=1), RuntimeError, "ignore_index cannot be specified"),
    (lambda: nn.HingeEmbeddingLoss(reduction="avg"), ValueError, "reduction must be"),
]


@pytest.mark.parametrize("call,exc,match", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_name_the_operation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
