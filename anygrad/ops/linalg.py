"""Products and norms: matmul, matrix_transpose, tensordot, vecdot, outer, diagonal, trace,
cross, vector_norm, matrix_norm and PyTorch's norm.

Decompositions and solvers (inv, det, solve, cholesky, qr, eigh, svd...) live in
``decompositions.py``; all of them are also in ``anygrad.linalg``.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np
from array_api_compat import device as _device

from ..autograd.function import Function
from ..tensor import Tensor, make_view
from ._registry import OpSpec, register
from ._operands import conj_if_complex
from .reduction import Extremum, _options, expand_reduced, normalize_axis
from .reduction import sum as _sum
from .shape import SqueezeLast, UnsafeView, Unsqueeze, _permute_fn, _reshaped, broadcast_to, reshape

__all__ = ["matmul", "matrix_transpose", "tensordot", "vecdot", "outer", "diagonal", "trace",
           "cross", "vector_norm", "matrix_norm", "norm"]


class MatrixTranspose(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return ctx.xp.matrix_transpose(x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.xp.matrix_transpose(gy)

    def name(self) -> str:
        return "TransposeBackward0"  # PyTorch's mT


def matrix_transpose(x: Any, /) -> Any:
    """Swap the last two axes."""
    if len(x.shape) < 2:
        raise ValueError(f"matrix_transpose: expected at least 2 dimensions, got shape {tuple(x.shape)}")
    out = MatrixTranspose.apply(x)
    if isinstance(out, Tensor) and isinstance(x, Tensor):
        n = len(x.shape)
        make_view(out, x, partial(_permute_fn, axes=tuple(range(n - 2)) + (n - 1, n - 2)))
    return out


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
            gx = xp.matmul(g, xp.matrix_transpose(conj_if_complex(ctx, y2)))
            if len(xs) == 1:
                gx = xp.reshape(gx, tuple(gx.shape[:-2]) + (xs[0],))
        if needs[1]:
            gyy = xp.matmul(xp.matrix_transpose(conj_if_complex(ctx, x2)), g)
            if len(ys) == 1:
                gyy = xp.reshape(gyy, tuple(gyy.shape[:-2]) + (ys[0],))
        return gx, gyy


# The product under the names PyTorch records for each case of matmul (one backward).
class Mm(Matmul):
    """Two matrices."""


class Mv(Matmul):
    """A matrix and a vector."""


class Dot(Matmul):
    """Two vectors."""


class Bmm(Matmul):
    """Two stacks of matrices of the same batch shape."""


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
    nx, ny = len(xs), len(ys)
    if nx <= 2 and ny <= 2:
        if nx == 2:
            return (Mm if ny == 2 else Mv).apply(x1, x2)
        if ny == 1:
            return Dot.apply(x1, x2)
        # A vector times a matrix: a one-row matrix product, as PyTorch records it.
        row = _reshaped(x1, (1,) + xs, "matmul", None, Unsqueeze)
        return _reshaped(Mm.apply(row, x2), (ys[1],), "matmul", None, SqueezeLast)
    if not isinstance(x1, Tensor) or not isinstance(x2, Tensor):
        return Matmul.apply(x1, x2)
    if ny == 2:
        # A stack of matrices times one matrix: one matrix product over the merged rows.
        rows = _reshaped(x1, (math.prod(xs[:-1]), xs[-1]), "matmul", None)
        return _reshaped(Mm.apply(rows, x2), xs[:-1] + (ys[-1],), "matmul", None, UnsafeView)
    if nx >= 3 and ny >= 3:
        batch = tuple(np.broadcast_shapes(xs[:-2], ys[:-2]))
        if xs[:-2] != batch:
            x1 = broadcast_to(x1, batch + xs[-2:])
        if ys[:-2] != batch:
            x2 = broadcast_to(x2, batch + ys[-2:])
        n = math.prod(batch)
        a = _reshaped(x1, (n,) + xs[-2:], "matmul", None)
        b = _reshaped(x2, (n,) + ys[-2:], "matmul", None)
        return _reshaped(Bmm.apply(a, b), batch + (xs[-2], ys[-1]), "matmul", None, UnsafeView)
    return Matmul.apply(x1, x2)


def _matmul_shapes(rng: Any) -> tuple:
    cases = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)),
             ((2, 3, 4), (4, 2)), ((2, 1, 3, 4), (3, 4, 2)), ((4,), (2, 4, 3))]
    return cases[int(rng.integers(len(cases)))]


register(OpSpec("matmul", matmul, ref=np.matmul, nin=2, shapes=_matmul_shapes, method=("matmul", "mm", "bmm", "mv"),
                category="linalg", notes="every broadcasting case, 1-D operands included", operators=("__matmul__", "__rmatmul__", "__imatmul__")))


def _inverse(perm: tuple) -> tuple:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


class Tensordot(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, a1: tuple, a2: tuple) -> Any:
        ctx.save_for_backward(x, y)
        ctx.a1, ctx.a2 = a1, a2
        return ctx.xp.tensordot(x, y, axes=(a1, a2))

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        xp = ctx.xp
        a1, a2 = ctx.a1, ctx.a2
        f1 = tuple(i for i in range(x.ndim) if i not in a1)
        f2 = tuple(i for i in range(y.ndim) if i not in a2)
        nf1 = len(f1)
        gx = gyy = None
        if ctx.needs_input_grad[0]:
            # Contract gy's y-part with y's free axes; y's contracted axes come out sorted.
            gx = xp.tensordot(gy, y, axes=(tuple(range(nf1, nf1 + len(f2))), f2))
            perm = _inverse(f1 + tuple(a1[a2.index(j)] for j in sorted(a2)))
            if perm != tuple(range(len(perm))):
                gx = xp.permute_dims(gx, perm)
        if ctx.needs_input_grad[1]:
            gyy = xp.tensordot(x, gy, axes=(f1, tuple(range(nf1))))
            perm = _inverse(tuple(a2[a1.index(i)] for i in sorted(a1)) + f2)
            if perm != tuple(range(len(perm))):
                gyy = xp.permute_dims(gyy, perm)
        return gx, gyy, None, None


def tensordot(x1: Any, x2: Any, /, *, axes: Any = 2, dims: Any = None) -> Any:
    """Sum products over ``axes``: an int (last ``axes`` of ``x1`` with first of ``x2``) or
    a pair of sequences of axes (PyTorch's ``dims`` is an alias)."""
    if dims is not None:
        axes = dims
    n1, n2 = len(x1.shape), len(x2.shape)
    if isinstance(axes, int):
        if axes < 0 or axes > min(n1, n2):
            raise ValueError(f"tensordot: axes={axes} is invalid for shapes {tuple(x1.shape)} and {tuple(x2.shape)}")
        a1, a2 = tuple(range(n1 - axes, n1)), tuple(range(axes))
    else:
        s1, s2 = axes
        s1 = (s1,) if isinstance(s1, int) else s1
        s2 = (s2,) if isinstance(s2, int) else s2
        a1 = tuple(int(a) % n1 for a in s1)
        a2 = tuple(int(a) % n2 for a in s2)
        if len(a1) != len(a2):
            raise ValueError(f"tensordot: axes {axes!r} must have the same length on both sides")
    for i, j in zip(a1, a2):
        if x1.shape[i] != x2.shape[j]:
            raise ValueError(f"tensordot: shapes {tuple(x1.shape)} and {tuple(x2.shape)} do not "
                             f"align on axes {a1} and {a2}")
    return Tensordot.apply(x1, x2, a1, a2)


register(OpSpec("tensordot", tensordot, ref=lambda a, b, axes=2: np.tensordot(a, b, axes=axes),
                nin=2, category="linalg", shapes=lambda rng: ((2, 3, 4), (3, 4, 5)),
                kwargs=({"axes": 2}, {"axes": ((1,), (0,))})))


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, dim: int | None = None) -> Any:
    """Dot product over ``axis`` (``sum(conj(x1) * x2)``), broadcasting the other axes."""
    from .arithmetic import multiply

    if dim is not None:
        axis = dim
    s1, s2 = tuple(x1.shape), tuple(x2.shape)
    m = min(len(s1), len(s2))
    if not -m <= axis < m:
        raise ValueError(f"vecdot: axis {axis} is out of range for shapes {s1} and {s2}")
    if axis >= 0:  # counted from the end, as the standard says
        axis -= m
    a1, a2 = s1[axis], s2[axis]
    if a1 != a2:  # the contracted axis is never broadcast (the standard)
        raise ValueError(f"vecdot: shapes {s1} and {s2} differ along axis {axis} ({a1} != {a2})")
    if x1.dtype.kind == "c":
        from .. import ops

        x1 = ops.conj(x1)
    prod = multiply(x1, x2)
    # Integer products keep their dtype (sum alone would widen uint8 to uint64).
    return _sum(prod, axis=axis, dtype=prod.dtype)


