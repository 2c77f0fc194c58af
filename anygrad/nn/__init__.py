"""``anygrad.nn``: modules, layers, losses, initialisation and the functional API.

Examples
--------
>>> import anygrad
>>> from anygrad import nn
>>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
>>> net(anygrad.randn(3, 4)).shape
anygrad.Size([3, 2])
"""

from __future__ import annotations

from . import functional, init, parallel, utils
from .module import Module
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = ["Module", "Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer",
           "functional", "init", "utils", *_modules_all]
