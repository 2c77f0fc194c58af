"""Recurrent cells and layers, each one graph node with a hand-written backward.

A whole layer (one direction of one layer of ``nn.RNN``/``nn.LSTM``/``nn.GRU``) is one
:class:`RNNLayer` node, and a cell step is the same node on a sequence of length one. Its
forward loops over time on raw arrays; its backward is back-propagation through time
written once against ``xp`` (docs/design.md, 'One definition per operation').

Why a whole layer stays twice differentiable: the node's outputs are the hidden states of
every step and the last step's hidden (and, for the LSTM, cell) state. Every quantity of
step ``t`` is a function of that step's input and the *previous* step's hidden state, so
backward can recompute the gates of all steps at once (two matmuls, no recurrence) from
saved inputs and outputs only; the LSTM's cell states, which are not outputs, come from
re-running the forward on the same inputs. In an ordinary backward the gates cached by the
forward are used instead; under ``create_graph=True`` the cache (a constant) is ignored
and the same lines run on graph-connected Tensors and anygrad's namespace, so higher
orders come from the same code. Only the gradient recursion itself loops over time.

The NumPy backend swaps in kernels of :mod:`anygrad.fastpaths.numpy` (same signatures and
meaning, tested against the code here) that preallocate every per-step buffer and write
with ``out=``.
"""

from __future__ import annotations

from typing import Any

from ...autograd.function import Function
from ...fastpaths import fast_path
from ...ops._registry import OpSpec, register

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"]

MODES = ("RNN_TANH", "RNN_RELU", "LSTM", "GRU")
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# -- generic kernels (arrays and the backend namespace, or Tensors and anygrad's) ------------
def sigmoid(xp: Any, x: Any) -> Any:
    # tanh form: no overflow (and no NumPy overflow warning) for large negative inputs.
    return 0.5 * xp.tanh(0.5 * x) + 0.5


def _project(xp: Any, x: Any, w: Any, b: Any) -> Any:
    """``x @ w^T + b`` over every leading axis: one matmul for all time steps."""
    y = xp.matmul(x, xp.permute_dims(w, (1, 0)))
    return y if b is None else y + b


def _lstm_activate(xp: Any, g: Any, h: int) -> Any:
    """Gate pre-activations ``(..., 4H)`` -> ``i, f, g, o`` activated, as one array."""
    return xp.concat([sigmoid(xp, g[..., :2 * h]), xp.tanh(g[..., 2 * h:3 * h]),
                      sigmoid(xp, g[..., 3 * h:])], axis=-1)


def _previous(xp: Any, seq: Any, first: Any, reverse: bool) -> Any:
    """The state each step starts from: ``first`` then ``seq`` shifted by one step."""
    first = xp.expand_dims(first, axis=0)
    if seq.shape[0] == 1:
        return first
    return xp.concat([seq[1:, ...], first] if reverse else [first, seq[:-1, ...]], axis=0)


def _steps(n: int, reverse: bool) -> range:
    return range(n - 1, -1, -1) if reverse else range(n)


def _state(xp: Any, s: Any, x: Any, hsize: int) -> Any:
    """An initial state ``(N, H)``; None is zeros."""
    if s is not None:
        return s
    return xp.zeros((x.shape[1], hsize), dtype=x.dtype, device=x.device)


