"""Helpers shared by operation modules."""

from __future__ import annotations

from typing import Any

from .. import _backend
from ..autograd.function import _SCALARS
from ..tensor import Tensor, _make_tensor

__all__ = ["unwrap", "nondifferentiable", "backend_of"]


def backend_of(*args: Any) -> _backend.Backend:
    """The backend of the first Tensor or array among ``args`` (default backend if none)."""
    for a in args:
        if isinstance(a, Tensor):
            return a._backend
        if a is not None and type(a) not in _SCALARS:
            b = _backend.backend_of_array(a)
            if b is not None:
                return b
    return _backend.get_default_backend()


def unwrap(args: tuple, op: str) -> tuple[list, _backend.Backend]:
    """Arrays for Tensor arguments (others unchanged) and their common backend."""
    backend = None
    out = list(args)
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            b = a._backend
            out[i] = a._storage.array
        elif a is not None and type(a) not in _SCALARS:
            b = _backend.backend_of_array(a)
            if b is None:
                continue
        else:
            continue
        if backend is None:
            backend = b
        elif b is not backend:
            raise TypeError(
                f"{op}: cannot combine tensors of backend {backend.name!r} and backend {b.name!r}"
            )
    return out, backend or _backend.get_default_backend()


def nondifferentiable(op: str, *args: Any, **kwargs: Any) -> Tensor:
    """Run the namespace function ``op`` and wrap its (non-differentiable) result."""
    arrays, backend = unwrap(args, op)
    out = getattr(backend.xp, op)(*arrays, **kwargs)
    if type(out) is not backend.array_type:
        out = backend.xp.asarray(out)
    return _make_tensor(out, backend)


def is_complex(ctx: Any, a: Any) -> bool:
    """Whether ``a`` in ctx's backward (a raw array of ctx's backend, or an anygrad Tensor
    under create_graph) has a complex dtype: one set look-up."""
    return a.dtype in ctx._backend.complex_dtypes


def conj_if_complex(ctx: Any, a: Any) -> Any:
    """``conj(a)`` where ``a`` is complex, else ``a``: a holomorphic op's backward is
    ``g * conj(f'(z))`` in PyTorch's convention, and just ``g * f'(x)`` for real input."""
    return ctx.xp.conj(a) if is_complex(ctx, a) else a
