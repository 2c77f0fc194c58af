"""Autograd misuse gets a clear error, as in PyTorch: wrong gradients from hooks or
assigned to ``.grad``, tensors passed to a Function by keyword, NaN under anomaly mode."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad

try:
    import torch
except ImportError:  # the anygrad side of every case still runs
    torch = None


def _param(backend):
    return anygrad.tensor([1.0, 2.0], dtype="float64", requires_grad=True, device=backend.device)


@pytest.mark.parametrize("bad", ["shape", "dtype", "type"])
def test_grad_assignment_is_checked(backend, bad):
    p = _param(backend)
    value = {"shape": anygrad.ones(1, 2, dtype="float64", device=backend.device),
             "dtype": anygrad.ones(2, dtype="float32", device=backend.device),
             "type": [1.0, 2.0]}[bad]
    error = TypeError if bad == "type" else RuntimeError
    with pytest.raises(error, match=f"Tensor.grad: expected a {'Tensor' if bad == 'type' else 'gradient'}"):
        p.grad = value
    assert p.grad is None  # nothing was assigned
    p.grad = anygrad.ones(2, dtype="float64", device=backend.device)
    p.grad = None
    if torch is not None:
        r = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        tvalue = {"shape": torch.ones(1, 2, dtype=torch.float64),
                  "dtype": torch.ones(2, dtype=torch.float32), "type": [1.0, 2.0]}[bad]
        with pytest.raises((TypeError, RuntimeError)):
            r.grad = tvalue


def test_sgd_cannot_reshape_a_parameter_through_its_grad(backend):
    p = _param(backend)
    with pytest.raises(RuntimeError, match="shape"):
        p.grad = anygrad.ones(1, 2, dtype="float64", device=backend.device)
    anygrad.optim.SGD([p], lr=0.1).step()
    assert tuple(p.shape) == (2,)


@pytest.mark.parametrize("bad", ["shape", "dtype", "list"])
def test_tensor_hook_returning_a_wrong_gradient_raises(backend, bad):
    p = _param(backend)
    hook = {"shape": lambda g: g.reshape(2, 1), "dtype": lambda g: g.to(anygrad.float32),
            "list": lambda g: [1.0, 2.0]}[bad]
    p.register_hook(hook)
    error = TypeError if bad == "list" else RuntimeError
    with pytest.raises(error, match="hook '<lambda>'"):
        (p * 2).sum().backward()
    if torch is not None and bad != "dtype":
        r = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        r.register_hook({"shape": lambda g: g.reshape(2, 1), "list": lambda g: [1.0, 2.0]}[bad])
        with pytest.raises((TypeError, RuntimeError)):
            (r * 2).sum().backward()


def test_node_pre_hook_must_return_matching_gradients(backend):
    p = _param(backend)
    y = p * 2
    y.grad_fn.register_prehook(lambda grads: (grads[0].reshape(1, 2),))
    with pytest.raises(RuntimeError, match="MulBackward0 pre-hook"):
        y.sum().backward()


def test_hook_returning_a_good_gradient_replaces_it(backend):
    p = _param(backend)
    p.register_hook(lambda g: g * 10)
    (p * 2).sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), [20.0, 20.0])


class _Scale(anygrad.autograd.Function):
    @staticmethod
    def forward(ctx, x, *, factor=None):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


def test_function_tensor_keyword_that_requires_grad_raises(backend):
    p = _param(backend)
    with pytest.raises(TypeError, match="_Scale.apply: the keyword argument 'factor'"):
        _Scale.apply(p, factor=_param(backend))
    _Scale.apply(p, factor=3.0).sum().backward()  # other keywords are fine
    np.testing.assert_array_equal(p.grad.numpy(), [2.0, 2.0])


def test_anomaly_mode_names_the_operation_and_where_it_ran(backend):
    x = anygrad.tensor([0.0, 1.0], dtype="float64", requires_grad=True, device=backend.device)
    with anygrad.autograd.detect_anomaly():
        y = x.sqrt() * 0.0  # sqrt's derivative at 0 is inf; inf * 0 is NaN
        with pytest.raises(RuntimeError, match=r"(?s)'SqrtBackward0' returned nan values in its "
                                               r"0th output.*test_autograd_misuse.py"):
            y.sum().backward()
    assert not anygrad.autograd.is_anomaly_enabled()
    y = x.sqrt() * 0.0
    y.sum().backward()  # outside the mode: NaN gradients, as PyTorch, no error
    assert np.isnan(x.grad.numpy()[0])
    if torch is not None:
        r = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
        with pytest.warns(UserWarning), torch.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match="'SqrtBackward0' returned nan values"):
                (r.sqrt() * 0.0).sum().backward()


def test_set_detect_anomaly_switches_until_switched_back(backend):
    anygrad.autograd.set_detect_anomaly(True)
    try:
        assert anygrad.autograd.is_anomaly_enabled()
        x = anygrad.tensor([0.0], dtype="float64", requires_grad=True, device=backend.device)
        with pytest.raises(RuntimeError, match="returned nan values"):
            (x.sqrt() * 0.0).sum().backward()
    finally:
        anygrad.autograd.set_detect_anomaly(False)
    assert not anygrad.autograd.is_anomaly_enabled()


def test_linear_input_modified_after_forward_raises_as_in_pytorch():
    # linear reshapes an N-d input to a matrix; the reshape is a view sharing the input's
    # version counter, so changing the input in place before backward is caught.
    x = anygrad.ones(2, 3, 4)
    w = anygrad.ones(5, 4, requires_grad=True)
    y = anygrad.nn.functional.linear(x, w, anygrad.zeros(5))
    x.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    torch = pytest.importorskip("torch")
    tx, tw = torch.ones(2, 3, 4), torch.ones(5, 4, requires_grad=True)
    ty = torch.nn.functional.linear(tx, tw, torch.zeros(5))
    tx.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        ty.sum().backward()


_MULTIPLY_CASES = pytest.mark.parametrize("changed, other, raises", [
    ("a", "scalar", False),    # a * 2.0 keeps nothing of a
    ("a", "constant", False),  # a * c with c constant keeps only c
    ("c", "constant", True),
    ("a", "leaf", True),       # both need the other's value
    ("c", "leaf", True),
])
_OPS = pytest.mark.parametrize("op", ["multiply", "divide"])


def _multiply_then_change(m, kw, op, changed, other, raises):
    x = m.tensor([1.0, 2.0], requires_grad=True, **kw)
    c = 2.0 if other == "scalar" else m.tensor([3.0, 4.0], requires_grad=other == "leaf", **kw)
    a = x * 1.0
    y = a * c if op == "multiply" else a / c
    with m.no_grad():
        (a if changed == "a" else c).add_(1.0)
    if raises:
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
    else:
        y.sum().backward()
        expected = np.array([2.0, 2.0] if other == "scalar" else [3.0, 4.0])
        if op == "divide":
            expected = 1.0 / expected
        np.testing.assert_array_equal(np.asarray(x.grad.tolist()), expected)


@_OPS
@_MULTIPLY_CASES
def test_multiply_keeps_only_what_its_gradients_read(backend, op, changed, other, raises):
    """An in-place change of an operand after ``a * c`` (``a / c``) fails backward exactly
    when the gradients read that operand, as in PyTorch (the same cases below)."""
    _multiply_then_change(anygrad, {"dtype": "float64", "device": backend.device},
                          op, changed, other, raises)


@_OPS
@_MULTIPLY_CASES
def test_multiply_in_place_cases_behave_so_in_pytorch(op, changed, other, raises):
    if torch is None:
        pytest.skip("torch is not installed")
    _multiply_then_change(torch, {"dtype": torch.float64}, op, changed, other, raises)
