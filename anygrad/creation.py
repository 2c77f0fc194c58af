"""Creation functions: ``tensor``, ``zeros``, ``arange``, ``rand``... on any backend.

Each takes ``dtype=``, ``device=``, ``backend=`` (default: the default backend) and
``requires_grad=``. Sizes may be given PyTorch-style (``zeros(2, 3)``) or Array-API-style
(``zeros((2, 3))``). Random draws happen on the host (see :mod:`anygrad.random`).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import _backend, _dtype
from .random import Generator, host_generator
from .tensor import Tensor, _make_tensor

__all__ = [
    "tensor", "asarray", "as_tensor", "from_numpy", "from_dlpack",
    "zeros", "ones", "full", "empty", "arange", "linspace", "eye",
    "zeros_like", "ones_like", "full_like", "empty_like",
    "rand", "randn", "randint", "rand_like", "randn_like", "randint_like", "randperm",
    "normal", "bernoulli", "multinomial",
]


# -- conversion --------------------------------------------------------------------------
def _transfer(array: Any, src: _backend.Backend, dst: _backend.Backend) -> Any:
    """Move an array between backends: DLPack where possible, else through the host."""
    if dst.name == "numpy":
        return src.to_numpy(array)
    if dst.name == "jax":  # a 64-bit array without JAX's x64 mode: an error, not truncation
        dst.to_native(src.dtype_of(array.dtype))
    if src.name != "cupy" or dst.name == "cupy":
        try:
            return dst.xp.from_dlpack(array)
        except Exception:  # noqa: BLE001 - any DLPack refusal falls back to the host
            pass
    return dst.xp.asarray(src.to_numpy(array))


def _python_dtype(host: np.ndarray) -> _dtype.dtype | None:
    """PyTorch's inference for Python data: floats -> default float, ints -> int64."""
    kind = host.dtype.kind
    if kind == "f":
        return _dtype.get_default_dtype()
    if kind == "c":
        return _dtype.default_complex_dtype()
    if kind in "iu":
        return _dtype.int64
    if kind == "b":
        return _dtype.bool
    raise TypeError(f"cannot make a tensor from data of NumPy dtype {host.dtype}")


def _to_array(
    data: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    backend: Any = None,
    copy: bool | None = None,
) -> tuple[Any, _backend.Backend]:
    """Turn ``data`` into an array of the requested backend, dtype and device."""
    target = None if backend is None else _backend.get_backend(backend)
    if isinstance(data, Tensor):
        src, array = data._backend, data._data
    else:
        src = _backend.backend_of_array(data)
        array = data
    if src is None:
        if isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in data):
            data = [d.detach().numpy() if isinstance(d, Tensor) else d for d in data]
        host = np.asarray(data)
        if dtype is None:
            dtype = _python_dtype(host)
        src, array = _backend.get_backend("numpy"), host
    if target is None:
        # NumPy input goes to the default backend (NumPy unless changed); a Tensor or
        # another library's array stays where it is.
        keep = isinstance(data, Tensor) or src.name != "numpy"
        target = src if keep else _backend.get_default_backend()
    if dtype is not None and src.name == "numpy":
        # Cast on the host first: the target device may not hold the source dtype
        # (array-api-strict's no_float64 device, float64 data on some GPUs).
        name = _dtype.as_dtype(dtype).name
        if name != "bfloat16" and np.asarray(array).dtype != np.dtype(name):
            array = np.asarray(array).astype(name)
    if target is not src:
        array = _transfer(array, src, target)
    xp = target.xp
    native = target.to_native(dtype) if dtype is not None else None
    dev = target.parse_device(device)
    if type(array) is not target.array_type or native is not None or dev is not None or copy:
        kwargs: dict = {}
        if native is not None and native != array.dtype:
            kwargs["dtype"] = native
        if dev is not None and dev != target.device_of(xp.asarray(array)):
            import array_api_compat

            array = array_api_compat.to_device(xp.asarray(array), dev)
        array = xp.asarray(array, copy=True, **kwargs) if copy else xp.asarray(array, **kwargs)
    return array, target


