"""Activation modules (thin wrappers around ``anygrad.nn.functional``)."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..module import Module

__all__ = ["ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Sigmoid", "Tanh",
           "Softmax", "LogSoftmax", "Softmin", "Softplus", "LogSigmoid", "Hardtanh", "Mish",
           "Hardswish", "Hardsigmoid", "Softsign", "Tanhshrink"]


class _Inplace(Module):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ReLU(_Inplace):
    """``max(x, 0)``."""

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.relu(input, self.inplace)


class ReLU6(_Inplace):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.relu6(input, self.inplace)


class SELU(_Inplace):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.selu(input, self.inplace)


class SiLU(_Inplace):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.silu(input, self.inplace)


class Mish(_Inplace):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.mish(input, self.inplace)


class Hardswish(_Inplace):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.hardswish(input, self.inplace)


class Hardsigmoid(_Inplace):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.hardsigmoid(input, self.inplace)


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Sigmoid(Module):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.sigmoid(input)


class Tanh(Module):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.tanh(input)


class LogSigmoid(Module):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.logsigmoid(input)


class Softsign(Module):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.softsign(input)


class Tanhshrink(Module):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.tanhshrink(input)


class Softplus(Module):
    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"


class _DimModule(Module):
    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_DimModule):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.softmax(input, self.dim)


class Softmin(_DimModule):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.softmin(input, self.dim)


class LogSoftmax(_DimModule):
    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.log_softmax(input, self.dim)
