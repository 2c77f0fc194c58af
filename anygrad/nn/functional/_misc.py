"""Dropout, embedding, padding, one-hot encoding and vector similarities."""

from __future__ import annotations

from typing import Any

import numpy as np

import anygrad as _ag

from ...autograd.function import Function
from ...ops._inplace import inplace as _inplace
from ...ops._registry import OpSpec, register
from ...ops._operands import check_index_range
from ...random import host_generator
from ...tensor import Tensor
from ._util import crop_axis, pad_axis

__all__ = [
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
    "embedding", "embedding_bag", "pad", "one_hot", "cosine_similarity", "normalize",
    "pairwise_distance",
]


def _keep_mask(x: Any, p: float, shape: tuple, generator: Any) -> Any:
    """A ``1/(1-p)``-scaled keep mask drawn on the host (one seed, same mask everywhere)."""
    keep = (host_generator(generator).random(shape) >= p).astype(np.float64) / (1.0 - p)
    return _ag.asarray(keep, dtype=x.dtype, backend=x._backend, device=x.device)


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False,  # noqa: A002
            *, generator: Any = None) -> Any:
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)``.

    The mask is drawn with anygrad's seeded host generator, so ``anygrad.manual_seed``
    makes it reproducible on every backend.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability has to be between 0 and 1, got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        y = input * 0.0
    else:
        y = input * _keep_mask(input, p, tuple(input.shape), generator)
    return _inplace(input, y, "dropout_") if inplace else y


def _channel_dropout(op: str, input: Any, p: float, training: bool, inplace: bool, spatial: int,
                     generator: Any) -> Any:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: probability has to be between 0 and 1, got {p}")
    if not training or p == 0.0:
        return input
    shape = tuple(input.shape)
    mshape = shape[:-spatial] + (1,) * spatial
    y = input * 0.0 if p == 1.0 else input * _keep_mask(input, p, mshape, generator)
    return _inplace(input, y, op + "_") if inplace else y


def dropout1d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False,  # noqa: A002
              *, generator: Any = None) -> Any:
    """Zero whole channels of ``(N, C, L)``."""
    return _channel_dropout("dropout1d", input, p, training, inplace, 1, generator)


def dropout2d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False,  # noqa: A002
              *, generator: Any = None) -> Any:
    """Zero whole channels of ``(N, C, H, W)``."""
    return _channel_dropout("dropout2d", input, p, training, inplace, 2, generator)


def dropout3d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False,  # noqa: A002
              *, generator: Any = None) -> Any:
    """Zero whole channels of ``(N, C, D, H, W)`` (or unbatched ``(C, D, H, W)``).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.dropout3d(anygrad.ones(1, 2, 1, 1, 1), 0.5, training=False).flatten().tolist()
    [1.0, 1.0]
    """
    if input.ndim not in (4, 5):
        raise ValueError(f"dropout3d: expected a 4-D or 5-D input (N, C, D, H, W), got shape "
                         f"{tuple(input.shape)}")
    return _channel_dropout("dropout3d", input, p, training, inplace, 3, generator)


def _alpha(op: str, input: Any, p: float, training: bool, inplace: bool, mshape: tuple,  # noqa: A002
           generator: Any) -> Any:
    """SELU-preserving dropout with a keep mask of shape ``mshape`` (broadcast to input)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: probability has to be between 0 and 1, got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        y = input * 0.0
    else:
        alpha = -1.7580993408473766
        keep = host_generator(generator).random(mshape) >= p
        a = ((1 - p) * (1 + p * alpha ** 2)) ** -0.5
        b = -a * alpha * p
        kw = dict(dtype=input.dtype, backend=input._backend, device=input.device)
        m = _ag.asarray(keep.astype(np.float64), **kw)
        y = (input * m + alpha * (1.0 - m)) * a + b
    return _inplace(input, y, op + "_") if inplace else y


def alpha_dropout(input: Any, p: float = 0.5, training: bool = False, inplace: bool = False,  # noqa: A002
                  *, generator: Any = None) -> Any:
    """Dropout that keeps SELU's self-normalising mean and variance."""
    return _alpha("alpha_dropout", input, p, training, inplace, tuple(input.shape), generator)


