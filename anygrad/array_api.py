"""The Array API standard face of anygrad, for the default backend.

``import anygrad.array_api as xp`` gives the standard's namespace (version 2024.12) over
anygrad Tensors: the standard's names and signatures (``xp.sum(x, axis=0)``,
``xp.zeros((2, 3), dtype=xp.float64)``, ``xp.linalg.solve``), every function
differentiable where the operation is, the same operation code as the PyTorch-style
``anygrad`` module. Creation functions place tensors on the default backend (read at each
call, so ``with anygrad.default_backend("torch"):`` applies); ``x.__array_namespace__()``
gives the same namespace bound to ``x``'s backend, which is what
``array_api_compat.array_namespace(x)`` returns.

Examples
--------
>>> import anygrad
>>> import anygrad.array_api as xp
>>> x = xp.asarray([1.0, 2.0, 3.0])
>>> xp.sum(x, axis=0)
tensor(6.)
>>> xp.__array_namespace_info__().default_dtypes()["real floating"]
anygrad.float32
"""

from __future__ import annotations

from ._namespace import API_VERSION, standard_members

__array_api_version__ = API_VERSION

globals().update(standard_members(None))
del standard_members
