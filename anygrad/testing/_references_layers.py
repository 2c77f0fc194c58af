"""NumPy float64 references for the layer functions added for PyTorch coverage (indexed
pooling, unpooling, fractional pooling, Lp pooling, 3-D transposed convolution, local
response and RMS normalisation, channel shuffle, embedding bags, sampling grids).

Written as direct loops over output positions, independently of the implementations.
Merged into :data:`anygrad.testing.REFERENCES` by ``_references``.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable

import numpy as np

__all__ = ["REFERENCES", "FRACTIONAL_SAMPLES"]


def _tup(v: Any, n: int) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _starts(length: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> list:
    span = length + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= length + p:
        out -= 1
    return [o * s - p for o in range(out)]


def _window_max(x: Any, axes_positions: list, return_indices: bool) -> Any:
    """Max (first maximum's flat index) over windows given per output position as lists
    of valid coordinates along each spatial axis."""
    sizes = x.shape[2:]
    outs = tuple(len(a) for a in axes_positions)
    y = np.empty(x.shape[:2] + outs)
    idx = np.empty(x.shape[:2] + outs, dtype=np.int64)
    for o in itertools.product(*(range(n) for n in outs)):
        coords = [axes_positions[i][o[i]] for i in range(len(o))]
        block = x[(slice(None), slice(None)) + np.ix_(*coords)].reshape(x.shape[0], x.shape[1], -1)
        first = np.argmax(block, axis=-1)
        y[(slice(None), slice(None)) + o] = np.max(block, axis=-1)
        grid = np.stack([g.reshape(-1) for g in np.meshgrid(*coords, indexing="ij")])
        idx[(slice(None), slice(None)) + o] = np.ravel_multi_index(tuple(grid), sizes)[first]
    return (y, idx) if return_indices else y


def _max_pool_ref(x: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                  dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = True) -> Any:
    d = x.ndim - 2
    k, p, dl = _tup(kernel_size, d), _tup(padding, d), _tup(dilation, d)
    s = k if stride is None else _tup(stride, d)
    positions = []
    for i in range(d):
        axis = []
        for st in _starts(x.shape[2 + i], k[i], s[i], p[i], dl[i], ceil_mode):
            c = st + dl[i] * np.arange(k[i])
            axis.append(c[(c >= 0) & (c < x.shape[2 + i])])
        positions.append(axis)
    return _window_max(x, positions, True)


def _adaptive_max_ref(x: Any, output_size: Any, return_indices: bool = True) -> Any:
    d = x.ndim - 2
    outs = _tup(output_size, d)
    positions = [[np.arange(j * n // o, -(-(j + 1) * n // o)) for j in range(o)]
                 for n, o in zip(x.shape[2:], outs)]
    return _window_max(x, positions, True)


def _unpool_ref(x: Any, idx: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
                output_size: Any = None) -> Any:
    d = x.ndim - 2
    k, p = _tup(kernel_size, d), _tup(padding, d)
    s = k if stride is None else _tup(stride, d)
    outs = (tuple(output_size)[-d:] if output_size is not None
            else tuple((x.shape[2 + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(d)))
    y = np.zeros(x.shape[:2] + (int(np.prod(outs)),))
    for a in range(x.shape[0]):
        for b in range(x.shape[1]):
            y[a, b, idx[a, b].reshape(-1)] = x[a, b].reshape(-1)
    return y.reshape(x.shape[:2] + outs)


# Fixed samples for the fractional poolings' registry entries (inputs of 2 x 2 planes).
FRACTIONAL_SAMPLES = {2: [[[0.37, 0.71], [0.13, 0.58]], [[0.91, 0.23], [0.46, 0.29]]],
                      3: [[[0.37, 0.71, 0.13], [0.58, 0.91, 0.23]],
                          [[0.46, 0.29, 0.74], [0.17, 0.83, 0.52]]]}


def _fractional_ref(x: Any, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                    return_indices: bool = False) -> Any:
    d = x.ndim - 2
    samples = np.asarray(FRACTIONAL_SAMPLES[d])
    k = _tup(kernel_size, d)
    outs = (_tup(output_size, d) if output_size is not None
            else tuple(int(n * r) for n, r in zip(x.shape[2:], _tup(output_ratio, d))))
    y = np.empty(x.shape[:2] + outs)
    idx = np.empty(x.shape[:2] + outs, dtype=np.int64)
    for a in range(x.shape[0]):
        for b in range(x.shape[1]):
            u = samples[a, b][::-1] if d == 2 else samples[a, b]  # PyTorch: (W, H) / (T, H, W)
            positions = []
            for i in range(d):
                n, o = x.shape[2 + i], outs[i]
                alpha = (n - k[i]) / (o - 1) if o > 1 else 0.0
                starts = [int((j + u[i]) * alpha) - int(u[i] * alpha) for j in range(o - 1)]
                positions.append([st + np.arange(k[i]) for st in starts + [n - k[i]]])
            res = _window_max(x[a:a + 1, b:b + 1], positions, True)
            y[a, b], idx[a, b] = res[0][0, 0], res[1][0, 0]
    return (y, idx) if return_indices else y


def _conv_transpose3d_ref(x: Any, w: Any, b: Any = None, stride: Any = 1, padding: Any = 0,
                          output_padding: Any = 0, groups: int = 1, dilation: Any = 1) -> Any:
    s, p, op, d = (_tup(v, 3) for v in (stride, padding, output_padding, dilation))
    n, cin, sp = x.shape[0], x.shape[1], x.shape[2:]
    og, k, cg = w.shape[1], w.shape[2:], cin // groups
    full = [(sp[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 + op[i] for i in range(3)]
    y = np.zeros((n, og * groups, *full))
    for g in range(groups):
        xs, ws = x[:, g * cg:(g + 1) * cg], w[g * cg:(g + 1) * cg]
        for tap in itertools.product(*(range(ki) for ki in k)):
            key = tuple(slice(tap[i] * d[i], tap[i] * d[i] + (sp[i] - 1) * s[i] + 1, s[i])
                        for i in range(3))
            y[(slice(None), slice(g * og, (g + 1) * og)) + key] += np.einsum(
                "ncdhw,co->nodhw", xs, ws[(slice(None), slice(None)) + tap])
    y = y[(slice(None), slice(None)) + tuple(slice(p[i], full[i] - p[i]) for i in range(3))]
    return y if b is None else y + b[None, :, None, None, None]


def _conv_tbc_ref(x: Any, w: Any, b: Any, pad: int = 0) -> Any:
    xp = np.pad(x, ((pad, pad), (0, 0), (0, 0)))
    t_out = xp.shape[0] - w.shape[0] + 1
    return np.stack([sum(xp[t + j] @ w[j] for j in range(w.shape[0])) for t in range(t_out)]) + b


def _lp_pool_ref(x: Any, norm_type: float, kernel_size: Any, stride: Any = None,
                 ceil_mode: bool = False) -> Any:
    """Sum of ``x ** p`` over the window, times ``prod(k) / window size`` when a ceil_mode
    window is cut short (PyTorch scales the average, not the sum), to the power ``1/p``."""
    d = x.ndim - 2
    k = _tup(kernel_size, d)
    s = k if stride is None else _tup(stride, d)
    xp = x ** norm_type
    starts = [_starts(x.shape[2 + i], k[i], s[i], 0, 1, ceil_mode) for i in range(d)]
    y = np.empty(x.shape[:2] + tuple(len(a) for a in starts))
    for o in itertools.product(*(range(len(a)) for a in starts)):
        key = tuple(slice(starts[i][o[i]], starts[i][o[i]] + k[i]) for i in range(d))
        block = xp[(slice(None), slice(None)) + key]
        count = np.prod(block.shape[2:])
        y[(slice(None), slice(None)) + o] = block.sum(axis=tuple(range(2, 2 + d))) * (
            np.prod(k) / count)
    return y ** (1.0 / norm_type)


def _keep(shape: tuple, p: float) -> Any:
    # anygrad's host generator seeded with 0, as the registry's dropout harness seeds it.
    return np.random.Generator(np.random.PCG64(0)).random(shape) >= p


def _dropout3d_ref(x: Any, p: float = 0.5, training: bool = True) -> Any:
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0
    return x * _keep(x.shape[:-3] + (1, 1, 1), p) / (1 - p)


def _feature_alpha_dropout_ref(x: Any, p: float = 0.5, training: bool = False) -> Any:
    if not training or p == 0:
        return x
    alpha = -1.7580993408473766
    keep = _keep(x.shape[:2] + (1,) * (x.ndim - 2), p)
    a = ((1 - p) * (1 + p * alpha ** 2)) ** -0.5
    return np.where(keep, x, alpha) * a - a * alpha * p


def _embedding_bag_ref(idx: Any, w: Any, offsets: Any = None, psw: Any = None,
                       mode: str = "mean", padding_idx: Any = None) -> Any:
    if idx.ndim == 2:
        bags = list(idx)
        weights = [None] * len(bags)
    else:
        ends = list(offsets[1:]) + [len(idx)]
        bags = [idx[a:b] for a, b in zip(offsets, ends)]
        weights = [None if psw is None else psw[a:b] for a, b in zip(offsets, ends)]
    out = []
    for b, pw in zip(bags, weights):
        keep = np.array([i != padding_idx for i in b], dtype=bool)
        rows = w[np.asarray(b, dtype=np.int64)[keep]]
        if pw is not None:
            rows = rows * pw[keep][:, None]
        if len(rows) == 0:
            out.append(np.zeros(w.shape[1]))
        else:
            out.append({"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0)}[mode])
    return np.stack(out)


def _lrn_ref(x: Any, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Any:
    c = x.shape[1]
    div = np.stack([(x[:, max(0, j - size // 2):min(c, j + (size - 1) // 2 + 1)] ** 2).sum(1)
                    for j in range(c)], axis=1) / size
    return x / (k + alpha * div) ** beta


def _rms_norm_ref(x: Any, w: Any, normalized_shape: tuple, eps: Any = None) -> Any:
    if eps is None:
        eps = np.finfo(x.dtype).eps
    axes = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    return x / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps) * w


def _channel_shuffle_ref(x: Any, groups: int) -> Any:
    c = x.shape[1]
    order = [g * (c // groups) + i for i in range(c // groups) for g in range(groups)]
    return x[:, order]


def _affine_grid_ref(theta: Any, size: tuple, align_corners: bool = False) -> Any:
    spatial = size[2:]
    d = len(spatial)

    def norm(i: int, n: int) -> float:
        if n == 1:
            return 0.0
        return (2.0 * i / (n - 1) - 1.0) if align_corners else (2.0 * i + 1.0) / n - 1.0

    out = np.empty((size[0],) + tuple(spatial) + (d,))
    for o in itertools.product(*(range(n) for n in spatial)):
        point = [norm(o[d - 1 - j], spatial[d - 1 - j]) for j in range(d)] + [1.0]
        out[(slice(None),) + o] = theta @ np.array(point)
    return out


def _grid_sample_ref(x: Any, grid: Any, mode: str = "bilinear", padding_mode: str = "zeros",
                     align_corners: bool = False) -> Any:
    d, sizes = x.ndim - 2, x.shape[2:]
    out = grid.shape[1:-1]
    y = np.zeros(x.shape[:2] + out)
    for b in range(x.shape[0]):
        for o in itertools.product(*(range(m) for m in out)):
            pix = []
            for i in range(d):
                u, size = grid[(b,) + o + (d - 1 - i,)], sizes[i]
                p = (u + 1) / 2 * (size - 1) if align_corners else ((u + 1) * size - 1) / 2
                if padding_mode == "reflection":
                    lo, hi = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
                    span = hi - lo
                    t = abs(p - lo) % (2 * span) if span else 0.0
                    p = lo + (t if t <= span else 2 * span - t) if span else 0.0
                if padding_mode in ("border", "reflection"):
                    p = min(max(p, 0.0), size - 1.0)
                pix.append(p)
            if mode == "nearest":
                q = tuple(int(np.rint(p)) for p in pix)
                if all(0 <= q[i] < sizes[i] for i in range(d)):
                    y[(b, slice(None)) + o] = x[(b, slice(None)) + q]
                continue
            base = [int(np.floor(p)) for p in pix]
            for corner in itertools.product((0, 1), repeat=d):
                q = tuple(bi + ci for bi, ci in zip(base, corner))
                if all(0 <= q[i] < sizes[i] for i in range(d)):
                    w = np.prod([(p - bi) if ci else (1 - (p - bi))
                                 for p, bi, ci in zip(pix, base, corner)])
                    y[(b, slice(None)) + o] += w * x[(b, slice(None)) + q]
    return y


REFERENCES: dict[str, Callable[..., Any]] = {
    "nn.functional.conv_transpose3d": _conv_transpose3d_ref,
    "nn.functional.conv_tbc": _conv_tbc_ref,
    "nn.functional.affine_grid": _affine_grid_ref,
    "nn.functional.grid_sample": _grid_sample_ref,
    "nn.functional.lp_pool1d": _lp_pool_ref,
    "nn.functional.lp_pool2d": _lp_pool_ref,
    "nn.functional.lp_pool3d": _lp_pool_ref,
    "nn.functional.dropout3d": _dropout3d_ref,
    "nn.functional.feature_alpha_dropout": _feature_alpha_dropout_ref,
    "nn.functional.embedding_bag": _embedding_bag_ref,
    "nn.functional.local_response_norm": _lrn_ref,
    "nn.functional.rms_norm": _rms_norm_ref,
    "nn.functional.channel_shuffle": _channel_shuffle_ref,
    "nn.functional.native_channel_shuffle": _channel_shuffle_ref,
    "nn.functional.max_pool1d_with_indices": _max_pool_ref,
    "nn.functional.max_pool2d_with_indices": _max_pool_ref,
    "nn.functional.max_pool3d_with_indices": _max_pool_ref,
    "nn.functional.adaptive_max_pool1d_with_indices": _adaptive_max_ref,
    "nn.functional.adaptive_max_pool2d_with_indices": _adaptive_max_ref,
    "nn.functional.adaptive_max_pool3d_with_indices": _adaptive_max_ref,
    "nn.functional.max_unpool1d": _unpool_ref,
    "nn.functional.max_unpool2d": _unpool_ref,
    "nn.functional.max_unpool3d": _unpool_ref,
    "nn.functional.fractional_max_pool2d": _fractional_ref,
    "nn.functional.fractional_max_pool3d": _fractional_ref,
    "nn.functional.fractional_max_pool2d_with_indices":
        lambda x, **k: _fractional_ref(x, return_indices=True, **k),
    "nn.functional.fractional_max_pool3d_with_indices":
        lambda x, **k: _fractional_ref(x, return_indices=True, **k),
}
