"""``anygrad.cpu``: PyTorch's ``torch.cpu`` device module (what
``anygrad.get_device_module("cpu")`` returns). The CPU is always there, as one device."""

from __future__ import annotations

from typing import Any

__all__ = ["is_available", "is_initialized", "device_count", "current_device", "set_device",
           "synchronize"]


def is_available() -> bool:
    """True: the CPU is always available."""
    return True


def is_initialized() -> bool:
    """True: the CPU needs no initialisation."""
    return True


def device_count() -> int:
    """1: the CPU is one device."""
    return 1


def current_device() -> str:
    """``"cpu"``."""
    return "cpu"


def set_device(device: Any) -> None:
    """Nothing to select: the CPU is one device."""


def synchronize(device: Any = None) -> None:
    """Nothing to wait for: work on the CPU is done when its call returns."""
