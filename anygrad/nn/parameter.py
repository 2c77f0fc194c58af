"""``Parameter``: a Tensor that a :class:`~anygrad.nn.Module` registers as trainable."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor, _make_tensor, _share

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
        t = _share(_make_tensor(None, data._backend), data)
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
    """Give ``t`` (kept by identity, e.g. by an optimizer) ``new``'s values.

    Same backend, dtype and shape: written into ``t``'s memory, as PyTorch's
    ``param.copy_(new)`` (views follow). Otherwise ``t`` takes ``new``'s storage, as
    ``param.data = new`` does.
    """
    if (new._backend is t._backend and new._data.dtype == t._data.dtype
            and tuple(new.shape) == tuple(t.shape) and new.device == t.device):
        if new._storage is not t._storage:
            t._write(new._data)
        return
    t._backend = new._backend
    t._base = None
    t._view_fn = None
    _share(t, new)
