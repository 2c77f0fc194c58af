"""PyTorch's matrix products and linear algebra beyond the standard's ``linalg`` extension:
mm/bmm/mv/dot/vdot/inner/kron, the ``add*`` products, diag and its relatives, adjoint and
PyTorch's ``svd`` (``U, S, V``). The solvers are in ``torch_solvers.py``, einsum in
``torch_einsum.py``, cov and the integration routines in ``torch_numeric.py``.

Each operation is a composite of differentiable operations (gradients of every order come
from theirs; mm and bmm are matmul's node under PyTorch's names) with one registry entry,
from which the ``anygrad`` function, the Tensor method and its in-place variant are
generated. None is in :data:`anygrad.ops.__all__`: the namespace of
``Tensor.__array_namespace__()`` keeps to the standard's names.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import replace
from typing import Any

import numpy as np
from array_api_compat import device as _device

from ..tensor import _make_tensor
from . import _registry
from ._registry import OpSpec, get_spec, register
from .arithmetic import add, conj, multiply
from .comparison import isfinite
from .conversion import astype
from .decompositions import svd as _linalg_svd
from .linalg import Bmm, Mm, diagonal as _diagonal, matmul, matrix_transpose, tensordot
from .reduction import sum as _sum
from .searching import where
from .shape import concat, permute_dims, reshape
from .utilities import broadcast_shapes, result_type

__all__ = [
    "mm", "bmm", "mv", "dot", "vdot", "inner", "kron", "addmv", "addr", "addbmm", "baddbmm",
    "diag", "diag_embed", "diagflat", "block_diag", "adjoint", "torch_svd",
]


def _register(name: str, fn: Any, ref: Any, **kw: Any) -> None:
    kw.setdefault("method", name)
    kw.setdefault("category", "linalg")
    register(OpSpec(name, fn, ref=ref, **kw))


def _shape(x: Any) -> tuple:
    return tuple(x.shape)


def _const(x: Any, array: Any) -> Any:
    """A constant tensor on ``x``'s backend (``array`` made with ``x.xp``)."""
    return _make_tensor(array, x._backend)


def _eye_mask(x: Any, n: int) -> Any:
    xp = x.xp
    return _const(x, xp.eye(n, dtype=xp.bool, device=_device(x._data)))


def _zeros(x: Any, shape: tuple) -> Any:
    xp = x.xp
    return _const(x, xp.zeros(shape, dtype=x._data.dtype, device=_device(x._data)))


def _ndim_check(x: Any, ndim: int, op: str, what: str) -> None:
    if x.ndim != ndim:
        raise ValueError(f"{op}: expected {what} to be a {ndim}-D tensor, got shape {_shape(x)}")


def _arrange(x: Any, labels: list, order: list) -> Any:
    perm = tuple(labels.index(lab) for lab in order)
    return x if perm == tuple(range(len(perm))) else permute_dims(x, perm)


# -- matrix and vector products ------------------------------------------------------------
def _promoted(x: Any, y: Any, op: str) -> tuple:
    if x.dtype != y.dtype:
        raise TypeError(f"{op}: expected both operands to have the same dtype, got {x.dtype} "
                        f"and {y.dtype}")
    return x, y