register(OpSpec("vecdot", vecdot, ref=lambda a, b, axis=-1: np.sum(a * b, axis=axis), nin=2,
                shapes=lambda rng: ((2, 3), (3,)), category="linalg", method="dot"))


def outer(x1: Any, x2: Any, /) -> Any:
    """Outer product of two 1-D tensors."""
    from .arithmetic import multiply

    if len(x1.shape) != 1 or len(x2.shape) != 1:
        raise ValueError(f"outer: expected two 1-D tensors, got shapes {tuple(x1.shape)} and {tuple(x2.shape)}")
    return multiply(reshape(x1, (-1, 1)), reshape(x2, (1, -1)))


register(OpSpec("outer", outer, ref=np.outer, nin=2, shapes=lambda rng: ((3,), (4,)),
                category="linalg", method="outer"))


class Diagonal(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, offset: int, perm: Any) -> Any:
        xp = ctx.xp
        if perm is not None:
            x = xp.permute_dims(x, perm)
        ctx.perm = perm
        n, m = x.shape[-2], x.shape[-1]
        r0, c0 = max(-offset, 0), max(offset, 0)
        k = max(0, min(n - r0, m - c0))
        dev = _device(x)
        rows, cols = xp.arange(n, device=dev), xp.arange(m, device=dev)
        # Constants of the backward: the diagonal's cells, and R that places gy[t] at row
        # t + r0 (a (k, n) matmul instead of a pad, which the standard lacks).
        ctx.mask = (xp.reshape(cols, (1, m)) - xp.reshape(rows, (n, 1))) == offset
        ctx.place = xp.astype(xp.reshape(xp.arange(k, device=dev) + r0, (k, 1)) == xp.reshape(rows, (1, n)), x.dtype)
        ctx.n = n
        return xp.linalg.diagonal(x, offset=offset)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        g = xp.matmul(gy, ctx.place)
        g = xp.reshape(g, tuple(g.shape) + (1,))
        gx = xp.where(ctx.mask, g, xp.zeros_like(g))
        if ctx.perm is not None:
            gx = xp.permute_dims(gx, _inverse(ctx.perm))
        return gx, None, None


