"""Loss functions, all with ``reduction`` in ``'none' | 'mean' | 'sum'``.

Class-index losses select the target's log-probability with a constant one-hot mask
(multiplied, then summed over the class axis), which also carries the class weights and
``ignore_index``: one multiply instead of a gather, and differentiable to any order.

The losses PyTorch records as one node are one ``Function`` here too, with PyTorch's node
name (``MseLossBackward0``, ``NllLossBackward0``, ``BinaryCrossEntropyBackward0``...), and
``cross_entropy`` is ``nll_loss`` of ``log_softmax``, the two nodes PyTorch records. Each
backward is written once against ``ctx.xp``, so it runs again on Tensors under
``create_graph=True``: higher derivatives come from the same lines. Where PyTorch composes
a loss of smaller operations (``l1_loss``, ``kl_div``, weighted ``mse_loss``), so do we.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import anygrad as _ag

from ...autograd.function import Function
from ...ops._operands import promote_operands
from ...ops._registry import OpSpec, register
from ...tensor import Tensor
from ._linear import linear
from ._misc import pairwise_distance

__all__ = [
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "soft_margin_loss", "poisson_nll_loss", "cosine_embedding_loss", "gaussian_nll_loss",
    "hinge_embedding_loss", "margin_ranking_loss", "multi_margin_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss",
    "linear_cross_entropy",
]


def _reduce(loss: Any, reduction: str, op: str) -> Any:
    if reduction == "mean":
        return _ag.mean(loss)
    if reduction == "sum":
        return _ag.sum(loss)
    if reduction == "none":
        return loss
    raise ValueError(f"{op}: reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def _legacy(reduction: str, size_average: Any, reduce: Any) -> str:
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _same_shape(op: str, input: Any, target: Any) -> None:  # noqa: A002
    if not hasattr(target, "shape"):  # a Python number: broadcasting is the intent
        return
    ishape, tshape = tuple(input.shape), tuple(target.shape)
    if ishape != tshape:
        try:
            np.broadcast_shapes(ishape, tshape)
        except Exception:
            raise ValueError(
                f"{op}: input of shape {ishape} and target of shape {tshape} do not match"
            ) from None
        # Broadcasting (3, 1) against (3,) gives a (3, 3) loss: almost always a bug, so
        # PyTorch warns; so do we, in the same words.
        warnings.warn(
            f"{op}: using a target size {tshape} that is different to the input size "
            f"{ishape}. This will likely lead to incorrect results due to broadcasting. "
            f"Please ensure they have the same size.", UserWarning, stacklevel=3)


def _exact_shape(op: str, input: Any, target: Any) -> None:  # noqa: A002
    """Binary cross-entropies refuse a target of another shape (PyTorch's ValueError)."""
    ishape, tshape = tuple(input.shape), tuple(getattr(target, "shape", ()))
    if ishape != tshape:
        raise ValueError(
            f"{op}: expected a target of the input's shape {ishape}, got a target of shape "
            f"{tshape}"
        )


def _check_unit_interval(op: str, name: str, t: Any) -> None:
    """Raise unless every value of the Tensor ``t`` lies in [0, 1] (NaN fails too, as in
    PyTorch): a probability outside it gives a silently meaningless loss. One min and
    one max of a detached array."""
    a = t.array if isinstance(t, Tensor) else np.asarray(t)
    if a.shape and math.prod(a.shape) == 0:
        return
    xp = t.xp if isinstance(t, Tensor) else np
    lo, hi = float(xp.min(a)), float(xp.max(a))
    if not (lo >= 0.0 and hi <= 1.0):
        bad = lo if not lo >= 0.0 else hi
        raise ValueError(f"{op}: all elements of {name} should be between 0 and 1, got {bad}")


def _check_class_weight(op: str, weight: Any, c: int) -> None:
    if weight is None:
        return
    wshape = tuple(getattr(weight, "shape", np.shape(weight)))
    if wshape != (c,):
        raise ValueError(
            f"{op}: expected a class weight of shape ({c},), one per class, got shape {wshape}"
        )


def _check_targets(op: str, xp: Any, t: Any, c: int, ignore_index: Any) -> None:
    """Raise ``IndexError`` for a class index outside ``[0, c)`` other than ``ignore_index``.

    Without it, the one-hot mask has no 1 for such a target: the row silently counts as
    ignored (and JAX gives NaN). The common case costs one min and one max; the ignored
    values are replaced by 0 only when the first look finds something out of range.
    """
    if t.shape and math.prod(t.shape) == 0:
        return
    lo, hi = int(xp.min(t)), int(xp.max(t))
    if lo >= 0 and hi < c:
        return
    if ignore_index is not None:
        t = xp.where(t == ignore_index, xp.zeros_like(t), t)
        lo, hi = int(xp.min(t)), int(xp.max(t))
        if lo >= 0 and hi < c:
            return
    ignored = "" if ignore_index is None else f", or ignore_index={ignore_index}"
    raise IndexError(
        f"{op}: target {lo if lo < 0 else hi} is out of bounds for {c} classes (expected "
        f"class indices in [0, {c - 1}]{ignored})"
    )


def _check_reduction(reduction: str, op: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{op}: reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def _as_target(input: Any, target: Any) -> Any:  # noqa: A002
    """A target array of another library becomes a Tensor of the input's backend (what
    ``input - target`` does); Tensors and Python numbers pass unchanged."""
    if isinstance(target, Tensor) or not hasattr(target, "shape"):
        return target
    return _ag.asarray(target, backend=input._backend, device=input.device)


class _PointwiseLoss(Function):
    """A loss of ``(input, target)`` computed elementwise, then reduced, as one node.

    A subclass gives ``loss(xp, x, t, *extra, **params)`` and ``grads(xp, x, t, *extra,
    **params)``, the elementwise derivatives ``(dloss/dx, dloss/dt)``, both in xp
    functions and operators only. ``extra`` are constant arrays (weights) or ``None``.
    """

    @staticmethod
    def forward(ctx: Any, x: Any, t: Any, *extra: Any, reduction: str, **params: Any) -> Any:
        xp = ctx.xp
        ctx.save_for_backward(x, t, *extra)
        ctx.reduction, ctx.params = reduction, params
        a, b = promote_operands(xp, x, t)
        loss = type(ctx).loss(xp, a, b, *extra, **params)
        if reduction == "none":
            return loss
        if reduction == "sum":
            return xp.sum(loss)
        ctx.numel = max(math.prod(loss.shape), 1)
        return xp.mean(loss)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, t, *extra = ctx.saved_tensors
        xp = ctx.xp
        if not ctx.create_graph:  # Tensors promote by themselves
            x, t = promote_operands(xp, x, t)
        g = gy / ctx.numel if ctx.reduction == "mean" else gy
        gx, gt = type(ctx).grads(xp, x, t, *extra, **ctx.params)
        needs = ctx.needs_input_grad
        return (gx * g if needs[0] else None, gt * g if needs[1] else None) + (None,) * len(extra)


class MseLoss(_PointwiseLoss):
    @staticmethod
    def loss(xp: Any, x: Any, t: Any) -> Any:
        d = x - t
        return d * d

    @staticmethod
    def grads(xp: Any, x: Any, t: Any) -> tuple:
        gx = 2.0 * (x - t)
        return gx, -gx


def _weighted(op: str, input: Any, loss: Any, weight: Any, reduction: str) -> Any:  # noqa: A002
    """``loss * weight`` reduced as PyTorch does: the mean divides by the total weight."""
    if tuple(getattr(weight, "shape", ())) != tuple(input.shape):
        raise ValueError(
            f"{op}: expected a weight of the input's shape {tuple(input.shape)}, got shape "
            f"{tuple(getattr(weight, 'shape', ()))}"
        )
    loss = loss * weight
    if reduction == "mean":
        return _ag.sum(loss) / _ag.sum(weight)
    return _reduce(loss, reduction, op)


def mse_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
             reduction: str = "mean", weight: Any = None) -> Any:
    """Mean squared error (one ``MseLossBackward0`` node, as in PyTorch).

    With ``weight`` (of the input's shape) the mean is ``sum(weight * (input - target)**2)
    / sum(weight)``, as in PyTorch.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.tensor([1.0, 2.0], requires_grad=True)
    >>> loss = F.mse_loss(x, anygrad.tensor([0.0, 0.0]))
    >>> loss.item(), loss.grad_fn.name()
    (2.5, 'MseLossBackward0')
    """
    _same_shape("mse_loss", input, target)
    reduction = _legacy(reduction, size_average, reduce)
    _check_reduction(reduction, "mse_loss")
    if weight is not None:
        d = input - target
        return _weighted("mse_loss", input, d * d, weight, reduction)
    return MseLoss.apply(input, _as_target(input, target), reduction=reduction)


def l1_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
            reduction: str = "mean", weight: Any = None) -> Any:
    """Mean absolute error; composed of ``abs`` and a reduction, as PyTorch records it.

    With ``weight`` (of the input's shape) the mean is ``sum(weight * |input - target|) /
    sum(weight)``, as in PyTorch.
    """
    _same_shape("l1_loss", input, target)
    reduction = _legacy(reduction, size_average, reduce)
    loss = _ag.abs(input - target)
    if weight is not None:
        _check_reduction(reduction, "l1_loss")
        return _weighted("l1_loss", input, loss, weight, reduction)
    return _reduce(loss, reduction, "l1_loss")


