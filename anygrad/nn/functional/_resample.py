"""Padding modes, pixel shuffles, interpolation and sliding-window ``unfold``/``fold``.

Everything here composes anygrad's differentiable operations (slices, flips,
concatenation, ``take``, reshapes), so gradients of any order come for free and every
backend works without a kernel of its own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import anygrad as _ag

from ...ops._registry import OpSpec, register
from ._conv import pad4, windows
from ._pool import col2im
from ._util import crop_axis, pair

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle",
           "interpolate", "unfold", "fold"]


# -- padding modes (F.pad's reflect, replicate and circular) ---------------------------------


def pad_mode(x: Any, pads: tuple, mode: str) -> Any:
    """``F.pad`` for ``mode`` in reflect, replicate, circular: slices, flips and concat."""
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(
            f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}")
    for k in range(len(pads) // 2):
        axis = x.ndim - 1 - k
        before, after = pads[2 * k], pads[2 * k + 1]
        n = x.shape[axis]
        if min(before, after) < 0:
            raise ValueError(f"pad: negative amounts {pads} are only supported by mode='constant'")
        if mode == "reflect" and (before >= n or after >= n):
            raise ValueError(
                f"pad: padding ({before}, {after}) should be less than the size {n} of the "
                f"padded dimension {axis} for mode='reflect' (input of shape {tuple(x.shape)})")
        if mode == "circular" and (before > n or after > n):
            raise ValueError(
                f"pad: padding ({before}, {after}) should be at most the size {n} of the padded "
                f"dimension {axis} for mode='circular' (input of shape {tuple(x.shape)})")
        if mode == "replicate" and n == 0 and before + after:
            raise ValueError(f"pad: cannot replicate an empty dimension {axis}")
        if mode == "reflect":
            left = _ag.flip(crop_axis(x, axis, 1, before + 1), axis=axis) if before else None
            right = _ag.flip(crop_axis(x, axis, n - 1 - after, n - 1), axis=axis) if after else None
        elif mode == "circular":
            left = crop_axis(x, axis, n - before, n) if before else None
            right = crop_axis(x, axis, 0, after) if after else None
        else:
            def edge(i: int, m: int) -> Any:
                shape = list(x.shape)
                shape[axis] = m
                return _ag.broadcast_to(crop_axis(x, axis, i, i + 1), tuple(shape))

            left = edge(0, before) if before else None
            right = edge(n - 1, after) if after else None
        parts = [p for p in (left, x, right) if p is not None]
        x = _ag.concat(parts, axis=axis) if len(parts) > 1 else x
    return x


# -- pixel shuffle -----------------------------------------------------------------------------


def pixel_shuffle(input: Any, upscale_factor: int) -> Any:  # noqa: A002
    """Rearrange ``(*, C*r*r, H, W)`` into ``(*, C, H*r, W*r)`` (sub-pixel convolution).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.pixel_shuffle(anygrad.arange(4.0).reshape(1, 4, 1, 1), 2).tolist()
    [[[[0.0, 1.0], [2.0, 3.0]]]]
    """
    r = int(upscale_factor)
    shape = tuple(input.shape)
    if len(shape) < 3 or r < 1 or shape[-3] % (r * r):
        raise ValueError(
            f"pixel_shuffle: expected an input of at least 3 dimensions whose channels "
            f"(dimension -3) divide by upscale_factor**2 = {r * r}, got shape {shape}")
    lead, (c, h, w) = shape[:-3], shape[-3:]
    y = _ag.reshape(input, (-1, c // (r * r), r, r, h, w))
    y = _ag.permute_dims(y, (0, 1, 4, 2, 5, 3))
    return _ag.reshape(y, lead + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Any, downscale_factor: int) -> Any:  # noqa: A002
    """The inverse of :func:`pixel_shuffle`: ``(*, C, H*r, W*r)`` into ``(*, C*r*r, H, W)``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.pixel_unshuffle(anygrad.arange(4.0).reshape(1, 1, 2, 2), 2).flatten().tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    r = int(downscale_factor)
    shape = tuple(input.shape)
    if len(shape) < 3 or r < 1 or shape[-2] % r or shape[-1] % r:
        raise ValueError(
            f"pixel_unshuffle: expected an input of at least 3 dimensions whose height and "
            f"width divide by downscale_factor = {r}, got shape {shape}")
    lead, (c, h, w) = shape[:-3], shape[-3:]
    y = _ag.reshape(input, (-1, c, h // r, r, w // r, r))
    y = _ag.permute_dims(y, (0, 1, 3, 5, 2, 4))
    return _ag.reshape(y, lead + (c * r * r, h // r, w // r))



def channel_shuffle(input: Any, groups: int) -> Any:  # noqa: A002
    """Interleave the channels of ``(N, C, *)`` across ``groups`` (ShuffleNet): channel
    ``g * (C // groups) + i`` moves to ``i * groups + g``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.channel_shuffle(anygrad.arange(4.0).reshape(1, 4, 1), 2).flatten().tolist()
    [0.0, 2.0, 1.0, 3.0]
    """
    g = int(groups)
    shape = tuple(input.shape)
    if len(shape) < 3 or g < 1 or shape[1] % g:
        raise ValueError(
            f"channel_shuffle: expected an input of at least 3 dimensions whose channels "
            f"(dimension 1) divide by groups = {groups}, got shape {shape}")
    y = _ag.reshape(input, (shape[0], g, shape[1] // g) + shape[2:])
    return _ag.reshape(_ag.swapaxes(y, 1, 2), shape)


def native_channel_shuffle(input: Any, groups: int) -> Any:  # noqa: A002
    """:func:`channel_shuffle` under PyTorch's other name (the same operation).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.native_channel_shuffle(anygrad.arange(4.0).reshape(1, 4, 1), 2).flatten().tolist()
    [0.0, 2.0, 1.0, 3.0]
    """
    return channel_shuffle(input, groups)


# -- interpolation -----------------------------------------------------------------------------

_LINEAR_DIMS = {"linear": 1, "bilinear": 2, "trilinear": 3}


def _sizes(op: str, shape: tuple, size: Any, scale_factor: Any,
           recompute: bool | None) -> tuple[list, list]:
    """Output sizes and the per-axis scales PyTorch maps output to input coordinates with."""
    dims = len(shape) - 2
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{op}: give exactly one of size and scale_factor")
    if size is not None:
        out = list(size) if isinstance(size, (tuple, list)) else [size] * dims
        if len(out) != dims:
            raise ValueError(f"{op}: size {size} should have {dims} entries for an input of "
                             f"shape {shape}")
        out = [int(s) for s in out]
        return out, [i / o for i, o in zip(shape[2:], out)]
    sf = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * dims
    if len(sf) != dims:
        raise ValueError(f"{op}: scale_factor {scale_factor} should have {dims} entries for an "
                         f"input of shape {shape}")
    out = [int(math.floor(i * float(s))) for i, s in zip(shape[2:], sf)]
    if recompute:
        return out, [i / o for i, o in zip(shape[2:], out)]
    return out, [1.0 / float(s) for s in sf]


def _index(x: Any, idx: np.ndarray, axis: int) -> Any:
    i = _ag.asarray(idx.astype(np.int64), backend=x._backend, device=x.device)
    return _ag.take(x, i, axis=axis)


def _linear_axis(x: Any, axis: int, n_out: int, scale: float, align_corners: bool) -> Any:
    n_in = x.shape[axis]
    dst = np.arange(n_out, dtype=np.float64)
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        src = np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = (src - i0).reshape((n_out,) + (1,) * (x.ndim - 1 - axis))
    w1 = _ag.asarray(lam, dtype=x.dtype, backend=x._backend, device=x.device)
    return _index(x, i0, axis) * (1.0 - w1) + _index(x, i1, axis) * w1


def interpolate(input: Any, size: Any = None, scale_factor: Any = None,  # noqa: A002
                mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Any:
    """Resize the spatial dimensions of ``(N, C, *spatial)``, as ``torch.nn.functional.interpolate``.

    Modes: ``nearest``, ``nearest-exact``, ``linear`` (3-D input), ``bilinear`` (4-D),
    ``trilinear`` (5-D) and ``area`` (adaptive average pooling, 3-D and 4-D). Linear modes
    take ``align_corners``; they interpolate one axis after the other.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.interpolate(anygrad.tensor([[[1.0, 2.0]]]), scale_factor=2).tolist()
    [[[1.0, 1.0, 2.0, 2.0]]]
    >>> F.interpolate(anygrad.tensor([[[1.0, 2.0]]]), size=3, mode="linear",
    ...               align_corners=True).tolist()
    [[[1.0, 1.5, 2.0]]]
    """
    shape = tuple(input.shape)
    if len(shape) < 3 or len(shape) > 5:
        raise ValueError(f"interpolate: expected a 3-D, 4-D or 5-D input (N, C, *spatial), got "
                         f"shape {shape}")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    linear = mode in _LINEAR_DIMS
    if linear and _LINEAR_DIMS[mode] != len(shape) - 2:
        raise ValueError(f"interpolate: mode={mode!r} expects a {_LINEAR_DIMS[mode] + 2}-D input, "
                         f"got shape {shape}")
    if align_corners is not None and not linear:
        raise ValueError(f"interpolate: align_corners applies to the linear modes only, not "
                         f"mode={mode!r}")
    out, scales = _sizes("interpolate", shape, size, scale_factor, recompute_scale_factor)
    if min(out) < 1:
        raise ValueError(f"interpolate: output size {out} should be positive")
    y = input
    if mode in ("nearest", "nearest-exact"):
        shift = 0.5 if mode == "nearest-exact" else 0.0
        for k, (n_out, s) in enumerate(zip(out, scales)):
            n_in = shape[2 + k]
            # float32 arithmetic, as PyTorch's CPU kernel: the same rounding at exact ties.
            src = np.floor((np.arange(n_out, dtype=np.float32) + np.float32(shift))
                           * np.float32(s))
            y = _index(y, np.minimum(src.astype(np.int64), n_in - 1), 2 + k)
        return y
    if linear:
        for k, (n_out, s) in enumerate(zip(out, scales)):
            y = _linear_axis(y, 2 + k, n_out, s, bool(align_corners))
        return y
    if mode == "area":
        from ._pool import adaptive_avg_pool1d, adaptive_avg_pool2d

        if len(shape) == 3:
            return adaptive_avg_pool1d(input, out[0])
        if len(shape) == 4:
            return adaptive_avg_pool2d(input, tuple(out))
        raise NotImplementedError("interpolate: mode='area' supports 3-D and 4-D inputs")
    raise NotImplementedError(
        f"interpolate: mode must be nearest, nearest-exact, linear, bilinear, trilinear or "
        f"area, got {mode!r}")


# -- unfold / fold -------------------------------------------------------------------------------


def _fold_geometry(op: str, kernel_size: Any, dilation: Any, padding: Any,
                   stride: Any) -> tuple:
    geo = tuple(pair(v, name, op) for v, name in ((kernel_size, "kernel_size"),
                                                   (dilation, "dilation"), (padding, "padding"),
                                                   (stride, "stride")))
    k, d, p, s = geo
    if min(k + d + s) < 1 or min(p) < 0:
        raise ValueError(f"{op}: kernel_size, dilation and stride must be positive and padding "
                         f"non-negative, got {k}, {d}, {s} and {p}")
    return geo


def unfold(input: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,  # noqa: A002
           stride: Any = 1) -> Any:
    """Sliding local blocks of ``(N, C, H, W)`` as columns: ``(N, C*kh*kw, L)`` (im2col).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.unfold(anygrad.ones(1, 2, 3, 3), 2).shape
    anygrad.Size([1, 8, 4])
    """
    k, d, p, s = _fold_geometry("unfold", kernel_size, dilation, padding, stride)
    shape = tuple(input.shape)
    if len(shape) == 3:
        return unfold(_ag.expand_dims(input, axis=0), k, d, p, s)[0]
    if len(shape) != 4:
        raise ValueError(f"unfold: expected a 3-D or 4-D input (N, C, H, W), got shape {shape}")
    ns = input.__array_namespace__()
    xpad = pad4(ns, input, (p[0], p[0], p[1], p[1]))
    if min(xpad.shape[2] - d[0] * (k[0] - 1), xpad.shape[3] - d[1] * (k[1] - 1)) < 1:
        raise ValueError(f"unfold: kernel {k} (dilation {d}) is larger than the padded input "
                         f"of shape {tuple(xpad.shape)}")
    parts, ho, wo = windows(ns, xpad, k, s, d)
    y = _ag.stack(parts, axis=2)
    return _ag.reshape(y, (shape[0], shape[1] * k[0] * k[1], ho * wo))


def fold(input: Any, output_size: Any, kernel_size: Any, dilation: Any = 1,  # noqa: A002
         padding: Any = 0, stride: Any = 1) -> Any:
    """Sum columns ``(N, C*kh*kw, L)`` back into ``(N, C, H, W)`` (col2im, the adjoint of unfold).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.fold(anygrad.ones(1, 4, 4), (3, 3), 2)[0, 0].tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    k, d, p, s = _fold_geometry("fold", kernel_size, dilation, padding, stride)
    hw = pair(output_size, "output_size", "fold")
    shape = tuple(input.shape)
    if len(shape) == 2:
        return fold(_ag.expand_dims(input, axis=0), hw, k, d, p, s)[0]
    kk = k[0] * k[1]
    hp, wp = hw[0] + 2 * p[0], hw[1] + 2 * p[1]
    ho = (hp - d[0] * (k[0] - 1) - 1) // s[0] + 1
    wo = (wp - d[1] * (k[1] - 1) - 1) // s[1] + 1
    if len(shape) != 3 or shape[1] % kk or ho < 1 or wo < 1 or shape[2] != ho * wo:
        raise ValueError(
            f"fold: expected an input (N, C*{kk}, {max(ho, 0) * max(wo, 0)}) for output_size "
            f"{hw}, kernel_size {k}, dilation {d}, padding {p} and stride {s}, got shape {shape}")
    c = shape[1] // kk
    cols = _ag.reshape(input, (shape[0], c, kk, ho, wo))
    parts = [cols[:, :, i] for i in range(kk)]
    y = col2im(input.__array_namespace__(), parts, k, s, d, (hp, wp))
    return crop_axis(crop_axis(y, 2, p[0], p[0] + hw[0]), 3, p[1], p[1] + hw[1])


# -- registry entries ------------------------------------------------------------------------------


def _pixel_shuffle_ref(x: Any, upscale_factor: int) -> Any:
    n, c, h, w = x.shape
    r = upscale_factor
    return x.reshape(n, c // r // r, r, r, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(
        n, c // r // r, h * r, w * r)


def _unfold_ref(x: Any, kernel_size: int, dilation: int = 1, padding: int = 0,
                stride: int = 1) -> Any:
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    span = dilation * (kernel_size - 1) + 1
    cols = [xp[:, :, i:i + span:dilation, j:j + span:dilation].reshape(x.shape[0], -1)
            for i in range(0, xp.shape[2] - span + 1, stride)
            for j in range(0, xp.shape[3] - span + 1, stride)]
    return np.stack(cols, axis=-1)


def _fold_ref(cols: Any, output_size: tuple, kernel_size: int, dilation: int = 1,
              padding: int = 0, stride: int = 1) -> Any:
    n, ckk, _ = cols.shape
    c = ckk // kernel_size ** 2
    h, w = output_size[0] + 2 * padding, output_size[1] + 2 * padding
    span = dilation * (kernel_size - 1) + 1
    out = np.zeros((n, c, h, w))
    pos = 0
    for i in range(0, h - span + 1, stride):
        for j in range(0, w - span + 1, stride):
            out[:, :, i:i + span:dilation, j:j + span:dilation] += cols[:, :, pos].reshape(
                n, c, kernel_size, kernel_size)
            pos += 1
    return out[:, :, padding:padding + output_size[0], padding:padding + output_size[1]]


def _interpolate_ref(x: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                     align_corners: bool | None = None) -> Any:
    """Per output position, PyTorch's documented source-coordinate rule, written as loops."""
    dims = x.ndim - 2
    out = [size] * dims if size is not None else [int(n * scale_factor) for n in x.shape[2:]]
    scales = ([n / o for n, o in zip(x.shape[2:], out)] if size is not None
              else [1.0 / scale_factor] * dims)
    y = x
    for k in range(dims):
        n_in, n_out, s = x.shape[2 + k], out[k], scales[k]
        moved = np.moveaxis(y, 2 + k, 0)
        res = np.empty((n_out,) + moved.shape[1:])
        for o in range(n_out):
            if mode == "nearest":
                res[o] = moved[min(int(np.floor(np.float32(o) * np.float32(s))), n_in - 1)]
                continue
            if align_corners:
                src = o * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
            else:
                src = max((o + 0.5) * s - 0.5, 0.0)
            i0 = min(int(src), n_in - 1)
            i1 = min(i0 + 1, n_in - 1)
            res[o] = moved[i0] * (1 - (src - i0)) + moved[i1] * (src - i0)
        y = np.moveaxis(res, 0, 2 + k)
    return y


register(OpSpec("nn.functional.pixel_shuffle", pixel_shuffle, ref=_pixel_shuffle_ref,
                shapes=lambda rng: ((2, 8, 2, 3),), kwargs=({"upscale_factor": 2},),
                category="nn_vision"))
register(OpSpec("nn.functional.pixel_unshuffle", pixel_unshuffle,
                ref=lambda x, downscale_factor: x.reshape(
                    x.shape[0], x.shape[1], x.shape[2] // downscale_factor, downscale_factor,
                    x.shape[3] // downscale_factor, downscale_factor).transpose(
                    0, 1, 3, 5, 2, 4).reshape(x.shape[0], -1, x.shape[2] // downscale_factor,
                                              x.shape[3] // downscale_factor),
                shapes=lambda rng: ((2, 2, 4, 6),), kwargs=({"downscale_factor": 2},),
                category="nn_vision"))
register(OpSpec("nn.functional.interpolate", interpolate, ref=_interpolate_ref,
                shapes=lambda rng: ((1, 2, 3, 4),),
                kwargs=({"scale_factor": 2}, {"size": 5, "mode": "bilinear"},
                        {"size": 5, "mode": "bilinear", "align_corners": True},
                        {"scale_factor": 0.5, "mode": "bilinear"}),
                category="nn_vision",
                notes="nearest, nearest-exact, linear, bilinear, trilinear (align_corners both "
                      "ways) and area; linear modes interpolate one axis after the other"))
register(OpSpec("nn.functional.unfold", unfold, ref=_unfold_ref,
                shapes=lambda rng: ((2, 2, 4, 5),),
                kwargs=({"kernel_size": 2}, {"kernel_size": 2, "dilation": 2, "padding": 1,
                                             "stride": 2}),
                category="nn_vision", notes="im2col: (N, C*kh*kw, L)"))
register(OpSpec("nn.functional.fold", fold, ref=_fold_ref,
                make_inputs=lambda rng, dtype, variant: [
                    rng.standard_normal((2, 8, 12) if variant == 0 else (2, 8, 6)).astype(dtype)],
                kwargs=({"output_size": (4, 5), "kernel_size": 2},
                        {"output_size": (4, 5), "kernel_size": 2, "dilation": 2, "padding": 1,
                         "stride": 2}),
                category="nn_vision", notes="col2im, the adjoint of unfold; overlaps add up"))
register(OpSpec("nn.functional.channel_shuffle", channel_shuffle, ref=None,
                shapes=lambda rng: ((2, 6, 2, 1),), kwargs=({"groups": 3},),
                category="nn_vision"))
register(OpSpec("nn.functional.native_channel_shuffle", native_channel_shuffle, ref=None,
                shapes=lambda rng: ((2, 4, 3),), kwargs=({"groups": 2},),
                category="nn_vision"))
