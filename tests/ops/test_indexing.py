"""Indexing and selection: getitem/setitem keys vs NumPy, take/gather/scatter_add/index_add
with duplicate indices, masked_fill, sort/topk, nonzero; gradients vs references and central
differences, double backward, and inputs never mutated (JAX's immutability respected)."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad

RNG = np.random.default_rng(11)
X = RNG.standard_normal((4, 5, 3))


def T(a, backend, dtype="float64", requires_grad=False):
    return anygrad.tensor(np.asarray(a, dtype=dtype), device=backend.device_obj(),
                          backend=backend.name, requires_grad=requires_grad)


def I(a, backend, dtype="int64"):  # noqa: E743
    return anygrad.tensor(np.asarray(a, dtype=dtype), device=backend.device_obj(), backend=backend.name)


def N(t):
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def check_linear_grads(fn, arrays, backend, *, eps=1e-6, tol=1e-6, seed=0):
    """First order along random directions, and the double-backward J v, vs central
    differences (float64)."""
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    out0 = fn(*[T(a, backend) for a in arrays])
    W = rng.standard_normal(tuple(out0.shape))

    def value(arrs):
        return float((fn(*[T(a, backend) for a in arrs]) * T(W, backend)).sum().item())

    xs = [T(a, backend, requires_grad=True) for a in arrays]
    w = T(W, backend, requires_grad=True)
    grads = anygrad.autograd.grad(fn(*xs), xs, grad_outputs=w, create_graph=True,
                                  allow_unused=True, materialize_grads=True)
    vs = [rng.standard_normal(a.shape) for a in arrays]
    analytic = sum(float((N(g) * v).sum()) for g, v in zip(grads, vs))
    plus = value([a + eps * v for a, v in zip(arrays, vs)])
    minus = value([a - eps * v for a, v in zip(arrays, vs)])
    np.testing.assert_allclose(analytic, (plus - minus) / (2 * eps), rtol=tol, atol=tol)
    inner = sum((g * T(v, backend)).sum() for g, v in zip(grads, vs))
    (jv,) = anygrad.autograd.grad(inner, [w])
    fp = fn(*[T(a + eps * v, backend) for a, v in zip(arrays, vs)])
    fm = fn(*[T(a - eps * v, backend) for a, v in zip(arrays, vs)])
    np.testing.assert_allclose(N(jv), (N(fp) - N(fm)) / (2 * eps), rtol=tol, atol=tol)


# -- getitem --------------------------------------------------------------------------------
MASK = X[..., 0] > 0
KEYS = [
    ("int", 1),
    ("neg_int", (-1, 2)),
    ("slice", (slice(1, 3), slice(None, None, 2))),
    ("neg_step", (slice(None, None, -1),)),
    ("neg_step2", (slice(3, 0, -2), slice(None), slice(None, None, -1))),
    ("oob_slice", (slice(-10, 10), slice(2, 100))),
    ("empty_slice", (slice(3, 1),)),
    ("ellipsis_none", (Ellipsis, None, 1)),
    ("none_mid", (0, None, slice(1, 4))),
    ("int_array", ([0, 2, 2, -1],)),
    ("int_array_2d", ([[0, 1], [1, 1]], slice(None), 0)),
    ("array_after_slice", (slice(None), [4, 0, 4])),
    ("two_arrays", ([0, 1, 1], [2, 2, 0])),
    ("separated_arrays", ([0, 3], slice(None, None, -1), [1, 1])),
    ("mask_full", "mask3"),
    ("mask_2d", "mask2"),
    ("mask_then_int", ("mask2", 1)),
]


def _key(k, backend, as_tensor):
    def conv(e):
        if isinstance(e, str):
            m = MASK if e == "mask2" else X > 0.3
            return anygrad.tensor(m, device=backend.device_obj(), backend=backend.name) if as_tensor else m
        if isinstance(e, list):
            return I(e, backend) if as_tensor else np.asarray(e)
        return e

    return tuple(conv(e) for e in k) if isinstance(k, tuple) else conv(k)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,key", KEYS, ids=[k[0] for k in KEYS])
def test_getitem_forward_and_grad(backend, name, key, dtype):
    x = T(X, backend, dtype, requires_grad=True)
    y = x[_key(key, backend, True)]
    nkey = _key(key, backend, False)
    expected = X.astype(dtype)[nkey]
    np.testing.assert_allclose(N(y), expected, rtol=1e-6)
    w = RNG.standard_normal(expected.shape)
    (y * T(w, backend, dtype)).sum().backward()
    ids = np.arange(X.size).reshape(X.shape)[nkey]
    ref = np.zeros(X.size)
    np.add.at(ref, ids.ravel(), w.ravel())  # duplicates accumulate
    np.testing.assert_allclose(N(x.grad), ref.reshape(X.shape), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,key", [k for k in KEYS if k[0] in (
    "neg_step2", "none_mid", "int_array_2d", "separated_arrays", "mask_then_int")],
    ids=lambda k: k if isinstance(k, str) else "")
def test_getitem_double_backward(backend, name, key):
    check_linear_grads(lambda x: x[_key(key, backend, True)], [X], backend)


def test_getitem_raw_array_and_list_keys(backend):
    x = T(X, backend)
    idx = x.xp.asarray(np.array([1, 0]), device=backend.device_obj())
    np.testing.assert_allclose(N(x[idx]), X[[1, 0]])
    np.testing.assert_allclose(N(x[[3, 3]]), X[[3, 3]])
    np.testing.assert_allclose(N(x[I(2, backend)]), X[2])


def test_getitem_errors(backend):
    x = T(X, backend)
    with pytest.raises(IndexError, match="out of bounds"):
        x[4]
    with pytest.raises(IndexError, match="too many"):
        x[0, 0, 0, 0]
    with pytest.raises(IndexError, match="mask"):
        x[anygrad.tensor(np.ones(3, bool), device=backend.device_obj(), backend=backend.name)]


# -- setitem --------------------------------------------------------------------------------------
SET_KEYS = [
    ("slice", (slice(1, 3),), (5, 3)),
    ("neg_step", (slice(None, None, -2), 1), (3,)),
    ("int", (2, 4), ()),
    ("array_dup", ([0, 2, 0],), (5, 3)),
    ("mask", "mask2", (1,)),
]


@pytest.mark.parametrize("name,key,vshape", SET_KEYS, ids=[k[0] for k in SET_KEYS])
def test_setitem_values_and_gradients(backend, name, key, vshape):
    V = RNG.standard_normal(vshape)
    x = T(X, backend, requires_grad=True)
    v = T(V, backend, requires_grad=True)
    raw_before = x.numpy(force=True).copy()
    y = anygrad.setitem(x, _key(key, backend, True), v)
    nkey = _key(key, backend, False)
    expected = X.copy()
    expected[nkey] = V  # NumPy: the last of repeated positions wins
    np.testing.assert_allclose(N(y), expected)
    w = RNG.standard_normal(X.shape)
    (y * T(w, backend)).sum().backward()
    written = np.zeros(X.shape, bool)
    written[nkey] = True
    np.testing.assert_allclose(N(x.grad), np.where(written, 0.0, w))
    ids = np.arange(X.size).reshape(X.shape)[nkey]
    sel = np.broadcast_to(V, ids.shape)
    # Gradient of the value: the upstream gradient at the positions each element landed on.
    last = {}
    for j, p in enumerate(ids.ravel()):
        last[p] = j
    gsel = np.zeros(ids.size)
    for p, j in last.items():
        gsel[j] = w.ravel()[p]
    gsel = gsel.reshape(ids.shape)
    gv = gsel.sum(axis=tuple(range(gsel.ndim - len(vshape)))) if gsel.ndim > len(vshape) else gsel
    gv = gv.sum(axis=tuple(i for i, s in enumerate(vshape) if s == 1 and gv.shape[i] != 1), keepdims=True) \
        if vshape else gv
    np.testing.assert_allclose(N(v.grad), np.broadcast_to(gv, vshape) if vshape else gv, atol=1e-12)
    np.testing.assert_array_equal(x.numpy(force=True), raw_before)
    del sel


def test_setitem_double_backward(backend):
    check_linear_grads(lambda x, v: anygrad.setitem(x, (slice(None, None, -1), [0, 2]), v),
                       [X, RNG.standard_normal((4, 2, 3))], backend)


def test_tensor_setitem_rebinds(backend):
    x = T(X, backend, requires_grad=True)
    y = x * 2
    y[0, :, 1] = 0.0
    y[I([1, 1], backend)] = T(np.ones(3), backend)
    expected = X * 2
    expected[0, :, 1] = 0.0
    expected[[1, 1]] = 1.0
    np.testing.assert_allclose(N(y), expected)
    y.sum().backward()
    g = np.full(X.shape, 2.0)
    g[0, :, 1] = 0.0
    g[1] = 0.0
    np.testing.assert_allclose(N(x.grad), g)
    z = T(np.zeros(3), backend)
    z[1] = 4.0  # works on immutable JAX arrays too
    np.testing.assert_allclose(N(z), [0.0, 4.0, 0.0])


# -- take, gather, scatter_add, index_add ---------------------------------------------------------
DUP = [0, 2, 0, 3, 3, 3, -1]
M = RNG.standard_normal((4, 3))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_take_forward_and_duplicate_grads(backend, dtype):
    x = T(M, backend, dtype, requires_grad=True)
    y = anygrad.take(x, I(DUP, backend), axis=0)
    np.testing.assert_allclose(N(y), np.take(M.astype(dtype), DUP, axis=0), rtol=1e-6)
    y.sum().backward()
    counts = np.bincount(np.array(DUP) % 4, minlength=4)
    np.testing.assert_allclose(N(x.grad), np.repeat(counts[:, None], 3, 1))
    np.testing.assert_allclose(N(anygrad.index_select(x, 1, I([2, 2], backend))), M.astype(dtype)[:, [2, 2]], rtol=1e-6)
    np.testing.assert_allclose(N(anygrad.take(x, I([[1, 2], [0, 0]], backend))), M.astype(dtype).ravel()[[[1, 2], [0, 0]]], rtol=1e-6)
    np.testing.assert_allclose(N(x.take(I([5, 5], backend))), M.astype(dtype).ravel()[[5, 5]], rtol=1e-6)


GIDX = [[0, 0, 2], [1, 1, 1], [3, 0, 3]]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gather_and_take_along_axis(backend, dtype):
    x = T(M.T.copy(), backend, dtype, requires_grad=True)  # (3, 4)
    y = anygrad.gather(x, 1, I(GIDX, backend))
    ref = np.take_along_axis(M.T.astype(dtype), np.array(GIDX), 1)
    np.testing.assert_allclose(N(y), ref, rtol=1e-6)
    y.sum().backward()
    g = np.zeros((3, 4))
    for i in range(3):
        for j in GIDX[i]:
            g[i, j] += 1
    np.testing.assert_allclose(N(x.grad), g)
    small = anygrad.gather(x, 0, I([[2, 0]], backend))  # index smaller than x elsewhere
    np.testing.assert_allclose(N(small), [[M.T[2, 0], M.T[0, 1]]], rtol=1e-6)
    tal = anygrad.take_along_axis(x, I([[3], [0], [-1]], backend), axis=-1)
    np.testing.assert_allclose(N(tal), M.T.astype(dtype)[[0, 1, 2], [3, 0, 3]][:, None], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scatter_add_and_index_add(backend, dtype):
    base = RNG.standard_normal((3, 4))
    src = RNG.standard_normal((2, 4))
    idx = [[0, 2, 2, 1], [0, 0, 2, 1]]
    out = anygrad.scatter_add(T(base, backend, dtype), 0, I(idx, backend), T(src, backend, dtype))
    ref = base.astype(dtype).astype(np.float64).copy()
    for i in range(2):
        for j in range(4):
            ref[idx[i][j], j] += src.astype(dtype)[i, j]
    np.testing.assert_allclose(N(out), ref, rtol=1e-5)
    out2 = anygrad.index_add(T(base, backend, dtype), 1, I([3, 3, 0], backend),
                             T(src[:, :3].repeat(2, 0)[:3].T.copy(), backend, dtype), alpha=2)
    ref2 = base.astype(dtype).astype(np.float64).copy()
    np.add.at(ref2, (slice(None), [3, 3, 0]), 2 * src[:, :3].repeat(2, 0)[:3].T.astype(dtype))
    np.testing.assert_allclose(N(out2), ref2, rtol=1e-5)
    # scatter_add with a 1-D index, as in the docstring
    z = anygrad.scatter_add(T(np.zeros(3), backend, dtype), 0, I([0, 0, 2], backend), T(np.ones(3), backend, dtype))
    np.testing.assert_allclose(N(z), [2.0, 0.0, 1.0])


@pytest.mark.parametrize("case", ["take", "gather", "take_along_axis", "scatter_add", "index_add",
                                  "masked_fill", "sort", "topk"])
def test_selection_double_backward(backend, case):
    idx = I(GIDX, backend)
    mask = anygrad.tensor(M > 0, device=backend.device_obj(), backend=backend.name)
    fns = {
        "take": (lambda x: anygrad.take(x, I(DUP, backend), axis=0), [M]),
        "gather": (lambda x: anygrad.gather(x, 1, idx), [M.T]),
        "take_along_axis": (lambda x: anygrad.take_along_axis(x, idx, axis=1), [M.T]),
        "scatter_add": (lambda x, s: anygrad.scatter_add(x, 1, idx, s), [M.T, RNG.standard_normal((3, 3))]),
        "index_add": (lambda x, s: anygrad.index_add(x, 0, I([1, 1, 0], backend), s, alpha=-0.5),
                      [M, RNG.standard_normal((3, 3))]),
        "masked_fill": (lambda x: anygrad.masked_fill(x, mask, 2.0), [M]),
        "sort": (lambda x: anygrad.sort(x, axis=0, descending=True), [M]),
        "topk": (lambda x: anygrad.topk(x, 2, dim=1).values, [M]),
    }
    fn, inputs = fns[case]
    check_linear_grads(fn, inputs, backend)


def test_masked_fill_with_tensor_value(backend):
    x = T(M, backend, requires_grad=True)
    v = T(3.0, backend, requires_grad=True)
    mask = anygrad.tensor(M > 0, device=backend.device_obj(), backend=backend.name)
    y = x.masked_fill(mask, v)
    np.testing.assert_allclose(N(y), np.where(M > 0, 3.0, M))
    y.sum().backward()
    np.testing.assert_allclose(N(x.grad), np.where(M > 0, 0.0, 1.0))
    assert float(v.grad.item()) == float((M > 0).sum())


# -- sorting and non-differentiable selection --------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sort_argsort_topk(backend, dtype):
    data = np.array([[3.0, 1.0, 2.0, 1.0], [0.0, 5.0, -4.0, 5.0]], dtype=dtype)
    x = T(data, backend, dtype, requires_grad=True)
    np.testing.assert_allclose(N(anygrad.sort(x)), np.sort(data, -1))
    values, indices = x.sort(dim=1, descending=True)
    np.testing.assert_allclose(N(values), -np.sort(-data, -1))
    np.testing.assert_array_equal(indices.numpy(), np.argsort(-data, -1, kind="stable"))
    np.testing.assert_array_equal(anygrad.argsort(x, axis=0).numpy(), np.argsort(data, 0, kind="stable"))
    w = np.arange(8.0).reshape(2, 4)
    (values * T(w, backend, dtype)).sum().backward()
    g = np.zeros_like(w)
    np.put_along_axis(g, np.argsort(-data, -1, kind="stable"), w, -1)
    np.testing.assert_allclose(N(x.grad), g)
    t = anygrad.topk(x, 2, dim=1, largest=False)
    np.testing.assert_allclose(N(t.values), np.sort(data, -1)[:, :2])
    np.testing.assert_array_equal(t.indices.numpy(), np.argsort(data, -1, kind="stable")[:, :2])


def test_searchsorted_unique_nonzero(backend):
    a = T([1.0, 2.0, 2.0, 5.0], backend)
    v = T([2.0, 0.0, 6.0], backend)
    np.testing.assert_array_equal(anygrad.searchsorted(a, v).numpy(), [1, 0, 4])
    np.testing.assert_array_equal(anygrad.searchsorted(a, v, side="right").numpy(), [3, 0, 4])
    np.testing.assert_array_equal(anygrad.unique_values(T([[3.0, 1.0], [3.0, 0.0]], backend)).numpy(), [0.0, 1.0, 3.0])
    m = T([[0.0, 1.0], [2.0, 0.0]], backend)
    np.testing.assert_array_equal(m.nonzero().numpy(), [[0, 1], [1, 0]])
    rows, cols = anygrad.nonzero(m)
    np.testing.assert_array_equal(rows.numpy(), [0, 1])
    np.testing.assert_array_equal(cols.numpy(), [1, 0])


def test_inputs_never_mutated(backend):
    """No op writes into an array it did not allocate (JAX would raise; others would
    silently corrupt the caller's data)."""
    xp = anygrad.asarray(0.0, backend=backend.name).xp
    dev = backend.device_obj()
    raw_x = xp.asarray(np.array(M), device=dev)
    raw_s = xp.asarray(np.ones((3, 3)), device=dev)
    raw_i = xp.asarray(np.array([1, 1, 0]), device=dev)
    before = [np.asarray(anygrad.tensor(a).numpy()).copy() for a in (raw_x, raw_s, raw_i)]
    x = anygrad.asarray(raw_x, requires_grad=True)
    s = anygrad.asarray(raw_s, requires_grad=True)
    outs = [
        anygrad.index_add(x, 0, raw_i, s),
        anygrad.scatter_add(x, 0, anygrad.asarray(raw_i).reshape(3, 1), s[:, :1]),
        anygrad.setitem(x, raw_i, 7.0),
        anygrad.take(x, raw_i, axis=0),
        x[raw_i, 1:],
    ]
    sum(o.sum() for o in outs).backward()
    after = [np.asarray(anygrad.tensor(a).numpy()) for a in (raw_x, raw_s, raw_i)]
    for b, a in zip(before, after):
        np.testing.assert_array_equal(a, b)
