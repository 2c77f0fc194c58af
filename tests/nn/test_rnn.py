"""Recurrent layers and cells: PyTorch with copied weights, finite differences, fast paths.

Every backend of the matrix; float64. The comparison with PyTorch needs torch (skipped
without it); the finite-difference checks (gradcheck, gradgradcheck) and the NumPy fast
path against the standard-only code run everywhere.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.nn.functional as F
from anygrad.autograd import gradcheck, gradgradcheck
from anygrad.fastpaths import numpy as np_fast
from anygrad.nn.functional import _rnn
from nn_helpers import ag, to_np

KINDS = ["RNN", "RNN_relu", "LSTM", "GRU"]
# (num_layers, bidirectional, batch_first, bias, pass hx)
CONFIGS = {
    "2layers-bidir-batchfirst": (2, True, True, True, False),
    "1layer-hx-nobias": (1, False, False, False, True),
    "3layers-unbatched": (3, False, False, True, True),
}


def _module(lib, kind, i, h, layers, bidir, batch_first, bias):
    cls = getattr(lib.nn, kind.split("_")[0])
    kw = dict(num_layers=layers, bidirectional=bidir, batch_first=batch_first, bias=bias)
    if kind == "RNN_relu":
        kw["nonlinearity"] = "relu"
    return cls(i, h, **kw)


def _torch_twin(torch, kind, m, *args):
    tm = _module(torch, kind, *args).double()
    tm.load_state_dict({k: torch.tensor(np.asarray(v.numpy())) for k, v in m.state_dict().items()})
    return tm


@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("kind", KINDS)
def test_layer_matches_torch(backend, kind, config):
    torch = pytest.importorskip("torch")
    layers, bidir, batch_first, bias, pass_hx = CONFIGS[config]
    unbatched = config.endswith("unbatched")
    rng = np.random.default_rng(1)
    anygrad.manual_seed(0)
    args = (3, 4, layers, bidir, batch_first, bias)
    m = _module(anygrad, kind, *args).to(anygrad.float64)
    tm = _torch_twin(torch, kind, m, *args)
    m.to(backend.name, device=backend.device_obj())
    shape = (5, 3) if unbatched else ((2, 5, 3) if batch_first else (5, 2, 3))
    x = rng.standard_normal(shape)
    hshape = (layers * (2 if bidir else 1),) + (() if unbatched else (2,)) + (4,)
    h0, c0 = rng.standard_normal(hshape), rng.standard_normal(hshape)
    xs, txs = [ag(backend, x, True)], [torch.tensor(x, requires_grad=True)]
    if pass_hx:
        xs += [ag(backend, h0, True)] + ([ag(backend, c0, True)] if kind == "LSTM" else [])
        txs += [torch.tensor(h0, requires_grad=True)] + (
            [torch.tensor(c0, requires_grad=True)] if kind == "LSTM" else [])

    def run(module, ins):
        hx = None if len(ins) == 1 else (tuple(ins[1:]) if kind == "LSTM" else ins[1])
        out, hn = module(ins[0], hx)
        return [out] + (list(hn) if kind == "LSTM" else [hn])

    outs, touts = run(m, xs), run(tm, txs)
    loss = 0.0
    tloss = 0.0
    for k, (o, to) in enumerate(zip(outs, touts)):
        np.testing.assert_allclose(to_np(o), to.detach().numpy(), rtol=1e-9, atol=1e-11,
                                   err_msg=f"output {k}")
        u = rng.standard_normal(tuple(to.shape))
        loss = loss + (o * ag(backend, u)).sum()
        tloss = tloss + (to * torch.tensor(u)).sum()
    loss.backward()
    tloss.backward()
    for k, (a, t) in enumerate(zip(xs, txs)):
        np.testing.assert_allclose(to_np(a.grad), t.grad.numpy(), rtol=1e-8, atol=1e-10,
                                   err_msg=f"gradient of input {k}")
    tparams = dict(tm.named_parameters())
    for name, p in m.named_parameters():
        np.testing.assert_allclose(to_np(p.grad), tparams[name].grad.numpy(), rtol=1e-8,
                                   atol=1e-10, err_msg=name)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("unbatched", [False, True])
def test_cell_module_matches_torch(backend, kind, unbatched):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    anygrad.manual_seed(0)
    m = getattr(nn, kind)(3, 4).to(anygrad.float64)
    tm = getattr(torch.nn, kind)(3, 4).double()
    tm.load_state_dict({k: torch.tensor(np.asarray(v.numpy())) for k, v in m.state_dict().items()})
    m.to(backend.name, device=backend.device_obj())
    shape = (3,) if unbatched else (2, 3)
    x = rng.standard_normal(shape)
    h = rng.standard_normal(shape[:-1] + (4,))
    c = rng.standard_normal(shape[:-1] + (4,))
    a = [ag(backend, v, True) for v in (x, h, c)]
    t = [torch.tensor(v, requires_grad=True) for v in (x, h, c)]
    if kind == "LSTMCell":
        out, tout = m(a[0], (a[1], a[2])), tm(t[0], (t[1], t[2]))
    else:
        out, tout = (m(a[0], a[1]),), (tm(t[0], t[1]),)
        a, t = a[:2], t[:2]
    for o, to in zip(out, tout):
        np.testing.assert_allclose(to_np(o), to.detach().numpy(), rtol=1e-9, atol=1e-11)
    sum(o.sum() * (k + 1) for k, o in enumerate(out)).backward()
    sum(o.sum() * (k + 1) for k, o in enumerate(tout)).backward()
    for k, (ai, ti) in enumerate(zip(a, t)):
        np.testing.assert_allclose(to_np(ai.grad), ti.grad.numpy(), rtol=1e-8, atol=1e-10,
                                   err_msg=f"input {k}")
    tparams = dict(tm.named_parameters())
    for name, p in m.named_parameters():
        np.testing.assert_allclose(to_np(p.grad), tparams[name].grad.numpy(), rtol=1e-8,
                                   atol=1e-10, err_msg=name)


# -- finite differences, every backend -------------------------------------------------------
def _layer_inputs(backend, mode, bias, rng, steps=3, n=2, i=2, h=2):
    g = _rnn.GATES[mode] * h
    host = [rng.uniform(-1, 1, s) for s in ((steps, n, i), (n, h), (n, h), (g, i), (g, h))]
    host += [rng.uniform(-1, 1, (g,)) for _ in range(2 if bias else 0)]
    if mode != "LSTM":
        host[2] = None
    return [None if a is None else ag(backend, a, True) for a in host]


@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
@pytest.mark.parametrize("mode", _rnn.MODES)
def test_layer_gradcheck_and_gradgradcheck(backend, mode, reverse):
    rng = np.random.default_rng(3)
    ins = _layer_inputs(backend, mode, True, rng)
    if mode == "RNN_RELU":
        # Keep pre-activations away from the kink at 0, where finite differences straddle it.
        ins[3] = ag(backend, np.abs(to_np(ins[3])) + 0.3, True)
        ins[0] = ag(backend, np.abs(to_np(ins[0])) + 0.1, True)
    present = [k for k, a in enumerate(ins) if a is not None]

    def fn(*xs):
        full = list(ins)
        for k, v in zip(present, xs):
            full[k] = v
        return _rnn.rnn_layer(mode, *full, reverse=reverse)  # (y, h_n[, c_n])

    args = [ins[k] for k in present]
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_module_gradcheck_and_gradgradcheck(backend, kind):
    # Two layers, both directions: several nodes, h_n/c_n taken from each.
    rng = np.random.default_rng(4)
    anygrad.manual_seed(1)
    m = getattr(nn, kind)(2, 2, num_layers=2, bidirectional=True).to(anygrad.float64)
    m.to(backend.name, device=backend.device_obj())
    x = ag(backend, rng.uniform(-1, 1, (3, 2, 2)), True)
    h0 = ag(backend, rng.uniform(-1, 1, (4, 2, 2)), True)

    def fn(x, h0):
        hx = (h0, h0 * 0.5) if kind == "LSTM" else h0
        out, hn = m(x, hx)
        return (out,) + (tuple(hn) if kind == "LSTM" else (hn,))

    assert gradcheck(fn, [x, h0])
    assert gradgradcheck(fn, [x, h0])


# -- structure: one node per layer direction, PyTorch-like names ------------------------------
def test_one_node_per_layer_direction():
    m = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    out, (hn, cn) = m(anygrad.ones((5, 2, 3)))
    names = _node_names(out.grad_fn)
    assert names.count("LstmLayerBackward0") == 4, names
    assert not [n for n in names if n.startswith(("Sigmoid", "Tanh", "Mul", "Matmul"))], names
    cell = F.lstm_cell(anygrad.ones((2, 3)), (anygrad.zeros((2, 4)), anygrad.zeros((2, 4))),
                       anygrad.ones((16, 3), requires_grad=True), anygrad.ones((16, 4)))
    assert cell[0].grad_fn.name() == cell[1].grad_fn.name() == "LstmCellBackward0"
    assert cell[0].grad_fn is cell[1].grad_fn
    g = nn.GRU(3, 4)(anygrad.ones((5, 2, 3)))[0]
    assert g.grad_fn.name() == "GruLayerBackward0"


def _node_names(root):
    seen, stack, names = set(), [root], []
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(node.name())
        stack.extend(f for f, _ in node.next_functions)
    return names


def test_dropout_between_layers():
    anygrad.manual_seed(0)
    m = nn.GRU(3, 4, num_layers=2, dropout=0.5).to(anygrad.float64)
    x = anygrad.tensor(np.random.default_rng(0).standard_normal((4, 2, 3)))
    m.eval()
    plain = m(x)[0]
    anygrad.manual_seed(0)
    m2 = nn.GRU(3, 4, num_layers=2).to(anygrad.float64)
    np.testing.assert_array_equal(to_np(plain), to_np(m2(x)[0]))  # eval: no dropout
    m.train()
    anygrad.manual_seed(5)
    a = m(x)[0]
    anygrad.manual_seed(5)
    b = m(x)[0]
    np.testing.assert_array_equal(to_np(a), to_np(b))  # seeded: reproducible
    assert not np.allclose(to_np(a), to_np(plain))


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="LSTM: expected a 2-D or 3-D input with 3 features"):
        nn.LSTM(3, 4)(anygrad.ones((5, 2, 2)))
    with pytest.raises(ValueError, match="GRU: expected hidden state of shape"):
        nn.GRU(3, 4)(anygrad.ones((5, 2, 3)), anygrad.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match="lstm_cell: expected input"):
        F.lstm_cell(anygrad.ones((2, 3)), (anygrad.zeros((2, 4)), anygrad.zeros((2, 4))),
                    anygrad.ones((12, 3)), anygrad.ones((12, 4)))


# -- the NumPy fast path against the standard-only code ---------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reverse", [False, True], ids=["forward", "reverse"])
@pytest.mark.parametrize("mode", _rnn.MODES)
def test_numpy_fast_path_matches_generic(mode, reverse, dtype):
    rng = np.random.default_rng(5)
    steps, n, i, h = 4, 3, 5, 6
    g = _rnn.GATES[mode] * h
    tol = dict(rtol=2e-5, atol=2e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)
    u = lambda *s: rng.uniform(-1, 1, s).astype(dtype)  # noqa: E731
    lstm = mode == "LSTM"
    # (bias, initial states given, which output gradients arrive: y, h_n, c_n)
    cases = [(True, True, (True, True, True)), (False, True, (True, False, False)),
             (True, False, (True, False, True)), (False, False, (False, True, True)),
             (True, True, (False, False, True))]
    for bias, states, arrive in cases:
        if not lstm and arrive == (False, False, True):
            continue
        x, w_ih, w_hh = u(steps, n, i), u(g, i), u(g, h)
        h0 = u(n, h) if states else None
        c0 = u(n, h) if states and lstm else None
        b_ih, b_hh = (u(g), u(g)) if bias else (None, None)
        want = _rnn.layer_forward(np, mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
        got = np_fast.rnn_layer_forward(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
        for a, b in zip(got[:2], want[:2]):
            if b is None:
                assert a is None
            else:
                assert a.dtype == b.dtype
                np.testing.assert_allclose(a, b, **tol)
        gy = u(steps, n, h) if arrive[0] else None
        gh = u(n, h) if arrive[1] else None
        gc = u(n, h) if arrive[2] and lstm else None
        for needs in [(True,) * 7, (False, True, True, False, True, True, False),
                      (True, False, False, True, False, False, True)]:
            needs = tuple(nd and (k not in (1, 2) or (states and (k == 1 or lstm)))
                          for k, nd in enumerate(needs[:7 if bias else 5]))
            args = (x, h0, c0, w_ih, w_hh, b_ih, b_hh, want[0], gy, gh, gc)
            ref = _rnn.layer_backward(np, mode, *args, None, reverse, needs)  # recomputed gates
            gen = _rnn.layer_backward(np, mode, *args, want[2], reverse, needs)  # cached gates
            fast = np_fast.rnn_layer_backward(mode, *args[:7], got[0], gy, gh, gc, got[2],
                                              reverse, needs)
            assert len(fast) == len(gen) == len(ref) == 7
            for k, (a, b, r) in enumerate(zip(fast, gen, ref)):
                if r is None:
                    assert a is None and b is None, k
                    assert k >= len(needs) or not needs[k], k
                    continue
                assert k < len(needs) and needs[k], k
                np.testing.assert_allclose(a, r, **tol, err_msg=f"fast, gradient {k}")
                np.testing.assert_allclose(b, r, **tol, err_msg=f"cached, gradient {k}")


def test_numpy_fast_path_declines_mixed_dtypes():
    x = np.ones((2, 1, 3), dtype=np.float32)
    w = np.ones((4, 3)), np.ones((4, 4))
    assert np_fast.rnn_layer_forward("RNN_TANH", x, np.zeros((1, 4)), None, *w, None, None,
                                     False) == (None, None, None)
    # ...and the layer then follows the standard's promotion, as the generic code does.
    y, _ = _rnn.rnn_layer("RNN_TANH", anygrad.tensor(x), anygrad.zeros((1, 4), dtype=anygrad.float64),
                       None, anygrad.tensor(w[0]), anygrad.tensor(w[1]))
    assert y.dtype == anygrad.float64


def test_module_fast_path_equals_generic(monkeypatch):
    # The same LSTM step with and without the NumPy kernels: values and every gradient.
    rng = np.random.default_rng(6)
    x_host = rng.standard_normal((6, 3, 4))
    results = []
    for use_fast in (True, False):
        if not use_fast:
            monkeypatch.setattr(_rnn, "fast_path", lambda op, xp: None)
        anygrad.manual_seed(0)
        m = nn.LSTM(4, 5, num_layers=2, bidirectional=True).to(anygrad.float64)
        x = anygrad.tensor(x_host, requires_grad=True)
        out, (hn, cn) = m(x)
        (out.sum() + (hn * hn).sum() + cn.sum()).backward()
        results.append([to_np(out), to_np(x.grad)] + [to_np(p.grad) for p in m.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)


def test_double_backward_after_fast_forward_matches_generic(monkeypatch):
    # create_graph after a NumPy-kernel forward recomputes the gates from saved tensors.
    rng = np.random.default_rng(7)
    host = [rng.uniform(-1, 1, s) for s in ((3, 2, 2), (2, 2), (2, 2), (8, 2), (8, 2))]
    results = []
    for use_fast in (True, False):
        if not use_fast:
            monkeypatch.setattr(_rnn, "fast_path", lambda op, xp: None)
        xs = [anygrad.tensor(a, requires_grad=True) for a in host]
        y, h, c = _rnn.rnn_layer("LSTM", *xs)
        gs = anygrad.autograd.grad((y * y).sum() + (h * c).sum() + c.sum(), xs,
                                   create_graph=True)
        ggs = anygrad.autograd.grad(sum((g * g).sum() for g in gs), xs)
        results.append([to_np(g) for g in gs + ggs])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_kernels_run_one_blas_thread_and_restore_the_users(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]

    inside = []
    weight_grads = np_fast._weight_grads  # called inside the backward kernel

    def spy(*args):
        inside.append(blas_threads())
        return weight_grads(*args)

    monkeypatch.setattr(np_fast, "_weight_grads", spy)
    m = nn.LSTM(8, 16)
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        out, _ = m(anygrad.ones((4, 2, 8)))
        out.sum().backward()
        after = blas_threads()
    assert before == after
    assert inside and all(n == 1 for threads in inside for n in threads), inside


@pytest.mark.parametrize("mode", _rnn.MODES)
def test_retained_graph_second_backward_is_bit_identical(backend, mode):
    # The gate cache goes with the first backward; the second recomputes it by the same
    # forward, so accumulating twice gives exactly twice the gradient.
    rng = np.random.default_rng(8)
    ins = _layer_inputs(backend, mode, True, rng, steps=4, n=3, i=2, h=3)
    out = _rnn.rnn_layer(mode, *ins)
    loss = sum(o.sum() * (k + 1) for k, o in enumerate(out))
    loss.backward(retain_graph=True)
    first = [to_np(a.grad).copy() for a in ins if a is not None]
    loss.backward()
    for k, (a, f) in enumerate(zip([a for a in ins if a is not None], first)):
        np.testing.assert_array_equal(to_np(a.grad), 2 * f, err_msg=f"input {k}")


@pytest.mark.parametrize("n", [1, 3], ids=["batch1", "batch3"])
@pytest.mark.parametrize("mode", _rnn.MODES)
def test_outputs_never_share_kernel_memory(mode, n):
    # The NumPy kernels reuse scratch and pooled buffers from call to call; what they return
    # must be copies (with N == 1 a transposed buffer is contiguous already: a view would do).
    rng = np.random.default_rng(9)
    g = _rnn.GATES[mode] * 3
    shapes = [(4, n, 2), (n, 3), (n, 3) if mode == "LSTM" else None, (g, 2), (g, 3), (g,), (g,)]
    ins = [None if s is None else anygrad.tensor(rng.uniform(-1, 1, s), requires_grad=True)
           for s in shapes]
    first = _rnn.rnn_layer(mode, *ins)
    kept = [to_np(o).copy() for o in first]
    for reverse in (False, True):  # other forwards and backwards in between
        other = _rnn.rnn_layer(mode, *[None if a is None else anygrad.tensor(
            to_np(a) * 0.5, requires_grad=True) for a in ins], reverse=reverse)
        sum(o.sum() for o in other).backward()
    for k, (o, want) in enumerate(zip(first, kept)):
        np.testing.assert_array_equal(to_np(o), want, err_msg=f"output {k}")
    sum(o.sum() for o in first).backward()
    grads = [to_np(a.grad).copy() for a in ins if a is not None]
    for a in ins:
        if a is not None:
            a.grad = None
    sum(o.sum() for o in _rnn.rnn_layer(mode, *ins)).backward()
    for k, (a, g) in enumerate(zip([a for a in ins if a is not None], grads)):
        np.testing.assert_allclose(to_np(a.grad), g, rtol=1e-12, err_msg=f"gradient {k}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_numpy_lstm_saturated_gates_match_generic_without_warnings(dtype):
    # The kernel's sigmoid is 1 / (1 + exp(-v)): exp overflows for large -v. The overflow is
    # internal (the result, 0, is the exact limit), so no warning and no error escapes, even
    # when the user asks NumPy to raise on overflow; the values equal the generic code's.
    import warnings

    rng = np.random.default_rng(10)
    x = (rng.standard_normal((3, 2, 4)) * 300).astype(dtype)
    w_ih, w_hh = rng.standard_normal((8, 4)).astype(dtype), rng.standard_normal((8, 2)).astype(dtype)
    want = _rnn.layer_forward(np, "LSTM", x, None, None, w_ih, w_hh, None, None, False)
    with warnings.catch_warnings(), np.errstate(over="raise"):
        warnings.simplefilter("error")
        got = np_fast.rnn_layer_forward("LSTM", x, None, None, w_ih, w_hh, None, None, False)
    assert np.geterr()["over"] != "ignore"
    for a, b in zip(got[:2], want[:2]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
