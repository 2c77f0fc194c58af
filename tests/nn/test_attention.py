"""Attention: scaled_dot_product_attention, MultiheadAttention and the Transformer family.

Every backend of the matrix, float64. The NumPy-reference checks of
``scaled_dot_product_attention`` and the checks of names, shapes and errors run without
PyTorch; the module checks build the PyTorch module, copy its weights with
``load_state_dict(torch_module.state_dict())`` and compare outputs and the gradients of
every input and every parameter (skipped without torch).
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.nn.functional as F
from nn_helpers import ag, to_np, torch

pytestmark = pytest.mark.filterwarnings(
    # PyTorch's own notices about its inference fast path, which these tests never take.
    "ignore:enable_nested_tensor is True:UserWarning",
    "ignore:Support for mismatched:UserWarning",
    "ignore:Converting mask without torch.bool dtype to bool:UserWarning",
)
RTOL, ATOL = 1e-9, 1e-11


def _need_torch():
    if torch is None:
        pytest.skip("torch is not installed (the PyTorch comparisons need it)")
    return torch


# -- scaled_dot_product_attention against NumPy (no torch) ----------------------------------
def _np_sdpa(q, k, v, keep=None, bias=0.0, scale=None, drop=None):
    """The textbook formula; ``keep`` a boolean mask (True: attend), ``drop`` a keep mask
    of the weights already scaled by 1 / (1 - p)."""
    s = q @ np.swapaxes(k, -1, -2) * (1 / np.sqrt(q.shape[-1]) if scale is None else scale)
    s = s + bias
    if keep is not None:
        s = np.where(keep, s, -np.inf)
    with np.errstate(invalid="ignore"):
        w = np.exp(s - s.max(axis=-1, keepdims=True))
        w = w / w.sum(axis=-1, keepdims=True)
    w = np.nan_to_num(w, nan=0.0)  # rows with nothing to attend to give zeros
    if drop is not None:
        w = w * drop
    return w @ v


SDPA_CASES = {
    "plain": {},
    "causal-L<S": {"is_causal": True},
    "scale": {"scale": 0.7},
    "bool-mask": {"mask": "bool"},
    "float-mask": {"mask": "float"},
    "gqa": {"enable_gqa": True},
}


@pytest.mark.parametrize("case", list(SDPA_CASES))
def test_sdpa_matches_numpy(backend, case):
    opts = dict(SDPA_CASES[case])
    rng = np.random.default_rng(0)
    hq, hk = (4, 2) if opts.get("enable_gqa") else (2, 2)
    q = rng.standard_normal((2, hq, 3, 4))
    k = rng.standard_normal((2, hk, 5, 4))
    v = rng.standard_normal((2, hk, 5, 6))
    mask = opts.pop("mask", None)
    keep, bias, args = None, 0.0, []
    if mask == "bool":
        keep = rng.uniform(size=(3, 5)) < 0.5
        keep[:, 2] = True
        args = [ag(backend, keep)]
    elif mask == "float":
        bias = rng.standard_normal((2, 1, 3, 5))
        args = [ag(backend, bias)]
    if opts.get("is_causal"):
        keep = np.tril(np.ones((3, 5), bool))
    kk, vv = k, v
    if opts.get("enable_gqa"):
        kk, vv = np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1)
    want = _np_sdpa(q, kk, vv, keep, bias, opts.get("scale"))
    got = F.scaled_dot_product_attention(ag(backend, q), ag(backend, k), ag(backend, v),
                                         *args, **opts)
    assert got.backend == backend.name
    np.testing.assert_allclose(to_np(got), want, rtol=RTOL, atol=ATOL)


def test_sdpa_row_with_nothing_to_attend_gives_zeros(backend):
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal(s) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 4)))
    keep = np.ones((3, 5), bool)
    keep[1] = False
    bias = np.where(keep, 0.0, -np.inf)
    for mask in (keep, bias):  # boolean (True: attend) and float (-inf: left out)
        xs = [ag(backend, a, True) for a in (q, k, v)]
        out = F.scaled_dot_product_attention(*xs, ag(backend, mask))
        np.testing.assert_allclose(to_np(out), _np_sdpa(q, k, v, keep), rtol=RTOL, atol=ATOL)
        out.sum().backward()
        for x in xs:
            assert np.isfinite(to_np(x.grad)).all()
        assert not to_np(xs[0].grad)[:, 1].any()


def test_sdpa_dropout_uses_anygrads_generator(backend):
    rng = np.random.default_rng(2)
    q, k, v = (rng.standard_normal(s) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 3)))
    xs = [ag(backend, a) for a in (q, k, v)]
    p = 0.4
    got = F.scaled_dot_product_attention(*xs, dropout_p=p, generator=anygrad.Generator(7))
    # The documented draw: uniform [0, 1) values of the seeded host generator, kept >= p.
    drop = (np.random.Generator(np.random.PCG64(7)).random((2, 3, 5)) >= p) / (1 - p)
    np.testing.assert_allclose(to_np(got), _np_sdpa(q, k, v, drop=drop), rtol=RTOL,
                               atol=ATOL)
    anygrad.manual_seed(3)
    a = F.scaled_dot_product_attention(*xs, dropout_p=p)
    anygrad.manual_seed(3)
    b = F.scaled_dot_product_attention(*xs, dropout_p=p)
    np.testing.assert_array_equal(to_np(a), to_np(b))


def test_sdpa_errors():
    q = anygrad.randn(2, 3, 4)
    with pytest.raises(ValueError, match="not both"):
        F.scaled_dot_product_attention(q, q, q, anygrad.ones(3, 3), is_causal=True)
    with pytest.raises(ValueError, match="expected query"):
        F.scaled_dot_product_attention(q, anygrad.randn(2, 3, 5), q)
    with pytest.raises(ValueError, match="enable_gqa"):
        F.scaled_dot_product_attention(anygrad.randn(1, 3, 2, 4), anygrad.randn(1, 2, 2, 4),
                                       anygrad.randn(1, 2, 2, 4), enable_gqa=True)


# -- names, shapes and errors (no torch) ----------------------------------------------------
def _shapes(m):
    return {k: tuple(v.shape) for k, v in m.state_dict().items()}


def test_multihead_attention_parameter_names_and_shapes():
    assert _shapes(nn.MultiheadAttention(8, 2)) == {
        "in_proj_weight": (24, 8), "in_proj_bias": (24,), "out_proj.weight": (8, 8),
        "out_proj.bias": (8,)}
    assert _shapes(nn.MultiheadAttention(8, 2, bias=False, add_bias_kv=True, kdim=3,
                                         vdim=5)) == {
        "q_proj_weight": (8, 8), "k_proj_weight": (8, 3), "v_proj_weight": (8, 5),
        "bias_k": (1, 1, 8), "bias_v": (1, 1, 8), "out_proj.weight": (8, 8)}


def test_transformer_parameter_names_and_shapes():
    model = nn.Transformer(8, 2, num_encoder_layers=2, num_decoder_layers=1,
                           dim_feedforward=16)
    shapes = _shapes(model)
    assert len(shapes) == 2 * 12 + 2 + 18 + 2
    for key, shape in {
        "encoder.layers.1.self_attn.in_proj_weight": (24, 8),
        "encoder.layers.0.linear1.weight": (16, 8), "encoder.layers.0.linear2.bias": (8,),
        "encoder.layers.1.norm2.weight": (8,), "encoder.norm.bias": (8,),
        "decoder.layers.0.multihead_attn.out_proj.weight": (8, 8),
        "decoder.layers.0.norm3.bias": (8,), "decoder.norm.weight": (8,),
    }.items():
        assert shapes[key] == shape, key
    # The stacked layers are copies, not one layer shared.
    enc = model.encoder.layers
    assert enc[0].linear1.weight is not enc[1].linear1.weight
    no_bias = nn.TransformerEncoderLayer(8, 2, 16, bias=False)
    assert not any(k.endswith("bias") for k in no_bias.state_dict())


def test_generate_square_subsequent_mask():
    m = to_np(nn.Transformer.generate_square_subsequent_mask(4))
    want = np.where(np.triu(np.ones((4, 4), bool), 1), -np.inf, 0.0)
    np.testing.assert_array_equal(m, want)


def test_attention_module_errors():
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(ValueError, match="activation"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    mha = nn.MultiheadAttention(4, 2)
    x = anygrad.randn(3, 2, 4)
    with pytest.raises(ValueError, match="is_causal"):
        mha(x, x, x, is_causal=True)
    with pytest.raises(ValueError, match="key_padding_mask of shape"):
        mha(x, x, x, key_padding_mask=anygrad.zeros(2, 4, dtype=anygrad.bool))
    with pytest.raises(ValueError, match="batch number"):
        nn.Transformer(4, 2, 1, 1, 8)(anygrad.randn(3, 2, 4), anygrad.randn(3, 1, 4))


def test_attention_dropout_is_seeded_and_off_in_eval(backend):
    anygrad.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5).to(backend.name,
                                                                  device=backend.device_obj())
    x = ag(backend, np.random.default_rng(8).standard_normal((4, 2, 8)))
    runs = []
    for seed in (1, 1, 2):
        anygrad.manual_seed(seed)
        runs.append(to_np(layer(x)))
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.allclose(runs[0], runs[2])
    layer.eval()
    np.testing.assert_array_equal(to_np(layer(x)), to_np(layer(x)))
    assert not np.allclose(to_np(layer(x)), runs[0])


# -- against PyTorch, weights copied --------------------------------------------------------
def _twin(make, backend, mode):
    """The anygrad module and its PyTorch twin (``make(lib)``), same float64 weights."""
    t = _need_torch()
    tm = make(t).double()
    m = make(anygrad).to(anygrad.float64)
    m.load_state_dict(tm.state_dict())
    m.to(backend.name, device=backend.device_obj())
    for mod in (m, tm):
        mod.train(mode == "train")
    return m, tm


def _check(m, tm, backend, arrays, call, grad=None, seed=0):
    """Outputs of ``call(module, inputs, lib)`` and gradients of every input in ``grad``
    (default: the floating ones) and every parameter agree."""
    t = torch
    grad = [i for i, a in enumerate(arrays) if a.dtype.kind == "f"] if grad is None else grad
    xs = [ag(backend, a, i in grad) for i, a in enumerate(arrays)]
    ts = [t.tensor(a, requires_grad=i in grad) for i, a in enumerate(arrays)]
    outs, touts = call(m, xs, anygrad), call(tm, ts, t)
    outs = outs if isinstance(outs, tuple) else (outs,)
    touts = touts if isinstance(touts, tuple) else (touts,)
    rng = np.random.default_rng(seed)
    loss = tloss = 0.0
    for k, (o, to) in enumerate(zip(outs, touts)):
        if to is None:
            assert o is None, f"output {k}"
            continue
        np.testing.assert_allclose(to_np(o), to.detach().numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=f"output {k}")
        u = rng.standard_normal(tuple(to.shape))
        loss = loss + (o * ag(backend, u)).sum()
        tloss = tloss + (to * t.tensor(u)).sum()
    loss.backward()
    tloss.backward()
    for i in grad:
        np.testing.assert_allclose(to_np(xs[i].grad), ts[i].grad.numpy(), rtol=1e-8,
                                   atol=1e-10, err_msg=f"gradient of input {i}")
    tparams = dict(tm.named_parameters())
    names = [name for name, _ in m.named_parameters()]
    assert sorted(names) == sorted(tparams)
    for name, p in m.named_parameters():
        np.testing.assert_allclose(to_np(p.grad), tparams[name].grad.numpy(), rtol=1e-8,
                                   atol=1e-10, err_msg=f"gradient of {name}")


def _key_padding(rng, n, s):
    pad = rng.uniform(size=(n, s)) < 0.3
    pad[:, 0] = False
    return pad


def test_sdpa_matches_torch(backend):
    t = _need_torch()
    rng = np.random.default_rng(4)
    q, k, v = (rng.standard_normal(s) for s in ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)))
    keep = np.ones((3, 5), bool)
    keep[2] = False  # a row with nothing to attend to
    bias = rng.standard_normal((3, 5))
    k2, v2 = k[:, :1], v[:, :1]  # one key/value head for two query heads
    cases = (({"is_causal": True}, [q, k, v]), ({}, [q, k, v, keep]),
             ({"scale": 0.3}, [q, k, v, bias]), ({"enable_gqa": True}, [q, k2, v2]))
    for kw, arrays in cases:

        def call(_, xs, lib):
            f = F if lib is anygrad else t.nn.functional
            return f.scaled_dot_product_attention(*xs, **kw)

        _check(nn.Module(), t.nn.Module(), backend, arrays, call)


# Training mode (dropout 0) in some configurations, evaluation mode (dropout 0.2) in the rest.
MHA_CONFIGS = {
    # name: (module options, query/key/value kind, forward options)
    "train-self-batch_first-padding-weights": (
        {"batch_first": True}, "self", {"key_padding_mask": "bool"}),
    "eval-self-causal-no_weights": (
        {}, "self", {"attn_mask": "causal", "is_causal": True, "need_weights": False}),
    "eval-cross-kdim_vdim-bias_kv-zero_attn": (
        {"kdim": 3, "vdim": 5, "add_bias_kv": True, "add_zero_attn": True}, "cross",
        {"attn_mask": "float3d", "key_padding_mask": "float", "average_attn_weights": False}),
    "train-cross-no_bias-no_weights-padding": (
        {"bias": False, "batch_first": True}, "cross",
        {"key_padding_mask": "bool", "attn_mask": "bool", "need_weights": False}),
    "eval-unbatched-self": ({}, "self", {"attn_mask": "bool"}),
}


@pytest.mark.parametrize("config", list(MHA_CONFIGS))
def test_multihead_attention_matches_torch(backend, config):
    opts, kind, fwd = MHA_CONFIGS[config]
    e, h, n, lq, s = 8, 2, 3, 4, 5
    mode = config.split("-")[0]
    unbatched = "unbatched" in config
    m, tm = _twin(lambda lib: lib.nn.MultiheadAttention(
        e, h, dropout=0.0 if mode == "train" else 0.2, **opts), backend, mode)
    rng = np.random.default_rng(5)
    bf = opts.get("batch_first", False)

    def shape(length, width):
        return (length, width) if unbatched else ((n, length, width) if bf else
                                                  (length, n, width))

    if kind == "self":
        s = lq
        arrays = [rng.standard_normal(shape(lq, e))]
    else:
        arrays = [rng.standard_normal(shape(lq, e)),
                  rng.standard_normal(shape(s, opts.get("kdim", e))),
                  rng.standard_normal(shape(s, opts.get("vdim", e)))]
    masks = {}
    for name, what in fwd.items():
        if name == "key_padding_mask":
            pad = _key_padding(rng, n, s)
            masks[name] = pad if what == "bool" else np.where(pad, -np.inf, 0.0)
        elif name == "attn_mask":
            if what == "causal":
                masks[name] = np.triu(np.ones((lq, s), bool), 1)
            elif what == "bool":
                drop = rng.uniform(size=(lq, s)) < 0.3
                drop[:, 0] = False
                masks[name] = drop
            else:  # float3d: one mask per (batch, head)
                masks[name] = rng.standard_normal((n * h, lq, s))
    options = {k: v for k, v in fwd.items() if k not in masks}
    names = list(masks)
    first = len(arrays)
    arrays = arrays + [masks[k] for k in names]
    grad = list(range(first))

    def call(mod, xs, lib):
        q, k, v = (xs[0],) * 3 if kind == "self" else xs[:3]
        kw = dict(zip(names, xs[first:]), **options)
        return mod(q, k, v, **kw)

    _check(m, tm, backend, arrays, call, grad=grad)


LAYER_CONFIGS = {
    # name (mode first): (layer options, masks)
    "eval-post_norm-relu-masks": ({}, True),
    "train-pre_norm-gelu-batch_first": ({"norm_first": True, "activation": "gelu",
                                   "batch_first": True}, True),
    "eval-no_bias-callable-eps": ({"bias": False, "activation": "silu", "layer_norm_eps": 1e-3},
                             False),
}


def _layer_options(lib, opts, mode):
    kw = dict(opts)
    if kw.get("activation") == "silu":  # a callable of each library
        kw["activation"] = lib.nn.functional.silu
    kw["dropout"] = 0.0 if mode == "train" else 0.1
    return kw


# Every configuration of the single layers; one of each stack (two layers and a final norm).
LAYER_CASES = [(kind, config) for kind in ("encoder_layer", "decoder_layer")
               for config in LAYER_CONFIGS]
LAYER_CASES += [("encoder", "eval-post_norm-relu-masks"),
                ("decoder", "train-pre_norm-gelu-batch_first")]


@pytest.mark.parametrize("kind, config", LAYER_CASES, ids=[f"{k}-{c}" for k, c in LAYER_CASES])
def test_transformer_layers_match_torch(backend, kind, config):
    opts, with_masks = LAYER_CONFIGS[config]
    mode = config.split("-")[0]
    d, h, ff, n, lt, ls = 8, 2, 12, 2, 4, 5

    def make(lib):
        kw = _layer_options(lib, opts, mode)
        if kind.startswith("encoder"):
            layer = lib.nn.TransformerEncoderLayer(d, h, ff, **kw)
        else:
            layer = lib.nn.TransformerDecoderLayer(d, h, ff, **kw)
        if kind == "encoder":
            extra = {"enable_nested_tensor": False} if lib is not anygrad else {}
            return lib.nn.TransformerEncoder(layer, 2, lib.nn.LayerNorm(d), **extra)
        if kind == "decoder":
            return lib.nn.TransformerDecoder(layer, 2, lib.nn.LayerNorm(d))
        return layer

    m, tm = _twin(make, backend, mode)
    bf = opts.get("batch_first", False)
    rng = np.random.default_rng(6)
    shape = (lambda length: (n, length, d)) if bf else (lambda length: (length, n, d))
    x, mem = rng.standard_normal(shape(lt)), rng.standard_normal(shape(ls))
    causal = np.where(np.triu(np.ones((lt, lt), bool), 1), -np.inf, 0.0)
    pad_t, pad_m = _key_padding(rng, n, lt), _key_padding(rng, n, ls)
    if kind.startswith("encoder"):
        arrays = [x] + ([causal, pad_t] if with_masks else [])

        def call(mod, xs, lib):
            if len(xs) == 1:
                return mod(xs[0])
            mask_kw = {"src_mask" if kind == "encoder_layer" else "mask": xs[1]}
            return mod(xs[0], src_key_padding_mask=xs[2], is_causal=True, **mask_kw)
    else:
        arrays = [x, mem] + ([causal, pad_t, pad_m] if with_masks else [])

        def call(mod, xs, lib):
            if len(xs) == 2:
                return mod(xs[0], xs[1])
            return mod(xs[0], xs[1], tgt_mask=xs[2], tgt_key_padding_mask=xs[3],
                       memory_key_padding_mask=xs[4], tgt_is_causal=True)

    _check(m, tm, backend, arrays, call, grad=[0] if kind.startswith("encoder") else [0, 1])


@pytest.mark.parametrize("batch_first", [False, True], ids=["seq_first", "batch_first"])
def test_transformer_matches_torch(backend, batch_first):
    d, h, n, ls, lt = 8, 2, 2, 5, 4

    def make(lib):
        return lib.nn.Transformer(d, h, num_encoder_layers=2, num_decoder_layers=1,
                                  dim_feedforward=16, dropout=0.1, activation="gelu",
                                  batch_first=batch_first)

    m, tm = _twin(make, backend, "eval")
    rng = np.random.default_rng(7)
    shape = (lambda length: (n, length, d)) if batch_first else (lambda length: (length, n, d))
    src, tgt = rng.standard_normal(shape(ls)), rng.standard_normal(shape(lt))
    tgt_mask = to_np(nn.Transformer.generate_square_subsequent_mask(lt))
    np.testing.assert_array_equal(
        tgt_mask, torch.nn.Transformer.generate_square_subsequent_mask(lt).double().numpy())
    pad_s = _key_padding(rng, n, ls)
    arrays = [src, tgt, tgt_mask, pad_s]

    def call(mod, xs, lib):
        return mod(xs[0], xs[1], tgt_mask=xs[2], src_key_padding_mask=xs[3],
                   memory_key_padding_mask=xs[3], tgt_is_causal=True)

    _check(m, tm, backend, arrays, call, grad=[0, 1])
