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


REFERENCES: dict[str, Callable[..., Any]] = {
    "nn.functional.conv_transpose3d": _conv_transpose3d_ref,
    "nn.functional.conv_tbc": _conv_tbc_ref,
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
