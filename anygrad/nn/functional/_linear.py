"""Linear layers: ``linear`` (one fused primitive) and ``bilinear``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...autograd.function import Function
from ...ops._registry import OpSpec, register
from ._conv import _shaped_inputs

__all__ = ["linear", "bilinear"]


class Linear(Function):
    """``x @ W^T + b`` as one node: three ops' worth of Python overhead saved per layer."""

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, b: Any = None) -> Any:
        xp = ctx.xp
        y = xp.matmul(x, xp.matrix_transpose(w))
        if b is not None:
            y = y + b
        ctx.save_for_backward(x, w)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, w = ctx.saved_tensors
        xp = ctx.xp
        needs = ctx.needs_input_grad
        gx = gw = None
        if needs[0]:
            gx = xp.matmul(gy, w)
        if needs[1]:
            o, i = w.shape
            gw = xp.matmul(xp.matrix_transpose(xp.reshape(gy, (-1, o))), xp.reshape(x, (-1, i)))
        # The engine sums the bias gradient over the leading axes.
        gb = gy if len(needs) > 2 and needs[2] else None
        return gx, gw, gb


def linear(input: Any, weight: Any, bias: Any = None) -> Any:  # noqa: A002
    """``input @ weight.T + bias`` over the last axis of ``input``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.linear(anygrad.ones(2, 3), anygrad.ones(4, 3), anygrad.zeros(4)).shape
    anygrad.Size([2, 4])
    """
    xs, ws = tuple(input.shape), tuple(weight.shape)
    if len(ws) != 2 or not xs or xs[-1] != ws[1]:
        raise ValueError(
            f"linear: input of shape {xs} does not match weight of shape {ws} "
            f"(expected last input dimension {ws[1] if len(ws) == 2 else '?'})"
        )
    return Linear.apply(input, weight, bias)


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