def _finish(array: Any, backend: _backend.Backend, requires_grad: bool) -> Tensor:
    t = _make_tensor(array, backend)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(
    data: Any, *, dtype: Any = None, device: Any = None, backend: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A new tensor holding a copy of ``data`` (PyTorch's ``torch.tensor``).

    Python floats become the default float dtype (float32), Python ints int64; arrays keep
    their dtype.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.tensor([[1, 2], [3, 4]]).dtype
    anygrad.int64
    >>> anygrad.tensor([1.5]).dtype
    anygrad.float32
    """
    if isinstance(data, Tensor):
        data = data.detach()
    array, b = _to_array(data, dtype=dtype, device=device, backend=backend, copy=True)
    return _finish(array, b, requires_grad)


def asarray(
    obj: Any, /, *, dtype: Any = None, device: Any = None, backend: Any = None,
    copy: bool | None = None, requires_grad: bool = False,
) -> Tensor:
    """A tensor from ``obj``, sharing memory where possible (the Array API ``asarray``).

    A Tensor is returned unchanged when no conversion is asked for.
    """
    if isinstance(obj, Tensor) and (backend is None or _backend.get_backend(backend) is obj._backend):
        if dtype is None and device is None and not copy:
            return obj
        if obj.requires_grad:
            # A conversion or copy of a tracked tensor stays on the graph (the namespace's
            # asarray, built from differentiable operations by a higher layer).
            return obj._backend.namespace.asarray(obj, dtype=dtype, device=device, copy=copy)
    array, b = _to_array(obj, dtype=dtype, device=device, backend=backend, copy=copy)
    t = _finish(array, b, requires_grad)
    if not copy and not isinstance(obj, (list, tuple, int, float, bool, complex)):
        t._storage.exported = True  # the caller's array may be this very memory
    return t


def as_tensor(data: Any, dtype: Any = None, device: Any = None, *, backend: Any = None) -> Tensor:
    """PyTorch's ``torch.as_tensor``: convert without copying where possible."""
    return asarray(data, dtype=dtype, device=device, backend=backend)


def from_numpy(array: np.ndarray, *, backend: Any = None) -> Tensor:
    """A tensor from a NumPy array (shared memory on the NumPy backend)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return asarray(array, backend=backend)


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None,
                backend: Any = None) -> Tensor:
    """A tensor from any object implementing DLPack, on ``backend`` (default backend).

    ``device`` and ``copy`` are the standard's: the device to place the result on, and
    whether to copy (True), never copy (False, raising if the exporter cannot share) or
    share where possible (None).
    """
    b = _backend.resolve(backend)
    kwargs = {k: v for k, v in (("device", b.parse_device(device)), ("copy", copy)) if v is not None}
    t = _make_tensor(b.xp.from_dlpack(x, **kwargs), b)
    if not copy:
        t._storage.exported = True  # shares the producer's memory
    return t


# -- filled tensors ----------------------------------------------------------------------
def _shape(size: Sequence[Any], op: str) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    try:
        shape = tuple(int(s) for s in size)
    except (TypeError, ValueError):
        raise TypeError(f"{op}: expected a shape of ints, got {size!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError(f"{op}: negative dimension in shape {shape}")
    return shape


def _float_native(b: _backend.Backend, dtype: Any) -> Any:
    return b.to_native(_dtype.get_default_dtype() if dtype is None else dtype)


def _filled(op: str, size: tuple, dtype: Any, device: Any, backend: Any, requires_grad: bool) -> Tensor:
    b = _backend.resolve(backend)
    shape = _shape(size, op)
    array = getattr(b.xp, op)(shape, dtype=_float_native(b, dtype), device=b.parse_device(device))
    return _finish(array, b, requires_grad)


def zeros(*size: Any, dtype: Any = None, device: Any = None, backend: Any = None,
          requires_grad: bool = False) -> Tensor:
    """A tensor of zeros (float32 unless ``dtype`` says otherwise).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.zeros(2, 3).shape
    anygrad.Size([2, 3])
    """
    return _filled("zeros", size, dtype, device, backend, requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, backend: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of ones (float32 unless ``dtype`` says otherwise)."""
    return _filled("ones", size, dtype, device, backend, requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, backend: Any = None,
          requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (float32 unless ``dtype`` says otherwise)."""
    return _filled("empty", size, dtype, device, backend, requires_grad)


def _scalar_dtype(value: Any) -> _dtype.dtype:
    if isinstance(value, bool):
        return _dtype.bool
    if isinstance(value, (int, np.integer)):
        return _dtype.int64
    if isinstance(value, complex):
        return _dtype.default_complex_dtype()
    return _dtype.get_default_dtype()


def full(size: Any, fill_value: Any, *, dtype: Any = None, device: Any = None,
         backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (dtype inferred from it, as PyTorch)."""
    b = _backend.resolve(backend)
    shape = _shape((size,) if isinstance(size, (tuple, list)) else (size,), "full")
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    native = b.to_native(dtype if dtype is not None else _scalar_dtype(fill_value))
    array = b.xp.full(shape, fill_value, dtype=native, device=b.parse_device(device))
    return _finish(array, b, requires_grad)


def _like(x: Any, dtype: Any, device: Any) -> tuple[_backend.Backend, Any, tuple, Any]:
    if not isinstance(x, Tensor):
        x = asarray(x)
    b = x._backend
    arr = x._data
    native = arr.dtype if dtype is None else b.to_native(dtype)
    dev = b.device_of(arr) if device is None else b.parse_device(device)
    return b, native, tuple(arr.shape), dev


def zeros_like(x: Any, /, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Zeros with the shape, dtype, device and backend of ``x``."""
    b, native, shape, dev = _like(x, dtype, device)
    return _finish(b.xp.zeros(shape, dtype=native, device=dev), b, requires_grad)


def ones_like(x: Any, /, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Ones with the shape, dtype, device and backend of ``x``."""
    b, native, shape, dev = _like(x, dtype, device)
    return _finish(b.xp.ones(shape, dtype=native, device=dev), b, requires_grad)


def empty_like(x: Any, /, *, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor like ``x``."""
    b, native, shape, dev = _like(x, dtype, device)
    return _finish(b.xp.empty(shape, dtype=native, device=dev), b, requires_grad)


def full_like(x: Any, /, fill_value: Any, *, dtype: Any = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with the shape, dtype, device and backend of ``x``."""
    b, native, shape, dev = _like(x, dtype, device)
    return _finish(b.xp.full(shape, fill_value, dtype=native, device=dev), b, requires_grad)


def arange(start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None,
           device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Evenly spaced values in ``[start, stop)``; int64 for int arguments, else float32.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.arange(4)
    tensor([0, 1, 2, 3])
    """
    b = _backend.resolve(backend)
    values = [v for v in (start, stop, step) if v is not None]
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)
        dtype = _dtype.int64 if is_int else _dtype.get_default_dtype()
    array = b.xp.arange(start, stop, step, dtype=b.to_native(dtype), device=b.parse_device(device))
    return _finish(array, b, requires_grad)


def linspace(start: float, stop: float, /, num: int = 100, *, steps: int | None = None,
             dtype: Any = None, device: Any = None, backend: Any = None,
             endpoint: bool = True, requires_grad: bool = False) -> Tensor:
    """``num`` (or PyTorch's ``steps``) evenly spaced values from ``start`` to ``stop``."""
    b = _backend.resolve(backend)
    n = steps if steps is not None else num
    array = b.xp.linspace(start, stop, n, dtype=_float_native(b, dtype),
                          device=b.parse_device(device), endpoint=endpoint)
    return _finish(array, b, requires_grad)


def eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None,
        device: Any = None, backend: Any = None, requires_grad: bool = False) -> Tensor:
    """A 2-D tensor with ones on the ``k``-th diagonal."""
    b = _backend.resolve(backend)
    array = b.xp.eye(n_rows, n_cols, k=k, dtype=_float_native(b, dtype), device=b.parse_device(device))
    return _finish(array, b, requires_grad)


# -- random ------------------------------------------------------------------------------
def _host_to(values: np.ndarray, dtype: Any, device: Any, backend: Any, requires_grad: bool) -> Tensor:
    array, b = _to_array(values, dtype=dtype, device=device, backend=backend)
    return _finish(array, b, requires_grad)


def _draw_float(kind: str, size: tuple, generator: Generator | None, dtype: Any) -> tuple[np.ndarray, Any]:
    dt = _dtype.as_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    if dt.kind != "f":
        raise TypeError(f"{kind}: expected a floating-point dtype, got {dt}")
    host_dt = np.float64 if dt is _dtype.float64 else np.float32
    g = host_generator(generator)
    if kind == "rand":
        return g.random(size, dtype=host_dt), dt
    return g.standard_normal(size, dtype=host_dt), dt


def rand(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
         backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples from ``[0, 1)``, drawn on the host (same seed, same values everywhere)."""
    values, dt = _draw_float("rand", _shape(size, "rand"), generator, dtype)
    return _host_to(values, dt, device, backend, requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: Any = None, device: Any = None,
          backend: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples, drawn on the host (same seed, same values everywhere).

    Examples
    --------
    >>> import anygrad
    >>> _ = anygrad.manual_seed(0)
    >>> a = anygrad.randn(2, 2)
    >>> _ = anygrad.manual_seed(0)
    >>> bool((a == anygrad.randn(2, 2)).all())
    True
    """
    values, dt = _draw_float("randn", _shape(size, "randn"), generator, dtype)
    return _host_to(values, dt, device, backend, requires_grad)


def randint(low: int, high: int | None = None, size: Any = (), *, generator: Generator | None = None,
            dtype: Any = None, device: Any = None, backend: Any = None) -> Tensor:
    """Random integers in ``[low, high)`` (``randint(high, size)`` also accepted)."""
    if high is None:
        low, high = 0, low
    if isinstance(high, (tuple, list)):  # randint(high, size) as in PyTorch
        low, high, size = 0, low, high
    if high <= low:
        raise ValueError(f"randint: expected low < high, got low={low}, high={high}")
    shape = _shape((size,) if isinstance(size, (tuple, list)) else (size,), "randint")
    values = host_generator(generator).integers(low, high, size=shape, dtype=np.int64)
    return _host_to(values, dtype or _dtype.int64, device, backend, False)


def randperm(n: int, *, generator: Generator | None = None, dtype: Any = None,
             device: Any = None, backend: Any = None) -> Tensor:
    """A random permutation of ``0 .. n-1``."""
    values = host_generator(generator).permutation(int(n)).astype(np.int64)
    return _host_to(values, dtype or _dtype.int64, device, backend, False)


def rand_like(x: Tensor, *, generator: Generator | None = None, dtype: Any = None) -> Tensor:
    values, dt = _draw_float("rand", tuple(x.shape), generator, dtype or x.dtype)
    return _host_to(values, dt, x.device, x._backend, False)


def randn_like(x: Tensor, *, generator: Generator | None = None, dtype: Any = None) -> Tensor:
    values, dt = _draw_float("randn", tuple(x.shape), generator, dtype or x.dtype)
    return _host_to(values, dt, x.device, x._backend, False)


def randint_like(x: Tensor, low: int, high: int | None = None, *, generator: Generator | None = None,
                 dtype: Any = None) -> Tensor:
    return randint(low, high, tuple(x.shape), generator=generator, dtype=dtype or x.dtype,
                   device=x.device, backend=x._backend)


def normal(mean: float = 0.0, std: float = 1.0, size: Any = (), *, generator: Generator | None = None,
           dtype: Any = None, device: Any = None, backend: Any = None) -> Tensor:
    """Normal samples with the given (scalar) ``mean`` and ``std``."""
    shape = _shape((size,) if isinstance(size, (tuple, list)) else (size,), "normal")
    values, dt = _draw_float("randn", shape, generator, dtype)
    return _host_to(values * std + mean, dt, device, backend, False)


def bernoulli(p: Tensor, *, generator: Generator | None = None) -> Tensor:
    """Draw 0/1 with probabilities ``p`` (same dtype, backend and device as ``p``)."""
    probs = np.asarray(p.detach())
    values = (host_generator(generator).random(probs.shape) < probs).astype(probs.dtype)
    return _host_to(values, p.dtype, p.device, p._backend, False)


def multinomial(probs: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """Draw category indices from (unnormalised) probabilities along the last axis."""
    w = np.asarray(probs.detach(), dtype=np.float64)
    rows = w.reshape(-1, w.shape[-1])
    if (rows < 0).any() or not np.isfinite(rows).all():
        raise ValueError("multinomial: probabilities must be finite and non-negative")
    if not replacement and num_samples > rows.shape[1]:
        raise ValueError(
            f"multinomial: cannot draw {num_samples} samples without replacement from "
            f"{rows.shape[1]} categories"
        )
    g = host_generator(generator)
    out = np.stack([
        g.choice(rows.shape[1], size=num_samples, replace=replacement, p=r / r.sum()) for r in rows
    ]).astype(np.int64)
    out = out.reshape(w.shape[:-1] + (num_samples,))
    return _host_to(out, _dtype.int64, probs.device, probs._backend, False)


# -- PyTorch's legacy constructors ---------------------------------------------------------
def legacy_array(args: tuple, dtype: Any, device: Any, backend: Any,
                 op: str) -> tuple[Any, _backend.Backend]:
    """The array of PyTorch's legacy constructors (``Tensor(...)``, ``FloatTensor(...)``):
    sizes give zeros of that shape (``T(2, 3)``, ``T(anygrad.Size([2, 3]))``), one
    sequence or array gives its data (``T([1, 2])``), nothing gives an empty tensor. The
    dtype is ``dtype``, or the default float dtype (PyTorch's ``torch.Tensor([1, 2])`` is a
    float tensor)."""
    from .tensor import Size

    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    if not args or isinstance(args[0], Size) or all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
        b = _backend.resolve(backend)
        shape = _shape(args or ((0,),), op)
        return b.xp.zeros(shape, dtype=b.to_native(dtype), device=b.parse_device(device)), b
    if len(args) != 1:
        raise TypeError(f"{op}: expected sizes (ints) or one sequence of data, got {args!r}")
    return _to_array(args[0], dtype=dtype, device=device, backend=backend)


def _legacy_constructor(name: str, dtype: _dtype.dtype) -> Any:
    def constructor(*args: Any, device: Any = None, backend: Any = None) -> Tensor:
        array, b = legacy_array(args, dtype, device, backend, name)
        return _make_tensor(array, b)

    constructor.__name__ = constructor.__qualname__ = name
    constructor.__doc__ = (
        f"PyTorch's legacy ``torch.{name}``: a {dtype.name} tensor of data "
        f"(``{name}([1, 2])``), or of zeros of a size (``{name}(2, 3)``; PyTorch leaves that "
        "memory uninitialised). A function, not a class: test a tensor's dtype, not "
        f"``isinstance(x, {name})``."
    )
    constructor.dtype = dtype  # type: ignore[attr-defined] - read by Tensor.type()
    return constructor


FloatTensor = _legacy_constructor("FloatTensor", _dtype.float32)
DoubleTensor = _legacy_constructor("DoubleTensor", _dtype.float64)
HalfTensor = _legacy_constructor("HalfTensor", _dtype.float16)
BFloat16Tensor = _legacy_constructor("BFloat16Tensor", _dtype.bfloat16)
ByteTensor = _legacy_constructor("ByteTensor", _dtype.uint8)
CharTensor = _legacy_constructor("CharTensor", _dtype.int8)
ShortTensor = _legacy_constructor("ShortTensor", _dtype.int16)
IntTensor = _legacy_constructor("IntTensor", _dtype.int32)
LongTensor = _legacy_constructor("LongTensor", _dtype.int64)
BoolTensor = _legacy_constructor("BoolTensor", _dtype.bool)
LEGACY_CONSTRUCTORS = ("FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "ByteTensor",
                       "CharTensor", "ShortTensor", "IntTensor", "LongTensor", "BoolTensor")
__all__ += LEGACY_CONSTRUCTORS
