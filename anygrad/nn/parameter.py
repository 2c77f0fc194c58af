"""``Parameter``: a Tensor that a :class:`~anygrad.nn.Module` registers as trainable."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor, _make_tensor, _share

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer", "is_lazy"]


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


class _Uninitialized:
    """A placeholder for a tensor whose shape is not known yet (lazy modules).

    It holds no values (an empty tensor of the requested dtype and device) until
    :meth:`materialize` gives it a shape, in place: the same object then becomes a plain
    ``cls_to_become`` (a Parameter or a Tensor), so an optimizer or a hook that kept it sees
    the materialised tensor.
    """

    __slots__ = ()
    cls_to_become: type = Tensor

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the tensor ``shape`` (uninitialised values), ``device`` and ``dtype``."""
        import anygrad

        if isinstance(shape, int):
            shape = (shape,)
        new = anygrad.empty(tuple(shape), dtype=dtype or self.dtype,
                            device=device if device is not None else self.device,
                            backend=self._backend)
        self.__class__ = self.cls_to_become
        move_(self, new)

    @property
    def shape(self) -> Any:
        raise ValueError(
            f"Attempted to use an uninitialized {type(self).__name__}: its shape is only known "
            f"after the lazy module's first call (or materialize(shape))")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _placeholder(cls: type, requires_grad: bool, device: Any, dtype: Any) -> Any:
    import anygrad

    t = _share(_make_tensor(None, anygrad.empty(0)._backend),
               anygrad.empty(0, dtype=dtype, device=device))
    t.__class__ = cls
    if requires_grad:
        t.requires_grad_(True)
    return t


class UninitializedParameter(_Uninitialized, Parameter):
    """A :class:`Parameter` of a shape not known yet; ``materialize(shape)`` makes it a
    Parameter in place (lazy modules do at their first call).

    Examples
    --------
    >>> from anygrad import nn
    >>> p = nn.UninitializedParameter()
    >>> p.materialize((2, 3))
    >>> type(p).__name__, tuple(p.shape)
    ('Parameter', (2, 3))
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device: Any = None,
                dtype: Any = None) -> "UninitializedParameter":
        return _placeholder(cls, requires_grad, device, dtype)

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        pass


class UninitializedBuffer(_Uninitialized, Tensor):
    """A buffer Tensor of a shape not known yet; ``materialize(shape)`` makes it a Tensor.

    Examples
    --------
    >>> from anygrad import nn
    >>> b = nn.UninitializedBuffer()
    >>> b.materialize(4)
    >>> tuple(b.shape)
    (4,)
    """

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device: Any = None,
                dtype: Any = None) -> "UninitializedBuffer":
        return _placeholder(cls, requires_grad, device, dtype)

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None) -> None:
        pass


def is_lazy(param: Any) -> bool:
    """Whether ``param`` is an uninitialised parameter or buffer (of a lazy module)."""
    return isinstance(param, _Uninitialized)


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
