"""``anygrad.nn.parallel``: data-parallel training (see :mod:`anygrad.distributed`)."""

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
