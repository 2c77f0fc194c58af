"""nn and optim misuse gets an error that names the operation, what was expected and what
was received -- never an internal broadcast or attribute error (issue 17)."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.optim as optim
from anygrad.optim._checks import check_loaded_state
from _helpers import T, assert_names, torch, torch_raises


@pytest.mark.parametrize("key", ["exp_avg", "momentum_buffer", "square_avg", "sum"])
@pytest.mark.parametrize("shape", [(2,), (3, 1), ()])
def test_check_loaded_state_names_entry_and_shapes(backend, key, shape):
    p = T(np.zeros(3), backend, requires_grad=True)
    bad = {"step": 4, key: T(np.zeros(shape), backend)}
    with pytest.raises(ValueError) as info:
        check_loaded_state("Adam", 0, p, bad)
    assert_names(info.value, "Adam.load_state_dict", repr(key), "parameter 0", shape, "(3,)")
    check_loaded_state("Adam", 0, p, {"step": 4, key: T(np.zeros(3), backend)})  # fine


def test_lbfgs_flat_state_is_not_a_per_parameter_entry(backend):
    p = T(np.zeros((2, 2)), backend, requires_grad=True)
    check_loaded_state("LBFGS", 0, p, {"d": T(np.zeros(4), backend), "old_dirs": []})


def _adam_state_with(backend, key_shape):
    p = T(np.zeros(3), backend, requires_grad=True)
    o = optim.Adam([p])
    p.grad = T(np.ones(3), backend)
    o.step()
    sd = o.state_dict()
    sd["state"][0]["exp_avg"] = T(np.zeros(key_shape), backend)
    return p, sd


def test_wrong_shaped_optimizer_state_is_refused_at_load(backend):
    p, sd = _adam_state_with(backend, (2,))
    o = optim.Adam([p])
    with pytest.raises(ValueError) as info:
        o.load_state_dict(sd)
    assert_names(info.value, "Adam.load_state_dict", "'exp_avg'", "(2,)", "(3,)")


def test_wrong_shaped_optimizer_state_never_steps_silently(backend):
    # Whatever the message, the step must not succeed with a broadcast (3,) vs (1,) state.
    p, sd = _adam_state_with(backend, (1,))
    o = optim.Adam([p])
    with pytest.raises((ValueError, RuntimeError)):  # until load checks: the backend's error
        o.load_state_dict(sd)
        p.grad = T(np.ones(3), backend)
        o.step()
        if tuple(o.state[p]["exp_avg"].shape) != (3,):
            raise ValueError("state kept a wrong shape")
    t = torch()
    tp = t.zeros(3, requires_grad=True)
    to = t.optim.Adam([tp])
    tp.grad = t.ones(3)
    to.step()
    tsd = to.state_dict()
    tsd["state"][0]["exp_avg"] = t.zeros(2)
    to2 = t.optim.Adam([tp])
    to2.load_state_dict(tsd)  # PyTorch accepts it too; its step fails with a size error
    with pytest.raises(RuntimeError):
        to2.step()


# -- modules: shapes named, not broadcast errors ------------------------------------------
MODULE_CASES = [
    ("Linear", lambda: nn.Linear(3, 2), (4, 5), ("Linear", "3", "(4, 5)")),
    ("Conv2d", lambda: nn.Conv2d(3, 2, 3), (1, 4, 5, 5), ("Conv2d", "3 channels", "(1, 4, 5, 5)")),
    ("BatchNorm1d", lambda: nn.BatchNorm1d(3), (4, 5), ("BatchNorm1d", "3", "(4, 5)")),
    ("LayerNorm", lambda: nn.LayerNorm(3), (4, 5), ("LayerNorm", "(3,)", "(4, 5)")),
]


@pytest.mark.parametrize("case", MODULE_CASES, ids=[c[0] for c in MODULE_CASES])
def test_module_input_of_wrong_shape(backend, case):
    name, make, shape, words = case
    with anygrad.default_backend(backend.name):
        m = make()
    if backend.device:
        m.to(device=backend.device_obj())
    with pytest.raises(ValueError) as info:
        m(T(np.zeros(shape), backend))
    assert_names(info.value, *words)
    torch_raises(lambda t: {"Linear": lambda: t.nn.Linear(3, 2), "Conv2d": lambda: t.nn.Conv2d(3, 2, 3),
                            "BatchNorm1d": lambda: t.nn.BatchNorm1d(3),
                            "LayerNorm": lambda: t.nn.LayerNorm(3)}[name]()(t.zeros(shape)),
                 RuntimeError)


def test_module_state_dict_of_wrong_shape(backend):
    with anygrad.default_backend(backend.name):
        m = nn.Linear(3, 2)
    sd = m.state_dict()
    sd["weight"] = T(np.zeros((3, 3)), backend)
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(sd)
    assert_names(info.value, "weight", "(3, 3)", "(2, 3)")
    torch_raises(lambda t: t.nn.Linear(3, 2).load_state_dict(
        {"weight": t.zeros(3, 3), "bias": t.zeros(2)}), RuntimeError)


@pytest.mark.parametrize("kwargs,words", [
    ({"lr": -1.0}, ("SGD", "lr", "-1")),
    ({"lr": 0.1, "momentum": -0.5}, ("SGD", "momentum", "-0.5")),
    ({"lr": 0.1, "weight_decay": -1.0}, ("SGD", "weight_decay", "-1")),
])
def test_optimizer_hyperparameters_are_checked(backend, kwargs, words):
    p = T(np.zeros(2), backend, requires_grad=True)
    with pytest.raises(ValueError) as info:
        optim.SGD([p], **kwargs)
    assert_names(info.value, *words)
    torch_raises(lambda t: t.optim.SGD([t.zeros(2, requires_grad=True)], **kwargs), ValueError)


def test_optimizer_given_a_single_tensor(backend):
    p = T(np.zeros(2), backend, requires_grad=True)
    with pytest.raises(TypeError) as info:
        optim.SGD(p, lr=0.1)
    assert_names(info.value, "SGD", "Tensor")
    torch_raises(lambda t: t.optim.SGD(t.zeros(2, requires_grad=True), lr=0.1), TypeError)
