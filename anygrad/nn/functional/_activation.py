"""Activation functions with PyTorch's ``F.`` signatures, delegating to the op catalogue.

``inplace=True`` is accepted for compatibility and rebinds the input tensor's storage (see
DESIGN.md decision 1), which never corrupts arrays saved by a graph.
"""

from __future__ import annotations

from typing import Any

import anygrad as _ag

__all__ = [
    "relu", "relu_", "leaky_relu", "elu", "selu", "gelu", "silu", "sigmoid", "tanh", "softplus",
    "logsigmoid", "hardtanh", "relu6", "softmax", "log_softmax", "softmin", "mish", "hardswish",
    "hardsigmoid", "tanhshrink", "softsign",
]


def _inplace(x: Any, y: Any, inplace: bool, op: str) -> Any:
    return x._rebind(y, op) if inplace else y


def relu(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    """``max(x, 0)``."""
    return _inplace(input, _ag.relu(input), inplace, "relu_")


def relu_(input: Any) -> Any:  # noqa: A002
    return relu(input, inplace=True)


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


def hardtanh(input: Any, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Any:  # noqa: A002
    return _inplace(input, _ag.hardtanh(input, min_val, max_val), inplace, "hardtanh_")


def relu6(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    return hardtanh(input, 0.0, 6.0, inplace)


def hardsigmoid(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    return _inplace(input, _ag.hardtanh(input / 6.0 + 0.5, 0.0, 1.0), inplace, "hardsigmoid_")


def hardswish(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    return _inplace(input, input * _ag.hardtanh(input / 6.0 + 0.5, 0.0, 1.0), inplace, "hardswish_")


def mish(input: Any, inplace: bool = False) -> Any:  # noqa: A002
    return _inplace(input, input * _ag.tanh(_ag.softplus(input)), inplace, "mish_")


def tanhshrink(input: Any) -> Any:  # noqa: A002
    return input - _ag.tanh(input)


def softsign(input: Any) -> Any:  # noqa: A002
    return input / (_ag.abs(input) + 1.0)


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


def log_softmax(input: Any, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Any:  # noqa: A002
    """Logarithm of the softmax along ``dim`` (computed stably)."""
    if dtype is not None:
        input = _ag.astype(input, dtype)
    return _ag.log_softmax(input, axis=_softmax_dim(input, dim))
