"""Neural-network activations, softmax and logsumexp.

relu, sigmoid, tanh (in ``trigonometric``), softmax and log_softmax sit on the training hot
path: each is one Function whose backward reuses the saved output and multiplies by a 0/1
mask instead of calling ``where`` (about 10x cheaper). Every backward is namespace code, so
second derivatives come from the same lines. Formulas that could overflow (sigmoid,
softplus, logsigmoid, logsumexp) only ever exponentiate non-positive numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..fastpaths import fast_path
from ._registry import OpSpec, register
from ._rules import Rules
from .arithmetic import clip
from .exponential import erf_standard
from .reduction import normalize_axis

__all__ = ["relu", "leaky_relu", "elu", "selu", "gelu", "silu", "sigmoid", "softplus",
           "logsigmoid", "hardtanh", "softmax", "log_softmax", "logsumexp"]

_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_K = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _mask(xp: Any, cond: Any, like: Any) -> Any:
    return xp.astype(cond, like.dtype)


def _sigmoid(xp: Any, x: Any) -> Any:
    """Stable logistic function: exp is only taken of ``-|x|`` (no overflow)."""
    pos = x >= 0
    e = xp.exp(xp.where(pos, -x, x))
    p = 1.0 / (1.0 + e)
    return xp.where(pos, p, e * p)


def _silu_slope(xp: Any, x: Any) -> Any:
    """d/dx of ``x * sigmoid(x)``."""
    s = _sigmoid(xp, x)
    return s * (1.0 + x * (1.0 - s))


rules = Rules(__name__, category="activation")


def _shape(x: Any) -> tuple:
    return tuple(getattr(x, "shape", ()))


# -- pointwise activations ------------------------------------------------------------------
class Relu(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = ctx.xp.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        if not ctx.create_graph:
            # NumPy multiplies by the boolean mask itself: no float copy of it, which on a
            # LeNet step's first activation is a 1.4 MB array page-faulted in each step.
            fast = fast_path("multiply_by_mask", ctx.xp)
            if fast is not None:
                return fast(gy, y > 0)
        return gy * _mask(ctx.xp, y > 0, gy)


def relu(x: Any, /) -> Any:
    """``max(x, 0)``; the gradient is 1 where ``x > 0`` and 0 elsewhere (0 at 0, as PyTorch).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.relu(anygrad.tensor([-1.0, 0.0, 2.0]))
    tensor([0., 0., 2.])
    """
    return Relu.apply(x)


register(OpSpec("relu", relu, ref=lambda x: np.maximum(x, 0.0), domain="nonzero",
                category="activation", method="relu",
                notes="gradient 0 at x == 0; second derivative 0 away from 0", inplace=True))


class LeakyRelu(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, slope: float) -> Any:
        ctx.save_for_backward(x)
        ctx.slope = slope
        return ctx.xp.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        slope = ctx.slope
        return gy * (slope + (1.0 - slope) * _mask(ctx.xp, x > 0, gy)), None


def leaky_relu(x: Any, /, negative_slope: float = 0.01) -> Any:
    """``x`` where ``x > 0``, else ``negative_slope * x``."""
    return LeakyRelu.apply(x, float(negative_slope))


register(OpSpec("leaky_relu", leaky_relu,
                ref=lambda x, negative_slope=0.01: np.where(x > 0, x, negative_slope * x),
                domain="nonzero", kwargs=({}, {"negative_slope": 0.2}), category="activation"))


class Elu(Function):
    """PyTorch's ELU family as one node: ``scale * x`` where ``x > 0``, else ``scale *
    alpha * (exp(input_scale * x) - 1)`` (``elu``: both scales 1; ``selu``: fixed constants;
    ``celu``: ``input_scale = 1 / alpha``)."""

    @staticmethod
    def forward(ctx: Any, x: Any, alpha: float, scale: float, input_scale: float) -> Any:
        xp = ctx.xp
        # expm1 of min(x, 0): the unused branch never overflows.
        neg = xp.expm1(xp.minimum(x, 0) * input_scale if input_scale != 1.0 else
                       xp.minimum(x, 0)) * (alpha * scale)
        y = xp.where(x > 0, x * scale if scale != 1.0 else x, neg)
        ctx.save_for_backward(x, y)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        m = _mask(ctx.xp, x > 0, gy)
        scale, input_scale = ctx.scale, ctx.input_scale
        # For x <= 0, dy/dx = input_scale * scale * alpha * exp(input_scale * x)
        # = input_scale * (y + scale * alpha) (y is an output: differentiable).
        if scale == 1.0 and input_scale == 1.0:
            return gy * (m + (1 - m) * (y + ctx.alpha)), None, None, None
        slope = (y + scale * ctx.alpha) * input_scale
        return gy * (m * scale + (1 - m) * slope), None, None, None


def elu(x: Any, /, alpha: float = 1.0) -> Any:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return Elu.apply(x, float(alpha), 1.0, 1.0)


register(OpSpec("elu", elu,
                ref=lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
                domain="nonzero", kwargs=({}, {"alpha": 0.5}), category="activation",
                notes="the second derivative jumps at 0"))


def selu(x: Any, /) -> Any:
    """Scaled ELU with the self-normalising constants of Klambauer et al. (2017); one
    ``EluBackward0`` node, as in PyTorch."""
    return Elu.apply(x, _SELU_ALPHA, _SELU_SCALE, 1.0)


register(OpSpec("selu", selu,
                ref=lambda x: _SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * np.expm1(np.minimum(x, 0))),
                domain="nonzero", category="activation"))


class Gelu(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, approximate: str) -> Any:
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            return 0.5 * x * (1.0 + xp.tanh(_GELU_K * (x + _GELU_C * x * x * x)))
        return 0.5 * x * (1.0 + erf_standard(xp, x * _INV_SQRT2))

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        if ctx.approximate == "tanh":
            t = xp.tanh(_GELU_K * (x + _GELU_C * x * x * x))
            dinner = _GELU_K * (1.0 + 3.0 * _GELU_C * x * x)
            return gy * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * dinner), None
        cdf = 0.5 * (1.0 + erf_standard(xp, x * _INV_SQRT2))
        pdf = xp.exp(-0.5 * x * x) * _INV_SQRT_2PI
        return gy * (cdf + x * pdf), None


def gelu(x: Any, /, approximate: str = "none") -> Any:
    """Gaussian error linear unit ``x * Phi(x)`` (``approximate="tanh"``: the tanh form).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.gelu(anygrad.tensor([0.0, 1.0]))
    tensor([0.0000, 0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return Gelu.apply(x, approximate)


def _gelu_ref(x: Any, approximate: str = "none") -> Any:
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + np.vectorize(math.erf, otypes=[np.float64])(x / np.sqrt(2)))


register(OpSpec("gelu", gelu, ref=_gelu_ref, kwargs=({}, {"approximate": "tanh"}),
                category="activation"))


silu = rules.unary("silu", lambda xp, g, x: g * _silu_slope(xp, x),
                   "``x * sigmoid(x)`` (swish).", forward=lambda xp, x: x * _sigmoid(xp, x),
                   method=None, ref=lambda x: x / (1 + np.exp(-x)))
sigmoid = rules.unary(
    "sigmoid", lambda xp, g, y: g * (y * (1.0 - y)),
    """The logistic function ``1 / (1 + exp(-x))``, without overflow for any ``x``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.sigmoid(anygrad.tensor([-1000.0, 0.0, 1000.0]))
    tensor([0.0000, 0.5000, 1.0000])
    """, forward=_sigmoid, ref=lambda x: 1 / (1 + np.exp(-x)), inplace=True)


class Softplus(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, beta: float, threshold: float) -> Any:
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        z = x * beta if beta != 1 else x
        # PyTorch's rule: linear above the threshold; min() keeps exp finite there.
        soft = xp.log1p(xp.exp(xp.minimum(z, threshold)))
        if beta != 1:
            soft = soft / beta
        return xp.where(z > threshold, x, soft)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        z = x * ctx.beta if ctx.beta != 1 else x
        m = _mask(xp, z > ctx.threshold, gy)
        return gy * (m + (1.0 - m) * _sigmoid(xp, z)), None, None


def softplus(x: Any, /, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold`` (PyTorch)."""
    return Softplus.apply(x, float(beta), float(threshold))


def _softplus_ref(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    return np.where(beta * x > threshold, x, np.logaddexp(0.0, beta * x) / beta)


register(OpSpec("softplus", softplus, ref=_softplus_ref, kwargs=({}, {"beta": 2.0}),
                category="activation", notes="linear above threshold (PyTorch)"))


# log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)): exact for large |x| of either sign.
logsigmoid = rules.unary("logsigmoid", lambda xp, g, x: g * _sigmoid(xp, -x),
                         "``log(sigmoid(x))``, stable for large ``|x|``.", node="LogSigmoid",
                         forward=lambda xp, x: xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x))),
                         method=None, ref=lambda x: -np.logaddexp(0.0, -x))


def hardtanh(x: Any, /, min_val: float = -1.0, max_val: float = 1.0) -> Any:
    """``x`` clipped to ``[min_val, max_val]`` (gradient 1 inside, 0 outside)."""
    if max_val < min_val:
        raise ValueError(f"hardtanh: max_val ({max_val}) must be >= min_val ({min_val})")
    return clip(x, min_val, max_val)


register(OpSpec("hardtanh", hardtanh,
                ref=lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val),
                kwargs=({}, {"min_val": -0.5, "max_val": 2.0}), category="activation",
                notes="composite of clip"))


# -- softmax family -------------------------------------------------------------------------
def _one_axis(axis: Any, dim: Any, ndim: int, op: str) -> int:
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: pass either axis or dim, not both")
        axis = dim
    if axis is None:
        axis = -1
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(f"{op}: axis {axis} is out of bounds for a tensor of dimension {ndim}")
    return axis


class Softmax(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axis: int) -> Any:
        xp = ctx.xp
        ctx.axis = axis
        e = xp.exp(x - xp.max(x, axis=axis, keepdims=True))
        y = e / xp.sum(e, axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        return y * (gy - ctx.xp.sum(gy * y, axis=ctx.axis, keepdims=True)), None


def softmax(x: Any, /, axis: int | None = None, *, dim: int | None = None,
            dtype: Any = None) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis`` (``dim``; default -1), stable for large inputs.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.softmax(anygrad.tensor([1000.0, 1000.0]), dim=0)
    tensor([0.5000, 0.5000])
    """
    if dtype is not None:
        from .conversion import astype

        x = astype(x, dtype)
    return Softmax.apply(x, _one_axis(axis, dim, len(_shape(x)), "softmax"))


def _softmax_ref(x: Any, axis: int = -1) -> Any:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


register(OpSpec("softmax", softmax, ref=_softmax_ref, kwargs=({"axis": -1}, {"axis": 0}),
                shapes=lambda _: ((3, 4),), category="activation", method="softmax", torch_args=("dim",)))


class LogSoftmax(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axis: int) -> Any:
        xp = ctx.xp
        ctx.axis = axis
        z = x - xp.max(x, axis=axis, keepdims=True)
        y = z - xp.log(xp.sum(xp.exp(z), axis=axis, keepdims=True))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        xp = ctx.xp
        return gy - xp.exp(y) * xp.sum(gy, axis=ctx.axis, keepdims=True), None


def log_softmax(x: Any, /, axis: int | None = None, *, dim: int | None = None,
                dtype: Any = None) -> Any:
    """``x - logsumexp(x)`` along ``axis`` (``dim``; default -1), stable for large inputs."""
    if dtype is not None:
        from .conversion import astype

        x = astype(x, dtype)
    return LogSoftmax.apply(x, _one_axis(axis, dim, len(_shape(x)), "log_softmax"))


def _log_softmax_ref(x: Any, axis: int = -1) -> Any:
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


register(OpSpec("log_softmax", log_softmax, ref=_log_softmax_ref,
                kwargs=({"axis": -1}, {"axis": 0}), shapes=lambda _: ((3, 4),),
                category="activation", method="log_softmax", torch_args=("dim",)))


class Logsumexp(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, keepdims: bool) -> Any:
        xp = ctx.xp
        shape = tuple(x.shape)
        kept = tuple(1 if i in axes else s for i, s in enumerate(shape))
        ctx.kept = kept
        m = xp.max(x, axis=axes, keepdims=True)
        # An all -inf (or +inf) slice: shift by 0 so that x - m is not inf - inf.
        m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
        out = xp.log(xp.sum(xp.exp(x - m), axis=axes, keepdims=True)) + m
        if not keepdims:
            out = xp.reshape(out, tuple(s for i, s in enumerate(shape) if i not in axes))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, out = ctx.saved_tensors
        xp = ctx.xp
        kept = ctx.kept
        return xp.reshape(gy, kept) * xp.exp(x - xp.reshape(out, kept)), None, None


def logsumexp(x: Any, /, *, axis: Any = None, keepdims: bool = False, dim: Any = None,
              keepdim: bool | None = None) -> Any:
    """``log(sum(exp(x)))`` over ``axis`` (all by default), stable for large inputs.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.logsumexp(anygrad.tensor([1000.0, 1000.0]))
    tensor(1000.6932)
    """
    if dim is not None:
        if axis is not None:
            raise TypeError("logsumexp: pass either axis or dim, not both")
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    return Logsumexp.apply(x, normalize_axis(axis, len(_shape(x)), "logsumexp"), bool(keepdims))


register(OpSpec("logsumexp", logsumexp,
                ref=lambda x, axis=None, keepdims=False: np.log(np.sum(np.exp(x), axis=axis,
                                                                       keepdims=keepdims)),
                kwargs=({}, {"axis": 1}, {"axis": 0, "keepdims": True}, {"axis": (0, 1)}),
                shapes=lambda _: ((3, 4),), category="activation", method="logsumexp", torch_args=("dim", "keepdim")))
