"""Attention: ``scaled_dot_product_attention`` and ``multi_head_attention_forward``.

Both compose anygrad's differentiable operations (matmul, softmax, dropout, linear), so
they differentiate to any order without a backward of their own. They follow PyTorch's
math, masks included: a boolean ``attn_mask`` of ``scaled_dot_product_attention`` says
where to *attend*; the boolean masks of ``multi_head_attention_forward`` (and of
``nn.MultiheadAttention``) say what to *leave out*. Float masks are added to the scores.
"""

from __future__ import annotations

import math
from typing import Any

import anygrad as _ag

from ...ops._registry import OpSpec, register
from ...tensor import Tensor
from ._linear import linear
from ._misc import dropout, pad

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_NEG_INF = float("-inf")


def _additive_mask(mask: Any, like: Any, op: str, name: str, keep_true: bool) -> Any:
    """``mask`` as a float mask to add to the scores: a boolean one becomes 0 where it
    keeps (True with ``keep_true``, else False) and -inf elsewhere; a float one is kept."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        mask = _ag.asarray(mask, backend=like._backend, device=like.device)
    if mask.dtype.kind == "b":
        drop = _ag.logical_not(mask) if keep_true else mask
        zeros = _ag.zeros(tuple(mask.shape), dtype=like.dtype, backend=like._backend,
                          device=like.device)
        return _ag.masked_fill(zeros, drop, _NEG_INF)
    if mask.dtype.kind != "f":
        raise TypeError(f"{op}: expected a bool or floating {name}, got dtype {mask.dtype}")
    return mask


def _causal_mask(like: Any, length: int, source: int) -> Any:
    """True where position ``i`` may attend to ``j``: ``j <= i`` (top-left aligned)."""
    kw = dict(backend=like._backend, device=like.device)
    i = _ag.reshape(_ag.arange(length, **kw), (length, 1))
    j = _ag.reshape(_ag.arange(source, **kw), (1, source))
    return i >= j


def _repeat_heads(x: Any, groups: int) -> Any:
    """``(..., H, S, E)`` -> ``(..., H * groups, S, E)``, each head repeated ``groups``
    times in a row (PyTorch's ``repeat_interleave`` along the head axis)."""
    shape = tuple(x.shape)
    y = _ag.broadcast_to(_ag.unsqueeze(x, -3), shape[:-2] + (groups,) + shape[-2:])
    return _ag.reshape(y, shape[:-3] + (shape[-3] * groups,) + shape[-2:])


def scaled_dot_product_attention(query: Any, key: Any, value: Any, attn_mask: Any = None,
                                 dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: float | None = None, enable_gqa: bool = False, *,
                                 generator: Any = None) -> Any:
    """``softmax(query @ key^T * scale + mask) @ value``, PyTorch's attention kernel.

    Parameters
    ----------
    query, key, value : Tensor
        Of shapes ``(..., L, E)``, ``(..., S, E)`` and ``(..., S, Ev)``; the leading axes
        broadcast.
    attn_mask : Tensor, optional
        Broadcastable to ``(..., L, S)``: boolean (True: take part in attention) or float
        (added to the scores).
    dropout_p : float
        Dropout probability on the attention weights, always applied when positive (pass
        0 in evaluation, as with PyTorch). The mask is drawn with anygrad's seeded host
        generator (``generator``, else the global one).
    is_causal : bool
        Position ``i`` attends to ``j <= i`` only (top-left aligned when ``L != S``); with
        an ``attn_mask`` it is an error.
    scale : float, optional
        Defaults to ``1 / sqrt(E)``.
    enable_gqa : bool
        Grouped-query attention: ``key`` and ``value`` may have fewer heads (axis -3) than
        ``query``, a divisor of its count; each is repeated for its group of query heads.

    Returns
    -------
    Tensor
        Of shape ``(..., L, Ev)``. A query row that the mask leaves nothing to attend to
        gives zeros (and zero gradients), as PyTorch's kernels do.

    Raises
    ------
    ValueError
        For shapes that do not fit, both ``attn_mask`` and ``is_causal``, a probability
        outside [0, 1] or head counts that do not divide.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> q = anygrad.randn(2, 4, 5, 8)
    >>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
    anygrad.Size([2, 4, 5, 8])
    """
    op = "scaled_dot_product_attention"
    qs, ks, vs = tuple(query.shape), tuple(key.shape), tuple(value.shape)
    if min(len(qs), len(ks), len(vs)) < 2 or ks[-1] != qs[-1] or vs[-2] != ks[-2]:
        raise ValueError(
            f"{op}: expected query (..., L, E), key (..., S, E) and value (..., S, Ev), got "
            f"shapes {qs}, {ks} and {vs}")
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{op}: dropout_p has to be between 0 and 1, got {dropout_p}")
    if is_causal and attn_mask is not None:
        raise ValueError(f"{op}: pass either attn_mask or is_causal=True, not both")
    if enable_gqa and min(len(qs), len(ks), len(vs)) >= 3 and qs[-3] != ks[-3]:
        if qs[-3] % ks[-3] or vs[-3] != ks[-3]:
            raise ValueError(
                f"{op}: with enable_gqa, key and value need the same number of heads, a "
                f"divisor of the query's {qs[-3]}; got shapes {qs}, {ks} and {vs}")
        key = _repeat_heads(key, qs[-3] // ks[-3])
        value = _repeat_heads(value, qs[-3] // ks[-3])
    scale = 1.0 / math.sqrt(qs[-1]) if scale is None else scale
    scores = _ag.matmul(query, _ag.swapaxes(key, -1, -2)) * scale
    if is_causal:
        attn_mask = _causal_mask(query, qs[-2], ks[-2])
    if attn_mask is None:
        weights = _ag.softmax(scores, axis=-1)
    else:
        bias = _additive_mask(attn_mask, query, op, "attn_mask", keep_true=True)
        # A row with nothing to attend to would be softmax(-inf, ...) = NaN, and its NaN
        # gradient would reach every key; PyTorch gives zeros there, and so do we.
        dead = _ag.all(bias.detach() == _NEG_INF, axis=-1, keepdims=True)
        if bool(_ag.any(dead)):
            weights = _ag.softmax(scores + _ag.where(dead, 0.0, bias), axis=-1)
            weights = _ag.where(dead, 0.0, weights)
        else:
            weights = _ag.softmax(scores + bias, axis=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True, generator=generator)
    return _ag.matmul(weights, value)


def _chunk3(t: Any) -> tuple:
    return (None, None, None) if t is None else tuple(_ag.chunk(t, 3, 0))


def multi_head_attention_forward(
    query: Any, key: Any, value: Any, embed_dim_to_check: int, num_heads: int,
    in_proj_weight: Any, in_proj_bias: Any, bias_k: Any, bias_v: Any, add_zero_attn: bool,
    dropout_p: float, out_proj_weight: Any, out_proj_bias: Any, training: bool = True,
    key_padding_mask: Any = None, need_weights: bool = True, attn_mask: Any = None,
    use_separate_proj_weight: bool = False, q_proj_weight: Any = None,
    k_proj_weight: Any = None, v_proj_weight: Any = None, static_k: Any = None,
    static_v: Any = None, average_attn_weights: bool = True, is_causal: bool = False,
) -> tuple:
    """Multi-head attention of ``(L, N, E)`` inputs (or unbatched ``(L, E)``), as
    ``nn.MultiheadAttention`` computes it; PyTorch's signature.

    Boolean masks are True where a key is left out; float masks are added to the scores.
    ``key_padding_mask`` is ``(N, S)``, ``attn_mask`` ``(L, S)`` or ``(N * num_heads, L,
    S)``; ``is_causal`` is a hint that ``attn_mask`` is causal (the mask is what counts,
    and it is required). Returns ``(output, weights)``: the weights, ``(N, L, S)``
    averaged over the heads or ``(N, num_heads, L, S)``, only with ``need_weights``
    (``None`` otherwise). Dropout, when ``training``, uses anygrad's seeded generator.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.randn(5, 2, 4)
    >>> w, b = anygrad.randn(12, 4), anygrad.zeros(12)
    >>> out, weights = F.multi_head_attention_forward(
    ...     x, x, x, 4, 2, w, b, None, None, False, 0.0, anygrad.randn(4, 4), None)
    >>> out.shape, weights.shape
    (anygrad.Size([5, 2, 4]), anygrad.Size([2, 5, 5]))
    """
    op = "multi_head_attention_forward"
    batched = query.ndim == 3
    want = 3 if batched else 2
    if query.ndim not in (2, 3) or key.ndim != want or value.ndim != want:
        raise ValueError(
            f"{op}: expected query, key and value of 3 dimensions (L, N, E) or 2 (L, E), got "
            f"shapes {tuple(query.shape)}, {tuple(key.shape)} and {tuple(value.shape)}")
    if key_padding_mask is not None and key_padding_mask.ndim != want - 1:
        raise ValueError(
            f"{op}: expected a key_padding_mask of {want - 1} dimensions for "
            f"{'batched' if batched else 'unbatched'} inputs, got shape "
            f"{tuple(key_padding_mask.shape)}")
    if not batched:
        query, key, value = (_ag.unsqueeze(t, 1) for t in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = _ag.unsqueeze(key_padding_mask, 0)
    tgt_len, bsz, embed_dim = tuple(query.shape)
    if embed_dim != embed_dim_to_check:
        raise ValueError(f"{op}: expected embed_dim {embed_dim_to_check}, got query of shape "
                         f"{tuple(query.shape)}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise ValueError(f"{op}: embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if is_causal and attn_mask is None:
        raise ValueError(
            f"{op}: is_causal is a hint that attn_mask is causal and needs the mask; "
            "nn.Transformer.generate_square_subsequent_mask makes one")
    key_padding_mask = _additive_mask(key_padding_mask, query, op, "key_padding_mask", False)
    attn_mask = _additive_mask(attn_mask, query, op, "attn_mask", False)

    if use_separate_proj_weight:
        if q_proj_weight is None or k_proj_weight is None or v_proj_weight is None:
            raise ValueError(f"{op}: use_separate_proj_weight needs q/k/v_proj_weight")
        b_q, b_k, b_v = _chunk3(in_proj_bias)
        q = linear(query, q_proj_weight, b_q)
        k = linear(key, k_proj_weight, b_k)
        v = linear(value, v_proj_weight, b_v)
    elif in_proj_weight is None:
        raise ValueError(f"{op}: in_proj_weight is None (use_separate_proj_weight=False)")
    elif query is key and key is value:  # self-attention: one packed projection
        q, k, v = _ag.chunk(linear(query, in_proj_weight, in_proj_bias), 3, -1)
    else:
        (w_q, w_k, w_v), (b_q, b_k, b_v) = _chunk3(in_proj_weight), _chunk3(in_proj_bias)
        q, k, v = linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)

    src_len = key.shape[0]
    if attn_mask is not None:
        want_shape = (tgt_len, src_len) if attn_mask.ndim == 2 else (
            bsz * num_heads, tgt_len, src_len)
        if tuple(attn_mask.shape) != want_shape:
            raise ValueError(f"{op}: expected an attn_mask of shape {want_shape}, got "
                             f"{tuple(attn_mask.shape)}")
        if attn_mask.ndim == 2:
            attn_mask = _ag.unsqueeze(attn_mask, 0)
    if (bias_k is None) != (bias_v is None):
        raise ValueError(f"{op}: bias_k and bias_v come together")
    if bias_k is not None:
        if static_k is not None or static_v is not None:
            raise ValueError(f"{op}: bias_k/bias_v cannot be added to static_k/static_v")
        k = _ag.concat([k, _ag.broadcast_to(bias_k, (1, bsz, embed_dim))], axis=0)
        v = _ag.concat([v, _ag.broadcast_to(bias_v, (1, bsz, embed_dim))], axis=0)
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))

    heads = bsz * num_heads
    q = _ag.swapaxes(_ag.reshape(q, (tgt_len, heads, head_dim)), 0, 1)
    k = static_k if static_k is not None else _ag.swapaxes(
        _ag.reshape(k, (k.shape[0], heads, head_dim)), 0, 1)
    v = static_v if static_v is not None else _ag.swapaxes(
        _ag.reshape(v, (v.shape[0], heads, head_dim)), 0, 1)
    if add_zero_attn:
        zeros = _ag.zeros((heads, 1, head_dim), dtype=q.dtype, backend=q._backend,
                          device=q.device)
        k = _ag.concat([k, zeros], axis=1)
        v = _ag.concat([v, zeros], axis=1)
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise ValueError(f"{op}: expected a key_padding_mask of shape {(bsz, src_len)}, "
                             f"got {tuple(key_padding_mask.shape)}")
        kpm = _ag.broadcast_to(_ag.reshape(key_padding_mask, (bsz, 1, 1, src_len)),
                               (bsz, num_heads, 1, src_len))
        kpm = _ag.reshape(kpm, (heads, 1, src_len))
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0

    if need_weights:
        # PyTorch's weights path: scale the query first, a plain softmax (a row with no
        # key left is NaN there, as in PyTorch).
        scores = _ag.matmul(q * math.sqrt(1.0 / head_dim), _ag.swapaxes(k, -1, -2))
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = _ag.softmax(scores, axis=-1)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p)
        out = _ag.matmul(weights, v)
        out = _ag.reshape(_ag.swapaxes(out, 0, 1), (tgt_len * bsz, embed_dim))
        out = _ag.reshape(linear(out, out_proj_weight, out_proj_bias), (tgt_len, bsz, -1))
        weights = _ag.reshape(weights, (bsz, num_heads, tgt_len, src_len))
        if average_attn_weights:
            weights = _ag.mean(weights, axis=1)
        if not batched:
            out, weights = _ag.squeeze(out, 1), _ag.squeeze(weights, 0)
        return out, weights

    if attn_mask is not None:
        attn_mask = (_ag.unsqueeze(attn_mask, 0) if attn_mask.shape[0] == 1 else
                     _ag.reshape(attn_mask, (bsz, num_heads, -1, src_len)))
    q = _ag.reshape(q, (bsz, num_heads, tgt_len, head_dim))
    k = _ag.reshape(k, (bsz, num_heads, src_len, head_dim))
    v = _ag.reshape(v, (bsz, num_heads, src_len, head_dim))
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p)
    out = _ag.reshape(_ag.permute_dims(out, (2, 0, 1, 3)), (bsz * tgt_len, embed_dim))
    out = _ag.reshape(linear(out, out_proj_weight, out_proj_bias), (tgt_len, bsz, -1))
    return (out if batched else _ag.squeeze(out, 1)), None


