"""Padding modes, pixel shuffles, interpolation and unfold/fold against PyTorch and NumPy.

Each layer is compared with PyTorch (same input, same cotangent) where torch is installed,
and checked without it against a NumPy expression or an identity (the inverse it has, its
adjoint), so NumPy and array-api-strict never skip everything.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.nn.functional as F
from nn_helpers import ag, compare, to_np, torch

TF = torch.nn.functional if torch is not None else None
rng = np.random.default_rng(0)

PAD_MODES = [("reflect", "reflect"), ("replicate", "edge"), ("circular", "wrap")]


@pytest.mark.parametrize("mode", [m for m, _ in PAD_MODES])
def test_pad_modes_match_torch(backend, mode):
    for shape, pads in (((2, 3, 5), (2, 1)), ((1, 2, 4, 5), (1, 3, 2, 0)),
                        ((1, 2, 3, 4, 3), (1, 2, 0, 1, 2, 1))):
        x = rng.standard_normal(shape)
        compare(backend, lambda t: F.pad(t, pads, mode=mode),
                lambda t: TF.pad(t, pads, mode=mode), [x], grad=(0,))


@pytest.mark.parametrize("mode,np_mode", PAD_MODES)
def test_pad_modes_match_numpy(backend, mode, np_mode):
    x = rng.standard_normal((2, 4, 5))
    y = F.pad(ag(backend, x), (2, 1, 3, 0), mode=mode)
    np.testing.assert_allclose(to_np(y), np.pad(x, ((0, 0), (3, 0), (2, 1)), mode=np_mode))


def test_pad_mode_gradient_counts_every_copy(backend):
    # Each input element's gradient is how many times it appears in the padded output.
    x = ag(backend, np.zeros((1, 4)), requires_grad=True)
    F.pad(x, (2, 3), mode="reflect").sum().backward()
    np.testing.assert_array_equal(to_np(x.grad), [[2, 3, 3, 1]])  # c b | a b c d | c b a
    x = ag(backend, np.zeros((1, 3)), requires_grad=True)
    F.pad(x, (2, 1), mode="replicate").sum().backward()
    np.testing.assert_array_equal(to_np(x.grad), [[3, 1, 2]])


def test_pad_mode_errors(backend):
    x = ag(backend, np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match="less than the size 3"):
        F.pad(x, (3, 0), mode="reflect")
    with pytest.raises(ValueError, match="only supported by mode='constant'"):
        F.pad(x, (-1, 0), mode="replicate")
    with pytest.raises(NotImplementedError, match="mode must be"):
        F.pad(x, (1, 0), mode="symmetric")


PAD_LAYERS = [
    ("ZeroPad1d", ((1, 2),), (2, 3, 4)), ("ZeroPad2d", ((1, 0, 2, 1),), (2, 2, 3, 4)),
    ("ZeroPad3d", (1,), (1, 2, 2, 3, 2)), ("ConstantPad1d", (2, 0.5), (2, 4)),
    ("ConstantPad2d", ((0, 1, 2, 0), -1.0), (1, 2, 3, 3)), ("ConstantPad3d", (1, 2.0), (1, 2, 2, 2)),
    ("ReflectionPad1d", ((2, 1),), (2, 3, 4)), ("ReflectionPad2d", (1,), (1, 2, 3, 4)),
    ("ReflectionPad3d", ((1, 0, 1, 1, 0, 1),), (1, 2, 2, 3, 3)),
    ("ReplicationPad1d", (2,), (2, 3, 4)), ("ReplicationPad2d", ((0, 2, 1, 1),), (2, 3, 4)),
    ("ReplicationPad3d", (1,), (1, 1, 2, 3, 2)), ("CircularPad1d", (1,), (2, 3, 4)),
    ("CircularPad2d", ((1, 2, 0, 1),), (1, 2, 3, 4)), ("CircularPad3d", (1,), (1, 1, 2, 2, 3)),
]


@pytest.mark.parametrize("name,args,shape", PAD_LAYERS, ids=[c[0] for c in PAD_LAYERS])
def test_padding_layers_match_torch(backend, name, args, shape):
    if torch is None:
        pytest.skip("torch is not installed")
    layer, tlayer = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert layer.padding == tuple(tlayer.padding)
    compare(backend, layer, tlayer, [rng.standard_normal(shape)], grad=(0,))


def test_padding_layers_without_torch(backend):
    x = rng.standard_normal((1, 2, 3))
    np.testing.assert_array_equal(to_np(nn.ZeroPad2d((1, 0, 0, 2))(ag(backend, x))),
                                  np.pad(x, ((0, 0), (0, 2), (1, 0))))
    np.testing.assert_array_equal(to_np(nn.ConstantPad1d(1, 7.0)(ag(backend, x))),
                                  np.pad(x, ((0, 0), (0, 0), (1, 1)), constant_values=7.0))
    np.testing.assert_array_equal(to_np(nn.ReplicationPad2d(1)(ag(backend, x))),
                                  np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="edge"))
    assert repr(nn.ReflectionPad1d(2)) == "ReflectionPad1d((2, 2))"
    with pytest.raises(ValueError, match="expected an int or 4"):
        nn.ZeroPad2d((1, 2))
    with pytest.raises(ValueError, match="3-D or 4-D input"):
        nn.ReflectionPad2d(1)(ag(backend, np.zeros((3, 3))))


def test_pixel_shuffle_matches_torch(backend):
    compare(backend, nn.PixelShuffle(2), torch.nn.PixelShuffle(2) if torch else None,
            [rng.standard_normal((2, 8, 2, 3))], grad=(0,))
    compare(backend, lambda t: F.pixel_unshuffle(t, 3),
            lambda t: TF.pixel_unshuffle(t, 3), [rng.standard_normal((2, 3, 3, 6))], grad=(0,))


def test_pixel_shuffle_is_inverted_by_unshuffle(backend):
    x = rng.standard_normal((2, 3, 8, 2, 2))
    y = F.pixel_shuffle(ag(backend, x), 2)
    assert tuple(y.shape) == (2, 3, 2, 4, 4)
    np.testing.assert_array_equal(to_np(nn.PixelUnshuffle(2)(y)), x)
    # Channel c*4 + i*2 + j lands at (2h + i, 2w + j).
    np.testing.assert_array_equal(to_np(y)[0, 1, 1, 1::2, 0::2], x[0, 1, 6])
    with pytest.raises(ValueError, match="divide by upscale_factor"):
        F.pixel_shuffle(ag(backend, np.zeros((1, 3, 2, 2))), 2)


INTERP = [
    ((1, 2, 5), {"scale_factor": 2}), ((1, 2, 5), {"size": 3}),
    ((1, 2, 5), {"size": 8, "mode": "linear"}),
    ((1, 2, 5), {"size": 8, "mode": "linear", "align_corners": True}),
    ((2, 1, 3, 4), {"scale_factor": 2, "mode": "nearest"}),
    ((2, 1, 3, 4), {"size": (5, 7), "mode": "nearest"}),
    ((2, 1, 3, 4), {"size": (5, 7), "mode": "nearest-exact"}),
    ((2, 1, 3, 4), {"size": (5, 7), "mode": "bilinear"}),
    ((2, 1, 3, 4), {"size": (5, 7), "mode": "bilinear", "align_corners": True}),
    ((2, 1, 4, 6), {"scale_factor": 0.5, "mode": "bilinear"}),
    ((2, 1, 4, 6), {"scale_factor": (1.5, 0.7), "mode": "bilinear"}),
    ((2, 1, 4, 6), {"scale_factor": 1.7, "mode": "bilinear", "recompute_scale_factor": True}),
    ((2, 1, 4, 6), {"size": (2, 3), "mode": "area"}),
    ((1, 1, 2, 3, 2), {"scale_factor": 2, "mode": "trilinear"}),
    ((1, 1, 2, 3, 2), {"size": (3, 4, 4), "mode": "trilinear", "align_corners": True}),
]


@pytest.mark.parametrize("shape,kw", INTERP, ids=[f"{len(s)}d-" + "-".join(
    f"{k}={v}" for k, v in kw.items()).replace(" ", "") for s, kw in INTERP])
def test_interpolate_matches_torch(backend, shape, kw):
    compare(backend, lambda t: F.interpolate(t, **kw), lambda t: TF.interpolate(t, **kw),
            [rng.standard_normal(shape)], grad=(0,))


def test_interpolate_without_torch(backend):
    x = rng.standard_normal((1, 2, 3, 4))
    up = F.interpolate(ag(backend, x), scale_factor=2)
    np.testing.assert_array_equal(to_np(up), x.repeat(2, axis=2).repeat(2, axis=3))
    # A linear ramp is reproduced exactly by linear interpolation with align_corners.
    ramp = np.add.outer(np.arange(3.0), 10 * np.arange(4.0))[None, None]
    y = F.interpolate(ag(backend, ramp), size=(5, 7), mode="bilinear", align_corners=True)
    np.testing.assert_allclose(to_np(y)[0, 0], np.add.outer(np.linspace(0, 2, 5),
                                                            10 * np.linspace(0, 3, 7)))
    # Half-pixel centres: doubling a 1-D signal gives the 1/4, 3/4 blends, edges clamped.
    y = F.interpolate(ag(backend, np.array([[[0.0, 4.0]]])), scale_factor=2, mode="linear")
    np.testing.assert_allclose(to_np(y), [[[0.0, 1.0, 3.0, 4.0]]])
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
    np.testing.assert_array_equal(to_np(nn.Upsample(size=(6, 8))(ag(backend, x))), to_np(up))


def test_interpolate_errors(backend):
    x = ag(backend, np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match="exactly one of size and scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="expects a 3-D input"):
        F.interpolate(x, size=3, mode="linear")
    with pytest.raises(ValueError, match="align_corners applies"):
        F.interpolate(x, size=3, align_corners=True)
    with pytest.raises(NotImplementedError, match="mode must be"):
        F.interpolate(x, size=3, mode="bicubic")


FOLD = [{"kernel_size": 2}, {"kernel_size": (2, 3), "dilation": 2, "padding": 1, "stride": 2},
        {"kernel_size": 3, "padding": 1, "stride": (1, 2)}]


@pytest.mark.parametrize("kw", FOLD, ids=["k2", "k23-d2-p1-s2", "k3-p1-s12"])
def test_unfold_fold_match_torch(backend, kw):
    if torch is None:
        pytest.skip("torch is not installed")
    x = rng.standard_normal((2, 3, 5, 6))
    compare(backend, nn.Unfold(**kw), torch.nn.Unfold(**kw), [x], grad=(0,))
    cols = rng.standard_normal(tuple(TF.unfold(torch.tensor(x), **kw).shape))
    compare(backend, nn.Fold((5, 6), **kw), torch.nn.Fold((5, 6), **kw), [cols], grad=(0,))


@pytest.mark.parametrize("kw", FOLD, ids=["k2", "k23-d2-p1-s2", "k3-p1-s12"])
def test_fold_is_the_adjoint_of_unfold(backend, kw):
    x = rng.standard_normal((2, 3, 5, 6))
    cx = F.unfold(ag(backend, x), **kw)
    c = rng.standard_normal(tuple(cx.shape))
    fc = F.fold(ag(backend, c), (5, 6), **kw)
    np.testing.assert_allclose(np.sum(to_np(cx) * c), np.sum(x * to_np(fc)), rtol=1e-10)


def test_unfold_fold_without_torch(backend):
    x = rng.standard_normal((1, 2, 4, 6))
    cols = F.unfold(ag(backend, x), 2, stride=2)
    # Column l holds block l (row-major over blocks), channel-major then kernel row-major.
    np.testing.assert_array_equal(to_np(cols)[0, :, 1], x[0, :, 0:2, 2:4].reshape(-1))
    np.testing.assert_array_equal(to_np(F.fold(cols, (4, 6), 2, stride=2)), x)
    ones = F.fold(F.unfold(ag(backend, np.ones((1, 1, 3, 3))), 2), (3, 3), 2)
    np.testing.assert_array_equal(to_np(ones)[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    with pytest.raises(ValueError, match="fold: expected an input"):
        F.fold(cols, (4, 6), 3)


CONV3D = [{}, {"stride": 2, "padding": 1, "dilation": (2, 1, 1), "groups": 2},
          {"padding": "same"}, {"stride": (1, 2, 1), "padding": (0, 1, 2)}]


@pytest.mark.parametrize("kw", CONV3D, ids=["plain", "s2-p1-d211-g2", "same", "s121-p012"])
def test_conv3d_matches_torch(backend, kw):
    x = rng.standard_normal((2, 4, 4, 5, 4))
    w = rng.standard_normal((6, 4 // kw.get("groups", 1), 2, 3, 2))
    compare(backend, lambda *a: F.conv3d(*a, **kw), lambda *a: TF.conv3d(*a, **kw),
            [x, w, rng.standard_normal(6)], grad=(0, 1, 2))


def test_conv3d_without_torch(backend):
    # A kernel of depth 1 is the 2-D convolution of each depth slice.
    x, w = rng.standard_normal((1, 2, 3, 4, 4)), rng.standard_normal((3, 2, 1, 2, 2))
    y = to_np(F.conv3d(ag(backend, x), ag(backend, w), padding=(0, 1, 0)))
    for i in range(3):
        y2 = F.conv2d(ag(backend, x[:, :, i]), ag(backend, w[:, :, 0]), padding=(1, 0))
        np.testing.assert_allclose(y[:, :, i], to_np(y2), rtol=1e-12, atol=1e-12)
    layer = nn.Conv3d(2, 4, 3, padding=1).to(backend.name, device=backend.device_obj())
    assert tuple(layer(ag(backend, x, dtype=layer.weight.dtype)).shape) == (1, 4, 3, 4, 4)


POOL3D = [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1},
          {"kernel_size": (2, 3, 2), "stride": 2, "ceil_mode": True},
          {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
           "count_include_pad": False}]


@pytest.mark.parametrize("kw", POOL3D, ids=["k2", "k3-s2-p1", "ceil", "ceil-exclude-pad"])
def test_pool3d_matches_torch(backend, kw):
    if torch is None:
        pytest.skip("torch is not installed")
    x = rng.standard_normal((2, 2, 5, 6, 5))
    mkw = {k: v for k, v in kw.items() if k != "count_include_pad"}
    compare(backend, nn.MaxPool3d(**mkw), torch.nn.MaxPool3d(**mkw), [x], grad=(0,))
    compare(backend, nn.AvgPool3d(**kw), torch.nn.AvgPool3d(**kw), [x], grad=(0,))
    for size in (1, (2, 3, 4), (3, None, 2)):
        compare(backend, nn.AdaptiveAvgPool3d(size), torch.nn.AdaptiveAvgPool3d(size), [x],
                grad=(0,))
        compare(backend, nn.AdaptiveMaxPool3d(size), torch.nn.AdaptiveMaxPool3d(size), [x],
                grad=(0,))


def test_pool3d_without_torch(backend):
    x = rng.standard_normal((1, 2, 4, 4, 6))
    boxes = x.reshape(1, 2, 2, 2, 2, 2, 3, 2)
    np.testing.assert_allclose(to_np(F.max_pool3d(ag(backend, x), 2)),
                               boxes.max(axis=(3, 5, 7)), rtol=1e-12)
    np.testing.assert_allclose(to_np(F.avg_pool3d(ag(backend, x), 2)),
                               boxes.mean(axis=(3, 5, 7)), rtol=1e-12)
    np.testing.assert_allclose(to_np(F.adaptive_avg_pool3d(ag(backend, x), (2, 2, 3))),
                               boxes.mean(axis=(3, 5, 7)), rtol=1e-12)
    np.testing.assert_allclose(to_np(F.adaptive_max_pool3d(ag(backend, x), 1)),
                               x.max(axis=(2, 3, 4), keepdims=True), rtol=1e-12)
    with pytest.raises(ValueError, match="4-D or 5-D input"):
        F.max_pool3d(ag(backend, np.zeros((2, 2, 2))), 2)


def test_batchnorm3d_matches_torch(backend):
    if torch is None:
        pytest.skip("torch is not installed")
    bn = nn.BatchNorm3d(3).to(anygrad.float64).to(backend.name, device=backend.device_obj())
    tbn = torch.nn.BatchNorm3d(3).double()
    x = rng.standard_normal((2, 3, 2, 3, 2))
    compare(backend, bn, tbn, [x], grad=(0,))
    np.testing.assert_allclose(to_np(bn.running_var), tbn.running_var.numpy(), rtol=1e-10)
    with pytest.raises(ValueError, match="expected a 5-D input"):
        bn(ag(backend, x[0]))


def _ctc_case():
    x = rng.standard_normal((9, 3, 5))
    targets = np.array([[1, 2, 2, 4], [3, 1, 4, 0], [2, 0, 0, 0]])
    return x, targets, np.array([9, 7, 5]), np.array([4, 3, 0])


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_ctc_loss_matches_torch(backend, reduction):
    # PyTorch's CTC gradient is the one through log_softmax (it assumes normalised inputs),
    # so both sides start from logits.
    x, targets, il, tl = _ctc_case()
    compare(backend,
            lambda t: nn.CTCLoss(reduction=reduction)(F.log_softmax(t, dim=2), targets, il, tl),
            lambda t: TF.ctc_loss(t.log_softmax(2), torch.tensor(targets), torch.tensor(il),
                                  torch.tensor(tl), reduction=reduction),
            [x], grad=(0,), rtol=1e-8, atol=1e-10)


def test_ctc_loss_infeasible_and_concatenated_targets(backend):
    x, targets, il, tl = _ctc_case()
    lp = F.log_softmax(ag(backend, x), dim=2)
    short = np.array([3, 7, 5])  # 4 labels with a repeat need at least 5 frames
    assert np.isinf(to_np(F.ctc_loss(lp, targets, short, tl, reduction="none"))[0])
    assert to_np(F.ctc_loss(lp, targets, short, tl, reduction="none", zero_infinity=True))[0] == 0
    flat = np.concatenate([targets[0, :4], targets[1, :3]])
    np.testing.assert_allclose(to_np(F.ctc_loss(lp, flat, il, tl)),
                               to_np(F.ctc_loss(lp, targets, il, tl)), rtol=1e-12)


def test_ctc_loss_without_torch(backend):
    # Label 1 over two frames, every class at probability 1/2: of the four paths, three
    # collapse to "1" (1-1, blank-1, 1-blank), so P = 3/4.
    lp = ag(backend, np.log(np.full((2, 1, 2), 0.5)))
    loss = F.ctc_loss(lp, np.array([[1]]), [2], [1], reduction="sum")
    np.testing.assert_allclose(to_np(loss), -np.log(0.75), rtol=1e-12)
