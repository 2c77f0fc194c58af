"""Tensor methods and operators, with PyTorch's names, delegating to ``anygrad`` functions.

Kept apart from ``tensor.py`` so that the core handle stays small. Each method is one line
that calls the public function (``x.exp()`` is ``anygrad.exp(x)``); ``dim``/``axis`` and
``keepdim``/``keepdims`` are both accepted where PyTorch and the Array API differ.
"""

from __future__ import annotations

from typing import Any

import anygrad as _ag  # the package object; its functions are looked up at call time


def _sizes(args: tuple) -> Any:
    """``f(2, 3)`` and ``f((2, 3))`` both mean the shape ``(2, 3)``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def _axis(dim: Any, axis: Any) -> Any:
    return axis if dim is None else dim


def _inplace(t: Any, result: Any, op: str) -> Any:
    from .ops._inplace import inplace

    return inplace(t, result, op)


def _overwrite(t: Any, value: Any, op: str) -> Any:
    """Write ``value`` (broadcast) over all of ``t``; a tracked ``t`` keeps an edge to its
    old history (a zero gradient), as PyTorch's copy_/fill_/zero_ do."""
    if t._requires_grad and t._base is None and _ag.is_grad_enabled():
        return _inplace(t, _ag.setitem(t, Ellipsis, value), op)
    return _inplace(t, _ag.broadcast_to(value, tuple(t.shape)), op)


def _setitem_(t: Any, key: Any, value: Any) -> None:
    from .ops._inplace import setitem_

    setitem_(t, key, value)


