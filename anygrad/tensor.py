"""``Tensor``: a backend array, the :class:`Storage` it shares with its views, and
autograd metadata.

Views behave as in PyTorch: basic indexing, ``view``, transposes, ``squeeze``... give a
Tensor whose array is the backend's own view of the same memory, sharing the storage and
its version counter, so a write through any of them is seen through all. On JAX, whose
arrays are immutable, the same behaviour comes from functionalisation: a write rebuilds
the root array and every registered view re-reads it. All writes go through
:meth:`Tensor._write`.
"""

from __future__ import annotations

import math
import weakref
from typing import Any, Callable, Iterator

import numpy as np

from . import _backend, _dtype

__all__ = ["Tensor", "Size", "Storage"]


class Storage:
    """What a tensor and its views share: the root array and the version counter.

    ``base`` is the array the storage was created with. On mutable backends every view's
    array is the backend's own view of it and writes mutate it in place; on immutable
    backends (JAX) a write replaces ``base`` and refreshes every registered dependent.
    ``views`` (made on first need; read it with :func:`dependents`) holds the tensors a
    write or a history change must visit: functional dependents, and views that carry autograd history.
    ``cow`` marks an array that may alias memory anygrad does not own (a gradient handed
    out by the engine): the first write or view copies it first. ``exported`` marks memory
    that left anygrad's sight (``numpy()``, ``__array__``, DLPack, a user's array): it is
    only ever written in place, never replaced.
    """

    __slots__ = ("version", "base", "__dict__")
    views: Any = None
    cow = False
    exported = False

    def __init__(self, array: Any) -> None:
        self.base = array
        self.version = 0


class Size(tuple):
    """A shape, as PyTorch's ``torch.Size``: a tuple with ``numel()``."""

    __slots__ = ()

    def numel(self) -> int:
        return math.prod(self)

    def __repr__(self) -> str:
        return f"anygrad.Size({list(self)})"


class ViewFn:
    """How a view is taken from its storage's root array: a chain of ``f(xp, array)``.

    Replaying the chain on the root gives the view's array (JAX, and views a backend
    cannot express natively); replaying it on a NumPy array of flat positions gives, for
    every element of the view, its position in the root -- which is how functional
    writes, ``stride()`` on JAX and the autograd of writes into views find their targets.
    """

    __slots__ = ("fns", "functional", "overlap", "component")

    def __init__(self, fns: tuple, functional: bool, overlap: bool,
                 component: str | None = None) -> None:
        self.fns = fns
        self.functional = functional
        self.overlap = overlap
        # "real" or "imag": the view holds one part of complex elements (always functional).
        self.component = component

    def __call__(self, xp: Any, array: Any) -> Any:
        for f in self.fns:
            array = f(xp, array)
        return array

    def index(self, base_shape: tuple) -> np.ndarray:
        """Flat positions in the root (a NumPy int64 array of the view's shape)."""
        import array_api_compat.numpy as npx

        ids = np.arange(math.prod(base_shape), dtype=np.int64).reshape(base_shape)
        return np.asarray(self(npx, ids))


_new = object.__new__


def _init(t: "Tensor", array: Any, backend: _backend.Backend, grad_fn: Any = None,
          output_nr: int = 0) -> "Tensor":
    """Set every field of a Tensor that owns a new storage holding ``array``: the one
    place a Tensor is set up (``Function.apply`` inlines the same lines on its hot path;
    tests/test_engine.py keeps the two equal)."""
    t._data = array
    t._storage = storage = _new(Storage)  # no __init__ frame
    storage.base = array
    storage.version = 0
    t._backend = backend
    t._grad_fn = grad_fn
    t._output_nr = output_nr
    t._requires_grad = grad_fn is not None
    t._grad = None
    t._accumulator = None
    t._hooks = None
    return t


def _make_tensor(array: Any, backend: _backend.Backend, grad_fn: Any = None, output_nr: int = 0) -> "Tensor":
    """Wrap a backend array in a new Tensor that owns a new storage (the internal constructor)."""
    return _init(_new(Tensor), array, backend, grad_fn, output_nr)


