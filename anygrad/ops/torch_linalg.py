"""PyTorch's matrix products and linear algebra beyond the standard's ``linalg`` extension:
einsum, mm/bmm/mv/dot/vdot/inner/kron, the ``add*`` products, diag and its relatives, cov
and corrcoef, logdet, matrix_exp, the Cholesky and LU solvers, renorm, trapezoidal
integration, torch.gradient, vander and PyTorch's ``svd``.

Each operation is a composite of differentiable operations (gradients of every order come
from theirs) with one registry entry, from which the
``anygrad`` function, the Tensor method and its in-place variant are generated. None is in
:data:`anygrad.ops.__all__`: the namespace of ``Tensor.__array_namespace__()`` keeps to the
standard's names.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Sequence

import numpy as np
from array_api_compat import device as _device

from ..tensor import Tensor, _make_tensor
from . import _registry
from ._registry import OpSpec, get_spec, register
from .arithmetic import abs as _abs, add, conj, divide, multiply, real, sqrt, subtract
from .comparison import isfinite
from .conversion import astype
from .decompositions import SVDResult, inv, pinv, slogdet, solve, svd as _linalg_svd
from .exponential import log
from .linalg import Matmul, diagonal as _diagonal, matmul, matrix_transpose, tensordot, vector_norm
from .reduction import cumulative_sum, mean, sum as _sum
from .searching import where
from .utilities import result_type
from .shape import broadcast_to, concat, flatten, permute_dims, reshape, stack, tril, triu

__all__ = [
    "einsum", "mm", "bmm", "mv", "dot", "vdot", "inner", "kron", "addmv", "addr", "addbmm",
    "baddbmm", "diag", "diag_embed", "diagflat", "block_diag", "adjoint", "cov", "corrcoef",
    "logdet", "matrix_exp", "pinverse", "cholesky_solve", "cholesky_inverse", "lu_unpack",
    "lu_solve", "renorm", "trapezoid", "cumulative_trapezoid", "gradient", "vander",
    "torch_svd",
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


# -- einsum --------------------------------------------------------------------------------
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _sublist_equation(args: tuple) -> tuple[str, tuple]:
    """PyTorch's sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` as an equation."""
    def term(sub: Any) -> str:
        out = []
        for s in sub:
            if s is Ellipsis:
                out.append("...")
            elif isinstance(s, int) and 0 <= s < len(_LETTERS):
                out.append(_LETTERS[s])
            else:
                raise ValueError(f"einsum: a sublist holds integers in [0, 52) or Ellipsis, "
                                 f"got {s!r}")
        return "".join(out)

    operands, terms = list(args[0::2]), []
    subs = list(args[1::2])
    rhs = None
    if len(subs) < len(operands):  # odd count: the last item is the output sublist
        rhs = term(operands.pop())
    if len(subs) != len(operands):
        raise ValueError("einsum: the sublist form takes operand, sublist pairs and an "
                         "optional output sublist")
    terms = [term(s) for s in subs]
    return ",".join(terms) + ("" if rhs is None else "->" + rhs), tuple(operands)


def _parse_term(term: str, op: str) -> tuple[list, bool]:
    labels, ellipsis = [], False
    i = 0
    while i < len(term):
        c = term[i]
        if term.startswith("...", i):
            if ellipsis:
                raise ValueError(f"einsum: {op} has more than one ellipsis ('...')")
            ellipsis = True
            labels.append("...")
            i += 3
            continue
        if c not in _LETTERS:
            raise ValueError(f"einsum: subscripts are letters [a-zA-Z] or '...', got {c!r} "
                             f"in {op}")
        labels.append(c)
        i += 1
    return labels, ellipsis


