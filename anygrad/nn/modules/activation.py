"""Activation modules (thin wrappers around ``anygrad.nn.functional``)."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from .. import init
from ..module import Module
from ._base import factory_kwargs, new_parameter

__all__ = ["ReLU", "ReLU6", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Sigmoid", "Tanh",
           "Softmax", "LogSoftmax", "Softmin", "Softplus", "LogSigmoid", "Hardtanh", "Mish",
           "Hardswish", "Hardsigmoid", "Softsign", "Tanhshrink", "CELU", "GLU", "Hardshrink",
           "Softshrink", "Threshold", "PReLU", "RReLU", "Softmax2d"]


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


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` (:func:`~anygrad.nn.functional.celu`).

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.CELU(alpha=2.0)(anygrad.tensor([-2.0, 1.0]))
    tensor([-1.2642,  1.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """Gated linear unit over ``dim`` (:func:`~anygrad.nn.functional.glu`)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Hardshrink(Module):
    """``x`` where ``|x| > lambd``, else 0."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """``x`` moved ``lambd`` towards 0, and 0 inside ``[-lambd, lambd]``."""

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.softshrink(input, self.lambd)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"threshold={self.threshold}, value={self.value}{inplace}"


class PReLU(Module):
    """Parametric ReLU with ``num_parameters`` learnable slopes (1, or one per channel),
    initialised to ``init``.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> m = nn.PReLU()
    >>> m(anygrad.tensor([-2.0, 3.0]))
    tensor([-0.5000,  3.0000], grad_fn=<PreluKernelBackward0>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = new_parameter((num_parameters,), factory_kwargs(device, dtype, backend))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomized leaky ReLU: random slopes in ``[lower, upper]`` in training mode, their
    mean in evaluation mode (:func:`~anygrad.nn.functional.rrelu`)."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        inplace = ", inplace=True" if self.inplace else ""
        return f"lower={self.lower}, upper={self.upper}{inplace}"


class Softmax2d(Module):
    """Softmax over the channels of a ``(N, C, H, W)`` or ``(C, H, W)`` input (dimension
    -3)."""

    def forward(self, input: Any) -> Any:  # noqa: A002
        if input.ndim not in (3, 4):
            raise ValueError(
                f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead"
            )
        return F.softmax(input, -3)