def mm(x: Any, mat2: Any, /) -> Any:
    """Matrix product of two 2-D tensors (no broadcasting, as PyTorch's ``mm``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.mm(anygrad.ones(2, 3), anygrad.ones(3, 1))
    tensor([[3.],
            [3.]])
    """
    _ndim_check(x, 2, "mm", "self")
    _ndim_check(mat2, 2, "mm", "mat2")
    if x.shape[1] != mat2.shape[0]:
        raise ValueError(f"mm: mat1 and mat2 shapes cannot be multiplied "
                         f"({x.shape[0]}x{x.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
    return Mm.apply(*_promoted(x, mat2, "mm"))


def bmm(x: Any, mat2: Any, /) -> Any:
    """Batched matrix product of two 3-D tensors ``(b, n, m) @ (b, m, p)`` (no broadcasting).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.bmm(anygrad.ones(2, 1, 3), anygrad.ones(2, 3, 2)).shape
    anygrad.Size([2, 1, 2])
    """
    _ndim_check(x, 3, "bmm", "batch1")
    _ndim_check(mat2, 3, "bmm", "batch2")
    if x.shape[0] != mat2.shape[0] or x.shape[2] != mat2.shape[1]:
        raise ValueError(f"bmm: expected batch2 of shape ({x.shape[0]}, {x.shape[2]}, p) for "
                         f"batch1 of shape {_shape(x)}, got {_shape(mat2)}")
    return Bmm.apply(*_promoted(x, mat2, "bmm"))


def mv(x: Any, vec: Any, /) -> Any:
    """Product of a matrix ``(n, m)`` and a vector ``(m,)``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.mv(anygrad.eye(2), anygrad.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """
    _ndim_check(x, 2, "mv", "the matrix")
    _ndim_check(vec, 1, "mv", "the vector")
    if x.shape[1] != vec.shape[0]:
        raise ValueError(f"mv: matrix of shape {_shape(x)} and vector of shape {_shape(vec)} "
                         "do not align")
    return matmul(*_promoted(x, vec, "mv"))


_register("mm", mm, np.matmul, nin=2, shapes=lambda rng: ((3, 4), (4, 2)))
_register("bmm", bmm, np.matmul, nin=2, shapes=lambda rng: ((2, 3, 4), (2, 4, 2)))
_register("mv", mv, np.matmul, nin=2, shapes=lambda rng: ((3, 4), (4,)))


def _vectors(x: Any, y: Any, op: str) -> None:
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"{op}: expected two 1-D tensors, got shapes {_shape(x)} and {_shape(y)}")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{op}: expected two vectors of the same size, got {x.shape[0]} and "
                         f"{y.shape[0]}")
    _promoted(x, y, op)


def dot(x: Any, tensor: Any, /) -> Any:
    """Dot product ``sum(x * tensor)`` of two 1-D tensors of one dtype (no conjugation).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.dot(anygrad.tensor([2.0, 3.0]), anygrad.tensor([2.0, 1.0]))
    tensor(7.)
    """
    _vectors(x, tensor, "dot")
    prod = multiply(x, tensor)
    return _sum(prod, dtype=prod.dtype)


def vdot(x: Any, other: Any, /) -> Any:
    """Dot product ``sum(conj(x) * other)`` of two 1-D tensors of one dtype.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.vdot(anygrad.tensor([1j]), anygrad.tensor([1j]))
    tensor(1.+0.j)
    """
    _vectors(x, other, "vdot")
    prod = multiply(conj(x), other)
    return _sum(prod, dtype=prod.dtype)


def inner(x: Any, other: Any, /) -> Any:
    """Inner product over the last dimension of both (``x * other`` if one is 0-D); the
    result has shape ``x.shape[:-1] + other.shape[:-1]``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.inner(anygrad.ones(2, 3), anygrad.ones(4, 3)).shape
    anygrad.Size([2, 4])
    """
    if x.ndim == 0 or other.ndim == 0:
        return multiply(x, other)
    if x.shape[-1] != other.shape[-1]:
        raise ValueError(f"inner: the last dimensions of shapes {_shape(x)} and {_shape(other)} "
                         "differ")
    return tensordot(x, other, axes=((x.ndim - 1,), (other.ndim - 1,)))


_register("dot", dot, np.dot, nin=2, shapes=lambda rng: ((5,), (5,)))
_register("vdot", vdot, np.vdot, nin=2, shapes=lambda rng: ((5,), (5,)))
_register("inner", inner, np.inner, nin=2,
          shapes=lambda rng: [((2, 3), (4, 3)), ((3,), (3,)), ((), (2, 3))][int(rng.integers(3))])


def kron(x: Any, other: Any, /) -> Any:
    """Kronecker product; the operand with fewer dimensions gets leading 1s.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.kron(anygrad.eye(2), anygrad.tensor([[1.0, 2.0]]))
    tensor([[1., 2., 0., 0.],
            [0., 0., 1., 2.]])
    """
    n = max(x.ndim, other.ndim)
    a = (1,) * (n - x.ndim) + _shape(x)
    b = (1,) * (n - other.ndim) + _shape(other)
    xa = reshape(x, tuple(v for s in a for v in (s, 1)))
    yb = reshape(other, tuple(v for s in b for v in (1, s)))
    return reshape(multiply(xa, yb), tuple(p * q for p, q in zip(a, b)))


_register("kron", kron, np.kron, nin=2,
          shapes=lambda rng: [((2, 3), (3, 2)), ((3,), (2, 2)),
                              ((2, 1, 2), (2, 3))][int(rng.integers(3))])


