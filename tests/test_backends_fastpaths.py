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
