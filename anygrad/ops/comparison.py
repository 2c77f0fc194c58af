"""Comparisons: non-differentiable, they return bool tensors."""

from __future__ import annotations

from typing import Any

from ._util import nondifferentiable

__all__ = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]


def equal(x1: Any, x2: Any, /) -> Any:
    """``x1 == x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("equal", x1, x2)


def not_equal(x1: Any, x2: Any, /) -> Any:
    """``x1 != x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("not_equal", x1, x2)


def less(x1: Any, x2: Any, /) -> Any:
    """``x1 < x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("less", x1, x2)


def less_equal(x1: Any, x2: Any, /) -> Any:
    """``x1 <= x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("less_equal", x1, x2)


def greater(x1: Any, x2: Any, /) -> Any:
    """``x1 > x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("greater", x1, x2)


def greater_equal(x1: Any, x2: Any, /) -> Any:
    """``x1 >= x2`` elementwise (bool, not differentiable)."""
    return nondifferentiable("greater_equal", x1, x2)
