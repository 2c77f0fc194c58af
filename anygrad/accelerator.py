"""``anygrad.accelerator``: PyTorch's ``torch.accelerator``. The one accelerator anygrad
drives is a CUDA GPU, through CuPy (see :mod:`anygrad.cuda`)."""

from __future__ import annotations

from . import cuda
from ._device import device

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available() -> bool:
    """Whether an accelerator (a CUDA GPU, through CuPy) can be used."""
    return cuda.is_available()


def current_accelerator() -> device | None:
    """``device("cuda")`` when a CUDA GPU can be used, else ``None`` (as PyTorch)."""
    return device("cuda") if cuda.is_available() else None


def device_count() -> int:
    """How many accelerator devices there are."""
    return cuda.device_count()
