"""Datasets: MNIST and Fashion-MNIST from the official IDX files, and MNIST shipped inside anygrad."""

from ._idx import IDXError, read_idx, write_idx
from .mnist import MNIST, DatasetError, EmbeddedMNIST, FashionMNIST, default_root, load_embedded_mnist

__all__ = [
    "MNIST",
    "FashionMNIST",
    "EmbeddedMNIST",
    "load_embedded_mnist",
    "default_root",
    "DatasetError",
    "IDXError",
    "read_idx",
    "write_idx",
]
