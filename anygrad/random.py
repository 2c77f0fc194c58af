"""Seeded random number generation, drawn on the host.

Random tensors and parameter initialisation are drawn with a NumPy ``Generator`` on the
host and then moved to the backend, so one seed gives the same values on NumPy, PyTorch,
JAX, CuPy and array-api-strict alike.
"""

from __future__ import annotations

import contextvars
from typing import Any

import numpy as np

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state"]


class Generator:
    """A seeded source of random numbers (PyTorch's ``torch.Generator`` API).

    Parameters
    ----------
    seed : int, optional
        Initial seed; a fresh entropy-based seed when omitted.

    Examples
    --------
    >>> import anygrad
    >>> g = anygrad.Generator().manual_seed(0)
    >>> a = anygrad.rand(3, generator=g)
    >>> b = anygrad.rand(3, generator=anygrad.Generator().manual_seed(0))
    >>> bool((a == b).all())
    True
    """

    __slots__ = ("_seed", "numpy")

    def __init__(self, seed: int | None = None, device: Any = None) -> None:
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        self.manual_seed(seed)

    def manual_seed(self, seed: int) -> "Generator":
        """Reset the generator to ``seed``; returns ``self``."""
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise TypeError(f"manual_seed: expected an int seed, got {type(seed).__name__}")
        if seed < 0:
            raise ValueError(f"manual_seed: expected a non-negative seed, got {seed}")
        self._seed = int(seed)
        self.numpy = np.random.Generator(np.random.PCG64(self._seed))
        return self

    def seed(self) -> int:
        """Re-seed from fresh entropy; returns the new seed."""
        new = int(np.random.SeedSequence().entropy % (2**63))
        self.manual_seed(new)
        return new

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        """The generator's state as plain JSON-able data (for checkpoints)."""
        state = self.numpy.bit_generator.state
        return {"seed": self._seed, "bit_generator": state}

    def set_state(self, state: dict) -> "Generator":
        if not isinstance(state, dict) or "bit_generator" not in state:
            raise ValueError("set_state: expected a state from Generator.get_state()")
        self._seed = int(state.get("seed", self._seed))
        bits = np.random.PCG64()
        bits.state = state["bit_generator"]
        self.numpy = np.random.Generator(bits)
        return self


# The process-wide generator behind anygrad.manual_seed, as torch.default_generator.
default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    """Seed the default generator: the same seed gives the same values on every backend."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> dict:
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    default_generator.set_state(state)


def host_generator(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator to draw from (the default one when ``generator`` is None).

    Every random draw of anygrad goes through here, so this is also where ``vmap``'s
    ``randomness`` mode is applied (:class:`VmapRandomness`)."""
    if generator is None:
        generator = default_generator
    elif not isinstance(generator, Generator):
        raise TypeError(
            f"expected an anygrad.Generator as generator, got {type(generator).__name__}"
        )
    mode = _vmap_randomness.get()
    if mode is not None:
        mode.use(generator)
    return generator.numpy


class VmapRandomness:
    """The ``randomness`` of a running ``vmap``: ``"error"`` refuses a random draw,
    ``"same"`` gives every batch element the draws of the first (each generator used is put
    back to its state before the first element's call), ``"different"`` lets each element
    draw on (independent samples)."""

    __slots__ = ("mode", "start", "token")

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.start: dict = {}  # id(generator) -> (generator, state before the first use)

    def use(self, generator: Generator) -> None:
        if self.mode == "error":
            raise RuntimeError(
                "vmap: a random operation was called while randomness='error' (the default); "
                "pass randomness='same' (one draw shared by the batch) or 'different' "
                "(independent draws), or draw outside vmap")
        if self.mode == "same" and id(generator) not in self.start:
            self.start[id(generator)] = (generator, generator.get_state())

    def next_element(self) -> None:
        """Before each batch element after the first: with ``"same"``, rewind."""
        for generator, state in self.start.values():
            generator.set_state(state)

    def __enter__(self) -> "VmapRandomness":
        self.token = _vmap_randomness.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _vmap_randomness.reset(self.token)


_vmap_randomness: contextvars.ContextVar[VmapRandomness | None] = contextvars.ContextVar(
    "anygrad_vmap_randomness", default=None)
