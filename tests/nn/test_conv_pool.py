"""Convolution and pooling against PyTorch (float64, every backend) and gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn.functional as F
from anygrad.autograd.gradcheck import gradcheck

from nn_helpers import ag, compare, torch

TF = torch.nn.functional if torch is not None else None
rng = np.random.default_rng(0)

CONV_CASES = [
    # (input shape, weight shape, options)
    ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    ((2, 3, 7, 6), (4, 3, 3, 2), {"stride": 2, "padding": 1}),
    ((1, 4, 8, 8), (6, 2, 3, 3), {"groups": 2, "dilation": 2, "padding": (2, 1)}),
    ((2, 2, 6, 5), (3, 2, 3, 3), {"padding": "same"}),
    ((2, 2, 6, 5), (3, 2, 2, 4), {"padding": "same", "dilation": (1, 2)}),
    ((2, 2, 5, 5), (3, 2, 1, 1), {"padding": "valid"}),
    ((1, 2, 9, 7), (2, 2, 3, 3), {"stride": (3, 2), "padding": 2}),
]


@pytest.mark.parametrize("case", range(len(CONV_CASES)))
def test_conv2d_matches_torch(backend, case):
    xs, ws, opts = CONV_CASES[case]
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    compare(backend, lambda x, w, b: F.conv2d(x, w, b, **opts),
            lambda x, w, b: TF.conv2d(x, w, b, **opts), [x, w, b], grad=(0, 1, 2))


@pytest.mark.parametrize("opts", [{}, {"stride": 2, "padding": 1}, {"padding": 2, "dilation": 2}])
def test_conv1d_matches_torch(backend, opts):
    x, w, b = rng.standard_normal((2, 3, 9)), rng.standard_normal((4, 3, 3)), rng.standard_normal(4)
    compare(backend, lambda x, w, b: F.conv1d(x, w, b, **opts),
            lambda x, w, b: TF.conv1d(x, w, b, **opts), [x, w, b], grad=(0, 1, 2))


@pytest.mark.parametrize("opts", [
    {}, {"stride": 2, "padding": 1, "output_padding": 1}, {"groups": 2, "dilation": 2},
    {"stride": (2, 3), "padding": (0, 1)},
])
def test_conv_transpose2d_matches_torch(backend, opts):
    x = rng.standard_normal((2, 4, 4, 5))
    w = rng.standard_normal((4, 3 if opts.get("groups", 1) == 1 else 2, 3, 3))
    b = rng.standard_normal(w.shape[1] * opts.get("groups", 1))
    compare(backend, lambda x, w, b: F.conv_transpose2d(x, w, b, **opts),
            lambda x, w, b: TF.conv_transpose2d(x, w, b, **opts), [x, w, b], grad=(0, 1, 2))


POOL_CASES = [
    (2, {}), ((2, 2), {"stride": 1}), (3, {"stride": 2, "padding": 1}),
    (2, {"ceil_mode": True}), (3, {"stride": 2, "ceil_mode": True, "padding": 1}),
    (2, {"dilation": 2}), ((3, 2), {"stride": (1, 2)}),
]


@pytest.mark.parametrize("case", range(len(POOL_CASES)))
def test_max_pool2d_matches_torch(backend, case):
    k, opts = POOL_CASES[case]
    x = rng.standard_normal((2, 3, 7, 6))
    compare(backend, lambda x: F.max_pool2d(x, k, **opts), lambda x: TF.max_pool2d(x, k, **opts),
            [x], grad=(0,))


def test_max_pool2d_ties_route_to_first_maximum(backend):
    x = np.ones((1, 1, 4, 4))
    compare(backend, lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), [x], grad=(0,))
    compare(backend, lambda x: F.max_pool2d(x, 3, stride=1), lambda x: TF.max_pool2d(x, 3, stride=1),
            [x], grad=(0,))


def test_max_pool2d_indices_match_torch(backend):
    x = rng.standard_normal((2, 2, 6, 7))
    if torch is None:
        pytest.skip("torch is not installed")
    _, idx = F.max_pool2d(ag(backend, x), 3, stride=2, padding=1, return_indices=True)
    _, tidx = TF.max_pool2d(torch.tensor(x), 3, stride=2, padding=1, return_indices=True)
    np.testing.assert_array_equal(np.asarray(idx.numpy()), tidx.numpy())


@pytest.mark.parametrize("case", range(5))
def test_avg_pool2d_matches_torch(backend, case):
    k, opts = [(2, {}), (3, {"stride": 2, "padding": 1}),
               (3, {"stride": 2, "padding": 1, "count_include_pad": False}),
               (2, {"ceil_mode": True}), (3, {"stride": 2, "ceil_mode": True, "padding": 1})][case]
    x = rng.standard_normal((2, 3, 7, 6))
    compare(backend, lambda x: F.avg_pool2d(x, k, **opts), lambda x: TF.avg_pool2d(x, k, **opts),
            [x], grad=(0,))


def test_pool1d_matches_torch(backend):
    x = rng.standard_normal((2, 3, 9))
    compare(backend, lambda x: F.max_pool1d(x, 3, 2, 1), lambda x: TF.max_pool1d(x, 3, 2, 1), [x], grad=(0,))
    compare(backend, lambda x: F.avg_pool1d(x, 3, 2, 1), lambda x: TF.avg_pool1d(x, 3, 2, 1), [x], grad=(0,))


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (2, 5), (None, 3)])
def test_adaptive_pools_match_torch(backend, size):
    x = rng.standard_normal((2, 3, 7, 5))
    compare(backend, lambda x: F.adaptive_avg_pool2d(x, size), lambda x: TF.adaptive_avg_pool2d(x, size),
            [x], grad=(0,))
    compare(backend, lambda x: F.adaptive_max_pool2d(x, size), lambda x: TF.adaptive_max_pool2d(x, size),
            [x], grad=(0,))


GRADCHECK = [
    ("conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), [(1, 2, 5, 5), (2, 2, 3, 3), (2,)]),
    ("conv2d_groups", lambda x, w: F.conv2d(x, w, groups=2, dilation=2, padding=1), [(1, 2, 5, 5), (2, 1, 2, 2)]),
    ("conv_transpose2d", lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1), [(1, 2, 3, 3), (2, 1, 3, 3)]),
    ("max_pool2d", lambda x: F.max_pool2d(x, 3, stride=2, padding=1), [(1, 2, 5, 5)]),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), [(1, 2, 5, 5)]),
    ("batch_norm", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), [(3, 2, 2, 2), (2,), (2,)]),
    ("layer_norm", lambda x, w, b: F.layer_norm(x, (3,), w, b), [(2, 3), (3,), (3,)]),
    ("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
]


@pytest.mark.parametrize("name", [g[0] for g in GRADCHECK])
def test_gradcheck_float64(backend, name):
    fn, shapes = next((f, s) for n, f, s in GRADCHECK if n == name)
    r = np.random.default_rng(1)
    inputs = [ag(backend, r.standard_normal(s), True, dtype=anygrad.float64) for s in shapes]
    assert gradcheck(fn, inputs)


def test_conv2d_float32_matches_torch(backend):
    if torch is None:
        pytest.skip("torch is not installed")
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    y = F.conv2d(ag(backend, x), ag(backend, w), padding=1)
    assert y.dtype == anygrad.float32
    np.testing.assert_allclose(y.numpy(), TF.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy(),
                               rtol=1e-4, atol=1e-4)


def test_bad_shapes_name_layer_and_shapes(backend):
    conv = anygrad.nn.Conv2d(3, 4, 5)
    with pytest.raises(ValueError, match=r"Conv2d.*3 channels.*\(2, 2, 8, 8\)"):
        conv(anygrad.zeros(2, 2, 8, 8))
    with pytest.raises(ValueError, match=r"Conv2d: kernel.*\(5, 5\).*\(3, 3\).*\(1, 3, 3, 3\)"):
        conv(anygrad.zeros(1, 3, 3, 3))
    with pytest.raises(ValueError, match=r"max_pool2d: kernel.*larger"):
        F.max_pool2d(anygrad.zeros(1, 1, 2, 2), 3)
    with pytest.raises(ValueError, match=r"Linear.*\(3, 5\)"):
        anygrad.nn.Linear(4, 2)(anygrad.zeros(3, 5))
