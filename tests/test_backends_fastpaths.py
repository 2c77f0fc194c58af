"""Each native fast path in anygrad/fastpaths agrees with the standard-only generic code
(duplicate indices included) and never modifies its inputs."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad.fastpaths import fast_path, fast_path_for
from anygrad.ops._scatter import scatter_add, scatter_add_generic

RNG = np.random.default_rng(3)


def _arrays(backend, dtype):
    xp = anygrad.asarray(0.0, backend=backend.name).xp
    dev = backend.device_obj()
    x = xp.asarray(RNG.standard_normal((5, 5)).astype(dtype), device=dev)
    idx = xp.asarray(np.array([0, 4, 0, 0, 2, 4]), device=dev)
    return xp, x, idx


def _np(a):
    return np.asarray(anygrad.tensor(a).numpy(), dtype=np.float64)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("axis", [0, 1])
def test_scatter_add_fast_path_matches_generic(backend, dtype, axis):
    xp, x, idx = _arrays(backend, dtype)
    src_shape = (6, 5) if axis == 0 else (5, 6)
    src = xp.asarray(RNG.standard_normal(src_shape).astype(dtype), device=backend.device_obj())
    x0, s0 = _np(x).copy(), _np(src).copy()
    generic = scatter_add_generic(xp, x, axis, idx, src)
    dispatched = scatter_add(xp, x, axis, idx, src)
    ref = x0.copy()
    np.add.at(ref, (slice(None),) * axis + (np.array([0, 4, 0, 0, 2, 4]),), s0)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(_np(generic), ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(_np(dispatched), ref, rtol=tol, atol=tol)
    assert generic.dtype == x.dtype and dispatched.dtype == x.dtype
    np.testing.assert_array_equal(_np(x), x0)
    np.testing.assert_array_equal(_np(src), s0)


def test_scatter_add_fast_path_1d_and_ints(backend):
    xp = anygrad.asarray(0.0, backend=backend.name).xp
    dev = backend.device_obj()
    idx = xp.asarray(np.array([0, 0, 2]), device=dev)
    for dtype in ("float64", "int64"):
        x = xp.zeros((3,), dtype=getattr(xp, dtype), device=dev)
        src = xp.ones((3,), dtype=getattr(xp, dtype), device=dev)
        for fn in (scatter_add, lambda *a: scatter_add_generic(*a)):
            out = fn(xp, x, 0, idx, src)
            np.testing.assert_array_equal(_np(out), [2, 0, 1])
        np.testing.assert_array_equal(_np(x), [0, 0, 0])


def test_dispatch(backend):
    xp = anygrad.asarray(0.0, backend=backend.name).xp
    fn = fast_path("scatter_add", xp)
    if backend.name == "array_api_strict":
        assert fn is None  # the generic path is what strict proves
    else:
        assert fn is fast_path_for("scatter_add", backend.name) and fn is not None
    assert fast_path("no_such_op", xp) is None


# -- convolution and max-pooling kernels (anygrad/fastpaths/numpy.py) ------------------------
CONV_GEOMETRIES = [
    # (input shape, weight shape, stride, pads (t, b, l, r), dilation)
    ((3, 2, 7, 6), (4, 2, 3, 3), (1, 1), (0, 0, 0, 0), (1, 1)),
    ((2, 3, 8, 9), (5, 3, 3, 2), (2, 1), (1, 1, 0, 2), (1, 1)),
    ((5, 2, 8, 7), (3, 2, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1)),
    ((2, 2, 9, 9), (3, 2, 3, 3), (1, 2), (2, 2, 1, 1), (2, 1)),
    ((2, 4, 5, 5), (3, 4, 1, 1), (1, 1), (0, 0, 0, 0), (1, 1)),
    ((1, 1, 6, 7), (2, 1, 2, 4), (3, 2), (0, 1, 2, 0), (1, 2)),
]


def _numpy_xp():
    return anygrad.asarray(0.0, backend="numpy").xp


@pytest.fixture(params=[1, 3], ids=["serial", "threads3"])
def kernel_threads(request, monkeypatch):
    """Run the NumPy kernels serially, or split over 3 threads even for tiny batches."""
    from anygrad.fastpaths import numpy as fp_numpy

    monkeypatch.setattr(fp_numpy, "_threads", request.param)
    monkeypatch.setattr(fp_numpy, "_MIN_WORK", 0)
    return request.param


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64"])
def test_numpy_multiply_by_mask_matches_generic(dtype):
    from anygrad.ops.activation import _mask

    xp = _numpy_xp()
    fast = fast_path("multiply_by_mask", xp)
    g = (RNG.standard_normal((3, 4, 5)) + (1j if dtype.startswith("complex") else 0)).astype(dtype)
    cond = RNG.standard_normal((3, 4, 5)) > 0
    g0 = g.copy()
    out = fast(g, cond)
    ref = g * _mask(xp, cond, g)
    assert out.dtype == ref.dtype and out.shape == ref.shape
    np.testing.assert_array_equal(out, ref)
    np.testing.assert_array_equal(g, g0)


@pytest.mark.parametrize("case", range(len(CONV_GEOMETRIES)))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_numpy_conv2d_fast_path_matches_generic(case, dtype, kernel_threads):
    from anygrad.nn.functional._conv import (conv_core, conv_input_grad, conv_weight_grad, im2col,
                                             pad4)

    xs, ws, stride, pads, dil = CONV_GEOMETRIES[case]
    xp = _numpy_xp()
    fwd, bwd = fast_path("conv2d_forward", xp), fast_path("conv2d_backward", xp)
    assert fwd is not None and bwd is not None
    x = RNG.standard_normal(xs).astype(dtype)
    w = RNG.standard_normal(ws).astype(dtype)
    b = RNG.standard_normal(ws[0]).astype(dtype)
    x0, w0 = x.copy(), w.copy()
    xpad = pad4(xp, x, pads)
    y_ref, cols_ref = conv_core(xp, xpad, w, stride, dil, 1)
    y_ref = y_ref + b[None, :, None, None]
    y, cache = fwd(x, w, b, stride, pads, dil)
    tol = 1e-5 if dtype == "float32" else 1e-12
    assert y.dtype == x.dtype and y.shape == y_ref.shape
    np.testing.assert_allclose(y, y_ref, rtol=tol, atol=tol)
    np.testing.assert_array_equal(cache[1], cols_ref)
    gy = RNG.standard_normal(y.shape).astype(dtype)
    hw = (xpad.shape[2], xpad.shape[3])
    gx_ref = conv_input_grad(xp, gy, w, hw, pads, stride, dil, 1)
    gw_ref = conv_weight_grad(xp, cols_ref, gy, ws, 1)
    # The saved columns (read once: the cache is emptied and its buffer pooled), then an
    # emptied cache and None (the columns recomputed from x).
    for c in (cache, cache, None):
        gx, gw, gb = bwd(x, w, c, gy, stride, pads, dil, (True, True, True))
        np.testing.assert_allclose(gx, gx_ref, rtol=tol, atol=tol)
        np.testing.assert_allclose(gw, gw_ref, rtol=tol, atol=tol)
        np.testing.assert_allclose(gb, gy.astype(np.float64).sum(axis=(0, 2, 3)), rtol=tol, atol=tol)
        assert gx.shape == x.shape and gw.shape == w.shape and gb.shape == b.shape
        assert cache == [None]
    # The pooled buffer serves the next forward; the gradients above were computed before.
    y2, cache2 = fwd(x, w, b, stride, pads, dil)
    np.testing.assert_array_equal(cache2[1], cols_ref)
    assert bwd(x, w, cache2, gy, stride, pads, dil, (False, True))[0::2] == (None, None)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)


POOL_GEOMETRIES = [
    # (input shape, kernel, stride, pads (t, b, l, r), dilation)
    ((2, 3, 8, 8), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1)),
    ((5, 2, 6, 4), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1)),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 2, 1, 1), (1, 1)),
    ((1, 2, 7, 7), (2, 2), (1, 1), (0, 0, 0, 0), (2, 2)),
    ((1, 1, 6, 7), (3, 2), (1, 2), (0, 0, 0, 1), (1, 1)),
    # Non-overlapping windows that leave a last row / columns uncovered (13 -> 6 in LeNet).
    ((2, 3, 7, 9), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1)),
    ((2, 2, 8, 7), (3, 3), (3, 3), (1, 0, 0, 1), (1, 1)),
]


@pytest.mark.parametrize("values", ["ties", "distinct", "nan"])
@pytest.mark.parametrize("case", range(len(POOL_GEOMETRIES)))
def test_numpy_max_pool2d_fast_path_matches_generic(case, values, kernel_threads):
    import math

    from anygrad.nn.functional._conv import pad4, windows
    from anygrad.nn.functional._pool import _first_max_masks, col2im

    xs, kernel, stride, pads, dil = POOL_GEOMETRIES[case]
    xp = _numpy_xp()
    fwd, bwd = fast_path("max_pool2d_forward", xp), fast_path("max_pool2d_backward", xp)
    # Rounded values make ties (first maximum wins, as in PyTorch) frequent.
    x = RNG.standard_normal(xs).astype(np.float32)
    if values == "ties":
        x = np.round(x * 2)
    elif values == "nan":
        x[0, 0, 0, 0] = np.nan
    x0 = x.copy()
    xpad = pad4(xp, x, pads, -math.inf)
    parts, _, _ = windows(xp, xpad, kernel, stride, dil)
    out_ref = parts[0]
    for p in parts[1:]:
        out_ref = np.maximum(out_ref, p)
    out, state = fwd(x, kernel, stride, pads, dil)
    np.testing.assert_array_equal(out, out_ref)
    gy = RNG.standard_normal(out.shape).astype(np.float32)
    masks = _first_max_masks(xp, parts, out_ref)
    gxp = col2im(xp, [gy * m for m in masks], kernel, stride, dil, (xpad.shape[2], xpad.shape[3]))
    gx_ref = gxp[:, :, pads[0]:pads[0] + xs[2], pads[2]:pads[2] + xs[3]]
    gx = bwd(state, gy)
    assert gx.shape == x.shape and gx.dtype == np.float32
    np.testing.assert_allclose(gx, gx_ref, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(x, x0)


def test_fast_forward_then_double_backward_matches_generic_backend():
    """After the NumPy fast forward, create_graph falls back to the generic backward: second
    derivatives agree with array-api-strict, which runs only the generic code."""
    import anygrad.nn.functional as F

    x = RNG.standard_normal((2, 2, 6, 6))
    w = RNG.standard_normal((3, 2, 3, 3))
    results = []
    for name in ("numpy", "array_api_strict"):
        xt = anygrad.tensor(x, backend=name, requires_grad=True)
        wt = anygrad.tensor(w, backend=name, requires_grad=True)
        y = F.max_pool2d(F.conv2d(xt, wt, padding=1), 2)
        (gx,) = anygrad.autograd.grad((y * y).sum(), xt, create_graph=True)
        (gw,) = anygrad.autograd.grad((gx * gx).sum(), wt)
        results.append((_np(gx.detach()), _np(gw)))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-10)


def test_kernel_threads_setting(monkeypatch):
    from anygrad.fastpaths import numpy as fp_numpy

    monkeypatch.setattr(fp_numpy, "_threads", 1)
    assert fp_numpy.get_num_threads() == 1
    assert fp_numpy._chunks(64, 10**9) == [(0, 64)]  # serial by default
    fp_numpy.set_num_threads(1)
    assert fp_numpy.get_num_threads() == 1
    assert fp_numpy._chunks(64, 10**9) == [(0, 64)]
    fp_numpy.set_num_threads(3)
    assert fp_numpy._chunks(7, 10**9) == [(0, 3), (3, 6), (6, 7)]
    assert fp_numpy._chunks(7, 10) == [(0, 7)]  # too little work to split
    with pytest.raises(ValueError, match="set_num_threads"):
        fp_numpy.set_num_threads(0)


def test_tune_allocator_is_opt_in():
    # In a child process: the setting is process-wide, and the test process keeps glibc's.
    import subprocess
    import sys

    # True on glibc (Linux); False, without an error, where there is no mallopt.
    code = ("import anygrad.fastpaths.numpy as f, sys, platform; r = f.tune_allocator(); "
            "sys.exit(0 if r is (platform.libc_ver()[0] == 'glibc') else 1)")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


_NUMBERS = [0.1, -2.5, 1e-8, 3, 7.0, 1e300, float("nan"), float("inf"), 0.0, -0.0]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64", "complex128"])
def test_python_numbers_beside_numpy_arrays_compute_numpys_bits(dtype):
    """add/subtract/multiply/divide pass a Python number to NumPy as a cached 0-d array of a real
    array's dtype (faster ufunc calls; complex arrays keep the number): the results, their
    dtype and the gradients are NumPy's own with the Python number, bit for bit,
    signed zeros included."""
    from anygrad.fastpaths import numpy as fp_numpy

    a = (RNG.standard_normal(7) * 100).astype(dtype)
    a[:2] = [0.0, -0.0]
    for v in _NUMBERS * 2:  # the second pass reads the memo
        x = anygrad.tensor(a.copy(), requires_grad=True)
        with np.errstate(all="ignore"):
            for got, ref in ((x * v, a * v), (x + v, a + v), (x - v, a - v), (x / v, a / v)):
                got = got.detach().numpy()
                assert got.dtype == ref.dtype
                np.testing.assert_array_equal(got.view(np.uint8), ref.view(np.uint8))
            ones = np.ones(7, dtype=dtype)
            (x * v + x / v).backward(anygrad.tensor(ones))
            ref_grad = ones * v + ones / v
        np.testing.assert_array_equal(x.grad.numpy().view(np.uint8), ref_grad.view(np.uint8))
    if dtype.startswith("float"):
        operand = fp_numpy.scalar_operand(0.5, np.dtype(dtype))
        assert operand.shape == () and operand.dtype == np.dtype(dtype)
        assert not operand.flags.writeable  # kept for reuse: nothing may write into it


def test_python_number_memo_is_bounded():
    from anygrad.ops import arithmetic

    x = anygrad.tensor(np.ones(3, dtype=np.float32))
    for i in range(arithmetic._FLOAT_OPERANDS_LIMIT + 10):
        y = x + (i + 0.5)
    np.testing.assert_array_equal(y.numpy(), np.ones(3, np.float32) + np.float32(i + 0.5))
    assert 0 < len(arithmetic._float_operands) <= arithmetic._FLOAT_OPERANDS_LIMIT
