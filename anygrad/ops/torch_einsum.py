"""PyTorch's ``einsum``: Einstein summation as a composite of differentiable operations
(diagonals for repeated indices, broadcasting, sums, and one :func:`matmul` per pair of
operands), so its gradient, and every higher order, comes from theirs."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor
from .linalg import diagonal as _diagonal, matmul
from .reduction import sum as _sum
from .shape import broadcast_to, reshape
from .torch_linalg import _arrange, _register, _shape

__all__ = ["einsum"]


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