def layer_forward(xp: Any, mode: str, x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any,
                  b_ih: Any, b_hh: Any, reverse: bool) -> tuple:
    """One direction of one recurrent layer over a whole sequence.

    ``x`` is ``(T, N, I)``, ``h0`` and ``c0`` (LSTM only, else None) ``(N, H)`` or None
    for zeros. Returns ``(y, c_last, cache)``: every step's hidden state ``(T, N, H)``, the
    LSTM's last cell state ``(N, H)`` (None otherwise) and what :func:`layer_backward`
    may reuse.
    """
    n_steps, hsize = x.shape[0], w_hh.shape[1]
    xw = _project(xp, x, w_ih, b_ih)
    w_hh_t = xp.permute_dims(w_hh, (1, 0))
    h, c = _state(xp, h0, x, hsize), (_state(xp, c0, x, hsize) if mode == "LSTM" else None)
    ys: list = [None] * n_steps
    cs: list = [None] * n_steps
    cache: list = [None] * n_steps
    for t in _steps(n_steps, reverse):
        hw = xp.matmul(h, w_hh_t)
        if b_hh is not None:
            hw = hw + b_hh
        if mode == "LSTM":
            a = _lstm_activate(xp, xw[t, ...] + hw, hsize)
            c = a[:, hsize:2 * hsize] * c + a[:, :hsize] * a[:, 2 * hsize:3 * hsize]
            h = a[:, 3 * hsize:] * xp.tanh(c)
            cs[t], cache[t] = c, a
        elif mode == "GRU":
            rz = sigmoid(xp, xw[t, ...][:, :2 * hsize] + hw[:, :2 * hsize])
            r, z = rz[:, :hsize], rz[:, hsize:]
            hn = hw[:, 2 * hsize:]
            n = xp.tanh(xw[t, ...][:, 2 * hsize:] + r * hn)
            h = n + z * (h - n)
            cache[t] = xp.concat([rz, n, hn], axis=-1)
        else:
            pre = xw[t, ...] + hw
            h = xp.tanh(pre) if mode == "RNN_TANH" else xp.where(pre > 0, pre, xp.zeros_like(pre))
        ys[t] = h
    y = xp.stack(ys, axis=0)
    if mode == "LSTM":
        return y, c, (xp.stack(cache, axis=0), xp.stack(cs, axis=0))
    if mode == "GRU":
        return y, None, xp.stack(cache, axis=0)
    return y, None, None


