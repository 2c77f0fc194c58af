"""PyTorch-style spellings of anygrad modules: ``anygrad.utils.data`` is :mod:`anygrad.data`."""

from . import data

__all__ = ["data"]