# -- registry entries (references: anygrad/testing/_references.py) -------------------------

_SDPA_KWARGS = (
    {},
    {"is_causal": True},
    {"scale": 0.3},
    {},  # a boolean attn_mask (4th input)
    {},  # a float attn_mask with a gradient (4th input)
    {"dropout_p": 0.3},
    {"enable_gqa": True},
)


def _sdpa_inputs(rng: Any, dtype: str, variant: int) -> list:
    heads = ((4,), (2,)) if variant == 6 else ((), ())
    shapes = ((2,) + heads[0] + (3, 4), (2,) + heads[1] + (5, 4), (2,) + heads[1] + (5, 3))
    out = [rng.uniform(-1, 1, s).astype(dtype) for s in shapes]
    if variant == 3:
        keep = rng.uniform(size=(3, 5)) < 0.6
        keep[:, 0] = True  # every query attends to something
        out.append(keep)
    elif variant == 4:
        out.append(rng.uniform(-1, 1, (2, 3, 5)).astype(dtype))
    return out


def _sdpa_case(q: Any, k: Any, v: Any, *mask: Any, **kwargs: Any) -> Any:
    if kwargs.get("dropout_p"):
        kwargs = dict(kwargs, generator=_ag.Generator(0))
    return scaled_dot_product_attention(q, k, v, *mask, **kwargs)


