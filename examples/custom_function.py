"""A user-defined Function written once, run and gradient-checked on every backend.

The function is a numerically stable softplus, ``log(1 + exp(x))``, with both directions
written against ``ctx.xp`` (the standard namespace). Because its backward is written with
namespace functions too, anygrad can differentiate it twice on every backend.
"""

from __future__ import annotations

import numpy as np

import anygrad
from anygrad.autograd import Function, gradcheck, gradgradcheck


class SoftPlus(Function):
    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        # log1p(exp(-|x|)) + max(x, 0) never overflows.
        return xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(x, xp.zeros_like(x))

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return gy / (1 + xp.exp(-x))  # the logistic sigmoid


def main() -> None:
    values = np.array([-30.0, -1.0, 0.0, 0.5, 30.0])
    if "jax" in anygrad.backends():  # float64 on JAX needs its 64-bit mode; anygrad never sets it
        __import__("jax").config.update("jax_enable_x64", True)
    for name in anygrad.backends():
        x = anygrad.tensor(values, dtype="float64", backend=name, requires_grad=True)
        y = SoftPlus.apply(x)
        expected = np.logaddexp(0.0, values)
        assert np.allclose(y.detach().numpy(), expected), name
        ok1 = gradcheck(SoftPlus.apply, (x,))
        ok2 = gradgradcheck(SoftPlus.apply, (x,))
        print(f"{name:17s} forward ok, gradcheck {ok1}, gradgradcheck {ok2}")


if __name__ == "__main__":
    main()
