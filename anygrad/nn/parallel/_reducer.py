"""The gradient reducer behind DistributedDataParallel: buckets, hooks and overlap.

Parameters are grouped, in reverse registration order (roughly the order backward produces
their gradients), into buckets of about ``bucket_cap_mb`` and one dtype. A hook on every
parameter marks it ready when the engine computes its gradient; when a bucket is complete
it is flattened and a non-blocking ``MPI_Iallreduce`` starts, so communication overlaps the
rest of backward. Buckets are started strictly in bucket order, so every rank issues the
same sequence of collectives whatever order its engine visits the graph in.

The engine has no end-of-backward callback, so the reducer finishes inside the hook of the
*last* parameter to become ready: that hook runs before the engine accumulates that
parameter's gradient, after every other parameter's. It waits for all buckets, writes the
averaged gradients into the other parameters' ``.grad`` and returns the averaged gradient
of its own parameter as the hook's replacement gradient (with its ``.grad`` zeroed first,
so the engine's ``grad + g`` gives exactly the average).
"""

from __future__ import annotations

import math
import weakref
from typing import Any, Sequence

import numpy as np

from ...distributed import _state
from ...distributed.collectives import comm_buffer, from_buffer, write
from ...tensor import Tensor, _make_tensor

__all__ = ["Reducer"]


class _Bucket:
    __slots__ = ("indices", "locals", "pending", "buffer", "request")

    def __init__(self, indices: list[int]) -> None:
        self.indices = indices
        self.locals: list = [None] * len(indices)
        self.pending = len(indices)
        self.buffer: Any = None
        self.request: Any = None


class Reducer:
    """Averages the gradients of ``params`` over ``comm`` after each armed backward."""

    def __init__(self, params: Sequence[Tensor], comm: Any, bucket_cap_mb: float,
                 device_buffers: bool) -> None:
        self.params = list(params)
        self.comm = comm
        self.world = comm.Get_size()
        self.device_buffers = device_buffers
        self.MPI = _state.mpi()
        cap = max(1, int(bucket_cap_mb * 1024 * 1024))
        self.layout: list[list[int]] = []
        current: list[int] = []
        nbytes = 0
        dtype = None
        for i in reversed(range(len(self.params))):
            p = self.params[i]
            size = math.prod(p.shape) * p.element_size()
            if current and (p.dtype != dtype or nbytes + size > cap):
                self.layout.append(current)
                current, nbytes = [], 0
            current.append(i)
            nbytes += size
            dtype = p.dtype
        if current:
            self.layout.append(current)
        self.where = {}
        for b, idx in enumerate(self.layout):
            for slot, i in enumerate(idx):
                self.where[i] = (b, slot)
        self.armed = False
        self.buckets: list[_Bucket] = []
        self.next_bucket = 0
        self.remaining = 0
        self.ready: list[bool] = []
        ref = weakref.ref(self)  # params hold the hooks; a strong ref would make a cycle
        self.handles = [p.register_hook(_make_hook(ref, i)) for i, p in enumerate(self.params)]

    # -- per iteration ------------------------------------------------------------------
    def prepare(self, unused: Sequence[int] = ()) -> None:
        """Arm for the next backward; ``unused`` parameters count as ready at once."""
        if self.armed and self.remaining < len(self.params):
            missing = [i for i, r in enumerate(self.ready) if not r]
            self.armed = False
            raise RuntimeError(
                "DistributedDataParallel: the previous backward did not produce gradients for "
                f"parameters {missing} (indices into module.parameters()); if some parameters "
                "do not take part in every forward, pass find_unused_parameters=True, or call "
                "finish_gradient_sync() on every rank after backward"
            )
        self.buckets = [_Bucket(idx) for idx in self.layout]
        self.next_bucket = 0
        self.remaining = len(self.params)
        self.ready = [False] * len(self.params)
        self.armed = True
        for i in unused:
            self.mark_ready(i, None)

    def mark_ready(self, i: int, g: Any) -> Any:
        """Record parameter ``i``'s local gradient (``g`` raw array, or None for none)."""
        if self.ready[i]:
            return None
        self.ready[i] = True
        p = self.params[i]
        old = p.grad
        # The reduced value is what .grad will hold after this accumulation (no_sync steps
        # accumulate locally, then the synchronised step averages the sum).
        if g is None:
            local = old._data if old is not None else p._backend.xp.zeros_like(p._data)
        else:
            local = g if old is None else old._data + g
        b, slot = self.where[i]
        bucket = self.buckets[b]
        bucket.locals[slot] = local
        bucket.pending -= 1
        self.remaining -= 1
        if bucket.pending == 0:
            self._launch()
        if self.remaining == 0:
            return self._finish(i if g is not None else None)
        return None

    def finish(self) -> None:
        """Mark every parameter still waiting as ready (zero gradient) and synchronise."""
        if not self.armed:
            return
        for i, r in enumerate(self.ready):
            if not r:
                self.mark_ready(i, None)

    # -- communication ------------------------------------------------------------------
    def _launch(self) -> None:
        MPI = self.MPI
        while self.next_bucket < len(self.buckets) and self.buckets[self.next_bucket].pending == 0:
            bucket = self.buckets[self.next_bucket]
            self.next_bucket += 1
            p0 = self.params[bucket.indices[0]]
            backend = p0._backend
            if backend.name == "numpy" or (self.device_buffers and backend.name == "cupy"):
                xp = backend.xp
                flat = xp.concat([xp.reshape(a, (-1,)) for a in bucket.locals])
                buf = comm_buffer(flat, backend, self.device_buffers)
            else:
                # Stage each piece on the host once (one copy each), then concatenate there.
                buf = np.concatenate([comm_buffer(a, backend, False).reshape(-1) for a in bucket.locals])
            bucket.locals = [None] * len(bucket.indices)  # release the local gradients
            bucket.buffer = buf
            bucket.request = self.comm.Iallreduce(MPI.IN_PLACE, buf, op=MPI.SUM)

    def _finish(self, current: int | None) -> Any:
        self.armed = False
        for b in self.buckets:  # a rank that left is noticed instead of waited for
            _state.wait(b.request, "DistributedDataParallel")
        replacement = None
        for bucket in self.buckets:
            buf = bucket.buffer / self.world  # a fresh array: .grad views of it stay private
            offset = 0
            for i in bucket.indices:
                p = self.params[i]
                n = math.prod(p.shape)
                avg = from_buffer(buf[offset:offset + n], p)
                offset += n
                old = p.grad
                if i == current:
                    if old is not None:
                        write(old, p._backend.xp.zeros_like(old._data))
                    replacement = _make_tensor(avg, p._backend)
                elif old is None:
                    p.grad = _make_tensor(avg, p._backend)
                else:
                    write(old, avg)
            bucket.buffer = bucket.request = None
        return replacement

    def remove(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []


def _make_hook(ref: Any, i: int) -> Any:
    def hook(grad: Tensor) -> Any:
        reducer = ref()
        if reducer is None or not reducer.armed:
            return None
        return reducer.mark_ready(i, grad._data)

    return hook
