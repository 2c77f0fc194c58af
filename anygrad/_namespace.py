"""anygrad's differentiable Array API namespace, bound to one backend.

``Tensor.__array_namespace__()`` returns a :class:`Namespace`: the standard's functions,
with the standard's signatures (keyword-only ``axis``, ``shape=``, ``device=``,
``copy=``), calling the same operation code as the PyTorch-style ``anygrad`` module;
creation functions place their results on that backend. Array-API-generic code --
anygrad's own backward rules under ``create_graph=True`` included, SciPy and
scikit-learn's array-API code too -- runs on Tensors and records a graph.
:mod:`anygrad.array_api` is the same namespace for the default backend (read at each call).
"""

from __future__ import annotations

import builtins
import importlib.util
import math
from types import SimpleNamespace
from typing import Any, Callable

from . import _backend, _dtype, creation, ops
from .tensor import Tensor

__all__ = ["Namespace", "Info", "standard_members", "finfo", "iinfo"]

API_VERSION = "2024.12"


def _real(d: _dtype.dtype) -> _dtype.dtype:
    return {"complex64": _dtype.float32, "complex128": _dtype.float64}.get(d.name, d)


class finfo(_dtype.finfo):  # noqa: N801 - the standard's name
    """Machine limits of a floating-point dtype; for a complex dtype those of its real part
    (``finfo(complex64).dtype`` is ``float32``, as the standard says)."""

    def __init__(self, type: Any, /) -> None:  # noqa: A002 - the standard's name
        super().__init__(type)
        self.dtype = _real(self.dtype)


class iinfo(_dtype.iinfo):  # noqa: N801
    """Machine limits of an integer dtype (``bits``, ``max``, ``min``, ``dtype``)."""

    def __init__(self, type: Any, /) -> None:  # noqa: A002
        super().__init__(type)


class Info:
    """What ``__array_namespace_info__()`` returns: capabilities, devices and dtypes of one
    backend (of the default backend at each call when ``backend`` is None)."""

    __slots__ = ("_backend",)

    def __init__(self, backend: _backend.Backend | None = None) -> None:
        self._backend = backend

    def _b(self) -> _backend.Backend:
        return self._backend if self._backend is not None else _backend.get_default_backend()

    def _native_info(self) -> Any:
        return self._b().xp.__array_namespace_info__()

    def capabilities(self) -> dict:
        """``boolean indexing``, ``data-dependent shapes`` and ``max dimensions``, as the
        backend reports them (anygrad adds no limit of its own)."""
        return dict(self._native_info().capabilities())

    def default_device(self) -> Any:
        return self._native_info().default_device()

    def devices(self) -> list:
        return list(self._native_info().devices())

    def default_dtypes(self, *, device: Any = None) -> dict:
        """anygrad's defaults (PyTorch's: float32 unless ``set_default_dtype`` changed it;
        int64 for integers and indices), the same on every device."""
        self._device(device)
        return {
            "real floating": _dtype.get_default_dtype(),
            "complex floating": _dtype.default_complex_dtype(),
            "integral": _dtype.int64,
            "indexing": _dtype.int64,
        }

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict:
        """The dtypes the backend holds on ``device`` (default: its default device), as
        anygrad dtypes, optionally only those of ``kind`` (as :func:`isdtype`)."""
        b = self._b()
        native = self._native_info().dtypes(device=self._device(device), kind=kind)
        return {name: b.dtype_of(d) for name, d in native.items() if name in _dtype.ALL}

    def _device(self, device: Any) -> Any:
        """``device`` as the backend's device object; a ValueError if it has no such device."""
        if device is None:
            return None
        dev = self._b().parse_device(device)
        if dev not in self.devices():
            raise ValueError(f"__array_namespace_info__: backend {self._b().name!r} has no "
                             f"device {device!r}; its devices are {self.devices()}")
        return dev


def _default_float(dtype: Any) -> Any:
    return _dtype.get_default_dtype() if dtype is None else dtype


def _scalar_dtype(value: Any) -> _dtype.dtype:
    if isinstance(value, builtins.bool):
        return _dtype.bool
    if isinstance(value, builtins.int):
        return _dtype.int64
    if isinstance(value, builtins.complex):
        return _dtype.default_complex_dtype()
    return _dtype.get_default_dtype()


def _tracked(obj: Any) -> bool:
    """Whether converting ``obj`` must go through the graph."""
    return isinstance(obj, Tensor) and obj.requires_grad


def _convert(x: Tensor, dtype: Any, device: Any, copy: Any, op: str) -> Tensor:
    """``x`` as ``dtype`` on ``device`` through differentiable operations (a tensor that
    requires grad keeps its history: sklearn's ``xp.asarray(X, dtype=...)`` must not
    silently cut the gradient)."""
    out = x
    if device is not None:
        dev = x._backend.parse_device(device)
        if dev != x.device:
            if copy is False:
                raise ValueError(f"{op}: copy=False, but moving to device {device!r} copies")
            out = ops.to_backend(out, x._backend, dev)
    if dtype is not None and _dtype.as_dtype(dtype) is not out.dtype:
        if copy is False:
            raise ValueError(f"{op}: copy=False, but converting {out.dtype} to {dtype} copies")
        out = ops.astype(out, dtype)
    if copy and out is x:
        out = ops.astype(x, x.dtype, copy=True)
    return out


