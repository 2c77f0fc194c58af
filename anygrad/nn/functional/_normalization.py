"""Normalisation: batch_norm, layer_norm, group_norm, instance_norm.

Written as compositions of differentiable ops, so they differentiate to any order without a
backward of their own.
"""

from __future__ import annotations

from typing import Any

import anygrad as _ag

from ...autograd.function import Function
from ...autograd.grad_mode import no_grad
from ...ops._registry import OpSpec, register

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "local_response_norm",
           "rms_norm"]


def _normalize(x: Any, axes: tuple, eps: float) -> tuple[Any, Any, Any]:
    mean = _ag.mean(x, axis=axes, keepdims=True)
    d = x - mean
    var = _ag.mean(d * d, axis=axes, keepdims=True)
    return d * (var + eps) ** -0.5, mean, var


def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Any = None,  # noqa: A002
               bias: Any = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-5) -> Any:
    """Batch normalisation over all axes but the channel axis 1.

    In training mode it normalises with the batch statistics and updates ``running_mean``
    and ``running_var`` (unbiased) in place; otherwise it uses them.
    """
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise ValueError(f"batch_norm: expected an input of at least 2 dimensions, got shape {shape}")
    c = shape[1]
    bshape = (1, c) + (1,) * (len(shape) - 2)
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(
                f"batch_norm: expected {name} of shape ({c},) for input of shape {shape}, got "
                f"{tuple(t.shape)}"
            )
    axes = (0,) + tuple(range(2, len(shape)))
    if training:
        n = input.numel() // c
        if n <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got input "
                f"of shape {shape}"
            )
        if running_mean is not None or running_var is not None:
            with no_grad():
                x = input.detach()
                mean = _ag.mean(x, axis=axes)
                d = x - _ag.reshape(mean, bshape)
                var = _ag.mean(d * d, axis=axes)
                if running_mean is not None:
                    running_mean.copy_(running_mean * (1.0 - momentum) + mean * momentum)
                if running_var is not None:
                    running_var.copy_(running_var * (1.0 - momentum)
                                      + var * (n / (n - 1)) * momentum)
        return NativeBatchNorm.apply(input, weight, bias, axes, float(eps))
    else:
        if running_mean is None or running_var is None:
            y, _, _ = _normalize(input, axes, eps)
        else:
            y = (input - _ag.reshape(running_mean, bshape)) * (_ag.reshape(running_var, bshape) + eps) ** -0.5
    if weight is not None:
        y = y * _ag.reshape(weight, bshape)
    if bias is not None:
        y = y + _ag.reshape(bias, bshape)
    return y


