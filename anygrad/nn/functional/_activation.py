"""Activation functions with PyTorch's ``F.`` signatures, delegating to the op catalogue.

``inplace=True`` writes the result into the input's memory, as PyTorch does (a tensor a
graph saved then raises in backward, through the version counter). The activations
PyTorch records as one node (``HardtanhBackward0``, ``HardswishBackward0``,
``MishBackward0``...) are one ``Function`` here too, with a backward in xp operators only,
so that it differentiates again under ``create_graph=True``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import anygrad as _ag

from ...autograd.function import Function
from ...ops._inplace import inplace as _write_inplace
from ...ops._registry import OpSpec, register, register_alias

__all__ = [
    "relu", "relu_", "leaky_relu", "elu", "selu", "gelu", "silu", "sigmoid", "tanh", "softplus",
    "logsigmoid", "hardtanh", "relu6", "softmax", "log_softmax", "softmin", "mish", "hardswish",
    "hardsigmoid", "tanhshrink", "softsign",
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
