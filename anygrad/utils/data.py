"""Alias of :mod:`anygrad.data`, for code written as ``from torch.utils.data import ...``.

Examples
--------
>>> import anygrad.data
>>> from anygrad.utils.data import DataLoader
>>> DataLoader is anygrad.data.DataLoader
True
"""

from anygrad.data import *  # noqa: F401,F403
from anygrad.data import __all__, datasets, transforms  # noqa: F401
