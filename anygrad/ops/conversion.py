"""Conversions that stay on the graph: dtype casts and moves between backends/devices."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _backend
from ..autograd.function import Function
from ._registry import OpSpec, register

__all__ = ["astype", "to_backend"]


class ToCopy(Function):  # PyTorch's name for a dtype conversion (ToCopyBackward0)
    @staticmethod
    def forward(ctx: Any, x: Any, native: Any) -> Any:
        xp = ctx.xp
        ctx.source = x.dtype
        # real -> complex: the gradient is the real part of the upstream one (PyTorch).
        ctx.to_real = xp.isdtype(native, "complex floating") and not xp.isdtype(
            x.dtype, "complex floating")
        return xp.astype(x, native)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        # The engine casts the gradient back to the input's dtype.
        return (ctx.xp.real(gy) if ctx.to_real else gy), None


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    """``x`` converted to ``dtype`` (differentiable between floating dtypes)."""
    from ..tensor import Tensor

    backend = x._backend if isinstance(x, Tensor) else (_backend.backend_of_array(x) or _backend.get_default_backend())
    native = backend.to_native(dtype)
    if not copy and isinstance(x, Tensor) and x._data.dtype == native:
        out = x  # the standard: copy=False returns the input when the dtype matches
    else:
        out = ToCopy.apply(x, native)
    if device is not None:
        out = to_backend(out, backend.name, device)
    return out


register(OpSpec("astype", astype, ref=lambda x, dtype: x.astype(dtype), category="conversion",
                kwargs=({"dtype": "float64"},), notes="differentiable between floating dtypes"))


class ToBackend(Function):
    _changes_backend = True

    @staticmethod
    def forward(ctx: Any, x: Any, target: _backend.Backend, device: Any) -> Any:
        from ..creation import _transfer

        source = _backend.backend_of_array(x)
        ctx.source = source
        ctx.source_device = source.device_of(x)
        out = _transfer(x, source, target) if target is not source else x
        if device is not None:
            import array_api_compat

            out = array_api_compat.to_device(out, device)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        if ctx.create_graph:
            return to_backend(gy, ctx.source.name, ctx.source_device), None, None
        from ..creation import _transfer

        target = _backend.backend_of_array(gy)
        g = _transfer(gy, target, ctx.source) if target is not ctx.source else gy
        import array_api_compat

        return array_api_compat.to_device(g, ctx.source_device), None, None


def to_backend(x: Any, backend: Any, device: Any = None, /) -> Any:
    """``x`` moved to another backend and/or device (DLPack where possible, else the host);
    gradients flow back to the source."""
    from ..tensor import Tensor

    target = _backend.get_backend(backend)
    if not isinstance(x, Tensor):
        from ..creation import asarray

        x = asarray(x)
    dev = target.parse_device(device)
    if target is x._backend and (dev is None or dev == x.device):
        return x
    # apply() would reject the backend change of a Tensor argument; ToBackend itself checks.
    return ToBackend.apply(x, target, dev)


register(OpSpec("to_backend", to_backend, ref=lambda x, backend: x, category="conversion",
                kwargs=({"backend": "numpy"},),
                notes="moves data between backends and devices; gradients flow back"))
