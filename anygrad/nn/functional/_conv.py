"""conv1d, conv2d and conv_transpose2d, standard-only (docs/design.md, 'Convolution and pooling').

Forward pads by concatenating zero blocks, gathers the ``kh*kw`` strided slices of the
padded input (im2col as ``stack``) and does one broadcast ``matmul`` per group. The input
gradient is itself a stride-1 convolution of the (zero-dilated, padded) output gradient
with the flipped, transposed kernel, so forward and backward share one code path, and a
transposed convolution is that same input-gradient code run forwards.
"""

from __future__ import annotations

from typing import Any

from ...autograd.function import Function
from ...fastpaths import fast_path
from ...ops._registry import OpSpec, register
from ._util import crop_axis, dilate_axis, pad_axis, pair

__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "conv_tbc"]


def pad4(xp: Any, x: Any, pads: tuple, value: float = 0.0) -> Any:
    """Pad the last two axes of a 4-D array by ``(top, bottom, left, right)``."""
    t, b, l, r = pads
    x = pad_axis(xp, x, 2, t, b, value)
    return pad_axis(xp, x, 3, l, r, value)


def windows(xp: Any, xpad: Any, kernel: tuple, stride: tuple, dilation: tuple) -> tuple[list, int, int]:
    """The ``kh*kw`` strided slices of ``xpad`` (each ``(N, C, Ho, Wo)``) and ``Ho, Wo``."""
    kh, kw = kernel
    sh, sw = stride
    dh, dw = dilation
    hp, wp = xpad.shape[2], xpad.shape[3]
    ho = (hp - dh * (kh - 1) - 1) // sh + 1
    wo = (wp - dw * (kw - 1) - 1) // sw + 1
    out = []
    for i in range(kh):
        h0 = i * dh
        for j in range(kw):
            w0 = j * dw
            out.append(xpad[:, :, h0:h0 + sh * (ho - 1) + 1:sh, w0:w0 + sw * (wo - 1) + 1:sw])
    return out, ho, wo