def instance_norm(input: Any, running_mean: Any = None, running_var: Any = None,  # noqa: A002
                  weight: Any = None, bias: Any = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Any:
    """Normalise each (sample, channel) over its spatial axes.

    With ``use_input_stats`` (the default) it uses each instance's statistics and updates
    ``running_mean`` and ``running_var`` (unbiased), when given, in place with their batch
    averages; otherwise it normalises with the running statistics, as PyTorch does.
    """
    shape = tuple(input.shape)
    if len(shape) < 3:
        raise ValueError(
            f"instance_norm: expected an input of at least 3 dimensions (N, C, ...), got shape "
            f"{shape}")
    c = shape[1]
    bshape = (1, c) + (1,) * (len(shape) - 2)
    if use_input_stats:
        y, mean, var = _normalize(input, tuple(range(2, len(shape))), eps)
        n = input.numel() // (shape[0] * c)
        if running_mean is not None:
            with no_grad():
                m = _ag.mean(_ag.reshape(mean.detach(), (shape[0], c)), axis=0)
                running_mean.copy_(running_mean * (1.0 - momentum) + m * momentum)
        if running_var is not None:
            with no_grad():
                v = _ag.mean(_ag.reshape(var.detach(), (shape[0], c)), axis=0)
                v = v * (n / (n - 1)) if n > 1 else v
                running_var.copy_(running_var * (1.0 - momentum) + v * momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "instance_norm: expected running_mean and running_var when use_input_stats=False")
        y = (input - _ag.reshape(running_mean, bshape)) * (
            _ag.reshape(running_var, bshape) + eps) ** -0.5
    if weight is not None:
        y = y * _ag.reshape(weight, bshape)
    if bias is not None:
        y = y + _ag.reshape(bias, bshape)
    return y


def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None,  # noqa: A002
               eps: float = 1e-5) -> Any:
    """Normalise over the trailing ``normalized_shape`` axes."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = tuple(input.shape)
    if not ns or shape[len(shape) - len(ns):] != ns:
        raise ValueError(
            f"layer_norm: normalized_shape {ns} does not match the trailing dimensions of input "
            f"of shape {shape}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != ns:
            raise ValueError(f"layer_norm: expected {name} of shape {ns}, got {tuple(t.shape)}")
    return NativeLayerNorm.apply(input, weight, bias,
                                 tuple(range(len(shape) - len(ns), len(shape))), float(eps))


class NativeLayerNorm(Function):
    """Layer normalisation as one node (``NativeLayerNormBackward0``, PyTorch's name).

    The backward recomputes the normalised input from the saved one and is written with
    ``xp`` operations, so it differentiates again under ``create_graph``.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, b: Any, axes: tuple, eps: float) -> Any:
        xhat = _layer_normalized(ctx.xp, x, axes, eps)
        y = xhat if w is None else xhat * w
        ctx.save_for_backward(x, w)
        ctx.opts = (axes, eps)
        return y if b is None else y + b

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, w = ctx.saved_tensors
        xp = ctx.xp
        axes, eps = ctx.opts
        needs = ctx.needs_input_grad
        xhat = _layer_normalized(xp, x, axes, eps)
        lead = tuple(range(len(x.shape) - len(axes)))
        gx = gw = gb = None
        if needs[0]:
            gx = _normalized_input_grad(xp, x, xhat, gy if w is None else gy * w, axes, eps)
        if w is not None and needs[1]:
            gw = xp.sum(gy * xhat, axis=lead) if lead else gy * xhat
        if len(needs) > 2 and needs[2]:
            gb = xp.sum(gy, axis=lead) if lead else gy
        return gx, gw, gb, None, None


class NativeBatchNorm(Function):
    """Batch normalisation with batch statistics as one node (``NativeBatchNormBackward0``,
    PyTorch's name); the per-channel weight and bias broadcast along axis 1."""

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, b: Any, axes: tuple, eps: float) -> Any:
        xp = ctx.xp
        bshape = (1, x.shape[1]) + (1,) * (len(x.shape) - 2)
        y = _layer_normalized(xp, x, axes, eps)
        if w is not None:
            y = y * xp.reshape(w, bshape)
        if b is not None:
            y = y + xp.reshape(b, bshape)
        ctx.save_for_backward(x, w)
        ctx.opts = (axes, eps)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, w = ctx.saved_tensors
        xp = ctx.xp
        axes, eps = ctx.opts
        needs = ctx.needs_input_grad
        bshape = (1, x.shape[1]) + (1,) * (len(x.shape) - 2)
        xhat = _layer_normalized(xp, x, axes, eps)
        gx = gw = gb = None
        if needs[0]:
            g = gy if w is None else gy * xp.reshape(w, bshape)
            gx = _normalized_input_grad(xp, x, xhat, g, axes, eps)
        if w is not None and needs[1]:
            gw = xp.sum(gy * xhat, axis=axes)
        if len(needs) > 2 and needs[2]:
            gb = xp.sum(gy, axis=axes)
        return gx, gw, gb, None, None


def _layer_normalized(xp: Any, x: Any, axes: tuple, eps: float) -> Any:
    d = x - xp.mean(x, axis=axes, keepdims=True)
    return d * (xp.mean(d * d, axis=axes, keepdims=True) + eps) ** -0.5