def einsum(*args: Any) -> Any:
    """Sum of products over the indices the Einstein-notation ``equation`` names.

    ``einsum("ij,jk->ik", a, b)``; the operands may also be one list. Without ``->`` the
    output holds the broadcast ``...`` dimensions and then the indices that appear once, in
    alphabetical order (upper case first). A repeated index within one operand takes its
    diagonal (``"ii->i"``); size-1 dimensions broadcast. PyTorch's sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` is accepted too. Pairs of operands are
    contracted left to right by :func:`matmul`; the gradient is that of the composition.

    Examples
    --------
    >>> import anygrad
    >>> a = anygrad.arange(6.0).reshape(2, 3)
    >>> anygrad.einsum("ij,ij->i", a, a)
    tensor([ 5., 50.])
    >>> anygrad.einsum("ii", anygrad.eye(3))
    tensor(3.)
    """
    if not args:
        raise TypeError("einsum: expected an equation and operands, got nothing")
    if isinstance(args[0], str):
        equation, operands = args[0], tuple(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    for i, o in enumerate(operands):
        if not isinstance(o, Tensor):
            raise TypeError(f"einsum: operand {i} must be a Tensor, got {type(o).__name__}")
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise ValueError(f"einsum: the equation {equation!r} names {len(terms)} operand(s), "
                         f"got {len(operands)}")
    if not operands:
        raise ValueError("einsum: expected at least one operand")

    # Labels per operand: letters, and ("...", k) for the k-th broadcast dimension counted
    # in the common frame of all ellipses.
    parsed = [_parse_term(t, f"operand {i}") for i, t in enumerate(terms)]
    n_ell = 0
    for i, ((labels, ell), x) in enumerate(zip(parsed, operands)):
        explicit = len(labels) - ell
        if ell:
            if x.ndim < explicit:
                raise ValueError(f"einsum: operand {i} has {x.ndim} dimensions, fewer than the "
                                 f"{explicit} subscripts of {terms[i]!r}")
            n_ell = max(n_ell, x.ndim - explicit)
        elif x.ndim != explicit:
            raise ValueError(f"einsum: the {explicit} subscripts {terms[i]!r} of operand {i} do "
                             f"not match its {x.ndim} dimensions (shape {_shape(x)}) and no "
                             "ellipsis was given")
    ell_labels = [("...", k) for k in range(n_ell)]
    op_labels = []
    for (labels, ell), x in zip(parsed, operands):
        if ell:
            e = x.ndim - (len(labels) - 1)
            at = labels.index("...")
            labels = labels[:at] + ell_labels[n_ell - e:] + labels[at + 1:]
        op_labels.append(labels)

    counts: dict = {}
    for labels in op_labels:
        for lab in labels:
            counts[lab] = counts.get(lab, 0) + 1
    if arrow:
        out_parsed, out_ell = _parse_term(rhs, "the output")
        out = []
        for lab in out_parsed:
            if lab == "...":
                out += ell_labels
                continue
            if lab not in counts:
                raise ValueError(f"einsum: output subscript {lab!r} does not appear in the "
                                 f"operands of {equation!r}")
            if lab in out:
                raise ValueError(f"einsum: output subscript {lab!r} appears more than once in "
                                 f"{equation!r}")
            out.append(lab)
    else:
        out = ell_labels + sorted(lab for lab, c in counts.items()
                                  if isinstance(lab, str) and c == 1)

    # Sizes: each label one size; size-1 dimensions broadcast.
    sizes: dict = {}
    for i, (labels, x) in enumerate(zip(op_labels, operands)):
        for lab, s in zip(labels, x.shape):
            prev = sizes.get(lab)
            if prev is None or prev == 1:
                sizes[lab] = s
            elif s != 1 and s != prev:
                name = "..." if isinstance(lab, tuple) else lab
                raise ValueError(f"einsum: subscript {name!r} has size {s} in operand {i}, which "
                                 f"does not broadcast with size {prev} seen before")

    # Each operand alone: diagonals of repeated labels, broadcasting, sums of labels used
    # nowhere else.
    items = []
    for i, (labels, x) in enumerate(zip(op_labels, operands)):
        labels = list(labels)
        while len(set(labels)) < len(labels):
            for p, lab in enumerate(labels):
                q = labels.index(lab, p + 1) if labels.count(lab) > 1 else -1
                if q >= 0:
                    break
            if x.shape[p] != x.shape[q]:
                raise ValueError(f"einsum: subscript {lab!r} is repeated in operand {i} with "
                                 f"sizes {x.shape[p]} and {x.shape[q]}")
            x = _diagonal(x, dim1=p, dim2=q)
            labels = [lb for k, lb in enumerate(labels) if k not in (p, q)] + [lab]
        target = tuple(sizes[lab] for lab in labels)
        if _shape(x) != target:
            x = broadcast_to(x, target)
        items.append((x, labels))

    def reduce_unused(x: Any, labels: list, keep: set) -> tuple:
        axes = tuple(k for k, lab in enumerate(labels) if lab not in keep)
        if axes:
            x = _sum(x, axis=axes)
            labels = [lab for lab in labels if lab in keep]
        return x, labels

    def needed(after: int) -> set:
        keep = set(out)
        for _, labels in items[after:]:
            keep.update(labels)
        return keep

    x, la = reduce_unused(*items[0], needed(1))
    for j in range(1, len(items)):
        y, lb = items[j]
        keep = needed(j + 1)
        x, la = reduce_unused(x, la, keep | set(lb))
        y, lb = reduce_unused(y, lb, keep | set(la))
        common = [lab for lab in la if lab in lb]
        batch = [lab for lab in common if lab in keep]
        contracted = [lab for lab in common if lab not in keep]
        free_a = [lab for lab in la if lab not in lb]
        free_b = [lab for lab in lb if lab not in la]
        xa = _arrange(x, la, batch + free_a + contracted)
        yb = _arrange(y, lb, batch + contracted + free_b)
        nb = math.prod(sizes[lab] for lab in batch)
        na = math.prod(sizes[lab] for lab in free_a)
        nc = math.prod(sizes[lab] for lab in contracted)
        nf = math.prod(sizes[lab] for lab in free_b)
        prod = matmul(reshape(xa, (nb, na, nc)), reshape(yb, (nb, nc, nf)))
        x = reshape(prod, tuple(sizes[lab] for lab in batch + free_a + free_b))
        la = batch + free_a + free_b
    x, la = reduce_unused(x, la, set(out))
    return _arrange(x, la, out)


def _arrange(x: Any, labels: list, order: list) -> Any:
    perm = tuple(labels.index(lab) for lab in order)
    return x if perm == tuple(range(len(perm))) else permute_dims(x, perm)


def _einsum_harness(equation: str) -> Any:
    return lambda *xs: einsum(equation, *xs)


_EINSUM_CASES = (
    ("ij,jk->ik", ((3, 4), (4, 2))), ("bij,bjk->bik", ((2, 3, 4), (2, 4, 2))),
    ("ii->i", ((3, 3),)), ("...ij,...j", ((2, 3, 4), (4,))), ("i,i", ((4,), (4,))),
    ("ijk->kj", ((2, 3, 4),)), ("ij,jk,kl->il", ((2, 3), (3, 4), (4, 2))),
)


def _einsum_inputs(rng: Any, dtype: str, variant: int) -> list:
    return [rng.uniform(-2, 2, s).astype(dtype) for s in _EINSUM_CASES[variant][1]]


def _einsum_call(*xs: Any, equation: str) -> Any:
    return einsum(equation, *xs)


_register("einsum", einsum, lambda *xs, equation: np.einsum(equation, *xs), nin=3,
          method=None, harness=_einsum_call, make_inputs=_einsum_inputs,
          kwargs=tuple({"equation": eq} for eq, _ in _EINSUM_CASES),
          notes="pairwise contraction by matmul; repeated indices take diagonals")


# -- matrix and vector products ------------------------------------------------------------
class Mm(Matmul):
    """Matmul's node under PyTorch's name for ``mm`` (``MmBackward0``)."""


class Bmm(Matmul):
    """Matmul's node under PyTorch's name for ``bmm`` (``BmmBackward0``)."""


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
          shapes=lambda rng: [((2, 3), (3, 2)), ((3,), (2, 2)), ((2, 1, 2), (2, 3))][int(rng.integers(3))])


