"""3-D convolution and pooling over ``(N, C, D, H, W)``, built on the 2-D primitives.

``conv3d`` sums one 2-D convolution per depth tap of the kernel (the depth slices folded
into the batch); pooling reduces one axis after the other (a box's max or sum is the max or
sum along each axis in turn). All of it composes differentiable operations.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import anygrad as _ag

from ...ops._registry import OpSpec, register
from ._conv import conv2d
from ._misc import pad
from ._pool import _out_size, lp_root

__all__ = ["conv3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool3d",
           "lp_pool3d"]


def triple(v: Any, name: str, op: str) -> tuple[int, int, int]:
    """An int or a 3-sequence of ints as a triple (PyTorch's ``_triple``)."""
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return (int(v[0]),) * 3
        if len(v) != 3:
            raise ValueError(f"{op}: expected {name} to be an int or a triple, got {v!r}")
        return int(v[0]), int(v[1]), int(v[2])
    return (int(v),) * 3


def _batched(op: str, x: Any) -> tuple[Any, bool]:
    if x.ndim == 4:
        return _ag.expand_dims(x, axis=0), True
    if x.ndim != 5:
        raise ValueError(f"{op}: expected a 4-D or 5-D input (N, C, D, H, W), got shape "
                         f"{tuple(x.shape)}")
    return x, False


def _taps(x: Any, axis: int, start: int, n_out: int, step: int) -> Any:
    key = [slice(None)] * x.ndim
    key[axis] = slice(start, start + (n_out - 1) * step + 1, step)
    return x[tuple(key)]


def _pad_spec(pads: list) -> tuple:
    """``[(before, after)] * 3`` for (D, H, W) as F.pad's last-axis-first tuple."""
    return tuple(p for pair_ in reversed(pads) for p in pair_)


def conv3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Any:
    """3-D convolution of ``(N, C, D, H, W)`` with a weight ``(O, C/groups, kd, kh, kw)``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.conv3d(anygrad.ones(1, 2, 3, 4, 4), anygrad.ones(5, 2, 2, 3, 3)).shape
    anygrad.Size([1, 5, 2, 2, 2])
    """
    x, unbatched = _batched("conv3d", input)
    if weight.ndim != 5 or x.shape[1] != weight.shape[1] * groups:
        raise ValueError(
            f"conv3d: expected a weight (O, C/groups, kd, kh, kw) with C/groups = "
            f"{x.shape[1]}/{groups}, got weight of shape {tuple(weight.shape)} for input of "
            f"shape {tuple(input.shape)}")
    s, d = triple(stride, "stride", "conv3d"), triple(dilation, "dilation", "conv3d")
    k = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"conv3d: padding must be an int, a triple, 'same' or 'valid', got "
                             f"{padding!r}")
        if padding == "same" and s != (1, 1, 1):
            raise ValueError("conv3d: padding='same' is not supported for strided convolutions")
        totals = [di * (ki - 1) if padding == "same" else 0 for ki, di in zip(k, d)]
        pads = [(t // 2, t - t // 2) for t in totals]
    else:
        pads = [(p, p) for p in triple(padding, "padding", "conv3d")]
    if min(s + d) < 1 or min(min(p) for p in pads) < 0:
        raise ValueError(f"conv3d: stride and dilation must be positive and padding "
                         f"non-negative, got {s}, {d} and {padding!r}")
    if any(pp != (0, 0) for pp in pads):
        x = pad(x, _pad_spec(pads))
    span = d[0] * (k[0] - 1) + 1
    if span > x.shape[2] or any(d[i] * (k[i] - 1) + 1 > x.shape[2 + i] for i in (1, 2)):
        raise ValueError(f"conv3d: kernel {k} (dilation {d}) is larger than the padded input "
                         f"of shape {tuple(x.shape)}")
    n, c, dp, hp, wp = x.shape
    do = (dp - span) // s[0] + 1
    y = None
    for i in range(k[0]):
        xs = _ag.permute_dims(_taps(x, 2, i * d[0], do, s[0]), (0, 2, 1, 3, 4))
        yi = conv2d(_ag.reshape(xs, (n * do, c, hp, wp)), weight[:, :, i], None, s[1:], 0, d[1:],
                    groups)
        y = yi if y is None else y + yi
    y = _ag.permute_dims(_ag.reshape(y, (n, do) + tuple(y.shape[1:])), (0, 2, 1, 3, 4))
    if bias is not None:
        y = y + _ag.reshape(bias, (1, -1, 1, 1, 1))
    return y[0] if unbatched else y


def _pool_geometry(op: str, x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   ceil_mode: bool) -> tuple:
    k = triple(kernel_size, "kernel_size", op)
    s = k if stride is None or stride == [] or stride == () else triple(stride, "stride", op)
    p = triple(padding, "padding", op)
    d = triple(dilation, "dilation", op)
    if min(k + s + d) < 1:
        raise ValueError(f"{op}: kernel_size, stride and dilation must be positive, got {k}, "
                         f"{s} and {d}")
    if any(pi < 0 or 2 * pi > di * (ki - 1) + 1 for pi, ki, di in zip(p, k, d)):
        raise ValueError(f"{op}: padding {p} should be non-negative and at most half of the "
                         f"kernel size {k}")
    shape = tuple(x.shape)
    outs, pads = [], []
    for i in range(3):
        o, extra = _out_size(op, shape[2 + i], k[i], s[i], p[i], d[i], ceil_mode, shape)
        outs.append(o)
        pads.append((p[i], p[i] + extra))
    return k, s, d, pads, outs


def _reduce_windows(x: Any, k: tuple, s: tuple, d: tuple, outs: list, how: str) -> Any:
    for i in range(3):
        taps = [_taps(x, 2 + i, j * d[i], outs[i], s[i]) for j in range(k[i])]
        if how == "max":
            x = _ag.max(_ag.stack(taps, axis=0), axis=0)
        else:
            x = taps[0]
            for t in taps[1:]:
                x = x + t
    return x


def max_pool3d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """3-D max pooling of ``(N, C, D, H, W)`` (``stride`` defaults to ``kernel_size``)."""
    if return_indices:
        from ._pool_indices import _max_pool_nd

        return _max_pool_nd("max_pool3d", 3, input, kernel_size, stride, padding, dilation,
                            ceil_mode)
    x, unbatched = _batched("max_pool3d", input)
    k, s, d, pads, outs = _pool_geometry("max_pool3d", x, kernel_size, stride, padding, dilation,
                                         ceil_mode)
    x = pad(x, _pad_spec(pads), value=-math.inf)
    y = _reduce_windows(x, k, s, d, outs, "max")
    return y[0] if unbatched else y


def avg_pool3d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Any:
    """3-D average pooling of ``(N, C, D, H, W)``, with PyTorch's divisor rules."""
    x, unbatched = _batched("avg_pool3d", input)
    k, s, d, pads, outs = _pool_geometry("avg_pool3d", x, kernel_size, stride, padding, 1,
                                         ceil_mode)
    y = _reduce_windows(pad(x, _pad_spec(pads)), k, s, d, outs, "sum")
    if divisor_override:
        y = y / float(divisor_override)
    else:
        # The divisor counts the window's positions inside the padded input (or only inside
        # the input without count_include_pad); ceil_mode's extra positions never count.
        mask = np.zeros(tuple(x.shape[2 + i] + pads[i][0] + pads[i][1] for i in range(3)))
        inner = [(0, pads[i][0] + x.shape[2 + i] + pads[i][0]) if count_include_pad
                 else (pads[i][0], pads[i][0] + x.shape[2 + i]) for i in range(3)]
        mask[tuple(slice(a, b) for a, b in inner)] = 1.0
        for i in range(3):
            span = (outs[i] - 1) * s[i] + 1
            mask = sum(np.take(mask, np.arange(j, j + span, s[i]), axis=i) for j in range(k[i]))
        y = y / _ag.asarray(mask, dtype=y.dtype, backend=y._backend, device=y.device)
    return y[0] if unbatched else y


def _adaptive(op: str, input: Any, output_size: Any, how: str) -> Any:
    x, unbatched = _batched(op, input)
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 3
    if len(sizes) != 3:
        raise ValueError(f"{op}: expected output_size to be an int or a triple, got "
                         f"{output_size!r}")
    for i, o in enumerate(sizes):
        n = x.shape[2 + i]
        o = n if o is None else int(o)
        if o < 1:
            raise ValueError(f"{op}: output_size {output_size!r} should be positive")
        parts = []
        for j in range(o):
            key = [slice(None)] * 5
            key[2 + i] = slice((j * n) // o, -(-((j + 1) * n) // o))
            box = x[tuple(key)]
            parts.append(_ag.max(box, axis=2 + i, keepdims=True) if how == "max"
                         else _ag.mean(box, axis=2 + i, keepdims=True))
        x = _ag.concat(parts, axis=2 + i) if len(parts) > 1 else parts[0]
    return x[0] if unbatched else x


def adaptive_avg_pool3d(input: Any, output_size: Any) -> Any:  # noqa: A002
    """Average over PyTorch's adaptive boxes ``[floor(i*n/o), ceil((i+1)*n/o))`` per axis.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.adaptive_avg_pool3d(anygrad.ones(1, 2, 5, 4, 3), 1).shape
    anygrad.Size([1, 2, 1, 1, 1])
    """
    return _adaptive("adaptive_avg_pool3d", input, output_size, "mean")


def adaptive_max_pool3d(input: Any, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """Maximum over PyTorch's adaptive boxes (with their flat indices if ``return_indices``)."""
    if return_indices:
        from ._pool_indices import adaptive_max_nd

        return adaptive_max_nd("adaptive_max_pool3d", 3, input, output_size)
    return _adaptive("adaptive_max_pool3d", input, output_size, "max")


def lp_pool3d(input: Any, norm_type: float, kernel_size: Any, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Any:
    """Power-average pooling over ``(N, C, D, H, W)``: ``(sum of x**p) ** (1/p)`` per window.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.lp_pool3d(anygrad.ones(1, 1, 2, 2, 2), 1, 2).flatten().tolist()
    [8.0]
    """
    k = triple(kernel_size, "kernel_size", "lp_pool3d")
    avg = avg_pool3d(_ag.pow(input, float(norm_type)), k, stride, 0, ceil_mode)
    return lp_root("lp_pool3d", avg, k[0] * k[1] * k[2], norm_type)


# -- registry entries ---------------------------------------------------------------------------


def _conv3d_ref(x: Any, w: Any, b: Any = None, stride: int = 1, padding: int = 0) -> Any:
    xp = np.pad(x, ((0, 0), (0, 0)) + ((padding, padding),) * 3)
    k = w.shape[2:]
    out = [(xp.shape[2 + i] - k[i]) // stride + 1 for i in range(3)]
    y = np.zeros((x.shape[0], w.shape[0], *out))
    for a in range(out[0]):
        for b_ in range(out[1]):
            for c in range(out[2]):
                patch = xp[:, :, a * stride:a * stride + k[0], b_ * stride:b_ * stride + k[1],
                           c * stride:c * stride + k[2]]
                y[:, :, a, b_, c] = np.einsum("ncijk,ocijk->no", patch, w)
    return y if b is None else y + b[None, :, None, None, None]


def _pool3d_ref(x: Any, kernel_size: int, stride: int | None = None, how: str = "max") -> Any:
    s = stride or kernel_size
    out = [(n - kernel_size) // s + 1 for n in x.shape[2:]]
    y = np.zeros(x.shape[:2] + tuple(out))
    for idx in np.ndindex(*out):
        box = x[(slice(None), slice(None)) + tuple(slice(i * s, i * s + kernel_size) for i in idx)]
        y[(slice(None), slice(None)) + idx] = (box.max(axis=(2, 3, 4)) if how == "max"
                                               else box.mean(axis=(2, 3, 4)))
    return y


register(OpSpec("nn.functional.conv3d", conv3d, nin=3, ref=_conv3d_ref,
                shapes=lambda rng: ((2, 2, 3, 4, 3), (3, 2, 2, 2, 2), (3,)),
                kwargs=({}, {"stride": 2, "padding": 1}), category="nn_convolution",
                notes="one 2-D convolution per depth tap of the kernel"))
register(OpSpec("nn.functional.max_pool3d", max_pool3d,
                ref=lambda x, kernel_size, stride=None: _pool3d_ref(x, kernel_size, stride),
                shapes=lambda rng: ((2, 2, 4, 4, 5),),
                kwargs=({"kernel_size": 2}, {"kernel_size": 3, "stride": 1}),
                category="nn_pooling", notes="separable: the maximum along each axis in turn"))
register(OpSpec("nn.functional.avg_pool3d", avg_pool3d,
                ref=lambda x, kernel_size, stride=None: _pool3d_ref(x, kernel_size, stride, "avg"),
                shapes=lambda rng: ((2, 2, 4, 4, 5),),
                kwargs=({"kernel_size": 2}, {"kernel_size": 3, "stride": 1}), category="nn_pooling"))
register(OpSpec("nn.functional.adaptive_avg_pool3d", adaptive_avg_pool3d,
                ref=lambda x, output_size: _pool3d_ref(x, x.shape[2] // output_size,
                                                       how="avg"),
                shapes=lambda rng: ((2, 2, 4, 4, 4),), kwargs=({"output_size": 2},),
                category="nn_pooling", notes="PyTorch's boxes; here an evenly dividing case"))
register(OpSpec("nn.functional.adaptive_max_pool3d", adaptive_max_pool3d,
                ref=lambda x, output_size: _pool3d_ref(x, x.shape[2] // output_size),
                shapes=lambda rng: ((2, 2, 4, 4, 4),), kwargs=({"output_size": 2},),
                category="nn_pooling"))
register(OpSpec("nn.functional.lp_pool3d", lp_pool3d, ref=None, domain="positive",
                shapes=lambda rng: ((1, 2, 3, 4, 3),),
                kwargs=({"norm_type": 2, "kernel_size": 2, "stride": 1},),
                category="nn_pooling", notes="positive inputs (x ** p, then the p-th root)"))
