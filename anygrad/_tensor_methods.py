"""The hand-written Tensor methods: those that are not one operation of the registry.

Every operation's methods, in-place variants and operators are generated from its registry
entry (``_faces``). What remains here is conversion (``to``, ``float``, ``cpu``), shape
conveniences with PyTorch's varargs (``x.view(2, 3)``), methods that choose between
operations (``x.max(dim)`` returns values and indices; ``~`` is logical or bitwise by
dtype) or reorder their arguments (``x.where(cond, y)``), and in-place writes that are not
an operation's result (``fill_``, ``copy_``, ``uniform_``). :func:`attach` puts them on the
Tensor class when ``anygrad`` is imported; it refuses a name that the registry already
provides, so no method is defined twice.
"""

from __future__ import annotations

import builtins
from typing import Any

from . import _device, _dtype, creation, ops
from .autograd.grad_mode import is_grad_enabled
from .ops._inplace import inplace as _inplace
from .ops._inplace import setitem_ as _setitem_
from .tensor import Tensor


def _sizes(args: tuple) -> Any:
    """``f(2, 3)`` and ``f((2, 3))`` both mean the shape ``(2, 3)``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def _axis(dim: Any, axis: Any) -> Any:
    return axis if dim is None else dim


def _overwrite(t: Any, value: Any, op: str) -> Any:
    """Write ``value`` (broadcast) over all of ``t``; a tracked ``t`` keeps an edge to its
    old history (a zero gradient), as PyTorch's copy_/fill_/zero_ do."""
    if t._requires_grad and t._base is None and is_grad_enabled():
        return _inplace(t, ops.setitem(t, Ellipsis, value), op)
    return _inplace(t, ops.broadcast_to(value, tuple(t.shape)), op)


