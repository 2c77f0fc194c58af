"""Connectionist temporal classification loss, the forward algorithm in log space.

The recursion over time composes differentiable operations (gather, shifts, ``logsumexp``),
so its gradient is the usual forward-backward result without a hand-written backward.
Unreachable states hold a large finite negative number instead of ``-inf``: a ``-inf``
there would make ``logsumexp``'s gradient ``0 * inf``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import anygrad as _ag

from ...ops._registry import OpSpec, register

__all__ = ["ctc_loss"]

_UNREACHABLE = -1e30


def _host_ints(v: Any) -> np.ndarray:
    if hasattr(v, "detach"):
        v = v.detach().numpy()
    return np.asarray(v, dtype=np.int64).reshape(-1)


def ctc_loss(log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> Any:
    """CTC loss of ``log_probs`` ``(T, N, C)`` (log-softmax output) against label sequences.

    ``targets`` is ``(N, S)`` padded or the 1-D concatenation of all targets; lengths are
    sequences or integer tensors. ``reduction='mean'`` divides each loss by its target
    length, then averages over the batch, as PyTorch does.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> lp = anygrad.full((2, 1, 2), 0.5).log()  # 3 of the 4 paths give "1"
    >>> round(F.ctc_loss(lp, anygrad.tensor([[1]]), [2], [1], reduction="sum").item(), 4)
    0.2877
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"ctc_loss: reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = _ag.expand_dims(log_probs, axis=1)
    if log_probs.ndim != 3:
        raise ValueError(f"ctc_loss: expected log_probs (T, N, C), got shape "
                         f"{tuple(log_probs.shape)}")
    t_max, n, _ = log_probs.shape
    in_len, tg_len = _host_ints(input_lengths), _host_ints(target_lengths)
    raw = targets.detach().numpy() if hasattr(targets, "detach") else np.asarray(targets)
    raw = np.asarray(raw, dtype=np.int64)
    if unbatched:
        raw = raw.reshape(1, -1)
    if (len(in_len) != n or len(tg_len) != n or in_len.max(initial=0) > t_max
            or in_len.min(initial=1) < 1):
        raise ValueError(f"ctc_loss: expected {n} input lengths in [1, {t_max}] and {n} target "
                         f"lengths, got {in_len.tolist()} and {tg_len.tolist()}")
    if raw.ndim == 1:
        offsets = np.concatenate([[0], np.cumsum(tg_len)])
        rows = [raw[offsets[i]:offsets[i + 1]] for i in range(n)]
    else:
        rows = [raw[i, :tg_len[i]] for i in range(n)]
    s_max = int(tg_len.max(initial=0))
    width = 2 * s_max + 1
    ext = np.full((n, width), blank, dtype=np.int64)
    skip = np.zeros((n, width), dtype=bool)
    for i, r in enumerate(rows):
        ext[i, 1:2 * len(r):2] = r
        skip[i, 3:2 * len(r):2] = r[1:] != r[:-1]
    kw = dict(backend=log_probs._backend, device=log_probs.device)
    idx = _ag.asarray(np.broadcast_to(ext, (t_max, n, width)).copy(), **kw)
    emit = _ag.take_along_axis(log_probs, idx, axis=2)  # (T, N, 2S+1)
    dt = log_probs.dtype
    start = np.full((n, width), _UNREACHABLE)
    start[:, :2] = 0.0
    start[tg_len == 0, 1] = _UNREACHABLE
    skip_pen = _ag.asarray(np.where(skip, 0.0, _UNREACHABLE), dtype=dt, **kw)
    pad = _ag.asarray(np.full((n, 1), _UNREACHABLE), dtype=dt, **kw)
    pad2 = _ag.asarray(np.full((n, 2), _UNREACHABLE), dtype=dt, **kw)
    alpha = _ag.asarray(start, dtype=dt, **kw) + emit[0]
    alphas = [alpha]
    for t in range(1, t_max):
        one = _ag.concat([pad, alpha[:, :-1]], axis=1)
        two = _ag.concat([pad2, alpha[:, :-2]], axis=1) + skip_pen if width > 2 else None
        terms = [alpha, one] + ([two] if two is not None else [])
        alpha = _ag.logsumexp(_ag.stack(terms, axis=0), axis=0) + emit[t]
        alphas.append(alpha)
    # Each sequence ends at its own time and in its own last two states.
    last = _ag.stack(alphas, axis=0)  # (T, N, 2S+1)
    pick = np.zeros((t_max, n, width))
    for i in range(n):
        pick[in_len[i] - 1, i, 2 * tg_len[i]] = 1.0
        if tg_len[i]:
            pick[in_len[i] - 1, i, 2 * tg_len[i] - 1] = 1.0
    sel = _ag.asarray(np.where(pick > 0, 0.0, _UNREACHABLE), dtype=dt, **kw)
    loss = -_ag.logsumexp(_ag.reshape(_ag.permute_dims(last + sel, (1, 0, 2)), (n, -1)), axis=1)
    infeasible = _ag.asarray(loss.detach().numpy() > -_UNREACHABLE / 10, **kw)
    if bool(_ag.any(infeasible).item()):
        fill = _ag.zeros_like(loss) if zero_infinity else _ag.full_like(loss, float("inf"))
        loss = _ag.where(infeasible, fill, loss)
    if reduction == "none":
        return loss[0] if unbatched else loss
    if reduction == "sum":
        return _ag.sum(loss)
    div = _ag.asarray(np.maximum(tg_len, 1).astype(np.float64), dtype=dt, **kw)
    return _ag.mean(loss / div)


def _ctc_inputs(rng: Any, dtype: str) -> list:
    lp = rng.standard_normal((6, 2, 4))
    lp = lp - np.log(np.exp(lp).sum(axis=2, keepdims=True))
    return [lp.astype(dtype), np.array([[1, 2, 2], [3, 1, 0]]), np.array([6, 5]),
            np.array([3, 2])]


def _ctc_ref(lp: Any, targets: Any, input_lengths: Any, target_lengths: Any, blank: int = 0,
             reduction: str = "mean") -> Any:
    """The textbook alpha recursion in probability space, one sequence at a time."""
    out = []
    for i in range(lp.shape[1]):
        lab = [blank]
        for c in targets[i, :target_lengths[i]]:
            lab += [int(c), blank]
        p = np.exp(lp[:input_lengths[i], i])
        a = np.zeros(len(lab))
        a[0] = p[0, lab[0]]
        if len(lab) > 1:
            a[1] = p[0, lab[1]]
        for t in range(1, len(p)):
            prev = a.copy()
            for s in range(len(lab)):
                v = prev[s] + (prev[s - 1] if s else 0.0)
                if s > 1 and lab[s] != blank and lab[s] != lab[s - 2]:
                    v += prev[s - 2]
                a[s] = v * p[t, lab[s]]
        out.append(-np.log(a[-1] + (a[-2] if len(lab) > 1 else 0.0)))
    loss = np.array(out)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return (loss / np.maximum(target_lengths, 1)).mean()
    return loss


register(OpSpec("nn.functional.ctc_loss", ctc_loss, nin=4, ref=_ctc_ref,
                make_inputs=_ctc_inputs, grad_inputs=(0,), category="nn_loss",
                kwargs=({}, {"reduction": "sum"}, {"reduction": "none"}),
                notes="log-space forward algorithm composed of differentiable operations; "
                      "targets and lengths are integer inputs"))
