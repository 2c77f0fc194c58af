"""Turning a list of samples into one batch.

Batches are assembled on the host with NumPy (one ``np.stack`` per field) and converted to
the target backend once per batch, which is both the fast path and the only one that works
in worker processes for every backend: workers collate to NumPy, the main process converts.
"""

from __future__ import annotations

import collections.abc
from typing import Any, Callable, Sequence

import numpy as np

from ._utils import is_tensor

__all__ = ["default_collate", "default_convert", "collate_to_host", "convert_to_tensors"]

_STRINGS = (str, bytes)


class _TensorBatch:
    """A host batch stacked from Tensor samples, remembering where those samples lived so the
    main process can put the batch back on their backend when the loader names none."""

    __slots__ = ("array", "backend", "device")

    def __init__(self, array: np.ndarray, backend: str, device: Any) -> None:
        self.array = array
        self.backend = backend
        self.device = device

    def __reduce__(self) -> Any:
        # Devices such as jax.Device do not pickle; a string spelling travels instead.
        return (_TensorBatch, (self.array, self.backend, _device_name(self.device)))


def _device_name(device: Any) -> Any:
    if device is None or isinstance(device, str):
        return device
    if hasattr(device, "platform") and hasattr(device, "id"):  # jax.Device
        return f"{device.platform}:{device.id}"
    # array-api-strict's Device keeps its name in `_device`; torch.device prints as "cpu".
    return str(getattr(device, "_device", device))


_PY_NUMBER_DTYPE = {bool: 0, int: 1, float: 2, complex: 3}


def _python_batch(batch: Sequence[Any], where: str) -> np.ndarray | None:
    """A batch of Python numbers as one array of the kind that holds them all, as PyTorch
    promotes them: bools -> bool, ints -> int64, any float -> the default float dtype,
    any complex -> the matching complex dtype (``[1, 2.5]`` is ``[1.0, 2.5]``, not ``[1, 2]``).
    """
    rank = 0
    for e in batch:
        r = _PY_NUMBER_DTYPE.get(type(e))
        if r is None:
            r = 1 if isinstance(e, int) else 2 if isinstance(e, float) else None
            if r is None:
                raise TypeError(
                    f"{where}: a batch mixes Python numbers with {type(e).__name__}; expected "
                    "samples of one kind"
                )
        rank = max(rank, r)
    from .. import _dtype

    if rank == 0:
        return np.asarray(batch, dtype=np.bool_)
    if rank == 1:
        return np.asarray(batch, dtype=np.int64)
    if rank == 2:
        return np.asarray(batch, dtype=_dtype.get_default_dtype().name)
    return np.asarray(batch, dtype=_dtype.default_complex_dtype().name)