register(OpSpec(
    "nn.functional.scaled_dot_product_attention", scaled_dot_product_attention,
    harness=_sdpa_case, nin=3, ref=None, make_inputs=_sdpa_inputs, kwargs=_SDPA_KWARGS,
    category="nn_attention",
    notes="variants: causal, scale, a boolean mask, a float mask (with a gradient), dropout "
          "with a seeded generator, grouped-query heads"))


def _mha_inputs(rng: Any, dtype: str, variant: int) -> list:
    shapes = ((3, 2, 4), (5, 2, 4), (5, 2, 4), (12, 4), (12,), (4, 4), (4,))
    out = [rng.uniform(-1, 1, s).astype(dtype) for s in shapes]
    if variant == 1:
        keep = rng.uniform(size=(2, 5)) < 0.3
        keep[:, 0] = False
        out.append(keep)  # key_padding_mask: True leaves a key out
    return out


def _mha_case(q: Any, k: Any, v: Any, w: Any, b: Any, ow: Any, ob: Any, *kpm: Any,
              **kwargs: Any) -> Any:
    out, weights = multi_head_attention_forward(
        q, k, v, 4, 2, w, b, None, None, False, 0.0, ow, ob,
        key_padding_mask=kpm[0] if kpm else None, **kwargs)
    return out if weights is None else (out, weights)


register(OpSpec(
    "nn.functional.multi_head_attention_forward", multi_head_attention_forward,
    harness=_mha_case, nin=7, ref=None, make_inputs=_mha_inputs,
    kwargs=({"need_weights": False}, {"need_weights": True, "average_attn_weights": False}),
    category="nn_attention",
    notes="tested as (query, key, value, in_proj_weight, in_proj_bias, out_proj_weight, "
          "out_proj_bias) with 2 heads; the second variant adds a key_padding_mask and "
          "returns the weights per head"))
