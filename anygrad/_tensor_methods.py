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
import numbers
from typing import Any

import numpy as np

from . import _device, _dtype, creation, ops
from .autograd.grad_mode import is_grad_enabled
from .ops._inplace import inplace as _inplace
from .ops._inplace import setitem_ as _setitem_
from .ops import torch_shape as _torch_shape
from .ops import torch_views as _torch_views
from .ops import torch_extras as _torch_extras
from .ops.shape import T as _T
from .ops.shape import _permuted
from .random import host_generator
from .tensor import Tensor
from .tensor import _RemovableHandle as _Handle


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

    def __iand__(self, other: Any) -> Any:
        return self.logical_and_(other) if self.dtype.kind == "b" else self.bitwise_and_(other)

    def __ior__(self, other: Any) -> Any:
        return self.logical_or_(other) if self.dtype.kind == "b" else self.bitwise_or_(other)

    def __ixor__(self, other: Any) -> Any:
        return self.logical_xor_(other) if self.dtype.kind == "b" else self.bitwise_xor_(other)

    def __ilshift__(self, other: Any) -> Any:
        return self.bitwise_left_shift_(other)

    def __irshift__(self, other: Any) -> Any:
        return self.bitwise_right_shift_(other)

    def __rlshift__(self, other: Any) -> Any:
        """``other << self`` for a Python number ``other``."""
        return ops.bitwise_left_shift(_scalar_like(self, other, "__rlshift__"), self)

    def __rrshift__(self, other: Any) -> Any:
        """``other >> self`` for a Python number ``other``."""
        return ops.bitwise_right_shift(_scalar_like(self, other, "__rrshift__"), self)

    def __contains__(self, element: Any) -> bool:
        """``element in x``: whether any element of ``x`` equals ``element`` (a Tensor or
        a Python number)."""
        if isinstance(element, (Tensor, numbers.Number)):
            return builtins.bool(ops.any(ops.equal(self, element)))
        raise RuntimeError(f"Tensor.__contains__: expected a Tensor or a Python number, "
                           f"got {type(element).__name__}")

    def __delitem__(self, key: Any) -> None:
        raise TypeError("Tensor does not support deleting items (del x[...]); assign to the "
                        "positions or build a new tensor with anygrad.cat or indexing instead")

    def __reversed__(self) -> Any:
        """``reversed(x)``: ``x`` flipped along dimension 0 (``x`` itself when 0-d)."""
        return self if self.ndim == 0 else ops.flip(self, axis=0)

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

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> Any:
        """0/1 samples (this tensor's dtype) with probability ``self`` elementwise, or
        ``p`` (a number) everywhere when given."""
        if p is None:
            return creation.bernoulli(self, generator=generator)
        return creation.bernoulli(creation.full_like(self.detach(), p), generator=generator)

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> Any:
        """Fill with 0/1 samples: 1 with probability ``p`` (a number, or a tensor that
        broadcasts to this one's shape)."""
        if isinstance(p, Tensor):
            probs = np.broadcast_to(np.asarray(p.detach(), dtype=np.float64), tuple(self.shape))
            bad = (probs < 0) | (probs > 1) | np.isnan(probs)
            if bad.any():
                raise RuntimeError(f"bernoulli_: expected probabilities in [0, 1], got "
                                   f"{float(probs[bad].flat[0])}")
        else:
            if not 0 <= p <= 1:
                raise RuntimeError(f"bernoulli_: expected p in [0, 1], got p={p}")
            probs = p
        draws = host_generator(generator).random(tuple(self.shape)) < probs
        return self._fill_drawn(draws, "bernoulli_")

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples of the Cauchy distribution (location ``median``, scale
        ``sigma``)."""
        self._check_float("cauchy_")
        if not sigma > 0:
            raise RuntimeError(f"cauchy_: expected sigma > 0, got sigma={sigma}")
        draws = host_generator(generator).standard_cauchy(tuple(self.shape))
        return self._fill_drawn(median + sigma * draws, "cauchy_")

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with samples of the exponential distribution of rate ``lambd`` (never 0,
        as in PyTorch)."""
        self._check_float("exponential_")
        if not lambd > 0:
            raise RuntimeError(f"exponential_: expected lambd > 0, got lambd={lambd}")
        g = host_generator(generator)
        # -log(1 - u) with u in [0, 1) is never 0 except for u == 0: draw again there.
        u = g.random(tuple(self.shape))
        while (u == 0).any():
            u[u == 0] = g.random(int((u == 0).sum()))
        return self._fill_drawn(-np.log(u) / lambd, "exponential_")

    def geometric_(self, p: float, *, generator: Any = None) -> Any:
        """Fill with the number of Bernoulli(``p``) trials up to the first success
        (1, 2, ...)."""
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_: expected p in (0, 1), got p={p}")
        return self._fill_drawn(host_generator(generator).geometric(p, tuple(self.shape)),
                                "geometric_")

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *, generator: Any = None) -> Any:
        """Fill with ``exp`` of normal samples of mean ``mean`` and standard deviation
        ``std``."""
        self._check_float("log_normal_")
        if not std > 0:
            raise RuntimeError(f"log_normal_: expected std > 0, got std={std}")
        draws = host_generator(generator).lognormal(mean, std, tuple(self.shape))
        return self._fill_drawn(draws, "log_normal_")

    def random_(self, *args: Any, generator: Any = None, **kwargs: Any) -> Any:
        """Fill with integers drawn uniformly from ``[from, to - 1]``: ``random_()``,
        ``random_(to)``, ``random_(from, to)`` (``to=None``: no upper bound); without
        ``to``, up to the dtype's largest integer (``2**m`` for a float dtype of ``m``
        mantissa digits, so every value is exact), as in PyTorch."""
        names = ("to",) if len(args) == 1 else ("from", "to")
        if len(args) > 2:
            raise TypeError(f"random_: expected at most 2 positional arguments, got {len(args)}")
        given = dict(zip(names, args))
        for k in kwargs:
            if k not in ("from", "to") or k in given:
                raise TypeError(f"random_: unexpected or repeated argument {k!r}")
        given.update(kwargs)
        from_, to = given.get("from", 0), given.get("to")
        for name, v in (("from", from_), ("to", to)):
            if v is not None and (not isinstance(v, (int, np.integer)) or isinstance(v, bool)):
                raise TypeError(f"random_: expected an int for {name!r}, got "
                                f"{type(v).__name__}")
        lo_t, hi_t = _random_bounds(self.dtype)
        low, high = int(from_), (hi_t if to is None else int(to) - 1)
        if to is not None and low >= int(to):
            raise RuntimeError(f"random_: expected 'from' less than 'to', got from={low} >= "
                               f"to={to}")
        if self.dtype.kind in "biu":
            for name, v in (("from", low), ("to - 1", high)):
                if not lo_t <= v <= hi_t:
                    raise RuntimeError(f"random_: {name} = {v} is out of the bounds of "
                                       f"{self.dtype.name} [{lo_t}, {hi_t}]")
        elif max(abs(low), abs(high)) > hi_t:
            import warnings

            warnings.warn(f"random_: [{low}, {high}] is beyond [-{hi_t}, {hi_t}], where "
                          f"{self.dtype.name} holds every integer", UserWarning, stacklevel=2)
        host = np.uint64 if self.dtype.name == "uint64" else np.int64
        draws = host_generator(generator).integers(low, high, tuple(self.shape), dtype=host,
                                                   endpoint=True)
        return self._fill_drawn(draws, "random_")

    def apply_(self, callable: Any) -> Any:  # noqa: A002 - PyTorch's name
        """Replace each element ``v`` by ``callable(v)`` (a Python function of a Python
        number; slow, element by element, as in PyTorch)."""
        values = [callable(v) for v in np.asarray(self.detach()).reshape(-1).tolist()]
        return self._fill_drawn(np.asarray(values).reshape(tuple(self.shape)), "apply_")

    def map_(self, tensor: Any, callable: Any) -> Any:  # noqa: A002 - PyTorch's name
        """Replace each element ``a`` by ``callable(a, b)``, ``b`` the element of
        ``tensor`` (broadcast to this tensor's shape) at the same position."""
        if not isinstance(tensor, Tensor):
            raise TypeError(f"map_: expected a Tensor, got {type(tensor).__name__}")
        shape = tuple(self.shape)
        try:
            other = np.broadcast_to(np.asarray(tensor.detach()), shape)
        except ValueError:
            raise RuntimeError(f"map_: the shape of tensor {tuple(tensor.shape)} does not "
                               f"broadcast to {shape}") from None
        a = np.asarray(self.detach()).reshape(-1).tolist()
        values = [callable(u, v) for u, v in zip(a, other.reshape(-1).tolist())]
        return self._fill_drawn(np.asarray(values).reshape(shape), "map_")

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Any:
        """Indices drawn from the (unnormalised) probabilities along the last dimension."""
        return creation.multinomial(self, num_samples, replacement, generator=generator)

    def _check_float(self, op: str) -> None:
        if self.dtype.kind not in "f":
            raise RuntimeError(f"{op}: expected a floating-point tensor (a continuous "
                               f"distribution), got dtype {self.dtype.name}")

    def _fill_drawn(self, values: Any, op: str) -> Any:
        """Write host ``values`` (drawn or computed on the host) into this tensor."""
        values = np.asarray(values)
        if self.dtype.kind != "b" and values.dtype == np.bool_:
            values = values.astype(np.int64)
        r = creation._host_to(values, self.dtype, self.device, self._backend, False)
        return _inplace(self, r, op)

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
        """PyTorch's legacy type name (``"anygrad.FloatTensor"``), or this tensor converted
        to ``dtype`` (also a legacy constructor, ``x.type(anygrad.LongTensor)``, or its
        name, ``"torch.LongTensor"``)."""
        if dtype is None:
            return f"anygrad.{_TYPE_NAMES.get(self.dtype.name, self.dtype.name)}"
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

    def new_empty_strided(self, size: Any, stride: Any, *, dtype: Any = None, device: Any = None,
                          requires_grad: bool = False) -> Any:
        """An uninitialised tensor of ``size`` laid out with ``stride`` (see
        :func:`anygrad.empty_strided`), with this tensor's dtype, device and backend unless
        given."""
        return empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype,
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

    def const_data_ptr(self) -> int:
        """The address of the first element, as :meth:`data_ptr` (PyTorch's read-only
        spelling)."""
        return self.data_ptr()

    def dim_order(self, *, ambiguity_check: bool = False) -> tuple:
        """The dimensions from the outermost to the innermost in memory (strides in
        decreasing order; equal strides keep the dimensions' order). With
        ``ambiguity_check=True``, a ``RuntimeError`` when more than one order fits (a
        dimension of size 1, or two equal strides)."""
        if not isinstance(ambiguity_check, builtins.bool):
            raise TypeError("dim_order: expected a bool for ambiguity_check (anygrad has no "
                            f"memory formats), got {type(ambiguity_check).__name__}")
        strides, sizes = tuple(self.stride()), tuple(self.shape)
        if ambiguity_check and (1 in sizes or len(set(strides)) < len(strides)):
            raise RuntimeError(f"dim_order: the tensor of shape {sizes} and strides {strides} "
                               "does not have a unique dim order")
        return tuple(sorted(range(self.ndim), key=lambda d: -strides[d]))

    def is_inference(self) -> bool:
        """False: anygrad's ``inference_mode`` makes ordinary tensors (no inference
        tensors), so any tensor may later be used with autograd."""
        return False

    @property
    def is_meta(self) -> bool:
        """False: anygrad has no meta device (every tensor holds data)."""
        return False

    @property
    def retains_grad(self) -> bool:
        """Whether this non-leaf tensor keeps its gradient in ``.grad`` (after
        :meth:`retain_grad`); False for a leaf."""
        return self._grad_fn is not None and self.__dict__.get("_retains_grad", False)

    def register_post_accumulate_grad_hook(self, hook: Any) -> Any:
        """Call ``hook(tensor)`` after backward has accumulated a gradient into this leaf's
        ``.grad`` (for example to step an optimizer per parameter). Returns a handle with
        ``remove()``."""
        if not self._requires_grad:
            raise RuntimeError("register_post_accumulate_grad_hook: cannot register a hook on "
                               "a tensor that does not require grad")
        if self._grad_fn is not None:
            raise RuntimeError("register_post_accumulate_grad_hook: expected a leaf tensor, "
                               "got a non-leaf (post accumulate grad hooks run on leaves only)")
        hooks = self.__dict__.setdefault("_post_accumulate_grad_hooks", [])
        hooks.append(hook)
        return _Handle(hooks, hook)

    @property
    def grad_dtype(self) -> Any:
        """The dtype gradients are cast to when accumulated into ``.grad`` (this tensor's
        dtype by default; None accepts the gradient's own dtype). Leaves only."""
        if self._grad_fn is not None:
            raise RuntimeError("grad_dtype: only leaf tensors have a grad_dtype")
        return self.__dict__.get("_grad_dtype", self.dtype)

    @grad_dtype.setter
    def grad_dtype(self, value: Any) -> None:
        if self._grad_fn is not None:
            raise RuntimeError("grad_dtype: only leaf tensors have a grad_dtype")
        self.__dict__["_grad_dtype"] = None if value is None else _dtype.as_dtype(value)

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
        return self if self.ndim < 2 else _permuted(self, (1, 0))  # PermuteBackward0

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
        if self.ndim > 2:
            raise ValueError(f"t: expected a tensor with at most 2 dimensions, got {self.ndim}")
        return self if self.ndim < 2 else _permuted(self, (1, 0), _T)  # TBackward0

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

    # -- reductions (var and std: the registry's PyTorch faces, ops.torch_statistics) -----
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

