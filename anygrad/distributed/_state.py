"""The process group: MPI found lazily, one communicator, and the abort-on-error hook.

No rank is left waiting: an uncaught exception aborts the job (``MPI_Abort``), and a rank
that leaves -- its script ends, ``sys.exit``, or ``destroy_process_group`` -- tells the
others on a private duplicate of the communicator before it waits for them at an exit
barrier. A rank waiting in a collective polls for such a notice; if the collective has
not completed a grace period after one arrives, the peer is gone for good, so it raises
with that rank's reason (and its own excepthook then aborts the job).

``mpi4py`` is imported only when a function here is first used, so ``import anygrad`` (and
``import anygrad.distributed``) works without MPI installed. Importing ``mpi4py.MPI``
initialises MPI, which is why it never happens at import time.
"""

from __future__ import annotations

import atexit
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

    __slots__ = ("comm", "rank", "size", "device_buffers", "old_excepthook", "ctrl", "gone", "left")

    def __init__(self, comm: Any, device_buffers: bool, old_excepthook: Any) -> None:
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self.device_buffers = device_buffers
        self.old_excepthook = old_excepthook
        # Leave notices travel on their own communicator: no clash with the user's tags.
        self.ctrl = comm.Dup() if self.size > 1 else None
        self.gone: dict[int, str] = {}  # rank -> reason, for notices already received
        self.left = False


# Tag of a leave notice; how long a collective may still complete after a peer's notice
# (its last messages may be in flight) before the peer counts as gone for good.
_LEAVE_TAG = 7
LEAVE_GRACE = 5.0


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
    if _group.size > 1:
        # Runs before mpi4py's own MPI_Finalize hook (registered earlier; atexit is LIFO).
        atexit.register(_leave_at_exit)


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
    """Leave the process group and restore ``sys.excepthook`` (MPI stays initialised).

    Collective, as in PyTorch: it waits until every rank has left; a rank still waiting
    in a collective learns that this one left, and raises.
    """
    global _group
    group = _group
    if group is None:
        return
    _leave(group, "it called destroy_process_group()")
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
    wait(comm_of(group, "barrier").Ibarrier(), "barrier")


# -- no rank left waiting --------------------------------------------------------------
def wait(request: Any, op: str) -> None:
    """Complete the non-blocking MPI ``request`` of collective ``op``, raising instead of
    hanging when a peer has left the process group (see the module docstring).

    Spins briefly, then sleeps with a backoff up to a millisecond: a fast collective
    costs a few ``Test`` calls, a long wait little CPU. One ``Iprobe`` per poll.
    """
    g = _group
    if g is None or g.ctrl is None:
        request.Wait()
        return
    MPI = mpi()
    status = MPI.Status()
    spins, delay, noticed = 0, 0.0, None
    while not request.Test():
        if noticed is None:
            if g.gone or g.ctrl.Iprobe(source=MPI.ANY_SOURCE, tag=_LEAVE_TAG, status=status):
                noticed = time.monotonic()
        elif time.monotonic() - noticed > LEAVE_GRACE:
            if not g.gone:
                _receive_notice(g, status.Get_source())
            who, reason = next(iter(g.gone.items()))
            raise RuntimeError(
                f"{op}: rank {who} left the process group ({reason}) while rank {g.rank} "
                f"waits for it in {op}; every rank must run the same collectives"
            )
        spins += 1
        if spins > 200:
            time.sleep(delay)
            delay = min(2 * delay or 1e-5, 1e-3)


def _receive_notice(g: _Group, source: int) -> None:
    MPI = mpi()
    status = MPI.Status()
    g.ctrl.Probe(source=source, tag=_LEAVE_TAG, status=status)
    buf = bytearray(status.Get_count(MPI.BYTE))
    g.ctrl.Recv([buf, MPI.BYTE], source=source, tag=_LEAVE_TAG)
    g.gone[source] = buf.decode("utf-8", "replace")


def _leave(g: _Group, reason: str) -> None:
    """Tell every other rank that this one leaves (and why), then wait for all of them at
    an exit barrier; a rank that instead waits in a collective raises (see :func:`wait`)."""
    if g.left or g.ctrl is None:
        return
    g.left = True
    MPI = mpi()
    note = f"rank {g.rank}: {reason}".encode()[:2000]
    sends = [g.ctrl.Isend([note, MPI.BYTE], dest=r, tag=_LEAVE_TAG)
             for r in range(g.size) if r != g.rank]
    barrier_req = g.ctrl.Ibarrier()
    delay = 1e-4
    while not barrier_req.Test():
        time.sleep(delay)
        delay = min(2 * delay, 1e-2)
    MPI.Request.Waitall(sends)
    # Every rank sent its notice before entering the barrier: receive the ones not read yet.
    for r in range(g.size):
        if r != g.rank and r not in g.gone:
            _receive_notice(g, r)


def _leave_at_exit() -> None:
    g = _group
    if g is not None:
        _leave(g, "its script ended (or called sys.exit) without destroy_process_group()")