def layer_backward(xp: Any, mode: str, x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any,
                   b_ih: Any, b_hh: Any, y: Any, gy: Any, gh: Any, gc: Any, cache: Any,
                   reverse: bool, needs: tuple) -> tuple:
    """Gradients ``(gx, gh0, gc0, gw_ih, gw_hh, gb_ih, gb_hh)`` of :func:`layer_forward`.

    ``gy`` ``(T, N, H)`` is the gradient of every step's output ``y``, ``gh``/``gc``
    ``(N, H)`` those of the last step's hidden and cell states; each is None where none
    arrived. ``cache`` is the forward's, or None: then the gates are recomputed from the
    inputs and ``y`` (all steps at once; the LSTM's cell states by re-running the
    forward), as under ``create_graph``. ``needs`` says which of the seven inputs need a
    gradient (None where not).
    """
    n_steps, n = x.shape[0], x.shape[1]
    hsize = w_hh.shape[1]
    h0 = _state(xp, h0, x, hsize)
    hprev = _previous(xp, y, h0, reverse)
    if mode == "LSTM":
        if cache is None:
            cache = layer_forward(xp, mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)[2]
        act, c = cache
        i, f = act[..., :hsize], act[..., hsize:2 * hsize]
        g, o = act[..., 2 * hsize:3 * hsize], act[..., 3 * hsize:]
        cprev = _previous(xp, c, _state(xp, c0, x, hsize), reverse)
        tc = xp.tanh(c)
        # Per-step factors, computed for all steps at once: dc = dh * k + ...,
        # d(i, f, g) = dc * q, d(o) = dh * r (gate pre-activations).
        k = o * (1.0 - tc * tc)
        q = xp.concat([g * i * (1.0 - i), cprev * f * (1.0 - f), i * (1.0 - g * g)], axis=-1)
        r = tc * o * (1.0 - o)
    elif mode == "GRU":
        if cache is None:
            xw = _project(xp, x, w_ih, b_ih)
            hw = _project(xp, hprev, w_hh, b_hh)
            rz = sigmoid(xp, xw[..., :2 * hsize] + hw[..., :2 * hsize])
            hn = hw[..., 2 * hsize:]
            nn_ = xp.tanh(xw[..., 2 * hsize:] + rz[..., :hsize] * hn)
        else:
            rz, nn_, hn = cache[..., :2 * hsize], cache[..., 2 * hsize:3 * hsize], cache[..., 3 * hsize:]
        r, z = rz[..., :hsize], rz[..., hsize:]
        dz = (hprev - nn_) * z * (1.0 - z)
        dn = (1.0 - z) * (1.0 - nn_ * nn_)
        dr = hn * r * (1.0 - r)
    elif mode == "RNN_TANH":
        d = 1.0 - y * y
    else:
        d = xp.astype(y > 0, y.dtype)
    dh_next, dc_next = gh, gc  # what reaches the last step from after the sequence
    gxs: list = [None] * n_steps  # gradients of the input projection's output
    ghs: list = [None] * n_steps  # gradients of the hidden projection's output (GRU only)
    order = _steps(n_steps, not reverse)
    for t in order:
        if gy is None:
            dh = xp.zeros_like(y[t, ...]) if dh_next is None else dh_next
        else:
            dh = gy[t, ...] if dh_next is None else gy[t, ...] + dh_next
        # The first step's carries are only the initial states' gradients.
        carry = t != order[-1]
        if mode == "LSTM":
            dc = dh * k[t, ...] if dc_next is None else dh * k[t, ...] + dc_next
            dg = xp.concat([xp.concat([dc, dc, dc], axis=-1) * q[t, ...], dh * r[t, ...]], axis=-1)
            gxs[t] = dg
            if carry or needs[2]:
                dc_next = dc * f[t, ...]
            if carry or needs[1]:
                dh_next = xp.matmul(dg, w_hh)
        elif mode == "GRU":
            dpn = dh * dn[t, ...]
            dpz = dh * dz[t, ...]
            dpr = dpn * dr[t, ...]
            gxs[t] = xp.concat([dpr, dpz, dpn], axis=-1)
            ghs[t] = dgh = xp.concat([dpr, dpz, dpn * r[t, ...]], axis=-1)
            if carry or needs[1]:
                dh_next = dh * z[t, ...] + xp.matmul(dgh, w_hh)
        else:
            gxs[t] = dp = dh * d[t, ...]
            if carry or needs[1]:
                dh_next = xp.matmul(dp, w_hh)
    dxw = xp.stack(gxs, axis=0)
    dhw = xp.stack(ghs, axis=0) if mode == "GRU" else dxw
    gates = dxw.shape[2]
    # The weight gradients of all steps: one matmul each over (T*N) rows.
    dxw2 = xp.reshape(dxw, (n_steps * n, gates))
    dhw2 = dxw2 if mode != "GRU" else xp.reshape(dhw, (n_steps * n, gates))
    gx = xp.matmul(dxw, w_ih) if needs[0] else None
    gw_ih = gw_hh = gb_ih = gb_hh = None
    if needs[3]:
        gw_ih = xp.matmul(xp.permute_dims(dxw2, (1, 0)), xp.reshape(x, (n_steps * n, x.shape[2])))
    if needs[4]:
        gw_hh = xp.matmul(xp.permute_dims(dhw2, (1, 0)), xp.reshape(hprev, (n_steps * n, hsize)))
    if len(needs) > 5 and needs[5]:
        gb_ih = xp.sum(dxw2, axis=0)
    if len(needs) > 6 and needs[6]:
        gb_hh = xp.sum(dhw2, axis=0)
    return (gx, dh_next if needs[1] else None, dc_next if needs[2] else None,
            gw_ih, gw_hh, gb_ih, gb_hh)


