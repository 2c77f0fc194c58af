"""Data loading: datasets, samplers, the DataLoader, transforms and MNIST.

Also importable as ``anygrad.utils.data`` (PyTorch's spelling).

Examples
--------
>>> import numpy as np
>>> from anygrad.data import DataLoader, TensorDataset
>>> loader = DataLoader(TensorDataset(np.zeros((10, 3), np.float32), np.arange(10)), batch_size=4)
>>> [tuple(x.shape) for x, _ in loader]
[(4, 3), (4, 3), (2, 3)]
"""

from . import datasets, transforms
from ._collate import default_collate, default_convert
from ._worker import WorkerInfo, get_worker_info
from .dataloader import DataLoader
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .distributed import DistributedSampler

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "ChainDataset",
    "random_split",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "DistributedSampler",
    "DataLoader",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "WorkerInfo",
    "datasets",
    "transforms",
]