def diagonal(x: Any, /, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
    """The ``offset`` diagonal of the matrices over ``dim1``, ``dim2`` (the last two axes by
    default, as ``linalg.diagonal``); it becomes the last axis."""
    ndim = len(x.shape)
    if ndim < 2:
        raise ValueError(f"diagonal: expected at least 2 dimensions, got shape {tuple(x.shape)}")
    d1, d2 = dim1 % ndim, dim2 % ndim
    if d1 == d2:
        raise ValueError(f"diagonal: dim1 and dim2 must differ, got {dim1} and {dim2}")
    perm = None
    if (d1, d2) != (ndim - 2, ndim - 1):
        perm = tuple(i for i in range(ndim) if i not in (d1, d2)) + (d1, d2)
    out = Diagonal.apply(x, int(offset), perm)
    if isinstance(x, Tensor):
        # A view, kept in sync functionally: NumPy's diagonal views are read-only.
        make_view(out, x, partial(_diagonal_fn, offset=int(offset), perm=perm), native=False)
    return out


def _diagonal_fn(xp: Any, a: Any, offset: int, perm: Any) -> Any:
    if perm is not None:
        a = xp.permute_dims(a, perm)
    return xp.linalg.diagonal(a, offset=offset)


register(OpSpec("diagonal", diagonal, ref=lambda x, offset=0: np.diagonal(x, offset, -2, -1),
                category="linalg", method="diagonal", shapes=lambda rng: ((2, 3, 4),),
                kwargs=({}, {"offset": 1}, {"offset": -1}), torch_args=("offset", "dim1", "dim2")))


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    """Sum of the ``offset`` diagonal of the last two axes.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.trace(anygrad.eye(3))
    tensor(3.)
    """
    return _sum(diagonal(x, offset=offset), axis=-1, dtype=dtype)


register(OpSpec("trace", trace, ref=lambda x, offset=0: np.trace(x, offset, axis1=-2, axis2=-1),
                category="linalg", method="trace", shapes=lambda rng: ((3, 4),),
                kwargs=({}, {"offset": 1})))


class Cross(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, axis: int) -> Any:
        ctx.save_for_backward(x, y)
        ctx.axis = axis
        return ctx.xp.linalg.cross(x, y, axis=axis)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, y = ctx.saved_tensors
        cross_ = ctx.xp.linalg.cross
        needs = ctx.needs_input_grad
        gx = cross_(y, gy, axis=ctx.axis) if needs[0] else None
        gyy = cross_(gy, x, axis=ctx.axis) if needs[1] else None
        return gx, gyy, None


def cross(x1: Any, x2: Any, /, *, axis: int = -1, dim: int | None = None) -> Any:
    """Cross product of 3-vectors along ``axis`` (broadcasting the other axes)."""
    if dim is not None:
        axis = dim
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(f"cross: expected size 3 along axis {axis}, got shapes {tuple(x1.shape)} "
                         f"and {tuple(x2.shape)}")
    if axis >= 0:
        # array-api-strict accepts only negative axes (counted on the broadcast shape).
        axis -= max(len(x1.shape), len(x2.shape))
    return Cross.apply(x1, x2, axis)


register(OpSpec("cross", cross, ref=lambda a, b, axis=-1: np.cross(a, b, axis=axis), nin=2,
                shapes=lambda rng: ((2, 3), (2, 3)), category="linalg", method="cross", torch_args=("dim",)))


# -- norms ---------------------------------------------------------------------------------
class LinalgVectorNorm(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, keepdims: bool, ord: float) -> Any:  # noqa: A002
        xp = ctx.xp
        ctx.shape, ctx.axes, ctx.keepdims, ctx.ord = tuple(x.shape), axes, keepdims, ord
        out = xp.asarray(xp.linalg.vector_norm(x, axis=axes, keepdims=keepdims, ord=ord))
        kept = xp.reshape(out, tuple(1 if i in axes else s for i, s in enumerate(x.shape)))
        # sign(x) is piecewise constant: a constant of the backward at every order.
        ctx.sign = xp.sign(x)
        if ord in (math.inf, -math.inf):
            mask = xp.abs(x) == kept
            ctx.mask = mask
            ctx.count = xp.sum(xp.astype(mask, x.dtype), axis=axes, keepdims=True)
        elif ord not in (0, 1):
            # Where the norm is 0 the gradient is 0 (PyTorch's subgradient).
            ctx.ok = (kept != 0) & (x != 0) if ord < 1 else xp.broadcast_to(kept != 0, x.shape)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, out = ctx.saved_tensors
        xp = ctx.xp
        p = ctx.ord
        g = expand_reduced(xp, gy, ctx.shape, ctx.axes, ctx.keepdims)
        if p == 0:
            return g * 0.0, None, None, None
        if p == 1:
            return g * ctx.sign, None, None, None
        if p in (math.inf, -math.inf):
            return xp.where(ctx.mask, g * ctx.sign / ctx.count, xp.zeros_like(g)), None, None, None
        n = expand_reduced(xp, out, ctx.shape, ctx.axes, ctx.keepdims)
        ones = xp.ones_like(n)
        safe_n = xp.where(ctx.ok, n, ones)
        if p == 2:
            gx = g * x / safe_n
        else:
            safe_x = xp.where(ctx.ok, x * ctx.sign, ones)
            gx = g * ctx.sign * (safe_x / safe_n) ** (p - 1)
        return xp.where(ctx.ok, gx, xp.zeros_like(gx)), None, None, None


def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: float = 2,  # noqa: A002
                dim: Any = None, keepdim: bool | None = None) -> Any:
    """The ``ord``-norm of the vectors over ``axis`` (all elements by default).

    ``ord`` is any real number, ``inf`` or ``-inf``. At a zero vector the gradient is 0
    (PyTorch's choice); for ``inf``/``-inf`` it is shared evenly among tied entries.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.linalg.vector_norm(anygrad.tensor([3.0, 4.0]))
    tensor(5.)
    """
    axis, keepdims = _options(axis, keepdims, dim, keepdim)
    return LinalgVectorNorm.apply(x, normalize_axis(axis, len(x.shape), "vector_norm"), keepdims, ord)


