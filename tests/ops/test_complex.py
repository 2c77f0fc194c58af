"""Complex numbers: ``real``, ``imag``, ``conj`` and complex gradients.

Gradients follow PyTorch's convention: for a real loss L of z = x + iy, ``z.grad`` is
dL/dx + i dL/dy (so a holomorphic f has the backward rule ``g * conj(f'(z))``). Every
gradient here is compared with PyTorch's autograd on the same complex128 inputs, for the
real losses ``sum(|f(z)|**2)`` (as ``(f * conj(f)).real``) and ``sum(|f(z)|)``.

The registry entries of ``real``/``imag``/``conj`` test them on real inputs through
``z = x + iy`` (the registry suite checks real dtypes); this file checks complex inputs
directly, on every backend of the matrix (all of them support complex64/complex128).
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad as ag
from anygrad.testing import assert_close

RNG_SEED = 20261126


def _cplx(rng, *shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


def _t(a, case, requires_grad=False, dtype=None):
    return ag.tensor(a, backend=case.name, device=case.device_obj(), dtype=dtype,
                     requires_grad=requires_grad)


# -- forward and semantics ----------------------------------------------------------------
@pytest.mark.parametrize("dtype, part", [("complex64", "float32"), ("complex128", "float64")])
def test_real_imag_conj_forward(backend, dtype, part):
    z = np.array([[1.5 + 2.0j, -3.0 - 1.0j, 0.0 + 0.5j]])
    t = _t(z, backend, dtype=dtype)
    for name, want in (("real", z.real), ("imag", z.imag), ("conj", np.conj(z))):
        got = getattr(ag, name)(t)
        assert got.backend == t.backend and got.device == t.device
        assert str(got.dtype) == f"anygrad.{dtype if name == 'conj' else part}", (name, got.dtype)
        assert_close(got, want.astype(dtype if name == "conj" else part), rtol=0, atol=0)
    # Tensor spellings, as in PyTorch: properties .real and .imag, method .conj().
    assert_close(t.real, z.real.astype(part), rtol=0, atol=0)
    assert_close(t.imag, z.imag.astype(part), rtol=0, atol=0)
    assert_close(t.conj(), np.conj(z).astype(dtype), rtol=0, atol=0)


def test_real_input(backend):
    # The standard (2024.12) and PyTorch: real() and conj() of a real array return it;
    # imag() accepts complex input only (PyTorch and array-api-strict raise; NumPy would
    # give zeros).
    x = _t([1.0, -2.0], backend, requires_grad=True)
    assert ag.real(x) is x and ag.conj(x) is x and x.real is x and x.conj() is x
    with pytest.raises(TypeError, match="imag: expected a complex"):
        ag.imag(x)
    with pytest.raises(TypeError, match="imag"):
        x.imag


def test_namespace_has_complex_functions(backend):
    xp = _t([1.0 + 1.0j], backend).__array_namespace__()
    z = _t([2.0 - 3.0j], backend)
    assert_close(xp.real(z), np.array([2.0], dtype=np.float32), rtol=0, atol=0)
    assert_close(xp.imag(z), np.array([-3.0], dtype=np.float32), rtol=0, atol=0)
    assert_close(xp.conj(z), np.array([2.0 + 3.0j], dtype=np.complex64), rtol=0, atol=0)


def test_gradient_rules(backend):
    # z.grad for L = sum(w * real(z)) is w; for sum(w * imag(z)) it is i w; conj's backward
    # conjugates the upstream gradient (values checked against PyTorch below as well).
    z0 = np.array([1.0 + 2.0j, 3.0 - 1.0j])
    w0 = np.array([0.5, -2.0])
    for f, want in ((lambda z: ag.real(z), w0 + 0j), (lambda z: ag.imag(z), 1j * w0),
                    (lambda z: ag.imag(ag.conj(z)), -1j * w0)):
        z = _t(z0, backend, requires_grad=True)
        (f(z) * _t(w0, backend)).sum().backward()
        assert z.grad.dtype == z.dtype and z.grad.device == z.device
        assert_close(z.grad, want, rtol=0, atol=0)


def test_second_order_through_real_imag(backend):
    # create_graph: the backward rules run on Tensors through anygrad's namespace.
    z0 = np.array([1.0 + 2.0j, 3.0 - 1.0j])
    z = _t(z0, backend, requires_grad=True)
    loss = (ag.real(z) ** 3).sum() + (ag.imag(z) ** 3).sum()
    (g,) = ag.autograd.grad(loss, [z], create_graph=True)
    assert_close(g, 3 * z0.real ** 2 + 3j * z0.imag ** 2, rtol=1e-12, atol=1e-12)
    (ag.real(g).sum() + ag.imag(g).sum()).backward()
    assert_close(z.grad, 6 * z0.real + 6j * z0.imag, rtol=1e-12, atol=1e-12)


# -- gradients against PyTorch ------------------------------------------------------------
def _ops(torch):
    """name -> (f(module, *zs), input shapes, where module is anygrad or torch)."""
    def both(ag_fn, torch_fn):
        return lambda m, *zs: (ag_fn if m is ag else torch_fn)(*zs)

    return {
        "add": (lambda m, z, w: z + w, [(3, 4), (3, 4)]),
        "add_broadcast": (lambda m, z, w: z + w, [(3, 4), (4,)]),
        "subtract": (lambda m, z, w: z - w, [(3, 4), (3, 4)]),
        "negative": (lambda m, z: -z, [(3, 4)]),
        "multiply": (lambda m, z, w: z * w, [(3, 4), (3, 4)]),
        "multiply_broadcast": (lambda m, z, w: z * w, [(3, 4), (3, 1)]),
        "multiply_scalar": (lambda m, z: z * (0.5 - 2j), [(3, 4)]),
        "divide": (lambda m, z, w: z / w, [(3, 4), (3, 4)]),
        "rdivide_scalar": (lambda m, z: (2 + 1j) / z, [(3, 4)]),
        "square": (lambda m, z: m.square(z), [(3, 4)]),
        "reciprocal": (lambda m, z: m.reciprocal(z), [(3, 4)]),
        "sqrt": (lambda m, z: m.sqrt(z), [(3, 4)]),
        "rsqrt": (lambda m, z: m.rsqrt(z), [(3, 4)]),
        "pow": (lambda m, z, w: m.pow(z, w), [(3, 4), (3, 4)]),
        "pow_scalar_exponent": (lambda m, z: z ** 3.0, [(3, 4)]),
        "pow_scalar_base": (lambda m, z: (1 + 2j) ** z, [(3, 4)]),
        "abs": (lambda m, z: m.abs(z), [(3, 4)]),
        "sum": (both(lambda z: ag.sum(z, axis=0), lambda z: torch.sum(z, 0)), [(3, 4)]),
        "mean": (lambda m, z: m.mean(z), [(3, 4)]),
        "reshape": (lambda m, z: m.reshape(z, (12,)), [(3, 4)]),
        "transpose": (lambda m, z: z.mT, [(3, 4)]),
        "getitem": (lambda m, z: z[1:, 0:4:2], [(3, 4)]),
        "concat": (both(lambda z, w: ag.concat([z, w]), lambda z, w: torch.cat([z, w])),
                   [(3, 4), (2, 4)]),
        "real": (lambda m, z: m.real(z), [(3, 4)]),
        "imag": (lambda m, z: m.imag(z), [(3, 4)]),
        "conj": (lambda m, z, w: m.conj(z) * w, [(3, 4), (3, 4)]),
        "real_imag_mix": (lambda m, z: m.real(z) * m.imag(z) + m.real(m.conj(z) * z), [(3, 4)]),
        # Holomorphic rules outside arithmetic.py: g * conj(f'(z)) via conj_if_complex.
        "exp": (lambda m, z: m.exp(z), [(3, 4)]),
        "log": (lambda m, z: m.log(z), [(3, 4)]),
        "sin": (lambda m, z: m.sin(z), [(3, 4)]),
        "tanh": (lambda m, z: m.tanh(z), [(3, 4)]),
        "matmul": (lambda m, z, w: m.matmul(z, w), [(3, 4), (4, 2)]),
        "matmul_vec": (lambda m, z, w: m.matmul(z, w), [(4,), (4, 2)]),
        **{name: ((lambda name: lambda m, z: getattr(m, name)(z))(name), [(3, 4)])
           for name in ("exp2", "expm1", "log1p", "log2", "log10", "cos", "tan", "asin",
                        "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh")},
    }


LOSSES = ("normsq", "abs")


def _loss(m, out, kind):
    if kind == "normsq":
        if m is ag:
            return (out * ag.conj(out)).real.sum() if out.dtype.is_complex else (out * out).sum()
        return (out * out.conj()).real.sum() if out.is_complex() else (out * out).sum()
    return m.abs(out).sum()


def _compare(backend, f, shapes, loss, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    host = [_cplx(rng, *s) for s in shapes]
    tz = [torch.tensor(a, requires_grad=True) for a in host]
    _loss(torch, f(torch, *tz), loss).backward()
    az = [_t(a, backend, requires_grad=True) for a in host]
    out = f(ag, *az)
    _loss(ag, out, loss).backward()
    for i, (a, t) in enumerate(zip(az, tz)):
        assert a.grad is not None, f"input {i}: no gradient"
        assert a.grad.dtype == a.dtype, f"input {i}: gradient dtype {a.grad.dtype}"
        assert_close(a.grad, t.grad.resolve_conj().numpy(), rtol=1e-9, atol=1e-12, msg=f"input {i}")


def _names():
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        return ["add"]  # collected and then skipped by importorskip with a reason
    import torch

    return sorted(_ops(torch))


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("name", _names())
def test_complex_gradients_match_pytorch(backend, name, loss):
    torch = pytest.importorskip("torch")
    f, shapes = _ops(torch)[name]
    _compare(backend, f, shapes, loss, RNG_SEED + sorted(_ops(torch)).index(name))


@pytest.mark.parametrize("loss", LOSSES)
def test_real_operand_of_complex_op(backend, loss):
    # A real tensor times a complex one: the complex gradient reaching the real input
    # becomes its real part (PyTorch), taken with real() in the engine's central _conform
    # (no complex -> real cast, which the standard forbids and array-api-strict rejects).
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(RNG_SEED)
    z0, x0 = _cplx(rng, 3, 4), rng.standard_normal((3, 4))
    tz, tx = torch.tensor(z0, requires_grad=True), torch.tensor(x0, requires_grad=True)
    _loss(torch, tz * tx, loss).backward()
    z, x = _t(z0, backend, requires_grad=True), _t(x0, backend, requires_grad=True)
    _loss(ag, z * x, loss).backward()
    assert x.grad.dtype == x.dtype and z.grad.dtype == z.dtype
    assert_close(x.grad, tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert_close(z.grad, tz.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_abs_of_complex_is_twice_differentiable():
    # |z| = sqrt(x^2 + y^2) on z = x + iy: second derivatives by finite differences of the
    # first (sign(z) is a step function, z / |z| is not; the rule must differentiate the latter).
    x = ag.tensor([0.3, -1.2, 0.7], dtype=ag.float64, requires_grad=True)
    y = ag.tensor([0.4, 0.5, -2.0], dtype=ag.float64, requires_grad=True)
    assert ag.autograd.gradgradcheck(lambda a, b: ag.abs(a + 1j * b) ** 3, (x, y))
