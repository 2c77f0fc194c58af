"""``anygrad.distributed``: data-parallel training over MPI (PyTorch's ``torch.distributed``).

Run a script with ``mpiexec -n 2 python script.py``; in it call :func:`init_process_group`
once, then use the collectives, :class:`anygrad.nn.parallel.DistributedDataParallel` and
:class:`anygrad.data.DistributedSampler`. Importing this module needs nothing beyond
anygrad; the first call that needs MPI raises an ImportError saying what to install
(``pip install 'anygrad[distributed]'``, i.e. mpi4py and an MPI such as mpich).

Examples
--------
>>> import anygrad.distributed as dist
>>> dist.is_initialized()
False
"""

from __future__ import annotations

from ._state import (
    barrier,
    destroy_process_group,
    get_rank,
    get_world_size,
    init_process_group,
    is_available,
    is_initialized,
)
from .collectives import ReduceOp, Work, all_gather, all_reduce, broadcast

__all__ = [
    "init_process_group",
    "destroy_process_group",
    "is_available",
    "is_initialized",
    "get_rank",
    "get_world_size",
    "barrier",
    "all_reduce",
    "broadcast",
    "all_gather",
    "ReduceOp",
    "Work",
]
