"""Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d."""

from __future__ import annotations

import math
from typing import Any

from .. import init
from ..functional import _conv
from ..functional._util import pair
from ..module import Module
from ._base import factory_kwargs, new_parameter

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


class _ConvNd(Module):
    _dims = 2
    _transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None,
                 output_padding: Any = 0, *, backend: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must be "
                f"divisible by groups ({groups})"
            )
        if padding_mode != "zeros":
            raise NotImplementedError(f"{name}: only padding_mode='zeros' is supported, got {padding_mode!r}")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: padding must be 'same', 'valid', an int or a tuple, got {padding!r}")
            if padding == "same" and any(s != 1 for s in self._tuple(stride)):
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
        fk = factory_kwargs(device, dtype, backend)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = self._tuple(kernel_size)
        self.stride = self._tuple(stride)
        self.padding = padding if isinstance(padding, str) else self._tuple(padding)
        self.dilation = self._tuple(dilation)
        self.output_padding = self._tuple(output_padding)
        self.groups = groups
        self.padding_mode = padding_mode
        if self._transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = new_parameter(shape, fk)
        if bias:
            self.bias = new_parameter((out_channels,), fk)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _tuple(self, v: Any) -> tuple:
        if self._dims == 1:
            return (pair(v, "size", type(self).__name__)[0],)
        return pair(v, "size", type(self).__name__)

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        zero = (0,) * self._dims
        one = (1,) * self._dims
        if self.padding != zero:
            s += f", padding={self.padding!r}"
        if self.dilation != one:
            s += f", dilation={self.dilation}"
        if self.output_padding != zero:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv2d(_ConvNd):
    """2-D convolution over ``(N, C, H, W)``.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.Conv2d(1, 6, 3)(anygrad.randn(2, 1, 32, 32)).shape
    anygrad.Size([2, 6, 30, 30])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None, *,
                 backend: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype, backend=backend)

    def forward(self, input: Any) -> Any:  # noqa: A002
        return _conv._conv2d("Conv2d", input, self.weight, self.bias, self.stride, self.padding,
                             self.dilation, self.groups)


class Conv1d(_ConvNd):
    """1-D convolution over ``(N, C, L)``."""

    _dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None, *,
                 backend: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype, backend=backend)

    def forward(self, input: Any) -> Any:  # noqa: A002
        return _conv.conv1d(input, self.weight, self.bias, self.stride, self.padding,
                            self.dilation, self.groups, _op="Conv1d")


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution; weight of shape ``(in, out/groups, kh, kw)``."""

    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                         bias, padding_mode, device, dtype, output_padding, backend=backend)

    def forward(self, input: Any, output_size: Any = None) -> Any:  # noqa: A002
        op = self.output_padding
        if output_size is not None:
            op = self._output_padding(input, output_size)
        return _conv.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, op,
                                      self.groups, self.dilation, _op="ConvTranspose2d")

    def _output_padding(self, input: Any, output_size: Any) -> tuple:
        size = tuple(output_size)[-self._dims:]
        out = []
        for d in range(self._dims):
            n = input.shape[2 + d]
            base = ((n - 1) * self.stride[d] - 2 * self.padding[d]
                    + self.dilation[d] * (self.kernel_size[d] - 1) + 1)
            extra = size[d] - base
            if not 0 <= extra < max(self.stride[d], self.dilation[d]):
                raise ValueError(
                    f"{type(self).__name__}: requested output size {size} is not reachable from "
                    f"input of shape {tuple(input.shape)}"
                )
            out.append(extra)
        return tuple(out)


class ConvTranspose1d(ConvTranspose2d):
    """1-D transposed convolution over ``(N, C, L)``."""

    _dims = 1

    def forward(self, input: Any, output_size: Any = None) -> Any:  # noqa: A002
        op = self.output_padding if output_size is None else self._output_padding(input, output_size)
        return _conv.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, op,
                                      self.groups, self.dilation)


class ConvTranspose3d(ConvTranspose2d):
    """3-D transposed convolution over ``(N, C, D, H, W)``; weight ``(in, out/groups, kd, kh, kw)``.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.ConvTranspose3d(2, 3, 2, stride=2)(anygrad.randn(1, 2, 2, 3, 3)).shape
    anygrad.Size([1, 3, 4, 6, 6])
    """

    _dims = 3

    def _tuple(self, v: Any) -> tuple:
        return _conv._triple(v, "size", type(self).__name__)

    def forward(self, input: Any, output_size: Any = None) -> Any:  # noqa: A002
        x = input if input.ndim == 5 else input[None]
        op = self.output_padding if output_size is None else self._output_padding(x, output_size)
        return _conv.conv_transpose3d(input, self.weight, self.bias, self.stride, self.padding, op,
                                      self.groups, self.dilation)
