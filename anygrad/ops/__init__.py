"""Differentiable operations, by category; each has one entry in ``REGISTRY``.

Every public function here is also available as ``anygrad.<name>`` and in the namespace
returned by ``Tensor.__array_namespace__()``.
"""

from __future__ import annotations

from . import (
    activation, arithmetic, comparison, conversion, decompositions, exponential, indexing,
    linalg, logical, reduction, rounding, searching, set_functions, shape, sorting,
    trigonometric, utilities,
)
from . import fft  # the fft extension: its functions stay under ops.fft / anygrad.fft
# PyTorch-only operations and spellings: on anygrad and Tensor, not in the standard namespace.
from . import torch_extras
from . import torch_indexing, torch_statistics
from . import torch_shape, torch_views
from . import torch_linalg, torch_einsum, torch_solvers, torch_numeric  # PyTorch's linear algebra
from . import torch_spectral  # stft, istft
from . import torch_householder  # geqrf, orgqr, ormqr
from . import nn_extras  # hardshrink, prelu, dist, cdist, pdist
from ._registry import ALIASES, REGISTRY, OpSpec, register

_MODULES = (arithmetic, comparison, conversion, exponential, linalg, reduction, searching, shape,
            indexing, sorting, set_functions, activation, logical, rounding, trigonometric,
            decompositions, utilities)

__all__ = sorted({name for m in _MODULES for name in m.__all__})

for _m in _MODULES:
    for _name in _m.__all__:
        globals()[_name] = getattr(_m, _name)
del _m, _name

# The ``linalg`` extension (``anygrad.linalg`` and ``namespace.linalg``).
LINALG = ("cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul",
          "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv",
          "qr", "slogdet", "solve", "svd", "svdvals", "tensordot", "trace", "vecdot",
          "vector_norm")
