"""``DistributedSampler``: each process of a data-parallel job reads its own shard."""

from __future__ import annotations

import math
from typing import Iterator, Sized

import numpy as np

from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    """The indices of rank ``rank`` out of ``num_replicas`` (PyTorch's sampler).

    Every rank draws the same permutation (seeded by ``seed + epoch`` on the host, so the
    shards are disjoint) and takes every ``num_replicas``-th index from position ``rank``.
    Without ``drop_last`` the list is padded with its own first indices to a multiple of
    ``num_replicas``, so all ranks get the same number of samples (a few repeat); with it,
    the tail that does not divide evenly is dropped. Call :meth:`set_epoch` at the start of
    each epoch to get a new order.

    Parameters
    ----------
    dataset : Sized
        Anything with ``len()``.
    num_replicas, rank : int, optional
        Default: the world size and rank of the :mod:`anygrad.distributed` process group.
    shuffle : bool
        Permute the indices (default ``True``).
    seed : int
        Must be the same on every rank.
    drop_last : bool
        Drop the tail instead of padding.

    Examples
    --------
    >>> from anygrad.data import DistributedSampler
    >>> list(DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False))
    [1, 3, 0]
    >>> list(DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False, drop_last=True))
    [1, 3]
    """

    def __init__(
        self,
        dataset: Sized,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None or rank is None:
            from .. import distributed as dist

            if not dist.is_initialized():
                raise RuntimeError(
                    "DistributedSampler: num_replicas and rank were not given and the process "
                    "group is not initialized; call anygrad.distributed.init_process_group() "
                    "or pass num_replicas= and rank="
                )
            num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
            rank = dist.get_rank() if rank is None else rank
        if isinstance(num_replicas, bool) or not isinstance(num_replicas, int) or num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be a positive int, got {num_replicas!r}")
        if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank < num_replicas:
            raise ValueError(
                f"DistributedSampler: rank must be an int in [0, {num_replicas}), got {rank!r}"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.shuffle = bool(shuffle)
        self.seed = int(seed)
        self.drop_last = bool(drop_last)
        self.epoch = 0
        n = len(dataset)
        if self.drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            indices = np.random.default_rng(self.seed + self.epoch).permutation(n)
        else:
            indices = np.arange(n)
        if self.total_size > n:
            # repeat the list as often as needed (a dataset smaller than num_replicas too)
            indices = np.resize(indices, self.total_size)
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank : self.total_size : self.num_replicas].tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use the permutation of ``epoch`` (call on every rank with the same value)."""
        self.epoch = int(epoch)
