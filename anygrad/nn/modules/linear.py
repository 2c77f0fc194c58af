"""Linear and Bilinear layers."""

from __future__ import annotations

import math
from typing import Any

from .. import functional as F
from .. import init
from ..module import Module
from ._base import factory_kwargs, new_parameter

__all__ = ["Linear", "Bilinear"]


class Linear(Module):
    """``y = x @ weight.T + bias`` with PyTorch's default initialisation.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.Linear(20, 30)(anygrad.randn(128, 20)).shape
    anygrad.Size([128, 30])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__()
        fk = factory_kwargs(device, dtype, backend)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = new_parameter((out_features, in_features), fk)
        if bias:
            self.bias = new_parameter((out_features,), fk)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Any) -> Any:  # noqa: A002
        xs = tuple(input.shape)
        if not xs or xs[-1] != self.in_features:
            raise ValueError(
                f"Linear: expected input with last dimension {self.in_features} (weight of shape "
                f"{tuple(self.weight.shape)}), got input of shape {xs}"
            )
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """``y = x1 @ A @ x2 + b`` with ``A`` of shape ``(out, in1, in2)``."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__()
        fk = factory_kwargs(device, dtype, backend)
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = new_parameter((out_features, in1_features, in2_features), fk)
        if bias:
            self.bias = new_parameter((out_features,), fk)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Any, input2: Any) -> Any:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
