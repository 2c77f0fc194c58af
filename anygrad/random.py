"""Seeded random number generation, drawn on the host.

Random tensors and parameter initialisation are drawn with a NumPy ``Generator`` on the
host and then moved to the backend, so one seed gives the same values on NumPy, PyTorch,
JAX, CuPy and array-api-strict alike.
"""

from __future__ import annotations

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
    """The NumPy generator to draw from (the default one when ``generator`` is None)."""
    if generator is None:
        return default_generator.numpy
    if not isinstance(generator, Generator):
        raise TypeError(
            f"expected an anygrad.Generator as generator, got {type(generator).__name__}"
        )
    return generator.numpy