class TensorMethods:
    __slots__ = ()

    # -- operators ------------------------------------------------------------------------
    def __invert__(self) -> Any:
        if self.dtype.kind == "b":
            return ops.logical_not(self)
        return ops.bitwise_invert(self)

    def __and__(self, other: Any) -> Any:
        return ops.logical_and(self, other) if self.dtype.kind == "b" else ops.bitwise_and(self, other)

    def __or__(self, other: Any) -> Any:
        return ops.logical_or(self, other) if self.dtype.kind == "b" else ops.bitwise_or(self, other)

    def __xor__(self, other: Any) -> Any:
        return ops.logical_xor(self, other) if self.dtype.kind == "b" else ops.bitwise_xor(self, other)

    __rand__ = __and__
    __ror__ = __or__
    __rxor__ = __xor__

    def __setitem__(self, key: Any, value: Any) -> None:
        _setitem_(self, key, value)

    # -- in-place: computed out of place, written into the tensor's memory -------------------
    def zero_(self) -> Any:
        return _overwrite(self, creation.zeros_like(self), "zero_")

    def fill_(self, value: Any) -> Any:
        if isinstance(value, Tensor) and value._requires_grad:
            return _overwrite(self, value, "fill_")
        return _overwrite(self, creation.full_like(self, value), "fill_")

    def copy_(self, src: Any, non_blocking: bool = False) -> Any:
        """Copy ``src`` (broadcast, converted to this tensor's dtype, backend and device);
        gradients flow to ``src``."""
        if not isinstance(src, Tensor):
            src = creation.asarray(src, backend=self._backend, dtype=self.dtype, device=self.device)
        elif src._backend is not self._backend or src.device != self.device:
            src = src.to(backend=self.backend, device=self.device)
        if src.dtype != self.dtype:
            src = src.to(self.dtype)
        return _overwrite(self, src, "copy_")

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with uniform samples from ``[a, b)`` drawn on the host."""
        r = creation.rand(*self.shape, generator=generator, dtype=self.dtype, backend=self._backend,
                     device=self.device)
        return _inplace(self, r * (b - a) + a, "uniform_")

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with normal samples drawn on the host."""
        r = creation.randn(*self.shape, generator=generator, dtype=self.dtype, backend=self._backend,
                      device=self.device)
        return _inplace(self, r * std + mean, "normal_")

    # -- conversion ---------------------------------------------------------------------
    def to(self, *args: Any, dtype: Any = None, device: Any = None, backend: Any = None,
           copy: bool = False, non_blocking: bool = False) -> Any:
        """Convert dtype and/or move to another device or backend (differentiable).

        Accepts ``to(dtype)``, ``to(device)``, ``to("cupy")`` (a backend name),
        ``to(other_tensor)`` and the keywords ``dtype=``, ``device=``, ``backend=``.
        """
        from . import _backend, _dtype

        for a in args:
            if isinstance(a, _device.device):
                a = str(a)
            if isinstance(a, Tensor):
                dtype, device, backend = a.dtype, a.device, a._backend
            elif isinstance(a, str) and a in _backend.BACKEND_NAMES:
                backend = a
            elif isinstance(a, str) and a.split(":")[0] == "cuda" and backend is None:
                # PyTorch's "cuda": stay on torch if already there, otherwise CuPy.
                if self._backend.name == "torch":
                    device = a
                else:
                    backend, device = "cupy", a
            elif isinstance(a, _dtype.dtype) or (isinstance(a, str) and (a in _dtype.ALL or a in _dtype.ALIASES)):
                dtype = a
            elif a is not None and not isinstance(a, (str, int)) and _dtype_like(a):
                dtype = a
            else:
                device = a
        out = self
        if backend is not None or device is not None:
            out = ops.to_backend(out, backend or self._backend, device)
        if dtype is not None and _dtype.as_dtype(dtype) is not out.dtype:
            out = ops.astype(out, dtype)
        if copy and out is self:
            out = creation.asarray(self, copy=True)
        return out

    def type(self, dtype: Any = None) -> Any:
        """The dtype's name, or this tensor converted to ``dtype`` (also a legacy
        constructor, ``x.type(anygrad.LongTensor)``, or its name, ``"torch.LongTensor"``)."""
        if dtype is None:
            return f"anygrad.{self.dtype.name}"
        legacy = (dtype.rpartition(".")[2] if isinstance(dtype, str)
                  else getattr(dtype, "__name__", None))
        if legacy in creation.LEGACY_CONSTRUCTORS:
            dtype = getattr(creation, legacy).dtype
        return self.to(dtype)

    def type_as(self, other: Any) -> Any:
        return self.to(other.dtype)

    def float(self) -> Any:
        return self.to(_dtype.float32)

    def double(self) -> Any:
        return self.to(_dtype.float64)

    def half(self) -> Any:
        return self.to(_dtype.float16)

    def long(self) -> Any:
        return self.to(_dtype.int64)

    def int(self) -> Any:
        return self.to(_dtype.int32)

    def bool(self) -> Any:
        return self.to(_dtype.bool)

    def byte(self) -> Any:
        return self.to(_dtype.uint8)

    def char(self) -> Any:
        return self.to(_dtype.int8)

    def short(self) -> Any:
        return self.to(_dtype.int16)

    def bfloat16(self) -> Any:
        return self.to(_dtype.bfloat16)

    def cfloat(self) -> Any:
        return self.to(_dtype.complex64)

    def cdouble(self) -> Any:
        return self.to(_dtype.complex128)

    def cpu(self) -> Any:
        if self._backend.name in ("cupy",):
            return self.to(backend="numpy")
        if self._backend.name == "torch":
            return self.to(device="cpu")
        return self

    def cuda(self, device: Any = None) -> Any:
        return self.to("cuda" if device is None else f"cuda:{device}" if isinstance(device, int) else device)

    def astype(self, dtype: Any) -> Any:
        return ops.astype(self, dtype)

    def clone(self) -> Any:
        """A copy on the graph (gradients flow back to ``self``)."""
        if self.requires_grad:
            return ops.multiply(self, 1)
        return creation.asarray(self, copy=True)

    def contiguous(self) -> Any:
        """``self`` if its elements are laid out row-major without gaps, else a copy."""
        if self.is_contiguous():
            return self
        from .ops.shape import Reshape

        # Flattening a non-contiguous array copies it in row-major order on every backend
        # (a plain copy would keep the layout, as clone() does).
        return Reshape.apply(Reshape.apply(self, (-1,)), tuple(self.shape))

    # -- creation: a new tensor with this one's dtype, device and backend by default --------
    def new_tensor(self, data: Any, dtype: Any = None, device: Any = None,
                   requires_grad: bool = False) -> Any:
        """``data`` as a new tensor (copied, never on the graph) of this tensor's dtype,
        device and backend unless given."""
        if isinstance(data, Tensor):
            data = data.detach()
        return creation.tensor(data, dtype=self.dtype if dtype is None else dtype,
                               device=self.device if device is None else device,
                               backend=self._backend, requires_grad=requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Any:
        """Zeros of ``size``, with this tensor's dtype, device and backend unless given."""
        return self._new(creation.zeros, size, dtype, device, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Any:
        """Ones of ``size``, with this tensor's dtype, device and backend unless given."""
        return self._new(creation.ones, size, dtype, device, requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Any:
        """An uninitialised tensor of ``size``, with this tensor's dtype, device and backend
        unless given."""
        return self._new(creation.empty, size, dtype, device, requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
                 requires_grad: bool = False) -> Any:
        """``fill_value`` everywhere in a tensor of ``size``, with this tensor's dtype,
        device and backend unless given."""
        return creation.full(size, fill_value, dtype=self.dtype if dtype is None else dtype,
                             device=self.device if device is None else device,
                             backend=self._backend, requires_grad=requires_grad)

    def _new(self, make: Any, size: tuple, dtype: Any, device: Any, requires_grad: bool) -> Any:
        return make(*size, dtype=self.dtype if dtype is None else dtype,
                    device=self.device if device is None else device, backend=self._backend,
                    requires_grad=requires_grad)

    # -- memory and metadata -------------------------------------------------------------
    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes of the elements this tensor shows (``numel() * itemsize``)."""
        return self.numel() * self.dtype.itemsize

    def data_ptr(self) -> int:
        """The address of the first element, where the backend exposes it (NumPy, CuPy,
        PyTorch, JAX on the CPU); a ``RuntimeError`` where it does not."""
        a = self._data
        for get in (lambda: a.__array_interface__["data"][0],
                    lambda: a.__cuda_array_interface__["data"][0],
                    lambda: a.data_ptr(),
                    lambda: a.unsafe_buffer_pointer(),
                    lambda: a._array.__array_interface__["data"][0]):
            try:
                return int(get())
            except Exception:  # noqa: BLE001 - this backend does not expose it that way
                continue
        raise RuntimeError(f"data_ptr: backend {self.backend!r} does not expose memory addresses")

    @property
    def is_cpu(self) -> bool:
        return not self.is_cuda

    def get_device(self) -> int:
        """The CUDA device index, or -1 on the CPU (PyTorch's convention)."""
        if not self.is_cuda:
            return -1
        return _device.device(self.device).index or 0

    def is_signed(self) -> bool:
        """Whether the dtype holds negative values (not unsigned, not bool)."""
        return self.dtype.kind in "ifc"

    def is_same_size(self, other: Any) -> bool:
        return tuple(self.shape) == tuple(other.shape)

    def is_nonzero(self) -> bool:
        """The truth of a one-element tensor (``RuntimeError`` for any other size)."""
        if self.numel() != 1:
            raise RuntimeError(f"is_nonzero: expected a tensor with one element, got "
                               f"{self.numel()}")
        return builtins.bool(self.item())

    # PyTorch's lazy conjugation and negation bits: anygrad computes both at once, so no
    # tensor carries one and resolving is the identity.
    def is_conj(self) -> bool:
        return False

    def is_neg(self) -> bool:
        return False

    def resolve_conj(self) -> Any:
        return self

    def resolve_neg(self) -> Any:
        return self

    # -- complex -------------------------------------------------------------------------
    @property
    def real(self) -> Any:
        return ops.real(self)

    @property
    def imag(self) -> Any:
        return ops.imag(self)

    # -- shape ---------------------------------------------------------------------------
    @property
    def T(self) -> Any:  # noqa: N802
        if self.ndim > 2:
            raise ValueError(f"T: expected a tensor with at most 2 dimensions, got {self.ndim}; use mT or permute")
        return self if self.ndim < 2 else ops.matrix_transpose(self)

    @property
    def mT(self) -> Any:  # noqa: N802
        return ops.matrix_transpose(self)

    @property
    def H(self) -> Any:  # noqa: N802
        """The conjugate transpose of a matrix (``x.T.conj()``)."""
        return ops.conj(self.T) if self.dtype.kind == "c" else self.T

    @property
    def mH(self) -> Any:  # noqa: N802
        """The conjugate transpose of the last two dimensions."""
        return ops.conj(self.mT) if self.dtype.kind == "c" else self.mT

    def t(self) -> Any:
        return self.T

    def view_as(self, other: Any) -> Any:
        return ops.reshape(self, tuple(other.shape))

    reshape_as = view_as

    def expand_as(self, other: Any) -> Any:
        return ops.broadcast_to(self, tuple(other.shape))

    # -- indexing and selection -------------------------------------------------------------
    def index_select(self, dim: int, index: Any) -> Any:
        return ops.take(self, index, axis=dim)

    def take(self, index: Any) -> Any:
        return ops.take(ops.reshape(self, (-1,)), index)

    def take_along_dim(self, indices: Any, dim: Any = None) -> Any:
        return ops.take_along_axis(self, indices, axis=-1 if dim is None else dim)

    def where(self, condition: Any, other: Any) -> Any:
        return ops.where(condition, self, other)

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        return ops.nonzero(self, as_tuple=as_tuple)

    # -- elementwise ---------------------------------------------------------------------
    def equal(self, other: Any) -> bool:
        """True when ``other`` has the same shape and values (PyTorch's ``Tensor.equal``)."""
        return tuple(self.shape) == tuple(other.shape) and bool(ops.all(ops.equal(self, other)))

    # -- reductions ----------------------------------------------------------------------
    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None,
            axis: Any = None, keepdims: Any = None) -> Any:
        return ops.var(self, axis=_axis(dim, axis), correction=_correction(unbiased, correction),
                       keepdims=keepdim if keepdims is None else keepdims)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None,
            axis: Any = None, keepdims: Any = None) -> Any:
        return ops.std(self, axis=_axis(dim, axis), correction=_correction(unbiased, correction),
                       keepdims=keepdim if keepdims is None else keepdims)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Maximum of all elements, or ``(values, indices)`` along ``dim`` (PyTorch)."""
        if isinstance(dim, Tensor):
            return ops.maximum(self, dim)
        if dim is None:
            return ops.max(self)
        return ops.max(self, dim=dim, keepdim=keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Minimum of all elements, or ``(values, indices)`` along ``dim`` (PyTorch)."""
        if isinstance(dim, Tensor):
            return ops.minimum(self, dim)
        if dim is None:
            return ops.min(self)
        return ops.min(self, dim=dim, keepdim=keepdim)

    # -- linear algebra ------------------------------------------------------------------

# -- views that select (all through basic indexing, so they share memory) -----------------
def _select(self: Any, dim: int, index: int) -> Any:
    """The slice at ``index`` of dimension ``dim``, which disappears (a view)."""
    d = dim % self.ndim if self.ndim else dim
    return self[(slice(None),) * d + (int(index),)]


def _tensor_split(self: Any, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces along ``dim``: ``n`` nearly equal ones, or cut at the given indices (views)."""
    d = dim % self.ndim
    n = self.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k <= 0:
            raise ValueError(f"tensor_split: number of sections must be positive, got {k}")
        size, extra = divmod(n, k)
        bounds = [0]
        for i in range(k):
            bounds.append(bounds[-1] + size + (1 if i < extra else 0))
    else:
        bounds = [0] + [min(max(int(i), 0), n) for i in indices_or_sections] + [n]
    lead = (slice(None),) * d
    return tuple(self[lead + (slice(bounds[i], max(bounds[i], bounds[i + 1])),)]
                 for i in range(len(bounds) - 1))


TensorMethods.select = _select
TensorMethods.tensor_split = _tensor_split


def attach() -> None:
    """Put the hand-written methods on the Tensor class (before the registry's faces, which
    leave these names alone: see ``_faces.attach``)."""
    skip = ("__slots__", "__module__", "__doc__", "__qualname__")
    for name, value in vars(TensorMethods).items():
        if name not in skip:
            setattr(Tensor, name, value)


HAND_WRITTEN = frozenset(vars(TensorMethods))


def _dtype_like(a: Any) -> bool:
    try:
        from . import _dtype

        _dtype.as_dtype(a)
        return True
    except TypeError:
        return False


def _correction(unbiased: Any, correction: Any) -> Any:
    """PyTorch's ``unbiased`` (default True) or the Array API's ``correction``."""
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


# -- PyTorch's module-level spellings of the hand-written methods (anygrad.numel(x)) -----------
def is_tensor(obj: Any, /) -> bool:
    """Whether ``obj`` is an anygrad Tensor (a Parameter is one)."""
    return isinstance(obj, Tensor)


def is_floating_point(x: Any, /) -> bool:
    """Whether ``x`` has a floating dtype."""
    return x.is_floating_point()


def is_complex(x: Any, /) -> bool:
    """Whether ``x`` has a complex dtype."""
    return x.is_complex()


def is_nonzero(x: Any, /) -> bool:
    """The truth of a one-element tensor."""
    return x.is_nonzero()


def is_conj(x: Any, /) -> bool:
    """False: anygrad has no lazy conjugation bit."""
    return x.is_conj()


def resolve_conj(x: Any, /) -> Any:
    """``x`` itself: anygrad has no lazy conjugation bit."""
    return x.resolve_conj()


def resolve_neg(x: Any, /) -> Any:
    """``x`` itself: anygrad has no lazy negation bit."""
    return x.resolve_neg()


def numel(x: Any, /) -> int:
    """The number of elements of ``x``."""
    return x.numel()


def clone(x: Any, /, *, memory_format: Any = None) -> Any:
    """A copy on the graph (gradients flow back to ``x``); ``memory_format`` is accepted
    and ignored, as every anygrad tensor is laid out row-major."""
    return x.clone()


def t(x: Any, /) -> Any:
    """The transpose of a matrix (``x`` itself below 2 dimensions)."""
    return x.t()


def select(x: Any, /, dim: int, index: int) -> Any:
    """The slice at ``index`` of dimension ``dim``, which disappears (a view)."""
    return x.select(dim, index)


def tensor_split(x: Any, /, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces of ``x`` along ``dim`` (views): ``n`` nearly equal ones, or cut at indices."""
    return x.tensor_split(indices_or_sections, dim)


def take_along_dim(x: Any, /, indices: Any, dim: Any = None) -> Any:
    """Values of ``x`` at ``indices`` along ``dim`` (of the flattened ``x`` without ``dim``)."""
    return x.take_along_dim(indices, dim)


MODULE_FUNCTIONS = ("is_tensor", "is_floating_point", "is_complex", "is_nonzero", "is_conj",
                    "resolve_conj", "resolve_neg", "numel", "clone", "t", "select",
                    "tensor_split", "take_along_dim")