def feature_alpha_dropout(input: Any, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False, *, generator: Any = None) -> Any:
    """Alpha dropout of whole channels: one keep decision per ``(sample, channel)``.

    Dropped channels take SELU's negative saturation value; the result is rescaled so that
    SELU's self-normalising mean and variance are kept.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.feature_alpha_dropout(anygrad.ones(2, 3, 4), 0.5).shape  # training=False: identity
    anygrad.Size([2, 3, 4])
    """
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise ValueError(f"feature_alpha_dropout: expected an input of at least 2 dimensions "
                         f"(N, C, ...), got shape {shape}")
    return _alpha("feature_alpha_dropout", input, p, training, inplace,
                  shape[:2] + (1,) * (len(shape) - 2), generator)


def embedding(input: Any, weight: Any, padding_idx: int | None = None,  # noqa: A002
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Any:
    """Rows of ``weight`` selected by the integer tensor ``input``.

    The row ``padding_idx`` receives no gradient (its value is returned as is).
    """
    if not isinstance(input, Tensor):
        input = _ag.asarray(input, backend=weight._backend, device=weight.device)
    if input.dtype.kind not in "iu":
        raise TypeError(f"embedding: expected an integer index tensor, got dtype {input.dtype}")
    if weight.ndim != 2:
        raise ValueError(f"embedding: expected a 2-D weight (rows, features), got shape {tuple(weight.shape)}")
    if max_norm is not None:
        _renorm_(weight, input, max_norm, norm_type)
    if input._backend is not weight._backend:
        raise TypeError(f"embedding: the indices have backend {input.backend!r} but the weight "
                        f"has backend {weight.backend!r}")
    n = weight.shape[0]
    # PyTorch refuses negative rows here (no counting from the end).
    check_index_range(input.xp, input._data, n, "embedding", negative=False)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    return EmbeddingFn.apply(weight, input._data, padding_idx, bool(scale_grad_by_freq))


class EmbeddingFn(Function):
    """Row lookup as one node (``EmbeddingBackward0``, PyTorch's name); the backward adds
    each output row's gradient into its weight row, none into ``padding_idx``'s."""

    @staticmethod
    def forward(ctx: Any, w: Any, idx: Any, padding_idx: Any, by_freq: bool) -> Any:
        xp = ctx.xp
        ctx.idx, ctx.rows, ctx.padding_idx = idx, w.shape[0], padding_idx
        ctx.by_freq, ctx.wdtype = by_freq, w.dtype
        y = xp.take(w, xp.reshape(idx, (-1,)), axis=0)
        return xp.reshape(y, tuple(idx.shape) + (w.shape[1],))

    def name(self) -> str:
        return "EmbeddingBackward0"

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        from ...ops.indexing import _scatter_any

        xp, raw = ctx.xp, ctx._backend.xp
        flat = raw.reshape(ctx.idx, (-1,))
        g = xp.reshape(gy, (-1, gy.shape[-1]))
        if ctx.by_freq:
            # scale_grad_by_freq: each row's gradient divided by its count in the batch.
            vals, counts = raw.unique_counts(flat)
            per = raw.take(counts, raw.searchsorted(vals, flat), axis=0)
            inv = raw.reshape(1.0 / raw.astype(per, ctx.wdtype), (-1, 1))
            g = g * (_ag.asarray(inv, backend=ctx._backend) if isinstance(g, Tensor) else inv)
        if ctx.padding_idx is not None:
            keep = raw.nonzero(flat != ctx.padding_idx)[0]
            flat = raw.take(flat, keep, axis=0)
            g = xp.take(g, keep, axis=0)
        zeros = xp.zeros((ctx.rows, gy.shape[-1]), dtype=gy.dtype, device=gy.device)
        return _scatter_any(raw, zeros, 0, flat, g), None, None, None


def _renorm_(weight: Any, idx: Any, max_norm: float, norm_type: float) -> None:
    w = weight.detach().numpy().astype(np.float64)
    used = np.unique(idx.detach().numpy().reshape(-1))
    norms = np.linalg.norm(w[used], ord=norm_type, axis=1)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    w[used] *= scale[:, None]
    with _ag.no_grad():
        weight.copy_(_ag.asarray(w, dtype=weight.dtype, backend=weight._backend,
                                 device=weight.device))


def _bags(op: str, input: Any, offsets: Any, include_last_offset: bool) -> tuple:
    """Flat indices and each one's bag (host arrays), and the number of bags."""
    idx = input.detach().numpy().astype(np.int64)
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(f"{op}: offsets must be None for a 2-D input (fixed-size bags), got "
                             f"offsets of shape {tuple(offsets.shape)}")
        n, length = idx.shape
        return idx.reshape(-1), np.repeat(np.arange(n), length), n
    if idx.ndim != 1:
        raise ValueError(f"{op}: expected a 1-D input with offsets or a 2-D input (bags, "
                         f"indices), got shape {idx.shape}")
    if offsets is None or offsets.ndim != 1:
        raise ValueError(f"{op}: expected 1-D offsets for a 1-D input, got "
                         f"{None if offsets is None else tuple(offsets.shape)}")
    off = offsets.detach().numpy().astype(np.int64) if isinstance(offsets, Tensor) else np.asarray(
        offsets, dtype=np.int64)
    if off.size and (off[0] != 0 or np.any(np.diff(off) < 0) or off[-1] > idx.size):
        raise ValueError(f"{op}: expected offsets starting at 0, non-decreasing and at most the "
                         f"input's length {idx.size}, got {off.tolist()}")
    if include_last_offset:
        # PyTorch's bags then end where the next starts, the last at the input's end.
        off = off[:-1]
    ends = np.append(off[1:], idx.size)
    bag = np.full(idx.size, -1, dtype=np.int64)
    for b, (lo, hi) in enumerate(zip(off, ends)):
        bag[lo:hi] = b
    return idx, bag, len(off)


def embedding_bag(input: Any, weight: Any, offsets: Any = None,  # noqa: A002
                  max_norm: float | None = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Any = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Any:
    """Sums, means or maxima of bags of ``weight``'s rows, without the intermediate rows.

    ``input`` is 2-D ``(B, L)`` (``B`` bags of ``L`` indices) or 1-D with ``offsets``
    giving each bag's start. ``per_sample_weights`` (``mode='sum'`` only) scales each row;
    rows at ``padding_idx`` are left out (and not counted by the mean); an empty bag gives
    zeros.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> w = anygrad.arange(6.0).reshape(3, 2)
    >>> F.embedding_bag(anygrad.tensor([0, 2, 1]), w, anygrad.tensor([0, 2])).tolist()
    [[2.0, 3.0], [2.0, 3.0]]
    """
    op = "embedding_bag"
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"{op}: mode must be 'sum', 'mean' or 'max', got {mode!r}")
    if weight.ndim != 2:
        raise ValueError(f"{op}: expected a 2-D weight (rows, features), got shape "
                         f"{tuple(weight.shape)}")
    if not isinstance(input, Tensor):
        input = _ag.asarray(input, backend=weight._backend, device=weight.device)
    if input.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected an integer index tensor, got dtype {input.dtype}")
    if per_sample_weights is not None:
        if mode != "sum":
            raise ValueError(f"{op}: per_sample_weights is only supported for mode='sum', got "
                             f"mode={mode!r}")
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(f"{op}: expected per_sample_weights of the input's shape "
                             f"{tuple(input.shape)}, got {tuple(per_sample_weights.shape)}")
    idx, bag, nbags = _bags(op, input, offsets, include_last_offset)
    rows_n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= rows_n):
        raise IndexError(f"{op}: index out of range [0, {rows_n}) of weight of shape "
                         f"{tuple(weight.shape)}: got indices in [{idx.min()}, {idx.max()}]")
    if max_norm is not None:
        _renorm_(weight, input, max_norm, norm_type)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += rows_n
    used = bag >= 0
    if padding_idx is not None:
        used &= idx != padding_idx
    kw = dict(backend=weight._backend, device=weight.device)
    dim = weight.shape[1]
    if mode == "max":
        # Each bag's rows side by side, empty slots pointing at a -inf row.
        members = [np.flatnonzero(used & (bag == b)) for b in range(nbags)]
        width = max([len(m) for m in members] + [1])
        slots = np.full((nbags, width), rows_n, dtype=np.int64)
        for b, m in enumerate(members):
            slots[b, :len(m)] = idx[m]
        table = _ag.concat([weight, _ag.full((1, dim), -np.inf, dtype=weight.dtype, **kw)], axis=0)
        picked = _ag.take(table, _ag.asarray(slots.reshape(-1), **kw), axis=0)
        y = _ag.max(_ag.reshape(picked, (nbags, width, dim)), axis=1)
        empty = np.array([len(m) == 0 for m in members])
        if empty.any():
            y = _ag.where(_ag.asarray(empty[:, None], **kw), _ag.zeros_like(y), y)
        return y
    # sum and mean: a (bags, indices) matrix of weights times the selected rows.
    sel = np.zeros((nbags, idx.size))
    sel[bag[used], np.flatnonzero(used)] = 1.0
    if mode == "mean":
        counts = sel.sum(axis=1, keepdims=True)
        sel = sel / np.maximum(counts, 1.0)
    mat = _ag.asarray(sel, dtype=weight.dtype, **kw)
    if per_sample_weights is not None:
        mat = mat * _ag.reshape(per_sample_weights, (1, -1))
    rows = _ag.take(weight, _ag.asarray(idx, **kw), axis=0)
    return _ag.matmul(mat, rows)


