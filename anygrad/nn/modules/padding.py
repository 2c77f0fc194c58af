"""Padding layers: constant (zero), reflection, replication and circular, in 1-D to 3-D."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from ..module import Module

__all__ = [
    "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
    "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
    "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d",
]


class _PadNd(Module):
    """``padding``: an int (every side) or ``2 * dims`` ints (last dimension first)."""

    mode = "constant"
    dims = 1

    def __init__(self, padding: Any, value: float = 0.0) -> None:
        super().__init__()
        if isinstance(padding, (tuple, list)):
            if len(padding) != 2 * self.dims:
                raise ValueError(f"{type(self).__name__}: expected an int or {2 * self.dims} "
                                 f"padding amounts, got {padding!r}")
            self.padding = tuple(int(p) for p in padding)
        else:
            self.padding = (int(padding),) * (2 * self.dims)
        self.value = float(value)

    def forward(self, input: Any) -> Any:  # noqa: A002
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"{type(self).__name__}: expected a {self.dims + 1}-D or "
                             f"{self.dims + 2}-D input, got shape {tuple(input.shape)}")
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}, value={self.value}" if self.mode == "constant" else f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with ``value``.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.ConstantPad1d((1, 0), 9.0)(anygrad.ones(1, 2)).tolist()
    [[9.0, 1.0, 1.0]]
    """

    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dimensions with ``value`` (left, right, top, bottom)."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dimensions with ``value``."""

    dims = 3


class _ZeroPadNd(_PadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dimension with zeros."""

    dims = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two dimensions with zeros (left, right, top, bottom).

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.ZeroPad2d(1)(anygrad.ones(1, 1, 1)).tolist()
    [[[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]]
    """

    dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three dimensions with zeros."""

    dims = 3


class _ModePadNd(_PadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding)


class ReflectionPad1d(_ModePadNd):
    """Pad the last dimension with its reflection (the edge itself not repeated).

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.ReflectionPad1d(2)(anygrad.tensor([[1.0, 2.0, 3.0]])).tolist()
    [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]]
    """

    mode, dims = "reflect", 1


class ReflectionPad2d(_ModePadNd):
    """Pad the last two dimensions with their reflection."""

    mode, dims = "reflect", 2


class ReflectionPad3d(_ModePadNd):
    """Pad the last three dimensions with their reflection."""

    mode, dims = "reflect", 3


class ReplicationPad1d(_ModePadNd):
    """Pad the last dimension by repeating its edge values."""

    mode, dims = "replicate", 1


class ReplicationPad2d(_ModePadNd):
    """Pad the last two dimensions by repeating their edge values."""

    mode, dims = "replicate", 2


class ReplicationPad3d(_ModePadNd):
    """Pad the last three dimensions by repeating their edge values."""

    mode, dims = "replicate", 3


class CircularPad1d(_ModePadNd):
    """Pad the last dimension periodically (wrapping around)."""

    mode, dims = "circular", 1


class CircularPad2d(_ModePadNd):
    """Pad the last two dimensions periodically."""

    mode, dims = "circular", 2


class CircularPad3d(_ModePadNd):
    """Pad the last three dimensions periodically."""

    mode, dims = "circular", 3