class SmoothL1Loss(_PointwiseLoss):
    @staticmethod
    def loss(xp: Any, x: Any, t: Any, beta: float) -> Any:
        a = xp.abs(x - t)
        return xp.where(a < beta, (0.5 / beta) * a * a, a - 0.5 * beta)

    @staticmethod
    def grads(xp: Any, x: Any, t: Any, beta: float) -> tuple:
        d = x - t
        gx = xp.where(xp.abs(d) < beta, d / beta, xp.sign(d))
        return gx, -gx


def smooth_l1_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
                   reduction: str = "mean", beta: float = 1.0) -> Any:
    """Quadratic below ``beta``, linear above (divided by ``beta``); ``beta=0`` is
    ``l1_loss`` (PyTorch's node names in both cases)."""
    _same_shape("smooth_l1_loss", input, target)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    reduction = _legacy(reduction, size_average, reduce)
    if beta == 0.0:
        return _reduce(_ag.abs(input - target), reduction, "smooth_l1_loss")
    _check_reduction(reduction, "smooth_l1_loss")
    return SmoothL1Loss.apply(input, _as_target(input, target), reduction=reduction,
                              beta=float(beta))


class HuberLoss(_PointwiseLoss):
    @staticmethod
    def loss(xp: Any, x: Any, t: Any, delta: float) -> Any:
        a = xp.abs(x - t)
        return xp.where(a < delta, 0.5 * a * a, delta * (a - 0.5 * delta))

    @staticmethod
    def grads(xp: Any, x: Any, t: Any, delta: float) -> tuple:
        d = x - t
        gx = xp.where(xp.abs(d) < delta, d, delta * xp.sign(d))
        return gx, -gx


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0,  # noqa: A002
               weight: Any = None) -> Any:
    """Quadratic below ``delta``, ``delta``-scaled linear above (one ``HuberLossBackward0``
    node; with ``weight``, that node's unreduced loss times the weight, as in PyTorch)."""
    _same_shape("huber_loss", input, target)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    _check_reduction(reduction, "huber_loss")
    target = _as_target(input, target)
    if weight is not None:
        loss = HuberLoss.apply(input, target, reduction="none", delta=float(delta))
        return _reduce(loss * weight, reduction, "huber_loss")
    return HuberLoss.apply(input, target, reduction=reduction, delta=float(delta))


def _class_mask(op: str, input: Any, target: Any, weight: Any, ignore_index: int) -> Any:
    """Constant ``(N, C, ...)`` mask: the target's class weight at its class, else 0."""
    shape = tuple(input.shape)
    if len(shape) < 1:
        raise ValueError(f"{op}: expected an input with a class dimension, got a scalar")
    if not isinstance(target, Tensor):
        target = _ag.asarray(target, backend=input._backend, device=input.device)
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected integer class indices as target, got dtype {target.dtype}")
    tshape = tuple(target.shape)
    if len(shape) == 1:
        expected = ()
    else:
        expected = (shape[0],) + shape[2:]
    if tshape != expected:
        raise ValueError(
            f"{op}: expected target of shape {expected} for input of shape {shape}, got "
            f"{tshape}"
        )
    c = shape[0] if len(shape) == 1 else shape[1]
    xp = input.xp
    t = target.array
    _check_targets(op, xp, t, c, ignore_index)
    _check_class_weight(op, weight, c)
    axis = 0 if len(shape) == 1 else 1
    classes = xp.arange(c, dtype=t.dtype, device=input.device)
    classes = xp.reshape(classes, (c,) + (1,) * (len(shape) - axis - 1))
    hot = xp.expand_dims(t, axis=axis) == classes
    if ignore_index is not None and 0 <= ignore_index < c:
        hot = xp.logical_and(hot, xp.expand_dims(t != ignore_index, axis=axis))
    mask = xp.astype(hot, input.array.dtype)
    wshape = (c,) + (1,) * (len(shape) - axis - 1)
    if isinstance(weight, Tensor) and weight.requires_grad:
        # Class weights that require grad get their gradient through a differentiable mask
        # (PyTorch refuses them); otherwise the mask stays a constant.
        return _ag.asarray(mask, backend=input._backend) * _ag.reshape(weight, wshape), axis
    if weight is not None:
        w = weight.array if isinstance(weight, Tensor) else xp.asarray(weight, dtype=mask.dtype)
        mask = mask * xp.reshape(w, wshape)
    return _ag.asarray(mask, backend=input._backend), axis


