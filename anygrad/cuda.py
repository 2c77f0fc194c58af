"""``anygrad.cuda``: PyTorch's ``torch.cuda`` questions, answered truthfully.

anygrad runs on a CUDA GPU through the CuPy backend, so CUDA is available exactly when CuPy
is installed and sees a device. Random tensors are drawn on the host (one seed gives the
same values on every backend), so there is no separate CUDA generator to seed:
:func:`manual_seed` and :func:`manual_seed_all` do nothing, and ``anygrad.manual_seed``
seeds everything.
"""

from __future__ import annotations

from typing import Any

from . import _backend

__all__ = ["is_available", "device_count", "current_device", "synchronize", "manual_seed",
           "manual_seed_all"]


def _cupy() -> Any:
    try:
        _backend.get_backend("cupy")
    except Exception:  # not installed, no driver, no device: CUDA is not available
        return None
    import cupy

    return cupy


def is_available() -> bool:
    """Whether a CUDA GPU can be used (through CuPy)."""
    return _cupy() is not None


def device_count() -> int:
    """How many CUDA devices CuPy sees (0 without CuPy)."""
    cupy = _cupy()
    return 0 if cupy is None else int(cupy.cuda.runtime.getDeviceCount())


def current_device() -> int:
    """The index of the current CUDA device."""
    cupy = _cupy()
    if cupy is None:
        raise RuntimeError("cuda.current_device: no CUDA device is available (anygrad uses "
                           "CUDA through CuPy; install cupy on a machine with a GPU)")
    return int(cupy.cuda.runtime.getDevice())


def synchronize(device: Any = None) -> None:
    """Wait for the work queued on the current CUDA device (nothing to do without CuPy)."""
    cupy = _cupy()
    if cupy is not None:
        cupy.cuda.runtime.deviceSynchronize()


def manual_seed(seed: int) -> None:
    """Nothing to seed: anygrad draws random tensors on the host (``anygrad.manual_seed``)."""


manual_seed_all = manual_seed