def _collate(batch: Sequence[Any], to_host: bool, backend: Any, device: Any) -> Any:
    if len(batch) == 0:
        raise ValueError("default_collate: expected a non-empty batch, got an empty sequence")
    elem = batch[0]
    if is_tensor(elem):
        if to_host:
            arrays = [t.detach().numpy() for t in batch]
            return _TensorBatch(_stack(arrays), elem.backend, elem.device)
        if elem.backend == "numpy":
            # Host samples (ToTensor's output): one np.stack and one conversion, no graph.
            arr = _stack([t.detach().numpy() for t in batch])
            return _to_tensor(arr, backend if backend is not None else "numpy", device)
        import anygrad

        out = anygrad.stack([t.detach() for t in batch], axis=0)
        if backend is not None or device is not None:
            out = out.to(backend=backend if backend is not None else out.backend, device=device)
        return out
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "OUSV":
            raise TypeError(
                f"default_collate: NumPy arrays of dtype {elem.dtype} cannot become Tensors; "
                "expected numeric or bool arrays"
            )
        arr = _stack(batch)
        return arr if to_host else _to_tensor(arr, backend, device)
    if isinstance(elem, np.generic):
        arr = np.asarray(batch)
        return arr if to_host else _to_tensor(arr, backend, device)
    if isinstance(elem, (bool, int, float, complex)):
        arr = _python_batch(batch, "default_collate")
        return arr if to_host else _to_tensor(arr, backend, device)
    if isinstance(elem, _STRINGS):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return {key: _collate([d[key] for d in batch], to_host, backend, device) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(_collate(list(s), to_host, backend, device) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise ValueError(
                "default_collate: each element in a batch of sequences must have the same length, "
                f"got lengths {sorted({len(e) for e in batch})}"
            )
        # Tuples become lists, as in PyTorch; `x, y = batch` works for both.
        return [_collate(list(s), to_host, backend, device) for s in zip(*batch)]
    raise TypeError(
        "default_collate: expected samples of Tensors, NumPy arrays, numbers, strings, dicts, "
        f"lists or tuples, got {type(elem).__name__}"
    )


def _stack(arrays: Sequence[np.ndarray]) -> np.ndarray:
    shape = arrays[0].shape
    for a in arrays:
        if a.shape != shape:
            raise ValueError(
                f"default_collate: cannot stack samples of different shapes, got {shape} and {a.shape}"
            )
    return np.stack(arrays, axis=0)


def _to_tensor(arr: np.ndarray, backend: Any, device: Any) -> Any:
    import anygrad

    return anygrad.asarray(arr, device=device, backend=backend)


def default_collate(batch: Sequence[Any], *, backend: Any = None, device: Any = None) -> Any:
    """Stack a list of samples into a batch of Tensors, keeping the samples' structure.

    NumPy arrays and NumPy scalars keep their dtype; Python ``int`` becomes int64, ``float``
    float32 (anygrad's default float, where PyTorch's collate gives float64), ``bool`` bool;
    Tensors are stacked with ``anygrad.stack``. Dicts, named tuples, lists and tuples are
    collated field by field (tuples become lists, as in PyTorch); strings stay lists.

    Parameters
    ----------
    batch : sequence
        The samples.
    backend, device : optional
        Where NumPy data lands (the default backend when omitted); Tensors stay on their
        own backend unless one is named.

    Raises
    ------
    TypeError
        For a sample type that has no batch form.
    ValueError
        For an empty batch, or samples whose shapes or lengths differ.

    Examples
    --------
    >>> import numpy as np
    >>> import anygrad
    >>> from anygrad.data import default_collate
    >>> x, y = default_collate([(np.zeros(2, np.float32), 1), (np.ones(2, np.float32), 0)])
    >>> tuple(x.shape), y.dtype, y.tolist()
    ((2, 2), anygrad.int64, [1, 0])
    """
    return _collate(batch, False, backend, device)


def collate_to_host(batch: Sequence[Any]) -> Any:
    """:func:`default_collate` that stops at NumPy (what a worker process sends back)."""
    return _collate(batch, True, None, None)


def convert_to_tensors(data: Any, *, backend: Any = None, device: Any = None) -> Any:
    """Turn every NumPy array in a (nested) structure into a Tensor; leave the rest.

    The inverse step of :func:`collate_to_host`, run in the main process.
    """
    if isinstance(data, np.ndarray) and data.dtype.kind not in "OUSV":
        return _to_tensor(data, backend, device)
    if isinstance(data, np.generic) and not isinstance(data, (np.str_, np.bytes_)):
        return _to_tensor(np.asarray(data), backend, device)
    if isinstance(data, _TensorBatch):
        if backend is None and device is None:
            return _to_tensor(data.array, data.backend, data.device)
        return _to_tensor(data.array, backend, device)
    if isinstance(data, _STRINGS) or data is None:
        return data
    if isinstance(data, collections.abc.Mapping):
        return {k: convert_to_tensors(v, backend=backend, device=device) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(convert_to_tensors(v, backend=backend, device=device) for v in data))
    if isinstance(data, tuple):
        return tuple(convert_to_tensors(v, backend=backend, device=device) for v in data)
    if isinstance(data, list):
        return [convert_to_tensors(v, backend=backend, device=device) for v in data]
    return data


def default_convert(data: Any, *, backend: Any = None, device: Any = None) -> Any:
    """Convert one sample without batching (the loader's ``batch_size=None`` mode): NumPy
    arrays become Tensors, containers are walked, everything else is returned unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from anygrad.data import default_convert
    >>> out = default_convert({"x": np.arange(3), "name": "a"})
    >>> out["x"].tolist(), out["name"]
    ([0, 1, 2], 'a')
    """
    if is_tensor(data):
        if backend is not None or device is not None:
            return data.to(backend=backend if backend is not None else data.backend, device=device)
        return data
    return convert_to_tensors(data, backend=backend, device=device)


CollateFn = Callable[[Sequence[Any]], Any]
