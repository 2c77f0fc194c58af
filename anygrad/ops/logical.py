"""Logical (bool) and bitwise (integer) operations: not differentiable."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._registry import OpSpec, register
from ._operands import nondifferentiable

__all__ = ["logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
           "bitwise_or", "bitwise_xor", "bitwise_invert", "bitwise_left_shift",
           "bitwise_right_shift"]


def _bools(nin: int) -> Any:
    def make(rng: Any, dtype: str) -> list:
        return [rng.random((3, 4)) > 0.5, rng.random((4,)) > 0.5][:nin]

    return make


def _ints(nin: int, shift: bool = False) -> Any:
    def make(rng: Any, dtype: str) -> list:
        x = rng.integers(-50, 50, (3, 4)).astype(np.int64)
        y = rng.integers(0, 6, (4,)).astype(np.int64) if shift else \
            rng.integers(-50, 50, (4,)).astype(np.int64)
        return [x, y][:nin]

    return make


def _reg(name: str, fn: Any, ref: Any, nin: int, make: Any, method: Any = None,
         **faces: Any) -> None:
    register(OpSpec(name, fn, ref=ref, nin=nin, shapes="broadcast" if nin == 2 else "unary",
                    make_inputs=make, differentiable=False, twice_differentiable=False,
                    dtypes=("bool",) if name.startswith("logical") else ("int64",),
                    category="logical", method=method,
                    notes="bool result" if name.startswith("logical") else "integer result",
                    **faces))


def logical_and(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 and x2`` on bool tensors."""
    return nondifferentiable("logical_and", x1, x2)


_reg("logical_and", logical_and, np.logical_and, 2, _bools(2), "logical_and", inplace=True)


def logical_or(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 or x2`` on bool tensors."""
    return nondifferentiable("logical_or", x1, x2)


_reg("logical_or", logical_or, np.logical_or, 2, _bools(2), "logical_or", inplace=True)


def logical_xor(x1: Any, x2: Any, /) -> Any:
    """Elementwise exclusive or on bool tensors."""
    return nondifferentiable("logical_xor", x1, x2)


_reg("logical_xor", logical_xor, np.logical_xor, 2, _bools(2), "logical_xor", inplace=True)


def logical_not(x: Any, /) -> Any:
    """Elementwise ``not x`` on a bool tensor."""
    return nondifferentiable("logical_not", x)


_reg("logical_not", logical_not, np.logical_not, 1, _bools(1), "logical_not", inplace=True)


def bitwise_and(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 & x2`` on integer or bool tensors."""
    return nondifferentiable("bitwise_and", x1, x2)


_reg("bitwise_and", bitwise_and, np.bitwise_and, 2, _ints(2), method="bitwise_and", inplace=True)


def bitwise_or(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 | x2`` on integer or bool tensors."""
    return nondifferentiable("bitwise_or", x1, x2)


_reg("bitwise_or", bitwise_or, np.bitwise_or, 2, _ints(2), method="bitwise_or", inplace=True)


def bitwise_xor(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 ^ x2`` on integer or bool tensors."""
    return nondifferentiable("bitwise_xor", x1, x2)


_reg("bitwise_xor", bitwise_xor, np.bitwise_xor, 2, _ints(2), method="bitwise_xor", inplace=True)


def bitwise_invert(x: Any, /) -> Any:
    """Elementwise ``~x`` on an integer or bool tensor."""
    return nondifferentiable("bitwise_invert", x)


_reg("bitwise_invert", bitwise_invert, np.invert, 1, _ints(1), method="bitwise_not", aliases=("bitwise_not",), inplace=True)


def bitwise_left_shift(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 << x2`` (``x2 >= 0``) on integer tensors."""
    return nondifferentiable("bitwise_left_shift", x1, x2)


_reg("bitwise_left_shift", bitwise_left_shift, np.left_shift, 2, _ints(2, shift=True), method="bitwise_left_shift", inplace=True, operators=("__lshift__",))


def bitwise_right_shift(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 >> x2`` (``x2 >= 0``, arithmetic shift) on integer tensors."""
    return nondifferentiable("bitwise_right_shift", x1, x2)


_reg("bitwise_right_shift", bitwise_right_shift, np.right_shift, 2, _ints(2, shift=True), method="bitwise_right_shift", inplace=True, operators=("__rshift__",))
