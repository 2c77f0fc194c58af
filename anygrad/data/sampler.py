"""Samplers: which indices a DataLoader reads, and in which order.

Random samplers draw on the host with NumPy (through :mod:`anygrad.random`), so a seed gives
the same order on every backend. With ``generator=None`` a sampler draws one seed from the
global generator at the start of each epoch, as PyTorch does, so epochs differ from each
other but ``anygrad.manual_seed(s)`` reproduces the whole run.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence, Sized

import numpy as np

from ._utils import check_int, fresh_rng, is_tensor

__all__ = [
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
]


class Sampler:
    """Base class: an iterable of dataset indices (or of lists of indices)."""

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """Indices ``0, 1, ..., len(data_source) - 1``.

    Examples
    --------
    >>> from anygrad.data import SequentialSampler
    >>> list(SequentialSampler(range(3)))
    [0, 1, 2]
    """

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation of the indices, or ``num_samples`` draws with replacement.

    Parameters
    ----------
    data_source : Sized
        The dataset.
    replacement : bool, default False
        Draw with replacement.
    num_samples : int, optional
        How many indices per epoch; ``len(data_source)`` by default. Without replacement
        and larger than the dataset, whole permutations follow each other.
    generator : anygrad.random.Generator or numpy.random.Generator, optional
        Source of randomness; when omitted, each epoch draws its seed from the global one.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.data import RandomSampler
    >>> order = list(RandomSampler(range(5), generator=anygrad.random.Generator(0)))
    >>> sorted(order)
    [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Any = None) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: expected replacement to be a bool, got {replacement!r}")
        if num_samples is not None:
            check_int(num_samples, "num_samples", "RandomSampler", minimum=1)
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else int(self._num_samples)

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        rng = fresh_rng(self.generator, "RandomSampler")
        if n == 0:
            return iter(())
        if self.replacement:
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        full, rest = divmod(self.num_samples, n)
        parts = [rng.permutation(n) for _ in range(full)]
        if rest:
            parts.append(rng.permutation(n)[:rest])
        return iter(np.concatenate(parts).tolist() if parts else [])

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a random order.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.data import SubsetRandomSampler
    >>> sorted(SubsetRandomSampler([5, 7, 9], generator=anygrad.random.Generator(0)))
    [5, 7, 9]
    """

    def __init__(self, indices: Sequence[int], generator: Any = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        rng = fresh_rng(self.generator, "SubsetRandomSampler")
        for i in rng.permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Indices ``0..len(weights)-1`` drawn with probabilities proportional to ``weights``.

    Parameters
    ----------
    weights : sequence of float, numpy.ndarray or Tensor
        Non-negative, finite, not all zero; need not sum to one.
    num_samples : int
        Number of draws per epoch.
    replacement : bool, default True
        Without replacement an index appears at most once, so ``num_samples`` may not
        exceed the number of non-zero weights.
    generator : anygrad.random.Generator or numpy.random.Generator, optional

    Raises
    ------
    ValueError
        For weights that are not 1-D, negative, not finite or all zero, and for too many
        samples without replacement.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.data import WeightedRandomSampler
    >>> s = WeightedRandomSampler([0.0, 1.0, 0.0], 4, generator=anygrad.random.Generator(0))
    >>> list(s)
    [1, 1, 1, 1]
    """

    def __init__(self, weights: Any, num_samples: int, replacement: bool = True,
                 generator: Any = None) -> None:
        check_int(num_samples, "num_samples", "WeightedRandomSampler", minimum=1)
        if not isinstance(replacement, bool):
            raise TypeError(f"WeightedRandomSampler: expected replacement to be a bool, got {replacement!r}")
        w = np.asarray(weights.numpy() if is_tensor(weights) else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: expected 1-D weights, got shape {w.shape}")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError("WeightedRandomSampler: expected finite, non-negative weights")
        if w.sum() <= 0:
            raise ValueError("WeightedRandomSampler: expected at least one positive weight, all are zero")
        if not replacement and num_samples > int(np.count_nonzero(w)):
            raise ValueError(
                f"WeightedRandomSampler: cannot draw {num_samples} samples without replacement "
                f"from {int(np.count_nonzero(w))} non-zero weights"
            )
        self.weights = w
        self.num_samples = int(num_samples)
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        rng = fresh_rng(self.generator, "WeightedRandomSampler")
        p = self.weights / self.weights.sum()
        draws = rng.choice(len(p), size=self.num_samples, replace=self.replacement, p=p)
        return iter(draws.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size``.

    Examples
    --------
    >>> from anygrad.data import BatchSampler, SequentialSampler
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    >>> list(BatchSampler(range(5), batch_size=2, drop_last=True))
    [[0, 1], [2, 3]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        check_int(batch_size, "batch_size", "BatchSampler", minimum=1)
        if not isinstance(drop_last, bool):
            raise TypeError(f"BatchSampler: expected drop_last to be a bool, got {drop_last!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        batch: list[int] = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
