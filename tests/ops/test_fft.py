"""The ``fft`` extension: values vs NumPy, gradients vs central differences (first and
second order) and vs PyTorch's autograd, on every backend of the matrix.

The registry suite (``tests/ops/test_registry*.py``) runs every ``fft.*`` entry on real
inputs through ``z = x + iy`` and ``(real, imag)`` outputs; this file adds what it does
not: complex leaves compared with ``torch.fft``'s own gradients (PyTorch's convention,
``z.grad = dL/dx + i dL/dy``) through the PyTorch face (``anygrad.fft.fft(x, n, dim,
norm)``), 3-D inputs and middle axes, second-order gradients of nonlinear losses, the
namespace face (``xp.fft.fft(x, n=...)``), dtypes, devices and the errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad.autograd import gradcheck, gradgradcheck
from anygrad.ops import REGISTRY
from anygrad.testing import assert_close, unregistered_ops

STANDARD = ("fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft",
            "fftfreq", "rfftfreq", "fftshift", "ifftshift")
# Which transforms take a real input (the others a complex one).
REAL_IN = ("rfft", "rfftn", "ihfft", "fftshift", "ifftshift")

FD = {"atol": 1e-6, "rtol": 1e-5, "max_elements": 24}
FD2 = {"atol": 1e-5, "rtol": 1e-4, "n_directions": 1, "max_elements": 8}

RNG = np.random.default_rng(18)
Z34 = RNG.standard_normal((3, 4)) + 1j * RNG.standard_normal((3, 4))
X34 = RNG.standard_normal((3, 4))
Z235 = RNG.standard_normal((2, 3, 5)) + 1j * RNG.standard_normal((2, 3, 5))
X235 = RNG.standard_normal((2, 3, 5))


def T(a, case, requires_grad=False, dtype=None):
    a = np.asarray(a)
    dtype = dtype or ("complex128" if a.dtype.kind == "c" else "float64")
    return anygrad.tensor(a, dtype=dtype, backend=case.name, device=case.device_obj(),
                          requires_grad=requires_grad)


def N(t):
    return np.asarray(t.detach().numpy())


# (function, standard keyword options): each is compared with np.fft.<function>.
VALUE_CASES = [
    ("fft", {}), ("fft", {"n": 6, "axis": 0, "norm": "ortho"}),
    ("fft", {"n": 3, "norm": "forward"}),
    ("ifft", {}), ("ifft", {"n": 5, "axis": -2, "norm": "ortho"}),
    ("fftn", {}), ("fftn", {"s": (2, 6), "axes": (1, 0)}),
    ("fftn", {"axes": (0, 2), "norm": "forward"}),
    ("ifftn", {}), ("ifftn", {"s": (4, 3), "axes": (-1, 1), "norm": "ortho"}),
    ("rfft", {}), ("rfft", {"n": 7, "axis": 1, "norm": "ortho"}),
    ("rfft", {"n": 2, "norm": "forward"}),
    ("irfft", {}), ("irfft", {"n": 5, "axis": 1}), ("irfft", {"n": 2, "axis": 0, "norm": "ortho"}),
    ("rfftn", {}), ("rfftn", {"s": (3, 5), "axes": (0, 2), "norm": "ortho"}),
    ("irfftn", {}), ("irfftn", {"s": (4, 5), "axes": (2, 1), "norm": "forward"}),
    ("hfft", {}), ("hfft", {"n": 7, "axis": 1, "norm": "ortho"}),
    ("ihfft", {}), ("ihfft", {"n": 6, "axis": 0, "norm": "forward"}),
    ("fftshift", {}), ("fftshift", {"axes": (0, 2)}), ("ifftshift", {}), ("ifftshift", {"axes": 1}),
]


def _id(case):
    name, kw = case
    return name + "".join(f"-{k}={v}" for k, v in kw.items()).replace(" ", "")


@pytest.mark.parametrize("name, kwargs", VALUE_CASES, ids=[_id(c) for c in VALUE_CASES])
def test_values_match_numpy(backend, name, kwargs):
    a = X235 if name in REAL_IN else Z235
    x = T(a, backend)
    got = getattr(anygrad.ops.fft, name)(x, **kwargs)
    want = getattr(np.fft, name)(a, **kwargs)
    assert got.backend == x.backend and got.device == x.device
    assert_close(got, want, rtol=1e-10, atol=1e-12, msg=f"{name}(**{kwargs})")
    assert str(got.dtype) == f"anygrad.{want.dtype}"


@pytest.mark.parametrize("name", ["fft", "ifft", "fftn", "rfft", "irfft", "rfftn", "irfftn",
                                  "hfft", "ihfft", "fftshift"])
def test_single_precision_stays_single(backend, name):
    # complex64 in (or float32 for the real-input transforms) -> complex64/float32 out.
    a = X34 if name in REAL_IN else Z34
    dtype = "float32" if name in REAL_IN else "complex64"
    got = getattr(anygrad.fft, name)(T(a, backend, dtype=dtype))
    want = getattr(np.fft, name)(a.astype(dtype))
    assert str(got.dtype) == f"anygrad.{want.dtype}", (got.dtype, want.dtype)
    assert_close(got, want, rtol=2e-5, atol=2e-5)


def test_real_input_of_complex_transforms(backend):
    # PyTorch's fft/ifft/irfft/hfft accept real input (taken as complex); the gradient that
    # reaches a real input is real: the real part of the complex one.
    x = T(X34, backend, requires_grad=True)
    for name in ("fft", "ifft", "fftn", "ifftn", "irfft", "irfftn", "hfft"):
        y = getattr(anygrad.fft, name)(x)
        assert_close(y, getattr(np.fft, name)(X34), rtol=1e-10, atol=1e-12, msg=name)
        (g,) = anygrad.autograd.grad(anygrad.real(y).sum() if y.dtype.is_complex else y.sum(), x)
        assert g.dtype == anygrad.float64, (name, g.dtype)
    assert gradcheck(lambda x: anygrad.real(anygrad.fft.fft(x, n=5)), [x], **FD)


# -- first-order gradients: central differences, every backend ------------------------------
def _complex_harness(name, kwargs):
    f = getattr(anygrad.ops.fft, name)

    def fn(x, y):
        out = f(anygrad.ops.arithmetic._complex(x, y), **kwargs)
        return (anygrad.real(out), anygrad.imag(out)) if out.dtype.is_complex else out

    return fn


def _real_harness(name, kwargs):
    f = getattr(anygrad.ops.fft, name)

    def fn(x):
        out = f(x, **kwargs)
        return (anygrad.real(out), anygrad.imag(out)) if out.dtype.is_complex else out

    return fn


GRAD_CASES = [
    ("fft", {"n": 3, "axis": 1, "norm": "ortho"}), ("ifft", {"n": 6, "axis": 0}),
    ("fftn", {"s": (2, 4), "axes": (2, 0)}), ("ifftn", {"axes": (1, 2), "norm": "forward"}),
    ("rfft", {"n": 6, "axis": 1}), ("rfft", {"axis": 2, "norm": "ortho"}),
    ("irfft", {"axis": 1}), ("irfft", {"n": 7, "norm": "ortho"}), ("irfft", {"n": 4, "axis": 2}),
    ("rfftn", {"s": (4, 3), "axes": (2, 1)}), ("irfftn", {"axes": (0, 1)}),
    ("irfftn", {"s": (3, 4, 6), "norm": "ortho"}), ("hfft", {"n": 5, "axis": 1}),
    ("ihfft", {"n": 3, "axis": 0}), ("fftshift", {"axes": (1, 2)}), ("ifftshift", {}),
]


@pytest.mark.parametrize("name, kwargs", GRAD_CASES, ids=[_id(c) for c in GRAD_CASES])
def test_gradcheck(backend, name, kwargs):
    if name in REAL_IN:
        assert gradcheck(_real_harness(name, kwargs), [T(X235, backend, True)], **FD)
    else:
        xs = [T(Z235.real, backend, True), T(Z235.imag, backend, True)]
        assert gradcheck(_complex_harness(name, kwargs), xs, **FD)


# -- second order -----------------------------------------------------------------------------
SECOND = [("fft", {"n": 5, "axis": 0}), ("rfft", {"n": 3, "norm": "ortho"}),
          ("irfft", {"n": 5, "axis": 0}), ("irfftn", {"norm": "forward"}), ("hfft", {}),
          ("fftshift", {"axes": 1})]


@pytest.mark.parametrize("name, kwargs", SECOND, ids=[_id(c) for c in SECOND])
def test_gradgradcheck(backend, name, kwargs):
    if name in REAL_IN:
        assert gradgradcheck(_real_harness(name, kwargs), [T(X34, backend, True)], **FD2)
    else:
        xs = [T(Z34.real, backend, True), T(Z34.imag, backend, True)]
        assert gradgradcheck(_complex_harness(name, kwargs), xs, **FD2)


def _abs2(a):
    """``|a|**2`` as ``real(a * conj(a))``, the same spelling in anygrad and PyTorch. (Not
    ``abs(a) ** 2``: the second derivative of anygrad's complex ``abs`` is wrong, since
    ``sign`` of a complex tensor records a zero gradient; see the report of issue 18.)"""
    return (a * a.conj()).real


def test_second_order_of_a_nonlinear_loss(backend):
    # Hessian-vector products through |rfft(x)|**4 and |fft(z)|**2 (the transforms appear
    # in the first-order graph as their own adjoints).
    def loss(x):
        a = anygrad.fft.rfft(x, n=6)
        b = anygrad.fft.fft(anygrad.ops.arithmetic._complex(x, x * x), axis=0, norm="ortho")
        return (_abs2(a) ** 2).sum() + (_abs2(b) * x).sum()

    assert gradgradcheck(loss, [T(X34, backend, True)], **FD2)


# -- against PyTorch: complex leaves, PyTorch's own functions, the PyTorch face --------------
# (name, PyTorch-style positional arguments after the input, as anygrad.fft and torch.fft
# both take them)
TORCH_CASES = [
    ("fft", (None, 1)), ("fft", (6, 0, "ortho")), ("ifft", (3, -1, "forward")),
    ("fftn", ((2, 6), (1, 0))), ("ifftn", (None, (0, 2), "ortho")),
    ("rfft", (7, 1)), ("rfft", (None, 2, "forward")),
    ("irfft", ()), ("irfft", (5, 1, "ortho")), ("irfft", (4, 0)),
    ("rfftn", ((3, 5), (0, 2))), ("irfftn", ()), ("irfftn", ((4, 5), (2, 1), "forward")),
    ("hfft", ()), ("hfft", (7, 1, "ortho")), ("ihfft", (6, 0, "forward")),
    ("fftshift", ((0, 2),)), ("ifftshift", (1,)),
]


def _torch_id(case):
    name, args = case
    return f"{name}-{'-'.join(map(str, args))}".replace(" ", "")


@pytest.mark.parametrize("name, args", TORCH_CASES, ids=[_torch_id(c) for c in TORCH_CASES])
def test_gradients_match_torch(backend, name, args):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: nothing to compare with")
    a = X235 if name in REAL_IN else Z235
    rng = np.random.default_rng(len(name) + len(args))
    x = T(a, backend, True)
    xt = torch.tensor(a, requires_grad=True)
    y = getattr(anygrad.fft, name)(x, *args)
    yt = getattr(torch.fft, name)(xt, *args)
    yt_values = yt.detach().resolve_conj().numpy()  # ihfft's output has torch's conj bit
    assert_close(y, yt_values, rtol=1e-10, atol=1e-12, msg=f"{name}{args}: values")
    # A real loss with random weights on the real and imaginary parts of the output.
    u = rng.standard_normal(tuple(yt.shape)) + (1j * rng.standard_normal(tuple(yt.shape))
                                                 if yt.is_complex() else 0)
    uc = T(np.conj(u), backend)
    prod = y * uc
    (anygrad.real(prod) if prod.dtype.is_complex else prod).sum().backward()
    (yt * torch.tensor(np.conj(u))).real.sum().backward()
    assert_close(x.grad, xt.grad.resolve_conj().numpy(), rtol=1e-10, atol=1e-12,
                 msg=f"{name}{args}: gradient")


def test_second_order_matches_torch(backend):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: nothing to compare with")
    v = np.random.default_rng(3).standard_normal(X34.shape)

    def hvp(lib, x, v):
        f = lib.fft
        a = f.rfft(x, 6)
        b = f.ihfft(x * x, 5, 0)
        c = f.irfft(a * a, 7)
        loss = (_abs2(a) ** 2).sum() + (_abs2(b) * x).sum() + (c ** 3).sum()
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        (h,) = lib.autograd.grad((g * v).sum(), x)
        return g, h

    g, h = hvp(anygrad, T(X34, backend, True), T(v, backend))
    gt, ht = hvp(torch, torch.tensor(X34, requires_grad=True), torch.tensor(v))
    assert_close(g, gt.detach().numpy(), rtol=1e-9, atol=1e-10, msg="gradient")
    assert_close(h, ht.numpy(), rtol=1e-9, atol=1e-10, msg="Hessian-vector product")


def test_node_names_are_pytorch_s():
    x = anygrad.tensor(X34, requires_grad=True)
    z = anygrad.tensor(Z34, requires_grad=True)
    assert anygrad.fft.fft(z).grad_fn.name() == "FftC2CBackward0"
    assert anygrad.fft.rfft(x).grad_fn.name() == "FftR2CBackward0"
    assert anygrad.fft.irfft(z).grad_fn.name() == "FftC2RBackward0"


# -- faces, registry, sample frequencies, errors -----------------------------------------------
def test_pytorch_face_and_namespace_face():
    x = anygrad.tensor(Z34)
    want = np.fft.fft(Z34, n=6, axis=0, norm="ortho")
    for got in (anygrad.fft.fft(x, 6, 0, "ortho"), anygrad.fft.fft(x, n=6, dim=0, norm="ortho"),
                anygrad.fft.fft(x, n=6, axis=0, norm="ortho")):
        assert_close(got, want, rtol=1e-12, atol=1e-12)
    assert_close(anygrad.fft.fft(x, norm=None), np.fft.fft(Z34), rtol=1e-12, atol=1e-12)
    assert_close(anygrad.fft.fftn(x, (2, 2), (1, 0)), np.fft.fftn(Z34, (2, 2), (1, 0)),
                 rtol=1e-12, atol=1e-12)
    assert_close(anygrad.fft.fftshift(x, dim=0), np.fft.fftshift(Z34, axes=0), rtol=0, atol=0)
    assert_close(anygrad.fft.fftfreq(5, 0.5, dtype=anygrad.float64), np.fft.fftfreq(5, 0.5),
                 rtol=0, atol=1e-15)
    with pytest.raises(TypeError, match="both"):
        anygrad.fft.fft(x, dim=0, axis=1)
    # The standard's face: keyword-only options, as array-API code calls them.
    xp = x.__array_namespace__()
    assert xp.fft.fft is REGISTRY["fft.fft"].fn
    assert_close(xp.fft.rfftn(anygrad.tensor(X34), s=(3, 4), axes=(0, 1)),
                 np.fft.rfftn(X34), rtol=1e-12, atol=1e-12)
    with pytest.raises(TypeError):
        xp.fft.fft(x, 6)


def test_every_fft_function_is_registered():
    assert tuple(anygrad.ops.fft.__all__) == STANDARD
    assert list(anygrad.fft.__all__) == list(STANDARD)
    assert not unregistered_ops(STANDARD, module=anygrad.fft, prefix="fft.")
    registered = sorted(n[4:] for n in REGISTRY if n.startswith("fft."))
    assert registered == sorted(STANDARD)
    for name in STANDARD:
        assert REGISTRY[f"fft.{name}"].method is None
        assert anygrad.fft.__dict__[name].__wrapped__ is REGISTRY[f"fft.{name}"].fn


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
def test_sample_frequencies(backend, name):
    f = getattr(anygrad.fft, name)
    got = f(7, d=0.25, dtype=anygrad.float64, device=backend.device_obj(), backend=backend.name)
    assert got.backend == backend.name and got.device == T(X34, backend).device
    assert_close(got, getattr(np.fft, name)(7, d=0.25), rtol=0, atol=1e-15)
    # A tensor's device object, handed back as array-API code does (xp.fft.fftfreq(n,
    # device=x.device)), names its library even when another backend is the default.
    dev = T(X34, backend).device
    with anygrad.default_backend("numpy"):
        on_dev = f(7, d=0.25, device=dev, dtype=anygrad.float64)
    assert on_dev.backend == backend.name and on_dev.device == dev
    default = f(4)  # the default backend (the fixture's) and the default float dtype
    assert default.dtype == anygrad.get_default_dtype() and default.backend == backend.name
    assert not default.requires_grad
    with pytest.raises(ValueError, match=name):
        f(0)
    with pytest.raises(ValueError, match="real floating"):
        f(4, dtype=anygrad.int64)


def test_errors():
    x, z = anygrad.tensor(X34), anygrad.tensor(Z34)
    with pytest.raises(TypeError, match="rfft: expected a real"):
        anygrad.fft.rfft(z)
    with pytest.raises(TypeError, match="ihfft: expected a real"):
        anygrad.fft.ihfft(z)
    with pytest.raises(ValueError, match="fft: norm must be"):
        anygrad.fft.fft(z, norm="none")
    with pytest.raises(ValueError, match="invalid number of data points"):
        anygrad.fft.fft(z, n=0)
    with pytest.raises(ValueError, match="irfft: invalid number of data points"):
        anygrad.fft.irfft(anygrad.tensor(Z34[:, :1]))  # default n = 2 * (1 - 1)
    with pytest.raises(IndexError, match="axis 2 is out of range"):
        anygrad.fft.fft(z, axis=2)
    with pytest.raises(ValueError, match="unique"):
        anygrad.fft.fftn(z, axes=(0, -2))
    with pytest.raises(ValueError, match="same length"):
        anygrad.fft.fftn(z, s=(2, 2), axes=(0,))
    with pytest.raises(TypeError, match="integer"):
        anygrad.fft.fft(z, n=2.5)
    # Integers are promoted to the default float dtype, as in PyTorch.
    assert anygrad.fft.rfft(anygrad.tensor([1, 2, 3, 4])).dtype == anygrad.complex64
    assert_close(anygrad.fft.fftshift(x), np.fft.fftshift(X34), rtol=0, atol=0)