class NllLoss(Function):
    """Negative log-likelihood with a constant class mask, as one node.

    The mask holds each target's class weight at its class (0 elsewhere and for ignored
    targets); the loss is ``-sum(input * mask)`` over the class axis, and its gradient
    ``-mask`` times the incoming one, in xp operators only (so it differentiates again).
    """

    @staticmethod
    def forward(ctx: Any, x: Any, mask: Any, *, axis: int, reduction: str) -> Any:
        xp = ctx.xp
        loss = -xp.sum(x * mask, axis=axis)
        ctx.mask, ctx.axis, ctx.reduction = mask, axis, reduction
        if reduction == "none":
            return loss
        total = xp.sum(loss)
        if reduction == "sum":
            return total
        ctx.denom = xp.sum(mask)
        return total / ctx.denom

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        mask = ctx.mask
        if ctx.create_graph:  # the mask enters as a constant Tensor
            mask = xp.asarray(mask)
        if ctx.reduction == "mean":
            g = gy / (xp.asarray(ctx.denom) if ctx.create_graph else ctx.denom)
        elif ctx.reduction == "sum":
            g = gy
        else:
            g = xp.expand_dims(gy, axis=ctx.axis)
        return -(mask * g), None


class _NllLoss2D(NllLoss):
    """PyTorch's name for the node of a 4-d input ``(N, C, H, W)``."""

    def name(self) -> str:
        return "NllLoss2DBackward0"


def _nll(input: Any, mask: Any, axis: int, reduction: str) -> Any:  # noqa: A002
    node = _NllLoss2D if input.ndim == 4 else NllLoss
    return node.apply(input, mask, axis=axis, reduction=reduction)


