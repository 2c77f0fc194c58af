"""anygrad's differentiable Array API namespace, bound to one backend.

``Tensor.__array_namespace__()`` returns a :class:`Namespace`: the same functions as
``anygrad`` (Array API names and signatures) with creation functions placed on that
backend, so array-API-generic code -- anygrad's own backward rules under
``create_graph=True`` included -- runs on Tensors and records a graph.
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace
from typing import Any

from . import _backend, _dtype, creation, ops

_CREATION = ("zeros", "ones", "empty", "full", "arange", "linspace", "eye", "asarray")


class Namespace:
    """The Array API namespace of anygrad Tensors on one backend."""

    __array_api_version__ = "2024.12"

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        for name in ops.__all__:
            setattr(self, name, getattr(ops, name))
        for name in _CREATION:
            setattr(self, name, functools.partial(getattr(creation, name), backend=backend))
        for name in ("zeros_like", "ones_like", "empty_like", "full_like", "from_dlpack"):
            setattr(self, name, getattr(creation, name))
        for name, d in _dtype.ALL.items():
            setattr(self, name, d)
        self.finfo = _dtype.finfo
        self.iinfo = _dtype.iinfo
        self.e, self.pi, self.inf, self.nan, self.newaxis = math.e, math.pi, math.inf, math.nan, None
        self.linalg = SimpleNamespace(**{
            name: getattr(ops, name) for name in getattr(ops, "LINALG", ()) if hasattr(ops, name)
        })

    def __repr__(self) -> str:
        return f"<anygrad namespace for backend {self._backend.name!r}>"

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(
            f"the anygrad namespace has no function {name!r} (not yet differentiable); "
            f"use the backend's own namespace on .array for non-differentiable work"
        )


# Backend.namespace (layer 0) builds this face through the factory registered here.
_backend.set_namespace_factory(Namespace)
