"""Lazy layers: their input size (``in_features``, ``in_channels``, ``num_features``) is read
from the first input.

Until then their parameters and buffers are :class:`~anygrad.nn.UninitializedParameter` and
:class:`~anygrad.nn.UninitializedBuffer`. The first call materialises them in place with the
inferred shape, initialises them as the eager layer would, and turns the module into that
layer (``LazyLinear`` becomes ``Linear``), as PyTorch's lazy modules do. Create the optimizer
after that first call (a dry run), as PyTorch documents; the parameters keep their identity,
so one created before also sees them.
"""

from __future__ import annotations

from typing import Any

from ..module import Module
from ..parameter import UninitializedBuffer, UninitializedParameter, is_lazy
from ._base import factory_kwargs
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .linear import Linear
from .normalization import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, _BatchNorm
from .normalization import BatchNorm1d, BatchNorm2d
from .volume import BatchNorm3d, Conv3d

__all__ = [
    "LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d",
    "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d",
    "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
]


class LazyModuleMixin:
    """Infers the module's parameter shapes from its first input, then becomes
    ``cls_to_become``."""

    cls_to_become: type | None = None

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter or buffer still waits for its shape."""
        tensors = list(self._parameters.values()) + list(self._buffers.values())  # type: ignore[attr-defined]
        return any(t is not None and is_lazy(t) for t in tensors)

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Materialise the parameters from the first input (each lazy layer defines it)."""
        raise NotImplementedError  # pragma: no cover - every subclass defines it

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.has_uninitialized_params():
            if not args:
                raise ValueError(f"{type(self).__name__}: the first call needs the input, from "
                                 f"which the parameter shapes are inferred")
            self.initialize_parameters(*args, **kwargs)
        if self.cls_to_become is not None:
            self.__class__ = self.cls_to_become
        return Module.__call__(self, *args, **kwargs)  # type: ignore[arg-type]

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> Any:
        # Shapes come from the checkpoint: materialise first, then load as usual.
        for name, t in list(self._parameters.items()) + list(self._buffers.items()):  # type: ignore[attr-defined]
            if t is not None and is_lazy(t) and name in state_dict:
                t.materialize(tuple(state_dict[name].shape))
        if not self.has_uninitialized_params():
            self._infer_sizes()
        return Module.load_state_dict(self, state_dict, strict, assign)  # type: ignore[arg-type]

    def _infer_sizes(self) -> None:
        """Set the size attributes from materialised parameters (after a state-dict load)."""


def _lazy_params(module: Module, names: tuple, fk: dict) -> None:
    for name in names:
        p = UninitializedParameter(device=fk.get("device"), dtype=fk.get("dtype"))
        setattr(module, name, p)


def _channels(module: Any, x: Any, dims: int) -> int:
    name = type(module).__name__
    if x.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{name}: expected a {dims + 1}-D (unbatched) or {dims + 2}-D input, got "
                         f"shape {tuple(x.shape)}")
    return x.shape[0] if x.ndim == dims + 1 else x.shape[1]


