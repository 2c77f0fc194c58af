"""Array API standard functions beyond the core catalogue: tril/triu, diff, meshgrid
(differentiable), isin, unique_all/unique_counts/unique_inverse, nextafter,
linalg.matrix_rank (not differentiable) and the dtype/shape utilities. Values vs NumPy on
every backend, PyTorch spellings and results, gradients, error messages. (The registry suite
covers the forward/gradient checks of every registered variant as well.)"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad


def T(a, backend, dtype="float64", requires_grad=False):
    return anygrad.tensor(np.asarray(a, dtype=dtype), device=backend.device_obj(),
                          backend=backend.name, requires_grad=requires_grad)


def N(t):
    return np.asarray(t.detach().numpy())


X = np.arange(1.0, 13.0).reshape(3, 4)


# -- namespace and top level ----------------------------------------------------------------
NEW = ("tril", "triu", "diff", "meshgrid", "isin", "unique_all", "unique_counts",
       "unique_inverse", "nextafter", "broadcast_shapes", "can_cast", "result_type", "isdtype")


@pytest.mark.parametrize("name", NEW)
def test_in_namespace_and_top_level(name, backend):
    ns = T([1.0], backend).__array_namespace__()
    # One implementation, two faces: the namespace has the standard's function, anygrad
    # the same function or its PyTorch-signature face.
    top = getattr(anygrad, name)
    assert callable(top)
    assert getattr(ns, name) is top or getattr(top, "__wrapped__", None) is getattr(ns, name)


def test_matrix_rank_in_linalg(backend):
    ns = T([1.0], backend).__array_namespace__()
    assert ns.linalg.matrix_rank is anygrad.linalg.matrix_rank is anygrad.matrix_rank


def test_utilities_are_exempt_not_registered():
    from anygrad.testing import EXEMPT, unregistered_ops

    for name in ("broadcast_shapes", "can_cast", "result_type", "isdtype"):
        assert name in EXEMPT and name not in anygrad.ops.REGISTRY
    assert unregistered_ops() == []


# -- tril / triu ----------------------------------------------------------------------------
@pytest.mark.parametrize("k", [-2, -1, 0, 1, 3])
def test_tril_triu_values(backend, k):
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    np.testing.assert_array_equal(N(anygrad.tril(T(x, backend), k=k)), np.tril(x, k))
    np.testing.assert_array_equal(N(anygrad.triu(T(x, backend), k=k)), np.triu(x, k))


def test_tril_triu_pytorch_spellings(backend):
    torch = pytest.importorskip("torch")
    x = T(X, backend)
    np.testing.assert_array_equal(N(x.tril()), np.tril(X))
    np.testing.assert_array_equal(N(x.triu(1)), np.triu(X, 1))
    np.testing.assert_array_equal(N(x.tril(diagonal=-1)), np.tril(X, -1))
    np.testing.assert_array_equal(N(anygrad.triu(x, diagonal=-1)), np.triu(X, -1))
    np.testing.assert_array_equal(N(anygrad.tril(x, diagonal=1)),
                                  torch.tril(torch.tensor(X), diagonal=1).numpy())


def test_tril_gradient_is_masked(backend):
    x = T(X, backend, requires_grad=True)
    anygrad.tril(x, k=1).sum().backward()
    np.testing.assert_array_equal(N(x.grad), np.tril(np.ones_like(X), 1))
    assert anygrad.tril(T(X, backend, "int64")).dtype == anygrad.int64


def test_tril_errors():
    with pytest.raises(ValueError, match=r"tril: expected an array of at least 2 dimensions, "
                                         r"got shape \(3,\)"):
        anygrad.tril(anygrad.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="triu: got both k=1 and diagonal=2"):
        anygrad.triu(anygrad.ones((2, 2)), k=1, diagonal=2)
    with pytest.raises(TypeError, match="tril: k must be an integer, got float"):
        anygrad.tril(anygrad.ones((2, 2)), k=1.5)


# -- diff -----------------------------------------------------------------------------------
@pytest.mark.parametrize("n, axis", [(1, -1), (2, -1), (1, 0), (0, 0), (5, 1)])
def test_diff_values(backend, n, axis):
    got = anygrad.diff(T(X, backend), n=n, axis=axis)
    np.testing.assert_allclose(N(got), np.diff(X, n=n, axis=axis))


def test_diff_prepend_append_and_pytorch_spelling(backend):
    torch = pytest.importorskip("torch")
    x = T(X, backend)
    p, a = np.zeros((3, 1)), np.full((3, 2), 5.0)
    got = anygrad.diff(x, prepend=T(p, backend), append=T(a, backend))
    np.testing.assert_allclose(N(got), np.diff(X, prepend=p, append=a))
    got = x.diff(2, 0, prepend=T(np.ones((1, 4)), backend))
    ref = torch.diff(torch.tensor(X), 2, 0, prepend=torch.ones(1, 4, dtype=torch.float64))
    np.testing.assert_allclose(N(got), ref.numpy())
    np.testing.assert_allclose(N(anygrad.diff(x, dim=0, append=7.0)),
                               np.diff(X, axis=0, append=7.0))


def test_diff_gradients_reach_every_input(backend):
    torch = pytest.importorskip("torch")
    x = T(X, backend, requires_grad=True)
    p = T(np.zeros((3, 1)), backend, requires_grad=True)
    anygrad.diff(x, prepend=p, n=2).sum().backward()
    tx, tp = torch.tensor(X, requires_grad=True), torch.zeros((3, 1), dtype=torch.float64,
                                                              requires_grad=True)
    torch.diff(tx, n=2, prepend=tp).sum().backward()
    np.testing.assert_allclose(N(x.grad), tx.grad.numpy())
    np.testing.assert_allclose(N(p.grad), tp.grad.numpy())


def test_diff_errors():
    with pytest.raises(ValueError, match=r"diff: prepend must have the shape of x \(3, 4\) "
                                         r"except along axis 1, got shape \(2, 1\)"):
        anygrad.diff(anygrad.tensor(X), prepend=anygrad.zeros((2, 1)))
    with pytest.raises(ValueError, match="diff: n must be a non-negative integer, got -1"):
        anygrad.diff(anygrad.tensor(X), n=-1)
    with pytest.raises(ValueError, match="diff: expected an array of at least 1 dimension"):
        anygrad.diff(anygrad.tensor(1.0))


# -- meshgrid -------------------------------------------------------------------------------
@pytest.mark.parametrize("indexing", ["xy", "ij"])
@pytest.mark.parametrize("sizes", [(3,), (3, 4), (2, 3, 4)])
def test_meshgrid_values(backend, indexing, sizes):
    arrays = [np.arange(float(n)) + 10 * i for i, n in enumerate(sizes)]
    got = anygrad.meshgrid(*[T(a, backend) for a in arrays], indexing=indexing)
    ref = np.meshgrid(*arrays, indexing=indexing)
    assert len(got) == len(ref)
    for g, r in zip(got, ref):
        np.testing.assert_array_equal(N(g), r)


def test_meshgrid_pytorch_spelling_and_gradients(backend):
    torch = pytest.importorskip("torch")
    a = T([1.0, 2.0, 3.0], backend, requires_grad=True)
    b = T([4.0, 5.0], backend, requires_grad=True)
    ga, gb = anygrad.meshgrid([a, b], indexing="ij")
    ta = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor([4.0, 5.0], dtype=torch.float64, requires_grad=True)
    ra, rb = torch.meshgrid([ta, tb], indexing="ij")
    np.testing.assert_array_equal(N(ga), ra.detach().numpy())
    w = np.arange(6.0).reshape(3, 2)
    ((ga * T(w, backend)).sum() + (gb * gb).sum()).backward()
    ((ra * torch.tensor(w)).sum() + (rb * rb).sum()).backward()
    np.testing.assert_allclose(N(a.grad), ta.grad.numpy())
    np.testing.assert_allclose(N(b.grad), tb.grad.numpy())


def test_meshgrid_errors():
    with pytest.raises(ValueError, match="meshgrid: indexing must be 'xy' or 'ij', got 'xx'"):
        anygrad.meshgrid(anygrad.ones(2), indexing="xx")
    with pytest.raises(ValueError, match=r"meshgrid: expected 1-D .* got shape \(2, 2\)"):
        anygrad.meshgrid(anygrad.ones((2, 2)))


# -- isin -----------------------------------------------------------------------------------
def test_isin(backend):
    torch = pytest.importorskip("torch")
    a, b = np.array([[1, 2, 3], [4, 5, 6]]), np.array([2, 6, 9])
    for dtype in ("int64", "float64"):
        got = anygrad.isin(T(a, backend, dtype), T(b, backend, dtype))
        assert got.dtype == anygrad.bool
        np.testing.assert_array_equal(N(got), np.isin(a, b))
        got = anygrad.isin(T(a, backend, dtype), T(b, backend, dtype), invert=True)
        np.testing.assert_array_equal(N(got), np.isin(a, b, invert=True))
    np.testing.assert_array_equal(N(anygrad.isin(T(a, backend, "int64"), 3)), a == 3)
    np.testing.assert_array_equal(N(T(a, backend, "int64").isin(T(b, backend, "int64"))),
                                  torch.isin(torch.tensor(a), torch.tensor(b)).numpy())


def test_isin_errors():
    with pytest.raises(TypeError, match="isin: expected at least one array argument"):
        anygrad.isin(1, 2)


# -- unique_* -------------------------------------------------------------------------------
U = np.array([[3.0, 1.0, 3.0], [2.0, 1.0, 3.0]])


def test_unique_all(backend):
    r = anygrad.unique_all(T(U, backend))
    assert type(r).__name__ == "UniqueAllResult"
    assert r._fields == ("values", "indices", "inverse_indices", "counts")
    ref = np.unique_all(U)
    for got, want in zip(r, ref):
        np.testing.assert_array_equal(N(got), want)
    assert r.inverse_indices.shape == U.shape
    assert r.indices.dtype == r.inverse_indices.dtype == r.counts.dtype == anygrad.int64
    np.testing.assert_array_equal(N(r.values)[N(r.inverse_indices)], U)


def test_unique_counts_and_inverse_match_pytorch(backend):
    torch = pytest.importorskip("torch")
    vals, inv, counts = torch.unique(torch.tensor(U), return_inverse=True, return_counts=True)
    c = anygrad.unique_counts(T(U, backend))
    i = anygrad.unique_inverse(T(U, backend))
    assert c._fields == ("values", "counts") and i._fields == ("values", "inverse_indices")
    np.testing.assert_array_equal(N(c.values), vals.numpy())
    np.testing.assert_array_equal(N(c.counts), counts.numpy())
    np.testing.assert_array_equal(N(i.values), vals.numpy())
    np.testing.assert_array_equal(N(i.inverse_indices), inv.numpy())


def test_unique_nan_and_empty(backend):
    r = anygrad.unique_counts(T([np.nan, 1.0, np.nan], backend))
    np.testing.assert_array_equal(N(r.values), [1.0, np.nan, np.nan])
    np.testing.assert_array_equal(N(r.counts), [1, 1, 1])
    e = anygrad.unique_all(T(np.zeros((0, 3)), backend))
    assert tuple(e.values.shape) == (0,) and tuple(e.inverse_indices.shape) == (0, 3)
    s = anygrad.unique_inverse(T(5.0, backend))
    assert tuple(s.inverse_indices.shape) == () and N(s.values).tolist() == [5.0]


def test_unique_is_not_differentiable(backend):
    r = anygrad.unique_all(T(U, backend, requires_grad=True))
    assert not r.values.requires_grad


# -- nextafter ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nextafter(backend, dtype):
    torch = pytest.importorskip("torch")
    a = np.array([0.0, 1.0, -1.0, 1e10], dtype=dtype)
    b = np.array([1.0, 2.0, -2.0, 0.0], dtype=dtype)
    got = anygrad.nextafter(T(a, backend, dtype), T(b, backend, dtype))
    assert got.dtype == getattr(anygrad, dtype)
    np.testing.assert_array_equal(N(got), np.nextafter(a, b))
    np.testing.assert_array_equal(N(T(a, backend, dtype).nextafter(T(b, backend, dtype))),
                                  torch.nextafter(torch.tensor(a), torch.tensor(b)).numpy())
    assert not anygrad.nextafter(T(a, backend, dtype, True), T(b, backend, dtype)).requires_grad


# -- matrix_rank ----------------------------------------------------------------------------
def test_matrix_rank(backend):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 5, 4))
    a[0, :, 3] = a[0, :, 0] * 2
    a[1] = 0.0
    a[2, :, 1:] = a[2, :, :1] * np.array([2.0, 4.0, 0.5])
    got = anygrad.linalg.matrix_rank(T(a, backend))
    assert got.dtype == anygrad.int64
    np.testing.assert_array_equal(N(got), np.linalg.matrix_rank(a))
    np.testing.assert_array_equal(N(got), torch.linalg.matrix_rank(torch.tensor(a)).numpy())
    for rtol in (0.1, 0.5):
        np.testing.assert_array_equal(N(anygrad.linalg.matrix_rank(T(a, backend), rtol=rtol)),
                                      np.linalg.matrix_rank(a, rtol=rtol))
    # PyTorch's atol: absolute threshold, rtol then defaults to 0.
    np.testing.assert_array_equal(
        N(anygrad.linalg.matrix_rank(T(a, backend), atol=1.0)),
        torch.linalg.matrix_rank(torch.tensor(a), atol=1.0).numpy())
    # An rtol array broadcasts against the batch.
    rt = T([0.0, 0.0, 0.9], backend)
    np.testing.assert_array_equal(N(anygrad.linalg.matrix_rank(T(a, backend), rtol=rt)),
                                  np.linalg.matrix_rank(a, rtol=np.array([0.0, 0.0, 0.9])))


def test_matrix_rank_errors():
    with pytest.raises(ValueError, match=r"matrix_rank: expected at least 2 dimensions, "
                                         r"got shape \(3,\)"):
        anygrad.linalg.matrix_rank(anygrad.ones(3))


# -- utilities ------------------------------------------------------------------------------
def test_broadcast_shapes():
    assert anygrad.broadcast_shapes((3, 1), (4,), ()) == (3, 4)
    assert anygrad.broadcast_shapes(anygrad.Size([2, 1, 5]), (3, 1)) == (2, 3, 5)
    assert anygrad.broadcast_shapes() == ()
    assert isinstance(anygrad.broadcast_shapes((1,), 3), anygrad.Size)
    with pytest.raises(ValueError, match=r"broadcast_shapes: shapes \(3,\), \(4,\) are not "
                                         r"broadcastable \(size 3 against 4"):
        anygrad.broadcast_shapes((3,), (4,))


@pytest.mark.parametrize("a, b", [("int8", "uint8"), ("int16", "int64"), ("uint8", "uint32"),
                                  ("float32", "float64"), ("complex64", "float64"),
                                  ("complex64", "complex128"), ("bool", "bool"),
                                  ("int32", "uint16"), ("float32", "complex64")])
def test_result_type_within_the_standard_lattice(a, b):
    import array_api_strict as xps

    want = xps.result_type(getattr(xps, a), getattr(xps, b))
    got = anygrad.result_type(getattr(anygrad, a), getattr(anygrad, b))
    assert got.name == str(want).rsplit(".", 1)[-1]
    assert anygrad.can_cast(getattr(anygrad, a), got) and anygrad.can_cast(getattr(anygrad, b), got)


def test_result_type_arrays_scalars_and_mixed_kinds(backend):
    f32, i64 = T([1.0], backend, "float32"), T([1], backend, "int64")
    assert anygrad.result_type(f32, anygrad.float64) is anygrad.float64
    assert anygrad.result_type(f32, 1.0, 2) is anygrad.float32
    assert anygrad.result_type(i64, 1.0) is anygrad.get_default_dtype()
    assert anygrad.result_type(T([True], backend, "bool"), 3) is anygrad.int64
    assert anygrad.result_type(f32, 1j) is anygrad.complex64
    assert anygrad.result_type(anygrad.float64, 1j) is anygrad.complex128
    # Mixed kinds take the higher kind, as PyTorch.
    assert anygrad.result_type(i64, f32) is anygrad.float32
    assert anygrad.result_type("int32", np.dtype("float64")) is anygrad.float64
    with pytest.raises(ValueError, match="result_type: expected at least one array or dtype"):
        anygrad.result_type(1, 2.0)
    with pytest.raises(TypeError, match="result_type: expected a dtype or an array"):
        anygrad.result_type([1, 2])


def test_can_cast():
    torch = pytest.importorskip("torch")
    assert anygrad.can_cast(anygrad.int8, anygrad.int16)
    assert not anygrad.can_cast(anygrad.int16, anygrad.int8)
    assert not anygrad.can_cast(anygrad.float64, anygrad.float32)
    assert anygrad.can_cast(anygrad.bool, anygrad.float32)
    assert not anygrad.can_cast(anygrad.float32, anygrad.int64)
    assert not anygrad.can_cast(anygrad.int8, anygrad.uint8)
    assert anygrad.can_cast(anygrad.tensor([1.0]), anygrad.float64)
    assert anygrad.can_cast(anygrad.int64, anygrad.float32) == torch.can_cast(torch.int64,
                                                                              torch.float32)


def test_isdtype(backend):
    ns = T([1.0], backend).__array_namespace__()
    assert anygrad.isdtype is ns.isdtype
    assert anygrad.isdtype(anygrad.float32, "real floating")
    assert anygrad.isdtype(anygrad.int8, ("signed integer", "bool"))
    assert not anygrad.isdtype(anygrad.uint8, "signed integer")
    assert anygrad.isdtype(anygrad.uint8, "integral") and anygrad.isdtype(anygrad.int8, "numeric")
    assert anygrad.isdtype(anygrad.complex64, anygrad.complex64)
    assert anygrad.isdtype(T([1.0], backend).dtype, "real floating")
    with pytest.raises(ValueError, match="isdtype: unknown kind 'floating'"):
        anygrad.isdtype(anygrad.float32, "floating")
