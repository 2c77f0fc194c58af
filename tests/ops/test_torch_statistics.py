"""PyTorch's statistics (anygrad/ops/torch_statistics.py) against PyTorch itself, on every
backend: what the registry suite cannot express (indices and their tie rules, NaN, named
tuples, defaults and positional arguments, dtypes, gradients through ties, errors). The
values and finite-difference gradients of each entry are the registry suite's."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
X = RNG.permutation(15).reshape(3, 5) / 4.0 - 1.5           # distinct values
TIES = np.array([[1.0, 3.0, 1.0, 2.0, 3.0], [0.5, 0.5, 0.5, 2.0, -1.0]])
NANS = np.array([[1.0, np.nan, 3.0, 0.5], [np.nan] * 4, [2.0, 1.0, 4.0, 3.0]])


# Not on JAX and the second array-api-strict device: there the registry suite checks these
# operations' values and gradients, and eager JAX costs about twenty times NumPy's time per
# call, more than CI's budget for this file.
pytestmark = pytest.mark.not_on("jax", "array_api_strict-device1",
                                reason="checked by tests/ops/test_registry.py there")


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def _same(ours, theirs, exact=False):
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    if exact:
        np.testing.assert_array_equal(_np(ours), theirs.numpy())
    else:
        np.testing.assert_allclose(_np(ours), theirs.detach().numpy(), rtol=1e-6, atol=1e-7,
                                   equal_nan=True)


def _grads(fn, data, weight_seed=0):
    """``fn``'s gradient (of a weighted sum of its first output) in anygrad and PyTorch."""
    x = anygrad.tensor(data, requires_grad=True)
    t = torch.tensor(data, requires_grad=True)
    out, ref = fn(anygrad, x), fn(torch, t)
    w = np.random.default_rng(weight_seed).uniform(0.5, 1.5, tuple(ref.shape))
    (out * anygrad.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    return x.grad.numpy(), t.grad.numpy()


def test_order_statistics_values_indices_and_names(backend):
    for data in (X, TIES):
        x, t = anygrad.tensor(data), torch.tensor(data)
        _same(anygrad.median(x), torch.median(t))
        for args in ((1,), (0, True), (-1,)):
            ours, theirs = anygrad.median(x, *args), torch.median(t, *args)
            _same(ours.values, theirs.values)
            if data is X:
                _same(ours.indices, theirs.indices, exact=True)
        r = x.kthvalue(2, 0, keepdim=True)
        _same(r.values, torch.kthvalue(t, 2, 0, keepdim=True).values)
    r = anygrad.median(anygrad.tensor(X), dim=1)
    assert type(r).__name__ == "median" and r._fields == ("values", "indices")
    assert r.indices.dtype == anygrad.int64
    _same(anygrad.kthvalue(anygrad.tensor(X), 4).indices, torch.kthvalue(torch.tensor(X), 4).indices,
          exact=True)
    # NaN: median gives NaN (at a NaN's index), nanmedian ignores it.
    n, tn = anygrad.tensor(NANS), torch.tensor(NANS)
    _same(anygrad.median(n, 1).values, torch.median(tn, 1).values)
    _same(anygrad.nanmedian(n, 1).values, torch.nanmedian(tn, 1).values)
    _same(anygrad.nanmedian(n), torch.nanmedian(tn))
    assert np.isnan(anygrad.median(n).item())
    # 0-d input with dim 0, as PyTorch allows.
    assert anygrad.median(anygrad.tensor(2.0), 0).values.item() == 2.0


def test_mode_cummax_cummin_match_torch(backend):
    ints = np.array([[3, 1, 3, 1, 2], [5, 5, 4, 4, 4], [0, 1, 2, 3, 4]])
    for dim in (1, 0, -1):
        ours, theirs = anygrad.mode(anygrad.tensor(ints), dim), torch.mode(torch.tensor(ints), dim)
        _same(ours.values, theirs.values, exact=True)
        _same(ours.indices, theirs.indices, exact=True)
    seq = np.array([[1.0, 3.0, 3.0, 2.0, np.nan, 5.0, np.nan, 0.0], [2, 2, 1, 1, 4, 4, 0, 7]])
    for name in ("cummax", "cummin"):
        for dim in (1, 0):
            ours = getattr(anygrad, name)(anygrad.tensor(seq), dim)
            theirs = getattr(torch, name)(torch.tensor(seq), dim)
            _same(ours.values, theirs.values)
            _same(ours.indices, theirs.indices, exact=True)
        assert getattr(anygrad.tensor(seq), name)(1)._fields == ("values", "indices")


@pytest.mark.parametrize("fn", [
    lambda m, x: m.median(x),                      # shared among ties
    lambda m, x: m.median(x, 1).values,            # to the returned index
    lambda m, x: m.kthvalue(x, 3, 1).values,
    lambda m, x: m.cummax(x, 1).values,
    lambda m, x: m.cummin(x, 0).values,
    lambda m, x: m.logcumsumexp(x * 300, 1),       # no overflow, no underflow
    lambda m, x: m.aminmax(x, dim=1).max + m.aminmax(x).min,
    lambda m, x: m.quantile(x, 0.4, dim=1),
    lambda m, x: m.nanmedian(x),
], ids=["median", "median_dim", "kthvalue", "cummax", "cummin", "logcumsumexp", "aminmax",
        "quantile", "nanmedian"])
def test_gradients_match_torch(backend, fn):
    for data in (X, TIES):
        ours, theirs = _grads(fn, data)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-9)
        out = fn(anygrad, anygrad.tensor(data))
        np.testing.assert_allclose(_np(out), _np(fn(torch, torch.tensor(data))), rtol=1e-6,
                                   atol=1e-9)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_matches_torch(backend, interpolation):
    x, t = anygrad.tensor(X), torch.tensor(X)
    q = [0.0, 0.25, 0.5, 0.9, 1.0]
    qt = anygrad.tensor(q, dtype=anygrad.float64)
    for args in ((0.3,), (qt, 1), (anygrad.tensor(0.5, dtype=anygrad.float64), 0, True),
                 (qt, None, True)):
        targs = tuple(torch.tensor(a.numpy()) if isinstance(a, anygrad.Tensor) else a
                      for a in args)
        _same(anygrad.quantile(x, *args, interpolation=interpolation),
              torch.quantile(t, *targs, interpolation=interpolation))
        _same(x.nanquantile(*args, interpolation=interpolation),
              torch.nanquantile(t, *targs, interpolation=interpolation))
    n, tn = anygrad.tensor(NANS), torch.tensor(NANS)
    qs = anygrad.tensor([0.2, 0.5], dtype=anygrad.float64)
    _same(anygrad.quantile(n, qs, 1, interpolation=interpolation),
          torch.quantile(tn, torch.tensor([0.2, 0.5], dtype=torch.float64), 1,
                         interpolation=interpolation))
    _same(anygrad.nanquantile(n, qs, 1, interpolation=interpolation),
          torch.nanquantile(tn, torch.tensor([0.2, 0.5], dtype=torch.float64), 1,
                            interpolation=interpolation))


