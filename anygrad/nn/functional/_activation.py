"""Activation functions with PyTorch's ``F.`` signatures, delegating to the op catalogue.

``inplace=True`` writes the result into the input's memory, as PyTorch does (a tensor a
graph saved then raises in backward, through the version counter). The activations
PyTorch records as one node (``HardtanhBackward0``, ``HardswishBackward0``,
``MishBackward0``...) are one ``Function`` here too, with a backward in xp operators only,
so that it differentiates again under ``create_graph=True``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import anygrad as _ag

from ...autograd.function import Function
from ...ops._inplace import inplace as _write_inplace
from ...ops._registry import OpSpec, register, register_alias
from ...ops.activation import Elu
from ...random import host_generator

__all__ = [
    "relu", "relu_", "leaky_relu", "elu", "selu", "gelu", "silu", "sigmoid", "tanh", "softplus",
    "logsigmoid", "hardtanh", "relu6", "softmax", "log_softmax", "softmin", "mish", "hardswish",
    "hardsigmoid", "tanhshrink", "softsign", "celu", "celu_", "elu_", "glu", "hardshrink",
    "hardtanh_", "leaky_relu_", "rrelu", "rrelu_", "selu_", "softshrink", "threshold",
    "threshold_", "prelu", "pdist", "gumbel_softmax",
]


def _inplace(x: Any, y: Any, inplace: bool, op: str) -> Any:
    return _write_inplace(x, y, op) if inplace else y


def relu(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    """``max(x, 0)``."""
    return _inplace(input, _ag.relu(input), inplace, "relu_")


def relu_(input: Any) -> Any:  # noqa: A002
    return relu(input, inplace=True)


# The functions of this module that are anygrad operations under a PyTorch signature (an
# ``inplace`` flag, ``dim`` for ``axis``) are aliases of those operations' entries.
for _name in ("relu", "leaky_relu", "elu", "selu", "gelu", "silu", "sigmoid", "tanh",
              "softplus", "logsigmoid", "hardtanh", "softmax", "log_softmax"):
    register_alias(_name, f"nn.functional.{_name}")


def _away_from(rng: Any, dtype: str, lo: float, hi: float, kinks: tuple,
               shape: tuple = (2, 3)) -> list:
    """Values in ``(lo, hi)`` at least 0.1 away from each kink (no finite difference
    straddles one)."""
    x = rng.uniform(lo, hi, shape)
    for k in kinks:
        near = np.abs(x - k) < 0.1
        x = np.where(near, x + np.where(x < k, -0.1, 0.1), x)
    return [x.astype(dtype)]


register(OpSpec("nn.functional.relu_", relu_,
                harness=lambda x: relu_(x * 1.0), ref=lambda x: np.maximum(x, 0.0),
                domain="nonzero", category="nn_activation",
                notes="in place; checked on a copy of the input (in place on a leaf that "
                      "requires grad raises, as in PyTorch)"))


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Any:  # noqa: A002
    return _inplace(input, _ag.leaky_relu(input, negative_slope), inplace, "leaky_relu_")


def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Any:  # noqa: A002
    return _inplace(input, _ag.elu(input, alpha), inplace, "elu_")


def selu(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    return _inplace(input, _ag.selu(input), inplace, "selu_")


def gelu(input: Any, approximate: str = "none") -> Any:  # noqa: A002
    return _ag.gelu(input, approximate)


def silu(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    return _inplace(input, _ag.silu(input), inplace, "silu_")


def sigmoid(input: Any) -> Any:  # noqa: A002
    return _ag.sigmoid(input)


def tanh(input: Any) -> Any:  # noqa: A002
    return _ag.tanh(input)


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:  # noqa: A002
    return _ag.softplus(input, beta, threshold)


def logsigmoid(input: Any) -> Any:  # noqa: A002
    return _ag.logsigmoid(input)


class Hardtanh(Function):
    """``x`` clipped to ``[lo, hi]``; the gradient is 1 strictly inside, 0 elsewhere (as
    PyTorch's ``hardtanh_backward``)."""

    @staticmethod
    def forward(ctx: Any, x: Any, lo: float, hi: float) -> Any:
        ctx.save_for_backward(x)
        ctx.bounds = (lo, hi)
        xp = ctx.xp
        return xp.minimum(xp.maximum(x, lo), hi)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        lo, hi = ctx.bounds
        inside = xp.logical_and(x > lo, x < hi)
        return gy * xp.astype(inside, gy.dtype), None, None


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Any:  # noqa: A002
    """``input`` clipped to ``[min_val, max_val]``; one ``HardtanhBackward0`` node."""
    if max_val < min_val:
        raise ValueError(f"hardtanh: max_val ({max_val}) must be >= min_val ({min_val})")
    return _inplace(input, Hardtanh.apply(input, float(min_val), float(max_val)), inplace,
                    "hardtanh_")


def relu6(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    return hardtanh(input, 0.0, 6.0, inplace)


register(OpSpec("nn.functional.relu6", relu6, ref=lambda x: np.clip(x, 0.0, 6.0),
                make_inputs=lambda rng, dtype: _away_from(rng, dtype, -2.0, 8.0, (0.0, 6.0)),
                category="nn_activation", notes="gradient 0 at 0 and 6"))


class Hardsigmoid(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        xp = ctx.xp
        return xp.minimum(xp.maximum(x / 6.0 + 0.5, 0.0), 1.0)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return gy * xp.astype(xp.logical_and(x > -3.0, x < 3.0), gy.dtype) / 6.0


def hardsigmoid(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    """``clip(x / 6 + 1/2, 0, 1)``; one ``HardsigmoidBackward0`` node."""
    return _inplace(input, Hardsigmoid.apply(input), inplace, "hardsigmoid_")


register(OpSpec("nn.functional.hardsigmoid", hardsigmoid,
                ref=lambda x: np.clip(x / 6.0 + 0.5, 0.0, 1.0),
                make_inputs=lambda rng, dtype: _away_from(rng, dtype, -5.0, 5.0, (-3.0, 3.0)),
                category="nn_activation", notes="gradient 0 at -3 and 3"))


class Hardswish(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        xp = ctx.xp
        return x * xp.minimum(xp.maximum(x / 6.0 + 0.5, 0.0), 1.0)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        # At the kinks, PyTorch's choice: 0 at -3 and 1 at 3 (the outer slopes).
        slope = xp.where(x <= -3.0, xp.zeros_like(x), xp.where(x < 3.0, x / 3.0 + 0.5,
                                                                  xp.ones_like(x)))
        return gy * slope


def hardswish(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    """``x * hardsigmoid(x)``; one ``HardswishBackward0`` node."""
    return _inplace(input, Hardswish.apply(input), inplace, "hardswish_")


register(OpSpec("nn.functional.hardswish", hardswish,
                ref=lambda x: x * np.clip(x / 6.0 + 0.5, 0.0, 1.0),
                make_inputs=lambda rng, dtype: _away_from(rng, dtype, -5.0, 5.0, (-3.0, 3.0)),
                category="nn_activation", notes="one-sided derivatives at -3 and 3"))


def _softplus(xp: Any, x: Any) -> Any:
    """``log(1 + exp(x))`` without overflow."""
    return xp.maximum(x, 0.0) + xp.log1p(xp.exp(-xp.abs(x)))


class Mish(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        xp = ctx.xp
        return x * xp.tanh(_softplus(xp, x))

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        sp = _softplus(xp, x)
        th = xp.tanh(sp)
        # softplus' is the logistic function, exp(x - softplus(x)): no overflow either way.
        return gy * (th + x * xp.exp(x - sp) * (1.0 - th * th))


def mish(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    """``x * tanh(softplus(x))``; one ``MishBackward0`` node."""
    return _inplace(input, Mish.apply(input), inplace, "mish_")


register(OpSpec("nn.functional.mish", mish, ref=lambda x: x * np.tanh(np.logaddexp(0.0, x)),
                category="nn_activation"))


def tanhshrink(input: Any) -> Any:  # noqa: A002
    return input - _ag.tanh(input)


register(OpSpec("nn.functional.tanhshrink", tanhshrink, ref=lambda x: x - np.tanh(x),
                category="nn_activation"))


def softsign(input: Any) -> Any:  # noqa: A002
    return input / (_ag.abs(input) + 1.0)


register(OpSpec("nn.functional.softsign", softsign, ref=lambda x: x / (1.0 + np.abs(x)),
                domain="nonzero", category="nn_activation",
                notes="second derivative jumps at 0"))


def _softmax_dim(x: Any, dim: Any) -> int:
    if dim is None:
        # PyTorch's legacy implicit choice.
        return 0 if x.ndim in (0, 1, 3) else 1
    return dim


def softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Any:  # noqa: A002
    """Softmax along ``dim``."""
    if dtype is not None:
        input = _ag.astype(input, dtype)
    return _ag.softmax(input, axis=_softmax_dim(input, dim))


def softmin(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Any:  # noqa: A002
    return softmax(-input, dim, dtype=dtype)


register(OpSpec("nn.functional.softmin", softmin, ref=None,
                kwargs=({"dim": 1}, {"dim": 0}), category="nn_activation"))


def log_softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Any:  # noqa: A002
    """Logarithm of the softmax along ``dim`` (computed stably)."""
    if dtype is not None:
        input = _ag.astype(input, dtype)
    return _ag.log_softmax(input, axis=_softmax_dim(input, dim))


# -- more of PyTorch's activations ---------------------------------------------------------
class Celu(Elu):
    """``x`` where ``x > 0``, else ``alpha * (exp(x / alpha) - 1)``: the ELU node with
    ``input_scale = 1 / alpha`` under PyTorch's name ``CeluBackward0``."""


def celu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Any:  # noqa: A002
    """Continuously differentiable ELU: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.celu(anygrad.tensor([-2.0, 1.0]), alpha=2.0)
    tensor([-1.2642,  1.0000])
    """
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (it divides the input), got alpha=0")
    y = Celu.apply(input, float(alpha), 1.0, 1.0 / float(alpha))
    return _inplace(input, y, inplace, "celu_")


register(OpSpec("nn.functional.celu", celu, category="nn_activation", domain="nonzero",
                ref=lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)),
                kwargs=({}, {"alpha": 0.5}, {"alpha": -2.0}),
                notes="the second derivative jumps at 0"))


def celu_(input: Any, alpha: float = 1.0) -> Any:  # noqa: A002
    """In-place :func:`celu`."""
    return celu(input, alpha, inplace=True)


def elu_(input: Any, alpha: float = 1.0) -> Any:  # noqa: A002
    """In-place :func:`elu`."""
    return elu(input, alpha, inplace=True)


def selu_(input: Any) -> Any:  # noqa: A002
    """In-place :func:`selu`."""
    return selu(input, inplace=True)


def hardtanh_(input: Any, min_val: float = -1.0, max_val: float = 1.0) -> Any:  # noqa: A002
    """In-place :func:`hardtanh`."""
    return hardtanh(input, min_val, max_val, inplace=True)


def leaky_relu_(input: Any, negative_slope: float = 0.01) -> Any:  # noqa: A002
    """In-place :func:`leaky_relu`."""
    return leaky_relu(input, negative_slope, inplace=True)


class Glu(Function):
    """``a * sigmoid(b)`` of the two halves ``a``, ``b`` of ``x`` along ``axis``."""

    @staticmethod
    def forward(ctx: Any, x: Any, axis: int) -> Any:
        ctx.save_for_backward(x)
        ctx.axis = axis
        a, b = _halves(x, axis)
        return a * _sigmoid(ctx.xp, b)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        a, b = _halves(x, ctx.axis)
        s = _sigmoid(xp, b)
        ga = gy * s
        return xp.concat([ga, ga * a * (1.0 - s)], axis=ctx.axis), None


def _halves(x: Any, axis: int) -> tuple:
    h = x.shape[axis] // 2
    lead = (slice(None),) * axis
    return x[lead + (slice(0, h), ...)], x[lead + (slice(h, 2 * h), ...)]


def _sigmoid(xp: Any, x: Any) -> Any:
    """Stable logistic function: exp is only taken of ``-|x|`` (no overflow)."""
    pos = x >= 0
    e = xp.exp(xp.where(pos, -x, x))
    p = 1.0 / (1.0 + e)
    return xp.where(pos, p, e * p)


def glu(input: Any, dim: int = -1) -> Any:  # noqa: A002
    """Gated linear unit: ``a * sigmoid(b)``, where ``a`` and ``b`` are the first and second
    halves of ``input`` along ``dim`` (one ``GluBackward0`` node).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.glu(anygrad.tensor([[2.0, 4.0, 0.0, 0.0]]))
    tensor([[1., 2.]])
    """
    shape = tuple(input.shape)
    if not shape:
        raise RuntimeError("glu: does not support scalars because halving size must be even")
    if not -len(shape) <= dim < len(shape):
        raise IndexError(
            f"glu: dimension out of range (expected to be in range of [{-len(shape)}, "
            f"{len(shape) - 1}], but got {dim})"
        )
    axis = dim % len(shape)
    if shape[axis] % 2:
        raise RuntimeError(
            f"glu: halving dimension must be even, but dimension {axis} is size {shape[axis]}"
        )
    return Glu.apply(input, axis)


register(OpSpec("nn.functional.glu", glu, category="nn_activation",
                shapes=lambda rng: ((2, 4, 6),), kwargs=({}, {"dim": 1}),
                ref=lambda x, dim=-1: np.split(x, 2, axis=dim)[0] / (
                    1.0 + np.exp(-np.split(x, 2, axis=dim)[1]))))


def hardshrink(input: Any, lambd: float = 0.5) -> Any:  # noqa: A002
    """``x`` where ``|x| > lambd``, else 0 (:func:`anygrad.hardshrink`)."""
    return _ag.hardshrink(input, lambd)


def prelu(input: Any, weight: Any) -> Any:  # noqa: A002
    """``x`` where ``x > 0``, else ``weight * x``, one slope per channel
    (:func:`anygrad.prelu`)."""
    return _ag.prelu(input, weight)


def pdist(input: Any, p: float = 2) -> Any:  # noqa: A002
    """Distances between the rows of an ``(N, M)`` input (:func:`anygrad.pdist`)."""
    return _ag.pdist(input, p)


register_alias("hardshrink", "nn.functional.hardshrink")
register_alias("prelu", "nn.functional.prelu")
register_alias("pdist", "nn.functional.pdist")


class Softshrink(Function):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""

    @staticmethod
    def forward(ctx: Any, x: Any, lambd: float) -> Any:
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        return xp.where(x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, xp.zeros_like(x)))

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        outside = xp.logical_or(x > ctx.lambd, x < -ctx.lambd)
        return gy * xp.astype(outside, gy.dtype), None


def softshrink(input: Any, lambd: float = 0.5) -> Any:  # noqa: A002
    """Soft shrinkage: ``x`` moved ``lambd`` towards 0, and 0 inside ``[-lambd, lambd]``
    (one ``SoftshrinkBackward0`` node).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.softshrink(anygrad.tensor([-2.0, 0.25, 1.0]))
    tensor([-1.5000,  0.0000,  0.5000])
    """
    if not lambd >= 0:
        raise RuntimeError(f"softshrink: lambda must be greater or equal to 0, got {lambd}")
    return Softshrink.apply(input, float(lambd))


register(OpSpec("nn.functional.softshrink", softshrink, category="nn_activation",
                ref=lambda x, lambd=0.5: np.where(x > lambd, x - lambd,
                                                  np.where(x < -lambd, x + lambd, 0.0)),
                make_inputs=lambda rng, dtype: _away_from(rng, dtype, -2.0, 2.0, (-0.5, 0.5)),
                notes="gradient 0 inside [-lambd, lambd]"))


class Threshold(Function):
    """``x`` where ``x > threshold``, else ``value``; the gradient is the 0/1 mask."""

    @staticmethod
    def forward(ctx: Any, x: Any, threshold: float, value: float) -> Any:
        xp = ctx.xp
        if xp.isdtype(x.dtype, "integral"):
            # As PyTorch: the value is cast to the integer dtype; x > 1.5 is x > 1 for
            # integers (array-api-strict refuses to compare integers with a float).
            threshold, value = math.floor(threshold), int(value)
        ctx.save_for_backward(x)
        ctx.threshold = threshold
        return xp.where(x > threshold, x, xp.full_like(x, value))

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return gy * xp.astype(x > ctx.threshold, gy.dtype), None, None


def threshold(input: Any, threshold: float, value: float, inplace: bool = False) -> Any:  # noqa: A002
    """``input`` where ``input > threshold``, else ``value`` (one ``ThresholdBackward0``
    node).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.threshold(anygrad.tensor([0.5, 1.0, 2.0]), 1.0, -3.0)
    tensor([-3., -3.,  2.])
    """
    return _inplace(input, Threshold.apply(input, threshold, value), inplace, "threshold_")


_threshold = threshold  # threshold_'s parameter hides the function's name


def threshold_(input: Any, threshold: float, value: float) -> Any:  # noqa: A002
    """In-place :func:`threshold`."""
    return _threshold(input, threshold, value, inplace=True)


register(OpSpec("nn.functional.threshold", threshold, category="nn_activation",
                ref=lambda x, threshold, value: np.where(x > threshold, x, value),
                kwargs=({"threshold": 0.5, "value": -1.0}, {"threshold": -1.0, "value": 0.0}),
                make_inputs=lambda rng, dtype: _away_from(rng, dtype, -2.0, 2.0, (0.5, -1.0)),
                notes="gradient 0 at and below the threshold"))


class RreluWithNoise(Function):
    """``x`` where ``x > 0``, else ``noise * x``: ``noise`` holds the slopes (a constant,
    drawn in training, ``(lower + upper) / 2`` in evaluation)."""

    @staticmethod
    def forward(ctx: Any, x: Any, noise: Any) -> Any:
        ctx.save_for_backward(x, noise)
        return ctx.xp.where(x > 0, x, x * noise)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, noise = ctx.saved_tensors
        m = ctx.xp.astype(x > 0, gy.dtype)
        return gy * (m + (1.0 - m) * noise), None


def rrelu(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,  # noqa: A002
          inplace: bool = False, *, generator: Any = None) -> Any:
    """Randomized leaky ReLU: in training, each negative element gets a slope drawn
    uniformly from ``[lower, upper]``; in evaluation the slope is ``(lower + upper) / 2``.

    The slopes are drawn with anygrad's seeded host generator (``generator``, an
    anygrad extension, or the default one that ``anygrad.manual_seed`` seeds), so they
    are the same on every backend. One ``RreluWithNoiseBackward0`` node, as in PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.rrelu(anygrad.tensor([-3.0, 2.0]), 0.1, 0.3)
    tensor([-0.6000,  2.0000])
    """
    if lower > upper:
        raise RuntimeError(
            f"rrelu: lower bound should be less than or equal to the upper bound, got "
            f"lower={lower} and upper={upper}"
        )
    if training:
        draw = host_generator(generator).uniform(lower, upper, tuple(input.shape))
        noise = _ag.asarray(draw, dtype=input.dtype, backend=input._backend,
                            device=input.device)
    else:
        noise = (lower + upper) / 2.0
    return _inplace(input, RreluWithNoise.apply(input, noise), inplace, "rrelu_")


def rrelu_(input: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,  # noqa: A002
           *, generator: Any = None) -> Any:
    """In-place :func:`rrelu`."""
    return rrelu(input, lower, upper, training, inplace=True, generator=generator)


def _rrelu_ref(x: Any, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
               training: bool = False) -> Any:
    if training:  # the draw of anygrad.Generator(0), as the harness passes
        slope = np.random.Generator(np.random.PCG64(0)).uniform(lower, upper, x.shape)
    else:
        slope = (lower + upper) / 2
    return np.where(x > 0, x, slope * x)


register(OpSpec("nn.functional.rrelu", rrelu, category="nn_activation",
                harness=lambda x, **k: rrelu(x, generator=_ag.Generator(0), **k),
                ref=_rrelu_ref, domain="nonzero",
                kwargs=({}, {"lower": 0.2, "upper": 0.6, "training": True}),
                notes="training draws the slopes from a seeded generator (a deterministic "
                      "form)"))


def gumbel_softmax(logits: Any, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1, *, generator: Any = None) -> Any:
    """A sample of the Gumbel-softmax (concrete) distribution: ``softmax((logits + g) /
    tau)`` with ``g`` standard Gumbel noise, along ``dim``.

    With ``hard=True`` the result is the one-hot vector of the sample's largest entry,
    while the gradient is the soft sample's (the straight-through estimator). The noise is
    drawn with anygrad's seeded host generator (``generator``, an anygrad extension, or
    the default one). ``eps`` is deprecated in PyTorch and has no effect, as there.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> _ = anygrad.manual_seed(0)
    >>> y = F.gumbel_softmax(anygrad.zeros(2, 3), hard=True)
    >>> y.sum(dim=-1)
    tensor([1., 1.])
    """
    if eps != 1e-10:
        warnings.warn("gumbel_softmax: `eps` parameter is deprecated and has no effect.",
                      UserWarning, stacklevel=2)
    draw = -np.log(host_generator(generator).exponential(size=tuple(logits.shape)))
    gumbels = _ag.asarray(draw, dtype=logits.dtype, backend=logits._backend,
                          device=logits.device)
    y_soft = _ag.softmax((logits + gumbels) / tau, dim=dim)
    if not hard:
        return y_soft
    xp = logits.xp
    axis = dim % max(logits.ndim, 1)
    soft = y_soft.array
    index = xp.argmax(soft, axis=axis, keepdims=True)
    positions = xp.reshape(xp.arange(soft.shape[axis], device=logits.device),
                           (soft.shape[axis],) + (1,) * (logits.ndim - axis - 1))
    y_hard = _ag.asarray(xp.astype(index == positions, soft.dtype), backend=logits._backend)
    # Straight through: the value is y_hard, the gradient y_soft's.
    return y_hard - y_soft.detach() + y_soft


def _gumbel_softmax_ref(x: Any, tau: float = 1, hard: bool = False, dim: int = -1) -> Any:
    g = -np.log(np.random.Generator(np.random.PCG64(0)).exponential(size=x.shape))
    z = (x + g) / tau
    e = np.exp(z - z.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


register(OpSpec("nn.functional.gumbel_softmax", gumbel_softmax, category="nn_activation",
                harness=lambda x, **k: gumbel_softmax(x, generator=_ag.Generator(0), **k),
                ref=_gumbel_softmax_ref, shapes=lambda rng: ((3, 4),),
                kwargs=({}, {"tau": 0.5, "dim": 0}),
                notes="noise from a seeded generator (a deterministic form); hard=True "
                      "(one-hot values, the soft sample's gradient) is checked in tests/nn"))


# The in-place spellings: each writes into its input (checked on a copy, as relu_).
def _register_inplace(name: str, fn: Any, ref: Any, kinks: tuple, **kw: Any) -> None:
    register(OpSpec(f"nn.functional.{name}", fn, harness=lambda x, **k: fn(x * 1.0, **k),
                    ref=ref, category="nn_activation",
                    make_inputs=lambda rng, dtype: _away_from(rng, dtype, -2.0, 2.0, kinks),
                    notes="in place; checked on a copy of the input", **kw))


_register_inplace("celu_", celu_, lambda x, alpha=1.0: np.where(
    x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)), (0.0,), kwargs=({"alpha": 2.0},))
_register_inplace("elu_", elu_, lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
                  (0.0,))
_register_inplace("selu_", selu_, lambda x: 1.0507009873554805 * np.where(
    x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0))), (0.0,))
_register_inplace("hardtanh_", hardtanh_, lambda x: np.clip(x, -1.0, 1.0), (-1.0, 1.0))
_register_inplace("leaky_relu_", leaky_relu_, lambda x: np.where(x > 0, x, 0.01 * x), (0.0,))
_register_inplace("rrelu_", rrelu_, lambda x: np.where(x > 0, x, (1 / 8 + 1 / 3) / 2 * x),
                  (0.0,))
_register_inplace("threshold_", threshold_, lambda x, threshold, value: np.where(
    x > threshold, x, value), (0.5,), kwargs=({"threshold": 0.5, "value": 2.0},))
