"""NumPy float64 references (and structured test inputs) of the registered operations.

The registry suite checks each operation's forward against an independent NumPy
implementation. Those written as loops over output positions (convolution, pooling) or
from the textbook formula (losses, normalisations, recurrent cells) are test material, so
they live here rather than in the library: :data:`REFERENCES` maps a registry name to its
reference, :data:`INPUTS` to its ``make_inputs(rng, dtype[, variant])``. A one-line
reference (``ref=np.sin``) stays inline in its registry entry.

None of this imports the implementations: a reference is what an implementation is
checked against.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..ops._registry import OpSpec

__all__ = ["REFERENCES", "INPUTS", "reference", "input_maker"]


# -- anygrad/nn/functional/_conv.py --------------------------------------------------------
def _two(v: Any) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _conv2d_ref(x: Any, w: Any, b: Any = None, stride: Any = 1, padding: Any = 0,
                dilation: Any = 1, groups: int = 1) -> Any:
    (sh, sw), (dh, dw) = _two(stride), _two(dilation)
    o, cg, kh, kw = w.shape
    if padding == "same":
        th, tw = dh * (kh - 1), dw * (kw - 1)
        pads = ((th // 2, th - th // 2), (tw // 2, tw - tw // 2))
    else:
        ph, pw = _two(padding)
        pads = ((ph, ph), (pw, pw))
    xp = np.pad(x, ((0, 0), (0, 0)) + pads)
    n, _, hp, wp = xp.shape
    ho, wo = (hp - dh * (kh - 1) - 1) // sh + 1, (wp - dw * (kw - 1) - 1) // sw + 1
    og = o // groups
    y = np.zeros((n, o, ho, wo))
    for g in range(groups):
        xs, ws = xp[:, g * cg:(g + 1) * cg], w[g * og:(g + 1) * og]
        for i in range(ho):
            for j in range(wo):
                patch = xs[:, :, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                           j * sw:j * sw + dw * (kw - 1) + 1:dw]
                y[:, g * og:(g + 1) * og, i, j] = np.einsum("nckl,ockl->no", patch, ws)
    return y if b is None else y + b[None, :, None, None]


def _conv1d_ref(x: Any, w: Any, b: Any = None, stride: int = 1, padding: Any = 0,
                dilation: int = 1, groups: int = 1) -> Any:
    pad = padding if padding == "same" else (0, padding)
    return _conv2d_ref(x[:, :, None], w[:, :, None], b, (1, stride), pad, (1, dilation),
                       groups)[:, :, 0]


def _conv_transpose2d_ref(x: Any, w: Any, b: Any = None, stride: Any = 1, padding: Any = 0,
                          output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Any:
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = map(_two, (stride, padding, output_padding,
                                                          dilation))
    n, cin, h, wd = x.shape
    _, og, kh, kw = w.shape
    cg = cin // groups
    ho = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    wo = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    # Each input element scatters its kernel-weighted copy; the padding is then cropped.
    full = np.zeros((n, og * groups, ph + ho + dh * (kh - 1) + 1, pw + wo + dw * (kw - 1) + 1))
    for g in range(groups):
        xs, ws = x[:, g * cg:(g + 1) * cg], w[g * cg:(g + 1) * cg]
        for i in range(h):
            for j in range(wd):
                for ki in range(kh):
                    for kj in range(kw):
                        full[:, g * og:(g + 1) * og, i * sh + ki * dh, j * sw + kj * dw] += (
                            xs[:, :, i, j] @ ws[:, :, ki, kj])
    y = full[:, :, ph:ph + ho, pw:pw + wo]
    return y if b is None else y + b[None, :, None, None]


def _conv_transpose1d_ref(x: Any, w: Any, b: Any = None, stride: int = 1, padding: int = 0,
                          output_padding: int = 0, groups: int = 1, dilation: int = 1) -> Any:
    return _conv_transpose2d_ref(x[:, :, None], w[:, :, None], b, (1, stride), (0, padding),
                                 (0, output_padding), groups, (1, dilation))[:, :, 0]


# -- anygrad/nn/functional/_pool.py --------------------------------------------------------
def _starts(length: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> list:
    """Window starts (in unpadded coordinates) along one axis, PyTorch's output-size rule:
    with ``ceil_mode`` a last partial window counts unless it starts in the right padding."""
    span = length + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= length + p:
        out -= 1
    return [o * s - p for o in range(out)]


def _max_pool2d_ref(x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                    dilation: Any = 1, ceil_mode: bool = False,
                    return_indices: bool = False) -> Any:
    (kh, kw), (ph, pw), (dh, dw) = _two(kernel_size), _two(padding), _two(dilation)
    sh, sw = (kh, kw) if stride is None else _two(stride)
    n, c, h, w = x.shape
    rows = _starts(h, kh, sh, ph, dh, ceil_mode)
    cols = _starts(w, kw, sw, pw, dw, ceil_mode)
    y = np.empty((n, c, len(rows), len(cols)))
    idx = np.empty((n, c, len(rows), len(cols)), dtype=np.int64)
    for a, r0 in enumerate(rows):
        r = r0 + dh * np.arange(kh)
        r = r[(r >= 0) & (r < h)]
        for b, q0 in enumerate(cols):
            q = q0 + dw * np.arange(kw)
            q = q[(q >= 0) & (q < w)]
            block = x[:, :, r][:, :, :, q].reshape(n, c, -1)
            first = np.argmax(block, axis=-1)
            y[:, :, a, b] = np.max(block, axis=-1)
            idx[:, :, a, b] = r[first // len(q)] * w + q[first % len(q)]
    return (y, idx) if return_indices else y


def _max_pool1d_ref(x: Any, kernel_size: int, stride: Any = None, padding: int = 0,
                    dilation: int = 1, ceil_mode: bool = False,
                    return_indices: bool = False) -> Any:
    res = _max_pool2d_ref(x[:, :, None], (1, kernel_size), None if stride is None else (1, stride),
                          (0, padding), (1, dilation), ceil_mode, return_indices)
    return (res[0][:, :, 0], res[1][:, :, 0]) if return_indices else res[:, :, 0]


def _avg_pool2d_ref(x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                    ceil_mode: bool = False, count_include_pad: bool = True,
                    divisor_override: Any = None) -> Any:
    (kh, kw), (ph, pw) = _two(kernel_size), _two(padding)
    sh, sw = (kh, kw) if stride is None else _two(stride)
    n, c, h, w = x.shape
    rows, cols = _starts(h, kh, sh, ph, 1, ceil_mode), _starts(w, kw, sw, pw, 1, ceil_mode)
    y = np.empty((n, c, len(rows), len(cols)))
    for a, r0 in enumerate(rows):
        r1 = min(r0 + kh, h + ph)  # a window never counts the ceil_mode overhang
        for b, q0 in enumerate(cols):
            q1 = min(q0 + kw, w + pw)
            padded = (r1 - r0) * (q1 - q0)
            lo_r, hi_r, lo_q, hi_q = max(r0, 0), min(r1, h), max(q0, 0), min(q1, w)
            total = np.sum(x[:, :, lo_r:hi_r, lo_q:hi_q], axis=(2, 3))
            real = (hi_r - lo_r) * (hi_q - lo_q)
            y[:, :, a, b] = total / (divisor_override or (padded if count_include_pad else real))
    return y


def _avg_pool1d_ref(x: Any, kernel_size: int, stride: Any = None, padding: int = 0,
                    ceil_mode: bool = False, count_include_pad: bool = True) -> Any:
    return _avg_pool2d_ref(x[:, :, None], (1, kernel_size), None if stride is None else (1, stride),
                           (0, padding), ceil_mode, count_include_pad)[:, :, 0]


def _cells(length: int, out: int) -> list:
    return [(i * length // out, -(-(i + 1) * length // out)) for i in range(out)]


def _adaptive_ref(x: Any, output_size: Any, reduce: Any) -> Any:
    oh, ow = _two(output_size)
    n, c, h, w = x.shape
    oh, ow = h if oh is None else oh, w if ow is None else ow
    return np.stack([np.stack([reduce(x[:, :, a:b, p:q]) for p, q in _cells(w, ow)], axis=-1)
                     for a, b in _cells(h, oh)], axis=-2)


def _adaptive_avg_pool2d_ref(x: Any, output_size: Any) -> Any:
    return _adaptive_ref(x, output_size, lambda v: np.mean(v, axis=(2, 3)))


def _adaptive_max_pool2d_ref(x: Any, output_size: Any, return_indices: bool = False) -> Any:
    y = _adaptive_ref(x, output_size, lambda v: np.max(v, axis=(2, 3)))
    if not return_indices:
        return y
    w = x.shape[3]

    def first(v: Any) -> Any:  # flat index of the first maximum, offset by the cell origin
        return np.argmax(v.reshape(v.shape[0], v.shape[1], -1), axis=-1)

    oh, ow = _two(output_size)
    idx = np.stack([np.stack([
        a * w + p + (first(x[:, :, a:b, p:q]) // (q - p)) * w + first(x[:, :, a:b, p:q]) % (q - p)
        for p, q in _cells(w, ow)], axis=-1) for a, b in _cells(x.shape[2], oh)], axis=-2)
    return y, idx.astype(np.int64)


def _adaptive_max_pool1d_ref(x: Any, output_size: int, return_indices: bool = False) -> Any:
    res = _adaptive_max_pool2d_ref(x[:, :, None], (1, output_size), return_indices)
    return (res[0][:, :, 0], res[1][:, :, 0]) if return_indices else res[:, :, 0]


# -- anygrad/nn/functional/_loss.py --------------------------------------------------------
def _red(loss: Any, reduction: str) -> Any:
    return {"mean": np.mean, "sum": np.sum}.get(reduction, lambda v: v)(loss)


def _pair_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-3, 3, (2, 3)).astype(dtype), rng.uniform(-3, 3, (2, 3)).astype(dtype)]


def _smooth_l1_ref(x: Any, t: Any, reduction: str = "mean", beta: float = 1.0) -> Any:
    a = np.abs(x - t)
    loss = a if beta == 0 else np.where(a < beta, 0.5 * a * a / beta, a - 0.5 * beta)
    return _red(loss, reduction)


def _huber_ref(x: Any, t: Any, reduction: str = "mean", delta: float = 1.0) -> Any:
    a = np.abs(x - t)
    return _red(np.where(a < delta, 0.5 * a * a, delta * (a - 0.5 * delta)), reduction)


def _log_softmax_ref(x: Any, axis: int) -> Any:
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def _class_loss_ref(logp: Any, t: Any, weight: Any, ignore_index: int, reduction: str,
                    label_smoothing: float = 0.0) -> Any:
    """PyTorch's class-index loss on log-probabilities: each target's loss is scaled by its
    class weight, ``mean`` divides by the total weight of the targets not ignored."""
    axis = 1 if logp.ndim > 1 else 0
    c = logp.shape[axis]
    w = np.ones(c) if weight is None else weight
    valid = t != ignore_index
    safe = np.where(valid, t, 0)
    picked = np.squeeze(np.take_along_axis(logp, np.expand_dims(safe, axis), axis=axis), axis)
    wt = np.where(valid, w[safe], 0.0)
    loss = -picked * wt
    if label_smoothing:
        smooth = -np.sum(logp * w.reshape((c,) + (1,) * (logp.ndim - axis - 1)), axis=axis)
        loss = (1 - label_smoothing) * loss + label_smoothing / c * smooth * valid
    if reduction == "mean":
        return np.sum(loss) / np.sum(wt)
    return _red(loss, reduction)


def _cross_entropy_ref(x: Any, t: Any, weight: Any = None, ignore_index: int = -100,
                       reduction: str = "mean", label_smoothing: float = 0.0) -> Any:
    axis = 1 if x.ndim > 1 else 0
    logp = _log_softmax_ref(x, axis)
    if t.dtype.kind in "iu":
        return _class_loss_ref(logp, t, weight, ignore_index, reduction, label_smoothing)
    c = x.shape[axis]
    w = np.ones(c) if weight is None else weight
    q = t * (1 - label_smoothing) + label_smoothing / c
    loss = -np.sum(logp * q * w.reshape((c,) + (1,) * (x.ndim - axis - 1)), axis=axis)
    return np.sum(loss) / (x.size // c) if reduction == "mean" else _red(loss, reduction)


def _cross_entropy_inputs(rng: Any, dtype: str, variant: int) -> list:
    shape = (2, 3, 2) if variant == 1 else (3, 4)
    c = shape[1]
    x = rng.uniform(-2, 2, shape).astype(dtype)
    w = rng.uniform(0.5, 2.0, (c,)).astype(dtype)
    if variant < 2:
        t = rng.permutation(np.arange(math.prod(shape) // c) % c).reshape((shape[0],) + shape[2:])
        return [x, t.astype(np.int64)] + ([w] if variant == 1 else [])
    p = rng.uniform(0.1, 1.0, shape)
    p = (p / p.sum(axis=1, keepdims=True)).astype(dtype)
    return [x, p] + ([w] if variant == 3 else [])


def _nll_loss_inputs(rng: Any, dtype: str, variant: int) -> list:
    shape = (2, 3, 2) if variant == 1 else (3, 4)
    c = shape[1]
    x = rng.uniform(-3, 0, shape).astype(dtype)
    t = rng.permutation(np.arange(math.prod(shape) // c) % c).reshape((shape[0],) + shape[2:])
    w = rng.uniform(0.5, 2.0, (c,)).astype(dtype)
    return [x, t.astype(np.int64)] + ([w] if variant == 2 else [])


def _bce_inputs(rng: Any, dtype: str, variant: int) -> list:
    x = rng.uniform(0.05, 0.95, (2, 3)).astype(dtype)
    t = rng.uniform(0.0, 1.0, (2, 3)).astype(dtype)
    return [x, t] + ([rng.uniform(0.5, 2.0, (3,)).astype(dtype)] if variant == 1 else [])


def _bce_ref(x: Any, t: Any, weight: Any = None, reduction: str = "mean") -> Any:
    loss = -(t * np.log(x) + (1 - t) * np.log(1 - x))
    return _red(loss if weight is None else loss * weight, reduction)


def _bce_logits_ref(x: Any, t: Any, weight: Any = None, pos_weight: Any = None,
                    reduction: str = "mean") -> Any:
    pw = 1.0 if pos_weight is None else pos_weight
    log_sig, log_one_minus = -np.logaddexp(0, -x), -np.logaddexp(0, x)
    loss = -(pw * t * log_sig + (1 - t) * log_one_minus)
    return _red(loss if weight is None else loss * weight, reduction)


def _bce_logits_inputs(rng: Any, dtype: str, variant: int) -> list:
    x, t = rng.uniform(-3, 3, (2, 3)).astype(dtype), rng.uniform(0, 1, (2, 3)).astype(dtype)
    if variant != 1:
        return [x, t]
    return [x, t] + [rng.uniform(0.5, 2.0, (3,)).astype(dtype) for _ in range(2)]


def _kl_div_ref(x: Any, t: Any, reduction: str = "mean", log_target: bool = False) -> Any:
    loss = np.exp(t) * (t - x) if log_target else t * (np.log(t) - x)
    return np.sum(loss) / x.shape[0] if reduction == "batchmean" else _red(loss, reduction)


def _kl_div_inputs(rng: Any, dtype: str, variant: int) -> list:
    x = np.log(rng.uniform(0.05, 1.0, (3, 4))).astype(dtype)
    t = rng.uniform(0.05, 1.0, (3, 4))
    return [x, (np.log(t) if variant == 1 else t).astype(dtype)]


def _soft_margin_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-3, 3, (2, 3)).astype(dtype),
            rng.choice([-1.0, 1.0], (2, 3)).astype(dtype)]


def _poisson_nll_ref(x: Any, t: Any, log_input: bool = True, full: bool = False,
                     eps: float = 1e-8, reduction: str = "mean") -> Any:
    loss = np.exp(x) - t * x if log_input else x - t * np.log(x + eps)
    if full:
        safe = np.where(t > 1, t, 1.0)
        stirling = safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe)
        loss = loss + np.where(t > 1, stirling, 0)
    return _red(loss, reduction)


def _poisson_nll_inputs(rng: Any, dtype: str, variant: int) -> list:
    lo = 0.2 if variant == 1 else -2.0
    return [rng.uniform(lo, 2.0, (2, 3)).astype(dtype),
            rng.choice([0.0, 1.0, 2.0, 3.0, 5.0], (2, 3)).astype(dtype)]


# -- anygrad/nn/functional/_normalization.py -----------------------------------------------
def _norm_ref(x: Any, axes: tuple, eps: float) -> Any:
    mean = np.mean(x, axis=axes, keepdims=True)
    var = np.mean((x - mean) ** 2, axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def _affine(y: Any, w: Any, b: Any) -> Any:
    shape = (1, -1) + (1,) * (y.ndim - 2)
    return y * w.reshape(shape) + b.reshape(shape)


def _batch_norm_ref(x: Any, rm: Any, rv: Any, w: Any, b: Any, training: bool = False,
                    momentum: float = 0.1, eps: float = 1e-5) -> Any:
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        y = _norm_ref(x, (0,) + tuple(range(2, x.ndim)), eps)
    else:
        y = (x - rm.reshape(shape)) / np.sqrt(rv.reshape(shape) + eps)
    return _affine(y, w, b)


def _instance_norm_ref(x: Any, rm: Any, rv: Any, w: Any, b: Any, use_input_stats: bool = True,
                       momentum: float = 0.1, eps: float = 1e-5) -> Any:
    if not use_input_stats:
        return _batch_norm_ref(x, rm, rv, w, b, False, momentum, eps)
    return _affine(_norm_ref(x, tuple(range(2, x.ndim)), eps), w, b)


def _layer_norm_ref(x: Any, w: Any, b: Any, normalized_shape: tuple, eps: float = 1e-5) -> Any:
    return _norm_ref(x, tuple(range(x.ndim - len(normalized_shape), x.ndim)), eps) * w + b


def _group_norm_ref(x: Any, w: Any, b: Any, num_groups: int, eps: float = 1e-5) -> Any:
    g = _norm_ref(x.reshape(x.shape[0], num_groups, -1), (2,), eps)
    return _affine(g.reshape(x.shape), w, b)


# -- anygrad/nn/functional/_rnn.py ---------------------------------------------------------
def _np_sigmoid(v: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-v))


def _ref_rnn(act: Any) -> Any:
    def ref(x: Any, h: Any, w_ih: Any, w_hh: Any, b_ih: Any = 0.0, b_hh: Any = 0.0) -> Any:
        return act(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
    return ref


def _ref_lstm(x: Any, h: Any, c: Any, w_ih: Any, w_hh: Any, b_ih: Any = 0.0, b_hh: Any = 0.0) -> tuple:
    i, f, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=1)
    c2 = _np_sigmoid(f) * c + _np_sigmoid(i) * np.tanh(g)
    return _np_sigmoid(o) * np.tanh(c2), c2


def _ref_gru(x: Any, h: Any, w_ih: Any, w_hh: Any, b_ih: Any = 0.0, b_hh: Any = 0.0) -> Any:
    xr, xz, xn = np.split(x @ w_ih.T + b_ih, 3, axis=1)
    hr, hz, hn = np.split(h @ w_hh.T + b_hh, 3, axis=1)
    r, z = _np_sigmoid(xr + hr), _np_sigmoid(xz + hz)
    n = np.tanh(xn + r * hn)
    return (1.0 - z) * n + z * h


# -- anygrad/nn/functional/_misc.py --------------------------------------------------------
# The dropouts are registered in training mode with a fresh generator of seed 0 per call:
# the mask is then a fixed function of the seed, drawn as documented (uniform [0, 1) values
# on the host, kept where >= p), so the result is a deterministic function of the input.
def _host_keep(shape: tuple, p: float) -> Any:
    return np.random.Generator(np.random.PCG64(0)).random(shape) >= p


def _dropout_ref(x: Any, p: float = 0.5, training: bool = True, spatial: int = 0) -> Any:
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    mshape = x.shape[:x.ndim - spatial] + (1,) * spatial
    return x * _host_keep(mshape, p) / (1 - p)


def _alpha_dropout_ref(x: Any, p: float = 0.5, training: bool = False) -> Any:
    if not training or p == 0:
        return x
    alpha = -1.7580993408473766  # -scale * alpha of SELU
    keep = _host_keep(x.shape, p)
    a = ((1 - p) * (1 + p * alpha ** 2)) ** -0.5
    return np.where(keep, x, alpha) * a - a * alpha * p


def _pad_ref(x: Any, pad: tuple, value: float = 0.0) -> Any:
    for k in range(len(pad) // 2):
        axis = x.ndim - 1 - k
        before, after = pad[2 * k], pad[2 * k + 1]
        keep = [slice(None)] * x.ndim
        keep[axis] = slice(max(-before, 0), x.shape[axis] - max(-after, 0))
        widths = [(0, 0)] * x.ndim
        widths[axis] = (max(before, 0), max(after, 0))
        x = np.pad(x[tuple(keep)], widths, constant_values=value)
    return x


def _normalize_ref(x: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Any:
    norm = np.sum(np.abs(x) ** p, axis=dim, keepdims=True) ** (1 / p)
    return x / np.maximum(norm, eps)


def _cosine_ref(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Any:
    x1, x2 = np.broadcast_arrays(x1, x2)
    w12 = np.sum(x1 * x2, axis=dim)
    return w12 / np.sqrt(np.maximum(np.sum(x1 * x1, axis=dim) * np.sum(x2 * x2, axis=dim),
                                    eps * eps))


def _pairwise_ref(x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6,
                  keepdim: bool = False) -> Any:
    return np.sum(np.abs(x1 - x2 + eps) ** p, axis=-1, keepdims=keepdim) ** (1 / p)


# -- anygrad/nn/functional/_attention.py --------------------------------------------------
def _attention_weights_ref(q: Any, k: Any, keep: Any = None, bias: Any = 0.0,
                           scale: Any = None) -> Any:
    s = q @ np.swapaxes(k, -1, -2) * (1 / np.sqrt(q.shape[-1]) if scale is None else scale)
    s = s + bias + (0.0 if keep is None else np.where(keep, 0.0, -np.inf))
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _sdpa_ref(q: Any, k: Any, v: Any, attn_mask: Any = None, dropout_p: float = 0.0,
              is_causal: bool = False, scale: Any = None, enable_gqa: bool = False) -> Any:
    if enable_gqa:
        k, v = (np.repeat(t, q.shape[-3] // t.shape[-3], axis=-3) for t in (k, v))
    keep = np.tril(np.ones((q.shape[-2], k.shape[-2]), bool)) if is_causal else None
    if attn_mask is not None and attn_mask.dtype == bool:
        keep, attn_mask = attn_mask, None
    w = _attention_weights_ref(q, k, keep, 0.0 if attn_mask is None else attn_mask, scale)
    return _dropout_ref(w, dropout_p) @ v


def _mha_ref(q: Any, k: Any, v: Any, w: Any, b: Any, ow: Any, ob: Any, pad: Any = None,
             need_weights: bool = True, average_attn_weights: bool = True) -> Any:
    heads, (n, e) = 2, q.shape[1:]

    def split(x: Any, wi: Any, bi: Any) -> Any:  # (T, N, E) -> (N, heads, T, E / heads)
        return (x @ wi.T + bi).reshape(x.shape[0], n, heads, -1).transpose(1, 2, 0, 3)

    qh, kh, vh = map(split, (q, k, v), np.split(w, 3), np.split(b, 3))
    a = _attention_weights_ref(qh, kh, None if pad is None else ~pad[:, None, None, :])
    out = (a @ vh).transpose(2, 0, 1, 3).reshape(q.shape[0], n, e) @ ow.T + ob
    return (out, a.mean(axis=1) if average_attn_weights else a) if need_weights else out


# -- anygrad/nn/functional/_activation.py --------------------------------------------------
def _softmin_ref(x: Any, dim: int) -> Any:
    e = np.exp(-x + np.max(x, axis=dim, keepdims=True))
    return e / np.sum(e, axis=dim, keepdims=True)


# -- anygrad/ops/decompositions.py ---------------------------------------------------------
def _cholesky_ref(x: Any, upper: bool = False) -> Any:
    lo = np.linalg.cholesky(x)
    return np.swapaxes(lo, -1, -2) if upper else lo


def _qr_ref(x: Any) -> Any:
    q, r = np.linalg.qr(x)
    return q @ r


def _svd_ref(x: Any) -> Any:
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    return (u * s[..., None, :]) @ vh


# -- anygrad/ops/indexing.py ---------------------------------------------------------------
def _index_add_ref(x: Any, source: Any) -> Any:
    out = np.array(x, dtype=np.float64)
    np.add.at(out, np.array([0, 2, 0, 3, 0]), source)
    return out


def _gather_ref(x: Any) -> Any:
    return np.take_along_axis(x, np.array([[0, 0, 2], [1, 1, 1], [3, 0, 3]]), axis=1)


def _scatter_add_ref(x: Any, src: Any) -> Any:
    out = np.array(x, dtype=np.float64)
    idx = np.array([[0, 2, 2, 1], [0, 0, 2, 1]])
    for i in range(2):
        for j in range(4):
            out[idx[i, j], j] += src[i, j]
    return out


# -- anygrad/ops/_getitem.py ---------------------------------------------------------------
def _setitem_ref(x: Any, v: Any) -> Any:
    out = np.array(x, dtype=np.float64)
    out[1::2] = v
    return out


def _scatter_ref(x: Any, index: Any, src: Any) -> Any:
    out = np.array(x, dtype=np.float64)
    np.put_along_axis(out, index, np.asarray(src, dtype=np.float64), axis=0)
    return out


# -- by registry name -----------------------------------------------------------------------
REFERENCES: dict[str, Callable[..., Any]] = {
    "nn.functional.softmin": _softmin_ref,
    "nn.functional.conv1d": _conv1d_ref,
    "nn.functional.conv2d": _conv2d_ref,
    "nn.functional.conv_transpose1d": _conv_transpose1d_ref,
    "nn.functional.conv_transpose2d": _conv_transpose2d_ref,
    "nn.functional.mse_loss": lambda x, t, reduction="mean": _red((x - t) ** 2, reduction),
    "nn.functional.l1_loss": lambda x, t, reduction="mean": _red(np.abs(x - t), reduction),
    "nn.functional.smooth_l1_loss": _smooth_l1_ref,
    "nn.functional.huber_loss": _huber_ref,
    "nn.functional.cross_entropy": _cross_entropy_ref,
    "nn.functional.nll_loss": lambda x, t, weight=None, ignore_index=-100, reduction="mean": _class_loss_ref( x, t, weight, ignore_index, reduction),
    "nn.functional.binary_cross_entropy": _bce_ref,
    "nn.functional.binary_cross_entropy_with_logits": _bce_logits_ref,
    "nn.functional.kl_div": _kl_div_ref,
    "nn.functional.soft_margin_loss": lambda x, t, reduction="mean": _red(np.logaddexp(0, -t * x), reduction),
    "nn.functional.poisson_nll_loss": _poisson_nll_ref,
    "nn.functional.dropout": _dropout_ref,
    "nn.functional.dropout1d": lambda x, **k: _dropout_ref(x, spatial=1, **k),
    "nn.functional.dropout2d": lambda x, **k: _dropout_ref(x, spatial=2, **k),
    "nn.functional.alpha_dropout": _alpha_dropout_ref,
    "nn.functional.pad": _pad_ref,
    "nn.functional.normalize": _normalize_ref,
    "nn.functional.cosine_similarity": _cosine_ref,
    "nn.functional.pairwise_distance": _pairwise_ref,
    "nn.functional.batch_norm": _batch_norm_ref,
    "nn.functional.instance_norm": _instance_norm_ref,
    "nn.functional.layer_norm": _layer_norm_ref,
    "nn.functional.group_norm": _group_norm_ref,
    "nn.functional.max_pool1d": _max_pool1d_ref,
    "nn.functional.max_pool2d": _max_pool2d_ref,
    "nn.functional.avg_pool1d": _avg_pool1d_ref,
    "nn.functional.avg_pool2d": _avg_pool2d_ref,
    "nn.functional.adaptive_avg_pool1d": lambda x, output_size: _adaptive_avg_pool2d_ref(x[:, :, None], (1, output_size))[:, :, 0],
    "nn.functional.adaptive_avg_pool2d": _adaptive_avg_pool2d_ref,
    "nn.functional.adaptive_max_pool1d": _adaptive_max_pool1d_ref,
    "nn.functional.adaptive_max_pool2d": _adaptive_max_pool2d_ref,
    "nn.functional.rnn_tanh_cell": _ref_rnn(np.tanh),
    "nn.functional.rnn_relu_cell": _ref_rnn(lambda v: np.maximum(v, 0.0)),
    "nn.functional.lstm_cell": _ref_lstm,
    "nn.functional.gru_cell": _ref_gru,
    "nn.functional.scaled_dot_product_attention": _sdpa_ref,
    "nn.functional.multi_head_attention_forward": _mha_ref,
    "cholesky": _cholesky_ref,
    "qr": _qr_ref,
    "svd": _svd_ref,
    "index_add": _index_add_ref,
    "gather": _gather_ref,
    "scatter_add": _scatter_add_ref,
    "setitem": _setitem_ref,
    "scatter": _scatter_ref,
}

from ._references_layers import REFERENCES as _LAYER_REFERENCES  # noqa: E402

REFERENCES.update(_LAYER_REFERENCES)

INPUTS: dict[str, Callable[..., Any]] = {
    "nn.functional.l1_loss": _pair_inputs,
    "nn.functional.smooth_l1_loss": _pair_inputs,
    "nn.functional.huber_loss": _pair_inputs,
    "nn.functional.cross_entropy": _cross_entropy_inputs,
    "nn.functional.nll_loss": _nll_loss_inputs,
    "nn.functional.binary_cross_entropy": _bce_inputs,
    "nn.functional.binary_cross_entropy_with_logits": _bce_logits_inputs,
    "nn.functional.kl_div": _kl_div_inputs,
    "nn.functional.soft_margin_loss": _soft_margin_inputs,
    "nn.functional.poisson_nll_loss": _poisson_nll_inputs,
}

from ._references_losses import INPUTS as _LOSS_INPUTS  # noqa: E402
from ._references_losses import REFERENCES as _LOSS_REFERENCES  # noqa: E402

REFERENCES.update(_LOSS_REFERENCES)
INPUTS.update(_LOSS_INPUTS)


def reference(spec: OpSpec) -> Callable[..., Any] | None:
    """The NumPy reference of ``spec``: the one here, else its inline ``spec.ref``.

    Examples
    --------
    >>> from anygrad.ops import REGISTRY
    >>> from anygrad.testing import REFERENCES, reference
    >>> reference(REGISTRY["nn.functional.conv2d"]) is REFERENCES["nn.functional.conv2d"]
    True
    """
    return REFERENCES.get(spec.name, spec.ref)


def input_maker(spec: OpSpec) -> Callable[..., Any] | None:
    """The ``make_inputs`` of ``spec``: the one here, else its inline ``spec.make_inputs``."""
    return INPUTS.get(spec.name, spec.make_inputs)
