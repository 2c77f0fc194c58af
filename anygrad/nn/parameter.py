"""``Parameter``: a Tensor that a :class:`~anygrad.nn.Module` registers as trainable."""

from __future__ import annotations

from typing import Any

from ..tensor import Storage, Tensor, _make_tensor

__all__ = ["Parameter", "Buffer"]


class Parameter(Tensor):
    """A leaf Tensor that requires grad and is registered when assigned to a Module.

    It shares the storage of ``data`` (as ``torch.nn.Parameter`` does).

    Examples
    --------
    >>> import anygrad
    >>> p = anygrad.nn.Parameter(anygrad.zeros(2))
    >>> p.requires_grad, p.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __new__(cls, data: Any = None, requires_grad: bool = True) -> "Parameter":
        import anygrad

        if data is None:
            data = anygrad.empty(0)
        elif not isinstance(data, Tensor):
            data = anygrad.asarray(data)
        t = _make_tensor(None, data._backend)
        t._storage = data._storage
        t.__class__ = cls
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        pass  # everything happens in __new__ (Tensor.__init__ would re-read ``data``)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Buffer:
    """Marks a Tensor to be registered as a buffer when assigned to a Module."""

    __slots__ = ("data", "persistent")

    def __init__(self, data: Tensor, *, persistent: bool = True) -> None:
        self.data = data
        self.persistent = persistent


def move_(t: Tensor, new: Tensor) -> None:
    """Point ``t`` (kept by identity, e.g. by an optimizer) at ``new``'s array and backend."""
    if new._backend is t._backend:
        # Same backend: rebind the shared box, so views made with ``.data`` follow.
        t._storage.array = new._storage.array
        t._storage.version += 1
    else:
        t._storage = Storage(new._storage.array)
        t._backend = new._backend