def test_quantile_errors():
    x = anygrad.tensor(X)
    with pytest.raises(ValueError, match=r"quantile: q values must be in the range \[0, 1\]"):
        anygrad.quantile(x, 1.5)
    with pytest.raises(ValueError, match="interpolation must be one of"):
        anygrad.quantile(x, 0.5, interpolation="cubic")
    with pytest.raises(TypeError, match="quantile: expected a floating input"):
        anygrad.quantile(anygrad.tensor([1, 2]), 0.5)
    with pytest.raises(TypeError, match="expected q of the input's dtype"):
        anygrad.quantile(x, anygrad.tensor([0.5], dtype=anygrad.float32))
    with pytest.raises(IndexError, match=r"kthvalue: k must be in \[1, 5\]"):
        anygrad.kthvalue(x, 6)


def test_var_std_have_torch_defaults_and_namespace_keeps_standard(backend):
    x, t = anygrad.tensor(X), torch.tensor(X)
    for args, kw in (((), {}), ((1,), {}), ((1, False), {}), ((False,), {}), ((0, True, True), {}),
                     ((), {"dim": 0, "correction": 0, "keepdim": True}),
                     ((), {"dim": (0, 1), "unbiased": False}), ((1,), {"correction": 2})):
        for name in ("var", "std"):
            _same(getattr(anygrad, name)(x, *args, **kw), getattr(torch, name)(t, *args, **kw))
            _same(getattr(x, name)(*args, **kw), getattr(t, name)(*args, **kw))
        for name in ("var_mean", "std_mean"):
            ours, theirs = getattr(anygrad, name)(x, *args, **kw), getattr(torch, name)(t, *args, **kw)
            assert type(ours) is tuple and len(ours) == 2
            _same(ours[0], theirs[0])
            _same(ours[1], theirs[1])
    xp = x.__array_namespace__()
    np.testing.assert_allclose(_np(xp.var(x)), np.var(X))
    with pytest.raises(TypeError, match="var: pass either unbiased or correction"):
        anygrad.var(x, 0, True, correction=1)