class _RemovableHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook out of its list."""

    __slots__ = ("_list", "_entry")

    def __init__(self, lst: list, entry: Any) -> None:
        self._list = lst
        self._entry = entry

    def remove(self) -> None:
        try:
            self._list.remove(self._entry)
        except ValueError:
            pass

    def __enter__(self) -> "_RemovableHandle":
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def _check_grad(t: "Tensor", g: Any, what: str, dtype: Any = False) -> None:
    """A gradient for ``t`` must match it: a Tensor of its backend, device, dtype and shape
    (a mismatch would otherwise surface later as a wrong update or a reshaped parameter).
    ``dtype`` replaces the tensor's dtype where given (a leaf's ``grad_dtype``; None: any)."""
    if not isinstance(g, Tensor):
        raise TypeError(f"{what}: expected a Tensor or None as the gradient, got "
                        f"{type(g).__name__}")
    if g._backend is not t._backend:
        attr, want, have = "backend", repr(t.backend), repr(g.backend)
    elif tuple(g._data.shape) != tuple(t._data.shape):
        attr, want, have = "shape", tuple(t._data.shape), tuple(g._data.shape)
    elif dtype is False and g._data.dtype != t._data.dtype:
        attr, want, have = "dtype", t.dtype, g.dtype
    elif dtype is not False and dtype is not None and g.dtype is not dtype:
        attr, want, have = "dtype (grad_dtype)", dtype, g.dtype
    elif g.device != t.device:
        attr, want, have = "device", repr(t.device), repr(g.device)
    else:
        return
    raise RuntimeError(f"{what}: expected a gradient with the tensor's {attr} {want}, got {have}")


def _register(storage: Storage, t: "Tensor") -> None:
    # Keyed by id, holding weak references: a Tensor's ``==`` is elementwise, so it cannot
    # sit in a WeakSet. A dead entry is dropped when its id is reused or when visited.
    views = storage.views
    if views is None:
        views = storage.views = {}
    views[id(t)] = weakref.ref(t)


def _others(storage: Storage, t: "Tensor") -> bool:
    """Whether another live tensor shares ``storage`` with ``t``."""
    return any(d is not t for d in dependents(storage)) if storage.views else False


def dependents(storage: Storage) -> list:
    """The live tensors registered on ``storage`` (see :class:`Storage`)."""
    views = storage.views
    if not views:
        return []
    out = []
    for key, ref in list(views.items()):
        t = ref()
        if t is None:
            del views[key]
        else:
            out.append(t)
    return out


def _share(t: "Tensor", source: "Tensor") -> "Tensor":
    """Make ``t`` another handle on ``source``'s data (detach, .data, Parameter)."""
    if source._storage.cow:
        source._own()
    t._data = source._data
    t._storage = storage = source._storage
    if source._view_fn is not None:
        t._view_fn = source._view_fn
    # Both must see later writes through either (refreshed by _write on JAX); and a write
    # must know the memory has other handles (see _write's ``owned``).
    _register(storage, source)
    _register(storage, t)
    return t


def _with_other_part(backend: Any, root: Any, pos: np.ndarray, value: Any, part: str) -> Any:
    """Complex values for ``pos``: ``value`` as the ``part`` ("real"/"imag"), the other
    part kept from ``root``."""
    xp = backend.xp
    device = backend.device_of(root)
    current = xp.reshape(xp.take(xp.reshape(root, (-1,)), xp.asarray(
        pos.reshape(-1), device=device)), tuple(pos.shape))
    value = xp.astype(xp.asarray(value, device=device), root.dtype)
    if part == "real":
        return value + xp.astype(xp.imag(current), root.dtype) * 1j
    return xp.astype(xp.real(current), root.dtype) + value * 1j


def make_view(out: "Tensor", parent: "Tensor", fn: Callable, *, overlap: bool = False,
              native: bool = True, component: str | None = None) -> "Tensor":
    """Turn ``out``, just computed from ``parent`` by ``fn(xp, array)``, into a view.

    ``native`` says the backend returned its own view (False where it had to copy, e.g.
    ``flip`` on torch); ``overlap`` that elements may share memory (``expand``).
    """
    storage = parent._storage
    backend = parent._backend
    if storage.cow:
        parent._own()
        out._data = fn(backend.xp, parent._data)
    pv = parent._view_fn
    functional = not (native and backend.mutable) or (pv is not None and pv.functional)
    out._view_fn = ViewFn(
        (pv.fns + (fn,)) if pv is not None else (fn,),
        functional,
        overlap or (pv is not None and pv.overlap),
        component or (pv.component if pv is not None else None),
    )
    out._storage = storage
    base = parent._base
    out._base = parent if base is None else base
    if not backend.mutable:
        _register(storage, parent)
    _register(storage, out)
    return out


