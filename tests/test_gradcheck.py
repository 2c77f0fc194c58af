"""gradcheck / gradgradcheck and autograd.functional, on every backend.

Includes the proof that the checks can fail: a wrong backward, a gradient of the wrong
shape, and a backward that ignores an input are all rejected.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import anygrad
from anygrad.autograd import Function, GradcheckError, gradcheck, gradgradcheck
from anygrad.autograd import functional as F


def _t(values, backend, dtype="float64", requires_grad=True):
    return anygrad.tensor(np.asarray(values, dtype=np.float64), dtype=dtype,
                          device=backend.device_obj(), requires_grad=requires_grad)


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return 3 * gy * x * x


class WrongCube(Function):
    """Backward off by a factor: 2 x^2 instead of 3 x^2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return 2 * gy * x * x


class WrongShape(Function):
    """Returns a gradient of shape (3, 2) for an input of shape (2, 3)."""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.multiply(x, 2.0)

    @staticmethod
    def backward(ctx, gy):
        return ctx.xp.matrix_transpose(gy * 2.0)


class IgnoresInput(Function):
    """x * y whose backward forgets y's gradient."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return ctx.xp.multiply(x, y)

    @staticmethod
    def backward(ctx, gy):
        x, y = ctx.saved_tensors
        return gy * y, None


class OnceOnly(Function):
    """Correct first derivative of x^3 whose backward saves an intermediate (3 x^2): a
    constant under double backward, so the second derivative is wrong."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(3 * x * x)
        return x * x * x

    @staticmethod
    def backward(ctx, gy):
        (d,) = ctx.saved_tensors
        return gy * d


def test_accepts_correct_function(backend, float_dtype):
    x = _t([[0.5, -1.2, 0.3], [1.1, 0.7, -0.4]], backend, float_dtype)
    assert gradcheck(Cube.apply, (x,))
    assert gradgradcheck(Cube.apply, (x,))


def test_rejects_wrong_backward(backend, float_dtype):
    x = _t([0.5, -1.2, 0.3], backend, float_dtype)
    with pytest.raises(GradcheckError) as info:
        gradcheck(WrongCube.apply, (x,))
    msg = str(info.value)
    # The report names the input, the position and both values.
    assert "input 0" in msg and "position (0,)" in msg
    found = re.search(r"analytical (\S+), numerical (\S+)", msg)
    assert found, msg
    analytical, numerical = float(found.group(1)), float(found.group(2))
    assert analytical == pytest.approx(numerical * 2 / 3, rel=1e-3)
    assert gradcheck(WrongCube.apply, (x,), raise_exception=False) is False


def test_rejects_wrong_gradient_shape(backend):
    x = _t(np.arange(6.0).reshape(2, 3) / 4, backend)
    with pytest.raises(GradcheckError, match="shape"):
        gradcheck(WrongShape.apply, (x,))
    assert gradcheck(WrongShape.apply, (x,), raise_exception=False) is False


def test_rejects_ignored_input(backend):
    x = _t([0.5, -1.2], backend)
    y = _t([2.0, 0.3], backend)
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(IgnoresInput.apply, (x, y))
    # Checking only x (y constant) passes: the bug is in y's gradient alone.
    assert gradcheck(IgnoresInput.apply, (x, y.detach()))


def test_gradgradcheck_rejects_saved_intermediate(backend):
    x = _t([0.5, -1.2, 0.8], backend)
    assert gradcheck(OnceOnly.apply, (x,))
    with pytest.raises(GradcheckError):
        gradgradcheck(OnceOnly.apply, (x,))


def test_large_input_uses_sampled_positions_and_directions(backend):
    rng = np.random.default_rng(0)
    x = _t(rng.uniform(-1, 1, (6, 7)), backend)
    assert gradcheck(Cube.apply, (x,), max_elements=8)
    with pytest.raises(GradcheckError):
        gradcheck(WrongCube.apply, (x,), max_elements=8)


def test_float32_reference_is_float64(backend):
    # In float32, eps=1e-6 central differences would be pure noise; the reference is
    # computed on float64 copies so the check stays tight.
    x = _t([0.3, -0.7, 1.3], backend, "float32")
    assert gradcheck(lambda t: anygrad.exp(t) * t, (x,), atol=1e-5, rtol=1e-5)


def test_non_tensor_and_constant_arguments(backend):
    x = _t([[0.5, -1.0], [2.0, 0.25]], backend)
    c = _t([1.5, -0.5], backend, requires_grad=False)
    assert gradcheck(lambda a, k, b: anygrad.sum(a * b, axis=k), (x, 1, c))


def test_multiple_outputs(backend):
    x = _t([0.5, -1.0, 0.7], backend)
    assert gradcheck(lambda a: (a * a, anygrad.exp(a)), (x,))


def test_errors(backend):
    x = _t([1.0], backend, requires_grad=False)
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(Cube.apply, (x,))
    with pytest.raises(GradcheckError, match="raised"):
        gradcheck(lambda a: a.reshape(5), (_t([1.0, 2.0], backend),))


