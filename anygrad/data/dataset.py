"""Datasets: the map-style and iterable protocols, and the ways to combine and split them.

A map-style dataset answers ``len(ds)`` and ``ds[i]``; an iterable dataset answers
``iter(ds)``. Samples may be NumPy arrays, Python numbers, anygrad Tensors or containers of
them; the :class:`~anygrad.data.DataLoader` batches them into Tensors.
"""

from __future__ import annotations

import bisect
import math
import warnings
from typing import Any, Generic, Iterable, Iterator, Sequence, TypeVar

import numpy as np

from ._utils import host_rng

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "ChainDataset",
    "random_split",
]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: subclasses define ``__getitem__`` and ``__len__``.

    Optionally a subclass may define ``__getitems__(indices)`` returning a list of samples,
    which the DataLoader then calls once per batch instead of once per index.

    Examples
    --------
    >>> from anygrad.data import Dataset
    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 4
    ...     def __getitem__(self, i):
    ...         return i * i
    >>> [Squares()[i] for i in range(4)]
    [0, 1, 4, 9]
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other: "Dataset[T_co]") -> "ConcatDataset[T_co]":
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    """A dataset that is a stream of samples: subclasses define ``__iter__``.

    With ``num_workers > 0`` every worker iterates its own copy; use
    :func:`~anygrad.data.get_worker_info` inside ``__iter__`` to give each worker a
    different share, or every sample is produced ``num_workers`` times.

    Examples
    --------
    >>> from anygrad.data import IterableDataset, get_worker_info
    >>> class Range(IterableDataset):
    ...     def __init__(self, n):
    ...         self.n = n
    ...     def __iter__(self):
    ...         info = get_worker_info()
    ...         start, step = (0, 1) if info is None else (info.id, info.num_workers)
    ...         return iter(range(start, self.n, step))
    >>> list(Range(5))
    [0, 1, 2, 3, 4]
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __add__(self, other: Any) -> "ChainDataset":
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple]):
    """Samples are the rows of equally long Tensors (or NumPy arrays).

    Parameters
    ----------
    *tensors : Tensor or numpy.ndarray
        Indexed along their first axis; all must have the same length.

    Raises
    ------
    ValueError
        If no tensor is given or the first dimensions differ.

    Examples
    --------
    >>> import numpy as np
    >>> from anygrad.data import TensorDataset
    >>> ds = TensorDataset(np.arange(6).reshape(3, 2), np.array([0, 1, 0]))
    >>> len(ds), ds[1][0].tolist(), int(ds[1][1])
    (3, [2, 3], 1)
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor, got none")
        sizes = []
        for i, t in enumerate(tensors):
            shape = getattr(t, "shape", None)
            if shape is None or len(shape) == 0:
                raise ValueError(
                    f"TensorDataset: expected tensors with at least one dimension, argument {i} "
                    f"is {type(t).__name__} with shape {shape}"
                )
            sizes.append(int(shape[0]))
        if any(s != sizes[0] for s in sizes):
            raise ValueError(f"TensorDataset: size mismatch between tensors, first dimensions {tuple(sizes)}")
        self.tensors = tuple(tensors)

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices``, in that order.

    Examples
    --------
    >>> from anygrad.data import Subset
    >>> s = Subset([10, 11, 12, 13], [3, 0])
    >>> len(s), s[0], s[1]
    (2, 13, 10)
    """

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list:
        # Keep the underlying dataset's batched path when it has one.
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset[T_co]):
    """Several map-style datasets one after another.

    Raises
    ------
    ValueError
        If ``datasets`` is empty.
    TypeError
        If one of them is an :class:`IterableDataset` (use :class:`ChainDataset`).

    Examples
    --------
    >>> from anygrad.data import ConcatDataset
    >>> c = ConcatDataset([[0, 1], [2, 3, 4]])
    >>> len(c), c[2], c[-1]
    (5, 2, 4)
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: expected at least one dataset, got an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset: does not support IterableDataset; use ChainDataset")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise IndexError(f"ConcatDataset: index {idx} out of range for length {n}")
            idx += n
        if idx >= n:
            raise IndexError(f"ConcatDataset: index {idx} out of range for length {n}")
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        offset = idx - (self.cumulative_sizes[which - 1] if which > 0 else 0)
        return self.datasets[which][offset]


class ChainDataset(IterableDataset):
    """Several iterable datasets one after another.

    Examples
    --------
    >>> from anygrad.data import ChainDataset
    >>> list(ChainDataset([range(2), range(3)]))
    [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)

    def __iter__(self) -> Iterator:
        for d in self.datasets:
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)


def random_split(dataset: Any, lengths: Sequence[int | float], generator: Any = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets.

    Parameters
    ----------
    dataset : Dataset
        A map-style dataset.
    lengths : sequence of int or float
        Subset lengths summing to ``len(dataset)``, or fractions summing to 1 (the
        remainder of the floors goes one by one to the first subsets, as in PyTorch).
    generator : anygrad.random.Generator or numpy.random.Generator, optional
        Source of the permutation; the global generator when omitted.

    Raises
    ------
    ValueError
        If the lengths do not add up, or a fraction lies outside [0, 1].

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.data import random_split
    >>> g = anygrad.random.Generator(0)
    >>> a, b = random_split(range(10), [0.7, 0.3], generator=g)
    >>> len(a), len(b), sorted(list(a) + list(b)) == list(range(10))
    (7, 3, True)
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0):
        for i, frac in enumerate(lengths):
            if not 0.0 <= frac <= 1.0:
                raise ValueError(f"random_split: fraction at index {i} is not in [0, 1], got {frac}")
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        for i, c in enumerate(counts):
            if c == 0:
                warnings.warn(f"random_split: length of split at index {i} is 0", stacklevel=2)
        lengths = counts
    for x in lengths:
        if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < 0:
            raise ValueError(
                f"random_split: expected non-negative int lengths or fractions summing to 1, got {lengths}"
            )
    if sum(lengths) != n:
        raise ValueError(
            f"random_split: sum of input lengths ({sum(lengths)}) does not equal the length of the "
            f"dataset ({n})"
        )
    perm = host_rng(generator, "random_split").permutation(n).tolist()
    out, start = [], 0
    for length in lengths:
        out.append(Subset(dataset, perm[start:start + length]))
        start += length
    return out