class TensorMethods:
    __slots__ = ()

    # -- operators ------------------------------------------------------------------------
    def __add__(self, other: Any) -> Any:
        return _ag.add(self, other)

    def __radd__(self, other: Any) -> Any:
        return _ag.add(other, self)

    def __sub__(self, other: Any) -> Any:
        return _ag.subtract(self, other)

    def __rsub__(self, other: Any) -> Any:
        return _ag.subtract(other, self)

    def __mul__(self, other: Any) -> Any:
        return _ag.multiply(self, other)

    def __rmul__(self, other: Any) -> Any:
        return _ag.multiply(other, self)

    def __truediv__(self, other: Any) -> Any:
        return _ag.divide(self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _ag.divide(other, self)

    def __floordiv__(self, other: Any) -> Any:
        return _ag.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _ag.floor_divide(other, self)

    def __mod__(self, other: Any) -> Any:
        return _ag.remainder(self, other)

    def __rmod__(self, other: Any) -> Any:
        return _ag.remainder(other, self)

    def __pow__(self, other: Any) -> Any:
        return _ag.pow(self, other)

    def __rpow__(self, other: Any) -> Any:
        return _ag.pow(other, self)

    def __matmul__(self, other: Any) -> Any:
        return _ag.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Any:
        return _ag.matmul(other, self)

    def __neg__(self) -> Any:
        return _ag.negative(self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _ag.abs(self)

    def __invert__(self) -> Any:
        if self.dtype.kind == "b":
            return _ag.logical_not(self)
        return _ag.bitwise_invert(self)

    def __and__(self, other: Any) -> Any:
        return _ag.logical_and(self, other) if self.dtype.kind == "b" else _ag.bitwise_and(self, other)

    def __or__(self, other: Any) -> Any:
        return _ag.logical_or(self, other) if self.dtype.kind == "b" else _ag.bitwise_or(self, other)

    def __xor__(self, other: Any) -> Any:
        return _ag.logical_xor(self, other) if self.dtype.kind == "b" else _ag.bitwise_xor(self, other)

    __rand__ = __and__
    __ror__ = __or__
    __rxor__ = __xor__

    def __lshift__(self, other: Any) -> Any:
        return _ag.bitwise_left_shift(self, other)

    def __rshift__(self, other: Any) -> Any:
        return _ag.bitwise_right_shift(self, other)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return _ag.equal(self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return _ag.not_equal(self, other)

    def __lt__(self, other: Any) -> Any:
        return _ag.less(self, other)

    def __le__(self, other: Any) -> Any:
        return _ag.less_equal(self, other)

    def __gt__(self, other: Any) -> Any:
        return _ag.greater(self, other)

    def __ge__(self, other: Any) -> Any:
        return _ag.greater_equal(self, other)

    def __getitem__(self, key: Any) -> Any:
        return _ag.getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        _setitem_(self, key, value)

    # -- in-place: computed out of place, written into the tensor's memory -------------------
    def __iadd__(self, other: Any) -> Any:
        return _inplace(self, _ag.add(self, other), "__iadd__")

    def __isub__(self, other: Any) -> Any:
        return _inplace(self, _ag.subtract(self, other), "__isub__")

    def __imul__(self, other: Any) -> Any:
        return _inplace(self, _ag.multiply(self, other), "__imul__")

    def __itruediv__(self, other: Any) -> Any:
        return _inplace(self, _ag.divide(self, other), "__itruediv__")

    def __ipow__(self, other: Any) -> Any:
        return _inplace(self, _ag.pow(self, other), "__ipow__")

    def __imatmul__(self, other: Any) -> Any:
        return _inplace(self, _ag.matmul(self, other), "__imatmul__")

    def add_(self, other: Any, *, alpha: Any = None) -> Any:
        return _inplace(self, _ag.add(self, other, alpha=alpha), "add_")

    def sub_(self, other: Any, *, alpha: Any = None) -> Any:
        return _inplace(self, _ag.subtract(self, other, alpha=alpha), "sub_")

    def mul_(self, other: Any) -> Any:
        return _inplace(self, _ag.multiply(self, other), "mul_")

    def div_(self, other: Any, *, rounding_mode: str | None = None) -> Any:
        return _inplace(self, _ag.divide(self, other, rounding_mode=rounding_mode), "div_")

    def pow_(self, other: Any) -> Any:
        return _inplace(self, _ag.pow(self, other), "pow_")

    def neg_(self) -> Any:
        return _inplace(self, _ag.negative(self), "neg_")

    def exp_(self) -> Any:
        return _inplace(self, _ag.exp(self), "exp_")

    def sqrt_(self) -> Any:
        return _inplace(self, _ag.sqrt(self), "sqrt_")

    def abs_(self) -> Any:
        return _inplace(self, _ag.abs(self), "abs_")

    def clamp_(self, min: Any = None, max: Any = None) -> Any:  # noqa: A002
        return _inplace(self, _ag.clip(self, min, max), "clamp_")

    clip_ = clamp_

    def addcmul_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
        return _inplace(self, _ag.add(self, _ag.multiply(_ag.multiply(tensor1, tensor2), value)), "addcmul_")

    def addcdiv_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Any:
        return _inplace(self, _ag.add(self, _ag.multiply(_ag.divide(tensor1, tensor2), value)), "addcdiv_")

    def lerp_(self, end: Any, weight: Any) -> Any:
        return _inplace(self, _ag.add(self, _ag.multiply(_ag.subtract(end, self), weight)), "lerp_")

    def zero_(self) -> Any:
        return _overwrite(self, _ag.zeros_like(self), "zero_")

    def fill_(self, value: Any) -> Any:
        if isinstance(value, _ag.Tensor) and value._requires_grad:
            return _overwrite(self, value, "fill_")
        return _overwrite(self, _ag.full_like(self, value), "fill_")

    def copy_(self, src: Any, non_blocking: bool = False) -> Any:
        """Copy ``src`` (broadcast, converted to this tensor's dtype, backend and device);
        gradients flow to ``src``."""
        if not isinstance(src, _ag.Tensor):
            src = _ag.asarray(src, backend=self._backend, dtype=self.dtype, device=self.device)
        elif src._backend is not self._backend or src.device != self.device:
            src = src.to(backend=self.backend, device=self.device)
        if src.dtype != self.dtype:
            src = src.to(self.dtype)
        return _overwrite(self, src, "copy_")

    def masked_fill_(self, mask: Any, value: Any) -> Any:
        return _inplace(self, _ag.masked_fill(self, mask, value), "masked_fill_")

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with uniform samples from ``[a, b)`` drawn on the host."""
        r = _ag.rand(*self.shape, generator=generator, dtype=self.dtype, backend=self._backend,
                     device=self.device)
        return _inplace(self, r * (b - a) + a, "uniform_")

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Any:
        """Fill with normal samples drawn on the host."""
        r = _ag.randn(*self.shape, generator=generator, dtype=self.dtype, backend=self._backend,
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
            if isinstance(a, TensorMethods):
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
            out = _ag.to_backend(out, backend or self._backend, device)
        if dtype is not None and _dtype.as_dtype(dtype) is not out.dtype:
            out = _ag.astype(out, dtype)
        if copy and out is self:
            out = _ag.asarray(self, copy=True)
        return out

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return f"anygrad.{self.dtype.name}"
        return self.to(dtype)

    def type_as(self, other: Any) -> Any:
        return self.to(other.dtype)

    def float(self) -> Any:
        return self.to(_ag.float32)

    def double(self) -> Any:
        return self.to(_ag.float64)

    def half(self) -> Any:
        return self.to(_ag.float16)

    def long(self) -> Any:
        return self.to(_ag.int64)

    def int(self) -> Any:
        return self.to(_ag.int32)

    def bool(self) -> Any:
        return self.to(_ag.bool)

    def cpu(self) -> Any:
        if self._backend.name in ("cupy",):
            return self.to(backend="numpy")
        if self._backend.name == "torch":
            return self.to(device="cpu")
        return self

    def cuda(self, device: Any = None) -> Any:
        return self.to("cuda" if device is None else f"cuda:{device}" if isinstance(device, int) else device)

    def astype(self, dtype: Any) -> Any:
        return _ag.astype(self, dtype)

    def clone(self) -> Any:
        """A copy on the graph (gradients flow back to ``self``)."""
        if self.requires_grad:
            return _ag.multiply(self, 1)
        return _ag.asarray(self, copy=True)

    def contiguous(self) -> Any:
        """``self`` if its elements are laid out row-major without gaps, else a copy."""
        if self.is_contiguous():
            return self
        from .ops.shape import Reshape

        # Flattening a non-contiguous array copies it in row-major order on every backend
        # (a plain copy would keep the layout, as clone() does).
        return Reshape.apply(Reshape.apply(self, (-1,)), tuple(self.shape))

    # -- complex -------------------------------------------------------------------------
    @property
    def real(self) -> Any:
        return _ag.real(self)

    @property
    def imag(self) -> Any:
        return _ag.imag(self)

    def conj(self) -> Any:
        return _ag.conj(self)

    # -- shape ---------------------------------------------------------------------------
    @property
    def T(self) -> Any:  # noqa: N802
        if self.ndim > 2:
            raise ValueError(f"T: expected a tensor with at most 2 dimensions, got {self.ndim}; use mT or permute")
        return self if self.ndim < 2 else _ag.matrix_transpose(self)

    @property
    def mT(self) -> Any:  # noqa: N802
        return _ag.matrix_transpose(self)

    def t(self) -> Any:
        return self.T

    def view(self, *shape: Any) -> Any:
        from . import _dtype

        if len(shape) == 1 and (isinstance(shape[0], _dtype.dtype) or isinstance(shape[0], str)):
            raise TypeError("view(dtype) is not supported: anygrad arrays are never reinterpreted")
        from .ops.shape import view

        return view(self, _sizes(shape))

    def reshape(self, *shape: Any) -> Any:
        return _ag.reshape(self, _sizes(shape))

    def view_as(self, other: Any) -> Any:
        return _ag.reshape(self, tuple(other.shape))

    reshape_as = view_as

    def permute(self, *dims: Any) -> Any:
        return _ag.permute_dims(self, _sizes(dims))

    def transpose(self, dim0: int, dim1: int) -> Any:
        return _ag.swapaxes(self, dim0, dim1)

    swapaxes = transpose

    def unsqueeze(self, dim: int) -> Any:
        return _ag.expand_dims(self, axis=dim)

    def squeeze(self, dim: Any = None) -> Any:
        """Remove size-1 dimensions (only those among ``dim`` if given; as PyTorch, a listed
        dimension of another size is left in place rather than raising)."""
        if dim is not None:
            n = self.ndim
            dims = dim if isinstance(dim, (tuple, list)) else (dim,)
            dim = tuple(d for d in dims if self.shape[d % n if n else 0] == 1) if n else None
        return _ag.squeeze(self, dim=dim)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Any:
        return _ag.flatten(self, start_dim, end_dim)

    def unflatten(self, dim: int, sizes: Any) -> Any:
        return _ag.unflatten(self, dim, sizes)

    def flip(self, *dims: Any) -> Any:
        return _ag.flip(self, axis=_sizes(dims) if dims else None)

    def roll(self, shifts: Any, dims: Any = None) -> Any:
        return _ag.roll(self, shifts, axis=dims)

    def tril(self, diagonal: int = 0) -> Any:
        return _ag.tril(self, k=diagonal)

    def triu(self, diagonal: int = 0) -> Any:
        return _ag.triu(self, k=diagonal)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Any:
        return _ag.diff(self, n=n, axis=dim, prepend=prepend, append=append)

    def nextafter(self, other: Any) -> Any:
        return _ag.nextafter(self, other)

    def isin(self, test_elements: Any, *, invert: bool = False) -> Any:
        return _ag.isin(self, test_elements, invert=invert)

    def expand(self, *sizes: Any) -> Any:
        return _ag.expand(self, *sizes)

    def expand_as(self, other: Any) -> Any:
        return _ag.broadcast_to(self, tuple(other.shape))

    def broadcast_to(self, shape: Any) -> Any:
        return _ag.broadcast_to(self, shape)

    def repeat(self, *sizes: Any) -> Any:
        return _ag.tile(self, _sizes(sizes))

    def tile(self, *reps: Any) -> Any:
        return _ag.tile(self, _sizes(reps))

    def repeat_interleave(self, repeats: Any, dim: Any = None) -> Any:
        return _ag.repeat(self, repeats, axis=dim)

    def split(self, split_size_or_sections: Any, dim: int = 0) -> Any:
        return _ag.split(self, split_size_or_sections, dim=dim)

    def chunk(self, chunks: int, dim: int = 0) -> Any:
        return _ag.chunk(self, chunks, dim=dim)

    def unbind(self, dim: int = 0) -> Any:
        return _ag.unstack(self, axis=dim)

    def movedim(self, source: Any, destination: Any) -> Any:
        return _ag.moveaxis(self, source, destination)

    moveaxis = movedim

    # -- indexing and selection -------------------------------------------------------------
    def gather(self, dim: int, index: Any) -> Any:
        return _ag.gather(self, dim, index)

    def scatter(self, dim: int, index: Any, src: Any = None, *, value: Any = None,
                reduce: Any = None) -> Any:
        return _ag.scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim: int, index: Any, src: Any) -> Any:
        return _ag.scatter_add(self, dim, index, src)

    def index_add(self, dim: int, index: Any, source: Any, *, alpha: Any = 1) -> Any:
        return _ag.index_add(self, dim, index, source, alpha=alpha)

    def index_select(self, dim: int, index: Any) -> Any:
        return _ag.take(self, index, axis=dim)

    def take(self, index: Any) -> Any:
        return _ag.take(_ag.reshape(self, (-1,)), index)

    def take_along_dim(self, indices: Any, dim: Any = None) -> Any:
        return _ag.take_along_axis(self, indices, axis=-1 if dim is None else dim)

    def masked_fill(self, mask: Any, value: Any) -> Any:
        return _ag.masked_fill(self, mask, value)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return _ag.sort(self, dim=dim, descending=descending, stable=stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return _ag.argsort(self, axis=dim, descending=descending, stable=stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:  # noqa: A002
        return _ag.topk(self, k, dim=dim, largest=largest, sorted=sorted)

    def where(self, condition: Any, other: Any) -> Any:
        return _ag.where(condition, self, other)

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        return _ag.nonzero(self, as_tuple=as_tuple)

    # -- elementwise ---------------------------------------------------------------------
    def add(self, other: Any, *, alpha: Any = None) -> Any:
        return _ag.add(self, other, alpha=alpha)

    def sub(self, other: Any, *, alpha: Any = None) -> Any:
        return _ag.subtract(self, other, alpha=alpha)

    subtract = sub

    def mul(self, other: Any) -> Any:
        return _ag.multiply(self, other)

    multiply = mul

    def div(self, other: Any, *, rounding_mode: str | None = None) -> Any:
        return _ag.divide(self, other, rounding_mode=rounding_mode)

    divide = true_divide = div

    def floor_divide(self, other: Any) -> Any:
        return _ag.floor_divide(self, other)

    def remainder(self, other: Any) -> Any:
        return _ag.remainder(self, other)

    def fmod(self, other: Any) -> Any:
        return _ag.fmod(self, other)

    def pow(self, exponent: Any) -> Any:
        return _ag.pow(self, exponent)

    def neg(self) -> Any:
        return _ag.negative(self)

    negative = neg

    def abs(self) -> Any:
        return _ag.abs(self)

    absolute = abs

    def reciprocal(self) -> Any:
        return _ag.reciprocal(self)

    def square(self) -> Any:
        return _ag.square(self)

    def sqrt(self) -> Any:
        return _ag.sqrt(self)

    def rsqrt(self) -> Any:
        return _ag.rsqrt(self)

    def exp(self) -> Any:
        return _ag.exp(self)

    def exp2(self) -> Any:
        return _ag.exp2(self)

    def expm1(self) -> Any:
        return _ag.expm1(self)

    def log(self) -> Any:
        return _ag.log(self)

    def log1p(self) -> Any:
        return _ag.log1p(self)

    def log2(self) -> Any:
        return _ag.log2(self)

    def log10(self) -> Any:
        return _ag.log10(self)

    def sin(self) -> Any:
        return _ag.sin(self)

    def cos(self) -> Any:
        return _ag.cos(self)

    def tan(self) -> Any:
        return _ag.tan(self)

    def asin(self) -> Any:
        return _ag.asin(self)

    arcsin = asin

    def acos(self) -> Any:
        return _ag.acos(self)

    arccos = acos

    def atan(self) -> Any:
        return _ag.atan(self)

    arctan = atan

    def atan2(self, other: Any) -> Any:
        return _ag.atan2(self, other)

    arctan2 = atan2

    def sinh(self) -> Any:
        return _ag.sinh(self)

    def cosh(self) -> Any:
        return _ag.cosh(self)

    def tanh(self) -> Any:
        return _ag.tanh(self)

    def asinh(self) -> Any:
        return _ag.asinh(self)

    arcsinh = asinh

    def acosh(self) -> Any:
        return _ag.acosh(self)

    arccosh = acosh

    def atanh(self) -> Any:
        return _ag.atanh(self)

    arctanh = atanh

    def sign(self) -> Any:
        return _ag.sign(self)

    sgn = sign

    def signbit(self) -> Any:
        return _ag.signbit(self)

    def floor(self) -> Any:
        return _ag.floor(self)

    def ceil(self) -> Any:
        return _ag.ceil(self)

    def round(self, decimals: int = 0) -> Any:
        return _ag.round(self, decimals=decimals)

    def trunc(self) -> Any:
        return _ag.trunc(self)

    fix = trunc

    def frac(self) -> Any:
        return _ag.subtract(self, _ag.trunc(self))

    def clamp(self, min: Any = None, max: Any = None) -> Any:  # noqa: A002
        return _ag.clip(self, min, max)

    clip = clamp

    def maximum(self, other: Any) -> Any:
        return _ag.maximum(self, other)

    def minimum(self, other: Any) -> Any:
        return _ag.minimum(self, other)

    def hypot(self, other: Any) -> Any:
        return _ag.hypot(self, other)

    def copysign(self, other: Any) -> Any:
        return _ag.copysign(self, other)

    def logaddexp(self, other: Any) -> Any:
        return _ag.logaddexp(self, other)

    def lerp(self, end: Any, weight: Any) -> Any:
        return _ag.add(self, _ag.multiply(_ag.subtract(end, self), weight))

    def sigmoid(self) -> Any:
        return _ag.sigmoid(self)

    def relu(self) -> Any:
        return _ag.relu(self)

    def softmax(self, dim: int = -1) -> Any:
        return _ag.softmax(self, dim=dim)

    def log_softmax(self, dim: int = -1) -> Any:
        return _ag.log_softmax(self, dim=dim)

    def isnan(self) -> Any:
        return _ag.isnan(self)

    def isinf(self) -> Any:
        return _ag.isinf(self)

    def isfinite(self) -> Any:
        return _ag.isfinite(self)

    def eq(self, other: Any) -> Any:
        return _ag.equal(self, other)

    def ne(self, other: Any) -> Any:
        return _ag.not_equal(self, other)

    def lt(self, other: Any) -> Any:
        return _ag.less(self, other)

    def le(self, other: Any) -> Any:
        return _ag.less_equal(self, other)

    def gt(self, other: Any) -> Any:
        return _ag.greater(self, other)

    def ge(self, other: Any) -> Any:
        return _ag.greater_equal(self, other)

    def logical_and(self, other: Any) -> Any:
        return _ag.logical_and(self, other)

    def logical_or(self, other: Any) -> Any:
        return _ag.logical_or(self, other)

    def logical_xor(self, other: Any) -> Any:
        return _ag.logical_xor(self, other)

    def logical_not(self) -> Any:
        return _ag.logical_not(self)

    def equal(self, other: Any) -> bool:
        """True when ``other`` has the same shape and values (PyTorch's ``Tensor.equal``)."""
        return tuple(self.shape) == tuple(other.shape) and bool(_ag.all(_ag.equal(self, other)))

    def allclose(self, other: Any, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
        return _ag.allclose(self, other, rtol=rtol, atol=atol)

    # -- reductions ----------------------------------------------------------------------
    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None,
            dtype: Any = None) -> Any:
        return _ag.sum(self, axis=_axis(dim, axis), keepdims=keepdim if keepdims is None else keepdims,
                       dtype=dtype)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None,
             dtype: Any = None) -> Any:
        return _ag.mean(self, axis=_axis(dim, axis), keepdims=keepdim if keepdims is None else keepdims,
                        dtype=dtype)

    def prod(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None) -> Any:
        return _ag.prod(self, axis=_axis(dim, axis), keepdims=keepdim if keepdims is None else keepdims)

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None,
            axis: Any = None, keepdims: Any = None) -> Any:
        return _ag.var(self, axis=_axis(dim, axis), correction=_correction(unbiased, correction),
                       keepdims=keepdim if keepdims is None else keepdims)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None,
            axis: Any = None, keepdims: Any = None) -> Any:
        return _ag.std(self, axis=_axis(dim, axis), correction=_correction(unbiased, correction),
                       keepdims=keepdim if keepdims is None else keepdims)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Maximum of all elements, or ``(values, indices)`` along ``dim`` (PyTorch)."""
        if isinstance(dim, TensorMethods):
            return _ag.maximum(self, dim)
        if dim is None:
            return _ag.max(self)
        return _ag.max(self, dim=dim, keepdim=keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        """Minimum of all elements, or ``(values, indices)`` along ``dim`` (PyTorch)."""
        if isinstance(dim, TensorMethods):
            return _ag.minimum(self, dim)
        if dim is None:
            return _ag.min(self)
        return _ag.min(self, dim=dim, keepdim=keepdim)

    def amax(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _ag.amax(self, axis=dim, keepdims=keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _ag.amin(self, axis=dim, keepdims=keepdim)

    def argmax(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _ag.argmax(self, axis=dim, keepdims=keepdim)

    def argmin(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _ag.argmin(self, axis=dim, keepdims=keepdim)

    def all(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _ag.all(self, axis=dim, keepdims=keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _ag.any(self, axis=dim, keepdims=keepdim)

    def cumsum(self, dim: int, *, dtype: Any = None) -> Any:
        return _ag.cumulative_sum(self, axis=dim, dtype=dtype)

    def cumprod(self, dim: int, *, dtype: Any = None) -> Any:
        return _ag.cumulative_prod(self, axis=dim, dtype=dtype)

    def logsumexp(self, dim: Any, keepdim: bool = False) -> Any:
        return _ag.logsumexp(self, axis=dim, keepdims=keepdim)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Any:
        return _ag.norm(self, p=p, dim=dim, keepdim=keepdim)

    # -- linear algebra ------------------------------------------------------------------
    def matmul(self, other: Any) -> Any:
        return _ag.matmul(self, other)

    mm = bmm = mv = matmul

    def dot(self, other: Any) -> Any:
        return _ag.vecdot(self, other)

    def outer(self, other: Any) -> Any:
        return _ag.outer(self, other)

    def diagonal(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
        return _ag.diagonal(self, offset=offset, dim1=dim1, dim2=dim2)

    def trace(self) -> Any:
        return _ag.trace(self)

    def cross(self, other: Any, dim: int = -1) -> Any:
        return _ag.cross(self, other, axis=dim)

    def det(self) -> Any:
        return _ag.det(self)

    def inverse(self) -> Any:
        return _ag.inv(self)


# -- views that select (all through basic indexing, so they share memory) -----------------
def _narrow(self: Any, dim: int, start: Any, length: int) -> Any:
    """The ``length`` elements of dimension ``dim`` from ``start`` (a view)."""
    d = dim % self.ndim if self.ndim else dim
    start = int(start)
    n = self.shape[d]
    if start < 0:
        start += n
    if not (0 <= start <= n and 0 <= length <= n - start):
        raise IndexError(
            f"narrow: start {start} and length {length} are out of range for dimension {dim} "
            f"of size {n}"
        )
    return self[(slice(None),) * d + (slice(start, start + length),)]


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


TensorMethods.narrow = _narrow
TensorMethods.select = _select
TensorMethods.tensor_split = _tensor_split
TensorMethods.swapdims = TensorMethods.swapaxes = TensorMethods.transpose


# -- in-place variants: ``x.exp_()`` is ``x.exp()`` written into ``x`` ------------------------
def _inplace_variant(name: str) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return _inplace(self, getattr(self, name)(*args, **kwargs), name + "_")

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place :meth:`{name}`: the result is written into this tensor."
    return method


# PyTorch's in-place methods for operations anygrad has (the result keeps this tensor's
# dtype; a floating result into an integer tensor raises, as in PyTorch).
_INPLACE = (
    "abs", "absolute", "acos", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan",
    "arctan2", "arctanh", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and",
    "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "ceil", "clamp", "clamp_max", "clamp_min", "clip", "copysign", "cos", "cosh", "cumprod",
    "cumsum", "deg2rad", "digamma", "div", "divide", "eq", "erf", "erfc", "erfinv", "exp",
    "exp2", "expm1", "fix", "float_power", "floor", "floor_divide", "fmod", "frac", "gcd",
    "ge", "greater", "greater_equal", "gt", "hardtanh", "heaviside", "hypot", "i0",
    "index_add", "index_copy", "index_fill", "index_put", "lcm", "ldexp", "le", "lerp",
    "less", "less_equal", "lgamma", "log", "log10", "log1p", "log2", "logical_and",
    "logical_not", "logical_or", "logical_xor", "logit", "lt", "masked_scatter", "mul",
    "multiply", "mvlgamma", "nan_to_num", "ne", "neg", "negative", "nextafter", "not_equal",
    "polygamma", "pow", "rad2deg", "reciprocal", "relu", "remainder", "renorm", "round",
    "rsqrt", "scatter", "scatter_add", "scatter_reduce", "sgn", "sigmoid", "sign", "sin",
    "sinc", "sinh", "sqrt", "square", "sub", "subtract", "tan", "tanh", "tril", "triu",
    "true_divide", "trunc", "xlogy",
)
for _name in _INPLACE:
    if hasattr(TensorMethods, _name) and not hasattr(TensorMethods, _name + "_"):
        setattr(TensorMethods, _name + "_", _inplace_variant(_name))


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
