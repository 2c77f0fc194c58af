"""Normalisation layers: BatchNorm1d/2d, LayerNorm, GroupNorm, RMSNorm, InstanceNorm1d/2d/3d,
LocalResponseNorm and CrossMapLRN2d."""

from __future__ import annotations

from typing import Any

from .. import functional as F
from .. import init
from ..module import Module
from ._base import factory_kwargs, new_buffer, new_parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "RMSNorm", "InstanceNorm1d",
           "InstanceNorm2d", "InstanceNorm3d", "LocalResponseNorm", "CrossMapLRN2d"]


def _register_running_stats(module: Module, num_features: int, fk: dict, track: bool) -> None:
    """The running_mean/running_var/num_batches_tracked buffers (None when not tracked)."""
    import anygrad

    if track:
        module.register_buffer("running_mean", new_buffer((num_features,), fk, 0.0))
        module.register_buffer("running_var", new_buffer((num_features,), fk, 1.0))
        module.register_buffer("num_batches_tracked", new_buffer((), fk, 0, anygrad.int64))
    else:
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            module.register_buffer(name, None)


class _BatchNorm(Module):
    _expected: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__()
        fk = factory_kwargs(device, dtype, backend)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = new_parameter((num_features,), fk)
            self.bias = new_parameter((num_features,), fk)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        _register_running_stats(self, num_features, fk, track_running_stats)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)

    def forward(self, input: Any) -> Any:  # noqa: A002
        name = type(self).__name__
        shape = tuple(input.shape)
        if len(shape) not in self._expected:
            raise ValueError(
                f"{name}: expected a {' or '.join(f'{d}-D' for d in self._expected)} input, got "
                f"shape {shape}"
            )
        if shape[1] != self.num_features:
            raise ValueError(
                f"{name}: expected input with {self.num_features} channels (weight of shape "
                f"({self.num_features},)), got input of shape {shape}"
            )
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            from ...autograd.grad_mode import no_grad

            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked.item())
        use_batch = self.training or self.running_mean is None
        return F.batch_norm(
            input,
            self.running_mean if not self.training or self.track_running_stats else None,
            self.running_var if not self.training or self.track_running_stats else None,
            self.weight, self.bias, use_batch, momentum, self.eps,
        )

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of ``(N, C)`` or ``(N, C, L)``."""

    _expected = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of ``(N, C, H, W)``."""

    _expected = (4,)


class LayerNorm(Module):
    """Normalisation over the trailing ``normalized_shape`` axes."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device: Any = None, dtype: Any = None, *,
                 backend: Any = None) -> None:
        super().__init__()
        fk = factory_kwargs(device, dtype, backend)
        ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape = ns
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = new_parameter(ns, fk)
            init.ones_(self.weight)
            if bias:
                self.bias = new_parameter(ns, fk)
                init.zeros_(self.bias)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Any) -> Any:  # noqa: A002
        shape = tuple(input.shape)
        ns = self.normalized_shape
        if shape[len(shape) - len(ns):] != ns:
            raise ValueError(
                f"LayerNorm: expected input with trailing dimensions {ns}, got input of shape {shape}"
            )
        return F.layer_norm(input, ns, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Normalisation over groups of channels."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        fk = factory_kwargs(device, dtype, backend)
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if affine:
            self.weight = new_parameter((num_channels,), fk)
            self.bias = new_parameter((num_channels,), fk)
            init.ones_(self.weight)
            init.zeros_(self.bias)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Any) -> Any:  # noqa: A002
        shape = tuple(input.shape)
        if len(shape) < 2 or shape[1] != self.num_channels:
            raise ValueError(
                f"GroupNorm: expected input with {self.num_channels} channels, got input of shape {shape}"
            )
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class _InstanceNorm(Module):
    _dims = 0  # spatial dimensions; 0: any

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__()
        fk = factory_kwargs(device, dtype, backend)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = new_parameter((num_features,), fk)
            self.bias = new_parameter((num_features,), fk)
            init.ones_(self.weight)
            init.zeros_(self.bias)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        _register_running_stats(self, num_features, fk, track_running_stats)

    def forward(self, input: Any) -> Any:  # noqa: A002
        name, d = type(self).__name__, self._dims
        unbatched = bool(d) and input.ndim == d + 1
        if d and input.ndim not in (d + 1, d + 2):
            raise ValueError(f"{name}: expected a {d + 1}-D (unbatched) or {d + 2}-D input, got "
                             f"shape {tuple(input.shape)}")
        x = input[None] if unbatched else input
        if self.affine and x.shape[1] != self.num_features:
            raise ValueError(f"{name}: expected input with {self.num_features} channels, got "
                             f"input of shape {tuple(input.shape)}")
        # As PyTorch: instance statistics while training or when no running stats are
        # tracked (updating the running ones when tracked); the running ones in eval.
        y = F.instance_norm(
            x, self.running_mean, self.running_var, weight=self.weight, bias=self.bias,
            use_input_stats=self.training or not self.track_running_stats,
            momentum=0.1 if self.momentum is None else self.momentum, eps=self.eps,
        )
        return y[0] if unbatched else y

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of ``(N, C, L)`` (or unbatched ``(C, L)``)."""

    _dims = 1


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of ``(N, C, H, W)`` (or unbatched ``(C, H, W)``)."""

    _dims = 2


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of ``(N, C, D, H, W)`` (or unbatched ``(C, D, H, W)``).

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.InstanceNorm3d(2)(anygrad.randn(1, 2, 2, 3, 3)).shape
    anygrad.Size([1, 2, 2, 3, 3])
    """

    _dims = 3


