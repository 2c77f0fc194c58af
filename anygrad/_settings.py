"""PyTorch's process settings: deterministic algorithms, matmul precision, threads, warnings.

These are process-wide defaults, as in PyTorch, kept here in one place. anygrad's own
operations are deterministic on every backend and compute float32 products in float32,
so the deterministic and precision settings are recorded and reported (code that sets and
reads them runs unchanged) without changing a result. The thread count is real: it limits
the BLAS and OpenMP thread pools of the process through ``threadpoolctl`` (and PyTorch's
own, when PyTorch is imported, for the torch backend).
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = [
    "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
    "get_deterministic_debug_mode", "set_float32_matmul_precision",
    "get_float32_matmul_precision", "set_num_threads", "get_num_threads",
    "set_num_interop_threads", "get_num_interop_threads", "init_num_threads",
    "set_warn_always", "is_warn_always_enabled", "set_flush_denormal",
]

# The defaults, process-wide as PyTorch's.
_state: dict[str, Any] = {
    "deterministic": False,
    "warn_only": False,
    "matmul_precision": "highest",
    "num_threads": None,          # None: whatever the thread pools have
    "num_interop_threads": None,  # None: the number of CPUs
    "warn_always": False,
}

_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}
_PRECISIONS = ("highest", "high", "medium")


def _check_bool(value: Any, op: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{op}: expected a bool for {name}, got {type(value).__name__}")
    return value


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms (PyTorch's ``torch.use_deterministic_algorithms``).

    anygrad's operations are deterministic on every backend, so the setting changes no
    result; it is recorded and reported by :func:`are_deterministic_algorithms_enabled`,
    :func:`is_deterministic_algorithms_warn_only_enabled` and
    :func:`get_deterministic_debug_mode`.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.use_deterministic_algorithms(True, warn_only=True)
    >>> anygrad.get_deterministic_debug_mode()
    1
    >>> anygrad.use_deterministic_algorithms(False)
    >>> anygrad.are_deterministic_algorithms_enabled()
    False
    """
    _state["deterministic"] = _check_bool(mode, "use_deterministic_algorithms", "mode")
    _state["warn_only"] = _check_bool(warn_only, "use_deterministic_algorithms", "warn_only")


def are_deterministic_algorithms_enabled() -> bool:
    """Whether :func:`use_deterministic_algorithms` was switched on."""
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether deterministic algorithms were asked for with ``warn_only=True``."""
    return _state["warn_only"]


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """The deterministic setting as one value: ``"default"``/0 (off), ``"warn"``/1 (on,
    warn only) or ``"error"``/2 (on).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.set_deterministic_debug_mode("error")
    >>> anygrad.are_deterministic_algorithms_enabled()
    True
    >>> anygrad.set_deterministic_debug_mode(0)
    """
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("set_deterministic_debug_mode: expected one of 'default', "
                               f"'warn', 'error', got {debug_mode!r}")
        level = _DEBUG_MODES[debug_mode]
    elif isinstance(debug_mode, int) and not isinstance(debug_mode, bool):
        if debug_mode not in (0, 1, 2):
            raise RuntimeError("set_deterministic_debug_mode: expected 0, 1 or 2, got "
                               f"{debug_mode}")
        level = debug_mode
    else:
        raise TypeError("set_deterministic_debug_mode: expected a str or an int, got "
                        f"{type(debug_mode).__name__}")
    use_deterministic_algorithms(level > 0, warn_only=level == 1)


def get_deterministic_debug_mode() -> int:
    """0 (off), 1 (on, warn only) or 2 (on): see :func:`set_deterministic_debug_mode`."""
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def set_float32_matmul_precision(precision: str) -> None:
    """PyTorch's internal precision of float32 matrix products: ``"highest"``, ``"high"``
    or ``"medium"``. anygrad's backends compute float32 products in float32 on the CPU, so
    the setting is recorded (and reported by :func:`get_float32_matmul_precision`) without
    changing results. An unknown value warns and changes nothing, as in PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.set_float32_matmul_precision("high")
    >>> anygrad.get_float32_matmul_precision()
    'high'
    >>> anygrad.set_float32_matmul_precision("highest")
    """
    if not isinstance(precision, str):
        raise TypeError("set_float32_matmul_precision: expected a str, got "
                        f"{type(precision).__name__}")
    if precision not in _PRECISIONS:
        import warnings

        warnings.warn(f"set_float32_matmul_precision: {precision!r} is not one of 'highest', "
                      "'high' or 'medium'; the call has no effect", UserWarning, stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """The value of :func:`set_float32_matmul_precision` (``"highest"`` by default)."""
    return _state["matmul_precision"]


def _thread_controllers() -> list:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # an optional speed-up only: without it the pools are left alone
        return []
    return list(ThreadpoolController().lib_controllers)


def _check_threads(n: Any, op: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{op}: expected a positive int, got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{op}: expected a positive number of threads, got {n}")
    return n


def set_num_threads(n: int) -> None:
    """Limit the threads of the process's BLAS and OpenMP pools (and PyTorch's own, when
    PyTorch is imported) to ``n``, process-wide, as ``torch.set_num_threads`` does.

    Examples
    --------
    >>> import anygrad
    >>> before = anygrad.get_num_threads()
    >>> anygrad.set_num_threads(1)
    >>> anygrad.get_num_threads()
    1
    >>> anygrad.set_num_threads(before)
    """
    n = _check_threads(n, "set_num_threads")
    for lib in _thread_controllers():
        lib.set_num_threads(n)
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "set_num_threads"):
        torch.set_num_threads(n)
    _state["num_threads"] = n


def get_num_threads() -> int:
    """The current number of threads of the process's BLAS/OpenMP pools (the largest
    pool's); without a pool that ``threadpoolctl`` can read, the value of
    :func:`set_num_threads`, else the number of CPUs."""
    counts = [lib.num_threads for lib in _thread_controllers()]
    if counts:
        return max(counts)
    n = _state["num_threads"]
    return n if n is not None else (os.cpu_count() or 1)


def set_num_interop_threads(n: int) -> None:
    """PyTorch's inter-operation thread count. anygrad runs operations one after another
    (the backends parallelise inside an operation), so the value is recorded and reported
    by :func:`get_num_interop_threads`."""
    _state["num_interop_threads"] = _check_threads(n, "set_num_interop_threads")


def get_num_interop_threads() -> int:
    """The value of :func:`set_num_interop_threads`, else the number of CPUs."""
    n = _state["num_interop_threads"]
    return n if n is not None else (os.cpu_count() or 1)


def init_num_threads() -> None:
    """PyTorch's per-thread initialisation of the intra-op thread pool: nothing to do, as
    the thread pools are the process's (see :func:`set_num_threads`)."""


def set_warn_always(b: bool) -> None:
    """PyTorch's switch for warnings that are otherwise issued once per process."""
    _state["warn_always"] = _check_bool(b, "set_warn_always", "b")


def is_warn_always_enabled() -> bool:
    """The value of :func:`set_warn_always` (False by default)."""
    return _state["warn_always"]


def set_flush_denormal(mode: bool) -> bool:
    """PyTorch's switch for flushing denormal floats to zero on the CPU. The Array API
    backends give no control over the processor's flush-to-zero mode, so the call changes
    nothing and returns False, as PyTorch does on a CPU without that support.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.set_flush_denormal(True)
    False
    """
    _check_bool(mode, "set_flush_denormal", "mode")
    return False
