"""Layers added for PyTorch coverage, against PyTorch: modules with copied weights (forward,
input and weight gradients), lazy modules, defaults, PyTorch's top-level spellings and
error messages. Each function's values and gradients on every backend are checked by its
registry entry (tests/ops/test_registry.py); here is what an entry cannot express.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.nn.functional as F
from nn_helpers import to_np, torch

pytestmark = pytest.mark.skipif(torch is None, reason="compares with PyTorch")
TF = torch.nn.functional if torch is not None else None
rng = np.random.default_rng(0)


def _copy_weights(mod, tmod):
    """Load ``tmod``'s parameters and buffers into ``mod`` (PyTorch's names)."""
    mod.load_state_dict({k: anygrad.tensor(v.detach().numpy()) for k, v in tmod.state_dict().items()})


def _check(mod, tmod, *arrays, grad=True, rtol=1e-6, atol=1e-8, copy=True):
    """Same outputs and input/parameter gradients for ``mod`` and ``tmod`` on ``arrays``."""
    if copy:
        _copy_weights(mod, tmod)
    floats = [a.dtype.kind == "f" for a in arrays]
    xs = [anygrad.tensor(a, requires_grad=grad and f) for a, f in zip(arrays, floats)]
    ts = [torch.tensor(a, requires_grad=grad and f) for a, f in zip(arrays, floats)]
    y, ty = mod(*xs), tmod(*ts)
    np.testing.assert_allclose(to_np(y), ty.detach().numpy(), rtol=rtol, atol=atol)
    if grad:
        gy = rng.standard_normal(tuple(ty.shape))
        (y * anygrad.tensor(gy)).sum().backward()
        (ty * torch.tensor(gy)).sum().backward()
        for x, t in zip(xs, ts):
            if t.grad is not None:
                np.testing.assert_allclose(to_np(x.grad), t.grad.numpy(), rtol=rtol, atol=atol)
        params = dict(mod.named_parameters())
        for name, tp in tmod.named_parameters():
            np.testing.assert_allclose(to_np(params[name].grad), tp.grad.numpy(), rtol=rtol,
                                       atol=atol, err_msg=name)
    return y


MODULES = {
    "ConvTranspose3d": (lambda m: m.ConvTranspose3d(4, 6, (2, 3, 2), stride=(2, 1, 2), padding=1,
                                                    output_padding=(1, 0, 0), groups=2,
                                                    dilation=(1, 2, 1)), (2, 4, 3, 4, 3)),
    "InstanceNorm3d": (lambda m: m.InstanceNorm3d(3, affine=True, track_running_stats=True),
                       (2, 3, 2, 3, 4)),
    "RMSNorm": (lambda m: m.RMSNorm((3, 4)), (2, 3, 4)),
    "LocalResponseNorm": (lambda m: m.LocalResponseNorm(3, 0.2, 0.6, 1.5), (2, 5, 3, 2)),
    "ChannelShuffle": (lambda m: m.ChannelShuffle(3), (2, 6, 2, 2)),
    "LPPool1d": (lambda m: m.LPPool1d(2, 3, 2), (2, 3, 8)),
    "LPPool2d": (lambda m: m.LPPool2d(1.5, (2, 3), ceil_mode=True), (2, 3, 5, 7)),
    "LPPool3d": (lambda m: m.LPPool3d(3, 2, 1), (1, 2, 3, 4, 3)),
    "Dropout3d-eval": (lambda m: m.Dropout3d(0.4).eval(), (2, 3, 2, 2, 2)),
    "FeatureAlphaDropout-eval": (lambda m: m.FeatureAlphaDropout(0.4).eval(), (2, 3, 4)),
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_matches_torch(name):
    make, shape = MODULES[name]
    x = rng.standard_normal(shape)
    if name.startswith("LPPool"):
        x = np.abs(x) + 0.1  # a fractional power of a negative sum is NaN in both
    tmod = make(torch.nn).double()
    mod = make(nn)
    if name == "InstanceNorm3d":
        for m in (mod, tmod):
            m.weight.data.copy_(type(m.weight.data)(np.linspace(0.5, 1.5, 3)) if m is tmod
                                else anygrad.linspace(0.5, 1.5, 3, dtype=anygrad.float64))
    mod = mod.double() if hasattr(mod, "double") else mod
    _check(mod, tmod, x)
    if name == "InstanceNorm3d":  # the running statistics follow PyTorch's too
        np.testing.assert_allclose(to_np(mod.running_var), tmod.running_var.numpy(), rtol=1e-6)


def test_cross_map_lrn2d_forward_matches_torch():
    # The forward only: PyTorch's hand-written backward fails its own gradcheck (see
    # docs/differences_pytorch.md); anygrad's is the forward's true gradient.
    x = rng.standard_normal((2, 7, 3, 2))
    for size in (1, 2, 3, 5):
        y = nn.CrossMapLRN2d(size, 0.3, 0.6, 1.5)(anygrad.tensor(x))
        ty = torch.nn.CrossMapLRN2d(size, 0.3, 0.6, 1.5)(torch.tensor(x))
        np.testing.assert_allclose(to_np(y), ty.numpy(), rtol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_module_matches_torch(mode):
    idx = np.array([1, 3, 3, 0, 5, 2, 1, 4, 5])
    off = np.array([0, 2, 2, 5, 9])
    kw = dict(mode=mode, padding_idx=3 if mode != "max" else None, include_last_offset=True)
    tmod = torch.nn.EmbeddingBag(6, 3, **kw).double()
    mod = nn.EmbeddingBag(6, 3, dtype=anygrad.float64, **kw)
    _copy_weights(mod, tmod)
    y = _check(mod, tmod, idx, off, copy=False)
    assert tuple(y.shape) == (4, 3)
    psw = rng.random(9)
    if mode == "sum":  # per-sample weights, and their gradient
        tmod.zero_grad()
        mod.zero_grad()
        w, tw = anygrad.tensor(psw, requires_grad=True), torch.tensor(psw, requires_grad=True)
        y = mod(anygrad.tensor(idx), anygrad.tensor(off), w)
        ty = tmod(torch.tensor(idx), torch.tensor(off), tw)
        np.testing.assert_allclose(to_np(y), ty.detach().numpy(), rtol=1e-6)
        y.sum().backward()
        ty.sum().backward()
        np.testing.assert_allclose(to_np(w.grad), tw.grad.numpy(), rtol=1e-6)


def test_embedding_bag_defaults_and_2d_input():
    w = rng.standard_normal((5, 2))
    i2 = np.array([[0, 2, 4], [1, 1, 3]])
    y = F.embedding_bag(anygrad.tensor(i2), anygrad.tensor(w))  # mode='mean' by default
    np.testing.assert_allclose(to_np(y), TF.embedding_bag(torch.tensor(i2), torch.tensor(w)).numpy())
    bag = nn.EmbeddingBag.from_pretrained(anygrad.tensor(w), mode="max")
    assert not bag.weight.requires_grad and bag.mode == "max"


def test_fractional_max_pool_modules_match_torch():
    x = rng.standard_normal((2, 3, 9, 8))
    s = rng.random((2, 3, 2))
    mod = nn.FractionalMaxPool2d((3, 2), output_ratio=(0.5, 0.6), return_indices=True,
                                 _random_samples=anygrad.tensor(s))
    tmod = torch.nn.FractionalMaxPool2d((3, 2), output_ratio=(0.5, 0.6), return_indices=True,
                                        _random_samples=torch.tensor(s))
    (y, i), (ty, ti) = mod(anygrad.tensor(x)), tmod(torch.tensor(x))
    np.testing.assert_array_equal(to_np(y), ty.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    # Unpooling the maxima restores them at their positions, as PyTorch's.
    u = nn.MaxUnpool2d(2)(y, i, output_size=x.shape[2:])
    tu = torch.nn.MaxUnpool2d(2)(ty, ti, output_size=x.shape[2:])
    np.testing.assert_array_equal(to_np(u), tu.numpy())
    # Without samples: drawn from the seeded generator, windows inside the input.
    anygrad.manual_seed(0)
    y3, i3 = F.fractional_max_pool3d(anygrad.tensor(rng.standard_normal((1, 2, 6, 5, 7))), 2,
                                     output_size=(3, 4, 5), return_indices=True)
    assert tuple(y3.shape) == (1, 2, 3, 4, 5) and int(i3.max().item()) < 6 * 5 * 7


def test_max_unpool_module_round_trip_and_torch_default_size():
    x = rng.standard_normal((2, 2, 6, 6, 4))
    y, i = F.max_pool3d(anygrad.tensor(x), 2, return_indices=True)
    ty, ti = TF.max_pool3d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    u = nn.MaxUnpool3d(2)(y, i)  # default size (6, 6, 4)
    np.testing.assert_array_equal(to_np(u), torch.nn.MaxUnpool3d(2)(ty, ti).numpy())


def test_adaptive_log_softmax_matches_torch():
    torch.manual_seed(0)
    tmod = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7], div_value=2.0, head_bias=True)
    tmod = tmod.double()
    mod = nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 7], div_value=2.0, head_bias=True)
    assert dict(mod.state_dict()).keys() == tmod.state_dict().keys()
    _copy_weights(mod, tmod)
    x = rng.standard_normal((5, 8))
    t = np.array([0, 4, 11, 2, 8])
    xa, xt = anygrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = mod(xa, anygrad.tensor(t)), tmod(xt, torch.tensor(t))
    np.testing.assert_allclose(to_np(out.output), tout.output.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(to_np(out.loss), tout.loss.detach().numpy(), rtol=1e-6)
    out.loss.backward()
    tout.loss.backward()
    np.testing.assert_allclose(to_np(xa.grad), xt.grad.numpy(), rtol=1e-6, atol=1e-12)
    params = dict(mod.named_parameters())
    for name, p in tmod.named_parameters():
        np.testing.assert_allclose(to_np(params[name].grad), p.grad.numpy(), rtol=1e-6,
                                   atol=1e-12, err_msg=name)
    np.testing.assert_allclose(to_np(mod.log_prob(anygrad.tensor(x))),
                               tmod.log_prob(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    np.testing.assert_array_equal(mod.predict(anygrad.tensor(x)).numpy(),
                                  tmod.predict(torch.tensor(x)).numpy())
    with pytest.raises(RuntimeError, match=r"Target values should be in \[0, 11\]"):
        mod(anygrad.tensor(x), anygrad.tensor([0, 1, 2, 3, 12]))


LAZY = {
    "LazyLinear": (lambda m: m.LazyLinear(4), (3, 5)),
    "LazyConv1d": (lambda m: m.LazyConv1d(4, 3, padding=1, groups=2), (2, 6, 5)),
    "LazyConv2d": (lambda m: m.LazyConv2d(3, 2), (2, 2, 4, 5)),
    "LazyConv3d": (lambda m: m.LazyConv3d(2, 2, bias=False), (1, 3, 3, 4, 3)),
    "LazyConvTranspose1d": (lambda m: m.LazyConvTranspose1d(4, 3, stride=2, groups=2), (2, 4, 5)),
    "LazyConvTranspose2d": (lambda m: m.LazyConvTranspose2d(3, 2, output_padding=1, stride=2),
                            (2, 2, 3, 3)),
    "LazyConvTranspose3d": (lambda m: m.LazyConvTranspose3d(2, 2), (1, 3, 2, 3, 2)),
    "LazyBatchNorm1d": (lambda m: m.LazyBatchNorm1d(), (4, 3)),
    "LazyBatchNorm2d": (lambda m: m.LazyBatchNorm2d(momentum=None), (2, 3, 2, 2)),
    "LazyBatchNorm3d": (lambda m: m.LazyBatchNorm3d(affine=False), (2, 3, 2, 1, 2)),
    "LazyInstanceNorm1d": (lambda m: m.LazyInstanceNorm1d(), (2, 3, 4)),
    "LazyInstanceNorm2d": (lambda m: m.LazyInstanceNorm2d(track_running_stats=False), (2, 3, 2, 3)),
    "LazyInstanceNorm3d": (lambda m: m.LazyInstanceNorm3d(affine=False), (2, 3, 2, 2, 3)),
}


@pytest.mark.parametrize("name", sorted(LAZY))
def test_lazy_module_becomes_its_eager_layer(name):
    make, shape = LAZY[name]
    x = rng.standard_normal(shape).astype(np.float32)
    tmod, mod = make(torch.nn), make(nn)
    assert any(isinstance(p, nn.UninitializedParameter) for p in mod.parameters()) or not list(
        mod.parameters())
    y, ty = mod(anygrad.tensor(x)), tmod(torch.tensor(x))
    assert type(mod).__name__ == type(tmod).__name__ == name[4:]
    assert {k: tuple(v.shape) for k, v in mod.state_dict().items()} == {
        k: tuple(v.shape) for k, v in tmod.state_dict().items()}
    for attr in ("in_features", "in_channels", "num_features"):
        if hasattr(tmod, attr):
            assert getattr(mod, attr) == getattr(tmod, attr)
    assert tuple(y.shape) == tuple(ty.shape)
    # Same weights: same values and gradients; an optimizer made after the dry run trains.
    mod.train(), tmod.train()
    _check(mod, tmod, x, rtol=1e-4, atol=1e-5)
    if list(mod.parameters()):
        before = [to_np(p).copy() for p in mod.parameters()]
        opt = anygrad.optim.SGD(mod.parameters(), lr=0.1)
        opt.step()
        assert any(not np.allclose(b, to_np(p)) for b, p in zip(before, mod.parameters()))


def test_lazy_linear_init_and_state_dict_loading():
    anygrad.manual_seed(0)
    layer = nn.LazyLinear(30)
    layer(anygrad.randn(2, 400))
    bound = 1 / np.sqrt(400)
    w = to_np(layer.weight)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound  # kaiming_uniform(a=sqrt 5)
    fresh = nn.LazyLinear(30)
    fresh.load_state_dict(layer.state_dict())  # shapes from the checkpoint
    assert fresh.in_features == 400
    x = anygrad.randn(3, 400)
    np.testing.assert_array_equal(to_np(fresh(x)), to_np(layer(x)))
    assert type(fresh) is nn.Linear


def test_uninitialized_parameter_and_buffer():
    p = nn.UninitializedParameter(dtype=anygrad.float64)
    assert isinstance(p, nn.Parameter) and nn.parameter.is_lazy(p)
    with pytest.raises(ValueError, match="uninitialized"):
        p.shape
    p.materialize((2, 3))
    assert type(p) is nn.Parameter and tuple(p.shape) == (2, 3) and p.dtype == anygrad.float64
    assert p.requires_grad and not nn.parameter.is_lazy(p)
    b = nn.UninitializedBuffer()
    b.materialize(4)
    assert type(b) is anygrad.Tensor and not b.requires_grad and tuple(b.shape) == (4,)


def test_rnn_base_classes():
    assert isinstance(nn.LSTM(3, 4), nn.RNNBase) and isinstance(nn.GRUCell(3, 4), nn.RNNCellBase)
    base, tbase = nn.RNNBase("GRU", 3, 4, 2), torch.nn.RNNBase("GRU", 3, 4, 2)
    assert {k: tuple(v.shape) for k, v in base.state_dict().items()} == {
        k: tuple(v.shape) for k, v in tbase.state_dict().items()}
    cell, tcell = nn.RNNCellBase(3, 4, True, 2), torch.nn.RNNCellBase(3, 4, True, 2)
    assert {k: tuple(v.shape) for k, v in cell.state_dict().items()} == {
        k: tuple(v.shape) for k, v in tcell.state_dict().items()}


TOP_LEVEL = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
             "conv_transpose3d", "conv_tbc", "avg_pool1d", "adaptive_avg_pool1d", "pixel_shuffle",
             "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "bilinear"]


def test_torch_top_level_spellings_are_the_functional_ones():
    for name in TOP_LEVEL:
        assert getattr(anygrad, name) is getattr(F, name), name
    x = rng.standard_normal((2, 3, 7))
    np.testing.assert_allclose(to_np(anygrad.avg_pool1d(anygrad.tensor(x), 3, 2, 1, True, False)),
                               torch.avg_pool1d(torch.tensor(x), 3, 2, 1, True, False).numpy())


def test_grid_functions_default_to_align_corners_false():
    theta = rng.standard_normal((2, 2, 3))
    grid = F.affine_grid(anygrad.tensor(theta), (2, 1, 3, 4))
    np.testing.assert_allclose(to_np(grid), TF.affine_grid(torch.tensor(theta), (2, 1, 3, 4),
                                                           align_corners=False).numpy())
    x = rng.standard_normal((2, 1, 3, 4))
    np.testing.assert_allclose(
        to_np(F.grid_sample(anygrad.tensor(x), grid)),
        TF.grid_sample(torch.tensor(x), torch.tensor(to_np(grid)), align_corners=False).numpy())


def test_errors_name_the_operation():
    x = anygrad.randn(1, 2, 4, 4)
    y, i = F.max_pool2d(x, 2, return_indices=True)
    with pytest.raises(ValueError, match="max_unpool2d: found an index outside"):
        F.max_unpool2d(y, i * 10, 2)
    with pytest.raises(ValueError, match="fractional_max_pool2d requires output_size or"):
        F.fractional_max_pool2d(x, 2)
    with pytest.raises(ValueError, match="FractionalMaxPool2d requires specifying exactly one"):
        nn.FractionalMaxPool2d(2)
    with pytest.raises(ValueError, match="grid_sample: mode must be"):
        F.grid_sample(x, anygrad.zeros(1, 2, 2, 2), mode="cubic")
    with pytest.raises(ValueError, match="per_sample_weights is only supported for mode='sum'"):
        F.embedding_bag(anygrad.tensor([[0, 1]]), anygrad.randn(3, 2),
                        per_sample_weights=anygrad.ones(1, 2))
    with pytest.raises(ValueError, match="conv_tbc: expected input channels 3"):
        F.conv_tbc(anygrad.randn(4, 2, 5), anygrad.randn(2, 3, 4), anygrad.randn(4))
    with pytest.raises(ValueError, match="channel_shuffle: expected an input"):
        F.channel_shuffle(anygrad.randn(1, 5, 2), 2)
    with pytest.raises(ValueError, match="rms_norm: normalized_shape"):
        F.rms_norm(anygrad.randn(2, 3), (4,))
    with pytest.raises(ValueError, match="conv_transpose3d: output_padding"):
        F.conv_transpose3d(anygrad.randn(1, 2, 2, 2, 2), anygrad.randn(2, 2, 2, 2, 2),
                           output_padding=1)


def test_embedding_scale_grad_by_freq_matches_torch():
    w = rng.standard_normal((6, 3))
    idx = np.array([[1, 3, 3], [0, 5, 1]])
    mod = nn.Embedding(6, 3, padding_idx=5, scale_grad_by_freq=True, dtype=anygrad.float64)
    tmod = torch.nn.Embedding(6, 3, padding_idx=5, scale_grad_by_freq=True).double()
    with torch.no_grad():
        tmod.weight.copy_(torch.tensor(w))
    _copy_weights(mod, tmod)
    _check(mod, tmod, idx, copy=False)
