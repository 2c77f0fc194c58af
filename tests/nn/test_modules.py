"""Module system, LeNet, losses, normalisation, RNNs and init against PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.nn.functional as F
from nn_helpers import ag, compare, to_np, torch

TF = torch.nn.functional if torch is not None else None
rng = np.random.default_rng(0)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)

    def num_flat_features(self, x):
        size = x.size()[1:]
        n = 1
        for s in size:
            n *= s
        return n


def _torch_net(net):
    tn = torch.nn.Sequential()  # a twin with the same weights, run functionally
    params = {k: torch.tensor(np.asarray(v.numpy(), dtype=np.float64), requires_grad=True)
              for k, v in net.state_dict().items()}

    def fwd(x):
        x = TF.max_pool2d(TF.relu(TF.conv2d(x, params["conv1.weight"], params["conv1.bias"])), (2, 2))
        x = TF.max_pool2d(TF.relu(TF.conv2d(x, params["conv2.weight"], params["conv2.bias"])), 2)
        x = x.reshape(x.shape[0], -1)
        x = TF.relu(TF.linear(x, params["fc1.weight"], params["fc1.bias"]))
        x = TF.relu(TF.linear(x, params["fc2.weight"], params["fc2.bias"]))
        return TF.linear(x, params["fc3.weight"], params["fc3.bias"])

    del tn
    return fwd, params


def test_lenet_forward_backward_matches_torch(backend):
    if torch is None:
        pytest.skip("torch is not installed")
    anygrad.manual_seed(0)
    net = Net().to(anygrad.float64)
    x = rng.standard_normal((4, 1, 32, 32))
    target = np.array([1, 0, 9, 3])
    fwd, params = _torch_net(net)
    net.to(backend.name, device=backend.device_obj())
    out = net(ag(backend, x))
    loss = F.cross_entropy(out, ag(backend, target))
    loss.backward()
    tout = fwd(torch.tensor(x))
    tloss = TF.cross_entropy(tout, torch.tensor(target))
    tloss.backward()
    np.testing.assert_allclose(to_np(out), tout.detach().numpy(), rtol=1e-6, atol=1e-8)
    for name, p in net.named_parameters():
        np.testing.assert_allclose(to_np(p.grad), params[name].grad.numpy(), rtol=1e-5, atol=1e-8,
                                   err_msg=name)
    assert out.backend == backend.name


def test_same_seed_same_weights_on_every_backend(backend):
    anygrad.manual_seed(3)
    with anygrad.default_backend("numpy"):
        ref = Net()
    anygrad.manual_seed(3)
    net = Net()
    assert net.conv1.weight.backend == backend.name
    for (k, a), (_, b) in zip(ref.state_dict().items(), net.state_dict().items()):
        np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()), err_msg=k)


def test_default_init_bounds_follow_pytorch():
    anygrad.manual_seed(0)
    lin = nn.Linear(300, 200)
    w = lin.weight.detach().numpy()
    bound = 1 / math.sqrt(300)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    conv = nn.Conv2d(4, 8, 3)
    assert np.abs(conv.weight.detach().numpy()).max() <= 1 / math.sqrt(36)
    assert np.abs(conv.bias.detach().numpy()).max() <= 1 / math.sqrt(36)


def test_init_functions():
    anygrad.manual_seed(0)
    w = anygrad.empty(256, 128)
    nn.init.xavier_uniform_(w)
    assert np.abs(w.numpy()).max() <= math.sqrt(6 / 384)
    nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(w.numpy().std() - math.sqrt(2 / 256)) < 0.005
    nn.init.trunc_normal_(w, std=1.0, a=-1.0, b=1.5)
    assert w.numpy().min() >= -1.0 and w.numpy().max() <= 1.5
    q = anygrad.empty(6, 10, dtype=anygrad.float64)
    nn.init.orthogonal_(q, gain=2.0)
    np.testing.assert_allclose(q.numpy() @ q.numpy().T, 4 * np.eye(6), atol=1e-10)
    nn.init.constant_(q, 0.5)
    assert (q.numpy() == 0.5).all()
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="fan in and fan out"):
        nn.init.xavier_uniform_(anygrad.empty(3))


def test_module_registration_and_state_dict():
    net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    names = [n for n, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"]
    assert [n for n, _ in net.named_buffers()] == ["1.running_mean", "1.running_var", "1.num_batches_tracked"]
    assert len(list(net.children())) == 4 and len(list(net.modules())) == 5
    sd = net.state_dict()
    assert "1.running_var" in sd
    other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    other.load_state_dict(sd)
    np.testing.assert_array_equal(other[0].weight.detach().numpy(), net[0].weight.detach().numpy())
    bad = dict(sd)
    bad.pop("0.bias")
    bad["extra"] = anygrad.zeros(1)
    bad["3.weight"] = anygrad.zeros(5, 5)
    with pytest.raises(RuntimeError) as err:
        other.load_state_dict(bad)
    msg = str(err.value)
    assert "'0.bias'" in msg and "'extra'" in msg and "3.weight" in msg and "(5, 5)" in msg
    res = other.load_state_dict({k: v for k, v in sd.items() if k != "0.bias"}, strict=False)
    assert res.missing_keys == ["0.bias"]


def test_module_modes_hooks_zero_grad_apply_repr():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    net.eval()
    assert not net[1].training
    net.train()
    assert net[1].training
    calls = []
    h = net.register_forward_pre_hook(lambda m, a: calls.append("pre"))
    net.register_forward_hook(lambda m, a, out: out * 0)
    out = net(anygrad.ones(1, 2))
    assert calls == ["pre"] and (out.detach().numpy() == 0).all()
    h.remove()
    net(anygrad.ones(1, 2))
    assert calls == ["pre"]
    net._forward_hooks.clear()
    net(anygrad.ones(3, 2)).sum().backward()
    assert net[0].weight.grad is not None
    net.zero_grad()
    assert net[0].weight.grad is None
    net.requires_grad_(False)
    assert not net[0].weight.requires_grad
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Dropout", "Sequential"]
    assert repr(net) == ("Sequential(\n  (0): Linear(in_features=2, out_features=2, bias=True)\n"
                         "  (1): Dropout(p=0.5, inplace=False)\n)")


def test_containers_and_shape_modules():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    ml.append(nn.ReLU())
    assert len(ml) == 4 and len(list(ml.parameters())) == 6
    md = nn.ModuleDict({"a": nn.Linear(1, 1)})
    md["b"] = nn.Tanh()
    assert list(md.keys()) == ["a", "b"]
    x = anygrad.zeros(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Unflatten(1, (2, 30))(nn.Flatten()(x)).shape == (2, 2, 30)
    assert nn.Identity(3, k=1)(x) is x
    with pytest.raises(AttributeError):
        nn.Linear(1, 1).nope


def test_to_backend_and_dtype_keeps_identity(backend):
    net = nn.Linear(3, 2)
    w = net.weight
    net.to(anygrad.float64)
    assert net.weight is w and w.dtype == anygrad.float64
    if backend.name != "numpy":
        with anygrad.default_backend("numpy"):
            net2 = nn.BatchNorm1d(3)
        net2.to(backend.name)
        assert net2.weight.backend == backend.name and net2.running_mean.backend == backend.name
        assert net2.num_batches_tracked.dtype == anygrad.int64


@pytest.mark.parametrize("case", range(4))
def test_batchnorm_running_stats_match_torch(backend, case):
    if torch is None:
        pytest.skip("torch is not installed")
    shape = [(5, 3), (4, 3, 6), (2, 3, 4, 4), (2, 3, 4, 4)][case]
    cls, tcls = ((nn.BatchNorm1d, torch.nn.BatchNorm1d) if len(shape) < 4
                 else (nn.BatchNorm2d, torch.nn.BatchNorm2d))
    momentum = None if case == 3 else 0.1
    m = cls(3, momentum=momentum).to(anygrad.float64).to(backend.name, device=backend.device_obj())
    tm = tcls(3, momentum=momentum).double()
    for _ in range(2):
        x = rng.standard_normal(shape)
        compare(backend, lambda t: m(t), lambda t: tm(t), [x], grad=(0,))
    np.testing.assert_allclose(to_np(m.running_var), tm.running_var.numpy(), rtol=1e-10)
    np.testing.assert_allclose(to_np(m.running_mean), tm.running_mean.numpy(), atol=1e-12)
    m.eval()
    tm.eval()
    compare(backend, lambda t: m(t), lambda t: tm(t), [rng.standard_normal(shape)], grad=(0,))


def test_layer_group_norm_match_torch(backend):
    x, w, b = rng.standard_normal((2, 4, 5)), rng.standard_normal(5), rng.standard_normal(5)
    compare(backend, lambda x, w, b: F.layer_norm(x, (5,), w, b),
            lambda x, w, b: TF.layer_norm(x, (5,), w, b), [x, w, b], grad=(0, 1, 2))
    w4, b4 = rng.standard_normal(4), rng.standard_normal(4)
    compare(backend, lambda x, w, b: F.group_norm(x, 2, w, b),
            lambda x, w, b: TF.group_norm(x, 2, w, b), [x, w4, b4], grad=(0, 1, 2))


def test_instance_norm_running_stats_match_torch(backend):
    # With running statistics: updated from the batch averages of the instance statistics,
    # and used instead of them when use_input_stats=False (both once ignored).
    if torch is None:
        pytest.skip("torch is not installed")
    x = rng.standard_normal((2, 3, 5))
    rm, rv = ag(backend, np.zeros(3)), ag(backend, np.ones(3))
    trm, trv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    compare(backend, lambda t: F.instance_norm(t, rm, rv, momentum=0.3),
            lambda t: TF.instance_norm(t, trm, trv, momentum=0.3), [x], grad=(0,))
    np.testing.assert_allclose(to_np(rm), trm.numpy(), atol=1e-12)
    np.testing.assert_allclose(to_np(rv), trv.numpy(), rtol=1e-12)
    compare(backend, lambda t: F.instance_norm(t, rm, rv, use_input_stats=False),
            lambda t: TF.instance_norm(t, trm, trv, use_input_stats=False), [x], grad=(0,))
    with pytest.raises(ValueError, match="running_mean and running_var"):
        F.instance_norm(ag(backend, x), use_input_stats=False)


@pytest.mark.parametrize("track", [False, True])
def test_instance_norm_module_running_stats_match_torch(backend, track):
    # track_running_stats: running statistics updated in training, used in eval.
    if torch is None:
        pytest.skip("torch is not installed")
    m = nn.InstanceNorm2d(3, affine=True, track_running_stats=track).to(anygrad.float64)
    m = m.to(backend.name, device=backend.device_obj())
    tm = torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=track).double()
    for _ in range(2):
        compare(backend, lambda t: m(t), lambda t: tm(t), [rng.standard_normal((2, 3, 4, 5))],
                grad=(0,))
    assert sorted(m.state_dict()) == sorted(tm.state_dict())
    if track:
        np.testing.assert_allclose(to_np(m.running_mean), tm.running_mean.numpy(), atol=1e-12)
        np.testing.assert_allclose(to_np(m.running_var), tm.running_var.numpy(), rtol=1e-12)
    m.eval()
    tm.eval()
    compare(backend, lambda t: m(t), lambda t: tm(t), [rng.standard_normal((2, 3, 4, 5))],
            grad=(0,))


def test_class_weights_that_require_grad_get_their_gradient(backend):
    # PyTorch refuses class weights that require grad; anygrad gave them no gradient at all.
    x, w = rng.standard_normal((4, 3)), rng.uniform(0.5, 2.0, 3)
    t = np.array([0, 2, 1, 2])
    for fn in (F.cross_entropy, F.nll_loss):
        xs, ws = ag(backend, x, True), ag(backend, w, True)
        fn(xs, ag(backend, t), weight=ws, ignore_index=1).backward()
        logp = x - np.log(np.exp(x).sum(1, keepdims=True)) if fn is F.cross_entropy else x
        keep = t != 1
        picked = logp[np.arange(4), t]
        total = (w[t] * keep).sum()
        # d/dw_c of -sum_i w_{t_i} picked_i / sum_i w_{t_i} over the targets kept.
        want = np.array([(-(picked * keep * (t == c)).sum() * total
                          + (w[t] * picked * keep).sum() * (keep * (t == c)).sum()) / total ** 2
                         for c in range(3)])
        np.testing.assert_allclose(to_np(ws.grad), want, rtol=1e-5, atol=1e-6)


def test_cosine_similarity_broadcasts_before_reducing(backend):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    compare(backend, lambda x, y: F.cosine_similarity(x, y, dim=1),
            lambda x, y: TF.cosine_similarity(x, y, dim=1), [a, b], grad=(0, 1))


LOSSES = [
    ("mse", F.mse_loss, lambda: TF.mse_loss, "float"),
    ("l1", F.l1_loss, lambda: TF.l1_loss, "float"),
    ("smooth_l1", lambda a, b, **k: F.smooth_l1_loss(a, b, beta=0.5, **k),
     lambda: (lambda a, b, **k: TF.smooth_l1_loss(a, b, beta=0.5, **k)), "float"),
    ("huber", lambda a, b, **k: F.huber_loss(a, b, delta=0.7, **k),
     lambda: (lambda a, b, **k: TF.huber_loss(a, b, delta=0.7, **k)), "float"),
    ("bce", F.binary_cross_entropy, lambda: TF.binary_cross_entropy, "prob"),
    ("bce_logits", F.binary_cross_entropy_with_logits, lambda: TF.binary_cross_entropy_with_logits, "binary"),
    ("kl_div", F.kl_div, lambda: TF.kl_div, "prob"),
]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("name", [n for n, *_ in LOSSES])
def test_elementwise_losses_match_torch(backend, name, reduction):
    if torch is None:
        pytest.skip("torch is not installed")
    _, fn, tfn, kind = next(l for l in LOSSES if l[0] == name)
    x = rng.uniform(0.05, 0.95, (3, 4)) if name in ("bce",) else rng.standard_normal((3, 4))
    if name == "kl_div":
        x = np.log(rng.uniform(0.05, 0.95, (3, 4)))
    y = {"float": rng.standard_normal((3, 4)), "prob": rng.uniform(0.05, 0.95, (3, 4)),
         "binary": (rng.random((3, 4)) > 0.5).astype(np.float64)}[kind]
    compare(backend, lambda a, b: fn(a, b, reduction=reduction),
            lambda a, b: tfn()(a, b, reduction=reduction), [x, y], grad=(0,))


def test_bce_with_logits_pos_weight_matches_torch(backend):
    x, y, pw = rng.standard_normal((3, 4)) * 30, (rng.random((3, 4)) > 0.5) * 1.0, rng.random(4) + 0.5
    compare(backend, lambda a, b, p: F.binary_cross_entropy_with_logits(a, b, pos_weight=p),
            lambda a, b, p: TF.binary_cross_entropy_with_logits(a, b, pos_weight=p), [x, y, pw], grad=(0,))


CE = [
    {}, {"reduction": "sum"}, {"reduction": "none"}, {"label_smoothing": 0.2},
    {"ignore_index": 1}, {"weight": True}, {"weight": True, "label_smoothing": 0.1, "ignore_index": 2},
]


@pytest.mark.parametrize("case", range(len(CE)))
def test_cross_entropy_and_nll_match_torch(backend, case):
    opts = dict(CE[case])
    x = rng.standard_normal((6, 4))
    t = np.array([0, 1, 2, 3, 1, 2])
    arrays = [x, t]
    if opts.pop("weight", None):
        arrays.append(rng.uniform(0.5, 2.0, 4))
        fa = lambda a, b, w: F.cross_entropy(a, b, weight=w, **opts)  # noqa: E731
        ft = lambda a, b, w: TF.cross_entropy(a, b, weight=w, **opts)  # noqa: E731
        compare(backend, fa, ft, arrays, grad=(0,))
        opts.pop("label_smoothing", None)
        compare(backend, lambda a, b, w: F.nll_loss(F.log_softmax(a, 1), b, weight=w, **opts),
                lambda a, b, w: TF.nll_loss(TF.log_softmax(a, 1), b, weight=w, **opts), arrays, grad=(0,))
    else:
        compare(backend, lambda a, b: F.cross_entropy(a, b, **opts),
                lambda a, b: TF.cross_entropy(a, b, **opts), arrays, grad=(0,))


def test_cross_entropy_probabilities_and_spatial_match_torch(backend):
    x = rng.standard_normal((3, 4, 2, 2))
    p = rng.dirichlet(np.ones(4), (3, 2, 2)).transpose(0, 3, 1, 2).copy()
    compare(backend, lambda a, b: F.cross_entropy(a, b, label_smoothing=0.1),
            lambda a, b: TF.cross_entropy(a, b, label_smoothing=0.1), [x, p], grad=(0,))
    t = rng.integers(0, 4, (3, 2, 2))
    compare(backend, lambda a, b: F.cross_entropy(a, b), lambda a, b: TF.cross_entropy(a, b), [x, t], grad=(0,))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_recurrent_layers_match_torch(backend, kind):
    if torch is None:
        pytest.skip("torch is not installed")
    anygrad.manual_seed(0)
    m = getattr(nn, kind)(3, 4, num_layers=2, batch_first=True, bidirectional=True).to(anygrad.float64)
    tm = getattr(torch.nn, kind)(3, 4, num_layers=2, batch_first=True, bidirectional=True).double()
    tm.load_state_dict({k: torch.tensor(np.asarray(v.numpy())) for k, v in m.state_dict().items()})
    m.to(backend.name, device=backend.device_obj())
    x = rng.standard_normal((2, 5, 3))
    compare(backend, lambda t: m(t)[0], lambda t: tm(t)[0], [x], grad=(0,))
    h = m(ag(backend, x))[1]
    th = tm(torch.tensor(x))[1]
    if kind == "LSTM":
        h, th = h[1], th[1]
    np.testing.assert_allclose(to_np(h), th.detach().numpy(), rtol=1e-6, atol=1e-8)
    for name, p in m.named_parameters():
        np.testing.assert_allclose(to_np(p.grad), dict(tm.named_parameters())[name].grad.numpy(),
                                   rtol=1e-5, atol=1e-8, err_msg=name)


def test_linear_bilinear_embedding_match_torch(backend):
    if torch is None:
        pytest.skip("torch is not installed")
    x, w, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4)), rng.standard_normal(5)
    compare(backend, F.linear, TF.linear, [x, w, b], grad=(0, 1, 2))
    x1, x2, wb = rng.standard_normal((3, 2)), rng.standard_normal((3, 4)), rng.standard_normal((5, 2, 4))
    compare(backend, F.bilinear, TF.bilinear, [x1, x2, wb, b], grad=(0, 1, 2, 3))
    idx = np.array([[0, 2, 2], [4, 0, 1]])
    emb = rng.standard_normal((5, 3))
    compare(backend, lambda i, e: F.embedding(i, e, padding_idx=2),
            lambda i, e: TF.embedding(i, e, padding_idx=2), [idx, emb], grad=(1,))


def test_activation_modules_match_torch(backend):
    if torch is None:
        pytest.skip("torch is not installed")
    x = rng.standard_normal((3, 4)) * 3
    for ours, theirs in [(nn.ReLU(), torch.nn.ReLU()), (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
                         (nn.ELU(), torch.nn.ELU()), (nn.GELU(), torch.nn.GELU()),
                         (nn.SiLU(), torch.nn.SiLU()), (nn.Sigmoid(), torch.nn.Sigmoid()),
                         (nn.Tanh(), torch.nn.Tanh()), (nn.Softmax(1), torch.nn.Softmax(1)),
                         (nn.LogSoftmax(1), torch.nn.LogSoftmax(1)), (nn.Softplus(2.0), torch.nn.Softplus(2.0))]:
        compare(backend, ours, theirs, [x], grad=(0,))


def test_functional_helpers_match_torch(backend):
    x = rng.standard_normal((2, 3, 4))
    compare(backend, lambda t: F.pad(t, (1, 2, 0, 1), value=0.5),
            lambda t: TF.pad(t, (1, 2, 0, 1), value=0.5), [x], grad=(0,))
    y = rng.standard_normal((2, 3, 4))
    compare(backend, lambda a, b: F.cosine_similarity(a, b, dim=1),
            lambda a, b: TF.cosine_similarity(a, b, dim=1), [x, y], grad=(0, 1))
    compare(backend, lambda a: F.normalize(a, dim=2), lambda a: TF.normalize(a, dim=2), [x], grad=(0,))
    oh = F.one_hot(ag(backend, np.array([0, 3, 1])), 4)
    assert oh.dtype == anygrad.int64
    np.testing.assert_array_equal(np.asarray(oh.numpy()), np.eye(4, dtype=np.int64)[[0, 3, 1]])


def test_dropout_seeded_train_eval(backend):
    x = anygrad.ones(200, 50)
    d = nn.Dropout(0.3)
    anygrad.manual_seed(5)
    a = d(x)
    anygrad.manual_seed(5)
    b = d(x)
    np.testing.assert_array_equal(np.asarray(a.numpy()), np.asarray(b.numpy()))
    vals = np.asarray(a.numpy(), dtype=np.float64)
    assert np.all((vals == 0) | np.isclose(vals, 1 / 0.7, rtol=1e-6))
    assert abs((np.asarray(a.numpy()) == 0).mean() - 0.3) < 0.02
    d.eval()
    assert d(x) is x


def test_clip_grad_and_vectors(backend):
    p1 = nn.Parameter(anygrad.zeros(2))
    p2 = nn.Parameter(anygrad.zeros(1))
    p1.grad = anygrad.tensor([3.0, 0.0])
    p2.grad = anygrad.tensor([4.0])
    total = nn.utils.clip_grad_norm_([p1, p2], 1.0)
    assert float(total) == pytest.approx(5.0)
    np.testing.assert_allclose(np.asarray(p1.grad.numpy()), [0.6, 0.0], rtol=1e-5)
    nn.utils.clip_grad_value_([p1, p2], 0.5)
    assert float(p2.grad) == pytest.approx(0.5)
    v = nn.utils.parameters_to_vector([p1, p2])
    assert v.shape == (3,)
    nn.utils.vector_to_parameters(anygrad.tensor([1.0, 2.0, 3.0]), [p1, p2])
    assert p1.tolist() == [1.0, 2.0] and p2.tolist() == [3.0]


@pytest.mark.parametrize("method", ["float", "double", "half"])
def test_float_double_half_cast_only_floating_tensors(method):
    """As PyTorch's: a complex buffer (a model's rotary frequencies) and an integer buffer keep
    their dtypes and values; Module.to(dtype) is the call that casts complex to real."""
    m = nn.Linear(2, 2)
    z = anygrad.tensor(np.array([1 + 2j, 3 - 1j]), dtype=anygrad.complex64)
    m.register_buffer("freqs", z)
    m.register_buffer("steps", anygrad.tensor([3, 4]))
    getattr(m, method)()
    want = {"float": anygrad.float32, "double": anygrad.float64, "half": anygrad.float16}[method]
    assert m.weight.dtype is want and m.bias.dtype is want
    assert m.freqs.dtype is anygrad.complex64 and m.steps.dtype is anygrad.int64
    np.testing.assert_array_equal(m.freqs.numpy(), z.numpy())
    if torch is not None:
        t = torch.nn.Linear(2, 2)
        t.register_buffer("freqs", torch.tensor([1 + 2j, 3 - 1j], dtype=torch.complex64))
        getattr(t, method)()
        assert t.freqs.dtype == torch.complex64
