"""``DistributedDataParallel``: one model replica per MPI process, gradients averaged."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from ...autograd.grad_mode import is_grad_enabled
from ...distributed import _state
from ...distributed.collectives import broadcast
from ...tensor import Tensor
from ..module import Module
from ._reducer import Reducer

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """Data parallelism over MPI: wrap the model, train as usual, gradients are averaged.

    At construction the parameters and buffers of rank 0 are broadcast to every rank, so all
    replicas start equal. Each backward run after a forward of this wrapper averages the
    parameters' gradients over the ranks, bucket by bucket while backward still runs, so
    that after ``loss.backward()`` every rank holds the same ``.grad`` and the optimizers
    stay in step. Every rank must run the same forward/backward sequence.

    Parameters
    ----------
    module : Module
        The model (the same architecture on every rank).
    broadcast_buffers : bool
        Broadcast rank 0's buffers (e.g. BatchNorm statistics) at every forward.
    bucket_cap_mb : float
        Approximate size of one gradient bucket (one ``MPI_Iallreduce``).
    find_unused_parameters : bool
        Walk the forward's graph to find parameters it does not use; they count as ready
        with a zero gradient (otherwise the sync waits for them and the next forward
        raises).
    process_group : mpi4py.MPI.Comm, optional
        Default: the default process group's communicator.

    Examples
    --------
    >>> import anygrad, anygrad.distributed as dist          # doctest: +SKIP
    >>> from anygrad.nn.parallel import DistributedDataParallel as DDP
    >>> dist.init_process_group()                              # doctest: +SKIP
    >>> model = DDP(anygrad.nn.Linear(4, 2))                   # doctest: +SKIP
    >>> model(anygrad.randn(8, 4)).sum().backward()            # doctest: +SKIP
    """

    def __init__(
        self,
        module: Module,
        device_ids: Any = None,
        output_device: Any = None,
        dim: int = 0,
        broadcast_buffers: bool = True,
        process_group: Any = None,
        bucket_cap_mb: float = 25.0,
        find_unused_parameters: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(
                f"DistributedDataParallel: expected an anygrad.nn.Module, got {type(module).__name__}"
            )
        if not bucket_cap_mb > 0:
            raise ValueError(f"DistributedDataParallel: bucket_cap_mb must be > 0, got {bucket_cap_mb}")
        self.module = module
        comm = _state.comm_of(process_group, "DistributedDataParallel")
        group = _state._group
        d = self.__dict__  # plain attributes, not submodules or parameters
        d["process_group"] = comm
        d["broadcast_buffers"] = bool(broadcast_buffers)
        d["find_unused_parameters"] = bool(find_unused_parameters)
        d["require_backward_grad_sync"] = True
        params = [p for p in module.parameters() if p.requires_grad]
        self._check_replicas(comm, module)
        self._sync_module_states(comm)
        d["_params"] = params
        d["reducer"] = Reducer(params, comm, bucket_cap_mb,
                               group is not None and group.device_buffers)

    # -- setup ----------------------------------------------------------------------------
    @staticmethod
    def _check_replicas(comm: Any, module: Module) -> None:
        """Every rank must wrap the same architecture: compare names, shapes and dtypes
        (pickled allgather of a small summary), and raise on every rank alike."""
        mine = [(n, tuple(t.shape), str(t.dtype)) for n, t in
                [*module.named_parameters(), *module.named_buffers()]]
        everyone = comm.allgather(mine)
        for rank, theirs in enumerate(everyone):
            if theirs != everyone[0]:
                diff = next((a, b) for a, b in zip(everyone[0] + [None], theirs + [None]) if a != b)
                raise ValueError(
                    "DistributedDataParallel: the module differs between ranks: rank 0 has "
                    f"{diff[0]}, rank {rank} has {diff[1]} (parameters and buffers must match)"
                )

    def _sync_module_states(self, comm: Any) -> None:
        if comm.Get_size() == 1:
            return
        for t in [*self.module.parameters(), *self.module.buffers()]:
            broadcast(t, src=0, group=comm)

    # -- training -------------------------------------------------------------------------
    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        comm = self.process_group
        if self.broadcast_buffers and comm.Get_size() > 1:
            for b in self.module.buffers():
                broadcast(b, src=0, group=comm)
        out = self.module(*inputs, **kwargs)
        if self.require_backward_grad_sync and is_grad_enabled():
            unused: list[int] = []
            if self.find_unused_parameters:
                used = _reachable_leaves(out)
                unused = [i for i, p in enumerate(self._params) if id(p) not in used]
            self.reducer.prepare(unused)
        return out

    @contextlib.contextmanager
    def no_sync(self) -> Iterator[None]:
        """Backwards of forwards run inside accumulate gradients locally, without any
        communication; the first synchronised backward after it averages the sums."""
        old = self.require_backward_grad_sync
        self.__dict__["require_backward_grad_sync"] = False
        try:
            yield
        finally:
            self.__dict__["require_backward_grad_sync"] = old

    def finish_gradient_sync(self) -> None:
        """Finish the pending synchronisation now, counting parameters that received no
        gradient as zero (a collective: call it on every rank). Normally not needed: the
        last gradient of backward finishes it."""
        self.reducer.finish()

    def remove_hooks(self) -> None:
        """Detach the gradient hooks from the parameters (the wrapper stops syncing)."""
        self.reducer.remove()


def _reachable_leaves(out: Any) -> set:
    """ids of the leaf tensors reachable from the graph of ``out`` (any nesting)."""
    from ...autograd.function import AccumulateGrad

    stack: list = []
    todo = [out]
    while todo:
        o = todo.pop()
        if isinstance(o, Tensor):
            if o._grad_fn is not None:
                stack.append(o._grad_fn)
            elif o._requires_grad:
                stack.append(None)
                todo.append(None)
        elif isinstance(o, (list, tuple)):
            todo.extend(o)
        elif isinstance(o, dict):
            todo.extend(o.values())
    leaves: set = set()
    seen: set = set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node) is AccumulateGrad:
            v = node.variable_ref()
            if v is not None:
                leaves.add(id(v))
            continue
        for e in node._edges:
            if e is not None:
                stack.append(e[0])
    return leaves