def _normalized_input_grad(xp: Any, x: Any, xhat: Any, g: Any, axes: tuple, eps: float) -> Any:
    """Gradient through ``xhat = _layer_normalized(x)`` of ``g``, the gradient of ``xhat``
    (layer and batch normalisation alike: statistics over ``axes``)."""
    var = xp.mean((x - xp.mean(x, axis=axes, keepdims=True)) ** 2, axis=axes, keepdims=True)
    return (var + eps) ** -0.5 * (g - xp.mean(g, axis=axes, keepdims=True)
                                  - xhat * xp.mean(g * xhat, axis=axes, keepdims=True))


def group_norm(input: Any, num_groups: int, weight: Any = None, bias: Any = None,  # noqa: A002
               eps: float = 1e-5) -> Any:
    """Normalise channels in ``num_groups`` groups, then scale and shift per channel."""
    shape = tuple(input.shape)
    if len(shape) < 2 or shape[1] % num_groups:
        raise ValueError(
            f"group_norm: expected an input whose {shape[1] if len(shape) > 1 else '?'} channels "
            f"are divisible by num_groups={num_groups}, got shape {shape}"
        )
    x = _ag.reshape(input, (shape[0], num_groups, -1))
    y, _, _ = _normalize(x, (2,), eps)
    y = _ag.reshape(y, shape)
    bshape = (1, shape[1]) + (1,) * (len(shape) - 2)
    if weight is not None:
        y = y * _ag.reshape(weight, bshape)
    if bias is not None:
        y = y + _ag.reshape(bias, bshape)
    return y


