"""``Tensor``: a handle on one immutable backend array, plus autograd metadata.

The array lives in a :class:`Storage` box that several Tensors may share
(``t.data``, ``t.detach()``). In-place methods compute a new array and put it in the box,
so every Tensor sharing it sees the change -- ``p.data.sub_(lr * p.grad)`` updates ``p`` on
every backend, JAX included -- while arrays saved by a graph are never modified.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from . import _backend, _dtype
from ._tensor_methods import TensorMethods

__all__ = ["Tensor", "Size", "Storage"]


class Storage:
    """The shared box holding a Tensor's current array and its version counter."""

    __slots__ = ("array", "version")

    def __init__(self, array: Any) -> None:
        self.array = array
        self.version = 0


class Size(tuple):
    """A shape, as PyTorch's ``torch.Size``: a tuple with ``numel()``."""

    __slots__ = ()

    def numel(self) -> int:
        return math.prod(self)

    def __repr__(self) -> str:
        return f"anygrad.Size({list(self)})"


_new = object.__new__


def _make_tensor(array: Any, backend: _backend.Backend, grad_fn: Any = None, output_nr: int = 0) -> "Tensor":
    """Wrap a backend array (the fast, internal constructor)."""
    t = _new(Tensor)
    t._storage = storage = _new(Storage)  # no __init__ frame: this runs once per op
    storage.array = array
    storage.version = 0
    t._backend = backend
    t._grad_fn = grad_fn
    t._output_nr = output_nr
    t._requires_grad = grad_fn is not None
    t.grad = None
    t._accumulator = None
    t._hooks = None
    return t


