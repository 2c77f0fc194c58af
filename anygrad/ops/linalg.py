"""Matrix products: matmul and matrix_transpose (the catalogue adds the linalg extension)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._registry import OpSpec, register

__all__ = ["matmul", "matrix_transpose"]


class MatrixTranspose(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.matrix_transpose(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.xp.matrix_transpose(gy)


def matrix_transpose(x: Any, /) -> Any:
    """Swap the last two axes."""
    if len(x.shape) < 2:
        raise ValueError(f"matrix_transpose: expected at least 2 dimensions, got shape {tuple(x.shape)}")
    return MatrixTranspose.apply(x)


register(OpSpec("matrix_transpose", matrix_transpose, ref=lambda x: np.swapaxes(x, -1, -2),
                category="linalg", shapes=lambda rng: ((2, 3, 4),)))


class Matmul(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any) -> Any:
        ctx.save_for_backward(x, y)
        return ctx.xp.matmul(x, y)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        xp = ctx.xp
        xs, ys = tuple(x.shape), tuple(y.shape)
        # Treat 1-D operands as a row (x) or a column (y) matrix, as matmul does.
        x2 = xp.reshape(x, (1, xs[0])) if len(xs) == 1 else x
        y2 = xp.reshape(y, (ys[0], 1)) if len(ys) == 1 else y
        g = gy
        if len(xs) == 1:
            g = xp.reshape(g, tuple(g.shape[:-1]) + (1, g.shape[-1]) if len(ys) > 1 else tuple(g.shape) + (1,))
        if len(ys) == 1:
            g = xp.reshape(g, tuple(g.shape) + (1,)) if len(xs) > 1 else xp.reshape(g, (1, 1))
        needs = ctx.needs_input_grad
        gx = gyy = None
        if needs[0]:
            gx = xp.matmul(g, xp.matrix_transpose(y2))
            if len(xs) == 1:
                gx = xp.reshape(gx, tuple(gx.shape[:-2]) + (xs[0],))
        if needs[1]:
            gyy = xp.matmul(xp.matrix_transpose(x2), g)
            if len(ys) == 1:
                gyy = xp.reshape(gyy, tuple(gyy.shape[:-2]) + (ys[0],))
        return gx, gyy


def matmul(x1: Any, x2: Any, /) -> Any:
    """Matrix product with NumPy's rules for 1-D operands and batch broadcasting.

    Examples
    --------
    >>> import anygrad
    >>> a = anygrad.ones(2, 3)
    >>> (a @ anygrad.ones(3)).shape
    anygrad.Size([2])
    """
    xs, ys = tuple(x1.shape), tuple(x2.shape)
    if not xs or not ys:
        raise ValueError(f"matmul: operands must be at least 1-D, got shapes {xs} and {ys}")
    if xs[-1] != (ys[0] if len(ys) == 1 else ys[-2]):
        raise ValueError(f"matmul: shapes {xs} and {ys} do not align")
    return Matmul.apply(x1, x2)


def _matmul_shapes(rng: Any) -> tuple:
    cases = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
             ((2, 3, 4), (4, 2)), ((2, 1, 3, 4), (3, 4, 2)), ((4,), (2, 4, 3))]
    return cases[int(rng.integers(len(cases)))]


register(OpSpec("matmul", matmul, ref=np.matmul, nin=2, shapes=_matmul_shapes, method="matmul",
                category="linalg", notes="every broadcasting case, 1-D operands included"))
