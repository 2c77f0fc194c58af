"""Gathers, scatters and embeddings check their indices on every backend.

NumPy wrapped a negative index twice (``take(arange(3.), [-5])`` gave ``[1.]``), JAX
clamped or returned NaN, array-api-strict and JAX dropped out-of-range scatter targets,
and ``embedding`` read the last row for ``-1``. Each op now raises ``IndexError`` naming
itself, the offending value and the valid range; PyTorch refuses the same inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.nn.functional as F
from _helpers import I, T, assert_names, torch, torch_raises

X = np.arange(12.0).reshape(3, 4)

# (op name, anygrad call, torch call, offending value, valid range text)
CASES = [
    ("take", lambda a, x, i: a.take(x, i), lambda t, x, i: t.take(x, i), [12], 12, "[-12, 11]"),
    ("take", lambda a, x, i: a.take(x, i), lambda t, x, i: t.take(x, i), [-13], -13, "[-12, 11]"),
    ("take", lambda a, x, i: a.take(x, i, axis=1), None, [0, 4], 4, "[-4, 3]"),
    ("take", lambda a, x, i: a.take(x, i, axis=0), None, [-5], -5, "[-3, 2]"),
    ("index_select", lambda a, x, i: a.index_select(x, 0, i),
     lambda t, x, i: t.index_select(x, 0, i), [3], 3, "[0, 2]"),
    ("index_select", lambda a, x, i: a.index_select(x, 1, i),
     lambda t, x, i: t.index_select(x, 1, i), [-1], -1, "[0, 3]"),
    ("gather", lambda a, x, i: a.gather(x, 1, i), lambda t, x, i: t.gather(x, 1, i),
     [[0], [4], [1]], 4, "[0, 3]"),
    ("gather", lambda a, x, i: a.gather(x, 0, i), lambda t, x, i: t.gather(x, 0, i),
     [[0, -1, 0, 0]], -1, "[0, 2]"),
    # PyTorch's take_along_dim does not check (see the test below): no comparison here.
    ("take_along_axis", lambda a, x, i: a.take_along_axis(x, i, axis=1),
     None, [[0], [9], [1]], 9, "[-4, 3]"),
    ("take_along_axis", lambda a, x, i: a.take_along_axis(x, i, axis=0),
     None, [[0, -4, 0, 0]], -4, "[-3, 2]"),
    ("scatter_add", lambda a, x, i: a.scatter_add(x, 0, i, a.ones_like(x)[:1]),
     lambda t, x, i: t.scatter_add(x, 0, i, t.ones_like(x)[:1]), [[0, 3, 0, 0]], 3, "[0, 2]"),
    ("scatter_add", lambda a, x, i: a.scatter_add(x, 1, i, a.ones_like(x)[:, :1]),
     lambda t, x, i: t.scatter_add(x, 1, i, t.ones_like(x)[:, :1]), [[0], [-1], [0]], -1, "[0, 3]"),
    ("index_add", lambda a, x, i: a.index_add(x, 0, i, a.ones_like(x)[:2]),
     lambda t, x, i: t.index_add(x, 0, i, t.ones_like(x)[:2]), [0, 3], 3, "[0, 2]"),
    ("index_add", lambda a, x, i: a.index_add(x, 1, i, a.ones_like(x)[:, :1]),
     lambda t, x, i: t.index_add(x, 1, i, t.ones_like(x)[:, :1]), [-1], -1, "[0, 3]"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[5]}" for c in CASES])
def test_out_of_range_index_raises(backend, case):
    name, fn, tfn, index, bad, valid = case
    x = T(X, backend, requires_grad=True)
    with pytest.raises(IndexError) as info:
        fn(anygrad, x, I(index, backend))
    assert_names(info.value, name, bad, valid)
    if tfn is not None:
        torch_raises(lambda t: tfn(t, t.tensor(X), t.tensor(index)), IndexError, RuntimeError)


@pytest.mark.parametrize("index", [[5], [-1], [0, 7, 1], [[1, 2], [6, 0]]])
def test_embedding_refuses_rows_out_of_range(backend, index):
    w = T(np.arange(10.0).reshape(5, 2), backend, requires_grad=True)
    with pytest.raises(IndexError) as info:
        F.embedding(I(index, backend), w)
    bad = [v for v in np.ravel(index) if not 0 <= v < 5]
    assert_names(info.value, "embedding", "[0, 4]", bad[0])
    torch_raises(lambda t: t.nn.functional.embedding(t.tensor(index), t.zeros(5, 2)), IndexError)


def test_embedding_module_refuses_rows_out_of_range(backend):
    with anygrad.default_backend(backend.name):
        emb = nn.Embedding(5, 1)
    emb.to(device=backend.device_obj()) if backend.device else None
    with pytest.raises(IndexError) as info:
        emb(I([-1], backend))
    assert_names(info.value, "embedding", -1)
    torch_raises(lambda t: t.nn.Embedding(5, 1)(t.tensor([-1])), IndexError)


# In-range values, negative where the op counts from the end: the values and gradients of
# PyTorch. ``i`` makes an index tensor on the case's backend.
GOOD = [
    ("take-negative", lambda a, x, i: a.take(x, i([-1, 0, -12, 11])),
     lambda t, x: t.take(x, t.tensor([-1, 0, -12, 11]))),
    ("index_select", lambda a, x, i: a.index_select(x, 1, i([3, 0, 3])),
     lambda t, x: t.index_select(x, 1, t.tensor([3, 0, 3]))),
    ("gather", lambda a, x, i: a.gather(x, 0, i([[2, 0, 1, 2]])),
     lambda t, x: t.gather(x, 0, t.tensor([[2, 0, 1, 2]]))),
    ("take_along_axis", lambda a, x, i: a.take_along_axis(x, i([[3], [0], [2]]), axis=1),
     lambda t, x: t.take_along_dim(x, t.tensor([[3], [0], [2]]), 1)),
    ("scatter_add", lambda a, x, i: a.scatter_add(x, 0, i([[2, 2, 0, 1]]), x[:1] * 2),
     lambda t, x: t.scatter_add(x, 0, t.tensor([[2, 2, 0, 1]]), x[:1] * 2)),
    ("index_add", lambda a, x, i: a.index_add(x, 0, i([2, 2]), x[:2]),
     lambda t, x: t.index_add(x, 0, t.tensor([2, 2]), x[:2])),
    ("embedding", lambda a, x, i: F.embedding(i([[0, 2], [2, 1]]), x),
     lambda t, x: t.nn.functional.embedding(t.tensor([[0, 2], [2, 1]]), x)),
]


@pytest.mark.parametrize("case", GOOD, ids=[c[0] for c in GOOD])
def test_in_range_indices_match_torch(backend, case):
    name, fn, tfn = case
    x = T(X, backend, "float64", requires_grad=True)
    y = fn(anygrad, x, lambda v: I(v, backend))
    w = np.random.default_rng(1).standard_normal(tuple(y.shape))
    (y * T(w, backend, "float64")).sum().backward()
    # Independent reference first: NumPy float64 via the same indices, as a dense matrix.
    assert np.isfinite(y.detach().numpy()).all()
    t = torch()
    tx = t.tensor(X, requires_grad=True)
    ty = tfn(t, tx)
    (ty * t.tensor(w)).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=0, atol=1e-12)


def test_take_along_axis_where_torch_is_silently_wrong(backend):
    # torch.take_along_dim(X, [[0], [9], [1]], 1) returns X's flat element 5 for row 1
    # (it reads past the row) with no error; anygrad refuses the index.
    with pytest.raises(IndexError):
        anygrad.take_along_axis(T(X, backend), I([[0], [9], [1]], backend), axis=1)
    t = torch()
    out = t.take_along_dim(t.tensor(X), t.tensor([[0], [9], [1]]), 1)  # no error
    assert tuple(out.shape) == (3, 1)


def test_take_negative_counts_from_end_once(backend):
    # The reported case: -5 on 3 elements used to wrap twice and read element 1.
    x = T([0.0, 1.0, 2.0], backend)
    np.testing.assert_array_equal(anygrad.take(x, I([-1, -3], backend)).numpy(), [2.0, 0.0])
    with pytest.raises(IndexError):
        anygrad.take(x, I([-5], backend))
    torch_raises(lambda t: t.take(t.tensor([0.0, 1.0, 2.0]), t.tensor([-5])), IndexError)


def test_empty_index_is_fine(backend):
    x = T(X, backend)
    y = anygrad.index_select(x, 0, I(np.zeros(0, dtype=np.int64), backend))
    assert tuple(y.shape) == (0, 4)
    t = torch()
    assert tuple(t.index_select(t.tensor(X), 0, t.zeros(0, dtype=t.int64)).shape) == (0, 4)


def test_check_index_range_helper_is_exported():
    from anygrad.ops._operands import check_index_range

    with pytest.raises(IndexError) as info:
        check_index_range(np, np.array([0, 7]), 5, "myop", dim=2)
    assert_names(info.value, "myop", 7, "dimension 2", "size 5", "[-5, 4]")
    check_index_range(np, np.array([-5, 4]), 5, "myop")
    with pytest.raises(IndexError):
        check_index_range(np, np.array([-1]), 5, "myop", negative=False)


# -- shapes PyTorch refuses: named errors, not broadcast failures or silent results --------
SHAPE_CASES = [
    ("index_add", lambda a, x, i: a.index_add(x, 0, i([0, 1]), a.ones_like(x)),
     lambda t, x: x.index_add(0, t.tensor([0, 1]), t.ones_like(x)), "(2, 4)"),
    ("index_add", lambda a, x, i: a.index_add(x, 0, i([[0, 1]]), a.ones_like(x)[:2]),
     lambda t, x: x.index_add(0, t.tensor([[0, 1]]), t.ones_like(x)[:2]), "1-D"),
    ("index_add", lambda a, x, i: a.index_add(x, 1, i([0, 1]), a.ones_like(x)[:, :3]),
     lambda t, x: x.index_add(1, t.tensor([0, 1]), t.ones_like(x)[:, :3]), "(3, 2)"),
    ("index_select", lambda a, x, i: a.index_select(x, 0, i([[0, 1]])),
     lambda t, x: t.index_select(x, 0, t.tensor([[0, 1]])), "1-D"),
    ("embedding", lambda a, x, i: F.embedding(i([0]), x[0]),
     lambda t, x: t.nn.functional.embedding(t.tensor([0]), x[0]), "2-D"),
]


@pytest.mark.parametrize("case", SHAPE_CASES, ids=[f"{c[0]}-{c[3]}" for c in SHAPE_CASES])
def test_index_op_shapes_are_checked(backend, case):
    name, fn, tfn, words = case
    with pytest.raises(ValueError) as info:
        fn(anygrad, T(X, backend), lambda v: I(v, backend))
    assert_names(info.value, name, words)
    torch_raises(lambda t: tfn(t, t.tensor(X)), RuntimeError, IndexError)
