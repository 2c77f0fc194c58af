"""``anygrad.linalg``: the Array API ``linalg`` extension (as ``torch.linalg``/``xp.linalg``).

Every function is differentiable (see each docstring for where gradients exist) and also
available as ``Tensor.__array_namespace__().linalg.<name>``.

Examples
--------
>>> import anygrad
>>> a = anygrad.tensor([[4.0, 2.0], [2.0, 3.0]], requires_grad=True)
>>> anygrad.linalg.det(a)
tensor(8., grad_fn=<DetBackward0>)
"""

from __future__ import annotations

from .ops import LINALG as _LINALG
from .ops.decompositions import (
    cholesky, det, eigh, eigvalsh, inv, matrix_power, matrix_rank, pinv, qr, slogdet, solve, svd,
    svdvals,
)
from .ops.linalg import (
    cross, diagonal, matmul, matrix_norm, matrix_transpose, norm, outer, tensordot, trace,
    vecdot, vector_norm,
)

__all__ = list(_LINALG) + ["norm"]
