"""PyTorch's shape operations (``anygrad/ops/torch_shape.py``, ``torch_views.py``) against
PyTorch itself: what the registry suite cannot say (tests/ops/test_registry.py checks values
against NumPy and gradients against finite differences): single-or-tuple returns, defaults,
positional ``dim``, dtypes, views and memory sharing, errors, and the in-place shape
methods, whose gradients are compared with PyTorch's.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad

torch = pytest.importorskip("torch")


def _np(t):
    if isinstance(t, (tuple, list)):
        return [_np(a) for a in t]
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t.detach().numpy())


def _same(a, b):
    """anygrad result ``a`` equals PyTorch result ``b``: type, shapes, dtypes, values."""
    if isinstance(b, (tuple, list)):
        assert isinstance(a, tuple) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _same(x, y)
        return
    assert isinstance(a, anygrad.Tensor)
    assert tuple(a.shape) == tuple(b.shape), (tuple(a.shape), tuple(b.shape))
    assert str(a.dtype).rpartition(".")[2] == str(b.dtype).rpartition(".")[2], (a.dtype, b.dtype)
    np.testing.assert_allclose(_np(a), _np(b), rtol=1e-6, atol=1e-6)


def _pair(shape, dtype="float64", seed=0, requires_grad=False):
    host = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return (anygrad.tensor(host, requires_grad=requires_grad),
            torch.tensor(host, requires_grad=requires_grad))


# -- at least n dimensions, stacking, splitting ---------------------------------------------
def test_atleast_single_several_and_lists():
    (a0, t0), (a1, t1), (a2, t2) = _pair(()), _pair((3,)), _pair((2, 3))
    for name in ("atleast_1d", "atleast_2d", "atleast_3d"):
        f, g = getattr(anygrad, name), getattr(torch, name)
        for a, t in ((a0, t0), (a1, t1), (a2, t2)):
            _same(f(a), g(t))
        _same(f(a0, a1, a2), g(t0, t1, t2))
        _same(f([a0, a2]), g([t0, t2]))
        assert f() == ()
    assert anygrad.atleast_1d(a1) is a1  # already 1-D: the tensor itself, as PyTorch


def test_stacking_matches_torch():
    (a0, t0), (a1, t1), (b1, u1) = _pair(()), _pair((2,)), _pair((2,), seed=1)
    (a2, t2), (b2, u2) = _pair((2, 3)), _pair((2, 1), seed=1)
    _same(anygrad.hstack([a1, b1, a0]), torch.hstack([t1, u1, t0]))
    _same(anygrad.hstack((a2, b2)), torch.hstack((t2, u2)))
    _same(anygrad.vstack([a1, b1]), torch.vstack([t1, u1]))
    _same(anygrad.row_stack([a2.T, a1]), torch.row_stack([t2.T, t1]))
    _same(anygrad.dstack([a2, a2]), torch.dstack([t2, t2]))
    _same(anygrad.column_stack([a1, b2, a2]), torch.column_stack([t1, u2, t2]))
    _same(anygrad.column_stack([a0, a0]), torch.column_stack([t0, t0]))
    for name in ("hstack", "vstack", "dstack", "column_stack"):
        with pytest.raises(ValueError, match=f"{name}: expected a non-empty sequence"):
            getattr(anygrad, name)([])


def test_splits_match_torch_and_are_views():
    host = np.arange(24.0).reshape(2, 4, 3)
    a, t = anygrad.tensor(host), torch.tensor(host)
    for name, args in (("hsplit", (2,)), ("hsplit", ([1, -1, 9],)), ("vsplit", (2,)),
                       ("vsplit", ([1],)), ("dsplit", (3,)), ("dsplit", ([2],))):
        _same(getattr(a, name)(*args), getattr(t, name)(*args))
        _same(getattr(anygrad, name)(a, *args), getattr(torch, name)(t, *args))
    _same(anygrad.hsplit(anygrad.arange(6.0), [2]), torch.hsplit(torch.arange(6.0), [2]))
    piece = a.hsplit(2)[1]
    piece[0, 0, 0] = -1.0  # a view: the write shows in a
    assert a[0, 2, 0].item() == -1.0 and piece._base is a
    with pytest.raises(ValueError, match=r"hsplit: expected a number of sections that divides "
                                         r"the size 4 of dimension 1, got 3"):
        a.hsplit(3)
    with pytest.raises(ValueError, match=r"vsplit: expected a tensor of at least 2 dimensions, "
                                         r"got shape \(6,\)"):
        anygrad.vsplit(anygrad.arange(6.0), 2)
    with pytest.raises(ValueError, match="dsplit: expected a tensor of at least 3 dimensions"):
        anygrad.zeros(2, 2).dsplit(2)


# -- flips, rotations, ravel, broadcasting --------------------------------------------------------
def test_flips_and_rotations_match_torch():
    a, t = _pair((2, 3, 4))
    _same(a.fliplr(), t.fliplr())
    _same(anygrad.flipud(a), torch.flipud(t))
    for k in (-5, -1, 0, 1, 2, 3, 6):
        _same(anygrad.rot90(a, k), torch.rot90(t, k))
        _same(a.rot90(k, [2, 0]), t.rot90(k, [2, 0]))
    assert a.rot90(0)._storage is not a._storage  # k = 0 copies, as PyTorch
    with pytest.raises(ValueError, match="fliplr: expected a tensor of at least 2 dimensions"):
        anygrad.fliplr(anygrad.ones(3))
    with pytest.raises(ValueError, match=r"rot90: expected dims to name 2 dimensions, got \(0,\)"):
        a.rot90(1, [0])
    with pytest.raises(ValueError, match="rot90: expected two different dims"):
        a.rot90(1, [1, -2])


def test_ravel_and_broadcast_tensors():
    a, t = _pair((2, 3))
    r = a.ravel()
    _same(r, t.ravel())
    assert r._base is a  # a view of a contiguous tensor
    _same(anygrad.ravel(a.T), torch.ravel(t.T))
    b, u = _pair((3,), seed=1)
    out = anygrad.broadcast_tensors(a[:1], b)
    _same(out, torch.broadcast_tensors(t[:1], u))
    assert isinstance(out, tuple) and anygrad.broadcast_tensors(b)[0] is b


def test_repeat_interleave_matches_torch():
    a, t = _pair((2, 3))
    _same(anygrad.repeat_interleave(a, 2), torch.repeat_interleave(t, 2))
    _same(a.repeat_interleave(3, 1), t.repeat_interleave(3, 1))
    r = [1, 0, 2]
    _same(anygrad.repeat_interleave(a, anygrad.tensor(r), dim=1),
          torch.repeat_interleave(t, torch.tensor(r), dim=1))
    _same(anygrad.repeat_interleave(a, anygrad.tensor([2]), 0, output_size=4),
          torch.repeat_interleave(t, torch.tensor([2]), 0, output_size=4))
    _same(a.repeat_interleave(anygrad.tensor(r), dim=1, output_size=3),
          t.repeat_interleave(torch.tensor(r), dim=1, output_size=3))
    _same(anygrad.repeat_interleave(a, anygrad.tensor(2)),
          torch.repeat_interleave(t, torch.tensor(2)))
    _same(anygrad.repeat_interleave(anygrad.tensor([2, 0, 3])),
          torch.repeat_interleave(torch.tensor([2, 0, 3])))
    with pytest.raises(ValueError,
                       match=r"expected one repeat count per element along dim \(3\), got 2"):
        anygrad.repeat_interleave(a, anygrad.tensor([1, 2]), dim=1)
    with pytest.raises(ValueError, match="repeats must be non-negative"):
        anygrad.repeat_interleave(a, -1)
    with pytest.raises(ValueError, match="repeats must be non-negative"):
        anygrad.repeat_interleave(a, anygrad.tensor([1, -1, 1]), dim=1)
    with pytest.raises(TypeError, match="expected integer repeats, got dtype"):
        anygrad.repeat_interleave(a, anygrad.tensor([1.0, 2.0]), dim=0)
    with pytest.raises(ValueError, match="output_size 5 does not match the repeated size 4"):
        anygrad.repeat_interleave(a, 2, 0, output_size=5)


def test_unravel_index_matches_numpy_and_wraps_as_torch():
    for idx in ([1, 5, 23], [[0, 7], [3, 11]], 4):
        for shape in ((2, 3, 4), (24,)):
            got = anygrad.unravel_index(anygrad.tensor(idx), shape)
            assert isinstance(got, tuple) and len(got) == len(shape)
            for g, want in zip(got, np.unravel_index(idx, shape)):
                assert g.dtype == anygrad.int64
                np.testing.assert_array_equal(_np(g), want)
    # PyTorch does not check the range: the coordinates are floor remainders
    # (torch.unravel_index(tensor(-1), (2, 3)) is (1, 2), of tensor(10) is (1, 1)).
    rows, cols = anygrad.unravel_index(anygrad.tensor([-1, 10]), (2, 3))
    assert rows.tolist() == [1, 1] and cols.tolist() == [2, 1]
    assert [t.tolist() for t in anygrad.unravel_index(anygrad.tensor(4), 6)] == [4]
    got = anygrad.unravel_index(anygrad.tensor([3], dtype=anygrad.int32), (2, 2))
    assert all(g.dtype == anygrad.int64 for g in got)
    assert anygrad.unravel_index(anygrad.tensor([0]), ()) == ()
    with pytest.raises(TypeError, match="unravel_index: expected integer indices, got dtype"):
        anygrad.unravel_index(anygrad.tensor([1.0]), (2,))
    with pytest.raises(ValueError, match=r"without negative sizes, got \(2, -3\)"):
        anygrad.unravel_index(anygrad.tensor([1]), (2, -3))


# -- the embeddings (*_scatter) -------------------------------------------------------------------
@pytest.mark.parametrize("name, shape, src_shape, args, kwargs", [
    ("select_scatter", (3, 4), (3,), (1, -1), {}),
    ("slice_scatter", (3, 5), (3, 2), (1, 1, None, 2), {}),
    ("slice_scatter", (4, 2), (1, 2), (), {"start": -1}),
    ("diagonal_scatter", (3, 4), (3,), (), {}),
    ("diagonal_scatter", (2, 3, 4), (3, 2), (1, 0, 2), {}),
])
def test_scatters_match_torch_with_gradients(name, shape, src_shape, args, kwargs):
    a, t = _pair(shape, requires_grad=True)
    b, u = _pair(src_shape, seed=1, requires_grad=True)
    got = getattr(anygrad, name)(a, b, *args, **kwargs)
    want = getattr(torch, name)(t, u, *args, **kwargs)
    _same(got, want)
    _same(getattr(a, name)(b, *args, **kwargs), want)
    w = np.random.default_rng(2).standard_normal(shape)
    (got * anygrad.tensor(w)).sum().backward()
    (want * torch.tensor(w)).sum().backward()
    _same(a.grad, t.grad)
    _same(b.grad, u.grad)


def test_scatter_errors():
    x = anygrad.zeros(3, 4)
    with pytest.raises(ValueError, match=r"select_scatter: expected src of the embedded slice's "
                                         r"shape \(3,\), got \(4,\)"):
        anygrad.select_scatter(x, anygrad.ones(4), 1, 0)
    with pytest.raises(IndexError, match="select_scatter: index 5 is out of range"):
        anygrad.select_scatter(x, anygrad.ones(4), 0, 5)
    with pytest.raises(ValueError, match="slice_scatter: expected a positive step, got 0"):
        anygrad.slice_scatter(x, anygrad.ones(3, 1), 1, 0, None, 0)
    with pytest.raises(ValueError, match=r"diagonal_scatter: expected src .* got \(2,\)"):
        anygrad.diagonal_scatter(x, anygrad.ones(2))


def test_cartesian_prod_and_combinations_match_torch():
    (a, t), (b, u) = _pair((3,)), _pair((2,), seed=1)
    _same(anygrad.cartesian_prod(a, b), torch.cartesian_prod(t, u))
    _same(anygrad.cartesian_prod(a, b, a), torch.cartesian_prod(t, u, t))
    assert anygrad.cartesian_prod(a) is a
    ints = anygrad.tensor([4, 5, 6])
    _same(anygrad.cartesian_prod(ints, ints), torch.cartesian_prod(torch.tensor([4, 5, 6]),
                                                                   torch.tensor([4, 5, 6])))
    for r in (0, 1, 2, 3, 4):
        for rep in (False, True):
            _same(anygrad.combinations(a, r, rep), torch.combinations(t, r, rep))
    _same(anygrad.combinations(a, r=2, with_replacement=True),
          torch.combinations(t, r=2, with_replacement=True))
    with pytest.raises(ValueError, match=r"combinations: expected 1-D tensors, got \(2, 2\)"):
        anygrad.combinations(anygrad.ones(2, 2))
    with pytest.raises(ValueError, match="cartesian_prod: expected 1-D tensors, got ()"):
        anygrad.cartesian_prod(a, anygrad.tensor(1.0))
    with pytest.raises(TypeError, match="cartesian_prod: expected tensors of one dtype"):
        anygrad.cartesian_prod(a, ints)


# -- unfold, sum_to_size, narrow_copy -------------------------------------------------------------
def test_unfold_matches_torch():
    host = np.random.default_rng(0).standard_normal((3, 7))
    a, t = anygrad.tensor(host), torch.tensor(host)
    for dim, size, step in ((1, 3, 2), (0, 2, 1), (-1, 7, 1), (1, 1, 3), (1, 0, 1)):
        _same(a.unfold(dim, size, step), t.unfold(dim, size, step))
    _same(anygrad.tensor(5.0).unfold(0, 1, 1), torch.tensor(5.0).unfold(0, 1, 1))
    assert a.unfold(1, 2, 3)._base is a
    with pytest.raises(RuntimeError, match="refers to a single memory location"):
        a.unfold(1, 3, 1).mul_(2)
    with pytest.raises(ValueError, match=r"unfold: expected a window size of at most 7 \(the "
                                         r"size of dimension 1\), got 8"):
        a.unfold(1, 8, 1)
    with pytest.raises(ValueError, match="unfold: expected a positive step, got 0"):
        a.unfold(1, 2, 0)


# unfold and as_strided are functional views on every backend (a gather, written back by a
# scatter), so the three always-present backends cover them; JAX's own path for views is
# checked by test_inplace_shape_methods_keep_views (at several seconds per JAX test).
@pytest.mark.parametrize("name", ["numpy", "array_api_strict", "torch"])
def test_strided_views_share_memory(name):
    with anygrad.default_backend(name):
        _strided_views_share_memory()


def _strided_views_share_memory():
    a = anygrad.arange(14.0).reshape(2, 7)
    w = a.unfold(1, 2, 3)  # windows that do not overlap: a writable view
    w[0, 1, 1] = 100.0
    a[1, 3] = -7.0
    v = a.as_strided((2,), (4,), 1)
    v[1] = 50.0
    assert a.tolist()[0][3:6] == [3.0, 100.0, 50.0] and w[1, 1, 0].item() == -7.0
    assert w[0, 1].tolist() == [3.0, 100.0] and v.tolist() == [1.0, 50.0]


def test_unfold_gradient_matches_torch():
    a, t = _pair((2, 6), requires_grad=True)
    w = np.random.default_rng(1).standard_normal((2, 3, 3))
    (a.unfold(1, 3, 1)[:, :3] * anygrad.tensor(w)).sum().backward()
    (t.unfold(1, 3, 1)[:, :3] * torch.tensor(w)).sum().backward()
    _same(a.grad, t.grad)


def test_sum_to_size_and_narrow_copy_match_torch():
    a, t = _pair((2, 3, 4), requires_grad=True)
    for size in ((3, 4), (1, 1), (2, 1, 4), ((3, 1),), (1, 2, 3, 4)[1:]):
        _same(a.sum_to_size(*size), t.sum_to_size(*size))
    assert a.sum_to_size(2, 3, 4) is a
    with pytest.raises(ValueError, match=r"sum_to_size: size \(4, 4\) is not expandable to size"):
        a.sum_to_size(4, 4)
    c = a.narrow_copy(1, 1, 2)
    _same(c, t.narrow_copy(1, 1, 2))
    _same(anygrad.narrow_copy(a, -1, -2, 2), torch.narrow_copy(t, -1, -2, 2))
    assert c._base is None and c._storage is not a._storage
    c.sum().backward()
    t.narrow_copy(1, 1, 2).sum().backward()
    _same(a.grad, t.grad)


# -- as_strided and friends -----------------------------------------------------------------------
def test_as_strided_matches_torch_on_views():
    host = np.arange(24.0).reshape(4, 6)
    a, t = anygrad.tensor(host), torch.tensor(host)
    cases = [(a, t, ((3, 2), (1, 3)), {}), (a, t, ((2, 2), (6, 1), 7), {}),
             (a[1], t[1], ((2, 2), (1, 1)), {}), (a[1:3, 1:], t[1:3, 1:], ((2,), (6,)), {}),
             (a.T, t.T, ((6,), (1,)), {}), (a[2], t[2], ((3,), (1,)), {"storage_offset": 13})]
    for x, y, args, kw in cases:
        _same(x.as_strided(*args, **kw), y.as_strided(*args, **kw))
        _same(anygrad.as_strided(x, *args, **kw), torch.as_strided(y, *args, **kw))
    with pytest.raises(ValueError, match="as_strided: .* reach storage positions outside the "
                                         "tensor's elements"):
        a[1].as_strided((2,), (1,), 0)  # PyTorch reads the storage outside the row
    with pytest.raises(ValueError, match=r"as_strided: expected as many strides as sizes"):
        a.as_strided((2,), (1, 2))
    with pytest.raises(ValueError, match=r"as_strided: expected non-negative strides, got \(-1,\)"):
        a.as_strided((2,), (-1,))


def test_as_strided_gradient_matches_torch():
    a, t = _pair((3, 4), requires_grad=True)
    w = np.random.default_rng(1).standard_normal((3, 3))
    (anygrad.as_strided(a * 2, (3, 3), (2, 1), 1) * anygrad.tensor(w)).sum().backward()
    (torch.as_strided(t * 2, (3, 3), (2, 1), 1) * torch.tensor(w)).sum().backward()
    _same(a.grad, t.grad)  # overlapping windows accumulate


def test_as_strided_scatter_matches_torch():
    a, t = _pair((3, 4), requires_grad=True)
    b, u = _pair((2, 3), seed=1, requires_grad=True)
    # PyTorch takes only contiguous inputs that require grad: the others are compared detached.
    t0, u0 = t.detach(), u.detach()
    for x, y, args in ((a, t0, ((2, 3), (1, 3), 1)), (a, t0, ((2, 3), (3, 1))),
                       (a.T, t0.T, ((2, 3), (1, 3), 1)), (a[:, 1:], t0[:, 1:], ((2, 3), (4, 1)))):
        _same(anygrad.as_strided_scatter(x, b, *args), torch.as_strided_scatter(y, u0, *args))
        _same(x.as_strided_scatter(b, *args), y.as_strided_scatter(u0, *args))
    w = np.random.default_rng(2).standard_normal((3, 4))
    (anygrad.as_strided_scatter(a, b, (2, 3), (1, 3), 1) * anygrad.tensor(w)).sum().backward()
    (torch.as_strided_scatter(t, u, (2, 3), (1, 3), 1) * torch.tensor(w)).sum().backward()
    # PyTorch 2.13's gradient for the input is masked the wrong way round (ones where src
    # was written): the input's gradient is checked against the formula instead.
    kept = np.ones(12)
    kept[[1, 2, 4, 5, 7, 8]] = 0.0
    np.testing.assert_allclose(_np(a.grad), w * kept.reshape(3, 4))
    _same(b.grad, u.grad)
    with pytest.raises(ValueError, match="as_strided_scatter: the strided positions repeat"):
        anygrad.as_strided_scatter(a, b, (2, 3), (0, 1))
    with pytest.raises(ValueError, match="as_strided_scatter: .* reach storage positions outside"):
        anygrad.as_strided_scatter(a[:, 1:], b, (2, 3), (1, 4), 0)


# -- in-place shape methods ---------------------------------------------------------------------
def _chain(lib, x):
    y = x * 2
    y.unsqueeze_(0)
    y.transpose_(0, 2)
    y.squeeze_(2)
    y.t_()
    y.swapaxes_(0, 1)
    z = y[0]
    z.unsqueeze_(-1)
    z.swapdims_(0, 1)
    y = y.sin()
    return y, z


def test_inplace_shape_methods_match_torch():
    a, t = _pair((3, 4), requires_grad=True)
    (ya, za), (yt, zt) = _chain(anygrad, a), _chain(torch, t)
    _same(ya, yt)
    _same(za, zt)
    w1 = np.random.default_rng(1).standard_normal(tuple(yt.shape))
    w2 = np.random.default_rng(2).standard_normal(tuple(zt.shape))
    ((ya * anygrad.tensor(w1)).sum() + (za * anygrad.tensor(w2)).sum()).backward()
    ((yt * torch.tensor(w1)).sum() + (zt * torch.tensor(w2)).sum()).backward()
    _same(a.grad, t.grad)


def test_inplace_shape_methods_keep_views(backend):
    # Views taken before an in-place shape change of their base, then a write into the base
    # (functional views on JAX): values and gradients as PyTorch's.
    results = []
    for lib in (anygrad, torch):
        leaf = lib.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        m = leaf * 2
        w, v = m[0], m[1]
        w.unsqueeze_(0)
        v.t_()
        m.t_()
        m[0, 1] = 5.0  # storage position 3: v[0]
        ((w * w).sum() + (v * 3).sum() + m.sum()).backward()
        results.append([w.tolist(), v.tolist(), m.tolist(), leaf.grad.tolist()])
    assert results[0] == results[1]


def test_inplace_shape_methods_versions_and_errors():
    d = anygrad.arange(6.0).reshape(2, 3)
    e = d[0]
    d.t_()
    assert tuple(d.shape) == (3, 2) and d._version == 1
    d[1, 0] = -1.0  # storage position 1 = e[1]
    e[2] = 9.0
    assert e.tolist() == [0.0, -1.0, 9.0] and d[2, 0].item() == 9.0
    a = anygrad.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="t_: a leaf tensor that requires grad"):
        a.t_()
    with pytest.raises(RuntimeError,
                       match="unsqueeze_: a view of a leaf tensor that requires grad"):
        a[0].unsqueeze_(0)
    with anygrad.no_grad():
        a.unsqueeze_(0)
    assert tuple(a.shape) == (1, 2, 3) and a.is_leaf
    x = anygrad.ones(2, 3, requires_grad=True) * 1
    y = x.sin()  # saves x
    x.t_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    with pytest.raises(ValueError, match=r"t_: expected a tensor of at most 2 dimensions"):
        anygrad.zeros(1, 2, 3).t_()
    assert tuple(anygrad.zeros(3).t_().shape) == (3,)


def test_as_strided_in_place():
    x, t = anygrad.arange(6.0), torch.arange(6.0)
    assert x.as_strided_((2, 2), (2, 1), 1) is x
    t.as_strided_((2, 2), (2, 1), 1)
    _same(x, t)
    x[1, 1] = 50.0
    assert x._storage.base.tolist()[4] == 50.0


def test_resize_matches_torch():
    for sizes in ((2, 3), (6,), (4,), (3, 3), (1, 2, 2)):
        x, t = anygrad.arange(6.0), torch.arange(6.0)
        x.resize_(*sizes)
        t.resize_(*sizes)
        n = min(6, t.numel())  # PyTorch leaves the new elements uninitialised
        assert tuple(x.shape) == tuple(t.shape)
        np.testing.assert_array_equal(_np(x).reshape(-1)[:n], _np(t).reshape(-1)[:n])
        assert (_np(x).reshape(-1)[n:] == 0).all()
    x = anygrad.arange(6.0)
    y = x.resize_(2, 3)
    assert y is x and x._version == 1
    x, t = anygrad.arange(6.0).reshape(2, 3).T, torch.arange(6.0).reshape(2, 3).T
    _same(x.resize_(6), t.resize_(6))  # storage order
    x, t = anygrad.arange(12.0)[4:], torch.arange(12.0)[4:]
    _same(x.resize_(2, 2), t.resize_(2, 2))  # from the storage offset
    _same(anygrad.zeros(4).resize_as_(anygrad.ones(2, 2)),
          torch.zeros(4).resize_as_(torch.ones(2, 2)))
    with pytest.raises(RuntimeError, match="resize_: cannot resize a tensor that requires grad"):
        anygrad.ones(2, requires_grad=True).resize_(2)
    a, t = _pair((2, 3), requires_grad=True)
    with pytest.warns(UserWarning):
        want = t.resize_as(torch.ones(6))
    _same(a.resize_as(anygrad.ones(6)), want)
    with pytest.raises(ValueError, match=r"resize_as: requested the shape \(5,\) \(5 elements\)"):
        a.resize_as(anygrad.ones(5))