# -- beta * input + alpha * product ----------------------------------------------------------
def _scaled_sum(x: Any, prod: Any, beta: Any, alpha: Any, op: str) -> Any:
    try:
        ok = np.broadcast_shapes(_shape(x), _shape(prod)) == _shape(prod)
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


# -- statistics ----------------------------------------------------------------------------
def cov(x: Any, /, *, correction: int = 1, fweights: Any = None, aweights: Any = None) -> Any:
    """Covariance matrix of the variables in the rows of ``x`` (observations in columns; a
    1-D ``x`` is one variable and gives a 0-D result), with integer frequency weights
    ``fweights`` and floating observation weights ``aweights``, as NumPy's ``cov``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cov(anygrad.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if x.ndim > 2:
        raise ValueError(f"cov: expected input to have two or fewer dimensions, got shape "
                         f"{_shape(x)}")
    if x.dtype.kind in "biu":
        from .. import _dtype

        x = astype(x, _dtype.get_default_dtype())
    obs = reshape(x, (1, -1)) if x.ndim < 2 else x
    n = obs.shape[1]
    w = None
    for name, wt, kinds in (("fweights", fweights, "iu"), ("aweights", aweights, "f")):
        if wt is None:
            continue
        if not isinstance(wt, Tensor) or wt.ndim > 1:
            raise ValueError(f"cov: expected {name} to be a tensor of one or fewer dimensions")
        if wt.dtype.kind not in kinds:
            raise TypeError(f"cov: expected {name} to have {'integral' if kinds == 'iu' else 'floating point'}"
                            f" dtype, got {wt.dtype}")
        if wt.ndim == 1 and wt.shape[0] != n or wt.ndim == 0 and n != 1:
            raise ValueError(f"cov: expected {name} to have the same number of elements as "
                             f"the observations ({n}), got shape {_shape(wt)}")
        if bool((wt < 0).any().item()):
            raise ValueError(f"cov: {name} cannot be negative")
        w = wt if w is None else multiply(w, wt)
    if w is None:
        avg = mean(obs, axis=1, keepdims=True)
        fact = n - correction
    else:
        if w.dtype.kind in "iu":
            w = astype(w, obs.dtype if obs.dtype.kind == "f" else real(obs).dtype)
        w_sum = _sum(w)
        avg = divide(_sum(multiply(obs, w), axis=1, keepdims=True), w_sum)
        if aweights is None or correction == 0:
            fact = subtract(w_sum, correction)
        else:
            fact = subtract(w_sum, multiply(divide(_sum(multiply(w, aweights)), w_sum), correction))
    if isinstance(fact, Tensor):
        fact = where(fact < 0, 0.0, fact)
    else:
        fact = max(fact, 0)
    xm = subtract(obs, avg)
    left = xm if w is None else multiply(xm, w)
    c = divide(matmul(left, matrix_transpose(conj(xm))), fact)
    return reshape(c, ()) if x.ndim < 2 or c.shape[0] == 1 and x.ndim < 2 else c


def corrcoef(x: Any, /) -> Any:
    """Pearson correlation coefficients of the variables in the rows of ``x`` (clipped to
    ``[-1, 1]``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.corrcoef(anygrad.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.5]])).round(decimals=4)
    tensor([[ 1.0000, -0.9820],
            [-0.9820,  1.0000]])
    """
    c = cov(x)
    if c.ndim == 0:
        return divide(c, c)
    d = sqrt(real(_diagonal(c)))
    c = divide(divide(c, reshape(d, (-1, 1))), reshape(d, (1, -1)))
    from .arithmetic import clip

    if c.dtype.kind == "c":
        from .arithmetic import imag

        return add(clip(real(c), -1.0, 1.0), multiply(clip(imag(c), -1.0, 1.0), 1j))
    return clip(c, -1.0, 1.0)


def _cov_inputs(rng: Any, dtype: str, variant: int) -> list:
    x = rng.uniform(-2, 2, (3, 5)).astype(dtype)
    if variant == 2:
        return [x, rng.integers(1, 4, 5), rng.uniform(0.5, 2.0, 5).astype(dtype)]
    return [x]


def _cov_ref(x: Any, *w: Any, correction: int = 1) -> Any:
    return np.cov(x, ddof=correction, fweights=w[0] if w else None, aweights=w[1] if w else None)


_register("cov", cov, _cov_ref, make_inputs=_cov_inputs, category="statistics",
          kwargs=({}, {"correction": 0}, {}),
          harness=lambda x, *w, correction=1: cov(x, correction=correction,
                                                  fweights=w[0] if w else None,
                                                  aweights=w[1] if w else None))
_register("corrcoef", corrcoef, np.corrcoef, shapes=lambda rng: ((3, 6),), category="statistics")


# -- determinants, exponentials, inverses ----------------------------------------------------
def logdet(x: Any, /) -> Any:
    """Logarithm of the determinant of square matrices: NaN where it is negative, ``-inf``
    where it is 0 (complex log for complex matrices).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.logdet(anygrad.tensor([[2.0, 0.0], [0.0, 3.0]]))
    tensor(1.7918)
    """
    if x.dtype.kind == "c":
        from .decompositions import det

        return log(det(x))
    sign, logabs = slogdet(x)
    return where(sign < 0, math.nan, logabs)


def matrix_exp(x: Any, /) -> Any:
    """The matrix exponential of square matrices, by scaling and squaring a Taylor series
    (differentiable through its products, to every order).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.matrix_exp(anygrad.tensor([[0.0, 1.0], [0.0, 0.0]]))
    tensor([[1., 1.],
            [0., 1.]])
    """
    s = tuple(x.shape)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"matrix_exp: expected square matrices (..., n, n), got shape {s}")
    if 0 in s:
        return x * 1
    n = s[-1]
    # The largest 1-norm in the batch fixes the scaling: ||x / 2^k|| <= 1/2, where 18 Taylor
    # terms leave an error below float64's resolution.
    norm = float(_abs(x).detach().sum(axis=-2).max().item())
    k = max(0, int(math.ceil(math.log2(norm))) + 1) if norm > 0 and math.isfinite(norm) else 0
    a = divide(x, 2.0 ** k) if k else x
    eye = where(_eye_mask(x, n), 1.0, _zeros(x, (1,)))
    term, out = eye, eye
    for i in range(1, 19):
        term = divide(matmul(term, a), float(i))
        out = add(out, term)
    for _ in range(k):
        out = matmul(out, out)
    return out


def _expm_ref(x: Any) -> Any:
    import scipy.linalg

    return np.vectorize(scipy.linalg.expm, signature="(n,n)->(n,n)")(x)


def _small(rng: Any, dtype: str) -> list:
    return [rng.uniform(-1.5, 1.5, (2, 3, 3)).astype(dtype)]


def pinverse(x: Any, /, rcond: float = 1e-15) -> Any:
    """Moore-Penrose pseudo-inverse; singular values below ``rcond`` times the largest
    count as zero.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.pinverse(anygrad.tensor([[2.0, 0.0], [0.0, 0.0]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    return pinv(x, rtol=rcond)


def _wellcond(rng: Any, dtype: str) -> list:
    a = rng.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)
    return [a.astype(dtype)]


_register("logdet", logdet, lambda x: np.log(np.linalg.det(x)), make_inputs=_wellcond,
          notes="NaN for a negative determinant")
_register("matrix_exp", matrix_exp, _expm_ref, make_inputs=_small,
          notes="scaling and squaring of an 18-term Taylor series")
_register("pinverse", pinverse, lambda x, rcond=1e-15: np.linalg.pinv(x, rcond=rcond),
          shapes=lambda rng: ((2, 4, 3),), torch_args=("rcond",),
          notes="full rank (locally constant rank)")


def _check_tri(x: Any, op: str, name: str) -> None:
    s = _shape(x)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"{op}: expected {name} to be square matrices (..., n, n), got shape {s}")


def _factor(L: Any, upper: bool) -> Any:  # noqa: N803
    """The lower factor that ``L`` holds: its values are the one triangle that LAPACK reads,
    and its gradient goes to every element of ``L``, as PyTorch's formulas (written with
    the whole of ``L``) give it."""
    other = tril(L, k=-1) if upper else triu(L, k=1)
    low = subtract(L, other.detach())
    return matrix_transpose(conj(low)) if upper else low


def cholesky_solve(b: Any, L: Any, /, upper: bool = False) -> Any:  # noqa: N803
    """The solution ``X`` of ``A X = b`` for ``A = L L^H`` given its Cholesky factor ``L``
    (``A = U^H U`` when ``upper``); only that triangle of ``L`` is read (PyTorch's gradient
    reaches the other one too). Batches broadcast.

    Examples
    --------
    >>> import anygrad
    >>> L = anygrad.tensor([[2.0, 0.0], [1.0, 1.0]])
    >>> anygrad.cholesky_solve(anygrad.tensor([[4.0], [3.0]]), L)
    tensor([[0.5000],
            [1.0000]])
    """
    _check_tri(L, "cholesky_solve", "L")
    if b.ndim < 2 or b.shape[-2] != L.shape[-1]:
        raise ValueError(f"cholesky_solve: expected b of shape (..., {L.shape[-1]}, k) for L of "
                         f"shape {_shape(L)}, got {_shape(b)}")
    low = _factor(L, upper)
    return solve(matrix_transpose(conj(low)), solve(low, b))


def cholesky_inverse(L: Any, /, upper: bool = False) -> Any:  # noqa: N803
    """The inverse of ``A = L L^H`` (``U^H U`` when ``upper``) from its Cholesky factor.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cholesky_inverse(anygrad.tensor([[2.0, 0.0], [0.0, 0.5]]))
    tensor([[0.2500, 0.0000],
            [0.0000, 4.0000]])
    """
    _check_tri(L, "cholesky_inverse", "L")
    low = _factor(L, upper)
    li = inv(low)
    return matmul(matrix_transpose(conj(li)), li)


def _chol_factor(rng: Any, dtype: str, k: int = 0) -> list:
    low = np.tril(rng.uniform(-0.5, 0.5, (2, 3, 3))) + 1.5 * np.eye(3)
    out = [low.astype(dtype)]
    if k:
        out.insert(0, rng.uniform(-1, 1, (2, 3, k)).astype(dtype))
    return out


def _chol_solve_ref(b: Any, low: Any, upper: bool = False) -> Any:
    low = np.swapaxes(np.triu(low), -1, -2) if upper else np.tril(low)
    return np.linalg.solve(low @ np.swapaxes(low, -1, -2), b)


def _chol_inverse_ref(low: Any, upper: bool = False) -> Any:
    low = np.swapaxes(np.triu(low), -1, -2) if upper else np.tril(low)
    return np.linalg.inv(low @ np.swapaxes(low, -1, -2))


# The harnesses pass one triangle: its gradient is the derivative of the values, which do
# not depend on the other triangle (PyTorch's gradient reaches it anyway).
_register("cholesky_solve", cholesky_solve, _chol_solve_ref, nin=2,
          make_inputs=lambda rng, dtype: _chol_factor(rng, dtype, 2),
          harness=lambda b, L, upper=False: cholesky_solve(b, triu(L) if upper else tril(L), upper),
          kwargs=({}, {"upper": True}), torch_args=("upper",),
          notes="reads one triangle of the factor; PyTorch's gradient reaches the other too")
_register("cholesky_inverse", cholesky_inverse, _chol_inverse_ref, make_inputs=_chol_factor,
          harness=lambda L, upper=False: cholesky_inverse(triu(L) if upper else tril(L), upper),
          kwargs=({}, {"upper": True}), torch_args=("upper",),
          notes="reads one triangle of the factor; PyTorch's gradient reaches the other too")


def _permutation(pivots: Any, m: int, op: str) -> list:
    """Row ``i`` of ``P^T A`` is row ``perm[i]`` of ``A`` for LAPACK's 1-based pivots."""
    piv = pivots.tolist()

    def one(p: list) -> list:
        perm = list(range(m))
        for i, j in enumerate(p):
            j = int(j) - 1
            if not i <= j < m:
                raise ValueError(f"{op}: pivot {j + 1} at position {i} is out of range; LAPACK "
                                 f"pivots are in [{i + 1}, {m}]")
            perm[i], perm[j] = perm[j], perm[i]
        return perm

    def walk(p: Any) -> Any:
        return one(p) if not p or not isinstance(p[0], list) else [walk(q) for q in p]

    return walk(piv)


def lu_unpack(LU_data: Any, LU_pivots: Any, /, unpack_data: bool = True,  # noqa: N803
              unpack_pivots: bool = True) -> Any:
    """``(P, L, U)`` from an LU factorisation in LAPACK's packed form (as
    ``torch.linalg.lu_factor`` returns): ``A = P @ L @ U``; the parts not asked for are
    empty tensors.

    Examples
    --------
    >>> import anygrad
    >>> P, L, U = anygrad.lu_unpack(anygrad.tensor([[2.0, 1.0], [0.5, 1.0]]),
    ...                             anygrad.tensor([2, 2], dtype=anygrad.int32))
    >>> P @ L @ U
    tensor([[1., 1.],
            [2., 1.]])
    """
    from collections import namedtuple

    s = _shape(LU_data)
    if len(s) < 2:
        raise ValueError(f"lu_unpack: expected LU_data with at least 2 dimensions, got shape {s}")
    m, n = s[-2], s[-1]
    k = min(m, n)
    if LU_pivots.dtype.kind not in "iu":
        raise TypeError(f"lu_unpack: expected integer LU_pivots, got {LU_pivots.dtype}")
    if _shape(LU_pivots) != s[:-2] + (k,):
        raise ValueError(f"lu_unpack: expected LU_pivots of shape {s[:-2] + (k,)} for LU_data of "
                         f"shape {s}, got {_shape(LU_pivots)}")
    empty = _zeros(LU_data, (0,))
    L = U = P = empty
    if unpack_data:
        eye = where(_eye_mask(LU_data, m)[:, :k], 1.0, _zeros(LU_data, (1,)))
        L = add(tril(LU_data[..., :, :k], k=-1), eye)
        U = triu(LU_data[..., :k, :])
    if unpack_pivots:
        xp = LU_data.xp
        dev = _device(LU_data._data)
        perm = xp.asarray(_permutation(LU_pivots, m, "lu_unpack"), dtype=xp.int64, device=dev)
        rows = xp.reshape(xp.arange(m, dtype=xp.int64, device=dev), (m, 1))
        perm = xp.reshape(perm, tuple(perm.shape[:-1]) + (1, m))
        P = _const(LU_data, xp.astype(rows == perm, LU_data._data.dtype))
        if tuple(P.shape) != s[:-2] + (m, m):  # no batch: the walk gave one permutation
            P = reshape(P, s[:-2] + (m, m))
    return namedtuple("LUUnpackResult", ["P", "L", "U"])(P, L, U)


def lu_solve(b: Any, LU_data: Any, LU_pivots: Any, /) -> Any:  # noqa: N803
    """The solution ``X`` of ``A X = b`` from ``A``'s LU factorisation in LAPACK's packed
    form (``torch.linalg.lu_factor``'s ``LU, pivots``).

    Examples
    --------
    >>> import anygrad
    >>> LU = anygrad.tensor([[2.0, 1.0], [0.5, 1.0]])
    >>> anygrad.lu_solve(anygrad.tensor([[2.0], [3.0]]), LU, anygrad.tensor([2, 2]))
    tensor([[1.],
            [1.]])
    """
    _check_tri(LU_data, "lu_solve", "LU_data")
    if b.ndim < 2 or b.shape[-2] != LU_data.shape[-1]:
        raise ValueError(f"lu_solve: expected b of shape (..., {LU_data.shape[-1]}, k) for "
                         f"LU_data of shape {_shape(LU_data)}, got {_shape(b)}")
    P, L, U = lu_unpack(LU_data, LU_pivots)
    return solve(U, solve(L, matmul(matrix_transpose(P), b)))


def _lu_inputs(rng: Any, dtype: str, with_b: bool = False) -> list:
    n = 3
    low = np.tril(rng.uniform(-1, 1, (2, n, n)), -1)
    up = np.triu(rng.uniform(-1, 1, (2, n, n))) + 2.5 * np.eye(n)
    piv = np.stack([[rng.integers(i + 1, n + 1) for i in range(n)] for _ in range(2)])
    out = [(low + up).astype(dtype), piv.astype(np.int32)]
    if with_b:
        out.insert(0, rng.uniform(-1, 1, (2, n, 2)).astype(dtype))
    return out


def _np_unpack(lu: Any, piv: Any) -> tuple:
    m = lu.shape[-1]
    low = np.tril(lu, -1) + np.eye(m)
    up = np.triu(lu)
    p = np.zeros(lu.shape)
    for idx in np.ndindex(*lu.shape[:-2]):
        perm = list(range(m))
        for i, j in enumerate(piv[idx]):
            perm[i], perm[j - 1] = perm[j - 1], perm[i]
        p[idx][perm, range(m)] = 1.0
    return p, low, up


_register("lu_unpack", lu_unpack, lambda lu, piv: _np_unpack(lu, piv), nin=2, method=None,
          make_inputs=_lu_inputs, grad_inputs=(0,), notes="P is not differentiable")
_register("lu_solve", lu_solve,
          lambda b, lu, piv: np.linalg.solve(np.einsum("...ij,...jk,...kl->...il",
                                                       *_np_unpack(lu, piv)), b),
          nin=3, make_inputs=lambda rng, dtype: _lu_inputs(rng, dtype, True), grad_inputs=(0, 1))


def renorm(x: Any, /, p: float, dim: int, maxnorm: float) -> Any:
    """``x`` with each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to
    norm ``maxnorm`` (PyTorch's factor ``maxnorm / (norm + 1e-7)``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.renorm(anygrad.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    if not p > 0:
        raise ValueError(f"renorm: p must be positive, got {p}")
    if maxnorm < 0:
        raise ValueError(f"renorm: maxnorm must be non-negative, got {maxnorm}")
    if not -max(x.ndim, 1) <= dim < max(x.ndim, 1):
        raise IndexError(f"renorm: dim {dim} is out of range for shape {_shape(x)}")
    d = dim % max(x.ndim, 1)
    others = tuple(i for i in range(x.ndim) if i != d)
    norm = vector_norm(x, ord=p, axis=others, keepdims=True) if others else _abs(x)
    factor = where(norm > maxnorm, divide(maxnorm, add(norm, 1e-7)), 1.0)
    return multiply(x, factor)


def _renorm_ref(x: Any, p: float, dim: int, maxnorm: float) -> Any:
    axes = tuple(i for i in range(x.ndim) if i != dim % x.ndim)
    norm = np.sum(np.abs(x) ** p, axis=axes, keepdims=True) ** (1 / p)
    return x * np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


_register("renorm", renorm, _renorm_ref, shapes=lambda rng: ((3, 4),), inplace=True,
          kwargs=({"p": 2, "dim": 0, "maxnorm": 2.0}, {"p": 1, "dim": -1, "maxnorm": 3.0}),
          torch_args=("p", "dim", "maxnorm"))


# -- integration and differences -------------------------------------------------------------
def _along(x: Any, d: int, start: Any, stop: Any) -> Any:
    return x[(slice(None),) * d + (slice(start, stop),)]


def _dim(x: Any, dim: int, op: str) -> int:
    if not -max(x.ndim, 1) <= dim < max(x.ndim, 1) or x.ndim == 0:
        raise IndexError(f"{op}: dim {dim} is out of range for shape {_shape(x)}")
    return dim % x.ndim


def _float(y: Any) -> Any:
    if y.dtype.kind in "biu":
        from .. import _dtype

        return astype(y, _dtype.get_default_dtype())
    return y


def _trapezoid_parts(y: Any, x: Any, dx: Any, dim: int, op: str) -> tuple:
    d = _dim(y, dim, op)
    y = _float(y)
    mids = _along(y, d, 1, None) + _along(y, d, None, -1)
    if x is None:
        return multiply(mids, 0.5 * (1.0 if dx is None else dx)), d
    if dx is not None:
        raise TypeError(f"{op}: pass x or dx, not both")
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: expected x to be a Tensor, got {type(x).__name__}")
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise ValueError(f"{op}: a 1-D x must have the size of y along dim {dim} "
                             f"({y.shape[d]}), got {x.shape[0]}")
        h = _along(x, 0, 1, None) - _along(x, 0, None, -1)
        h = reshape(h, (-1,) + (1,) * (y.ndim - 1 - d))
    else:
        xd = d - y.ndim + x.ndim
        if xd < 0:
            raise ValueError(f"{op}: x of shape {_shape(x)} does not match y of shape {_shape(y)}")
        h = _along(x, xd, 1, None) - _along(x, xd, None, -1)
    return multiply(mids, multiply(_float(h), 0.5)), d


def trapezoid(y: Any, /, x: Any = None, *, dx: Any = None, dim: int = -1) -> Any:
    """The trapezoidal rule along ``dim``: sample points ``x`` (1-D, or broadcasting with
    ``y``), or a spacing ``dx`` (1 by default).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.trapezoid(anygrad.tensor([1.0, 2.0, 3.0]))
    tensor(4.)
    >>> anygrad.trapezoid(anygrad.tensor([1.0, 2.0, 3.0]), anygrad.tensor([0.0, 1.0, 3.0]))
    tensor(6.5000)
    """
    parts, d = _trapezoid_parts(y, x, dx, dim, "trapezoid")
    return _sum(parts, axis=d)


def cumulative_trapezoid(y: Any, /, x: Any = None, *, dx: Any = None, dim: int = -1) -> Any:
    """The running trapezoidal rule along ``dim`` (one element fewer than ``y`` there).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cumulative_trapezoid(anygrad.tensor([1.0, 2.0, 3.0]))
    tensor([1.5000, 4.0000])
    """
    parts, d = _trapezoid_parts(y, x, dx, dim, "cumulative_trapezoid")
    return cumulative_sum(parts, axis=d)


def _trap_ref(y: Any, x: Any = None, dim: int = -1) -> Any:
    h = np.diff(x) if x is not None else 1.0
    mids = (np.take(y, range(1, y.shape[dim]), axis=dim) + np.take(y, range(y.shape[dim] - 1), axis=dim)) / 2
    if x is not None and dim % y.ndim != y.ndim - 1:
        h = h.reshape((-1,) + (1,) * (y.ndim - 1 - dim % y.ndim))
    return mids * h


def _trap_shapes(rng: Any) -> tuple:
    return ((3, 5), (5,))


_register("trapezoid", trapezoid, lambda y, x: np.sum(_trap_ref(y, x), axis=-1), nin=2,
          method=None, shapes=_trap_shapes, aliases=("trapz",))
_register("cumulative_trapezoid", cumulative_trapezoid,
          lambda y, x: np.cumsum(_trap_ref(y, x), axis=-1), nin=2, method=None,
          shapes=_trap_shapes)


def _gradient_one(f: Any, d: int, h: Any, edge_order: int) -> Any:
    n = f.shape[d]

    def sl(a: Any, b: Any) -> Any:
        return _along(f, d, a, b)

    if not isinstance(h, Tensor):
        h = float(h)
        mid = divide(subtract(sl(2, None), sl(None, -2)), 2.0 * h)
        if edge_order == 1:
            first = divide(subtract(sl(1, 2), sl(0, 1)), h)
            last = divide(subtract(sl(n - 1, n), sl(n - 2, n - 1)), h)
        else:
            first = divide(add(add(multiply(sl(0, 1), -1.5), multiply(sl(1, 2), 2.0)),
                               multiply(sl(2, 3), -0.5)), h)
            last = divide(add(add(multiply(sl(n - 3, n - 2), 0.5), multiply(sl(n - 2, n - 1), -2.0)),
                              multiply(sl(n - 1, n), 1.5)), h)
        return concat([first, mid, last], axis=d)
    if h.ndim != 1 or h.shape[0] != n:
        raise ValueError(f"gradient: expected coordinates of shape ({n},) for dimension {d}, got "
                         f"shape {_shape(h)}")
    h = _float(h)
    shape = (1,) * d + (-1,) + (1,) * (f.ndim - d - 1)
    dx = subtract(h[1:], h[:-1])
    hd, hs = reshape(dx[:-1], shape), reshape(dx[1:], shape)
    a = divide(negative_(hs), multiply(hd, add(hd, hs)))
    b = divide(subtract(hs, hd), multiply(hd, hs))
    c = divide(hd, multiply(hs, add(hd, hs)))
    mid = add(add(multiply(a, sl(None, -2)), multiply(b, sl(1, -1))), multiply(c, sl(2, None)))
    if edge_order == 1:
        first = divide(subtract(sl(1, 2), sl(0, 1)), dx[0])
        last = divide(subtract(sl(n - 1, n), sl(n - 2, n - 1)), dx[-1])
    else:
        d1, d2 = dx[0], dx[1]
        first = add(add(multiply(divide(negative_(add(multiply(d1, 2.0), d2)), multiply(d1, add(d1, d2))), sl(0, 1)),
                        multiply(divide(add(d1, d2), multiply(d1, d2)), sl(1, 2))),
                    multiply(divide(negative_(d1), multiply(d2, add(d1, d2))), sl(2, 3)))
        d1, d2 = dx[-2], dx[-1]
        last = add(add(multiply(divide(d2, multiply(d1, add(d1, d2))), sl(n - 3, n - 2)),
                       multiply(divide(negative_(add(d1, d2)), multiply(d1, d2)), sl(n - 2, n - 1))),
                   multiply(divide(add(multiply(d2, 2.0), d1), multiply(d2, add(d1, d2))), sl(n - 1, n)))
    return concat([first, mid, last], axis=d)


def negative_(x: Any) -> Any:
    return multiply(x, -1.0)


def gradient(x: Any, /, *, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> tuple:
    """Estimates of the derivatives of ``x`` along ``dim`` (every dimension by default) by
    central differences inside and one-sided differences of order ``edge_order`` (1 or 2)
    at the edges. ``spacing`` is a number, one number per dimension, or one 1-D tensor of
    coordinates per dimension. Returns one tensor per dimension.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.gradient(anygrad.tensor([1.0, 4.0, 9.0, 16.0]))
    (tensor([3., 4., 6., 7.]),)
    >>> anygrad.gradient(anygrad.tensor([1.0, 4.0, 9.0]), spacing=2.0, edge_order=2)
    (tensor([1., 2., 3.]),)
    """
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2, got {edge_order}")
    if dim is None:
        dims = list(range(x.ndim))
    elif isinstance(dim, int):
        dims = [dim]
    else:
        dims = list(dim)
    dims = [_dim(x, d, "gradient") for d in dims]
    if len(set(dims)) != len(dims):
        raise ValueError(f"gradient: dim {dim!r} repeats a dimension")
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise ValueError(f"gradient: expected spacing to have {len(dims)} element(s), one per "
                             f"dimension, got {len(spacing)}")
        hs = list(spacing)
    elif isinstance(spacing, Tensor) and spacing.ndim == 0:
        hs = [spacing.item()] * len(dims)
    elif isinstance(spacing, Tensor):
        raise TypeError("gradient: pass coordinates as a list of 1-D tensors, one per dimension")
    else:
        hs = [spacing] * len(dims)
    hs = [h.item() if isinstance(h, Tensor) and h.ndim == 0 else h for h in hs]
    f = _float(x)
    for d in dims:
        if f.shape[d] < edge_order + 1:
            raise ValueError(f"gradient: expected each dimension to have at least edge_order + 1 "
                             f"= {edge_order + 1} elements, got shape {_shape(x)}")
    return tuple(_gradient_one(f, d, h, edge_order) for d, h in zip(dims, hs))


def _gradient_ref(x: Any, spacing: Any = 1, dim: Any = None, edge_order: int = 1) -> Any:
    axes = tuple(range(x.ndim)) if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    sp = spacing if isinstance(spacing, (list, tuple)) else [spacing] * len(axes)
    out = np.gradient(x, *sp, axis=axes, edge_order=edge_order)
    return tuple(out) if isinstance(out, (list, tuple)) else (out,)


_register("gradient", gradient, _gradient_ref, method=None, category="reduction",
          shapes=lambda rng: ((4, 5),),
          kwargs=({}, {"spacing": 0.5, "dim": 1, "edge_order": 2}, {"spacing": [2.0, 0.5]}))


def vander(x: Any, /, N: int | None = None, increasing: bool = False) -> Any:  # noqa: N803
    """The Vandermonde matrix of a 1-D ``x``: columns ``x**(N-1), ..., x, 1`` (reversed
    when ``increasing``); ``N`` is ``len(x)`` by default.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.vander(anygrad.tensor([1.0, 2.0, 3.0]), N=3)
    tensor([[1., 1., 1.],
            [4., 2., 1.],
            [9., 3., 1.]])
    """
    if x.ndim != 1:
        raise ValueError(f"vander: x must be a one-dimensional tensor, got shape {_shape(x)}")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {n}")
    if x.dtype.kind in "biu":
        from .. import _dtype

        x = astype(x, _dtype.int64)
    if n == 0:
        return _zeros(x, (x.shape[0], 0))
    cols = [_const(x, x.xp.ones_like(x._data))]
    for _ in range(n - 1):
        cols.append(multiply(cols[-1], x))
    if not increasing:
        cols = cols[::-1]
    return stack(cols, axis=1)


_register("vander", vander, lambda x, N=None, increasing=False: np.vander(x, N, increasing),
          method=None, shapes=lambda rng: ((4,),), kwargs=({}, {"N": 3, "increasing": True}),
          torch_args=("N", "increasing"))


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
    from collections import namedtuple

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