class LazyLinear(LazyModuleMixin, Linear):
    """:class:`~anygrad.nn.Linear` whose ``in_features`` is the first input's last dimension.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> layer = nn.LazyLinear(3)
    >>> layer(anygrad.randn(2, 5)).shape
    anygrad.Size([2, 3])
    >>> type(layer).__name__, layer.in_features
    ('Linear', 5)
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None, *, backend: Any = None) -> None:
        fk = factory_kwargs(device, dtype, backend)
        super().__init__(0, 0, False, device, dtype, backend=backend)
        self.out_features = out_features
        _lazy_params(self, ("weight", "bias") if bias else ("weight",), fk)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Any) -> None:  # noqa: A002
        if input.ndim < 1:
            raise ValueError(f"LazyLinear: expected an input of at least 1 dimension, got shape "
                             f"{tuple(input.shape)}")
        self.in_features = input.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters()

    def _infer_sizes(self) -> None:
        self.in_features = self.weight.shape[1]


class _LazyConvMixin(LazyModuleMixin):
    _dims = 2

    def _lazy_init(self, out_channels: int, bias: bool, fk: dict) -> None:
        self.out_channels = out_channels
        _lazy_params(self, ("weight", "bias") if bias else ("weight",), fk)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()  # type: ignore[misc]

    def initialize_parameters(self, input: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        c = _channels(self, input, self._dims)
        if c % self.groups:
            raise ValueError(f"{type(self).__name__}: in_channels ({c}) must be divisible by "
                             f"groups ({self.groups})")
        self.in_channels = c
        if self._transposed:
            shape = (c, self.out_channels // self.groups) + self.kernel_size
        else:
            shape = (self.out_channels, c // self.groups) + self.kernel_size
        self.weight.materialize(shape)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()

    def _infer_sizes(self) -> None:
        w = self.weight.shape
        self.in_channels = w[0] if self._transposed else w[1] * self.groups


def _lazy_conv(base: type, dims: int, transposed: bool) -> type:
    """The lazy variant of the convolution class ``base``."""
    if transposed:
        def __init__(self: Any, out_channels: int, kernel_size: Any, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     bias: bool = True, dilation: Any = 1, padding_mode: str = "zeros",
                     device: Any = None, dtype: Any = None, *, backend: Any = None) -> None:
            base.__init__(self, 0, 0, kernel_size, stride, padding, output_padding, 1, False,
                          dilation, padding_mode, device, dtype, backend=backend)
            self.groups = groups
            self._lazy_init(out_channels, bias, factory_kwargs(device, dtype, backend))
    else:
        def __init__(self: Any, out_channels: int, kernel_size: Any, stride: Any = 1,
                     padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                     padding_mode: str = "zeros", device: Any = None, dtype: Any = None, *,
                     backend: Any = None) -> None:
            base.__init__(self, 0, 0, kernel_size, stride, padding, dilation, 1, False,
                          padding_mode, device, dtype, backend=backend)
            self.groups = groups
            self._lazy_init(out_channels, bias, factory_kwargs(device, dtype, backend))
    name = "Lazy" + base.__name__
    doc = (f"{base.__name__} whose ``in_channels`` is read from the first input "
           f"(``input.shape[1]``, or ``[0]`` unbatched); it then becomes a {base.__name__}.")
    return type(name, (_LazyConvMixin, base), {
        "__init__": __init__, "__doc__": doc, "cls_to_become": base, "_dims": dims,
        "__module__": __name__, "__qualname__": name})


LazyConv1d = _lazy_conv(Conv1d, 1, False)
LazyConv2d = _lazy_conv(Conv2d, 2, False)
LazyConv3d = _lazy_conv(Conv3d, 3, False)
LazyConvTranspose1d = _lazy_conv(ConvTranspose1d, 1, True)
LazyConvTranspose2d = _lazy_conv(ConvTranspose2d, 2, True)
LazyConvTranspose3d = _lazy_conv(ConvTranspose3d, 3, True)


class _LazyNormMixin(LazyModuleMixin):
    _dims = 1

    def _lazy_init(self, fk: dict) -> None:
        if self.affine:
            _lazy_params(self, ("weight", "bias"), fk)
        if self.track_running_stats:
            for name in ("running_mean", "running_var"):
                self.register_buffer(name, UninitializedBuffer(device=fk.get("device"),
                                                               dtype=fk.get("dtype")))

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()  # type: ignore[misc]

    def initialize_parameters(self, input: Any) -> None:  # noqa: A002
        dims = self._dims
        if isinstance(self, _BatchNorm):
            if input.ndim not in self._expected:
                raise ValueError(f"{type(self).__name__}: expected a "
                                 f"{' or '.join(f'{d}-D' for d in self._expected)} input, got "
                                 f"shape {tuple(input.shape)}")
            c = input.shape[1]
        else:
            c = _channels(self, input, dims)
        self.num_features = c
        for t in list(self._parameters.values()) + list(self._buffers.values()):
            if t is not None and is_lazy(t):
                t.materialize((c,))
        self.reset_parameters()

    def _infer_sizes(self) -> None:
        for t in list(self._parameters.values()) + list(self._buffers.values()):
            if t is not None and t.ndim == 1:
                self.num_features = t.shape[0]
                return


def _lazy_norm(base: type, dims: int, batch: bool) -> type:
    """The lazy variant of the normalisation class ``base``."""
    # PyTorch's lazy instance norms default to affine and tracked statistics too.
    def __init__(self: Any, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, backend: Any = None) -> None:
        base.__init__(self, 0, eps, momentum, affine, track_running_stats, device, dtype,
                      backend=backend)
        self._lazy_init(factory_kwargs(device, dtype, backend))
    name = "Lazy" + base.__name__
    doc = (f"{base.__name__} whose ``num_features`` is read from the first input (its channel "
           f"dimension); it then becomes a {base.__name__}.")
    if batch:
        def reset_parameters(self: Any) -> None:
            if not self.has_uninitialized_params() and self.num_features != 0:
                base.reset_parameters(self)
    else:
        def reset_parameters(self: Any) -> None:
            if not self.has_uninitialized_params() and self.num_features != 0 and self.affine:
                from .. import init

                init.ones_(self.weight)
                init.zeros_(self.bias)
            if not self.has_uninitialized_params() and self.track_running_stats:
                from .. import init

                init.zeros_(self.running_mean)
                init.ones_(self.running_var)
    return type(name, (_LazyNormMixin, base), {
        "__init__": __init__, "__doc__": doc, "cls_to_become": base, "_dims": dims,
        "reset_parameters": reset_parameters, "__module__": __name__, "__qualname__": name})


LazyBatchNorm1d = _lazy_norm(BatchNorm1d, 1, True)
LazyBatchNorm2d = _lazy_norm(BatchNorm2d, 2, True)
LazyBatchNorm3d = _lazy_norm(BatchNorm3d, 3, True)
LazyInstanceNorm1d = _lazy_norm(InstanceNorm1d, 1, False)
LazyInstanceNorm2d = _lazy_norm(InstanceNorm2d, 2, False)
LazyInstanceNorm3d = _lazy_norm(InstanceNorm3d, 3, False)