def standard_members(backend: _backend.Backend | None) -> dict[str, Any]:
    """Every name of the standard's namespace, bound to ``backend`` (None: the default
    backend, read at each call)."""
    ns: dict[str, Any] = {}
    for name in ops.__all__:
        ns[name] = getattr(ops, name)
    for name, d in _dtype.ALL.items():
        ns[name] = d

    def _b() -> _backend.Backend:
        return backend if backend is not None else _backend.get_default_backend()

    def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None,
                copy: bool | None = None) -> Tensor:
        """A tensor from ``obj`` (the standard's ``asarray``); a tensor that requires grad
        stays on the graph when it is converted or copied."""
        if _tracked(obj):
            return _convert(obj, dtype, device, copy, "asarray")
        if isinstance(obj, Tensor) and dtype is None and device is None and not copy:
            return obj
        return creation.asarray(obj, dtype=dtype, device=device, copy=copy,
                                backend=None if isinstance(obj, Tensor) else _b())

    def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Tensor:
        """``x`` as ``dtype`` (and on ``device``); differentiable between floating dtypes."""
        if not isinstance(x, Tensor):
            x = creation.asarray(x, backend=_b())
        return ops.astype(x, dtype, copy=copy, device=device)

    def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Tensor:
        """A tensor from any DLPack exporter; a Tensor keeps its graph."""
        if isinstance(x, Tensor):
            return _convert(x, None, device, copy, "from_dlpack")
        return creation.from_dlpack(x, device=device, copy=copy, backend=_b())

    def _filled(name: str) -> Callable:
        def fn(shape: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
            make = getattr(creation, name)
            return make(shape, dtype=_default_float(dtype), device=device, backend=_b())

        fn.__name__ = fn.__qualname__ = name
        fn.__doc__ = f"A new tensor of ``shape`` (the standard's ``{name}``)."
        return fn

    def full(shape: Any, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
        """``fill_value`` everywhere (dtype from the fill value's Python type by default)."""
        if dtype is None:
            dtype = fill_value.dtype if isinstance(fill_value, Tensor) else _scalar_dtype(fill_value)
        return creation.full(shape, fill_value, dtype=dtype, device=device, backend=_b())

    def _like(name: str) -> Callable:
        make = getattr(creation, name)

        def fn(x: Any, /, *, dtype: Any = None, device: Any = None) -> Tensor:
            return make(x, dtype=dtype, device=device)

        fn.__name__ = fn.__qualname__ = name
        fn.__doc__ = f"Like ``x`` (the standard's ``{name}``)."
        return fn

    def full_like(x: Any, /, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Tensor:
        """``fill_value`` everywhere, with the shape of ``x``."""
        return creation.full_like(x, fill_value, dtype=dtype, device=device)

    def arange(start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None,
               device: Any = None) -> Tensor:
        """Evenly spaced values in ``[start, stop)``."""
        if stop is None:
            start, stop = 0, start
        return creation.arange(start, stop, step, dtype=dtype, device=device, backend=_b())

    def linspace(start: Any, stop: Any, /, num: int, *, dtype: Any = None, device: Any = None,
                 endpoint: bool = True) -> Tensor:
        """``num`` evenly spaced values from ``start`` to ``stop``."""
        if dtype is None and (isinstance(start, complex) or isinstance(stop, complex)):
            dtype = _dtype.default_complex_dtype()
        return creation.linspace(start, stop, num, dtype=dtype, device=device, backend=_b(),
                                 endpoint=endpoint)

    def eye(n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None,
            device: Any = None) -> Tensor:
        """A 2-D tensor with ones on the ``k``-th diagonal."""
        return creation.eye(n_rows, n_cols, k=k, dtype=dtype, device=device, backend=_b())

    def __array_namespace_info__() -> Info:
        return Info(backend)

    ns.update(
        asarray=asarray, astype=astype, from_dlpack=from_dlpack, full=full, full_like=full_like,
        arange=arange, linspace=linspace, eye=eye, finfo=finfo, iinfo=iinfo,
        __array_namespace_info__=__array_namespace_info__,
        __array_api_version__=API_VERSION,
        e=math.e, pi=math.pi, inf=math.inf, nan=math.nan, newaxis=None,
    )
    for name in ("zeros", "ones", "empty"):
        ns[name] = _filled(name)
    for name in ("zeros_like", "ones_like", "empty_like"):
        ns[name] = _like(name)
    ns["linalg"] = SimpleNamespace(
        __name__="linalg", **{name: getattr(ops, name) for name in ops.LINALG}
    )
    fft = _fft_module()
    if fft is not None:
        ns["fft"] = fft
    return ns


def _fft_module() -> Any:
    """The ``fft`` extension (``anygrad.ops.fft``) once it exists."""
    if importlib.util.find_spec("anygrad.ops.fft") is None:
        return None
    module = importlib.import_module("anygrad.ops.fft")
    return SimpleNamespace(__name__="fft", **{name: getattr(module, name) for name in module.__all__})


class Namespace:
    """The Array API namespace of anygrad Tensors on one backend."""

    __array_api_version__ = API_VERSION

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        # Distinct names per backend: array_api_compat.array_namespace tells namespaces
        # apart by __name__, so Tensors of two backends are refused, not mixed.
        self.__name__ = f"anygrad.array_api.{backend.name}"
        for name, value in standard_members(backend).items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"<anygrad namespace for backend {self._backend.name!r}>"

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"the anygrad namespace has no function {name!r} (not yet differentiable); "
            f"use the backend's own namespace on .array for non-differentiable work"
        )


# Backend.namespace (layer 0) builds this face through the factory registered here.
_backend.set_namespace_factory(Namespace)
