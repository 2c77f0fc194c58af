"""Pooling: max, average and adaptive pooling in 1-D and 2-D, standard-only.

Max pooling is the elementwise ``maximum`` of the ``kh*kw`` strided window slices (about 30x
faster than reshaping and reducing); its backward routes the gradient through one-hot masks
of the first maximum (as PyTorch does) and adds the slices back functionally. Average
pooling is a convolution with a constant kernel, so it shares the convolution's primitive.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...autograd.function import Function
from ...fastpaths import fast_path
from ...ops._registry import OpSpec, register
from ._conv import Convolution, conv_core, conv_input_grad, pad4, windows
from ._util import crop_axis, device_of, dilate_axis, pair

__all__ = [
    "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d", "lp_pool1d", "lp_pool2d",
]


def _out_size(op: str, length: int, k: int, s: int, p: int, d: int, ceil_mode: bool,
              shape: tuple) -> tuple[int, int]:
    """Output length and the extra right padding that ``ceil_mode`` needs (PyTorch's rule)."""
    span = length + 2 * p - d * (k - 1) - 1
    if span < 0:
        raise ValueError(
            f"{op}: kernel of size {d * (k - 1) + 1} (dilated) is larger than the padded input "
            f"of size {length + 2 * p} (input of shape {shape})"
        )
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= length + p:
        out -= 1
    extra = max(0, (out - 1) * s + d * (k - 1) + 1 - (length + 2 * p))
    return out, extra


def _geometry(op: str, x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
              ceil_mode: bool) -> tuple:
    if len(x.shape) != 4:
        raise ValueError(f"{op}: expected a 4-D input (N, C, H, W), got shape {tuple(x.shape)}")
    kernel = pair(kernel_size, "kernel_size", op)
    stride = kernel if stride is None or stride == [] or stride == () else pair(stride, "stride", op)
    pads = pair(padding, "padding", op)
    dil = pair(dilation, "dilation", op)
    if min(kernel) < 1 or min(stride) < 1 or min(dil) < 1:
        raise ValueError(f"{op}: kernel_size, stride and dilation must be positive, got "
                         f"{kernel}, {stride} and {dil}")
    for p, k, d in zip(pads, kernel, dil):
        if p < 0 or 2 * p > d * (k - 1) + 1:
            raise ValueError(
                f"{op}: padding {pads} should be non-negative and at most half of the kernel "
                f"size {kernel}"
            )
    shape = tuple(x.shape)
    ho, eh = _out_size(op, shape[2], kernel[0], stride[0], pads[0], dil[0], ceil_mode, shape)
    wo, ew = _out_size(op, shape[3], kernel[1], stride[1], pads[1], dil[1], ceil_mode, shape)
    return kernel, stride, (pads[0], pads[0] + eh, pads[1], pads[1] + ew), dil, (ho, wo)


def col2im(xp: Any, parts: list, kernel: tuple, stride: tuple, dilation: tuple,
           padded_hw: tuple) -> Any:
    """Add each window slice's gradient back at its place in a fresh padded input."""
    kh, kw = kernel
    hp, wp = padded_hw
    n, c, ho, wo = parts[0].shape
    if stride == kernel and dilation == (1, 1):
        # Non-overlapping windows: interleave instead of K padded additions.
        y = xp.reshape(xp.stack(parts, axis=-1), (n, c, ho, wo, kh, kw))
        y = xp.reshape(xp.permute_dims(y, (0, 1, 2, 4, 3, 5)), (n, c, ho * kh, wo * kw))
        return pad4(xp, y, (0, hp - ho * kh, 0, wp - wo * kw))
    total = None
    k = 0
    for i in range(kh):
        for j in range(kw):
            g = dilate_axis(xp, dilate_axis(xp, parts[k], 2, stride[0]), 3, stride[1])
            h0, w0 = i * dilation[0], j * dilation[1]
            g = pad4(xp, g, (h0, hp - h0 - g.shape[2], w0, wp - w0 - g.shape[3]))
            total = g if total is None else total + g
            k += 1
    return total


def _first_max_masks(xp: Any, parts: list, out: Any) -> list:
    """One-hot masks of the first maximum of each window (PyTorch's tie rule)."""
    masks = []
    taken = None
    for p in parts:
        m = p == out
        if taken is not None:
            m = xp.logical_and(m, xp.logical_not(taken))
            taken = xp.logical_or(taken, m)
        else:
            taken = m
        masks.append(m)
    return masks


class MaxPool2DWithIndices(Function):
    """2-D max pooling (``MaxPool2DWithIndicesBackward0``, PyTorch's name)."""

    @staticmethod
    def forward(ctx: Any, x: Any, kernel: tuple, stride: tuple, pads: tuple, dilation: tuple) -> Any:
        xp = ctx.xp
        fast = fast_path("max_pool2d_forward", xp)
        hw = (x.shape[2] + pads[0] + pads[1], x.shape[3] + pads[2] + pads[3])
        ctx.geom = (kernel, stride, pads, dilation, hw)
        if fast is not None:
            # The backend kernel keeps what its backward needs; masks only if asked for.
            out, ctx.state = fast(x, kernel, stride, pads, dilation)
            ctx.masks = None
            return out
        xpad = pad4(xp, x, pads, -math.inf)
        parts, _, _ = windows(xp, xpad, kernel, stride, dilation)
        out = parts[0]
        for p in parts[1:]:
            out = xp.maximum(out, p)
        ctx.masks = _first_max_masks(xp, parts, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        kernel, stride, pads, dilation, padded_hw = ctx.geom
        masks = ctx.masks
        if masks is None:
            if not ctx.create_graph:
                return fast_path("max_pool2d_backward", xp)(ctx.state, gy), None, None, None, None
            # create_graph after a fast forward: the masks are constants of raw arrays.
            xpad, out = ctx.state[0], ctx.state[1]
            raw = ctx._backend.xp
            parts, _, _ = windows(raw, xpad, kernel, stride, dilation)
            masks = ctx.masks = _first_max_masks(raw, parts, out)
        parts = [gy * xp.astype(m, gy.dtype) for m in masks]
        gxp = col2im(xp, parts, kernel, stride, dilation, padded_hw)
        hp, wp = padded_hw
        gx = crop_axis(crop_axis(gxp, 2, pads[0], hp - pads[1]), 3, pads[2], wp - pads[3])
        return gx, None, None, None, None


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """2-D max pooling over ``(N, C, H, W)``; ``stride`` defaults to ``kernel_size``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.max_pool2d(anygrad.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    op = "max_pool2d"
    kernel, stride, pads, dil, _ = _geometry(op, input, kernel_size, stride, padding, dilation, ceil_mode)
    out = MaxPool2DWithIndices.apply(input, kernel, stride, pads, dil)
    if return_indices:
        return out, _max_indices(input, out, kernel, stride, pads, dil)
    return out


def _max_indices(x: Any, out: Any, kernel: tuple, stride: tuple, pads: tuple, dil: tuple) -> Any:
    """Flat ``h * W + w`` indices of each window's first maximum (non-differentiable)."""
    import anygrad as ag

    xp = x.xp
    xa, oa = x.array, out.array
    xpad = pad4(xp, xa, pads, -math.inf)
    parts, ho, wo = windows(xp, xpad, kernel, stride, dil)
    width = xa.shape[3]
    idx = None
    k = len(parts)
    for i in reversed(range(kernel[0])):
        for j in reversed(range(kernel[1])):
            k -= 1
            rows = np.arange(ho) * stride[0] + i * dil[0] - pads[0]
            cols = np.arange(wo) * stride[1] + j * dil[1] - pads[2]
            flat = xp.asarray((rows[:, None] * width + cols[None, :]).astype(np.int64),
                              device=device_of(xa))
            flat = xp.broadcast_to(flat, oa.shape)
            idx = flat if idx is None else xp.where(parts[k] == oa, flat, idx)
    return ag.asarray(idx, backend=x._backend)


def max_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """1-D max pooling over ``(N, C, L)``."""
    import anygrad as ag

    first = lambda v: pair(v, "", "max_pool1d")[0]  # noqa: E731
    _check3("max_pool1d", input)
    n, c, length = input.shape
    x = ag.reshape(input, (n, c, 1, length))
    s = None if stride is None or stride == [] or stride == () else (1, first(stride))
    res = max_pool2d(x, (1, first(kernel_size)), s, (0, first(padding)), (1, first(dilation)),
                     ceil_mode, return_indices)
    if return_indices:
        out, idx = res
        return ag.reshape(out, (n, c, out.shape[3])), ag.reshape(idx, (n, c, idx.shape[3]))
    return ag.reshape(res, (n, c, res.shape[3]))


def _check3(op: str, x: Any) -> None:
    if len(x.shape) != 3:
        raise ValueError(f"{op}: expected a 3-D input (N, C, L), got shape {tuple(x.shape)}")


def _divisor(length: int, out: int, k: int, s: int, p: int, include_pad: bool) -> np.ndarray:
    """Per-output window sizes along one axis (PyTorch's avg_pool divisor rule)."""
    div = np.empty(out)
    for o in range(out):
        start = o * s - p
        end = min(start + k, length + p)
        size = end - start
        real = min(end, length) - max(start, 0)
        div[o] = size if include_pad else real
    return div


class AvgPool2D(Function):
    """Average pooling with one divisor (``AvgPool2DBackward0``, PyTorch's name): a
    convolution of each channel with a box of ones, divided; its backward is the
    convolution's input gradient."""

    @staticmethod
    def forward(ctx: Any, x: Any, kernel: tuple, stride: tuple, pads: tuple, div: float) -> Any:
        xp = ctx.xp
        n, c, h, w = x.shape
        ones = xp.broadcast_to(xp.ones_like(x[:1, :1, :1, :1]), (1, 1) + kernel)
        xr = xp.reshape(x, (n * c, 1, h, w))
        y, _ = conv_core(xp, pad4(xp, xr, pads), ones, stride, (1, 1), 1)
        ctx.geom = (kernel, stride, pads, (h + pads[0] + pads[1], w + pads[2] + pads[3]),
                    (n, c, h, w), div)
        return xp.reshape(y, (n, c, y.shape[2], y.shape[3])) / div

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        kernel, stride, pads, padded_hw, (n, c, h, w), div = ctx.geom
        g = xp.reshape(gy / div, (n * c, 1, gy.shape[2], gy.shape[3]))
        ones = xp.broadcast_to(xp.ones_like(g[:1, :1, :1, :1]), (1, 1) + kernel)
        gx = conv_input_grad(xp, g, ones, padded_hw, pads, stride, (1, 1), 1)
        return xp.reshape(gx, (n, c, h, w)), None, None, None, None


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Any:
    """2-D average pooling over ``(N, C, H, W)``; ``stride`` defaults to ``kernel_size``."""
    import anygrad as ag

    op = "avg_pool2d"
    kernel, stride, pads, dil, (ho, wo) = _geometry(op, input, kernel_size, stride, padding, 1, ceil_mode)
    uniform = count_include_pad and pads[1] == pads[0] and pads[3] == pads[2]
    if divisor_override or uniform:
        div = float(divisor_override) if divisor_override else float(kernel[0] * kernel[1])
        return AvgPool2D.apply(input, kernel, stride, pads, div)
    n, c, h, w = input.shape
    x = ag.reshape(input, (n * c, 1, h, w))
    ones = ag.ones((1, 1) + kernel, dtype=input.dtype, backend=input._backend, device=input.device)
    y = Convolution.apply(x, ones, None, stride, pads, (1, 1), 1)
    y = ag.reshape(y, (n, c, ho, wo))
    dh = _divisor(h, ho, kernel[0], stride[0], pads[0], count_include_pad)
    dw = _divisor(w, wo, kernel[1], stride[1], pads[2], count_include_pad)
    div = ag.asarray(np.outer(dh, dw), dtype=input.dtype, backend=input._backend, device=input.device)
    return y / div


def avg_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,  # noqa: A002
               ceil_mode: bool = False, count_include_pad: bool = True) -> Any:
    """1-D average pooling over ``(N, C, L)``."""
    import anygrad as ag

    _check3("avg_pool1d", input)
    first = lambda v: pair(v, "", "avg_pool1d")[0]  # noqa: E731
    n, c, length = input.shape
    x = ag.reshape(input, (n, c, 1, length))
    s = None if stride is None or stride == [] or stride == () else (1, first(stride))
    y = avg_pool2d(x, (1, first(kernel_size)), s, (0, first(padding)), ceil_mode, count_include_pad)
    return ag.reshape(y, (n, c, y.shape[3]))


def _adaptive_bounds(length: int, out: int) -> list[tuple[int, int]]:
    return [((i * length) // out, -((-(i + 1) * length) // out)) for i in range(out)]


def _adaptive_matrix(length: int, out: int) -> np.ndarray:
    m = np.zeros((out, length))
    for i, (a, b) in enumerate(_adaptive_bounds(length, out)):
        m[i, a:b] = 1.0 / (b - a)
    return m


def _output_size(op: str, x: Any, output_size: Any) -> tuple[int, int]:
    if len(x.shape) != 4:
        raise ValueError(f"{op}: expected a 4-D input (N, C, H, W), got shape {tuple(x.shape)}")
    oh, ow = output_size if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    oh = x.shape[2] if oh is None else int(oh)
    ow = x.shape[3] if ow is None else int(ow)
    if oh < 1 or ow < 1:
        raise ValueError(f"{op}: output_size must be positive, got {output_size!r}")
    return oh, ow


def adaptive_avg_pool2d(input: Any, output_size: Any) -> Any:  # noqa: A002
    """Average pooling to a fixed output size: ``P_h @ x @ P_w^T`` with pooling matrices."""
    import anygrad as ag

    oh, ow = _output_size("adaptive_avg_pool2d", input, output_size)
    h, w = input.shape[2], input.shape[3]
    if (oh, ow) == (1, 1):
        return ag.mean(input, axis=(2, 3), keepdims=True)  # PyTorch's MeanBackward1
    kw = dict(dtype=input.dtype, backend=input._backend, device=input.device)
    y = input
    if ow != w:
        y = ag.matmul(y, ag.asarray(_adaptive_matrix(w, ow).T, **kw))
    if oh != h:
        y = ag.matmul(ag.asarray(_adaptive_matrix(h, oh), **kw), y)
    return y


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Any:  # noqa: A002
    import anygrad as ag

    _check3("adaptive_avg_pool1d", input)
    n, c, length = input.shape
    o = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    y = adaptive_avg_pool2d(ag.reshape(input, (n, c, 1, length)), (1, o))
    return ag.reshape(y, (n, c, y.shape[3]))


def adaptive_max_pool2d(input: Any, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """Max pooling to a fixed output size (windows as PyTorch's adaptive pooling)."""
    import anygrad as ag

    oh, ow = _output_size("adaptive_max_pool2d", input, output_size)
    h, w = input.shape[2], input.shape[3]
    if h % oh == 0 and w % ow == 0:
        return max_pool2d(input, (h // oh, w // ow), return_indices=return_indices)
    if return_indices:
        from ._pool_indices import adaptive_max_nd

        return adaptive_max_nd("adaptive_max_pool2d", 2, input, (oh, ow))
    rows = []
    for a, b in _adaptive_bounds(h, oh):
        cells = []
        for c0, c1 in _adaptive_bounds(w, ow):
            region = input[:, :, a:b, c0:c1]
            cells.append(max_pool2d(region, (b - a, c1 - c0)))
        rows.append(ag.concat(cells, axis=3))
    return ag.concat(rows, axis=2)


def adaptive_max_pool1d(input: Any, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    import anygrad as ag

    _check3("adaptive_max_pool1d", input)
    n, c, length = input.shape
    o = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    res = adaptive_max_pool2d(ag.reshape(input, (n, c, 1, length)), (1, o), return_indices)
    if return_indices:
        out, idx = res
        return ag.reshape(out, (n, c, out.shape[3])), ag.reshape(idx, (n, c, idx.shape[3]))
    return ag.reshape(res, (n, c, res.shape[3]))


def lp_root(op: str, avg: Any, window: int, norm_type: float) -> Any:
    """``(window * avg) ** (1 / p)`` of an average-pooled ``x ** p`` (PyTorch's Lp pooling,
    whose ``sign(s) * relu(|s|)`` is ``s`` itself)."""
    import anygrad as ag

    p = float(norm_type)
    if p == 0:
        raise ValueError(f"{op}: norm_type must be non-zero, got {norm_type!r}")
    return ag.pow(avg * window, 1.0 / p)


def lp_pool1d(input: Any, norm_type: float, kernel_size: int, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Any:
    """Power-average pooling over ``(N, C, L)``: ``(sum over the window of x**p) ** (1/p)``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.lp_pool1d(anygrad.tensor([[[3.0, 4.0]]]), 2, 2).tolist()
    [[[5.0]]]
    """
    import anygrad as ag

    k = pair(kernel_size, "kernel_size", "lp_pool1d")[0]
    avg = avg_pool1d(ag.pow(input, float(norm_type)), k, stride, 0, ceil_mode)
    return lp_root("lp_pool1d", avg, k, norm_type)


def lp_pool2d(input: Any, norm_type: float, kernel_size: Any, stride: Any = None,  # noqa: A002
              ceil_mode: bool = False) -> Any:
    """Power-average pooling over ``(N, C, H, W)``: ``(sum over the window of x**p) ** (1/p)``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.lp_pool2d(anygrad.ones(1, 1, 2, 2), 1, 2).tolist()
    [[[[4.0]]]]
    """
    import anygrad as ag

    kh, kw = pair(kernel_size, "kernel_size", "lp_pool2d")
    avg = avg_pool2d(ag.pow(input, float(norm_type)), (kh, kw), stride, 0, ceil_mode)
    return lp_root("lp_pool2d", avg, kh * kw, norm_type)


# -- registry entries (references and structured inputs: anygrad/testing/_references.py) --


def _distinct(shape: tuple) -> Any:
    """``make_inputs`` with pairwise distinct values (no ties inside a max-pool window), far
    enough apart that no finite difference reorders them."""
    def make(rng: Any, dtype: str) -> list:
        size = math.prod(shape)
        x = (rng.permutation(size) - size / 2) * (4.0 / size)
        return [x.reshape(shape).astype(dtype)]

    return make


_MAX_NOTES = "distinct inputs: the gradient goes to the window's first maximum (PyTorch's rule)"

register(OpSpec(
    "nn.functional.max_pool1d", max_pool1d, ref=None, make_inputs=_distinct((2, 2, 7)),
    kwargs=({"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                 "return_indices": True}),
    category="nn_pooling", notes=_MAX_NOTES))
register(OpSpec(
    "nn.functional.max_pool2d", max_pool2d, ref=None,
    make_inputs=_distinct((2, 2, 5, 5)),
    kwargs=({"kernel_size": 2},
            {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
            {"kernel_size": (2, 3), "stride": 1, "dilation": (2, 1), "return_indices": True}),
    category="nn_pooling", notes=_MAX_NOTES))
register(OpSpec(
    "nn.functional.avg_pool1d", avg_pool1d, ref=None, shapes=lambda rng: ((2, 2, 6),),
    kwargs=({"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                                 "count_include_pad": False}),
    category="nn_pooling"))
register(OpSpec(
    "nn.functional.avg_pool2d", avg_pool2d, ref=None, shapes=lambda rng: ((2, 2, 5, 5),),
    kwargs=({"kernel_size": 2},
            {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
             "count_include_pad": False},
            {"kernel_size": (2, 3), "stride": 1, "padding": (1, 0), "divisor_override": 4}),
    category="nn_pooling"))
register(OpSpec(
    "nn.functional.adaptive_avg_pool1d", adaptive_avg_pool1d,
    ref=None,
    shapes=lambda rng: ((2, 2, 7),), kwargs=({"output_size": 3},), category="nn_pooling"))
register(OpSpec(
    "nn.functional.adaptive_avg_pool2d", adaptive_avg_pool2d, ref=None,
    shapes=lambda rng: ((2, 2, 4, 5),),
    kwargs=({"output_size": (3, 2)}, {"output_size": (None, 4)}),
    category="nn_pooling", notes="overlapping cells when the output size does not divide"))


register(OpSpec(
    "nn.functional.adaptive_max_pool1d", adaptive_max_pool1d, ref=None,
    make_inputs=_distinct((2, 2, 6)),
    kwargs=({"output_size": 4}, {"output_size": 3, "return_indices": True}),
    category="nn_pooling", notes=_MAX_NOTES))
register(OpSpec(
    "nn.functional.adaptive_max_pool2d", adaptive_max_pool2d, ref=None,
    make_inputs=_distinct((2, 2, 4, 5)),
    kwargs=({"output_size": (3, 2)}, {"output_size": (2, 5), "return_indices": True}),
    category="nn_pooling", notes=_MAX_NOTES))
register(OpSpec(
    "nn.functional.lp_pool1d", lp_pool1d, ref=None, domain="positive",
    shapes=lambda rng: ((2, 2, 7),), kwargs=({"norm_type": 2, "kernel_size": 3, "stride": 2},),
    category="nn_pooling", notes="positive inputs (x ** p, then the p-th root)"))
register(OpSpec(
    "nn.functional.lp_pool2d", lp_pool2d, ref=None, domain="positive",
    shapes=lambda rng: ((2, 2, 5, 4),),
    kwargs=({"norm_type": 3, "kernel_size": 2}, {"norm_type": 1.5, "kernel_size": (3, 2),
                                                  "stride": 2, "ceil_mode": True}),
    category="nn_pooling", notes="positive inputs (x ** p, then the p-th root)"))