class Tensor(TensorMethods):
    """A multi-dimensional array on any Array API backend, with automatic differentiation.

    Parameters
    ----------
    data : array_like
        A backend array, a NumPy array, a Tensor, or nested Python numbers.
    requires_grad : bool, optional
        Record operations on this tensor for differentiation.
    dtype, device, backend : optional
        Where and how to store ``data`` (see :func:`anygrad.asarray`).

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.Tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
    """

    __slots__ = (
        "_storage", "_backend", "_grad_fn", "_output_nr", "_requires_grad", "grad",
        "_accumulator", "_hooks", "__weakref__",
    )
    # Make NumPy defer to Tensor's reflected operators (ndarray * Tensor -> Tensor).
    __array_priority__ = 1000

    def __init__(
        self,
        data: Any = None,
        *,
        requires_grad: bool = False,
        dtype: Any = None,
        device: Any = None,
        backend: Any = None,
    ) -> None:
        from .creation import _to_array

        if data is None:
            data = []
        array, b = _to_array(data, dtype=dtype, device=device, backend=backend)
        self._storage = Storage(array)
        self._backend = b
        self._grad_fn = None
        self._output_nr = 0
        self._requires_grad = False
        self.grad = None
        self._accumulator = None
        self._hooks = None
        if requires_grad:
            self.requires_grad_(True)

    # -- the array and its description ----------------------------------------------------
    @property
    def array(self) -> Any:
        """The wrapped backend array (read-only by convention: never modify it in place)."""
        return self._storage.array

    @property
    def backend(self) -> str:
        """Name of the backend holding the array (``"numpy"``, ``"torch"``...)."""
        return self._backend.name

    @property
    def xp(self) -> Any:
        """The backend's own Array API namespace."""
        return self._backend.xp

    @property
    def shape(self) -> Size:
        return Size(self._storage.array.shape)

    @property
    def dtype(self) -> _dtype.dtype:
        return self._backend.dtype_of(self._storage.array.dtype)

    @property
    def device(self) -> Any:
        return self._backend.device_of(self._storage.array)

    @property
    def ndim(self) -> int:
        return len(self._storage.array.shape)

    def dim(self) -> int:
        return len(self._storage.array.shape)

    ndimension = dim

    def size(self, dim: int | None = None) -> Any:
        shape = self._storage.array.shape
        if dim is None:
            return Size(shape)
        return shape[dim]

    def numel(self) -> int:
        return math.prod(self._storage.array.shape)

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def grad_fn(self) -> Any:
        return self._grad_fn

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def _version(self) -> int:
        return self._storage.version

    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self.dtype.kind == "c"

    @property
    def is_cuda(self) -> bool:
        return self._backend.name == "cupy" or "cuda" in str(self.device)

    # -- requires_grad ------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Set ``requires_grad`` in place (leaves only); returns ``self``."""
        if self._grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "requires_grad_: you can only change requires_grad flags of leaf tensors; "
                "use detach() to get a tensor that does not require grad"
            )
        if requires_grad and self.dtype.kind not in "fc":
            raise RuntimeError(
                f"requires_grad_: only floating point and complex tensors can require "
                f"gradients, got dtype {self.dtype}"
            )
        self._requires_grad = bool(requires_grad)
        return self

    # -- sharing storage ------------------------------------------------------------------
    def detach(self) -> "Tensor":
        """A new leaf Tensor that shares this one's storage and does not require grad."""
        t = _make_tensor(None, self._backend)
        t._storage = self._storage
        return t

    def detach_(self) -> "Tensor":
        """Make this tensor a leaf that does not require grad; returns ``self``."""
        self._grad_fn = None
        self._output_nr = 0
        self._requires_grad = False
        return self

    @property
    def data(self) -> "Tensor":
        """A detached Tensor sharing this one's storage (in-place changes to it show here)."""
        return self.detach()

    @data.setter
    def data(self, value: "Tensor") -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data: expected a Tensor, got {type(value).__name__}")
        if value._backend is not self._backend:
            raise TypeError(
                f"Tensor.data: cannot assign a tensor of backend {value.backend!r} to one of "
                f"backend {self.backend!r}"
            )
        self._storage = value._storage

    def _rebind(self, result: "Tensor", op: str) -> "Tensor":
        """Finish an in-place method: put ``result``'s array into this tensor's storage."""
        if self._requires_grad and self._grad_fn is None and _grad_enabled():
            raise RuntimeError(
                f"{op}: a leaf tensor that requires grad is being used in an in-place "
                "operation; wrap the update in `with anygrad.no_grad():` or use .data"
            )
        if result._backend is not self._backend:
            raise TypeError(
                f"{op}: cannot write a tensor of backend {result.backend!r} into one of backend "
                f"{self.backend!r}"
            )
        old = self._storage.array
        new = result._storage.array
        if tuple(new.shape) != tuple(old.shape):
            raise RuntimeError(
                f"{op}: the result of shape {tuple(new.shape)} does not match the in-place "
                f"tensor of shape {tuple(old.shape)}"
            )
        if new.dtype != old.dtype:
            if self._backend.dtype_of(old.dtype).kind not in "fc" and result.dtype.kind in "fc":
                raise RuntimeError(
                    f"{op}: result type {result.dtype} cannot be cast to the in-place tensor's "
                    f"dtype {self.dtype}"
                )
            result = result.to(self.dtype)
            new = result._storage.array
        storage = self._storage
        storage.array = new
        storage.version += 1
        if result._requires_grad:
            self._grad_fn = result._grad_fn
            self._output_nr = result._output_nr
            self._requires_grad = True
        return self

    # -- autograd -----------------------------------------------------------------------
    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Sequence["Tensor"] | None = None,
    ) -> None:
        """Accumulate the gradient of this tensor into the ``.grad`` of the graph's leaves.

        Parameters
        ----------
        gradient : Tensor or array, optional
            The vector in the vector-Jacobian product; required unless this is a scalar.
        retain_graph : bool, optional
            Keep the saved arrays for another backward (default: ``create_graph``).
        create_graph : bool
            Record the backward pass, for higher-order gradients.
        inputs : sequence of Tensor, optional
            Accumulate only into these tensors.
        """
        from .autograd.engine import backward

        backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph, inputs)

    def register_hook(self, hook: Callable[["Tensor"], Any]) -> Any:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor
        replaces the gradient. Returns a handle with ``remove()``."""
        from .autograd.function import _RemovableHandle

        if not self._requires_grad:
            raise RuntimeError(
                "register_hook: cannot register a hook on a tensor that does not require grad"
            )
        if self._grad_fn is not None:
            return self._grad_fn._add_prehook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def retain_grad(self) -> None:
        """Keep the gradient of this non-leaf tensor in ``.grad`` after backward."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("retain_grad: the tensor does not require grad")
            return
        import weakref

        ref = weakref.ref(self)

        def store(grad: "Tensor") -> None:
            t = ref()
            if t is not None:
                if t.grad is None:
                    t.grad = grad.detach() if not grad.requires_grad else grad
                else:
                    t.grad = t.grad + grad
            return None

        self._grad_fn._add_prehook(self._output_nr, store)

    # -- conversion -------------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        """A NumPy array with this tensor's values (shared for NumPy, copied otherwise)."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "numpy: can't call numpy() on a tensor that requires grad; use "
                "tensor.detach().numpy()"
            )
        return self._backend.to_numpy(self._storage.array)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self._backend.to_numpy(self._storage.array)
        return out if dtype is None else out.astype(dtype)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        n = self.numel()
        if n != 1:
            raise ValueError(f"item: only one-element tensors can be converted, got shape {tuple(self.shape)}")
        value = self._backend.to_numpy(self._storage.array).reshape(()).item()
        return value

    def tolist(self) -> Any:
        return self._backend.to_numpy(self._storage.array).tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iu":
            raise TypeError(f"only integer tensors can be used as an index, got {self.dtype}")
        return int(self.item())

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise ValueError(
                "the truth value of a tensor with more than one element is ambiguous; use "
                ".any() or .all()"
            )
        return bool(self.item())

    def __complex__(self) -> complex:
        return complex(self.item())

    def __len__(self) -> int:
        shape = self._storage.array.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        from . import ops

        return iter(ops.unstack(self, axis=0))

    def __hash__(self) -> int:
        return id(self)

    def __array_namespace__(self, *, api_version: str | None = None) -> Any:
        """anygrad's differentiable Array API namespace for this tensor's backend."""
        return self._backend.namespace

    def __dlpack__(self, *args: Any, **kwargs: Any) -> Any:
        return self._storage.array.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self) -> Any:
        return self._storage.array.__dlpack_device__()

    def __reduce_ex__(self, protocol: int) -> Any:
        # Used by DataLoader workers (which ship NumPy) and copy; never by anygrad.save.
        return (_rebuild, (self._backend.name, self._backend.to_numpy(self._storage.array), self._requires_grad))

    def __deepcopy__(self, memo: dict) -> "Tensor":
        t = _make_tensor(self._storage.array, self._backend)
        t.__class__ = self.__class__
        t._requires_grad = self._requires_grad
        if self.grad is not None:
            t.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = t
        return t

    # -- printing ---------------------------------------------------------------------
    def __repr__(self) -> str:
        from ._printing import tensor_repr

        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self)


# Imported last: the autograd package imports this module for Tensor.
from .autograd.grad_mode import _enabled  # noqa: E402

_grad_enabled = _enabled.get


def _rebuild(backend: str, array: np.ndarray, requires_grad: bool) -> Tensor:
    from .creation import asarray

    t = asarray(array, backend=backend)
    if requires_grad:
        t.requires_grad_(True)
    return t