def test_default_tolerances_by_dtype():
    from anygrad.autograd.gradcheck import default_tolerances

    assert default_tolerances(anygrad.float64)[1] < default_tolerances(anygrad.float32)[1]
    assert default_tolerances("float16")[1] > default_tolerances("float32")[1]


# -- autograd.functional -------------------------------------------------------------------
def _f(t):
    return anygrad.exp(t) * t


def _df(x):
    return np.exp(x) * (1 + x)


def test_vjp_jvp_match_numpy(backend):
    xs = np.array([0.5, -1.0, 0.3])
    x = _t(xs, backend, requires_grad=False)
    v = _t([1.0, 2.0, -1.0], backend, requires_grad=False)
    out, g = F.vjp(_f, x, v)
    np.testing.assert_allclose(out.numpy(), np.exp(xs) * xs)
    np.testing.assert_allclose(g.numpy(), _df(xs) * [1.0, 2.0, -1.0])
    assert g.backend == x.backend and g.device == x.device and not g.requires_grad
    out, jv = F.jvp(_f, x, v)
    np.testing.assert_allclose(jv.numpy(), _df(xs) * [1.0, 2.0, -1.0])
    with pytest.raises(RuntimeError, match="single element"):
        F.vjp(_f, x)


def test_jacobian_and_hessian_match_numpy(backend):
    xs = np.array([0.5, -1.0, 0.3])
    x = _t(xs, backend, requires_grad=False)
    J = F.jacobian(_f, x)
    np.testing.assert_allclose(J.numpy(), np.diag(_df(xs)))
    H = F.hessian(lambda t: anygrad.sum(t * t * t), x)
    np.testing.assert_allclose(H.numpy(), np.diag(6 * xs))
    # Tuples of inputs and outputs: result[i][j] = d out_i / d in_j.
    y = _t([2.0, -3.0], backend, requires_grad=False)
    (ja, jb), (jc, jd) = F.jacobian(lambda a, b: (anygrad.sum(a) * b, b * b), (x, y))
    assert tuple(ja.shape) == (2, 3) and tuple(jd.shape) == (2, 2)
    np.testing.assert_allclose(ja.numpy(), np.outer([2.0, -3.0], np.ones(3)))
    np.testing.assert_allclose(jb.numpy(), np.eye(2) * xs.sum())
    np.testing.assert_allclose(jc.numpy(), np.zeros((2, 3)))
    np.testing.assert_allclose(jd.numpy(), np.diag([4.0, -6.0]))


def test_hvp_and_create_graph(backend):
    xs = np.array([0.5, -1.0])
    x = _t(xs, backend)
    v = _t([1.0, 1.0], backend, requires_grad=False)
    _, hv = F.hvp(lambda t: anygrad.sum(t * t * t), x, v, create_graph=True)
    np.testing.assert_allclose(hv.detach().numpy(), 6 * xs)
    (g,) = anygrad.autograd.grad(anygrad.sum(hv), x)
    np.testing.assert_allclose(g.numpy(), [6.0, 6.0])


def test_jvp_strict_and_independent_output(backend):
    x = _t([1.0, 2.0], backend, requires_grad=False)
    c = _t([3.0], backend, requires_grad=False)
    _, jv = F.jvp(lambda t: c * 1.0, x, x)
    np.testing.assert_allclose(jv.numpy(), [0.0])
    with pytest.raises(RuntimeError, match="strict"):
        F.vjp(lambda t: c * 1.0, x, c, strict=True)


def test_device_without_float64_uses_host_reference():
    # array-api-strict's "no_float64" device holds float32 only: the float64 reference is
    # computed on NumPy host copies, the analytical side stays on the device.
    import array_api_strict as xs

    from anygrad.autograd.gradcheck import _reference_place

    dev = xs.Device("no_float64")
    x = anygrad.asarray(xs.asarray(np.array([0.3, -0.5, 1.1], dtype=np.float32), device=dev))
    x.requires_grad_()
    assert _reference_place(x) == ("numpy", None)
    assert gradcheck(lambda t: anygrad.exp(t) * t, (x,), atol=1e-5, rtol=1e-5)
    assert gradgradcheck(Cube.apply, (x,))
    with pytest.raises(GradcheckError, match="position"):
        gradcheck(WrongCube.apply, (x,))


def test_functional_results_are_differentiable_with_create_graph(backend):
    x = _t([0.5, -1.0, 0.3], backend)
    v = _t([1.0, -2.0, 0.5], backend, requires_grad=False)
    J = F.jacobian(lambda t: t * t * t, x, create_graph=True)
    (g,) = anygrad.autograd.grad(anygrad.sum(J), x)
    np.testing.assert_allclose(g.numpy(), 6 * np.array([0.5, -1.0, 0.3]))
    # The double-vjp jvp is itself correctly differentiable.
    assert gradcheck(lambda t: F.jvp(_f, t, v, create_graph=True)[1], (x,))
    assert gradcheck(lambda t: F.vjp(_f, t, v, create_graph=True)[1], (x,))