# The in-place shape methods change the tensor itself (anygrad/ops/torch_views.py).
for _name in ("squeeze_", "unsqueeze_", "t_", "transpose_", "as_strided_", "resize_",
              "resize_as_"):
    setattr(TensorMethods, _name, getattr(_torch_views, _name))
TensorMethods.swapaxes_ = TensorMethods.swapdims_ = _torch_views.transpose_
# float_power_ keeps the tensor's dtype only where it is the result's (float64), as PyTorch.
TensorMethods.float_power_ = _torch_extras.float_power_
# PyTorch's forms of repeat_interleave (counts only, one-element counts, output_size), which
# the entry ``repeat`` (the standard's name) does not take.
TensorMethods.repeat_interleave = _torch_shape.repeat_interleave
del _name


def attach() -> None:
    """Put the hand-written methods on the Tensor class (before the registry's faces, which
    leave these names alone: see ``_faces.attach``)."""
    skip = ("__slots__", "__module__", "__doc__", "__qualname__")
    for name, value in vars(TensorMethods).items():
        if name not in skip:
            setattr(Tensor, name, value)


HAND_WRITTEN = frozenset(vars(TensorMethods))


# PyTorch's legacy type names, which Tensor.type() returns.
_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "bfloat16": "BFloat16Tensor", "uint8": "ByteTensor", "int8": "CharTensor",
               "int16": "ShortTensor", "int32": "IntTensor", "int64": "LongTensor",
               "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
               "complex128": "ComplexDoubleTensor", "uint16": "UInt16Tensor",
               "uint32": "UInt32Tensor", "uint64": "UInt64Tensor"}