# -- the graph node ----------------------------------------------------------------------
class RNNLayer(Function):
    """A recurrent layer (one direction) or one cell step: one node, both directions.

    ``forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, mode, reverse, cell)`` (``h0``,
    ``c0`` None: zeros) returns the hidden states ``y`` ``(T, N, H)`` of every step and
    the last step's hidden state ``h_n`` ``(1, N, H)`` (and, for the LSTM, its cell state
    ``c_n``); with ``cell=True`` the time axis is absent from ``x`` and the outputs are the
    new hidden (and cell) state ``(N, H)``.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any,
                mode: str, reverse: bool, cell: bool) -> Any:
        xp = ctx.xp
        ctx.set_materialize_grads(False)  # unused outputs (often c_n) cost nothing
        xs = xp.expand_dims(x, axis=0) if cell else x
        fast = fast_path("rnn_layer_forward", xp)
        if fast is not None:
            y, c, cache = fast(mode, xs, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
        if fast is None or y is None:  # the kernel declines (mixed dtypes): generic code
            fast = None
            y, c, cache = layer_forward(xp, mode, xs, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
        if cell:
            out = y = y[0, ...]
        else:
            last = 0 if reverse else y.shape[0] - 1
            out = (y, xp.asarray(y[last:last + 1, ...], copy=True))
            if c is not None:
                c = xp.reshape(c, (1,) + tuple(c.shape))
        # Only inputs and outputs are saved (see the module docstring); the cache is
        # reused by an ordinary backward and is a constant, ignored, under create_graph.
        ctx.save_for_backward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, y)
        ctx.cache = cache
        ctx.opts = (mode, reverse, cell, fast is not None)
        if c is None:
            return out
        return (out, c) if cell else out + (c,)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, y = ctx.saved_tensors
        xp = ctx.xp
        mode, reverse, cell, fast = ctx.opts
        cache, ctx.cache = ctx.cache, None
        needs = ctx.needs_input_grad
        gc = grads[-1] if mode == "LSTM" else None
        if cell:
            x, y = xp.expand_dims(x, axis=0), xp.expand_dims(y, axis=0)
            gy, gh = None, grads[0]
        else:
            gy, gh = grads[0], grads[1]
            gh = None if gh is None else gh[0, ...]
            gc = None if gc is None else gc[0, ...]
        if ctx.create_graph:  # recompute from connected inputs/outputs
            out = layer_backward(xp, mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, y, gy, gh, gc,
                                 None, reverse, needs)
        else:
            if cache is None and mode in ("LSTM", "GRU"):
                # A second backward through a retained graph: the cache went with the first.
                # Re-running the same forward gives the very same gates, so both passes
                # give the same gradients bit for bit.
                forward = fast_path("rnn_layer_forward", xp) if fast else None
                cache = (forward(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse) if fast else
                         layer_forward(xp, mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse))[2]
            kernel = fast_path("rnn_layer_backward", xp) if fast else None
            if kernel is not None:
                out = kernel(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, y, gy, gh, gc, cache,
                             reverse, needs)
            else:
                out = layer_backward(xp, mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, y, gy, gh, gc,
                                     cache, reverse, needs)
        gx = out[0]
        if cell and gx is not None:
            gx = gx[0, ...]
        return (gx,) + tuple(out[1:]) + (None, None, None)

    def name(self) -> str:
        mode, _, cell = self.opts[:3]
        kind = {"RNN_TANH": "RnnTanh", "RNN_RELU": "RnnRelu", "LSTM": "Lstm", "GRU": "Gru"}[mode]
        return f"{kind}{'Cell' if cell else 'Layer'}Backward0"


def rnn_layer(mode: str, input: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any,  # noqa: A002
              b_ih: Any = None, b_hh: Any = None, reverse: bool = False) -> tuple:
    """One direction of one layer over ``input`` ``(T, N, I)``: ``(y, h_n)`` or, for the
    LSTM, ``(y, h_n, c_n)``: every step's hidden state ``(T, N, H)`` and the last step's
    hidden (and cell) state ``(1, N, H)``, the slice of the module's ``h_n``. ``h0``/``c0``
    ``(N, H)`` or None for zeros. The building block of ``nn.RNN``, ``nn.LSTM`` and
    ``nn.GRU``; one graph node."""
    return RNNLayer.apply(input, h0, c0 if mode == "LSTM" else None, w_ih, w_hh, b_ih, b_hh,
                          mode, bool(reverse), False)


def _check_cell(op: str, x: Any, h: Any, w_ih: Any, w_hh: Any, gates: int) -> None:
    xs, hs, wis, whs = (tuple(a.shape) for a in (x, h, w_ih, w_hh))
    hsize = whs[-1] if len(whs) == 2 else None
    if (len(xs) != 2 or len(hs) != 2 or len(wis) != 2 or len(whs) != 2 or hsize is None
            or wis != (gates * hsize, xs[1]) or whs != (gates * hsize, hsize)
            or hs != (xs[0], hsize)):
        raise ValueError(
            f"{op}: expected input (N, I), hidden state (N, H), weight_ih ({gates}*H, I) and "
            f"weight_hh ({gates}*H, H), got input {xs}, hidden {hs}, weight_ih {wis}, "
            f"weight_hh {whs}"
        )


def _cell(op: str, mode: str, x: Any, h: Any, c: Any, w_ih: Any, w_hh: Any, b_ih: Any,
          b_hh: Any) -> Any:
    unbatched = len(x.shape) == 1
    if unbatched:  # PyTorch's cells accept one unbatched sample
        x, h = x.reshape(1, -1), h.reshape(1, -1)
        c = None if c is None else c.reshape(1, -1)
    _check_cell(op, x, h, w_ih, w_hh, GATES[mode])
    out = RNNLayer.apply(x, h, c, w_ih, w_hh, b_ih, b_hh, mode, False, True)
    if unbatched:
        out = tuple(o.reshape(-1) for o in out) if isinstance(out, tuple) else out.reshape(-1)
    return out


def rnn_tanh_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None,  # noqa: A002
                  b_hh: Any = None) -> Any:
    """One Elman step, ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``; one graph node."""
    return _cell("rnn_tanh_cell", "RNN_TANH", input, hx, None, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None,  # noqa: A002
                  b_hh: Any = None) -> Any:
    """One Elman step with ReLU, ``relu(x W_ih^T + b_ih + h W_hh^T + b_hh)``; one node."""
    return _cell("rnn_relu_cell", "RNN_RELU", input, hx, None, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input: Any, hx: tuple, w_ih: Any, w_hh: Any, b_ih: Any = None,  # noqa: A002
              b_hh: Any = None) -> tuple:
    """One LSTM step (gate order i, f, g, o as PyTorch); ``hx = (h, c)``; returns
    ``(h', c')`` from one graph node."""
    h, c = hx
    return _cell("lstm_cell", "LSTM", input, h, c, w_ih, w_hh, b_ih, b_hh)


def gru_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None,  # noqa: A002
             b_hh: Any = None) -> Any:
    """One GRU step (gate order r, z, n as PyTorch; ``b_hh``'s n part inside the reset
    gate's product, as PyTorch); one graph node."""
    return _cell("gru_cell", "GRU", input, hx, None, w_ih, w_hh, b_ih, b_hh)


# -- registry entries (references and structured inputs: anygrad/testing/_references.py) --


def _cell_inputs(gates: int, lstm: bool) -> Any:
    def make(rng: Any, dtype: str, variant: int) -> list:
        n, i, h = 2, 3, 2
        u = lambda *s: rng.uniform(-1.0, 1.0, s).astype(dtype)  # noqa: E731
        xs = [u(n, i), u(n, h)] + ([u(n, h)] if lstm else []) + [u(gates * h, i), u(gates * h, h)]
        return xs + ([u(gates * h), u(gates * h)] if variant == 0 else [])
    return make


def _lstm_case(x: Any, h: Any, c: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> tuple:
    return lstm_cell(x, (h, c), w_ih, w_hh, b_ih, b_hh)


_CELL_NOTES = "one graph node; the second variant has no biases"
register(OpSpec("nn.functional.rnn_tanh_cell", rnn_tanh_cell, ref=None, nin=4,
                kwargs=({}, {}), make_inputs=_cell_inputs(1, False), category="nn_recurrent",
                notes=_CELL_NOTES))
register(OpSpec("nn.functional.rnn_relu_cell", rnn_relu_cell, ref=None,
                nin=4, kwargs=({}, {}), make_inputs=_cell_inputs(1, False), category="nn_recurrent",
                notes=_CELL_NOTES + "; the gradient at a pre-activation of exactly 0 is 0"))
register(OpSpec("nn.functional.lstm_cell", lstm_cell,
                harness=_lstm_case, ref=None, nin=5, kwargs=({}, {}),
                make_inputs=_cell_inputs(4, True), category="nn_recurrent",
                notes=_CELL_NOTES + "; hx = (h, c) passed as two inputs; returns (h, c)"))
register(OpSpec("nn.functional.gru_cell", gru_cell, ref=None, nin=4, kwargs=({}, {}),
                make_inputs=_cell_inputs(3, False), category="nn_recurrent", notes=_CELL_NOTES))