def test_aminmax_named_tuple(backend):
    x, t = anygrad.tensor(TIES), torch.tensor(TIES)
    ours, theirs = anygrad.aminmax(x, dim=1, keepdim=True), torch.aminmax(t, dim=1, keepdim=True)
    assert ours._fields == ("min", "max")
    _same(ours.min, theirs.min)
    _same(x.aminmax().max, t.aminmax().max)


def test_counting_matches_torch(backend):
    v = np.array([0, 3, 3, 1, 7])
    w = np.array([0.5, 1.0, 2.0, 0.25, 1.5])
    _same(anygrad.bincount(anygrad.tensor(v)), torch.bincount(torch.tensor(v)), exact=True)
    _same(anygrad.tensor(v).bincount(minlength=10), torch.tensor(v).bincount(minlength=10),
          exact=True)
    for wd in ("float32", "float64", "int64"):
        ours = anygrad.bincount(anygrad.tensor(v), anygrad.tensor(w.astype(wd)))
        _same(ours, torch.bincount(torch.tensor(v), torch.tensor(w.astype(wd))))
    data = RNG.normal(size=50)
    x, t = anygrad.tensor(data), torch.tensor(data)
    for args in ((), (7,), (5, -1.0, 1.0), (4, 2.0, 2.0)):
        _same(anygrad.histc(x, *args), torch.histc(t, *args))
    _same(anygrad.histc(anygrad.tensor([1.0, 1.0]), 4), torch.histc(torch.tensor([1.0, 1.0]), 4))
    weight = RNG.uniform(size=50)
    edges = np.array([-2.0, -0.5, 0.0, 0.1, 3.0])
    for args, kw in (((6,), {}), ((4,), {"range": (-1.0, 1.0), "density": True}),
                     ((4,), {"weight": weight}), ((edges,), {"weight": weight, "density": True})):
        ours = anygrad.histogram(x, *(anygrad.tensor(a) if isinstance(a, np.ndarray) else a
                                      for a in args),
                                 **{k: anygrad.tensor(a) if isinstance(a, np.ndarray) else a
                                    for k, a in kw.items()})
        theirs = torch.histogram(t, *(torch.tensor(a) if isinstance(a, np.ndarray) else a
                                      for a in args),
                                 **{k: torch.tensor(a) if isinstance(a, np.ndarray) else a
                                    for k, a in kw.items()})
        assert ours._fields == ("hist", "bin_edges")
        _same(ours.hist, theirs.hist)
        _same(ours.bin_edges, theirs.bin_edges)
    pts = RNG.normal(size=(20, 2))
    ours = anygrad.histogramdd(anygrad.tensor(pts), [3, 2], range=[-1.0, 1.0, -2.0, 2.0],
                               density=True)
    theirs = torch.histogramdd(torch.tensor(pts), [3, 2], range=[-1.0, 1.0, -2.0, 2.0],
                               density=True)
    _same(ours.hist, theirs.hist)
    for a, b in zip(ours.bin_edges, theirs.bin_edges):
        _same(a, b)


def test_counting_errors():
    with pytest.raises(ValueError, match="bincount: expected a 1-D tensor of non-negative"):
        anygrad.bincount(anygrad.tensor([[1, 2]]))
    with pytest.raises(ValueError, match="bincount: expected non-negative integers, got -1"):
        anygrad.bincount(anygrad.tensor([1, -1]))
    with pytest.raises(ValueError, match="histc: max must be larger than min"):
        anygrad.histc(anygrad.tensor([1.0]), 3, 2.0, 1.0)
    with pytest.raises(TypeError, match="histogram: expected a floating tensor"):
        anygrad.histogram(anygrad.tensor([1, 2]), 3)
    with pytest.raises(ValueError, match="bin edges must be increasing"):
        anygrad.histogram(anygrad.tensor([1.0]), anygrad.tensor([1.0, 0.0]))
