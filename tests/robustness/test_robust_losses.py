"""Class-index and probability losses refuse what PyTorch refuses, on every backend.

An out-of-range or negative class target (other than ``ignore_index``) used to count as
ignored (NaN on JAX); a class weight of the wrong length leaked a broadcast error; BCE
took probabilities outside [0, 1]; broadcasting losses said nothing. Each case asserts
anygrad's behaviour first, then that PyTorch behaves alike.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.nn.functional as F
from _helpers import I, T, assert_names, torch, torch_raises

# (loss, input shape, bad target, extra kwargs): every one must raise IndexError.
BAD_TARGETS = [
    ("cross_entropy", (2, 3), [0, 5], {}),
    ("cross_entropy", (2, 3), [0, 3], {}),
    ("cross_entropy", (2, 3), [0, -1], {}),
    ("cross_entropy", (2, 3), [-2, 1], {"ignore_index": 1}),
    ("cross_entropy", (2, 3), [0, 5], {"label_smoothing": 0.1}),
    ("cross_entropy", (2, 3), [0, 7], {"weight": [1.0, 2.0, 3.0]}),
    ("cross_entropy", (2, 3), [0, 5], {"reduction": "sum"}),
    ("cross_entropy", (2, 3), [0, 5], {"reduction": "none"}),
    ("cross_entropy", (2, 3, 4), [[0, 1, 2, 3], [0, 0, 0, 0]], {}),
    ("cross_entropy", (3,), 3, {}),
    ("nll_loss", (2, 3), [0, 3], {}),
    ("nll_loss", (2, 3), [-1, 0], {}),
    ("nll_loss", (2, 3), [0, 5], {"ignore_index": 4}),
    ("nll_loss", (2, 3, 2), [[0, 9], [1, 1]], {"reduction": "none"}),
]


def _call_anygrad(name, shape, target, kwargs, backend):
    kw = dict(kwargs)
    if "weight" in kw:
        kw["weight"] = T(kw["weight"], backend)
    x = T(np.zeros(shape), backend, requires_grad=True)
    return getattr(F, name)(x, I(target, backend), **kw)


def _call_torch(t, name, shape, target, kwargs):
    kw = dict(kwargs)
    if "weight" in kw:
        kw["weight"] = t.tensor(kw["weight"])
    return getattr(t.nn.functional, name)(t.zeros(shape), t.tensor(target), **kw)


@pytest.mark.parametrize("case", BAD_TARGETS, ids=lambda c: f"{c[0]}-{c[2]}-{sorted(c[3])}")
def test_out_of_range_target_raises(backend, case):
    name, shape, target, kwargs = case
    with pytest.raises(IndexError) as info:
        _call_anygrad(name, shape, target, kwargs, backend)
    bad = [v for v in np.ravel(target) if not (0 <= v < shape[1 if len(shape) > 1 else 0])
           and v != kwargs.get("ignore_index", -100)]
    c = shape[1] if len(shape) > 1 else shape[0]
    assert_names(info.value, name, f"[0, {c - 1}]")
    assert any(str(v) in str(info.value) for v in bad)
    torch_raises(lambda t: _call_torch(t, name, shape, target, kwargs), IndexError, RuntimeError)


# Targets that are fine: ignore_index anywhere (even out of range), all classes used.
GOOD_TARGETS = [
    ("cross_entropy", [0, -100], {}),
    ("cross_entropy", [2, 5], {"ignore_index": 5}),
    ("cross_entropy", [-7, 1], {"ignore_index": -7, "label_smoothing": 0.2}),
    ("cross_entropy", [0, 2], {"weight": [0.5, 1.0, 2.0]}),
    ("nll_loss", [1, -100], {}),
    ("nll_loss", [0, 2], {"reduction": "sum"}),
]


@pytest.mark.parametrize("case", GOOD_TARGETS, ids=lambda c: f"{c[0]}-{c[1]}-{sorted(c[2])}")
def test_valid_targets_match_torch(backend, case):
    name, target, kwargs = case
    logits = np.array([[0.2, -1.0, 0.7], [1.5, 0.1, -0.3]])
    kw = dict(kwargs)
    if "weight" in kw:
        kw["weight"] = T(kw["weight"], backend, "float64")
    x = T(logits, backend, "float64", requires_grad=True)
    inp = F.log_softmax(x, dim=1) if name == "nll_loss" else x
    got = getattr(F, name)(inp, I(target, backend), **kw)
    got.backward()
    # Reference: NumPy float64, PyTorch's formula written out.
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    ign = kwargs.get("ignore_index", -100)
    w = np.asarray(kwargs.get("weight", np.ones(3)))
    ls = kwargs.get("label_smoothing", 0.0)
    rows = [i for i, t in enumerate(target) if t != ign]
    nll = {i: -logp[i, target[i]] * w[target[i]] for i in rows}
    smooth = {i: -(logp[i] * w).sum() / 3 for i in rows}
    per = {i: (1 - ls) * nll[i] + ls * smooth[i] for i in rows}
    red = kwargs.get("reduction", "mean")
    want = sum(per.values()) if red == "sum" else sum(per.values()) / sum(w[target[i]] for i in rows)
    assert abs(float(got.item()) - want) < 1e-9
    t = torch()
    tk = dict(kwargs)
    if "weight" in tk:
        tk["weight"] = t.tensor(tk["weight"], dtype=t.float64)
    tx = t.tensor(logits, requires_grad=True)
    tin = t.log_softmax(tx, 1) if name == "nll_loss" else tx
    ref = getattr(t.nn.functional, name)(tin, t.tensor(target), **tk)
    ref.backward()
    assert abs(float(ref) - want) < 1e-9
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name,wlen", [("cross_entropy", 2), ("cross_entropy", 4),
                                       ("nll_loss", 2), ("nll_loss", 5)])
def test_class_weight_of_wrong_length(backend, name, wlen):
    x = T(np.zeros((2, 3)), backend)
    with pytest.raises(ValueError) as info:
        getattr(F, name)(x, I([0, 1], backend), weight=T(np.ones(wlen), backend))
    assert_names(info.value, name, "(3,)", f"({wlen},)")
    torch_raises(lambda t: getattr(t.nn.functional, name)(
        t.zeros(2, 3), t.tensor([0, 1]), weight=t.ones(wlen)), RuntimeError, ValueError)


def test_class_weight_wrong_length_probability_target(backend):
    with pytest.raises(ValueError) as info:
        F.cross_entropy(T(np.zeros((2, 3)), backend), T(np.full((2, 3), 1 / 3), backend),
                        weight=T(np.ones(2), backend))
    assert_names(info.value, "cross_entropy", "(3,)", "(2,)")
    torch_raises(lambda t: t.nn.functional.cross_entropy(
        t.zeros(2, 3), t.full((2, 3), 1 / 3), weight=t.ones(2)), RuntimeError, ValueError)


@pytest.mark.parametrize("module,target", [("CrossEntropyLoss", [0, 3]), ("NLLLoss", [-1, 0]),
                                           ("CrossEntropyLoss", [4, 0])])
def test_loss_modules_check_targets(backend, module, target):
    loss = getattr(nn, module)()
    with pytest.raises(IndexError) as info:
        loss(T(np.zeros((2, 3)), backend), I(target, backend))
    assert "out of bounds" in str(info.value)
    torch_raises(lambda t: getattr(t.nn, module)()(t.zeros(2, 3), t.tensor(target)), IndexError)


def test_loss_module_weight_of_wrong_length(backend):
    loss = nn.CrossEntropyLoss(weight=T(np.ones(4), backend))
    with pytest.raises(ValueError) as info:
        loss(T(np.zeros((2, 3)), backend), I([0, 1], backend))
    assert_names(info.value, "cross_entropy", "(3,)", "(4,)")
    torch_raises(lambda t: t.nn.CrossEntropyLoss(weight=t.ones(4))(t.zeros(2, 3), t.tensor([0, 1])),
                 RuntimeError)


def test_float_class_target_of_index_shape_is_a_type_error(backend):
    with pytest.raises((TypeError, ValueError)) as info:
        F.nll_loss(T(np.zeros((2, 3)), backend), T([0.0, 1.0], backend))
    assert "nll_loss" in str(info.value)
    torch_raises(lambda t: t.nn.functional.nll_loss(t.zeros(2, 3), t.tensor([0.0, 1.0])),
                 RuntimeError)


# -- probability losses --------------------------------------------------------------------
BCE_BAD = [
    ("input", [1.5, 0.5], [0.5, 0.5]),
    ("input", [-0.1, 0.5], [0.5, 0.5]),
    ("input", [float("nan"), 0.5], [0.5, 0.5]),
    ("target", [0.5, 0.5], [1.5, 0.5]),
    ("target", [0.5, 0.5], [0.5, -2.0]),
]


@pytest.mark.parametrize("which,x,y", BCE_BAD, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in BCE_BAD])
def test_bce_refuses_values_outside_unit_interval(backend, which, x, y):
    with pytest.raises(ValueError) as info:
        F.binary_cross_entropy(T(x, backend), T(y, backend))
    assert_names(info.value, "binary_cross_entropy", which, "between 0 and 1")
    torch_raises(lambda t: t.nn.functional.binary_cross_entropy(t.tensor(x), t.tensor(y)),
                 RuntimeError)


def test_bce_boundary_values_are_fine(backend):
    x, y = [0.0, 1.0, 0.3], [0.0, 1.0, 1.0]
    got = float(F.binary_cross_entropy(T(x, backend, "float64"), T(y, backend, "float64")).item())
    want = -np.mean([0.0, 0.0, np.log(0.3)])  # log(0) terms clamp at -100 with weight 0
    assert abs(got - want) < 1e-12
    t = torch()
    ref = float(t.nn.functional.binary_cross_entropy(t.tensor(x, dtype=t.float64),
                                                     t.tensor(y, dtype=t.float64)))
    assert abs(ref - want) < 1e-12


@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_cross_entropy_with_logits"])
@pytest.mark.parametrize("ishape,tshape", [((3, 1), (3,)), ((3,), (3, 1)), ((2, 3), (3,))])
def test_bce_refuses_target_of_another_shape(backend, name, ishape, tshape):
    with pytest.raises(ValueError) as info:
        getattr(F, name)(T(np.full(ishape, 0.5), backend), T(np.full(tshape, 0.5), backend))
    assert_names(info.value, name, ishape, tshape)
    torch_raises(lambda t: getattr(t.nn.functional, name)(t.full(ishape, 0.5), t.full(tshape, 0.5)),
                 ValueError)


def test_bce_with_logits_accepts_soft_targets_outside_unit_interval(backend):
    # PyTorch does not check targets here (logits losses are used with label tricks).
    x, y = [0.5, -1.0], [1.5, -0.5]
    got = float(F.binary_cross_entropy_with_logits(T(x, backend, "float64"),
                                                   T(y, backend, "float64")).item())
    xa, ya = np.array(x), np.array(y)
    want = np.mean((1 - ya) * xa + np.log1p(np.exp(-xa)))
    assert abs(got - want) < 1e-12
    t = torch()
    ref = float(t.nn.functional.binary_cross_entropy_with_logits(
        t.tensor(x, dtype=t.float64), t.tensor(y, dtype=t.float64)))
    assert abs(ref - want) < 1e-12


# -- broadcasting losses warn as PyTorch ----------------------------------------------------
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
@pytest.mark.parametrize("ishape,tshape", [((3, 1), (3,)), ((3,), (1,)), ((2, 3), (3,))])
def test_broadcasting_losses_warn(backend, name, ishape, tshape):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(ishape), rng.standard_normal(tshape)
    with pytest.warns(UserWarning, match="target size") as record:
        got = getattr(F, name)(T(x, backend, "float64"), T(y, backend, "float64"))
    assert any(name in str(w.message) and "broadcasting" in str(w.message) for w in record)
    t = torch()
    with pytest.warns(UserWarning, match="target size"):
        ref = getattr(t.nn.functional, name)(t.tensor(x), t.tensor(y))
    assert abs(float(got.item()) - float(ref)) < 1e-12  # the broadcast result itself agrees


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_same_shape_losses_do_not_warn(backend, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        getattr(F, name)(T(np.ones((3, 1)), backend), T(np.zeros((3, 1)), backend))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_non_broadcastable_losses_raise(backend, name):
    with pytest.raises(ValueError) as info:
        getattr(F, name)(T(np.ones((3, 2)), backend), T(np.zeros(3), backend))
    assert_names(info.value, name, (3, 2), (3,))
    torch_raises(lambda t: getattr(t.nn.functional, name)(t.ones(3, 2), t.zeros(3)), RuntimeError)


@pytest.mark.parametrize("c,target", [(3, [3]), (3, [-1]), (2, [0, 2])])
def test_one_hot_refuses_classes_out_of_range(backend, c, target):
    with pytest.raises(IndexError) as info:
        F.one_hot(I(target, backend), c)
    assert_names(info.value, "one_hot", f"[0, {c - 1}]")
    torch_raises(lambda t: t.nn.functional.one_hot(t.tensor(target), c), RuntimeError)