def nll_loss(input: Any, target: Any, weight: Any = None, size_average: Any = None,  # noqa: A002
             ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> Any:
    """Negative log-likelihood of class indices given log-probabilities ``(N, C, ...)``.

    With ``reduction='mean'`` the sum is divided by the total weight of the non-ignored
    targets (PyTorch's rule). One ``NllLossBackward0`` node (``NllLoss2DBackward0`` for
    a 4-d input), as in PyTorch.
    """
    reduction = _legacy(reduction, size_average, reduce)
    mask, axis = _class_mask("nll_loss", input, target, weight, ignore_index)
    _check_reduction(reduction, "nll_loss")
    if not mask.requires_grad:
        return _nll(input, mask.array, axis, reduction)
    loss = -_ag.sum(input * mask, axis=axis)
    if reduction == "mean":
        return _ag.sum(loss) / _ag.sum(mask)
    return _reduce(loss, reduction, "nll_loss")


def cross_entropy(input: Any, target: Any, weight: Any = None, size_average: Any = None,  # noqa: A002
                  ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Any:
    """Cross-entropy of logits ``(N, C, ...)`` with class indices or class probabilities.

    With class indices it is ``nll_loss(log_softmax(input, 1), target)``: a
    ``NllLossBackward0`` node over a ``LogSoftmaxBackward0`` node, the graph PyTorch
    records.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.zeros(2, 4, requires_grad=True)
    >>> loss = F.cross_entropy(x, anygrad.tensor([1, 3]))
    >>> round(loss.item(), 4)
    1.3863
    >>> loss.grad_fn.name(), loss.grad_fn.next_functions[0][0].name()
    ('NllLossBackward0', 'LogSoftmaxBackward0')
    """
    reduction = _legacy(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    shape = tuple(input.shape)
    axis = 0 if len(shape) == 1 else 1
    c = shape[axis]
    wshape = (c,) + (1,) * (len(shape) - axis - 1)
    if isinstance(target, Tensor) and target.dtype.kind == "f":
        if tuple(target.shape) != shape:
            raise ValueError(
                f"cross_entropy: expected probability target of shape {shape}, got "
                f"{tuple(target.shape)}"
            )
        _check_class_weight("cross_entropy", weight, c)
        if label_smoothing > 0:
            target = target * (1.0 - label_smoothing) + label_smoothing / c
        prod = _ag.log_softmax(input, axis=axis) * target
        if weight is not None:
            prod = prod * _ag.reshape(weight, wshape)
        loss = -_ag.sum(prod, axis=axis)
        if reduction == "mean":
            return _ag.sum(loss) / (max(input.numel(), 1) // c)
        return _reduce(loss, reduction, "cross_entropy")
    mask, _ = _class_mask("cross_entropy", input, target, weight, ignore_index)
    if label_smoothing == 0 and not mask.requires_grad:
        _check_reduction(reduction, "cross_entropy")
        return _nll(_ag.log_softmax(input, axis=axis), mask.array, axis, reduction)
    logp = _ag.log_softmax(input, axis=axis)
    loss = -_ag.sum(logp * mask, axis=axis)
    if label_smoothing > 0:
        valid = _valid(input, target, ignore_index, axis)
        sm = logp if weight is None else logp * _ag.reshape(weight, wshape)
        smooth = -_ag.sum(sm, axis=axis) * valid
        loss = loss * (1.0 - label_smoothing) + smooth * (label_smoothing / c)
    if reduction == "mean":
        return _ag.sum(loss) / _ag.sum(mask)
    return _reduce(loss, reduction, "cross_entropy")


def _valid(input: Any, target: Any, ignore_index: int, axis: int) -> Any:
    t = target if isinstance(target, Tensor) else _ag.asarray(target, backend=input._backend)
    xp = input.xp
    v = xp.astype(t.array != ignore_index, input.array.dtype)
    return _ag.asarray(v, backend=input._backend)


def _sigmoid(xp: Any, x: Any) -> Any:
    """Stable logistic function: exp is only taken of ``-|x|`` (no overflow)."""
    pos = x >= 0
    e = xp.exp(xp.where(pos, -x, x))
    p = 1.0 / (1.0 + e)
    return xp.where(pos, p, e * p)


class BinaryCrossEntropy(_PointwiseLoss):
    """Logs clamped at -100 as in PyTorch; the input gradient is PyTorch's
    ``(x - t) / max(x (1 - x), 1e-12)``, finite at 0 and 1."""

    @staticmethod
    def loss(xp: Any, x: Any, t: Any, w: Any) -> Any:
        log_p = xp.maximum(xp.log(x), -100.0)
        log_q = xp.maximum(xp.log(1.0 - x), -100.0)
        loss = -(t * log_p + (1.0 - t) * log_q)
        return loss if w is None else loss * w

    @staticmethod
    def grads(xp: Any, x: Any, t: Any, w: Any) -> tuple:
        gx = (x - t) / xp.maximum(x * (1.0 - x), 1e-12)
        gt = xp.maximum(xp.log(1.0 - x), -100.0) - xp.maximum(xp.log(x), -100.0)
        return (gx, gt) if w is None else (gx * w, gt * w)


def binary_cross_entropy(input: Any, target: Any, weight: Any = None, size_average: Any = None,  # noqa: A002
                         reduce: Any = None, reduction: str = "mean") -> Any:
    """Binary cross-entropy of probabilities; logs are clamped at -100 as in PyTorch.

    One ``BinaryCrossEntropyBackward0`` node; a ``weight`` that requires grad gets its
    gradient through the composed form instead (PyTorch refuses one).

    Raises
    ------
    ValueError
        If ``target``'s shape differs from ``input``'s, or a value of either lies outside
        [0, 1] (PyTorch raises too: such a loss means nothing).
    """
    _exact_shape("binary_cross_entropy", input, target)
    _check_unit_interval("binary_cross_entropy", "input", input)
    _check_unit_interval("binary_cross_entropy", "target", target)
    reduction = _legacy(reduction, size_average, reduce)
    if not (isinstance(weight, Tensor) and weight.requires_grad):
        _check_reduction(reduction, "binary_cross_entropy")
        return BinaryCrossEntropy.apply(input, _as_target(input, target),
                                        _as_target(input, weight), reduction=reduction)
    log_p = _ag.clip(_ag.log(input), -100.0, None)
    log_q = _ag.clip(_ag.log(1.0 - input), -100.0, None)
    loss = -(target * log_p + (1.0 - target) * log_q)
    return _reduce(loss * weight, reduction, "binary_cross_entropy")


def _softplus_neg(xp: Any, x: Any) -> Any:
    """``log(1 + exp(-x))`` without overflow: ``relu(-x) + log(1 + exp(-|x|))``."""
    return xp.maximum(-x, 0.0) + xp.log1p(xp.exp(-xp.abs(x)))


class BinaryCrossEntropyWithLogits(_PointwiseLoss):
    @staticmethod
    def loss(xp: Any, x: Any, t: Any, w: Any, pw: Any) -> Any:
        sp = _softplus_neg(xp, x)
        if pw is None:
            loss = (1.0 - t) * x + sp
        else:
            loss = (1.0 - t) * x + (1.0 + (pw - 1.0) * t) * sp
        return loss if w is None else loss * w

    @staticmethod
    def grads(xp: Any, x: Any, t: Any, w: Any, pw: Any) -> tuple:
        if pw is None:
            gx, gt = _sigmoid(xp, x) - t, -x
        else:
            gx = (1.0 + (pw - 1.0) * t) * _sigmoid(xp, x) - pw * t
            gt = (pw - 1.0) * _softplus_neg(xp, x) - x
        return (gx, gt) if w is None else (gx * w, gt * w)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,  # noqa: A002
                                     size_average: Any = None, reduce: Any = None,
                                     reduction: str = "mean", pos_weight: Any = None) -> Any:
    """Binary cross-entropy on logits, computed stably through ``softplus(-x)``.

    One ``BinaryCrossEntropyWithLogitsBackward0`` node; a ``weight`` or ``pos_weight``
    that requires grad gets its gradient through the composed form instead (PyTorch
    refuses one).
    """
    _exact_shape("binary_cross_entropy_with_logits", input, target)
    reduction = _legacy(reduction, size_average, reduce)
    if not any(isinstance(w, Tensor) and w.requires_grad for w in (weight, pos_weight)):
        _check_reduction(reduction, "binary_cross_entropy_with_logits")
        return BinaryCrossEntropyWithLogits.apply(
            input, _as_target(input, target), _as_target(input, weight),
            _as_target(input, pos_weight), reduction=reduction)
    sp = _ag.relu(-input) + _ag.log1p(_ag.exp(-_ag.abs(input)))
    if pos_weight is not None:
        loss = (1.0 - target) * input + (1.0 + (pos_weight - 1.0) * target) * sp
    else:
        loss = (1.0 - target) * input + sp
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def kl_div(input: Any, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
           reduction: str = "mean", log_target: bool = False) -> Any:
    """Kullback-Leibler divergence with ``input`` as log-probabilities.

    ``reduction='batchmean'`` divides the sum by the batch size (the mathematically
    correct KL divergence); ``'mean'`` averages over all elements, as PyTorch does.
    """
    reduction = _legacy(reduction, size_average, reduce)
    if log_target:
        loss = _ag.exp(target) * (target - input)
    else:
        positive = target > 0
        safe = _ag.where(positive, target, _ag.ones_like(target))
        loss = target * _ag.log(safe) - target * input
    if reduction == "batchmean":
        return _ag.sum(loss) / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction, "kl_div")


class SoftMarginLoss(_PointwiseLoss):
    @staticmethod
    def loss(xp: Any, x: Any, t: Any) -> Any:
        return xp.log1p(xp.exp(-t * x))

    @staticmethod
    def grads(xp: Any, x: Any, t: Any) -> tuple:
        s = _sigmoid(xp, -t * x)
        return -t * s, -x * s


def soft_margin_loss(input: Any, target: Any, size_average: Any = None, reduce: Any = None,  # noqa: A002
                     reduction: str = "mean") -> Any:
    """``log(1 + exp(-target * input))``, targets in {-1, 1}; one ``SoftMarginLossBackward0``
    node."""
    reduction = _legacy(reduction, size_average, reduce)
    _check_reduction(reduction, "soft_margin_loss")
    return SoftMarginLoss.apply(input, _as_target(input, target), reduction=reduction)


def poisson_nll_loss(input: Any, target: Any, log_input: bool = True, full: bool = False,  # noqa: A002
                     size_average: Any = None, eps: float = 1e-8, reduce: Any = None,
                     reduction: str = "mean") -> Any:
    if log_input:
        loss = _ag.exp(input) - target * input
    else:
        loss = input - target * _ag.log(input + eps)
    if full:
        t = target
        stirling = t * _ag.log(_ag.where(t > 1, t, _ag.ones_like(t))) - t + 0.5 * _ag.log(
            2 * 3.141592653589793 * _ag.where(t > 1, t, _ag.ones_like(t)))
        loss = loss + _ag.where(t > 1, stirling, _ag.zeros_like(t))
    return _reduce(loss, _legacy(reduction, size_average, reduce), "poisson_nll_loss")


# -- margin and embedding losses ------------------------------------------------------------
# Composed of differentiable operations, as PyTorch composes most of them: every order of
# derivative comes from their parts.


def _mode(op: str, reduction: str, size_average: Any = None, reduce: Any = None) -> str:
    reduction = _legacy(reduction, size_average, reduce)
    _check_reduction(reduction, op)
    return reduction


def _tensor_like(input: Any, t: Any) -> Any:  # noqa: A002
    """``t`` as a Tensor of ``input``'s backend and device (a Python number included)."""
    if isinstance(t, Tensor):
        return t
    return _ag.asarray(t, backend=input._backend, device=input.device)


def _zeros(t: Any) -> Any:
    return _ag.zeros_like(t)


def cosine_embedding_loss(input1: Any, input2: Any, target: Any, margin: float = 0,  # noqa: A002
                          size_average: Any = None, reduce: Any = None,
                          reduction: str = "mean") -> Any:
    """``1 - cos(input1, input2)`` where ``target == 1``, ``max(0, cos - margin)`` where
    ``target == -1``, the cosine taken along the last dimension.

    Inputs are ``(N, D)`` with a ``(N,)`` target, or ``(D,)`` with a 0-d target.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> a = anygrad.tensor([[1.0, 0.0], [1.0, 0.0]])
    >>> b = anygrad.tensor([[0.0, 1.0], [1.0, 1.0]])
    >>> F.cosine_embedding_loss(a, b, anygrad.tensor([1, -1]), reduction="none")
    tensor([1.0000, 0.7071])
    """
    op = "cosine_embedding_loss"
    reduction = _mode(op, reduction, size_average, reduce)
    target = _tensor_like(input1, target)
    tdim = target.ndim
    if tdim not in (0, 1):
        raise RuntimeError(f"{op}: expected a 0D or 1D target, got a {tdim}D target "
                           "(multi-target is not supported)")
    need = tdim + 1
    if input1.ndim != need or input2.ndim != need:
        raise RuntimeError(
            f"{op}: a {tdim}D target expects {need}D inputs, got inputs of shapes "
            f"{tuple(input1.shape)} and {tuple(input2.shape)}"
        )
    axis = need - 1
    # PyTorch's EPSILON on each squared magnitude: a zero vector gives cos = 0, not NaN.
    m1 = _ag.sum(input1 * input1, axis=axis) + 1e-12
    m2 = _ag.sum(input2 * input2, axis=axis) + 1e-12
    cos = _ag.sum(input1 * input2, axis=axis) / _ag.sqrt(m1 * m2)
    zeros = _zeros(cos)
    loss = (_ag.where(target == 1, 1.0 - cos, zeros)
            + _ag.where(target == -1, _ag.clip(cos - margin, 0.0, None), zeros))
    return _reduce(loss, reduction, op)


def gaussian_nll_loss(input: Any, target: Any, var: Any, full: bool = False,  # noqa: A002
                      eps: float = 1e-6, reduction: str = "mean") -> Any:
    """Negative log-likelihood of ``target`` under a Gaussian of mean ``input`` and variance
    ``var``: ``0.5 * (log(var) + (input - target)**2 / var)`` (plus ``0.5 * log(2 pi)``
    with ``full``).

    ``var`` has the input's shape, one dimension fewer (the last), a 1 in one dimension
    (one variance shared along it), or is a number. It is clamped to at least ``eps``
    for stability; as in PyTorch, the clamp does not stop the gradient.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.tensor([0.0, 1.0])
    >>> F.gaussian_nll_loss(x, anygrad.tensor([0.0, 3.0]), anygrad.tensor([1.0, 4.0]))
    tensor(0.5966)
    """
    op = "gaussian_nll_loss"
    if not isinstance(var, Tensor) and not hasattr(var, "shape"):
        if var < 0:
            raise ValueError(f"{op}: var has negative entry/entries, got {var}")
        var = _ag.full_like(input, float(var))
    else:
        var = _tensor_like(input, var)
        if var.numel() and bool(_ag.any(var < 0)):
            raise ValueError(f"{op}: var has negative entry/entries")
    ishape, vshape = tuple(input.shape), tuple(var.shape)
    if vshape != ishape:
        if ishape[:-1] == vshape:
            var = _ag.unsqueeze(var, -1)
        elif not (len(ishape) == len(vshape) and sum(
                v for i, v in zip(ishape, vshape) if i != v) == 1):
            raise ValueError(
                f"{op}: var is of incorrect size: expected the input's shape {ishape}, that "
                f"shape without its last dimension, or a 1 in one dimension, got {vshape}"
            )
    _check_reduction(reduction, op)
    fixed = var.detach()
    var = var + (_ag.clip(fixed, eps, None) - fixed)
    d = input - target
    loss = 0.5 * (_ag.log(var) + d * d / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, op)


def hinge_embedding_loss(input: Any, target: Any, margin: float = 1.0,  # noqa: A002
                         size_average: Any = None, reduce: Any = None,
                         reduction: str = "mean") -> Any:
    """``input`` where ``target == 1``, ``max(0, margin - input)`` where ``target == -1``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.tensor([0.3, 0.3])
    >>> F.hinge_embedding_loss(x, anygrad.tensor([1.0, -1.0]), reduction="none")
    tensor([0.3000, 0.7000])
    """
    op = "hinge_embedding_loss"
    reduction = _mode(op, reduction, size_average, reduce)
    target = _tensor_like(input, target)
    zeros = _zeros(input)
    loss = (_ag.where(target != 1, _ag.clip(margin - input, 0.0, None), zeros)
            + _ag.where(target != -1, input, zeros))
    return _reduce(loss, reduction, op)


def margin_ranking_loss(input1: Any, input2: Any, target: Any, margin: float = 0,  # noqa: A002
                        size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Any:
    """``max(0, -target * (input1 - input2) + margin)``: ``target`` 1 means ``input1``
    should rank higher, -1 lower.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> a, b = anygrad.tensor([1.0, 1.0]), anygrad.tensor([0.5, 0.5])
    >>> F.margin_ranking_loss(a, b, anygrad.tensor([1.0, -1.0]), reduction="none")
    tensor([0.0000, 0.5000])
    """
    op = "margin_ranking_loss"
    reduction = _mode(op, reduction, size_average, reduce)
    target = _tensor_like(input1, target)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            f"{op}: all input tensors should have the same dimension, got sizes input1: "
            f"{tuple(input1.shape)}, input2: {tuple(input2.shape)}, target: "
            f"{tuple(target.shape)}"
        )
    loss = _ag.clip(-target * (input1 - input2) + margin, 0.0, None)
    return _reduce(loss, reduction, op)


def _class_targets(op: str, input: Any, target: Any) -> tuple:  # noqa: A002
    """``(x, t, shape)``: the input as ``(N, C)``, the target's backend array as ``(N,)``
    and the per-sample loss shape (the target's), for a vector or matrix input."""
    ishape = tuple(input.shape)
    if len(ishape) > 2 or 0 in ishape[1:] or (len(ishape) == 1 and ishape[0] == 0):
        raise RuntimeError(
            f"{op}: expected a non-empty vector or matrix (with an optional 0-size batch) "
            f"as input, got shape {ishape}"
        )
    target = _tensor_like(input, target)
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected integer class indices as target, got dtype "
                        f"{target.dtype}")
    n = ishape[0] if len(ishape) == 2 else 1
    tshape = tuple(target.shape)
    if math.prod(tshape) != n or len(tshape) > 1 or (len(ishape) == 2 and tshape != (n,)):
        raise RuntimeError(
            f"{op}: inconsistent target size: {tshape} for input of size {ishape}"
        )
    c = ishape[-1]
    t = input.xp.reshape(target.array, (n,))
    _check_targets(op, input.xp, t, c, None)
    return _ag.reshape(input, (n, c)), t, tshape


def multi_margin_loss(input: Any, target: Any, p: int = 1, margin: float = 1.0,  # noqa: A002
                      weight: Any = None, size_average: Any = None, reduce: Any = None,
                      reduction: str = "mean") -> Any:
    """Multi-class hinge loss: for each sample, ``sum over i != y of max(0, margin - x[y] +
    x[i])**p / C``, times ``weight[y]`` when given (``p`` is 1 or 2).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.tensor([[0.1, 0.2, 0.4, 0.8]])
    >>> F.multi_margin_loss(x, anygrad.tensor([3]))
    tensor(0.3250)
    """
    op = "multi_margin_loss"
    reduction = _mode(op, reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError(f"{op}: only p == 1 and p == 2 supported, got p={p}")
    if weight is not None and getattr(weight, "ndim", None) != 1:
        raise ValueError(f"{op}: weight must be one-dimensional, got shape "
                         f"{tuple(getattr(weight, 'shape', ()))}")
    x, t, tshape = _class_targets(op, input, target)
    n, c = tuple(x.shape)
    xp = input.xp
    classes = xp.arange(c, dtype=t.dtype, device=input.device)
    hot = xp.astype(xp.expand_dims(t, axis=1) == classes, input.array.dtype)
    mask = _ag.asarray(hot, backend=input._backend)
    x_target = _ag.sum(x * mask, axis=1, keepdims=True)
    h = _ag.relu(margin - x_target + x)
    if p == 2:
        h = h * h
    h = h * (1.0 - mask)
    if weight is not None:
        weight = _tensor_like(input, weight)
        if tuple(weight.shape) != (c,):
            raise ValueError(f"{op}: expected a weight of shape ({c},), one per class, got "
                             f"{tuple(weight.shape)}")
        h = h * _ag.reshape(_ag.take(weight, _ag.asarray(t, backend=input._backend), axis=0),
                            (n, 1))
    loss = _ag.reshape(_ag.sum(h, axis=1) / c, tshape)
    return _reduce(loss, reduction, op)


def multilabel_margin_loss(input: Any, target: Any, size_average: Any = None,  # noqa: A002
                           reduce: Any = None, reduction: str = "mean") -> Any:
    """Multi-label hinge loss: for each sample, ``sum over labels j and non-labels k of
    max(0, 1 - (x[j] - x[k])) / C``.

    ``target`` has the input's shape and holds the label indices, ended by the first -1
    (later entries are ignored).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.tensor([[0.1, 0.2, 0.4, 0.8]])
    >>> F.multilabel_margin_loss(x, anygrad.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    op = "multilabel_margin_loss"
    reduction = _mode(op, reduction, size_average, reduce)
    ishape = tuple(input.shape)
    target = _tensor_like(input, target)
    if len(ishape) > 2 or (len(ishape) >= 1 and ishape[-1] == 0):
        raise RuntimeError(f"{op}: expected a non-empty vector or matrix as input, got shape "
                           f"{ishape}")
    if tuple(target.shape) != ishape:
        raise RuntimeError(f"{op}: inconsistent target size: {tuple(target.shape)} for input "
                           f"of size {ishape}")
    if target.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected integer class indices as target, got dtype "
                        f"{target.dtype}")
    c = ishape[-1] if ishape else 1
    n = math.prod(ishape) // c
    xp = input.xp
    t = xp.reshape(target.array, (n, c))
    if n:
        lo, hi = int(xp.min(t)), int(xp.max(t))
        if lo < -1 or hi >= c:
            raise IndexError(f"{op}: target {lo if lo < -1 else hi} is out of range (expected "
                             f"class indices in [0, {c - 1}], or -1 to end the labels)")
    dev = input.device
    positions = xp.arange(c, device=dev)
    ended = xp.astype(t == -1, xp.int32)
    stop = xp.where(xp.max(ended, axis=1) > 0, xp.argmax(ended, axis=1),
                    xp.full((n,), c, dtype=positions.dtype, device=dev))
    listed = xp.expand_dims(positions, axis=0) < xp.expand_dims(stop, axis=1)   # (N, C)
    classes = xp.astype(positions, t.dtype)
    hits = xp.logical_and(xp.expand_dims(t, axis=2) == classes, xp.expand_dims(listed, axis=2))
    dtype = input.array.dtype
    count = xp.sum(xp.astype(hits, dtype), axis=1)            # (N, C): times j is listed
    others = xp.astype(count == 0, dtype)                      # (N, C): the non-labels k
    pair = _ag.asarray(xp.expand_dims(count, axis=2) * xp.expand_dims(others, axis=1),
                       backend=input._backend)
    x = _ag.reshape(input, (n, c))
    z = _ag.relu(1.0 - _ag.unsqueeze(x, 2) + _ag.unsqueeze(x, 1))   # z[n, j, k]
    loss = _ag.sum(z * pair, axis=(1, 2)) / c
    loss = _ag.reshape(loss, ishape[:-1] if len(ishape) == 2 else ())
    return _reduce(loss, reduction, op)


def multilabel_soft_margin_loss(input: Any, target: Any, weight: Any = None,  # noqa: A002
                                size_average: Any = None, reduce: Any = None,
                                reduction: str = "mean") -> Any:
    """Multi-label one-versus-all logistic loss, averaged over the ``C`` classes (the
    last dimension): ``-mean_c(t * log sigmoid(x) + (1 - t) * log sigmoid(-x))``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.tensor([[0.0, 0.0]])
    >>> F.multilabel_soft_margin_loss(x, anygrad.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    op = "multilabel_soft_margin_loss"
    reduction = _mode(op, reduction, size_average, reduce)
    loss = -(target * _ag.logsigmoid(input) + (1 - target) * _ag.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    axis = input.ndim - 1
    loss = _ag.sum(loss, axis=axis) / input.shape[axis]
    return _reduce(loss, reduction, op)


def _same_ndim(op: str, anchor: Any, positive: Any, negative: Any) -> None:
    a, p, n = anchor.ndim, positive.ndim, negative.ndim
    if not a == p == n:
        raise RuntimeError(
            f"{op}: the anchor, positive, and negative tensors are expected to have the same "
            f"number of dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D "
            "inputs"
        )


def triplet_margin_loss(anchor: Any, positive: Any, negative: Any, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: Any = None, reduce: Any = None,
                        reduction: str = "mean") -> Any:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with ``d`` the
    :func:`pairwise_distance` of norm ``p``; ``swap`` uses ``d(positive, negative)`` when
    it is smaller (Balntas et al., 2016).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> a = anygrad.tensor([[0.0, 0.0]])
    >>> F.triplet_margin_loss(a, anygrad.tensor([[0.0, 1.0]]), anygrad.tensor([[0.0, 1.5]]))
    tensor(0.5000)
    """
    op = "triplet_margin_loss"
    reduction = _mode(op, reduction, size_average, reduce)
    _same_ndim(op, anchor, positive, negative)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _ag.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(_ag.clip(margin + d_pos - d_neg, 0.0, None), reduction, op)


def triplet_margin_with_distance_loss(anchor: Any, positive: Any, negative: Any, *,
                                      distance_function: Any = None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Any:
    """:func:`triplet_margin_loss` with any ``distance_function(x1, x2)`` (default
    :func:`pairwise_distance`).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> a = anygrad.tensor([[1.0, 0.0]])
    >>> cos = lambda x, y: 1.0 - F.cosine_similarity(x, y)
    >>> F.triplet_margin_with_distance_loss(a, a, anygrad.tensor([[0.0, 1.0]]),
    ...                                     distance_function=cos, margin=2.0)
    tensor(1.)
    """
    op = "triplet_margin_with_distance_loss"
    _check_reduction(reduction, op)
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    _same_ndim(op, anchor, positive, negative)
    dist = pairwise_distance if distance_function is None else distance_function
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = _ag.minimum(d_neg, dist(positive, negative))
    return _reduce(_ag.clip(margin + d_pos - d_neg, 0.0, None), reduction, op)


def linear_cross_entropy(input: Any, linear_weight: Any, target: Any, *,  # noqa: A002
                         linear_bias: Any = None, weight: Any = None, reduction: str = "mean",
                         ignore_index: int | None = None, label_smoothing: float = 0.0,
                         options: Any = None) -> Any:
    """:func:`cross_entropy` of the logits ``linear(input, linear_weight, linear_bias)``.

    ``input`` is ``(in_features,)`` or ``(N, in_features)``; ``linear_weight`` is ``(C,
    in_features)``, or ``(C, d_1, ..., d_K, in_features)`` for a K-dimensional loss (logits
    ``(N, C, d_1, ..., d_K)``). ``ignore_index=None`` means -100 for class indices.
    ``options`` (PyTorch's chunking strategy, a memory optimisation) is accepted and does
    not change the result: the logits are computed whole.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> w = anygrad.zeros(3, 2)
    >>> round(F.linear_cross_entropy(x, w, anygrad.tensor([0, 2])).item(), 4)
    1.0986
    """
    op = "linear_cross_entropy"
    if input.ndim not in (1, 2):
        raise RuntimeError(f"{op}: expected input with dimensionality 1 or 2, got {input.ndim}")
    wshape = tuple(linear_weight.shape)
    if len(wshape) < 2:
        raise RuntimeError(f"{op}: expected linear_weight with dimensionality at least 2, got "
                           f"{len(wshape)}")
    batch, in_features = tuple(input.shape[:-1]), input.shape[-1]
    if in_features != wshape[-1]:
        raise RuntimeError(
            f"{op}: expected equal input and linear_weight last dimensions (in_features), got "
            f"{in_features} and {wshape[-1]}, respectively"
        )
    c, out_features = wshape[0], wshape[1:-1]
    if linear_bias is not None and tuple(linear_bias.shape) != (c, *out_features):
        raise RuntimeError(f"{op}: expected linear_bias shape {(c, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not batch:
        raise RuntimeError(
            f"{op}: K-dimensional loss defined by linear_weight shape {wshape} requires "
            f"batched input, (N, {in_features}), got unbatched input with shape "
            f"{tuple(input.shape)}"
        )
    logits_shape = (*batch, c, *out_features)
    if tuple(getattr(target, "shape", ())) == logits_shape and ignore_index is not None:
        raise RuntimeError(f"{op}: ignore_index cannot be specified when target contains "
                           "probabilities")
    if out_features:
        n = math.prod(out_features) * c
        linear_weight = _ag.reshape(linear_weight, (n, in_features))
        if linear_bias is not None:
            linear_bias = _ag.reshape(linear_bias, (n,))
    logits = linear(input, linear_weight, linear_bias)
    if out_features:
        logits = _ag.reshape(logits, logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)


# -- registry entries (references and structured inputs: anygrad/testing/_references.py) --


_REDUCTIONS = ({}, {"reduction": "sum"}, {"reduction": "none"})

register(OpSpec("nn.functional.mse_loss", mse_loss, nin=2, shapes="same", kwargs=_REDUCTIONS,
                ref=None,
                category="nn_loss"))
register(OpSpec("nn.functional.l1_loss", l1_loss, nin=2, make_inputs=None,
                kwargs=_REDUCTIONS, category="nn_loss", notes="gradient 0 where input == target",
                ref=None))


register(OpSpec("nn.functional.smooth_l1_loss", smooth_l1_loss, nin=2, ref=None,
                make_inputs=None, category="nn_loss",
                kwargs=({}, {"beta": 0.5, "reduction": "sum"}, {"beta": 0.0, "reduction": "none"}),
                notes="second derivative jumps at |input - target| == beta"))


register(OpSpec("nn.functional.huber_loss", huber_loss, nin=2, ref=None,
                make_inputs=None, category="nn_loss",
                kwargs=({}, {"delta": 0.5, "reduction": "none"}),
                notes="second derivative jumps at |input - target| == delta"))


_CROSS_ENTROPY_KWARGS = (
    {},                                                 # class indices
    {"ignore_index": 1, "label_smoothing": 0.2},        # indices, class weights, (N, C, d)
    {"reduction": "none"},                              # class probabilities
    {"reduction": "sum", "label_smoothing": 0.1},       # probabilities, class weights
)


register(OpSpec(
    "nn.functional.cross_entropy", cross_entropy, nin=2, ref=None,
    kwargs=_CROSS_ENTROPY_KWARGS, make_inputs=None, category="nn_loss",
    notes="class indices (an integer input, no gradient) or class probabilities (with a "
          "gradient); optional class weights get a gradient too"))


register(OpSpec(
    "nn.functional.nll_loss", nll_loss, nin=2, make_inputs=None, category="nn_loss",
    ref=None,
    kwargs=({}, {"reduction": "none"}, {"ignore_index": 0}),
    notes="class indices are an integer input (no gradient); class weights get a gradient"))


register(OpSpec(
    "nn.functional.binary_cross_entropy", binary_cross_entropy, nin=2, ref=None,
    make_inputs=None, kwargs=({}, {"reduction": "sum"}, {"reduction": "none"}),
    category="nn_loss", notes="probabilities inside (0, 1); soft targets and weights get a "
                              "gradient"))


def _bce_logits_case(x: Any, t: Any, weight: Any = None, pos_weight: Any = None,
                     **kwargs: Any) -> Any:
    return binary_cross_entropy_with_logits(x, t, weight, pos_weight=pos_weight, **kwargs)


register(OpSpec(
    "nn.functional.binary_cross_entropy_with_logits", binary_cross_entropy_with_logits,
    harness=_bce_logits_case, nin=2,
    ref=None, make_inputs=None,
    kwargs=({}, {"reduction": "sum"}, {"reduction": "none"}), category="nn_loss",
    notes="the second variant passes weight and pos_weight (both get a gradient)"))


register(OpSpec(
    "nn.functional.kl_div", kl_div, nin=2, ref=None, make_inputs=None,
    kwargs=({"reduction": "batchmean"}, {"reduction": "sum", "log_target": True},
            {"reduction": "none"}),
    category="nn_loss", notes="target > 0 (the gradient in the target is infinite at 0)"))


register(OpSpec(
    "nn.functional.soft_margin_loss", soft_margin_loss, nin=2, make_inputs=None,
    ref=None,
    kwargs=({}, {"reduction": "none"}), category="nn_loss", notes="targets in {-1, 1}"))


register(OpSpec(
    "nn.functional.poisson_nll_loss", poisson_nll_loss, nin=2, ref=None,
    make_inputs=None, grad_inputs=(0,),
    kwargs=({}, {"log_input": False, "full": True, "reduction": "sum"}), category="nn_loss",
    notes="gradient in the input only (Stirling's term jumps at target == 1)"))


register(OpSpec(
    "nn.functional.cosine_embedding_loss", cosine_embedding_loss, nin=3, ref=None,
    make_inputs=None, category="nn_loss",
    kwargs=({}, {"margin": 0.3, "reduction": "sum"}, {"reduction": "none"}),
    notes="targets in {-1, 1} (an integer input)"))

register(OpSpec(
    "nn.functional.gaussian_nll_loss", gaussian_nll_loss, nin=3, ref=None, make_inputs=None,
    category="nn_loss", kwargs=({}, {"full": True, "reduction": "sum"}, {"reduction": "none"}),
    notes="the second variant shares one variance along the last dimension; the variance "
          "gets a gradient"))

register(OpSpec(
    "nn.functional.hinge_embedding_loss", hinge_embedding_loss, nin=2, ref=None,
    make_inputs=None, category="nn_loss", grad_inputs=(0,),
    kwargs=({}, {"margin": 0.5, "reduction": "sum"}, {"reduction": "none"}),
    notes="targets in {-1, 1}"))

register(OpSpec(
    "nn.functional.margin_ranking_loss", margin_ranking_loss, nin=3, ref=None,
    make_inputs=None, category="nn_loss", grad_inputs=(0, 1),
    kwargs=({}, {"margin": 0.5, "reduction": "sum"}, {"reduction": "none"}),
    notes="targets in {-1, 1}"))


def _multi_margin_case(x: Any, t: Any, w: Any = None, **kwargs: Any) -> Any:
    return multi_margin_loss(x, t, weight=w, **kwargs)


register(OpSpec(
    "nn.functional.multi_margin_loss", multi_margin_loss, nin=2, ref=None, make_inputs=None,
    harness=_multi_margin_case, category="nn_loss",
    kwargs=({}, {"p": 2, "margin": 0.5, "reduction": "sum"}, {"reduction": "none"}),
    notes="class indices are an integer input; the third variant passes class weights "
          "(with a gradient)"))

register(OpSpec(
    "nn.functional.multilabel_margin_loss", multilabel_margin_loss, nin=2, ref=None,
    make_inputs=None, category="nn_loss", kwargs=({}, {"reduction": "none"}),
    notes="label indices are an integer input, ended by -1; a repeated label counts again"))

register(OpSpec(
    "nn.functional.multilabel_soft_margin_loss", multilabel_soft_margin_loss, nin=2, ref=None,
    make_inputs=None, category="nn_loss", kwargs=({}, {"reduction": "none"}),
    notes="soft targets get a gradient; the second variant passes class weights"))

register(OpSpec(
    "nn.functional.triplet_margin_loss", triplet_margin_loss, nin=3, ref=None,
    make_inputs=None, category="nn_loss",
    kwargs=({}, {"p": 1, "swap": True, "margin": 0.5, "reduction": "sum"},
            {"reduction": "none"})))

register(OpSpec(
    "nn.functional.triplet_margin_with_distance_loss", triplet_margin_with_distance_loss,
    nin=3, ref=None, make_inputs=None, category="nn_loss",
    kwargs=({}, {"swap": True, "margin": 0.5, "reduction": "none"}),
    notes="the default distance (pairwise_distance); a custom one is checked in tests/nn"))


register(OpSpec(
    "nn.functional.linear_cross_entropy", linear_cross_entropy, nin=3, ref=None,
    make_inputs=None, category="nn_loss",
    kwargs=({}, {"reduction": "sum", "label_smoothing": 0.1}, {"reduction": "none"}),
    notes="class indices (an integer input) or, in the third variant, class probabilities "
          "with a (C, d, in_features) weight (a K-dimensional loss)"))
