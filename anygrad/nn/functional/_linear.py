"""Linear layers: ``linear`` and ``bilinear``.

``linear`` records the graph PyTorch records, node for node: ``AddmmBackward0(bias, input,
TBackward0(weight))`` for a 2-d input (``MmBackward0`` without a bias), with
``ViewBackward0`` nodes around it for any other number of dimensions. The weight
gradient comes out of ``TBackward0`` contiguous, as the weight is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...autograd.function import Function
from ...ops._registry import OpSpec, register
from ...ops.shape import SqueezeLast, UnsafeView, _reshaped
from ._conv import _shaped_inputs

__all__ = ["linear", "bilinear"]


class Addmm(Function):
    """``bias + x @ m`` for matrices ``x`` and ``m``, as one node."""

    @staticmethod
    def forward(ctx: Any, bias: Any, x: Any, m: Any) -> Any:
        ctx.save_for_backward(x, m)
        return ctx.xp.matmul(x, m) + bias

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, m = ctx.saved_tensors
        xp = ctx.xp
        needs = ctx.needs_input_grad
        # The engine sums the bias gradient over the batch axis.
        return gy if needs[0] else None, *_mm_grads(xp, x, m, gy, needs[1], needs[2])


class Mm(Function):
    """``x @ m`` for matrices ``x`` and ``m``."""

    @staticmethod
    def forward(ctx: Any, x: Any, m: Any) -> Any:
        ctx.save_for_backward(x, m)
        return ctx.xp.matmul(x, m)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, m = ctx.saved_tensors
        needs = ctx.needs_input_grad
        return _mm_grads(ctx.xp, x, m, gy, needs[0], needs[1])


def _mm_grads(xp: Any, x: Any, m: Any, gy: Any, need_x: bool, need_m: bool) -> tuple:
    gx = xp.matmul(gy, xp.matrix_transpose(m)) if need_x else None
    # (gy^T x)^T rather than x^T gy: the same product, whose transpose (the weight's
    # gradient after TBackward0) is contiguous.
    gm = xp.matrix_transpose(xp.matmul(xp.matrix_transpose(gy), x)) if need_m else None
    return gx, gm


class T(Function):
    """The transpose of a matrix (a view)."""

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.matrix_transpose(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.xp.matrix_transpose(gy)


def linear(input: Any, weight: Any, bias: Any = None) -> Any:  # noqa: A002
    """``input @ weight.T + bias`` over the last axis of ``input``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> w = anygrad.ones(4, 3, requires_grad=True)
    >>> y = F.linear(anygrad.ones(2, 3), w, anygrad.zeros(4))
    >>> y.shape, y.grad_fn.name()
    (anygrad.Size([2, 4]), 'AddmmBackward0')
    """
    xs, ws = tuple(input.shape), tuple(weight.shape)
    if len(ws) != 2 or not xs or xs[-1] != ws[1]:
        raise ValueError(
            f"linear: input of shape {xs} does not match weight of shape {ws} "
            f"(expected last input dimension {ws[1] if len(ws) == 2 else '?'})"
        )
    wt = T.apply(weight)
    if len(xs) == 2:
        return Mm.apply(input, wt) if bias is None else Addmm.apply(bias, input, wt)
    x2 = _reshaped(input, (math.prod(xs[:-1]), xs[-1]), "linear", None)
    out = xs[:-1] + (ws[0],)
    if bias is not None:
        return _reshaped(Addmm.apply(bias, x2, wt), out, "linear", None)
    y = Mm.apply(x2, wt)
    return _reshaped(y, out, "linear", None, SqueezeLast if len(xs) == 1 else UnsafeView)


def bilinear(input1: Any, input2: Any, weight: Any, bias: Any = None) -> Any:
    """``y[..., o] = x1 @ weight[o] @ x2 + bias[o]`` with ``weight`` of shape ``(O, I1, I2)``."""
    import anygrad as ag

    s1, s2, ws = tuple(input1.shape), tuple(input2.shape), tuple(weight.shape)
    if len(ws) != 3 or s1[-1] != ws[1] or s2[-1] != ws[2] or s1[:-1] != s2[:-1]:
        raise ValueError(
            f"bilinear: inputs of shapes {s1} and {s2} do not match weight of shape {ws}"
        )
    lead = s1[:-1]
    x1 = ag.reshape(input1, lead + (1, 1, ws[1]))
    t = ag.matmul(x1, weight)  # (..., O, 1, I2)
    t = ag.reshape(t, lead + (ws[0], ws[2]))
    y = ag.sum(t * ag.reshape(input2, lead + (1, ws[2])), axis=-1)
    return y if bias is None else y + bias


register(OpSpec(
    "nn.functional.linear", linear, ref=lambda x, w, b: x @ w.T + b, nin=3,
    kwargs=({}, {}), category="nn_linear", notes="the second variant has two batch axes",
    make_inputs=_shaped_inputs((((2, 3), (4, 3), (4,)), ((2, 2, 3), (4, 3), (4,))))))
register(OpSpec(
    "nn.functional.bilinear", bilinear, nin=4, kwargs=({}, {}), category="nn_linear",
    ref=lambda x1, x2, w, b: np.einsum("...i,oij,...j->...o", x1, w, x2) + b,
    notes="the second variant has two batch axes",
    make_inputs=_shaped_inputs((((2, 3), (2, 2), (4, 3, 2), (4,)),
                                ((2, 1, 3), (2, 1, 2), (2, 3, 2), (2,))))))
