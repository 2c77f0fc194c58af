"""The process group: MPI found lazily, one communicator, and the abort-on-error hook.

``mpi4py`` is imported only when a function here is first used, so ``import anygrad`` (and
``import anygrad.distributed``) works without MPI installed. Importing ``mpi4py.MPI``
initialises MPI, which is why it never happens at import time.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import traceback
from typing import Any

__all__ = [
    "is_available", "is_initialized", "init_process_group", "destroy_process_group",
    "get_rank", "get_world_size", "barrier", "mpi", "comm_of", "INSTALL_HINT",
]

INSTALL_HINT = (
    "anygrad.distributed needs mpi4py and an MPI library: install them with "
    "`pip install 'anygrad[distributed]'` (that is, `pip install mpi4py mpich`), or install "
    "an MPI (e.g. `apt-get install libmpich-dev`) and then `pip install mpi4py`; run the "
    "script with `mpiexec -n 2 python script.py`"
)


class _Group:
    """The default process group: a communicator and what we replaced to install it."""

    __slots__ = ("comm", "rank", "size", "device_buffers", "old_excepthook")

    def __init__(self, comm: Any, device_buffers: bool, old_excepthook: Any) -> None:
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.device_buffers = device_buffers
        self.old_excepthook = old_excepthook


# The one piece of process-wide state of the package, as in torch.distributed: MPI itself is
# process-wide, so the communicator that wraps it is too.
_group: _Group | None = None


def mpi() -> Any:
    """``mpi4py.MPI``, or an ImportError that says what to install."""
    try:
        from mpi4py import MPI
    except ImportError as e:  # mpi4py missing, or present without a loadable MPI library
        raise ImportError(f"{INSTALL_HINT} (import failed: {e})") from e
    return MPI


def is_available() -> bool:
    """Whether mpi4py is installed (without initialising MPI)."""
    return importlib.util.find_spec("mpi4py") is not None


def is_initialized() -> bool:
    """Whether :func:`init_process_group` has been called (and not destroyed)."""
    return _group is not None


def _cuda_aware(MPI: Any) -> bool:
    # mpi4py exposes the MPIX query on MPI builds that have it (Open MPI, MPICH >= 4).
    query = getattr(MPI, "Query_cuda_support", None)
    try:
        return bool(query()) if query is not None else False
    except Exception:  # an MPI that declares the symbol but cannot answer
        return False


def init_process_group(
    backend: str | None = "mpi",
    *,
    comm: Any = None,
    abort_on_exception: bool = True,
    device_buffers: bool | None = None,
) -> None:
    """Join the process group that ``mpiexec`` started.

    Parameters
    ----------
    backend : {"mpi"}
        The only transport; accepted for PyTorch compatibility.
    comm : mpi4py.MPI.Comm, optional
        The communicator to use (default ``MPI.COMM_WORLD``).
    abort_on_exception : bool
        Install a ``sys.excepthook`` that, after printing the traceback, aborts the whole
        job (``MPI_Abort``) when this rank dies of an uncaught exception, so the other ranks
        fail instead of waiting forever in a collective.
    device_buffers : bool, optional
        Hand device arrays (CuPy) to MPI directly through DLPack / the CUDA array interface.
        ``None`` asks MPI whether it is CUDA-aware; otherwise they are staged through host
        memory.

    Raises
    ------
    ImportError
        When mpi4py or an MPI library is missing (the message says what to install).
    RuntimeError
        When the process group is already initialised.
    """
    global _group
    if backend not in (None, "mpi"):
        raise ValueError(f"init_process_group: only the 'mpi' backend exists, got {backend!r}")
    if _group is not None:
        raise RuntimeError("init_process_group: the default process group is already initialized")
    MPI = mpi()
    if comm is None:
        comm = MPI.COMM_WORLD
    if device_buffers is None:
        device_buffers = _cuda_aware(MPI)
    old = sys.excepthook
    _group = _Group(comm, bool(device_buffers), old)
    if abort_on_exception and _group.size > 1:
        sys.excepthook = _abort_hook


def _abort_hook(exc_type: Any, exc: BaseException, tb: Any) -> None:
    group = _group
    old = group.old_excepthook if group is not None else sys.__excepthook__
    if group is None or issubclass(exc_type, KeyboardInterrupt):
        old(exc_type, exc, tb)
        return
    note = (
        f"anygrad.distributed: rank {group.rank} of {group.size} failed with "
        f"{exc_type.__name__}: {exc}; aborting all ranks (MPI_Abort) so that none waits "
        "forever in a collective\n"
    )
    if old is sys.__excepthook__:
        # One write for the traceback and the note: mpiexec forwards each rank's output
        # in chunks and may tear the job down after the first, losing the rest.
        sys.stderr.write("".join(traceback.format_exception(exc_type, exc, tb)) + note)
    else:
        try:
            old(exc_type, exc, tb)
        except Exception:
            traceback.print_exception(exc_type, exc, tb)
        sys.stderr.write(note)
    sys.stderr.flush()
    # Let the launcher forward that output before MPI_Abort kills the job.
    time.sleep(0.2)
    group.comm.Abort(1)


def destroy_process_group() -> None:
    """Leave the process group and restore ``sys.excepthook`` (MPI stays initialised)."""
    global _group
    group = _group
    if group is None:
        return
    if sys.excepthook is _abort_hook:
        sys.excepthook = group.old_excepthook
    _group = None


def comm_of(group: Any, op: str) -> Any:
    """The communicator for ``group`` (``None``: the default group; or an mpi4py Comm)."""
    if group is not None:
        return group
    g = _group
    if g is None:
        raise RuntimeError(
            f"{op}: the default process group has not been initialized; call "
            "anygrad.distributed.init_process_group() first (and run under mpiexec)"
        )
    return g.comm


def default_group(op: str) -> _Group:
    g = _group
    if g is None:
        raise RuntimeError(
            f"{op}: the default process group has not been initialized; call "
            "anygrad.distributed.init_process_group() first (and run under mpiexec)"
        )
    return g


def get_rank(group: Any = None) -> int:
    """This process's rank in ``group`` (default: the default group)."""
    return comm_of(group, "get_rank").Get_rank()


def get_world_size(group: Any = None) -> int:
    """The number of processes in ``group`` (default: the default group)."""
    return comm_of(group, "get_world_size").Get_size()


def barrier(group: Any = None) -> None:
    """Wait until every process of ``group`` has reached this call."""
    comm_of(group, "barrier").Barrier()