# -- beta * input + alpha * product ----------------------------------------------------------
def _scaled_sum(x: Any, prod: Any, beta: Any, alpha: Any, op: str) -> Any:
    try:
        ok = tuple(broadcast_shapes(_shape(x), _shape(prod))) == _shape(prod)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{op}: input of shape {_shape(x)} does not broadcast to the product's "
                         f"shape {_shape(prod)}")
    if alpha != 1:
        prod = multiply(prod, alpha)
    if beta == 0:
        # PyTorch ignores the input (NaN and inf included) when beta is 0; its gradient is 0.
        return add(prod, multiply(where(isfinite(x), x, 0.0), 0.0))
    return add(prod, x if beta == 1 else multiply(x, beta))


def addmv(x: Any, mat: Any, vec: Any, /, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """``beta * x + alpha * (mat @ vec)`` (``x`` broadcast; ignored when ``beta`` is 0).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.addmv(anygrad.ones(2), anygrad.eye(2), anygrad.tensor([1.0, 2.0]), alpha=2)
    tensor([3., 5.])
    """
    return _scaled_sum(x, mv(mat, vec), beta, alpha, "addmv")


def addr(x: Any, vec1: Any, vec2: Any, /, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """``beta * x + alpha * outer(vec1, vec2)`` (``x`` broadcast; ignored when ``beta`` is 0).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.addr(anygrad.zeros(2, 2), anygrad.tensor([1.0, 2.0]), anygrad.ones(2))
    tensor([[1., 1.],
            [2., 2.]])
    """
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise ValueError(f"addr: expected two 1-D vectors, got shapes {_shape(vec1)} and "
                         f"{_shape(vec2)}")
    prod = multiply(reshape(vec1, (-1, 1)), reshape(vec2, (1, -1)))
    return _scaled_sum(x, prod, beta, alpha, "addr")


def addbmm(x: Any, batch1: Any, batch2: Any, /, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """``beta * x + alpha * sum_b(batch1[b] @ batch2[b])`` (``x`` broadcast).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.addbmm(anygrad.zeros(1, 1), anygrad.ones(3, 1, 2), anygrad.ones(3, 2, 1))
    tensor([[6.]])
    """
    prod = _sum(bmm(batch1, batch2), axis=0)
    return _scaled_sum(x, prod, beta, alpha, "addbmm")


def baddbmm(x: Any, batch1: Any, batch2: Any, /, *, beta: Any = 1, alpha: Any = 1) -> Any:
    """``beta * x + alpha * bmm(batch1, batch2)`` (``x`` broadcast).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.baddbmm(anygrad.ones(2, 1, 1), anygrad.ones(2, 1, 2), anygrad.ones(2, 2, 1),
    ...                 beta=0.5).flatten()
    tensor([2.5000, 2.5000])
    """
    return _scaled_sum(x, bmm(batch1, batch2), beta, alpha, "baddbmm")


_ALPHA_BETA = ({}, {"beta": 0.5, "alpha": -2.0})
_register("addmv", addmv, lambda x, m, v, beta=1, alpha=1: beta * x + alpha * (m @ v), nin=3,
          shapes=lambda rng: ((3,), (3, 4), (4,)), kwargs=_ALPHA_BETA, inplace=True)
_register("addr", addr, lambda x, a, b, beta=1, alpha=1: beta * x + alpha * np.outer(a, b),
          nin=3, shapes=lambda rng: ((3, 4), (3,), (4,)), kwargs=_ALPHA_BETA, inplace=True)
_register("addbmm", addbmm,
          lambda x, a, b, beta=1, alpha=1: beta * x + alpha * np.einsum("bij,bjk->ik", a, b),
          nin=3, shapes=lambda rng: ((1, 2), (3, 2, 4), (3, 4, 2)), kwargs=_ALPHA_BETA,
          inplace=True)
_register("baddbmm", baddbmm, lambda x, a, b, beta=1, alpha=1: beta * x + alpha * (a @ b),
          nin=3, shapes=lambda rng: ((3, 2, 2), (3, 2, 4), (3, 4, 2)), kwargs=_ALPHA_BETA,
          inplace=True)


# -- diagonals, blocks ----------------------------------------------------------------------
def _embed_last(x: Any, offset: int) -> Any:
    """The last dimension of ``x`` on the ``offset`` diagonal of new square matrices."""
    n = x.shape[-1]
    k = abs(offset)
    m = where(_eye_mask(x, n), reshape(x, _shape(x) + (1,)), _zeros(x, (1,)))
    if k:
        lead = _shape(x)[:-1]
        side = _zeros(x, lead + (n, k))
        m = concat([side, m] if offset > 0 else [m, side], axis=-1)
        cap = _zeros(x, lead + (k, n + k))
        m = concat([m, cap] if offset > 0 else [cap, m], axis=-2)
    return m


def diag(x: Any, /, diagonal: int = 0) -> Any:
    """A 1-D ``x`` placed on the ``diagonal`` of a square matrix, or the ``diagonal`` of a
    2-D ``x`` (above the main one for ``diagonal > 0``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.diag(anygrad.tensor([1.0, 2.0]))
    tensor([[1., 0.],
            [0., 2.]])
    >>> anygrad.diag(anygrad.arange(9.0).reshape(3, 3), 1)
    tensor([1., 5.])
    """
    offset = int(diagonal)
    if x.ndim == 1:
        return _embed_last(x, offset)
    if x.ndim == 2:
        return _diagonal(x, offset=offset)
    raise ValueError(f"diag: expected a 1-D or 2-D tensor, got shape {_shape(x)}")


def diag_embed(x: Any, /, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
    """Matrices whose ``offset`` diagonal, over the new dimensions ``dim1`` and ``dim2`` of
    the result, holds the last dimension of ``x``; zero elsewhere.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.diag_embed(anygrad.tensor([[1.0, 2.0]])).shape
    anygrad.Size([1, 2, 2])
    """
    nd = x.ndim + 1
    d1, d2 = dim1 % nd if -nd <= dim1 < nd else None, dim2 % nd if -nd <= dim2 < nd else None
    if d1 is None or d2 is None:
        raise IndexError(f"diag_embed: dim1={dim1} and dim2={dim2} must be in [{-nd}, {nd})")
    if d1 == d2:
        raise ValueError(f"diag_embed: dim1 and dim2 must differ, got {dim1} and {dim2}")
    m = _embed_last(x, int(offset))
    rest = iter(range(nd - 2))
    perm = [nd - 2 if i == d1 else nd - 1 if i == d2 else next(rest) for i in range(nd)]
    return _arrange(m, list(range(nd)), perm)


def diagflat(x: Any, /, offset: int = 0) -> Any:
    """The flattened ``x`` on the ``offset`` diagonal of a square matrix.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.diagflat(anygrad.tensor([[1.0], [2.0]]))
    tensor([[1., 0.],
            [0., 2.]])
    """
    return _embed_last(reshape(x, (-1,)), int(offset))


def block_diag(*tensors: Any) -> Any:
    """A block-diagonal matrix of the given 0-, 1- or 2-D tensors (a 1-D one is a row).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.block_diag(anygrad.tensor([[1.0]]), anygrad.tensor([2.0, 3.0]))
    tensor([[1., 0., 0.],
            [0., 2., 3.]])
    """
    if not tensors:
        raise ValueError("block_diag: expected at least one tensor")
    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise ValueError(f"block_diag: input {i} must have 2 or fewer dimensions, got shape "
                             f"{_shape(t)}")
        blocks.append(reshape(t, (1, 1) if t.ndim == 0 else (1, -1) if t.ndim == 1 else _shape(t)))
    dtype = result_type(*blocks)
    blocks = [b if b.dtype == dtype else astype(b, dtype) for b in blocks]
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        r, c = b.shape
        parts = ([_zeros(b, (r, left))] if left else []) + [b]
        if width - left - c:
            parts.append(_zeros(b, (r, width - left - c)))
        rows.append(concat(parts, axis=1) if len(parts) > 1 else b)
        left += c
    return concat(rows, axis=0) if len(rows) > 1 else rows[0]


def adjoint(x: Any, /) -> Any:
    """The conjugate transpose of the last two dimensions (a view for real tensors).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.adjoint(anygrad.tensor([[1j, 2.0]]))
    tensor([[0.-1.j],
            [2.-0.j]])
    """
    if x.ndim < 2:
        raise ValueError(f"adjoint: expected at least 2 dimensions, got shape {_shape(x)}")
    t = matrix_transpose(x)
    return conj(t) if x.dtype.kind == "c" else t


_register("diag", diag, lambda x, diagonal=0: np.diag(x, diagonal),
          shapes=lambda rng: [((4,),), ((3, 4),)][int(rng.integers(2))],
          kwargs=({}, {"diagonal": 1}, {"diagonal": -2}), torch_args=("diagonal",))


def _diag_embed_ref(x: Any, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
    n = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (n, n))
    for idx in np.ndindex(*x.shape[:-1]):
        out[idx] = np.diag(x[idx], offset)
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


_register("diag_embed", diag_embed, _diag_embed_ref, shapes=lambda rng: ((2, 3),),
          kwargs=({}, {"offset": 1, "dim1": 0, "dim2": 2}, {"offset": -1, "dim1": -1, "dim2": 0}),
          torch_args=("offset", "dim1", "dim2"))
_register("diagflat", diagflat, lambda x, offset=0: np.diagflat(x, offset),
          shapes=lambda rng: ((2, 2),), kwargs=({}, {"offset": -1}), torch_args=("offset",))


def _block_diag_ref(*xs: Any) -> Any:
    blocks = [np.atleast_2d(x) for x in xs]
    out = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)))
    r = c = 0
    for b in blocks:
        out[r:r + b.shape[0], c:c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out


_register("block_diag", block_diag, _block_diag_ref, nin=3, method=None,
          shapes=lambda rng: ((2, 3), (3,), ()))
_register("adjoint", adjoint, lambda x: np.swapaxes(np.conj(x), -1, -2),
          shapes=lambda rng: ((2, 3, 4),))


# -- PyTorch's svd, and methods of operations defined elsewhere ------------------------------
def torch_svd(x: Any, /, some: bool = True, compute_uv: bool = True) -> Any:
    """PyTorch's ``svd``: ``(U, S, V)`` with ``x = U diag(S) V^H`` (``V``, not ``V^H`` as
    :func:`anygrad.linalg.svd` returns); reduced factors when ``some``, and zero-filled
    square ``U``, ``V`` when not ``compute_uv``.

    Examples
    --------
    >>> import anygrad
    >>> U, S, V = anygrad.svd(anygrad.tensor([[3.0, 0.0], [0.0, 2.0], [0.0, 0.0]]))
    >>> S, U.shape, V.shape
    (tensor([3., 2.]), anygrad.Size([3, 2]), anygrad.Size([2, 2]))
    """
    Result = namedtuple("SVD", ["U", "S", "V"])
    if x.ndim < 2:
        raise ValueError(f"svd: expected at least 2 dimensions, got shape {_shape(x)}")
    u, s, vh = _linalg_svd(x, full_matrices=not some or not compute_uv)
    if not compute_uv:
        m, n = x.shape[-2], x.shape[-1]
        lead = _shape(x)[:-2]
        return Result(_zeros(x, lead + (m, m)), s, _zeros(x, lead + (n, n)))
    return Result(u, s, adjoint(vh))


def _torch_svd_compose(x: Any) -> Any:
    u, s, v = torch_svd(x)
    return matmul(multiply(u, reshape(s, _shape(s)[:-1] + (1, s.shape[-1]))), adjoint(v))


def _retarget(name: str, **changes: Any) -> None:
    """Change fields of an entry registered in another module (which Tensor methods it
    names), keeping one entry per operation."""
    _registry.REGISTRY[name] = replace(get_spec(name), **changes)


# ``anygrad.svd`` and ``Tensor.svd`` are PyTorch's (U, S, V); the standard's (U, S, Vh) stays
# at ``anygrad.linalg.svd`` under that entry's name.
_linalg_svd_spec = _registry.REGISTRY.pop("svd")
register(replace(_linalg_svd_spec, name="linalg.svd",
                 ref=lambda x: (lambda u, s, vh: (u * s[..., None, :]) @ vh)(
                     *np.linalg.svd(x, full_matrices=False))))
torch_svd.__name__ = torch_svd.__qualname__ = "svd"
_register("svd", torch_svd, None, harness=_torch_svd_compose, shapes=lambda rng: ((2, 4, 3),),
          notes="PyTorch's (U, S, V); registered through U diag(S) V^H")
# mm, bmm and mv check their operands' dimensions and dot takes no conjugate: their methods
# come from their own entries, not from matmul's and vecdot's.
_retarget("matmul", method="matmul")
_retarget("vecdot", method=None)
_retarget("slogdet", method="slogdet")
_retarget("matrix_power", method="matrix_power")
