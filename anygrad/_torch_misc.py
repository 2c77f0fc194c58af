"""PyTorch's top-level helpers that are neither an operation nor a setting: dtype and type
names, device modules, buffers and DLPack, strided and permuted allocation, the deprecated
``range``, Poisson sampling and the inference-mode questions.

``anygrad`` imports them all; each follows PyTorch's signature and defaults.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from . import _backend, _device, _dtype, creation, ops
from .autograd.function import Function
from .autograd.grad_mode import is_inference_mode_enabled
from .random import host_generator
from .tensor import Tensor
from ._tensor_methods import empty_strided

__all__ = ["promote_types", "typename", "is_inference", "is_inference_mode_enabled",
           "get_device_module", "to_dlpack", "frombuffer", "empty_strided", "empty_permuted",
           "range", "poisson"]

_builtin_range = range


def promote_types(type1: Any, type2: Any) -> Any:
    """The dtype that two dtypes promote to (PyTorch's rules; as :func:`anygrad.result_type`
    for two dtypes).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.promote_types(anygrad.uint8, anygrad.int8)
    anygrad.int16
    >>> anygrad.promote_types(anygrad.int64, anygrad.float16)
    anygrad.float16
    """
    for name, t in (("type1", type1), ("type2", type2)):
        if not isinstance(t, _dtype.dtype):
            raise TypeError(f"promote_types: expected an anygrad dtype for {name}, got "
                            f"{type(t).__name__}")
    return ops.result_type(type1, type2)


def typename(obj: Any, /) -> str:
    """The fully qualified name of ``obj``'s type: a tensor's legacy type name
    (``"anygrad.FloatTensor"``), else the module and qualified name of a class or function
    (``"anygrad.nn.modules.linear.Linear"``), or of the class of any other object (``"int"``
    for builtins).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.typename(anygrad.tensor([1, 2, 3]))
    'anygrad.LongTensor'
    >>> anygrad.typename(3)
    'int'
    """
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = type(obj).__module__ or ""
        qualname = type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def is_inference(input: Any, /) -> bool:  # noqa: A002 - PyTorch's name
    """False: anygrad's ``inference_mode`` makes ordinary tensors (see
    :meth:`anygrad.Tensor.is_inference`)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"is_inference: expected a Tensor, got {type(input).__name__}")
    return input.is_inference()


def get_device_module(device: Any = None) -> Any:
    """The module of a device type: ``anygrad.cuda`` for ``"cuda"``, ``anygrad.cpu`` for
    ``"cpu"``; without an argument, the accelerator's (CUDA through CuPy) if there is one,
    else the CPU's.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.get_device_module("cpu").device_count()
    1
    """
    from . import cpu, cuda

    if device is None:
        return cuda if cuda.is_available() else cpu
    kind = device.type if isinstance(device, _device.device) else str(device).split(":")[0]
    modules = {"cuda": cuda, "cpu": cpu}
    if kind not in modules:
        raise RuntimeError(f"get_device_module: expected a device type of 'cpu' or 'cuda', "
                           f"got {device!r}")
    return modules[kind]


