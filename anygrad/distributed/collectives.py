"""Collectives on Tensors of any backend: ``all_reduce``, ``broadcast``, ``all_gather``.

They work in place on the tensor *handle*, as ``torch.distributed`` does: the result is a new
array rebound into the tensor's storage (every Tensor sharing it, ``p.data`` included, sees
it), and no array a graph may hold is ever written. They are not recorded by autograd.

NumPy arrays go to MPI as they are. Other backends are staged through a host NumPy copy,
except device arrays (CuPy) when the process group was told (or found) that MPI is
CUDA-aware: mpi4py then reads them in place through DLPack / the CUDA array interface.

Before moving data, the ranks exchange each tensor's dtype and shape (one ``Allgather`` of
11 integers): a float32 tensor on one rank and an int32 one on another would otherwise be
summed as raw bits. Every rank raises the same error, naming every rank's tensor. Waits
go through :func:`anygrad.distributed._state.wait`, so a rank that left is noticed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..tensor import Tensor, _make_tensor
from . import _state

__all__ = ["ReduceOp", "Work", "all_reduce", "broadcast", "all_gather"]


class ReduceOp:
    """Reduction operations of :func:`all_reduce` (``AVG`` is PyTorch's name of ``MEAN``)."""

    SUM = "sum"
    MEAN = "mean"
    AVG = "mean"
    MAX = "max"
    MIN = "min"
    PRODUCT = "product"


_OPS = {"sum": "SUM", "mean": "SUM", "avg": "SUM", "max": "MAX", "min": "MIN",
        "product": "PROD", "prod": "PROD"}


class Work:
    """The handle of an ``async_op=True`` collective: ``wait()`` finishes it."""

    __slots__ = ("_request", "_finish", "_done", "_op")

    def __init__(self, request: Any, finish: Any, op: str = "wait") -> None:
        self._request = request
        self._finish = finish
        self._done = False
        self._op = op

    def is_completed(self) -> bool:
        """Whether the communication has finished (does not write the result)."""
        return self._done or bool(self._request.Test())

    def wait(self, timeout: Any = None) -> bool:
        """Block until the collective is done and write its result into the tensor."""
        if not self._done:
            _state.wait(self._request, self._op)
            self._finish()
            self._done = True
        return True


# dtype names <-> small codes for the metadata exchange (the same table on every rank).
_DTYPE_NAMES = sorted(_dtype.ALL)
_DTYPE_CODES = {n: i for i, n in enumerate(_DTYPE_NAMES)}
_MAX_DIMS = 8  # dimensions sent as they are; more are folded into a checksum


def _meta(t: Tensor) -> np.ndarray:
    shape = tuple(t.shape)
    m = np.zeros(3 + _MAX_DIMS, dtype=np.int64)
    m[0], m[1] = _DTYPE_CODES[t.dtype.name], len(shape)
    check = 0
    for d in shape[_MAX_DIMS:]:
        check = (check * 1_000_003 + d + 1) % (1 << 61)
    m[2] = check
    m[3:3 + min(len(shape), _MAX_DIMS)] = shape[:_MAX_DIMS]
    return m


def _describe(row: np.ndarray) -> str:
    code, ndim = int(row[0]), int(row[1])
    name = _DTYPE_NAMES[code] if 0 <= code < len(_DTYPE_NAMES) else f"<unknown dtype code {code}>"
    if not 0 <= ndim <= 64:
        return f"{name} with an impossible number of dimensions ({ndim})"
    dims = [int(d) for d in row[3:3 + min(ndim, _MAX_DIMS)]]
    more = ", ..." if ndim > _MAX_DIMS else ""
    return f"{name}{dims}".replace("]", more + "]")


def _agree(comm: Any, tensor: Tensor, op: str) -> None:
    """Raise the same ``ValueError`` on every rank unless all ranks pass a tensor of one
    dtype and shape. What a peer sends is only compared and described, never trusted."""
    size = comm.Get_size()
    if size == 1:
        return
    mine = _meta(tensor)
    table = np.empty((size, mine.size), dtype=np.int64)
    _state.wait(comm.Iallgather(mine, table), op)
    if (table == table[0]).all():
        return
    ranks = "; ".join(f"rank {r} has {_describe(table[r])}" for r in range(size))
    raise ValueError(
        f"{op}: the ranks passed tensors of different dtypes or shapes ({ranks}); every rank "
        "must pass the same dtype and shape"
    )


def _check_tensor(t: Any, op: str, name: str = "tensor") -> None:
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: expected {name} to be an anygrad Tensor, got {type(t).__name__}")


def comm_buffer(array: Any, backend: Any, device_buffers: bool) -> Any:
    """A C-contiguous buffer MPI can read: the array itself (NumPy, or CuPy on a CUDA-aware
    MPI) or a host NumPy copy. Bools travel as uint8 and float16 as float32, which MPI's
    reductions do not define."""
    if backend.name == "numpy":
        buf = np.ascontiguousarray(array)
    elif device_buffers and backend.name == "cupy":
        import cupy

        return cupy.ascontiguousarray(array)
    else:
        buf = np.ascontiguousarray(backend.to_numpy(array))
    if buf.dtype == np.bool_:
        buf = buf.view(np.uint8)
    elif buf.dtype == np.float16:
        buf = buf.astype(np.float32)
    return buf


def from_buffer(buf: Any, like: Tensor) -> Any:
    """``buf`` as an array of ``like``'s backend, device, dtype and shape."""
    b = like._backend
    old = like._data
    if b.name == "numpy":
        array = buf
    else:
        from ..creation import _transfer

        array = _transfer(buf, _state_numpy_backend(), b) if isinstance(buf, np.ndarray) else buf
        dev = b.device_of(old)
        if b.device_of(array) != dev:
            import array_api_compat

            array = array_api_compat.to_device(array, dev)
    if array.dtype != old.dtype:
        if b.name == "numpy" and array.dtype == np.uint8 and old.dtype == np.bool_:
            array = array.view(np.bool_)
        else:
            array = b.xp.astype(array, old.dtype)
    return b.xp.reshape(array, tuple(old.shape))


def _state_numpy_backend() -> Any:
    from .._backend import get_backend

    return get_backend("numpy")


def write(t: Tensor, array: Any) -> None:
    """``t.data.copy_(array)``: write into ``t``'s memory (views see it)."""
    t._write(array)


def _empty_like(send: Any) -> Any:
    if isinstance(send, np.ndarray):
        return np.empty_like(send)
    import cupy

    return cupy.empty_like(send)


def all_reduce(tensor: Tensor, op: Any = ReduceOp.SUM, group: Any = None, async_op: bool = False) -> Work | None:
    """Reduce ``tensor`` over all processes; every process gets the result in ``tensor``.

    Parameters
    ----------
    tensor : Tensor
        The same shape and dtype on every process; updated in place (rebound).
    op : {"sum", "mean", "max", "min", "product"} or ReduceOp
        ``"mean"`` divides the sum by the number of processes (floating point only).
    group : mpi4py.MPI.Comm, optional
        Default: the default process group.
    async_op : bool
        Return a :class:`Work` whose ``wait()`` finishes the operation.

    Examples
    --------
    >>> import anygrad, anygrad.distributed as dist   # doctest: +SKIP
    >>> dist.init_process_group()                       # doctest: +SKIP
    >>> t = anygrad.tensor([float(dist.get_rank())])    # doctest: +SKIP
    >>> dist.all_reduce(t, op="sum")                    # doctest: +SKIP
    """
    _check_tensor(tensor, "all_reduce")
    comm = _state.comm_of(group, "all_reduce")
    name = str(op).lower()
    mpi_op = _OPS.get(name)
    if mpi_op is None:
        raise ValueError(f"all_reduce: op must be one of sum, mean, max, min, product; got {op!r}")
    mean = name in ("mean", "avg")
    if mean and tensor.dtype.kind not in "fc":
        raise TypeError(f"all_reduce: op 'mean' needs a floating-point tensor, got {tensor.dtype}")
    MPI = _state.mpi()
    _agree(comm, tensor, "all_reduce")
    g = _state._group
    send = comm_buffer(tensor._data, tensor._backend, g is not None and g.device_buffers)
    recv = _empty_like(send)
    size = comm.Get_size()

    def finish() -> None:
        out = recv
        if mean:
            out = out / size
        write(tensor, from_buffer(out, tensor))

    request = comm.Iallreduce(send, recv, op=getattr(MPI, mpi_op))
    if async_op:
        return Work(request, finish, "all_reduce")
    _state.wait(request, "all_reduce")
    finish()
    return None


def broadcast(tensor: Tensor, src: int = 0, group: Any = None, async_op: bool = False) -> Work | None:
    """Copy ``tensor`` of process ``src`` into ``tensor`` of every other process.

    ``tensor`` must have the same shape and dtype everywhere; on ``src`` it is unchanged.
    """
    _check_tensor(tensor, "broadcast")
    comm = _state.comm_of(group, "broadcast")
    size = comm.Get_size()
    if not 0 <= src < size:
        raise ValueError(f"broadcast: src must be a rank in [0, {size}), got {src}")
    _agree(comm, tensor, "broadcast")
    g = _state._group
    buf = comm_buffer(tensor._data, tensor._backend, g is not None and g.device_buffers)
    rank = comm.Get_rank()
    if rank == src:
        if isinstance(buf, np.ndarray) and not buf.flags.writeable:
            buf = buf.copy()  # MPI_Bcast takes a writable buffer even on the root
    else:
        buf = _empty_like(buf)

    def finish() -> None:
        if rank != src:
            write(tensor, from_buffer(buf, tensor))

    request = comm.Ibcast(buf, root=src)
    if async_op:
        return Work(request, finish, "broadcast")
    _state.wait(request, "broadcast")
    finish()
    return None


def all_gather(tensor_list: list, tensor: Tensor, group: Any = None, async_op: bool = False) -> Work | None:
    """Gather ``tensor`` from every process into ``tensor_list`` (one entry per rank).

    ``tensor_list`` holds ``world_size`` tensors of ``tensor``'s shape, rebound in place; an
    empty list is filled with new tensors. Every process must pass the same shape and dtype.
    """
    _check_tensor(tensor, "all_gather")
    if not isinstance(tensor_list, list):
        raise TypeError(f"all_gather: expected tensor_list to be a list, got {type(tensor_list).__name__}")
    comm = _state.comm_of(group, "all_gather")
    size = comm.Get_size()
    if tensor_list and len(tensor_list) != size:
        raise ValueError(
            f"all_gather: tensor_list must hold world_size={size} tensors (or be empty), "
            f"got {len(tensor_list)}"
        )
    for i, t in enumerate(tensor_list):
        _check_tensor(t, "all_gather", f"tensor_list[{i}]")
        if tuple(t.shape) != tuple(tensor.shape):
            raise ValueError(
                f"all_gather: tensor_list[{i}] has shape {tuple(t.shape)}, expected "
                f"{tuple(tensor.shape)} like tensor"
            )
    _agree(comm, tensor, "all_gather")
    g = _state._group
    send = comm_buffer(tensor._data, tensor._backend, g is not None and g.device_buffers)
    if isinstance(send, np.ndarray):
        recv = np.empty((size, *send.shape), dtype=send.dtype)
    else:
        import cupy

        recv = cupy.empty((size, *send.shape), dtype=send.dtype)

    def finish() -> None:
        if not tensor_list:  # one new tensor per rank, each on its own memory
            tensor_list.extend(
                _make_tensor(from_buffer(recv[i], tensor), tensor._backend) for i in range(size))
            return
        for i, t in enumerate(tensor_list):
            write(t, from_buffer(recv[i], tensor))

    request = comm.Iallgather(send, recv)
    if async_op:
        return Work(request, finish, "all_gather")
    _state.wait(request, "all_gather")
    finish()
    return None