register(OpSpec("vector_norm", vector_norm,
                ref=lambda x, ord=2, axis=None, keepdims=False: _np_vector_norm(x, ord, axis, keepdims),
                category="linalg",
                kwargs=({}, {"ord": 1, "axis": 0}, {"ord": 3, "axis": -1, "keepdims": True},
                        {"ord": math.inf}, {"ord": -math.inf, "axis": 1}, {"ord": 0.5}),
                notes="gradient 0 at the zero vector; ties shared evenly for ord=±inf"))


def _np_vector_norm(x: Any, ord: float, axis: Any, keepdims: bool) -> Any:  # noqa: A002
    a = np.abs(np.asarray(x, dtype=np.float64))
    if ord == math.inf:
        return np.max(a, axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return np.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(np.float64)
    return np.sum(a ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:  # noqa: A002
    """Norm of the matrices over the last two axes.

    ``ord``: ``'fro'``, ``'nuc'``, 1/-1 (max/min column sum of ``|x|``), ``inf``/``-inf``
    (rows), 2/-2 (largest/smallest singular value; gradients as :func:`svdvals`).
    """
    from .decompositions import svdvals

    if len(x.shape) < 2:
        raise ValueError(f"matrix_norm: expected at least 2 dimensions, got shape {tuple(x.shape)}")
    if ord not in _MATRIX_ORDS:
        raise ValueError(f"matrix_norm: ord must be one of {_MATRIX_ORDS}, got {ord!r}")
    if ord == "fro":
        return vector_norm(x, axis=(-2, -1), keepdims=keepdims)
    nd = len(x.shape)
    if ord == "nuc":
        out = _sum(svdvals(x), axis=-1)
    elif ord in (2, -2):
        out = Extremum.apply(svdvals(x), (nd - 2,), False, ord == 2)
    else:
        # Absolute column (ord=±1) or row (ord=±inf) sums, then the max or min of those.
        along = -2 if ord in (1, -1) else -1
        sums = vector_norm(x, ord=1, axis=along)
        out = Extremum.apply(sums, (nd - 2,), False, ord > 0)
    if keepdims:
        out = reshape(out, tuple(out.shape) + (1, 1))
    return out


register(OpSpec("matrix_norm", matrix_norm,
                ref=lambda x, ord="fro", keepdims=False: np.linalg.norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims),
                category="linalg", shapes=lambda rng: ((2, 3, 4),),
                kwargs=tuple({"ord": o} for o in _MATRIX_ORDS) + ({"keepdims": True},),
                notes="2/-2/'nuc' need distinct non-zero singular values for gradients"))


def norm(x: Any, /, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Any:
    """PyTorch's ``norm``: the vector ``p``-norm over ``dim`` (all elements by default);
    ``'fro'`` is the 2-norm and ``'nuc'`` the nuclear norm of the matrices over ``dim``."""
    if p == "nuc":
        if dim is None:
            return matrix_norm(x, ord="nuc", keepdims=keepdim)
        raise ValueError(f"norm: p='nuc' supports only dim=None (the last two axes), got dim={dim!r}")
    if p == "fro":
        p = 2
    if isinstance(p, str):
        raise ValueError(f"norm: p must be a number, 'fro' or 'nuc', got {p!r}")
    return vector_norm(x, ord=p, axis=dim, keepdims=keepdim)


register(OpSpec("norm", norm, ref=lambda x, p="fro", dim=None: np.linalg.norm(np.ravel(x)) if dim is None and p == "fro" else _np_vector_norm(x, 2 if p == "fro" else p, dim, False),
                category="linalg", method="norm", kwargs=({}, {"p": 1, "dim": 0}, {"p": 3}), torch_args=("p", "dim", "keepdim")))
