"""Backends: names <-> namespaces, array types, devices and dtype tables.

A :class:`Backend` is resolved once per array *type* and cached, so an operation never
calls ``array_namespace``: a Tensor carries its Backend and the op reads ``backend.xp``.
All backend-specific knowledge that generic code needs (how to reach the host, how to
spell a device) lives here; fast kernels live in ``anygrad/fastpaths/``.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
from typing import Any, Iterator

import numpy as np

from . import _device, _dtype

__all__ = [
    "Backend",
    "backends",
    "get_backend",
    "get_default_backend",
    "set_default_backend",
    "default_backend",
]

BACKEND_NAMES = ("numpy", "array_api_strict", "torch", "jax", "cupy")


class Backend:
    """One array library as anygrad sees it.

    Attributes
    ----------
    name : str
        ``"numpy"``, ``"torch"``, ``"jax"``, ``"array_api_strict"`` or ``"cupy"``.
    xp : module
        The library's Array API standard namespace (through array-api-compat).
    array_type : type
        The type its functions return; anything else (a NumPy scalar) is re-wrapped.
    """

    __slots__ = (
        "name", "xp", "array_type", "native_dtype", "from_native", "float_dtypes",
        "complex_dtypes", "_namespace", "mutable", "negative_steps", "__weakref__",
    )

    def __init__(self, name: str, xp: Any, array_type: type) -> None:
        self.name = name
        self.xp = xp
        self.array_type = array_type
        self.native_dtype: dict[_dtype.dtype, Any] = {}
        self.from_native: dict[Any, _dtype.dtype] = {}
        self._namespace: Any = None
        # JAX arrays cannot be written in place: views and writes are functionalised.
        self.mutable = name != "jax"
        # torch has no negative strides: a reversed slice there is a copy kept in sync.
        self.negative_steps = name != "torch"
        for dname, d in _dtype.ALL.items():
            native = getattr(xp, dname, None)
            if native is None:
                continue
            self.native_dtype[d] = native
            self.from_native[native] = d
            # NumPy-like libraries report `np.dtype('float32')`, not the scalar type.
            if isinstance(native, type) and issubclass(native, np.generic):
                self.from_native[np.dtype(native)] = d
            elif isinstance(getattr(native, "dtype", None), np.dtype):  # jax.numpy scalar types
                self.from_native[native.dtype] = d
        # Native dtypes whose arrays can carry gradients (checked on every recorded op).
        self.float_dtypes = frozenset(k for k, v in self.from_native.items() if v.kind in "fc")
        # Complex dtypes, native and anygrad's own (a Tensor's dtype under create_graph):
        # complex backward rules conjugate; one set look-up decides in either mode.
        self.complex_dtypes = frozenset(
            x for k, v in self.from_native.items() if v.kind == "c" for x in (k, v)
        )
        if name == "jax":
            # Without its 64-bit mode JAX silently makes these 32-bit. The mode is the user's
            # to set (`jax.enable_x64` even changes it per thread), so these dtypes miss the
            # table and `to_native` reads the mode on each request; other dtypes pay nothing.
            for d in _JAX_X64:
                self.native_dtype.pop(d, None)

    def __repr__(self) -> str:
        return f"<anygrad backend {self.name!r}>"

    # -- dtypes --------------------------------------------------------------------------
    def dtype_of(self, native: Any) -> _dtype.dtype:
        d = self.from_native.get(native)
        if d is None:
            d = _dtype.as_dtype(native)
            self.from_native[native] = d
        return d

    def to_native(self, d: Any) -> Any:
        """The backend's own dtype for an anygrad dtype, a name or a native dtype."""
        if d is None:
            return None
        if isinstance(d, _dtype.dtype):
            native = self.native_dtype.get(d)
        else:
            native = self.native_dtype.get(_dtype.as_dtype(d))
        if native is None:
            if self.name == "jax" and _dtype.as_dtype(d) in _JAX_X64:
                return _jax_x64_native(_dtype.as_dtype(d))
            raise TypeError(f"backend {self.name!r} has no dtype {d}")
        return native

    # -- devices -------------------------------------------------------------------------
    def device_of(self, array: Any) -> Any:
        if self.name == "numpy":
            return "cpu"
        import array_api_compat

        return array_api_compat.device(array)

    def parse_device(self, device: Any) -> Any:
        """Accept the backend's own device objects, :class:`anygrad.device` objects and their
        usual string spellings."""
        if isinstance(device, _device.device):
            device = str(device)
        if device is None or not isinstance(device, (str, int)):
            return device
        if self.name == "numpy":
            if device != "cpu":
                raise ValueError(f"backend 'numpy' has only the device 'cpu', got {device!r}")
            return "cpu"
        if self.name == "array_api_strict":
            import array_api_strict

            return array_api_strict.Device(device)
        if self.name == "torch":
            import torch

            return torch.device(device)
        if self.name == "jax":
            import jax

            kind, _, index = str(device).partition(":")
            return jax.devices(kind)[int(index or 0)]
        if self.name == "cupy":
            import cupy

            text = str(device)
            index = int(text.rpartition(":")[2]) if ":" in text else int(text if text.isdigit() else 0)
            return cupy.cuda.Device(index)
        return device

    def to_numpy(self, array: Any) -> np.ndarray:
        """A host NumPy copy (or view) of ``array``."""
        if self.name == "numpy":
            return np.asarray(array)
        if self.name == "torch":
            return array.detach().cpu().numpy()
        if self.name == "cupy":
            return array.get()
        if self.name == "array_api_strict":
            import array_api_strict

            cpu = array_api_strict.Device("CPU_DEVICE")
            if array.device != cpu:
                array = array.to_device(cpu)
            return np.from_dlpack(array)
        return np.asarray(array)

    # -- memory layout (mutable backends) -----------------------------------------------
    def layout(self, array: Any, root: Any) -> tuple[tuple, int]:
        """Strides (in elements) of ``array`` and its offset from ``root``'s first element."""
        if self.name == "torch":
            return tuple(array.stride()), array.storage_offset() - root.storage_offset()
        if self.name == "array_api_strict":
            array, root = array._array, root._array
        item = array.dtype.itemsize
        if self.name == "cupy":
            offset = array.data.ptr - root.data.ptr
        else:
            offset = array.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return tuple(s // item for s in array.strides), offset // item

    def reshape_view(self, array: Any, shape: tuple, index: Any = None) -> Any:
        """``array`` reshaped without copying, or None where only a copy can do it.

        On JAX the decision is taken on ``index`` (the view's flat positions in its
        root, a NumPy array), so every backend agrees with PyTorch's ``view``."""
        if not self.mutable:
            try:
                np.reshape(index, shape, copy=False)
            except (ValueError, AttributeError):
                return None
            return self.xp.reshape(array, shape)
        try:
            return self.xp.reshape(array, shape, copy=False)
        except (ValueError, AttributeError, RuntimeError, NotImplementedError):
            return None

    def scatter_set(self, root: Any, positions: np.ndarray, value: Any) -> Any:
        """``root`` with the elements at flat ``positions`` set to ``value`` (broadcast);
        in place where the backend allows it. Returns the (new) root."""
        xp = self.xp
        shape = tuple(root.shape)
        pos = np.asarray(positions).reshape(-1)
        if type(value) is not self.array_type:
            value = xp.asarray(value, dtype=root.dtype, device=self.device_of(root))
        flat_value = xp.reshape(xp.broadcast_to(value, tuple(positions.shape)), (-1,))
        if self.name == "jax":
            return xp.reshape(xp.reshape(root, (-1,)).at[pos].set(flat_value), shape)
        device = self.device_of(root)
        if self.name == "array_api_strict":
            # No advanced assignment in the standard: select per element, write it all.
            hit = np.zeros(math.prod(shape), dtype=bool)
            hit[pos] = True
            which = np.zeros(math.prod(shape), dtype=np.int64)
            which[pos] = np.arange(pos.size)
            placed = xp.take(flat_value, xp.asarray(which, device=device))
            new = xp.where(xp.asarray(hit, device=device), placed, xp.reshape(root, (-1,)))
            root[...] = xp.reshape(new, shape)
            return root
        # torch and NumPy-likes: one advanced assignment over the unravelled positions.
        idx = tuple(xp.asarray(i, device=device) for i in np.unravel_index(pos, shape))
        root[idx] = flat_value
        return root

    @property
    def namespace(self) -> Any:
        """anygrad's differentiable namespace bound to this backend."""
        ns = self._namespace
        if ns is None:
            ns = self._namespace = _namespace_factory(self)
        return ns


def _no_namespace(backend: Backend) -> Any:
    raise RuntimeError("anygrad's namespace is not registered yet: import anygrad first")


# Set by anygrad._namespace at import (a face, several layers above this module).
_namespace_factory: Any = _no_namespace


def set_namespace_factory(factory: Any) -> None:
    """Make ``factory(backend)`` build what :attr:`Backend.namespace` returns."""
    global _namespace_factory
    _namespace_factory = factory
    for backend in _by_name.values():
        backend._namespace = None


# JAX's 64-bit dtypes and the 32-bit ones it silently puts in their place when x64 is off.
_JAX_X64 = {
    _dtype.float64: _dtype.float32, _dtype.complex128: _dtype.complex64,
    _dtype.int64: _dtype.int32, _dtype.uint64: _dtype.uint32,
}


def _jax_x64_native(d: _dtype.dtype) -> Any:
    """JAX's ``d`` (a 64-bit dtype) when JAX's 64-bit mode is on; a clear error otherwise.

    anygrad never turns the mode on itself (it is process-wide: every JAX program in the
    process would change), and never hands back the 32-bit array JAX would make instead.
    """
    import jax

    if not jax.config.jax_enable_x64:
        raise TypeError(
            f"{d.name} on the JAX backend needs JAX's 64-bit mode, which is off (JAX would "
            f"silently make it {_JAX_X64[d].name}). Turn it on before using JAX: "
            f'jax.config.update("jax_enable_x64", True), or the environment variable '
            f"JAX_ENABLE_X64=1; or ask for {_JAX_X64[d].name}. anygrad does not change "
            f"this process-wide setting for you."
        )
    import jax.numpy as jnp

    return getattr(jnp, d.name)


_by_name: dict[str, Backend] = {}
_by_type: dict[type, Backend | None] = {}


def _load(name: str) -> Backend:
    if name == "numpy":
        import array_api_compat.numpy as xp

        return Backend(name, xp, np.ndarray)
    if name == "array_api_strict":
        import array_api_strict as xp

        return Backend(name, xp, type(xp.asarray(0)))
    if name == "torch":
        import array_api_compat.torch as xp
        import torch

        return Backend(name, xp, torch.Tensor)
    if name == "jax":
        import jax.numpy as xp

        return Backend(name, xp, type(xp.asarray(0.0)))
    if name == "cupy":
        import array_api_compat.cupy as xp
        import cupy

        if not cupy.cuda.is_available():
            raise RuntimeError("CuPy is installed but no CUDA device is available")
        return Backend(name, xp, cupy.ndarray)
    raise ValueError(f"unknown backend {name!r}; expected one of {BACKEND_NAMES}")


def get_backend(name: str | Backend) -> Backend:
    """The :class:`Backend` called ``name`` (imported on first use)."""
    if isinstance(name, Backend):
        return name
    backend = _by_name.get(name)
    if backend is None:
        if name not in BACKEND_NAMES:
            raise ValueError(f"unknown backend {name!r}; expected one of {BACKEND_NAMES}")
        try:
            backend = _load(name)
        except ImportError as exc:
            raise ImportError(
                f"backend {name!r} is not installed ({exc}); install it to use it with anygrad"
            ) from exc
        _by_name[name] = backend
        _by_type[backend.array_type] = backend
    return backend


_UNKNOWN = object()


def backend_of_array(array: Any) -> Backend | None:
    """The Backend of an array (by type, cached), or None for non-arrays."""
    backend = _by_type.get(type(array), _UNKNOWN)
    if backend is not _UNKNOWN:
        return backend  # type: ignore[return-value]
    import array_api_compat

    module = type(array).__module__.split(".", 1)[0]
    if isinstance(array, (np.ndarray, np.generic)):
        backend = get_backend("numpy")
    elif module in ("torch", "array_api_strict", "cupy") and array_api_compat.is_array_api_obj(array):
        backend = get_backend(module)
    elif module in ("jax", "jaxlib") and array_api_compat.is_jax_array(array):
        backend = get_backend("jax")
    else:
        backend = None
    _by_type[type(array)] = backend
    return backend


def backends() -> list[str]:
    """Names of the backends usable on this machine, in the fixed order of
    ``numpy, array_api_strict, torch, jax, cupy`` (whichever is the default backend)."""
    usable = []
    for name in BACKEND_NAMES:
        try:
            get_backend(name)
        except (ImportError, RuntimeError):
            continue
        except Exception:  # a broken install (e.g. CuPy without a driver) is unusable
            continue
        usable.append(name)
    return usable


def _initial_default() -> str:
    name = os.environ.get("ANYGRAD_BACKEND", "numpy")
    if name not in BACKEND_NAMES:
        raise ValueError(
            f"ANYGRAD_BACKEND={name!r} is not a backend; expected one of {BACKEND_NAMES}"
        )
    return name


# The default backend is configuration chosen by the user, like PyTorch's default dtype;
# a ContextVar keeps `with default_backend(...)` correct across threads and tasks.
_default_name: contextvars.ContextVar[str] = contextvars.ContextVar(
    "anygrad_default_backend", default=_initial_default()
)


def get_default_backend() -> Backend:
    """The backend that creation functions use when none is given."""
    return get_backend(_default_name.get())


def set_default_backend(name: str) -> None:
    """Make ``name`` the default backend for creation functions."""
    get_backend(name)
    _default_name.set(name)


def set_default_device(device: Any) -> None:
    """PyTorch's ``set_default_device``: ``"cuda"`` makes the GPU backend (CuPy) the
    default; ``"cpu"`` leaves a CPU default backend alone and replaces CuPy by NumPy."""
    kind = _device.device(device).type if not isinstance(device, _device.device) else device.type
    if kind == "cuda":
        try:
            get_backend("cupy")
        except Exception as exc:
            raise RuntimeError(
                f"set_default_device: {str(device)!r} needs a CUDA GPU, which anygrad uses "
                f"through CuPy, and CuPy is not usable here ({exc})") from exc
        _default_name.set("cupy")
    elif _default_name.get() == "cupy":
        _default_name.set("numpy")


# Defaults replaced by ``with anygrad.device(...)`` blocks, innermost last.
_device_blocks: contextvars.ContextVar[tuple] = contextvars.ContextVar(
    "anygrad_device_blocks", default=())


def enter_device_block(device: Any) -> None:
    """``with device:`` (PyTorch's device context): ``device`` is the default inside."""
    saved = _default_name.get()
    set_default_device(device)
    _device_blocks.set(_device_blocks.get() + (saved,))


def exit_device_block() -> None:
    blocks = _device_blocks.get()
    _default_name.set(blocks[-1])
    _device_blocks.set(blocks[:-1])


def get_default_device() -> Any:
    """``device("cuda")`` when the default backend is CuPy, else ``device("cpu")``."""
    return _device.device("cuda" if _default_name.get() == "cupy" else "cpu")


@contextlib.contextmanager
def default_backend(name: str) -> Iterator[Backend]:
    """Context manager: creation functions use backend ``name`` inside the block.

    Examples
    --------
    >>> import anygrad
    >>> with anygrad.default_backend("numpy"):
    ...     anygrad.zeros(2).backend
    'numpy'
    """
    backend = get_backend(name)
    token = _default_name.set(name)
    try:
        yield backend
    finally:
        _default_name.reset(token)


def resolve(backend: str | Backend | None) -> Backend:
    if backend is None:
        return get_backend(_default_name.get())
    return get_backend(backend)