class Tensor:
    """A multi-dimensional array on any Array API backend, with automatic differentiation.

    Parameters
    ----------
    *data : array_like or int
        A backend array, a NumPy array, a Tensor, or nested Python numbers; or, as
        PyTorch's legacy constructor takes them, sizes (``Tensor(2, 3)``: zeros, where
        PyTorch leaves the memory uninitialised). :func:`anygrad.tensor` infers the dtype
        from the data; this constructor makes the default float dtype unless ``dtype`` is
        given, as ``torch.Tensor`` does.
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
        "_data", "_storage", "_backend", "_grad_fn", "_output_nr", "_requires_grad", "_grad",
        "_accumulator", "_hooks", "__weakref__", "__dict__",
    )
    # Set only on views (in the instance __dict__, made on first use): the root Tensor
    # (PyTorch's ``_base``) and how this view is taken from the storage's root array.
    _base: "Tensor | None" = None
    _view_fn: ViewFn | None = None
    # Make NumPy defer to Tensor's reflected operators (ndarray * Tensor -> Tensor).
    __array_priority__ = 1000

    def __init__(
        self,
        *data: Any,
        requires_grad: bool = False,
        dtype: Any = None,
        device: Any = None,
        backend: Any = None,
    ) -> None:
        # Only user code reaches this: operations build Tensors with object.__new__.
        from .creation import legacy_array

        array, b = legacy_array(data, dtype, device, backend, "Tensor")
        _init(self, array, b)
        if requires_grad:
            self.requires_grad_(True)

    # -- the array and its description ----------------------------------------------------
    @property
    def array(self) -> Any:
        """The wrapped backend array (a view of the storage's memory for views).

        Writing into it directly bypasses the version counter: use in-place methods."""
        self._storage.exported = True
        return self._data

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
        return Size(self._data.shape)

    @property
    def dtype(self) -> _dtype.dtype:
        return self._backend.dtype_of(self._data.dtype)

    @property
    def device(self) -> Any:
        return self._backend.device_of(self._data)

    @property
    def ndim(self) -> int:
        return len(self._data.shape)

    def dim(self) -> int:
        return len(self._data.shape)

    ndimension = dim

    def size(self, dim: int | None = None) -> Any:
        shape = self._data.shape
        if dim is None:
            return Size(shape)
        return shape[dim]

    def numel(self) -> int:
        return math.prod(self._data.shape)

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

    # -- grad -----------------------------------------------------------------------------
    @property
    def grad(self) -> "Tensor | None":
        """The gradient accumulated by ``backward()`` (None until then)."""
        return self._grad

    @grad.setter
    def grad(self, value: "Tensor | None") -> None:
        if value is not None:
            _check_grad(self, value, "Tensor.grad", self.__dict__.get("_grad_dtype", False))
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

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
        return _share(_make_tensor(None, self._backend), self)

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
        if value._storage.cow:
            value._own()
        self._data = value._data
        self._storage = value._storage
        self._base = None
        self._view_fn = value._view_fn
        if not value._backend.mutable:
            _register(value._storage, value)
            _register(value._storage, self)

    # -- views and writes -------------------------------------------------------------
    def is_view(self) -> bool:
        """Whether this tensor is a view of another (``_base`` is that tensor)."""
        return self._base is not None

    _is_view = is_view

    def stride(self, dim: int | None = None) -> Any:
        """Strides in elements, as PyTorch reports them."""
        strides = self._layout()[0]
        return strides if dim is None else strides[dim]

    def storage_offset(self) -> int:
        """Offset of the first element in the storage, in elements."""
        return self._layout()[1]

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """Whether the elements lie in row-major order without gaps."""
        expected = 1
        for n, s in zip(reversed(self.shape), reversed(self._layout()[0])):
            if n != 1 and s != expected:
                return False
            expected *= n
        return True

    def _layout(self) -> tuple[tuple, int]:
        backend = self._backend
        if backend.mutable:
            return backend.layout(self._data, self._storage.base)
        vf = self._view_fn
        root = self._storage.base
        if vf is None:
            ids = np.arange(math.prod(root.shape), dtype=np.int64).reshape(root.shape)
        else:
            ids = vf.index(tuple(root.shape))
        offset = int(ids.reshape(-1)[0]) if ids.size else 0
        return tuple(s // 8 for s in ids.strides), offset

    def _own(self) -> None:
        """Replace an array that may alias foreign memory by a private copy (see Storage)."""
        storage = self._storage
        self._data = storage.base = self._backend.xp.asarray(self._data, copy=True)
        storage.cow = False

    def _write(self, value: Any, *, owned: bool = False) -> None:
        """Write ``value`` (an array of this tensor's dtype, or a Python scalar) into this
        tensor's memory (all of it: a partial write is a write into a view): the one way
        anygrad changes data. Bumps the version counter.

        ``owned`` says ``value`` is a new array nobody else holds (an optimizer's update):
        when no view, alias or export of this memory exists, the tensor then takes it
        instead of copying it in -- the same observable result, without a copy and with
        the allocation pattern that lets the allocator reuse pages.
        """
        storage = self._storage
        vf = self._view_fn
        if (owned and vf is None and not storage.exported
                and not storage.cow and self._backend.mutable
                and type(value) is self._backend.array_type
                and value.shape == self._data.shape and value.dtype == self._data.dtype
                and not _others(storage, self)):
            self._data = storage.base = value
            storage.version += 1
            return
        if vf is not None and vf.overlap:
            raise RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers "
                "to a single memory location (it is an expanded view); clone() it first"
            )
        backend = self._backend
        if storage.cow:
            if type(value) is backend.array_type and vf is None:
                # A whole write need not copy first: take the new array, keeping the
                # caution, since ``value`` may itself be shared.
                self._data = storage.base = backend.xp.reshape(value, tuple(self._data.shape))
                storage.version += 1
                return
            self._own()
        if backend.mutable and (vf is None or not vf.functional):
            self._data[...] = value
        else:
            self._write_functional(value)
        storage.version += 1
        if storage.views and backend.mutable:
            xp = backend.xp
            for t in dependents(storage):
                tv = t._view_fn
                if tv is not None and tv.functional and t is not self:
                    t._data = tv(xp, storage.base)

    def _write_functional(self, value: Any) -> None:
        # JAX, and views a backend cannot express natively: rebuild the root, re-read views.
        backend, storage = self._backend, self._storage
        xp = backend.xp
        root = storage.base
        vf = self._view_fn
        if vf is None:  # a whole root on JAX (mutable backends write roots in place)
            new = xp.asarray(value, dtype=root.dtype, device=backend.device_of(root))
            new_root = xp.broadcast_to(new, tuple(root.shape))
        else:
            pos = vf.index(tuple(root.shape))
            if vf.component is not None:
                value = _with_other_part(backend, root, pos, value, vf.component)
            new_root = backend.scatter_set(root, pos, value)
        storage.base = new_root
        self._data = new_root if vf is None else vf(xp, new_root)
        if not backend.mutable:
            for t in dependents(storage):
                if t is not self:
                    tv = t._view_fn
                    t._data = new_root if tv is None else tv(xp, new_root)

    # -- autograd (``backward`` is attached by anygrad.autograd.engine) -----------------
    def register_hook(self, hook: Callable[["Tensor"], Any]) -> Any:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned Tensor
        replaces the gradient. Returns a handle with ``remove()``."""
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
        """Keep the gradient of this non-leaf tensor in ``.grad`` after backward
        (:attr:`retains_grad` tells; a second call changes nothing)."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("retain_grad: the tensor does not require grad")
            return
        if self.__dict__.get("_retains_grad"):
            return
        self.__dict__["_retains_grad"] = True
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
        self._storage.exported = True
        return self._backend.to_numpy(self._data)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self._requires_grad:
            # Code that falls back to NumPy would silently drop the gradient.
            raise RuntimeError(
                "__array__: can't convert a tensor that requires grad to a NumPy array; use "
                "tensor.detach() first (gradients do not flow through NumPy)"
            )
        self._storage.exported = True
        out = self._backend.to_numpy(self._data)
        return out if dtype is None else out.astype(dtype)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        n = self.numel()
        if n != 1:
            raise ValueError(f"item: only one-element tensors can be converted, got shape {tuple(self.shape)}")
        value = self._backend.to_numpy(self._data).reshape(()).item()
        return value

    def tolist(self) -> Any:
        return self._backend.to_numpy(self._data).tolist()

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
        shape = self._data.shape
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self) -> int:
        return id(self)

    def to_device(self, device: Any, /, *, stream: Any = None) -> "Tensor":
        """This tensor on ``device`` of its backend (the standard's ``to_device``);
        differentiable, and ``self`` when it is there already."""
        if stream is not None:
            raise ValueError("to_device: streams are not supported (stream must be None)")
        return self.to(device=device)

    def __array_namespace__(self, *, api_version: str | None = None) -> Any:
        """anygrad's differentiable Array API namespace for this tensor's backend."""
        return self._backend.namespace

    def __dlpack__(self, *, stream: Any = None, max_version: Any = None, dl_device: Any = None,
                   copy: bool | None = None) -> Any:
        if self._requires_grad:
            # A DLPack consumer sees raw memory: the gradient would be silently lost.
            raise RuntimeError(
                "__dlpack__: can't export a tensor that requires grad; use tensor.detach() "
                "first (gradients do not flow through DLPack)"
            )
        self._storage.exported = True
        kwargs = {k: v for k, v in (("stream", stream), ("max_version", max_version),
                                    ("dl_device", dl_device), ("copy", copy)) if v is not None}
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> Any:
        return self._data.__dlpack_device__()

    def __reduce_ex__(self, protocol: int) -> Any:
        # Used by DataLoader workers (which ship NumPy) and copy; never by anygrad.save.
        return (_rebuild, (self._backend.name, self._backend.to_numpy(self._data), self._requires_grad))

    def __deepcopy__(self, memo: dict) -> "Tensor":
        t = _make_tensor(self._backend.xp.asarray(self._data, copy=True), self._backend)
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


def _rebuild(backend: str, array: np.ndarray, requires_grad: bool) -> Tensor:
    from .creation import asarray

    t = asarray(array, backend=backend)
    if requires_grad:
        t.requires_grad_(True)
    return t