def local_response_norm(input: Any, size: int, alpha: float = 1e-4, beta: float = 0.75,  # noqa: A002
                        k: float = 1.0) -> Any:
    """Normalise each value by the squares of its ``size`` neighbouring channels:
    ``x / (k + alpha * mean(x**2 over the channel window)) ** beta``.

    The window of channel ``c`` is ``[c - size // 2, c + (size - 1) // 2]``, zero outside
    the channels, and its mean always divides by ``size`` (as PyTorch's).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.local_response_norm(anygrad.ones(1, 3, 1), 2, alpha=1.0, beta=1.0).flatten().tolist()
    [0.6666666865348816, 0.5, 0.5]
    """
    shape = tuple(input.shape)
    if len(shape) < 3:
        raise ValueError(f"local_response_norm: expected an input of at least 3 dimensions "
                         f"(N, C, ...), got shape {shape}")
    if int(size) < 1:
        raise ValueError(f"local_response_norm: size must be positive, got {size!r}")
    from ._util import pad_axis

    size = int(size)
    c = shape[1]
    sq = pad_axis(input.__array_namespace__(), input * input, 1, size // 2, (size - 1) // 2)
    total = sq[:, 0:c]
    for j in range(1, size):
        total = total + sq[:, j:j + c]
    return input / (total * (alpha / size) + k) ** beta


def rms_norm(input: Any, normalized_shape: Any, weight: Any = None,  # noqa: A002
             eps: float | None = None) -> Any:
    """Root-mean-square normalisation over the trailing ``normalized_shape`` axes:
    ``x / sqrt(mean(x**2) + eps) * weight``; ``eps`` defaults to the dtype's machine epsilon.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.rms_norm(anygrad.tensor([[3.0, 4.0]]), (2,), eps=0.0).tolist()
    [[0.8485281467437744, 1.1313709020614624]]
    """
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = tuple(input.shape)
    if not ns or len(ns) > len(shape) or shape[len(shape) - len(ns):] != ns:
        raise ValueError(
            f"rms_norm: normalized_shape {ns} does not match the trailing dimensions of input "
            f"of shape {shape}")
    if weight is not None and tuple(weight.shape) != ns:
        raise ValueError(f"rms_norm: expected weight of shape {ns}, got {tuple(weight.shape)}")
    if eps is None:
        eps = _ag.finfo(input.dtype).eps
    axes = tuple(range(len(shape) - len(ns), len(shape)))
    y = input * (_ag.mean(input * input, axis=axes, keepdims=True) + eps) ** -0.5
    return y if weight is None else y * weight


# -- registry entries (references and structured inputs: anygrad/testing/_references.py) --


def _channel_inputs(shapes: tuple, positive: tuple = ()) -> Any:
    """``make_inputs(rng, dtype, variant)``: values of ``shapes[variant]``, those at the
    ``positive`` positions (running variances) inside (0.5, 2)."""
    def make(rng: Any, dtype: str, variant: int) -> list:
        return [(rng.uniform(0.5, 2.0, s) if i in positive else rng.uniform(-2, 2, s)).astype(dtype)
                for i, s in enumerate(shapes[variant])]

    return make


register(OpSpec(
    "nn.functional.batch_norm", batch_norm, nin=5, ref=None, category="nn_normalization",
    kwargs=({"training": True}, {"training": False, "eps": 1e-3}),
    make_inputs=_channel_inputs((((4, 2, 3), (2,), (2,), (2,), (2,)),
                                 ((2, 2, 2, 2), (2,), (2,), (2,), (2,))), positive=(2,)),
    notes="inputs (input, running_mean, running_var, weight, bias); in training mode the "
          "running statistics are updated in place and get no gradient"))


register(OpSpec(
    "nn.functional.instance_norm", instance_norm, nin=5, ref=None,
    category="nn_normalization", kwargs=({}, {"use_input_stats": False}),
    make_inputs=_channel_inputs((((2, 2, 4), (2,), (2,), (2,), (2,)),) * 2, positive=(2,)),
    notes="inputs (input, running_mean, running_var, weight, bias); with use_input_stats the "
          "running statistics are updated in place and get no gradient"))


register(OpSpec(
    "nn.functional.layer_norm",
    layer_norm,
    harness=lambda x, w, b, **k: layer_norm(x, weight=w, bias=b, **k), nin=3, ref=None,
    category="nn_normalization",
    kwargs=({"normalized_shape": (4,)}, {"normalized_shape": (3, 4), "eps": 1e-3}),
    make_inputs=_channel_inputs((((2, 3, 4), (4,), (4,)), ((2, 3, 4), (3, 4), (3, 4)))),
    notes="tested as layer_norm(input, normalized_shape, weight, bias)"))


register(OpSpec(
    "nn.functional.group_norm",
    group_norm,
    harness=lambda x, w, b, **k: group_norm(x, weight=w, bias=b, **k), nin=3, ref=None,
    category="nn_normalization", kwargs=({"num_groups": 2}, {"num_groups": 4, "eps": 1e-3}),
    make_inputs=_channel_inputs((((2, 4, 3), (4,), (4,)),) * 2),
    notes="tested as group_norm(input, num_groups, weight, bias)"))


register(OpSpec(
    "nn.functional.local_response_norm", local_response_norm, ref=None,
    category="nn_normalization", shapes=lambda rng: ((2, 5, 3),),
    kwargs=({"size": 3}, {"size": 2, "alpha": 0.5, "beta": 0.6, "k": 2.0})))


register(OpSpec(
    "nn.functional.rms_norm", rms_norm,
    harness=lambda x, w, **k: rms_norm(x, weight=w, **k), nin=2, ref=None,
    category="nn_normalization",
    kwargs=({"normalized_shape": (4,)}, {"normalized_shape": (3, 4), "eps": 1e-3}),
    make_inputs=_channel_inputs((((2, 3, 4), (4,)), ((2, 3, 4), (3, 4)))),
    notes="tested as rms_norm(input, normalized_shape, weight); eps defaults to the dtype's "
          "machine epsilon"))