def im2col(xp: Any, xpad: Any, kernel: tuple, stride: tuple, dilation: tuple, groups: int) -> tuple[Any, int, int]:
    """Columns ``(N, groups, C/groups * kh*kw, Ho*Wo)`` of a padded input."""
    n, c = xpad.shape[0], xpad.shape[1]
    kh, kw = kernel
    if kh == 1 and kw == 1 and stride == (1, 1):
        ho, wo = xpad.shape[2], xpad.shape[3]
        return xp.reshape(xpad, (n, groups, c // groups, ho * wo)), ho, wo
    parts, ho, wo = windows(xp, xpad, kernel, stride, dilation)
    cols = xp.stack(parts, axis=2)  # (N, C, kh*kw, Ho, Wo): channel-major, as the weight
    return xp.reshape(cols, (n, groups, (c // groups) * kh * kw, ho * wo)), ho, wo


def conv_core(xp: Any, xpad: Any, w: Any, stride: tuple, dilation: tuple, groups: int) -> tuple[Any, Any]:
    """Convolution of an already padded input (no bias); also returns the columns."""
    o, cg, kh, kw = w.shape
    cols, ho, wo = im2col(xp, xpad, (kh, kw), stride, dilation, groups)
    wm = xp.reshape(w, (groups, o // groups, cg * kh * kw))
    # A per-sample broadcast matmul measured faster than one GEMM over transposed columns.
    y = xp.matmul(wm, cols)
    return xp.reshape(y, (xpad.shape[0], o, ho, wo)), cols


def conv_input_grad(xp: Any, gy: Any, w: Any, padded_hw: tuple, pads: tuple, stride: tuple,
                    dilation: tuple, groups: int) -> Any:
    """Gradient of a convolution with respect to its (unpadded) input.

    A stride-1 convolution of ``gy`` -- zero-dilated by the stride and padded by the
    dilated kernel extent -- with the flipped kernel whose in/out channels are swapped.
    """
    o, cg, kh, kw = w.shape
    sh, sw = stride
    dh, dw = dilation
    hp, wp = padded_hw
    g = dilate_axis(xp, dilate_axis(xp, gy, 2, sh), 3, sw)
    hd, wd = g.shape[2], g.shape[3]
    g = pad4(xp, g, (dh * (kh - 1), hp - hd, dw * (kw - 1), wp - wd))
    og = o // groups
    wt = xp.reshape(w, (groups, og, cg, kh, kw))
    wt = xp.permute_dims(wt, (0, 2, 1, 3, 4))
    wt = xp.flip(xp.reshape(wt, (groups * cg, og, kh, kw)), axis=(2, 3))
    gxp, _ = conv_core(xp, g, wt, (1, 1), dilation, groups)
    t, b, l, r = pads
    return crop_axis(crop_axis(gxp, 2, t, hp - b), 3, l, wp - r)


def conv_weight_grad(xp: Any, cols: Any, gy: Any, wshape: tuple, groups: int) -> Any:
    """Gradient of a convolution with respect to its kernel, from the input's columns."""
    n, o = gy.shape[0], gy.shape[1]
    g = xp.reshape(gy, (n, groups, o // groups, gy.shape[2] * gy.shape[3]))
    gw = xp.sum(xp.matmul(g, xp.matrix_transpose(cols)), axis=0)
    return xp.reshape(gw, wshape)


class Convolution(Function):
    """2-D convolution (cross-correlation), bias included: one node each direction
    (``ConvolutionBackward0``, PyTorch's name)."""

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, b: Any, stride: tuple, pads: tuple, dilation: tuple,
                groups: int) -> Any:
        xp = ctx.xp
        fast = fast_path("conv2d_forward", xp) if groups == 1 else None
        padded_hw = (x.shape[2] + pads[0] + pads[1], x.shape[3] + pads[2] + pads[3])
        if fast is not None:
            y, cols = fast(x, w, b, stride, pads, dilation)
        else:
            xpad = pad4(xp, x, pads)
            y, cols = conv_core(xp, xpad, w, stride, dilation, groups)
            if b is not None:
                y = y + xp.reshape(b, (1, b.shape[0], 1, 1))
        ctx.save_for_backward(x, w)
        # The columns are reused by the weight gradient of an ordinary backward; under
        # create_graph they are recomputed from the saved input, so they stay connected.
        ctx.cols = cols
        ctx.opts = (stride, pads, dilation, groups, padded_hw, fast is not None)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, w = ctx.saved_tensors
        xp = ctx.xp
        stride, pads, dilation, groups, padded_hw, fast = ctx.opts
        needs = ctx.needs_input_grad
        cols, ctx.cols = ctx.cols, None
        if fast and not ctx.create_graph:
            # The backend's kernel, same meaning; under create_graph the generic code runs.
            gx, gw, gb = fast_path("conv2d_backward", xp)(x, w, cols, gy, stride, pads, dilation, needs)
            return gx, gw, gb, None, None, None, None
        gx = gw = gb = None
        if needs[0]:
            gx = conv_input_grad(xp, gy, w, padded_hw, pads, stride, dilation, groups)
        if needs[1]:
            if cols is None or ctx.create_graph:
                cols, _, _ = im2col(xp, pad4(xp, x, pads), tuple(w.shape[2:]), stride, dilation, groups)
            gw = conv_weight_grad(xp, cols, gy, tuple(w.shape), groups)
        if len(needs) > 2 and needs[2]:
            gb = xp.sum(gy, axis=(0, 2, 3))
        return gx, gw, gb, None, None, None, None


Conv2d = Convolution


class ConvTranspose2d(Function):
    """2-D transposed convolution: the input gradient of :class:`Convolution`, run forwards."""

    def name(self) -> str:
        return "ConvolutionBackward0"  # PyTorch's one node for every convolution

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, b: Any, stride: tuple, pads: tuple, dilation: tuple,
                groups: int, padded_hw: tuple) -> Any:
        xp = ctx.xp
        y = conv_input_grad(xp, x, w, padded_hw, pads, stride, dilation, groups)
        if b is not None:
            y = y + xp.reshape(b, (1, b.shape[0], 1, 1))
        ctx.save_for_backward(x, w)
        ctx.opts = (stride, pads, dilation, groups)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, w = ctx.saved_tensors
        xp = ctx.xp
        stride, pads, dilation, groups = ctx.opts
        needs = ctx.needs_input_grad
        gx = gw = gb = None
        gpad = pad4(xp, gy, pads)
        if needs[0]:
            gx, _ = conv_core(xp, gpad, w, stride, dilation, groups)
        if needs[1]:
            cols, _, _ = im2col(xp, gpad, tuple(w.shape[2:]), stride, dilation, groups)
            gw = conv_weight_grad(xp, cols, x, tuple(w.shape), groups)
        if len(needs) > 2 and needs[2]:
            gb = xp.sum(gy, axis=(0, 2, 3))
        return gx, gw, gb, None, None, None, None, None


def _check_input(op: str, x: Any, w: Any, groups: int, ndim: int, transposed: bool = False) -> None:
    xs, ws = tuple(x.shape), tuple(w.shape)
    if len(xs) != ndim + 2 or len(ws) != ndim + 2:
        raise ValueError(
            f"{op}: expected a {ndim + 2}-D input (batch, channels, spatial...) and a "
            f"{ndim + 2}-D weight, got input of shape {xs} and weight of shape {ws}"
        )
    if groups < 1 or ws[0] % groups:
        raise ValueError(f"{op}: groups={groups} must divide the channels of weight {ws}")
    expected = ws[0] if transposed else ws[1] * groups
    if xs[1] != expected:
        raise ValueError(
            f"{op}: expected input with {expected} channels (weight of shape {ws}, groups="
            f"{groups}), got input of shape {xs}"
        )


def _pads(op: str, padding: Any, kernel: tuple, dilation: tuple, stride: tuple) -> tuple:
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
            out = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                out += [total // 2, total - total // 2]
            return tuple(out)
        raise ValueError(f"{op}: padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
    ph, pw = pair(padding, "padding", op)
    if ph < 0 or pw < 0:
        raise ValueError(f"{op}: padding must be non-negative, got {padding!r}")
    return (ph, ph, pw, pw)


def _conv2d(op: str, x: Any, weight: Any, bias: Any, stride: Any, padding: Any, dilation: Any,
            groups: int) -> Any:
    _check_input(op, x, weight, groups, 2)
    stride = pair(stride, "stride", op)
    dilation = pair(dilation, "dilation", op)
    kh, kw = weight.shape[2], weight.shape[3]
    pads = _pads(op, padding, (kh, kw), dilation, stride)
    hp = x.shape[2] + pads[0] + pads[1]
    wp = x.shape[3] + pads[2] + pads[3]
    if dilation[0] * (kh - 1) + 1 > hp or dilation[1] * (kw - 1) + 1 > wp:
        raise ValueError(
            f"{op}: kernel of size ({dilation[0] * (kh - 1) + 1}, {dilation[1] * (kw - 1) + 1}) "
            f"(dilated; weight of shape {tuple(weight.shape)}) is larger than the padded input of "
            f"size ({hp}, {wp}) (input of shape {tuple(x.shape)})"
        )
    if min(stride) < 1 or min(dilation) < 1:
        raise ValueError(f"{op}: stride and dilation must be positive, got {stride} and {dilation}")
    return Convolution.apply(x, weight, bias, stride, pads, dilation, groups)


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,  # noqa: A002
           dilation: Any = 1, groups: int = 1) -> Any:
    """2-D convolution over ``(N, C, H, W)`` with a ``(O, C/groups, kh, kw)`` kernel.

    Parameters
    ----------
    padding : int, pair, 'same' or 'valid'
        Zero padding on each side ('same' keeps the size for stride 1).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.conv2d(anygrad.ones(1, 1, 4, 4), anygrad.ones(2, 1, 3, 3)).shape
    anygrad.Size([1, 2, 2, 2])
    """
    return _conv2d("conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,  # noqa: A002
           dilation: Any = 1, groups: int = 1, *, _op: str = "conv1d") -> Any:
    """1-D convolution over ``(N, C, L)`` (a 2-D convolution of height 1)."""
    import anygrad as ag

    _check_input(_op, input, weight, groups, 1)
    one = lambda v, name: (1, pair(v, name, _op)[0])  # noqa: E731
    if isinstance(padding, str):
        pad = padding
    else:
        pad = (0, pair(padding, "padding", _op)[0])
    n, c, length = input.shape
    x = ag.reshape(input, (n, c, 1, length))
    w = ag.reshape(weight, (weight.shape[0], weight.shape[1], 1, weight.shape[2]))
    y = _conv2d(_op, x, w, bias, one(stride, "stride"), pad, one(dilation, "dilation"), groups)
    return ag.reshape(y, (n, y.shape[1], y.shape[3]))


def conv_transpose2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1, *, _op: str = "conv_transpose2d") -> Any:
    """2-D transposed convolution; ``weight`` is ``(C_in, C_out/groups, kh, kw)``."""
    _check_input(_op, input, weight, groups, 2, transposed=True)
    stride = pair(stride, "stride", _op)
    dilation = pair(dilation, "dilation", _op)
    ph, pw = pair(padding, "padding", _op)
    oph, opw = pair(output_padding, "output_padding", _op)
    if oph >= max(stride[0], dilation[0]) or opw >= max(stride[1], dilation[1]):
        raise ValueError(
            f"{_op}: output_padding {(oph, opw)} must be smaller than stride {stride} or dilation {dilation}"
        )
    kh, kw = weight.shape[2], weight.shape[3]
    h, w = input.shape[2], input.shape[3]
    hp = (h - 1) * stride[0] + dilation[0] * (kh - 1) + 1 + oph
    wp = (w - 1) * stride[1] + dilation[1] * (kw - 1) + 1 + opw
    if hp - 2 * ph <= 0 or wp - 2 * pw <= 0:
        raise ValueError(
            f"{_op}: padding {(ph, pw)} leaves no output for input of shape {tuple(input.shape)} "
            f"and weight of shape {tuple(weight.shape)}"
        )
    # The bottom/right pads absorb output_padding: rows the kernel reaches only there.
    pads = (ph, ph, pw, pw)
    return ConvTranspose2d.apply(input, weight, bias, stride, pads, dilation, groups, (hp, wp))


def conv_transpose1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Any:
    """1-D transposed convolution over ``(N, C, L)``."""
    import anygrad as ag

    op = "conv_transpose1d"
    n, c, length = input.shape
    x = ag.reshape(input, (n, c, 1, length))
    w = ag.reshape(weight, (weight.shape[0], weight.shape[1], 1, weight.shape[2]))
    first = lambda v, name: pair(v, name, op)[0]  # noqa: E731
    y = conv_transpose2d(x, w, bias, (1, first(stride, "stride")), (0, first(padding, "padding")),
                         (0, first(output_padding, "output_padding")), groups,
                         (1, first(dilation, "dilation")), _op=op)
    return ag.reshape(y, (n, y.shape[1], y.shape[3]))



def _triple(v: Any, name: str, op: str) -> tuple:
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return (int(v[0]),) * 3
        if len(v) != 3:
            raise ValueError(f"{op}: expected {name} to be an int or a triple, got {v!r}")
        return tuple(int(a) for a in v)
    return (int(v),) * 3


def conv_transpose3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,  # noqa: A002
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1) -> Any:
    """3-D transposed convolution of ``(N, C_in, D, H, W)`` with a weight
    ``(C_in, C_out/groups, kd, kh, kw)``.

    One 2-D transposed convolution per depth tap of the kernel (the depth slices folded
    into the batch), each placed at its depth offset ``d * stride + tap * dilation``, so it
    composes differentiable operations.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.conv_transpose3d(anygrad.ones(1, 2, 2, 3, 3), anygrad.ones(2, 4, 2, 2, 2)).shape
    anygrad.Size([1, 4, 3, 4, 4])
    """
    import anygrad as ag

    op = "conv_transpose3d"
    unbatched = input.ndim == 4
    x = ag.expand_dims(input, axis=0) if unbatched else input
    _check_input(op, x, weight, groups, 3, transposed=True)
    s, p = _triple(stride, "stride", op), _triple(padding, "padding", op)
    opad, d = _triple(output_padding, "output_padding", op), _triple(dilation, "dilation", op)
    if min(s + d) < 1 or min(p + opad) < 0:
        raise ValueError(f"{op}: stride and dilation must be positive, padding and output_padding "
                         f"non-negative, got {s}, {d}, {p} and {opad}")
    if any(o >= max(si, di) for o, si, di in zip(opad, s, d)):
        raise ValueError(f"{op}: output_padding {opad} must be smaller than stride {s} or "
                         f"dilation {d}")
    n, c, depth, h, w = x.shape
    kd = weight.shape[2]
    full = (depth - 1) * s[0] + d[0] * (kd - 1) + 1 + opad[0]
    if full - 2 * p[0] <= 0:
        raise ValueError(f"{op}: padding {p} leaves no output for input of shape "
                         f"{tuple(input.shape)} and weight of shape {tuple(weight.shape)}")
    xs = ag.reshape(ag.permute_dims(x, (0, 2, 1, 3, 4)), (n * depth, c, h, w))
    ns = x.__array_namespace__()
    y = None
    for i in range(kd):
        z = conv_transpose2d(xs, weight[:, :, i], None, s[1:], p[1:], opad[1:], groups, d[1:],
                             _op=op)
        z = ag.permute_dims(ag.reshape(z, (n, depth) + tuple(z.shape[1:])), (0, 2, 1, 3, 4))
        z = dilate_axis(ns, z, 2, s[0])
        z = pad_axis(ns, z, 2, i * d[0], full - z.shape[2] - i * d[0])
        y = z if y is None else y + z
    y = crop_axis(y, 2, p[0], full - p[0])
    if bias is not None:
        y = y + ag.reshape(bias, (1, -1, 1, 1, 1))
    return y[0] if unbatched else y


def conv_tbc(input: Any, weight: Any, bias: Any, pad: int = 0) -> Any:  # noqa: A002
    """1-D convolution in time-batch-channel layout: ``input (T, B, C_in)``, ``weight
    (K, C_in, C_out)``, ``bias (C_out,)``, zero padding ``pad`` on both ends of time.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.conv_tbc(anygrad.ones(5, 2, 3), anygrad.ones(3, 3, 4), anygrad.zeros(4), 1).shape
    anygrad.Size([5, 2, 4])
    """
    import anygrad as ag

    op = "conv_tbc"
    if input.ndim != 3 or weight.ndim != 3 or bias is None or bias.ndim != 1:
        raise ValueError(f"{op}: expected input (T, B, C_in), weight (K, C_in, C_out) and bias "
                         f"(C_out,), got shapes {tuple(input.shape)}, {tuple(weight.shape)} and "
                         f"{None if bias is None else tuple(bias.shape)}")
    if input.shape[2] != weight.shape[1] or bias.shape[0] != weight.shape[2]:
        raise ValueError(f"{op}: expected input channels {weight.shape[1]} and bias of size "
                         f"{weight.shape[2]} for weight of shape {tuple(weight.shape)}, got input "
                         f"of shape {tuple(input.shape)} and bias of shape {tuple(bias.shape)}")
    x = ag.permute_dims(input, (1, 2, 0))
    wt = ag.permute_dims(weight, (2, 1, 0))
    y = conv1d(x, wt, bias, 1, int(pad), _op=op)
    return ag.permute_dims(y, (2, 0, 1))


# -- registry entries (references and structured inputs: anygrad/testing/_references.py) --


def _shaped_inputs(shapes: tuple) -> Any:
    """``make_inputs(rng, dtype, variant)`` drawing uniform values of ``shapes[variant]``."""
    def make(rng: Any, dtype: str, variant: int) -> list:
        return [rng.uniform(-1.5, 1.5, s).astype(dtype) for s in shapes[variant]]

    return make


_NOTES = "tiny shapes; the variants cover stride, padding ('same' too), dilation and groups"

register(OpSpec(
    "nn.functional.conv1d", conv1d, ref=None, nin=3, category="nn_convolution",
    kwargs=({}, {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}, {"padding": "same"}),
    make_inputs=_shaped_inputs((((2, 2, 6), (3, 2, 3), (3,)), ((2, 2, 7), (4, 1, 2), (4,)),
                                ((2, 2, 5), (2, 2, 4), (2,)))),
    notes=_NOTES))
register(OpSpec(
    "nn.functional.conv2d", conv2d, ref=None, nin=3, category="nn_convolution",
    kwargs=({}, {"stride": 2, "padding": 1, "dilation": (1, 2), "groups": 2},
            {"padding": "same"}),
    make_inputs=_shaped_inputs((((2, 2, 4, 4), (3, 2, 3, 3), (3,)),
                                ((2, 2, 5, 6), (4, 1, 2, 2), (4,)),
                                ((1, 2, 3, 4), (2, 2, 2, 3), (2,)))),
    notes=_NOTES))
register(OpSpec(
    "nn.functional.conv_transpose1d", conv_transpose1d, ref=None, nin=3,
    category="nn_convolution",
    kwargs=({}, {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2, "dilation": 2}),
    make_inputs=_shaped_inputs((((2, 2, 4), (2, 3, 3), (3,)), ((2, 2, 4), (2, 2, 2), (4,)))),
    notes="the variants cover stride, padding, output_padding, dilation and groups"))
register(OpSpec(
    "nn.functional.conv_transpose2d", conv_transpose2d, ref=None, nin=3,
    category="nn_convolution",
    kwargs=({}, {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
            {"stride": (1, 2), "padding": (1, 0), "dilation": 2}),
    make_inputs=_shaped_inputs((((2, 2, 3, 3), (2, 3, 3, 3), (3,)),
                                ((2, 2, 3, 2), (2, 2, 2, 3), (4,)),
                                ((1, 2, 3, 2), (2, 2, 2, 2), (2,)))),
    notes="the variants cover stride, padding, output_padding, dilation and groups"))
register(OpSpec(
    "nn.functional.conv_transpose3d", conv_transpose3d, ref=None, nin=3,
    category="nn_convolution",
    kwargs=({}, {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
            {"stride": (1, 2, 1), "padding": (1, 0, 0), "dilation": 2}),
    make_inputs=_shaped_inputs((((1, 2, 2, 3, 2), (2, 2, 2, 2, 2), (2,)),
                                ((1, 2, 2, 2, 2), (2, 1, 2, 2, 2), (2,)),
                                ((1, 2, 2, 2, 2), (2, 2, 2, 2, 1), (2,)))),
    notes="one 2-D transposed convolution per depth tap; the variants cover stride, padding, "
          "output_padding, dilation and groups"))
register(OpSpec(
    "nn.functional.conv_tbc", conv_tbc, ref=None, nin=3, category="nn_convolution",
    kwargs=({}, {"pad": 1}),
    make_inputs=_shaped_inputs((((5, 2, 3), (3, 3, 2), (2,)),) * 2),
    notes="time-batch-channel layout: a 1-D convolution of the permuted input"))