class RMSNorm(Module):
    """Root-mean-square normalisation over the trailing ``normalized_shape`` axes.

    ``eps`` defaults to the input dtype's machine epsilon; the weight starts at ones.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.RMSNorm(2, eps=0.0)(anygrad.tensor([[3.0, 4.0]])).tolist()
    [[0.8485281467437744, 1.1313709020614624]]
    """

    def __init__(self, normalized_shape: Any, eps: float | None = None,
                 elementwise_affine: bool = True, device: Any = None, dtype: Any = None, *,
                 backend: Any = None) -> None:
        super().__init__()
        ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape = ns
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = new_parameter(ns, factory_kwargs(device, dtype, backend))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: Any) -> Any:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(Module):
    """Normalisation by the squares of neighbouring channels (AlexNet);
    see :func:`anygrad.nn.functional.local_response_norm`.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.LocalResponseNorm(2)(anygrad.ones(1, 3, 2, 2)).shape
    anygrad.Size([1, 3, 2, 2])
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Any) -> Any:  # noqa: A002
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def _cross_map_window(channels: int, size: int) -> Any:
    """``(C, C)`` 0/1 matrix: which squared channels PyTorch's CrossMapLRN2d sums for each.

    PyTorch's legacy kernel builds each channel's sum from the previous one, adding the
    channel entering the window but removing the one leaving only once past the first
    ``(size - 1) // 2 + 1`` channels; running that recurrence on unit vectors gives its
    windows exactly.
    """
    import numpy as np

    pre = (size - 1) // 2 + 1
    m = np.zeros((channels, channels))
    m[0, :min(pre, channels)] = 1.0
    for c in range(1, channels):
        m[c] = m[c - 1]
        if c < channels - pre + 1:
            m[c, c + pre - 1] += 1.0
        if c > pre:
            m[c, c - pre] -= 1.0
    return m


class CrossMapLRN2d(Module):
    """PyTorch's legacy cross-channel LRN of ``(N, C, H, W)``:
    ``x * (k + alpha / size * sum of squares over the channel window) ** -beta``,
    with the legacy kernel's windows.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> nn.CrossMapLRN2d(3)(anygrad.ones(1, 4, 2, 2)).shape
    anygrad.Size([1, 4, 2, 2])
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Any) -> Any:  # noqa: A002
        import anygrad

        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: expected a 4-D input (N, C, H, W), got shape "
                             f"{tuple(input.shape)}")
        m = anygrad.asarray(_cross_map_window(input.shape[1], self.size), dtype=input.dtype,
                            backend=input._backend, device=input.device)
        sq = anygrad.permute_dims(input * input, (0, 2, 3, 1))
        total = anygrad.permute_dims(anygrad.matmul(sq, anygrad.matrix_transpose(m)), (0, 3, 1, 2))
        return input * (total * (self.alpha / self.size) + self.k) ** (-self.beta)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
