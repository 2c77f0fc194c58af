"""PyTorch's indexing operations (anygrad/ops/torch_indexing.py) against PyTorch itself:
what the registry suite cannot express (in-place methods, positional arguments, gradients
through ties and overwritten positions, result dtypes, data-dependent shapes, errors). The
values and finite-difference gradients of each entry are the registry suite's."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta")

RNG = np.random.default_rng(11)
X = RNG.permutation(12).reshape(3, 4) / 4.0 - 1.0
SRC = np.array([[2.0, 0.0, -1.0, 0.5], [2.0, 3.0, 0.0, -0.25], [-1.0, 0.75, 1.0, 0.5]])
INDEX = [[0, 2, 2, 1], [0, 0, 2, 1], [2, 0, 1, 1]]


# Not on JAX and the second array-api-strict device (the registry suite checks values and
# gradients there; eager JAX is too slow for CI's budget here), except for the test of
# data-dependent shapes.
pytestmark = pytest.mark.not_on("jax", "array_api_strict-device1",
                                reason="checked by tests/ops/test_registry.py there")


def _same(ours, theirs, exact=False):
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(),
                               rtol=0 if exact else 1e-7, atol=0 if exact else 1e-12)


def _both(fn, *data):
    """``fn(module, *tensors)`` in anygrad and PyTorch; values and gradients (of a weighted
    sum) compared, for every floating input."""
    ours_in = [anygrad.tensor(d, requires_grad=d.dtype.kind == "f") for d in data]
    theirs_in = [torch.tensor(d, requires_grad=d.dtype.kind == "f") for d in data]
    out, ref = fn(anygrad, *ours_in), fn(torch, *theirs_in)
    _same(out, ref)
    w = np.random.default_rng(3).uniform(0.5, 1.5, tuple(ref.shape))
    (out * anygrad.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    for a, b in zip(ours_in, theirs_in):
        if b.requires_grad:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_matches_torch(backend, reduce, include_self):
    idx = np.array(INDEX)
    # SRC has ties with X and within each target (amax/amin share the gradient) and zeros
    # (prod's gradient is the exact product of the others).
    x = X.copy()
    x[0, 0] = 2.0
    _both(lambda m, a, s: m.scatter_reduce(a, 0, m.tensor(idx), s, reduce,
                                           include_self=include_self), x, SRC)
    _both(lambda m, a, s: a.scatter_reduce(1, m.tensor(idx[:, :2]), s[:, :2], reduce=reduce,
                                           include_self=include_self), x, SRC)
    _both(lambda m, a, s: m.index_reduce(a, 0, m.tensor([2, 0, 2]), s, reduce if reduce != "sum"
                                         else "mean", include_self=include_self), x, SRC)


def test_index_ops_match_torch(backend):
    i = np.array([2, 0])
    _both(lambda m, a, s: m.index_copy(a, 1, m.tensor(i), s[:, :2]), X, SRC)
    _both(lambda m, a, v: m.index_fill(a, 0, m.tensor([1, 1]), v.sum()), X, SRC)
    _both(lambda m, a: a.index_fill(-1, m.tensor(3), -2.0), X)
    rows, cols = np.array([0, 2, 0]), np.array([1, 3, 1])
    _both(lambda m, a, v: m.index_put(a, (m.tensor(rows), m.tensor(cols)), v[0, :3],
                                      accumulate=True), X, SRC)
    _both(lambda m, a, v: a.index_put((m.tensor(rows[1:]), m.tensor(cols[1:])), v[0, :2]), X, SRC)
    _both(lambda m, a, v: m.index_put(a, (m.tensor([True, False, True]),), v[1]), X, SRC)
    _both(lambda m, a, v: a.index_put((m.tensor([2, 0]),), v[0, 0], accumulate=True), X, SRC)
    _both(lambda m, a, s: m.put(a, m.tensor([5, 0, -1, 5]), s[0], accumulate=True), X, SRC)
    _both(lambda m, a, s: a.put(m.tensor([[5, 0], [-1, 7]]), s[:2, :2]), X, SRC)


def test_in_place_variants(backend):
    for name, args in (("index_copy_", lambda m: (1, m.tensor([3, 1]), m.ones(3, 2))),
                       ("index_fill_", lambda m: (0, m.tensor([0]), 5.0)),
                       ("index_put_", lambda m: ((m.tensor([1, 1]),), m.tensor(2.0), True)),
                       ("put_", lambda m: (m.tensor([0, 11]), m.tensor([9.0, 8.0]))),
                       ("masked_scatter_", lambda m: (m.tensor([True, False, False, True]),
                                                      m.arange(20.0))),
                       ("scatter_reduce_", lambda m: (1, m.tensor([[0, 0]] * 3), m.ones(3, 2),
                                                      "amax")),
                       ("index_reduce_", lambda m: (0, m.tensor([2, 2]), m.ones(2, 4) * 3,
                                                    "prod"))):
        ours, theirs = anygrad.tensor(X, dtype=anygrad.float32), torch.tensor(X).float()
        r = getattr(ours, name)(*args(anygrad))
        getattr(theirs, name)(*args(torch))
        assert r is ours
        _same(ours, theirs)
    for shape, wrap in (((3, 3), False), ((7, 3), True), ((7, 3), False), ((2, 5), True),
                        ((3, 3, 3), False)):
        ours, theirs = anygrad.zeros(*shape), torch.zeros(*shape)
        assert ours.fill_diagonal_(4.0, wrap) is ours
        _same(ours, theirs.fill_diagonal_(4.0, wrap))


def test_masked_select_and_scatter_match_torch(backend):
    mask = np.array([True, False, True, True])
    _both(lambda m, a: m.masked_select(a, m.tensor(mask)), X)
    _both(lambda m, a: a.masked_select(a > 0), X)
    _both(lambda m, a: m.masked_select(a[0], m.tensor(np.array([[True], [False]]))), X)
    _both(lambda m, a, s: m.masked_scatter(a, m.tensor(mask), s), X, SRC)
    _both(lambda m, a, s: a.masked_scatter(a < 0, s), X, SRC)
    _both(lambda m, a, s: a.masked_scatter(m.zeros(3, 4, dtype=m.bool), s), X, SRC)


def test_search_and_unique_match_torch(backend):
    b = np.array([1, 3, 5, 7])
    v = np.array([[0, 1, 3, 6], [7, 8, 5, 2]])
    for kw in ({}, {"right": True}, {"out_int32": True}):
        _same(anygrad.bucketize(anygrad.tensor(v), anygrad.tensor(b), **kw),
              torch.bucketize(torch.tensor(v), torch.tensor(b), **kw), exact=True)
    _same(anygrad.bucketize(4, anygrad.tensor(b)), torch.bucketize(4, torch.tensor(b)), exact=True)
    data = np.array([[1, 2, 1], [0, 5, 0], [1, 2, 1], [0, 5, 1]])
    for kw in ({}, {"return_inverse": True, "return_counts": True}, {"dim": 0, "return_counts": True},
               {"dim": 1, "return_inverse": True}, {"sorted": False, "return_inverse": True}):
        ours = anygrad.unique(anygrad.tensor(data), **kw)
        theirs = torch.unique(torch.tensor(data), **kw)
        for a, t in zip(ours if isinstance(ours, tuple) else (ours,),
                        theirs if isinstance(theirs, tuple) else (theirs,)):
            _same(a, t, exact=True)
        ours = anygrad.tensor(data).unique_consecutive(**{k: w for k, w in kw.items()
                                                          if k != "sorted"})
        theirs = torch.tensor(data).unique_consecutive(**{k: w for k, w in kw.items()
                                                          if k != "sorted"})
        for a, t in zip(ours if isinstance(ours, tuple) else (ours,),
                        theirs if isinstance(theirs, tuple) else (theirs,)):
            _same(a, t, exact=True)
    for d in (data, np.array(0), np.array(3.0), np.zeros((2, 0))):
        _same(anygrad.argwhere(anygrad.tensor(d)), torch.argwhere(torch.tensor(d)), exact=True)
    for kw in ({"size": 2}, {"size": 9, "fill_value": 4}, {"size": 0}):
        _same(anygrad.nonzero_static(anygrad.tensor(data), **kw),
              torch.nonzero_static(torch.tensor(data), **kw), exact=True)


@pytest.mark.not_on(reason="every backend")
def test_data_dependent_shapes_on_every_backend(backend):
    # JAX included: it runs eagerly here, so shapes may depend on the data there too.
    x = anygrad.tensor([[0.0, 2.0], [3.0, 0.0]], requires_grad=True)
    y = anygrad.masked_select(x, x > 1)
    y.sum().backward()
    assert y.tolist() == [2.0, 3.0] and x.grad.tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert anygrad.argwhere(x).tolist() == [[0, 1], [1, 0]]


def test_errors():
    x = anygrad.tensor(X)
    with pytest.raises(ValueError, match="scatter_reduce: reduce must be one of"):
        anygrad.scatter_reduce(x, 0, anygrad.tensor(INDEX), x, "max")
    with pytest.raises(IndexError, match="scatter_reduce: index 3 is out of range"):
        anygrad.scatter_reduce(x, 0, anygrad.tensor([[3, 0, 0, 0]]), x, "sum")
    with pytest.raises(ValueError, match="index_reduce: reduce must be one of"):
        anygrad.index_reduce(x, 0, anygrad.tensor([0]), x[:1], "sum")
    with pytest.raises(ValueError, match=r"index_copy: expected a source of shape \(3, 2\)"):
        anygrad.index_copy(x, 1, anygrad.tensor([0, 1]), anygrad.ones(2, 2))
    with pytest.raises(IndexError, match="index_fill: index 4 is out of range"):
        anygrad.index_fill(x, 1, anygrad.tensor([4]), 0.0)
    with pytest.raises(TypeError, match="masked_select: expected a boolean mask"):
        anygrad.masked_select(x, anygrad.ones(3, 4))
    with pytest.raises(ValueError, match="masked_scatter: expected a source of at least 12"):
        anygrad.masked_scatter(x, x == x, anygrad.ones(3))
    with pytest.raises(ValueError, match="put: expected source with as many elements"):
        anygrad.put(x, anygrad.tensor([0, 1]), anygrad.ones(3))
    with pytest.raises(ValueError, match="fill_diagonal: expected all dimensions of equal"):
        anygrad.zeros(2, 3, 3).fill_diagonal_(1.0)
    with pytest.raises(ValueError, match="bucketize: expected 1-D boundaries"):
        anygrad.bucketize(x, x)


@pytest.mark.parametrize("reduce", ["add", "multiply"])
@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
def test_scatter_with_reduce_matches_torch(reduce):
    """PyTorch's older spelling, scatter(..., reduce=): the values of torch.scatter (src or
    value); the gradients of torch.scatter_reduce, which torch.scatter with reduce lacks."""
    x = np.arange(6.0).reshape(2, 3)
    idx = np.array([[0, 1, 0], [2, 2, 1]])
    src = np.arange(1.0, 7.0).reshape(2, 3)
    t_idx = torch.tensor(idx)
    for use_src in (True, False):
        a = anygrad.tensor(x, requires_grad=True)
        b = anygrad.tensor(src if use_src else np.full((2, 3), 2.5), requires_grad=True)
        if use_src:
            y = a.scatter(1, anygrad.tensor(idx), b, reduce=reduce)
            want = torch.tensor(x).scatter(1, t_idx, torch.tensor(src), reduce=reduce)
        else:
            y = a.scatter(1, anygrad.tensor(idx), value=2.5, reduce=reduce)
            want = torch.tensor(x).scatter(1, t_idx, value=2.5, reduce=reduce)
        np.testing.assert_allclose(y.detach().numpy(), want.numpy(), rtol=1e-12)
        ta = torch.tensor(x, requires_grad=True)
        tb = torch.tensor(b.detach().numpy(), requires_grad=True)
        ty = ta.scatter_reduce(1, t_idx, tb, "sum" if reduce == "add" else "prod")
        (ty * torch.tensor(src)).sum().backward()
        (y * anygrad.tensor(src)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12)
        if use_src:
            np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="scatter: reduce must be 'add' or 'multiply'"):
        anygrad.zeros(3).scatter(0, anygrad.tensor([1]), value=1.0, reduce="max")
