"""Small helpers shared by the data modules: the host random generator and Tensor checks.

All randomness in :mod:`anygrad.data` is drawn on the host with a NumPy ``Generator``
reached through :mod:`anygrad.random`, so one seed gives the same order on every backend.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["host_rng", "is_tensor", "fresh_rng"]


def host_rng(generator: Any, where: str) -> np.random.Generator:
    """The NumPy ``Generator`` behind ``generator``.

    ``None`` means the process-wide ``anygrad.random.default_generator`` (seeded by
    ``anygrad.manual_seed``); an ``anygrad.random.Generator`` gives its ``.numpy``; a
    ``numpy.random.Generator`` is used as is.
    """
    if generator is None:
        from anygrad import random as _random

        return _random.default_generator.numpy
    if isinstance(generator, np.random.Generator):
        return generator
    rng = getattr(generator, "numpy", None)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(
        f"{where}: expected generator to be None, an anygrad.random.Generator or a "
        f"numpy.random.Generator, got {type(generator).__name__}"
    )


def fresh_rng(generator: Any, where: str) -> np.random.Generator:
    """A generator for one epoch: ``generator`` itself, or, when it is ``None``, a new one
    seeded by one draw from the default generator (as PyTorch's samplers do, so that an
    epoch's order depends only on the global seed and the number of epochs before it)."""
    if generator is None:
        seed = int(host_rng(None, where).integers(0, 2**63 - 1))
        return np.random.default_rng(seed)
    return host_rng(generator, where)


_TENSOR: Any = None


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is an ``anygrad.Tensor`` (imported lazily: data must not import the core
    at module import time, so worker processes start fast)."""
    global _TENSOR
    if _TENSOR is None:
        from anygrad.tensor import Tensor

        _TENSOR = Tensor
    return isinstance(obj, _TENSOR)


def check_int(value: Any, name: str, where: str, *, minimum: int = 0) -> int:
    """Validate a non-bool integer argument ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: expected {name} to be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{where}: expected {name} >= {minimum}, got {value}")
    return int(value)