class _Pad(Function):
    """Constant padding of the trailing axes (concatenated blocks; backward crops)."""

    @staticmethod
    def forward(ctx: Any, x: Any, pads: tuple, value: float) -> Any:
        xp = ctx.xp
        ndim = len(x.shape)
        for k in range(len(pads) // 2):
            axis = ndim - 1 - k
            before, after = pads[2 * k], pads[2 * k + 1]
            if before < 0:
                x = crop_axis(x, axis, -before, x.shape[axis])
                before = 0
            if after < 0:
                x = crop_axis(x, axis, 0, x.shape[axis] + after)
                after = 0
            x = pad_axis(xp, x, axis, before, after, value)
        ctx.pads = pads
        return x

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        pads = ctx.pads
        ndim = len(gy.shape)
        g = gy
        for k in range(len(pads) // 2):
            axis = ndim - 1 - k
            before, after = pads[2 * k], pads[2 * k + 1]
            # Undo positive pads by cropping, negative ones by padding with zeros.
            g = crop_axis(g, axis, max(before, 0), g.shape[axis] - max(after, 0))
            g = pad_axis(xp, g, axis, max(-before, 0), max(-after, 0), 0.0)
        return g, None, None


def pad(input: Any, pad: Any, mode: str = "constant", value: float | None = None) -> Any:  # noqa: A002
    """Pad the trailing axes: ``pad = (last_before, last_after, second_last_before, ...)``.

    ``mode`` is ``'constant'`` (negative amounts crop), ``'reflect'``, ``'replicate'`` or
    ``'circular'``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.pad(anygrad.ones(1, 2), (1, 2)).tolist()
    [[0.0, 1.0, 1.0, 0.0, 0.0]]
    """
    pads = tuple(int(p) for p in pad)
    if len(pads) % 2 or len(pads) // 2 > input.ndim:
        raise ValueError(
            f"pad: expected an even number of pad amounts, at most 2 per dimension of the input "
            f"of shape {tuple(input.shape)}, got {pads}"
        )
    for k in range(len(pads) // 2):
        n = input.shape[input.ndim - 1 - k]
        if n + pads[2 * k] + pads[2 * k + 1] < 0:
            raise ValueError(f"pad: padding {pads} gives a negative size for input of shape {tuple(input.shape)}")
    if mode != "constant":
        from ._resample import pad_mode

        return pad_mode(input, pads, mode)
    return _Pad.apply(input, pads, 0.0 if value is None else float(value))


def one_hot(tensor: Any, num_classes: int = -1) -> Any:
    """``int64`` one-hot encoding with a new trailing axis of ``num_classes``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.one_hot(anygrad.tensor([0, 2]), 3).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    if tensor.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected an integer tensor, got dtype {tensor.dtype}")
    xp = tensor.xp
    a = tensor.array
    if num_classes < 0:
        num_classes = int(_ag.max(tensor).item()) + 1 if tensor.numel() else 0
    # A class outside [0, num_classes) would silently give an all-zero row.
    check_index_range(xp, a, num_classes, "one_hot", negative=False)
    classes = xp.arange(num_classes, dtype=a.dtype, device=tensor.device)
    out = xp.astype(xp.expand_dims(a, axis=-1) == classes, xp.int64)
    return _ag.asarray(out, backend=tensor._backend)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Any:  # noqa: A002
    """``input / max(||input||_p, eps)`` along ``dim``."""
    if p == 2.0:
        norm = _ag.sqrt(_ag.sum(input * input, axis=dim, keepdims=True))
    else:
        norm = _ag.sum(_ag.abs(input) ** p, axis=dim, keepdims=True) ** (1.0 / p)
    return input / _ag.clip(norm, eps, None)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Any:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (broadcasting)."""
    if tuple(x1.shape) != tuple(x2.shape):
        # Broadcast first: ``dim`` counts the axes of the broadcast shape (x2 may have fewer).
        x1, x2 = _ag.broadcast_arrays(x1, x2)
    w12 = _ag.sum(x1 * x2, axis=dim)
    w1 = _ag.sum(x1 * x1, axis=dim)
    w2 = _ag.sum(x2 * x2, axis=dim)
    return w12 / _ag.sqrt(_ag.clip(w1 * w2, eps * eps, None))


def pairwise_distance(x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Any:
    d = _ag.abs(x1 - x2 + eps)
    return _ag.sum(d ** p, axis=-1, keepdims=keepdim) ** (1.0 / p)


# -- registry entries ----------------------------------------------------------------------


def _seeded(fn: Any) -> Any:
    def case(x: Any, **kwargs: Any) -> Any:
        return fn(x, generator=_ag.Generator(0), **kwargs)

    return case


_DROPOUT_KWARGS = ({"p": 0.4}, {"p": 0.4, "training": False}, {"p": 1.0})
_DROPOUT_NOTES = ("training mode with a seeded generator (a deterministic mask); "
                  "training=False and p=1 as variants")

register(OpSpec("nn.functional.dropout", dropout, harness=_seeded(dropout), ref=None,
                shapes=lambda rng: ((3, 4),), kwargs=_DROPOUT_KWARGS, category="nn_dropout",
                notes=_DROPOUT_NOTES))
register(OpSpec("nn.functional.dropout1d", dropout1d, harness=_seeded(dropout1d),
                ref=None, shapes=lambda rng: ((3, 4, 2),),
                kwargs=_DROPOUT_KWARGS, category="nn_dropout", notes=_DROPOUT_NOTES))
register(OpSpec("nn.functional.dropout2d", dropout2d, harness=_seeded(dropout2d),
                ref=None,
                shapes=lambda rng: ((2, 4, 2, 2),), kwargs=_DROPOUT_KWARGS, category="nn_dropout",
                notes=_DROPOUT_NOTES))


register(OpSpec("nn.functional.dropout3d", dropout3d, harness=_seeded(dropout3d),
                ref=None, shapes=lambda rng: ((2, 4, 2, 1, 2),), kwargs=_DROPOUT_KWARGS,
                category="nn_dropout", notes=_DROPOUT_NOTES))
register(OpSpec("nn.functional.feature_alpha_dropout", feature_alpha_dropout,
                harness=_seeded(feature_alpha_dropout), ref=None,
                shapes=lambda rng: ((3, 4, 2),), category="nn_dropout",
                kwargs=({"p": 0.4, "training": True}, {"p": 0.4}), notes=_DROPOUT_NOTES))
register(OpSpec("nn.functional.alpha_dropout", alpha_dropout,
                harness=_seeded(alpha_dropout), ref=None,
                shapes=lambda rng: ((3, 4),), category="nn_dropout",
                kwargs=({"p": 0.4, "training": True}, {"p": 0.4}), notes=_DROPOUT_NOTES))


def _embedding_inputs(rng: Any, dtype: str) -> list:
    # Repeated rows: their gradients add up.
    idx = np.array([[1, 3, 3], [0, 1, 4]])[:, rng.permutation(3)]
    return [idx.astype(np.int64), rng.uniform(-2, 2, (5, 3)).astype(dtype)]


register(OpSpec("nn.functional.embedding", embedding, nin=2, ref=lambda idx, w: w[idx],
                make_inputs=_embedding_inputs, category="nn_sparse",
                notes="indices are an integer input; repeated rows accumulate. Not here "
                      "(tests/nn): padding_idx, whose row's gradient is cut on purpose (finite "
                      "differences disagree), and max_norm, which renormalises the weight in "
                      "place"))
register(OpSpec("nn.functional.one_hot", one_hot, differentiable=False, twice_differentiable=False,
                ref=lambda t, num_classes=-1: np.eye(
                    num_classes if num_classes >= 0 else t.max() + 1, dtype=np.int64)[t],
                make_inputs=lambda rng, dtype: [rng.integers(0, 4, (2, 3))],
                dtypes=("int64",), kwargs=({"num_classes": 5}, {}), category="nn_sparse",
                notes="int64 result"))


register(OpSpec("nn.functional.pad", pad, ref=None, shapes=lambda rng: ((2, 3, 4),),
                kwargs=({"pad": (1, 2)}, {"pad": (2, -1, -1, 1), "value": 0.5}),
                category="nn_vision", notes="negative amounts crop; reflect, replicate and circular modes are checked "
                      "against PyTorch in tests/nn/test_more_layers.py"))


register(OpSpec("nn.functional.normalize", normalize, ref=None, domain="nonzero",
                shapes=lambda rng: ((2, 3),), kwargs=({}, {"p": 3.0, "dim": 0}),
                category="nn_normalization"))


register(OpSpec("nn.functional.cosine_similarity", cosine_similarity, nin=2, ref=None,
                shapes=lambda rng: ((3, 4), (4,)), kwargs=({}, {"dim": -1}),
                category="nn_distance", notes="broadcasting inputs"))


register(OpSpec("nn.functional.pairwise_distance", pairwise_distance, nin=2, ref=None,
                shapes=lambda rng: ((3, 4), (3, 4)),
                kwargs=({}, {"p": 3.0, "keepdim": True}), category="nn_distance"))


def _embedding_bag_inputs(rng: Any, dtype: str, variant: int) -> list:
    idx = np.array([1, 3, 3, 0, 4, 2, 1])[rng.permutation(7)]
    weight = rng.uniform(-2, 2, (5, 3)).astype(dtype)
    if variant == 3:
        return [idx.reshape(-1), weight, np.array([0, 2, 2, 5]), rng.uniform(0.5, 2, 7).astype(dtype)]
    if variant == 2:
        # Distinct rows per bag with distinct values: no ties inside a bag's maximum.
        weight = (rng.permutation(15).reshape(5, 3) * 0.3 - 2).astype(dtype)
        return [np.array([[1, 3, 0], [4, 2, 0]]), weight]
    return [idx, weight, np.array([0, 2, 2, 5])]


register(OpSpec("nn.functional.embedding_bag", embedding_bag, nin=2, ref=None,
                harness=lambda idx, w, offsets=None, psw=None, **k: embedding_bag(
                    idx, w, offsets, per_sample_weights=psw, **k),
                make_inputs=_embedding_bag_inputs,
                kwargs=({"mode": "mean"}, {"mode": "sum", "padding_idx": 3}, {"mode": "max"},
                        {"mode": "sum"}),
                category="nn_sparse",
                notes="inputs (indices, weight, offsets[, per_sample_weights]); an empty bag "
                      "(offsets 2, 2) gives zeros; a 2-D input of fixed-size bags for max"))
