"""Views and in-place operations behave as in PyTorch, on every backend.

Each case of the table is written once against a PyTorch-like module ``T`` and run twice:
with ``anygrad`` (on the backend of the fixture) and with ``torch`` itself, the
specification, where it is installed. The expected values are also written out, so the
table holds without PyTorch too.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import anygrad
from anygrad.autograd import gradcheck

try:
    import torch
except ImportError:  # the anygrad side of every case still runs
    torch = None


def _grid(T):
    return T.arange(6.0).reshape(2, 3)


# -- values after writes through chains of views ----------------------------------------------
def view_then_write(T):
    x = _grid(T)
    v = x.view(-1)
    v[0] = 5
    return x


def select_then_add_(T):
    x = _grid(T)
    x[0].add_(1)
    return x


def slice_fill_(T):
    x = _grid(T)
    x[:, 1:3].fill_(7)
    return x


def transpose_setitem(T):
    x = _grid(T)
    x.t()[2, 1] = 4
    return x


def base_write_seen_by_view(T):
    x = _grid(T)
    v = x[1:2]
    x.add_(2)
    return v


def chain_of_views(T):
    x = T.arange(24.0).reshape(2, 3, 4)
    x.permute(2, 0, 1)[1:3].unsqueeze(0)[0, :, 1].squeeze(0).mul_(-1)
    return x


def strided_slices(T):
    x = T.arange(10.0)
    x[1::3].zero_()
    x[::2][1:].add_(100)
    return x


def split_chunk_unbind(T):
    x = T.arange(12.0).reshape(3, 4)
    a, b = x.split(2, dim=0)
    b.fill_(-1)
    x.chunk(2, dim=1)[0].mul_(10)
    x.unbind(1)[3].add_(0.5)
    return x


def narrow_select(T):
    x = _grid(T)
    x.narrow(1, 1, 2).sub_(1)
    x.select(0, 1).mul_(2)
    return x


def expand_sees_base(T):
    y = T.zeros(3)
    e = y.expand(2, 3)
    y.add_(T.tensor([1.0, 2.0, 3.0]))
    return e


def detach_and_data_share(T):
    x = _grid(T)
    d = x.detach()
    d[0, 0] = 42
    x.data[1].fill_(-3)
    return x


def reshape_view_or_copy(T):
    x = _grid(T)
    x.reshape(-1)[3] = 0  # contiguous: a view
    x.t().reshape(-1)[0] = 100  # not contiguous: a copy, x unchanged
    x.flatten()[5] = 9
    return x


def contiguous_and_clone_copy(T):
    x = _grid(T)
    x.t().contiguous()[0, 0] = 50
    x.clone()[1, 1] = 50
    x.contiguous()[1, 2] = -5  # already contiguous: x itself
    return x


def movedim_transpose(T):
    x = T.arange(24.0).reshape(2, 3, 4)
    x.movedim(0, 2)[1, 2].fill_(0)
    x.transpose(0, 1)[2].add_(1000)
    return x


def diagonal_write(T):
    x = T.zeros(3, 3)
    x.diagonal().fill_(1)
    x.diagonal(1).add_(2)
    return x


def masked_and_fancy_writes(T):
    x = _grid(T)
    x[x > 3] = 0
    x[T.tensor([0, 1]), T.tensor([2, 0])] = -1
    x[:, T.tensor([1])] += 10
    return x


def inplace_ops_keep_dtype(T):
    x = T.tensor([1, 2, 3])
    x.mul_(2)
    x += 1
    x.clamp_(3, 6)
    return x


def setitem_on_view_of_view(T):
    x = T.zeros(4, 4)
    x[1:3][:, 1:3] = T.ones(2, 2)
    x[0][1:] = T.tensor([7.0, 8.0, 9.0])
    return x


def complex_parts(T):
    x = T.tensor([1 + 2j, 3 - 1j])
    r, i = x.real, x.imag
    r.mul_(10)
    i[1] = 7
    x.add_(1)
    return x


def complex_parts_follow(T):
    x = T.tensor([1 + 2j, 3 - 1j])
    r = x.real
    x.mul_(2)
    return r


VALUE_CASES = {
    complex_parts: [11 + 2j, 31 + 7j],
    complex_parts_follow: [2, 6],
    view_then_write: [[5, 1, 2], [3, 4, 5]],
    select_then_add_: [[1, 2, 3], [3, 4, 5]],
    slice_fill_: [[0, 7, 7], [3, 7, 7]],
    transpose_setitem: [[0, 1, 2], [3, 4, 4]],
    base_write_seen_by_view: [[5, 6, 7]],
    chain_of_views: None,  # compared with PyTorch and NumPy below
    strided_slices: [0, 0, 102, 3, 100, 5, 106, 0, 108, 9],
    split_chunk_unbind: [[0, 10, 2, 3.5], [40, 50, 6, 7.5], [-10, -10, -1, -0.5]],
    narrow_select: [[0, 0, 1], [6, 6, 8]],
    expand_sees_base: [[1, 2, 3], [1, 2, 3]],
    detach_and_data_share: [[42, 1, 2], [-3, -3, -3]],
    reshape_view_or_copy: [[0, 1, 2], [0, 4, 9]],
    contiguous_and_clone_copy: [[0, 1, 2], [3, 4, -5]],
    movedim_transpose: None,
    diagonal_write: [[1, 2, 0], [0, 1, 2], [0, 0, 1]],
    masked_and_fancy_writes: [[0, 11, -1], [-1, 10, 0]],
    inplace_ops_keep_dtype: [3, 5, 6],
    setitem_on_view_of_view: [[0, 7, 8, 9], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]],
}


def _numpy_chain_of_views():
    x = np.arange(24.0).reshape(2, 3, 4)
    v = np.transpose(x, (2, 0, 1))[1:3][None][0, :, 1]
    v *= -1
    return x


def _numpy_movedim_transpose():
    x = np.arange(24.0).reshape(2, 3, 4)
    np.moveaxis(x, 0, 2)[1, 2][...] = 0
    np.swapaxes(x, 0, 1)[2][...] += 1000
    return x


NUMPY_REFS = {chain_of_views: _numpy_chain_of_views, movedim_transpose: _numpy_movedim_transpose}


@pytest.mark.parametrize("case", list(VALUE_CASES), ids=lambda f: f.__name__)
def test_values_after_writes_through_views(backend, case):
    got = case(anygrad)
    assert isinstance(got, anygrad.Tensor) and got.backend == backend.name
    expected = VALUE_CASES[case]
    if expected is None:
        expected = NUMPY_REFS[case]()
    np.testing.assert_array_equal(got.numpy(), np.asarray(expected, dtype=got.numpy().dtype))
    if torch is not None:
        ref = case(torch)
        np.testing.assert_array_equal(got.numpy(), ref.numpy())
        assert str(got.dtype).rsplit(".", 1)[-1] == str(ref.dtype).rsplit(".", 1)[-1]


# -- the description of a view: is_view, _base, stride, storage_offset, contiguity ---------------
LAYOUTS = [
    lambda T: _grid(T)[1],
    lambda T: _grid(T)[:, 1],
    lambda T: _grid(T).t(),
    lambda T: _grid(T)[:, 1:].t(),
    lambda T: T.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1)[1:, :, ::2],
    lambda T: _grid(T).unsqueeze(1),
    lambda T: _grid(T).view(3, 2),
    lambda T: _grid(T).t().contiguous(),
    lambda T: _grid(T).diagonal(),
    lambda T: T.arange(10.0)[2:8:3],
]
LAYOUT_EXPECTED = [
    ((1,), 3, True), ((3,), 1, False), ((1, 3), 0, False), ((1, 3), 1, False),
    ((1, 12, 8), 1, False), ((3, 3, 1), 0, True), ((2, 1), 0, True), ((2, 1), 0, True),
    ((4,), 0, False), ((3,), 2, False),
]


@pytest.mark.parametrize("k", range(len(LAYOUTS)))
def test_strides_offsets_and_contiguity(backend, k):
    t = LAYOUTS[k](anygrad)
    strides, offset, contiguous = LAYOUT_EXPECTED[k]
    assert (t.stride(), t.storage_offset(), t.is_contiguous()) == (strides, offset, contiguous)
    if torch is not None:
        r = LAYOUTS[k](torch)
        assert (t.stride(), t.storage_offset(), t.is_contiguous()) == (
            r.stride(), r.storage_offset(), r.is_contiguous())


def test_is_view_and_base(backend):
    x = anygrad.arange(6.0)
    assert not x.is_view() and x._base is None
    m = x.view(2, 3)
    v = m[1]
    w = v[1:]
    assert m._base is x and v._base is x and w._base is x  # the root, as PyTorch
    assert w.is_view() and not x.detach().is_view()
    c = m.t().contiguous()
    assert not c.is_view() and c._version == 0
    assert w._version == x._version == 0
    w.add_(1)
    assert w._version == x._version == m._version == 1  # one counter per storage


def test_tracked_write_into_complex_part_raises_before_writing(backend):
    x = anygrad.tensor([1 + 2j, 3 - 1j], requires_grad=True) * 1
    with pytest.raises(RuntimeError, match="not differentiable in anygrad yet"):
        x.real.mul_(2)
    np.testing.assert_array_equal(x.detach().numpy(), [1 + 2j, 3 - 1j])  # nothing written


def test_expanded_view_cannot_be_written(backend):
    e = anygrad.zeros(3).expand(2, 3)
    with pytest.raises(RuntimeError, match="single memory location"):
        e.add_(1)
    with pytest.raises(RuntimeError, match="single memory location"):
        e[0] = 5


# -- gradients through in-place operations ------------------------------------------------------
def grad_mul_into_view(T, a):
    b = a * 2
    b[1:].mul_(a[:2])
    return (b * T.arange(1.0, 4.0, dtype=a.dtype, device=a.device)).sum()


def grad_view_regenerated(T, a):
    h = a * 1
    u = h[0:2]
    h.mul_(3)
    return (u * u).sum() + h.sum()


def grad_setitem_into_buffer(T, a):
    buf = T.zeros(5, dtype=a.dtype, device=a.device)
    buf[1:4] = a
    buf[0] = a[2] * 3
    return (buf * buf).sum()


def grad_inplace_unary_needs_input(T, a):
    b = a * 1.5
    b.sin_()
    b.exp_()
    return b.sum()


def grad_copy_into_view(T, a):
    buf = T.ones(2, 3, dtype=a.dtype, device=a.device)
    buf[1].copy_(a * a)
    buf.t()[0].mul_(a[:2])
    return (buf ** 2).sum()


def grad_write_base_then_use_view(T, a):
    h = a * 2
    v = h[1:]
    h[0] = 7.0
    h.div_(2)
    return (v * h[1:]).sum() + h[0]


def grad_masked_fill_and_clamp(T, a):
    b = a * 3
    b.masked_fill_(b > 4, 0.5)
    b.clamp_(max=2.0)
    return (b * a).sum()


GRAD_CASES = [grad_mul_into_view, grad_view_regenerated, grad_setitem_into_buffer,
              grad_inplace_unary_needs_input, grad_copy_into_view, grad_write_base_then_use_view,
              grad_masked_fill_and_clamp]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda f: f.__name__)
def test_gradients_through_inplace_operations(backend, case):
    values = np.array([0.3, -1.2, 0.8])
    a = anygrad.tensor(values, dtype="float64", requires_grad=True, device=backend.device)
    case(anygrad, a).backward()
    # Independent reference: central differences of the same computation (float64).
    assert gradcheck(lambda t: case(anygrad, t), (anygrad.tensor(
        values, dtype="float64", requires_grad=True, device=backend.device),))
    if torch is not None:
        r = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        case(torch, r).backward()
        np.testing.assert_allclose(a.grad.numpy(), r.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_grad_fn_names_as_pytorch(backend):
    a = anygrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    v = b[:2]
    b[1:].mul_(3)
    assert b.grad_fn.name() == "CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0"
    c = a * 1
    c.exp_()
    assert c.grad_fn.name() == "ExpBackward0"


# -- errors ---------------------------------------------------------------------------------
def test_saved_tensor_modified_in_place_raises(backend):
    a = anygrad.tensor([1.0, 2.0], requires_grad=True)
    y = a * 2
    z = y.sin()  # saves y
    y.add_(1)
    with pytest.raises(RuntimeError, match=r"SinBackward0.*modified by an inplace operation.*"
                                           r"version 1; expected version 0"):
        z.sum().backward()
    a = anygrad.tensor([1.0, 2.0], requires_grad=True)
    y = a * 2
    z = y * y
    y[0:1].mul_(2)  # a write through a view bumps the shared counter
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()
    if torch is not None:
        r = torch.tensor([1.0, 2.0], requires_grad=True)
        y = r * 2
        z = y.sin()
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


def test_output_saved_then_modified_raises(backend):
    a = anygrad.tensor([1.0, 2.0], requires_grad=True)
    y = a.exp()  # exp saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match="ExpBackward0"):
        y.sum().backward()


def test_leaf_that_requires_grad_cannot_be_modified(backend):
    p = anygrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        p.add_(1)
    with pytest.raises(RuntimeError, match="view of a leaf tensor"):
        p[0:1].add_(1)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        p[0] = 3.0
    with anygrad.no_grad():  # the optimizer idiom
        p.sub_(0.5)
        p[1] = 7.0
    p.data.mul_(2)
    np.testing.assert_array_equal(p.detach().numpy(), [1.0, 14.0])
    assert p.requires_grad and p.grad_fn is None


def test_no_grad_writes_into_parameters_seen_by_views(backend):
    lin = anygrad.nn.Linear(4, 8)
    n = 8
    lin.bias.data[n // 4:n // 2].fill_(1.0)  # the LSTM forget-gate idiom
    np.testing.assert_array_equal(lin.bias.detach().numpy()[2:4], [1.0, 1.0])
    lstm = anygrad.nn.LSTM(3, 4)
    m = lstm.bias_ih_l0.shape[0]
    lstm.bias_ih_l0.data[m // 4:m // 2].fill_(1.0)
    np.testing.assert_array_equal(lstm.bias_ih_l0.detach().numpy()[m // 4:m // 2], np.ones(4))
    w = lin.weight[0]  # a view of a parameter (tracked)
    with anygrad.no_grad():
        lin.weight.zero_()
    np.testing.assert_array_equal(w.detach().numpy(), np.zeros(4))


def test_inplace_type_rules(backend):
    i = anygrad.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.add_(0.5)
    f = anygrad.tensor([1.0, 2.0])
    f.add_(anygrad.tensor([1, 1]))
    assert f.dtype == anygrad.float32
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        f.add_(anygrad.ones(2, 2))
    if torch is not None:
        with pytest.raises(RuntimeError):
            torch.tensor([1, 2]).add_(0.5)


def test_numpy_shares_memory_on_numpy():
    x = anygrad.zeros(3)
    a = x.numpy()
    x.add_(1)
    np.testing.assert_array_equal(a, [1.0, 1.0, 1.0])
    a[0] = 9
    assert x[0].item() == 9
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(anygrad.ones(2, requires_grad=True))


def test_grad_is_not_shared_between_leaves(backend):
    # add's backward hands one array to both inputs; an in-place change of one .grad must
    # not show in the other (gradient clipping scales grads in place).
    a = anygrad.ones(3, requires_grad=True)
    b = anygrad.ones(3, requires_grad=True)
    (a + b).sum().backward()
    a.grad.mul_(0.5)
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 0.5, 0.5])
    g = a.grad
    (a + b).sum().backward()  # accumulates into the same .grad tensor, as PyTorch
    assert a.grad is g
    np.testing.assert_array_equal(g.numpy(), [1.5, 1.5, 1.5])


# -- indexing fixes: 0-d masks and exact writes -----------------------------------------------
def test_zero_d_boolean_mask(backend):
    x = anygrad.arange(3.0)
    assert tuple(x[anygrad.tensor(False)].shape) == (0, 3)
    assert tuple(x[anygrad.tensor(True)].shape) == (1, 3)
    s = anygrad.tensor(2.0)
    assert tuple(s[anygrad.tensor(False)].shape) == (0,)
    y = anygrad.arange(3.0)
    y[anygrad.tensor(False)] = 5
    np.testing.assert_array_equal(y.numpy(), [0.0, 1.0, 2.0])
    y[anygrad.tensor(True)] = 5
    np.testing.assert_array_equal(y.numpy(), [5.0, 5.0, 5.0])


def test_writes_are_exact_for_every_value_and_dtype(backend):
    a = anygrad.zeros(4)
    a[anygrad.tensor([True, False, True, True])] = -float("inf")
    np.testing.assert_array_equal(a.numpy(), [-np.inf, 0, -np.inf, -np.inf])
    b = anygrad.zeros(3, dtype="float64")
    b[anygrad.tensor([0, 2])] = anygrad.tensor([1e20, 1.0], dtype="float64")
    np.testing.assert_array_equal(b.numpy(), [1e20, 0.0, 1.0])
    c = anygrad.zeros(3, dtype=anygrad.bool)
    c[anygrad.tensor([1])] = True
    c[2] = True
    np.testing.assert_array_equal(c.numpy(), [False, True, True])
    d = anygrad.zeros(3, dtype="int64")
    d[anygrad.tensor([0, 0, 1])] = anygrad.tensor([2**62, 3, 5])
    assert d.tolist()[1:] == [5, 0] and d.tolist()[0] in (2**62, 3)


# -- property: random view chains and writes equal NumPy's --------------------------------------
VIEW_OPS = st.sampled_from(["slice", "select", "transpose", "unsqueeze", "flat", "step"])


def _apply(op, t, lib, seed):
    shape = tuple(t.shape)
    if not shape and op != "unsqueeze":
        return t
    axis = seed % max(len(shape), 1)
    n = shape[axis] if shape else 1
    if op == "slice" and n > 1:
        key = (slice(None),) * axis + (slice(seed % n, n),)
        return t[key]
    if op == "step" and n > 2:
        key = (slice(None),) * axis + (slice(None, None, 2),)
        return t[key]
    if op == "select" and n > 0:
        return t[(slice(None),) * axis + (seed % n, Ellipsis)]  # ``...``: NumPy keeps a view
    if op == "transpose" and len(shape) >= 2:
        return np.swapaxes(t, 0, 1) if lib == "np" else t.transpose(0, 1)
    if op == "unsqueeze":
        return t[None] if lib == "np" else t.unsqueeze(0)
    if op == "flat" and (t.flags.c_contiguous if lib == "np" else t.is_contiguous()):
        return t.reshape(-1) if lib == "np" else t.view(-1)
    return t


@settings(max_examples=40, deadline=None)
@given(chains=st.lists(st.tuples(st.lists(st.tuples(VIEW_OPS, st.integers(0, 50)), max_size=4),
                                 st.sampled_from(["add", "mul", "fill"]), st.integers(-3, 3)),
                       min_size=1, max_size=4))
def test_random_view_chains_match_numpy(backend, chains):
    ref = np.arange(24.0).reshape(2, 3, 4)
    x = anygrad.tensor(ref.copy(), dtype="float64", device=backend.device)
    for ops, write, c in chains:
        v, r = x, ref
        for op, seed in ops:
            v, r = _apply(op, v, "ag", seed), _apply(op, r, "np", seed)
            assert tuple(v.shape) == r.shape
            # The layout agrees with NumPy's (same rules as PyTorch's for these views).
            assert v.is_contiguous() == r.flags.c_contiguous or r.size <= 1
        if write == "add":
            v.add_(c)
            r += c
        elif write == "mul":
            v.mul_(c)
            r *= c
        else:
            v.fill_(c)
            r[...] = c
        np.testing.assert_array_equal(x.numpy(), ref)


@settings(max_examples=12, deadline=None)
@given(chains=st.lists(st.tuples(st.lists(st.tuples(VIEW_OPS, st.integers(0, 50)), max_size=4),
                                 st.sampled_from(["add", "mul", "copy"]), st.integers(-2, 2)),
                       min_size=1, max_size=3))
def test_random_view_chains_gradients(backend, chains):
    """Writes of tracked values through random views of a non-leaf: gradients equal central
    differences, and PyTorch's for the same program where it is installed."""

    def program(T, a, w):
        x = a * 1.5
        for ops, write, c in chains:
            v = x
            for op, seed in ops:
                v = _apply(op, v, "T", seed)
            if write == "add":
                v.add_(w * c)
            elif write == "mul":
                v.mul_(w + c)
            else:
                v.copy_(w * c)
        return (x * x).sum()

    values = np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4)
    dev = backend.device
    a = anygrad.tensor(values, dtype="float64", requires_grad=True, device=dev)
    w = anygrad.tensor(0.7, dtype="float64", requires_grad=True, device=dev)
    program(anygrad, a, w).backward()
    assert gradcheck(lambda p, q: program(anygrad, p, q), (
        anygrad.tensor(values, dtype="float64", requires_grad=True, device=dev),
        anygrad.tensor(0.7, dtype="float64", requires_grad=True, device=dev)))
    if torch is not None:
        ra = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        rw = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
        program(torch, ra, rw).backward()
        np.testing.assert_allclose(a.grad.numpy(), ra.grad.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(w.grad.numpy(), rw.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_one_hot_inputs_built_by_chained_indexing(backend):
    # The char-RNN tutorial's idiom: tensor[li][0][letter_index] = 1.
    t = anygrad.zeros(3, 1, 5)
    for li, k in enumerate([4, 0, 2]):
        t[li][0][k] = 1
    expected = np.zeros((3, 1, 5), dtype=np.float32)
    expected[[0, 1, 2], 0, [4, 0, 2]] = 1
    np.testing.assert_array_equal(t.numpy(), expected)


def test_optimizer_updates_are_seen_through_aliases_views_and_exports(backend):
    # An optimizer may hand a parameter its new array instead of copying it in only when
    # nothing else shares the memory; every sharer must see the update either way.
    p = anygrad.nn.Parameter(anygrad.zeros(3))
    alias, view = p.detach(), p[1:]
    opt = anygrad.optim.SGD([p], lr=1.0)
    p.grad = anygrad.ones(3)
    opt.step()
    assert alias.tolist() == [-1.0, -1.0, -1.0] and view.tolist() == [-1.0, -1.0]
    q = anygrad.nn.Parameter(anygrad.zeros(2))
    exported = q.detach().numpy()  # the alias dies; the exported memory stays shared
    opt = anygrad.optim.SGD([q], lr=1.0)
    q.grad = anygrad.ones(2)
    opt.step()
    if backend.name == "numpy":
        np.testing.assert_array_equal(exported, [-1.0, -1.0])
    lone = anygrad.nn.Parameter(anygrad.zeros(2))  # nothing shares it: values still right
    opt = anygrad.optim.SGD([lone], lr=0.5)
    lone.grad = anygrad.ones(2)
    opt.step()
    assert lone.tolist() == [-0.5, -0.5] and lone._version == 1