def _random_bounds(dt: Any) -> tuple:
    """The integers ``random_`` draws from by default: the dtype's range, or for a float
    dtype ``[0, 2**m]`` (``m`` mantissa digits: every integer there is exact)."""
    if dt.kind == "b":
        return 0, 1
    if dt.kind in "iu":
        info = _dtype.iinfo(dt)
        return int(info.min), int(info.max)
    digits = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}.get(dt.name)
    if digits is None:
        raise RuntimeError(f"random_: expected a real dtype, got {dt.name}")
    return 0, 2 ** digits


def _scalar_like(t: Any, value: Any, op: str) -> Any:
    """A Python number as a 0-d tensor of ``t``'s dtype, backend and device."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{op}: expected an int, got {type(value).__name__}")
    return creation.full((), value, dtype=t.dtype, device=t.device, backend=t._backend)


def _dtype_like(a: Any) -> bool:
    try:
        from . import _dtype

        _dtype.as_dtype(a)
        return True
    except TypeError:
        return False


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


def empty_strided(size: Any, stride: Any, *, dtype: Any = None, device: Any = None,
                  backend: Any = None, requires_grad: bool = False) -> Any:
    """An uninitialised tensor of ``size`` whose memory is laid out with ``stride``.

    A dense layout (the strides of some order of the dimensions, ``(1, 2)`` for a 2x3
    column-major matrix) is made exactly: ``x.stride()`` is ``stride``. Other strides (gaps,
    overlaps) give a row-major tensor: anygrad tensors are dense arrays of their backend.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.empty_strided((2, 3), (1, 2)).stride()
    (1, 2)
    """
    size = tuple(int(n) for n in size)
    stride = tuple(int(n) for n in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"empty_strided: expected as many strides as dimensions, got size "
                           f"{size} and stride {stride}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"empty_strided: expected non-negative sizes, got {size}")
    order = sorted(range(len(size)), key=lambda d: -stride[d])
    expected, dense = 1, True
    for d in reversed(order):
        if size[d] != 1 and stride[d] != expected:
            dense = False
        expected *= size[d]
    if not dense:
        order = list(range(len(size)))
    physical = creation.empty(*(size[d] for d in order), dtype=dtype, device=device,
                              backend=backend)
    inverse = [order.index(d) for d in range(len(size))]
    out = ops.permute_dims(physical, tuple(inverse)) if order != sorted(order) else physical
    if requires_grad:
        out.requires_grad_(True)
    return out


MODULE_FUNCTIONS = ("is_tensor", "is_floating_point", "is_complex", "is_nonzero", "is_conj",
                    "resolve_conj", "resolve_neg", "numel", "clone", "t", "select",
                    "tensor_split", "take_along_dim")