def to_dlpack(tensor: Any, /) -> Any:
    """A DLPack capsule sharing ``tensor``'s memory (``tensor.__dlpack__()``); read it
    back with :func:`anygrad.from_dlpack` or any DLPack consumer."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dlpack: expected a Tensor, got {type(tensor).__name__}")
    return tensor.__dlpack__()


def frombuffer(buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0,
               requires_grad: bool = False, backend: Any = None) -> Any:
    """A 1-D tensor of ``dtype`` reading the bytes of ``buffer`` (any object with the
    buffer protocol) after ``offset`` bytes: ``count`` elements, or all when ``count`` is
    negative. On the NumPy backend the tensor shares the buffer's memory (writes are seen
    through both, as in PyTorch); other backends get a copy.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.frombuffer(bytearray([1, 0, 2, 0]), dtype=anygrad.int16)
    tensor([1, 2], dtype=anygrad.int16)
    """
    dt = _dtype.as_dtype(dtype)
    try:
        host_dt = np.dtype(dt.name)
    except TypeError:
        raise TypeError(f"frombuffer: dtype {dt.name} has no NumPy equivalent") from None
    nbytes = memoryview(buffer).nbytes
    size = host_dt.itemsize
    if not 0 <= offset < max(nbytes, 1) or (nbytes == 0):
        raise ValueError(f"frombuffer: expected an offset in [0, {nbytes}) bytes of a non-empty "
                         f"buffer, got offset {offset}")
    if count == 0:
        raise ValueError("frombuffer: expected a non-zero count, got 0")
    if count < 0:
        if (nbytes - offset) % size:
            raise ValueError(f"frombuffer: the buffer's {nbytes - offset} bytes after offset "
                             f"{offset} are not a multiple of the element size ({size})")
        count = (nbytes - offset) // size
    elif offset + count * size > nbytes:
        raise ValueError(f"frombuffer: {count} elements of {size} bytes after offset {offset} "
                         f"need more than the buffer's {nbytes} bytes")
    host = np.frombuffer(buffer, dtype=host_dt, count=count, offset=offset)
    if not host.flags.writeable:
        warnings.warn("frombuffer: the buffer is not writable; the tensor shares it, so "
                      "writing into the tensor is undefined", UserWarning, stacklevel=2)
    out = creation.asarray(host, backend=backend)
    if requires_grad:
        out.requires_grad_(True)
    return out


def empty_permuted(size: Any, physical_layout: Any, *, dtype: Any = None, device: Any = None,
                   backend: Any = None, requires_grad: bool = False) -> Any:
    """An uninitialised tensor of ``size`` whose dimensions are laid out in memory in the
    order ``physical_layout`` (outermost first): ``empty_permuted((2, 3, 5), (0, 2, 1))``
    has strides ``(15, 1, 3)``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.empty_permuted((2, 3, 5), (0, 2, 1)).stride()
    (15, 1, 3)
    """
    size, layout = tuple(int(n) for n in size), tuple(int(d) for d in physical_layout)
    if sorted(layout) != list(_builtin_range(len(size))):
        raise RuntimeError(f"empty_permuted: expected physical_layout to be a permutation of "
                           f"the {len(size)} dimensions, got {layout}")
    stride = [0] * len(size)
    step = 1
    for d in reversed(layout):
        stride[d] = step
        step *= size[d]
    return empty_strided(size, stride, dtype=dtype, device=device, backend=backend,
                         requires_grad=requires_grad)


def range(start: Any = 0, end: Any = None, step: Any = 1, *, dtype: Any = None,  # noqa: A001
          device: Any = None, backend: Any = None, requires_grad: bool = False) -> Any:
    """PyTorch's deprecated ``torch.range``: ``start, start + step, ...`` up to and
    **including** ``end``, of the default float dtype unless ``dtype`` is given. Warns, as
    PyTorch does; use :func:`anygrad.arange` (``end`` excluded).

    Examples
    --------
    >>> import warnings, anygrad
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     anygrad.range(1, 4)
    tensor([1., 2., 3., 4.])
    """
    if end is None:
        raise TypeError("range: missing the required argument 'end'")
    warnings.warn("anygrad.range is deprecated, as torch.range is, because it includes its "
                  "end unlike Python's range; use anygrad.arange, which gives [start, end)",
                  UserWarning, stacklevel=2)
    start, end, step = (float(v) if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("range: expected a non-zero step, got 0")
    if (end - start) * step < 0:
        raise RuntimeError(f"range: the bounds start={start}, end={end} are inconsistent with "
                           f"the sign of step={step}")
    n = int(math.floor((end - start) / step)) + 1
    values = start + np.arange(n, dtype=np.float64) * step
    dt = _dtype.get_default_dtype() if dtype is None else _dtype.as_dtype(dtype)
    if dt.kind in "iub":
        values = np.round(values)
    return creation._host_to(values, dt, device, backend, requires_grad)


class Poisson(Function):
    """Poisson sampling: the samples do not change smoothly with the rates, so their
    gradient is 0 (PyTorch's convention)."""

    @staticmethod
    def forward(ctx: Any, rates: Any, *, samples: Any) -> Any:
        return samples

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.xp.zeros_like(gy)


def poisson(input: Any, generator: Any = None) -> Any:  # noqa: A002 - PyTorch's name
    """Samples of the Poisson distribution with the rates ``input`` (same shape and
    floating dtype). Its gradient with respect to the rates is 0, as in PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.poisson(anygrad.zeros(3))
    tensor([0., 0., 0.])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"poisson: expected a Tensor, got {type(input).__name__}")
    if input.dtype.kind != "f":
        raise TypeError(f"poisson: expected a floating-point tensor of rates, got dtype "
                        f"{input.dtype.name}")
    rates = np.asarray(input.detach(), dtype=np.float64)
    if (rates < 0).any() or np.isnan(rates).any():
        raise RuntimeError("poisson: expected non-negative rates, got "
                           f"{float(rates[(rates < 0) | np.isnan(rates)].flat[0])}")
    draws = host_generator(generator).poisson(rates).astype(np.float64)
    samples = creation._host_to(draws, input.dtype, input.device, input._backend, False)
    if not input.requires_grad:
        return samples
    return Poisson.apply(input, samples=samples._data)
