"""Special functions and PyTorch's other elementwise math (anygrad/ops/special.py and the
elementwise part of anygrad/ops/torch_extras.py) against PyTorch: edge values (poles,
infinities, NaN, signed zeros), result dtypes, defaults, positional arguments, errors and
the gradients PyTorch defines. Values on ordinary inputs against float64 references and
finite differences are the registry suite's (tests/ops/test_registry.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import anygrad

torch = pytest.importorskip("torch")

INF, NAN = math.inf, math.nan
# Ordinary points, both sides of the poles, signed zeros, infinities and NaN.
EDGES = [0.5, 1.0, 1.4616321449683622, 2.0, 2.5, 7.25, 14.5, 123.0, 1e10, 1e-8, 3e-300,
         -0.5, -1.5, -2.25, -7.75, -0.0, 0.0, -1.0, -3.0, INF, -INF, NAN]


# Not on JAX: its eager dispatch and per-shape compilation make these edge-value tests cost
# ~50 s there; the registry suite checks every entry on JAX, and
# test_jax_fast_paths_keep_torch_edges the edges JAX's fast paths fix up.
pytestmark = pytest.mark.not_on(
    "jax", reason="JAX: values in the registry suite, fast-path edges in their own test")


def _both(values, dtype="float64"):
    return (anygrad.tensor(values, dtype=getattr(anygrad, dtype)),
            torch.tensor(values, dtype=getattr(torch, dtype)))


def _check(actual, expected, rtol, atol=0.0):
    np.testing.assert_allclose(np.asarray(actual.numpy()), expected.detach().numpy(),
                               rtol=rtol, atol=atol, equal_nan=True)


CASES = {
    "lgamma": (lambda m, x: m.lgamma(x), EDGES),
    "digamma": (lambda m, x: m.digamma(x), EDGES),
    # PyTorch's trigamma is accurate to ~1e-9 only (polygamma(1, 1) = pi^2/6 + 8e-10): the
    # tolerance below; at the negative integers it returns finite garbage, anygrad inf.
    "polygamma1": (lambda m, x: m.polygamma(1, x), [v for v in EDGES if v not in (-1.0, -3.0)]),
    # PyTorch's polygamma(n >= 2) is NaN at +inf and inf at -inf; anygrad 0 and NaN.
    "polygamma3": (lambda m, x: m.polygamma(3, x), [v for v in EDGES if v not in (INF, -INF)]),
    "erfc": (lambda m, x: m.erfc(x), [-6.0, -1.0, -0.2, 0.0, 0.3, 0.7, 1.5, 2.5, 5.0, 9.0,
                                      26.0, INF, -INF, NAN]),
    "erfinv": (lambda m, x: m.erfinv(x), [-1.0, -0.999999, -0.5, 0.0, 1e-9, 0.3, 0.75, 0.9999,
                                          1 - 2 ** -40, 1.0, 1.5, NAN]),
    "i0": (lambda m, x: m.i0(x), [-40.0, -3.0, 0.0, 0.5, 8.0, 29.0, 31.0, 100.0, 700.0, INF,
                                  NAN]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_special_values_match_torch(backend, name):
    f, values = CASES[name]
    x, t = _both(values)
    # atol: digamma near its root (1.4616...) is an absolute-accuracy function, in PyTorch too.
    _check(f(anygrad, x), f(torch, t), rtol=2e-9 if name == "polygamma1" else 1e-11, atol=1e-15)


@pytest.mark.parametrize("name", ["lgamma", "digamma", "erfinv", "polygamma1"])
def test_special_float32(name):
    f, values = CASES[name]
    values = [v for v in values if not (v != 0 and abs(v) < 1e-30) and v < 1e30]
    x, t = _both(values, "float32")
    y = f(anygrad, x)
    assert y.dtype == anygrad.float32
    _check(y, f(torch, t), rtol=3e-6, atol=1e-6)


def test_integer_input_gives_default_float():
    for name in ("lgamma", "digamma", "erfc", "erfinv", "i0"):
        assert getattr(torch, name)(torch.tensor([1, 2])).dtype == torch.float32
        y = getattr(anygrad, name)(anygrad.tensor([1, 2]))
        assert y.dtype == anygrad.float32, name
        _check(y, getattr(torch, name)(torch.tensor([1.0, 2.0])), rtol=1e-6)


def test_complex_input_is_refused():
    z = anygrad.tensor([1.0 + 1.0j])
    with pytest.raises(RuntimeError):
        torch.lgamma(torch.tensor([1.0 + 1.0j]))
    for name in ("lgamma", "digamma", "erfc", "erfinv", "i0"):
        with pytest.raises(TypeError, match=f"{name}: expected a real"):
            getattr(anygrad, name)(z)
    with pytest.raises(TypeError, match="igamma: expected a real"):
        anygrad.igamma(z, z)


def test_igamma_edges_and_grid_match_torch(backend):
    a = [0.0, 1.0, 2.0, -1.0, 0.0, 1.0, INF, 3.0, 0.5, 0.5, 40.0, 40.0, 3.0, 0.1, 1e-3]
    x = [1.0, 0.0, -1.0, 1.0, 0.0, INF, 1.0, INF, 0.25, 9.0, 35.0, 45.0, 2.5, 1e-5, 50.0]
    (aa, at), (xx, xt) = _both(a), _both(x)
    # PyTorch's values for a = 40 are ~1e-9 off (scipy and mpmath agree with anygrad's).
    _check(anygrad.igamma(aa, xx), torch.igamma(at, xt), rtol=2e-9, atol=1e-15)
    _check(anygrad.igammac(aa, xx), torch.igammac(at, xt), rtol=2e-9, atol=1e-15)
    # method spellings and broadcasting
    _check(aa[:3].igamma(xx[:1].abs()), torch.igamma(at[:3], xt[:1].abs()), rtol=1e-11)


def test_jax_fast_paths_keep_torch_edges():
    pytest.importorskip("jax")
    with anygrad.default_backend("jax"):
        x, t = _both([-0.0, 0.0, -2.0, 0.5])
        _check(anygrad.digamma(x), torch.digamma(t), rtol=1e-12)
        _check(anygrad.lgamma(x), torch.lgamma(t), rtol=1e-12)
        x, t = _both([-7.75, -2.5, 0.5, 3.0, 0.0, -2.0])  # JAX's own loses digits below 0
        _check(anygrad.polygamma(2, x), torch.polygamma(2, t), rtol=1e-11)
        (a, at), (y, yt) = _both([INF, INF, 2.0]), _both([1.0, 0.0, 3.0])
        _check(anygrad.igamma(a, y), torch.igamma(at, yt), rtol=1e-12)
        _check(anygrad.igammac(a, y), torch.igammac(at, yt), rtol=1e-12)


def test_igamma_gradient_in_x_only():
    a, x = anygrad.tensor([0.5, 2.0, 3.0], dtype=anygrad.float64), anygrad.tensor(
        [0.3, 2.0, 5.0], dtype=anygrad.float64, requires_grad=True)
    at, xt = torch.tensor(a.tolist(), dtype=torch.float64), torch.tensor(
        x.tolist(), dtype=torch.float64, requires_grad=True)
    for f in ("igamma", "igammac"):
        getattr(anygrad, f)(a, x).sum().backward()
        getattr(torch, f)(at, xt).sum().backward()
        _check(x.grad, xt.grad, rtol=1e-12)
        x.grad = None
        xt.grad = None
    a.requires_grad_(True)
    with pytest.raises(RuntimeError, match="igamma.*not implemented"):
        anygrad.igamma(a, x).sum().backward()


def test_gradients_match_torch_off_the_registry_domain():
    # Negative arguments (reflection) and the tails, where the registry does not sample.
    vals = [-2.5, -0.3, 0.2, 4.0, 30.0]
    for f in (lambda m, x: m.lgamma(x), lambda m, x: m.digamma(x),
              lambda m, x: m.polygamma(2, x), lambda m, x: m.i0(x),
              lambda m, x: m.erfc(x), lambda m, x: m.mvlgamma(x.abs() + 2, 3)):
        x = anygrad.tensor(vals, dtype=anygrad.float64, requires_grad=True)
        t = torch.tensor(vals, dtype=torch.float64, requires_grad=True)
        f(anygrad, x).sum().backward()
        f(torch, t).sum().backward()
        # 2e-9: PyTorch's trigamma (digamma's gradient) is accurate to ~1e-9 only.
        _check(x.grad, t.grad, rtol=2e-9)
    u = anygrad.tensor([-0.99, 0.0, 0.999999], dtype=anygrad.float64, requires_grad=True)
    ut = torch.tensor(u.tolist(), dtype=torch.float64, requires_grad=True)
    anygrad.erfinv(u).sum().backward()
    torch.erfinv(ut).sum().backward()
    _check(u.grad, ut.grad, rtol=1e-9)


def test_mvlgamma_and_polygamma_spellings():
    x, t = _both([2.5, 3.0, 7.5])
    _check(anygrad.mvlgamma(x, 3), torch.mvlgamma(t, 3), rtol=1e-13)
    _check(x.mvlgamma(p=2), t.mvlgamma(p=2), rtol=1e-13)
    _check(x.polygamma(2), t.polygamma(2), rtol=1e-13)
    _check(anygrad.polygamma(0, x), torch.polygamma(0, t), rtol=1e-13)
    y = x.clone()
    y.polygamma_(1)
    _check(y, torch.polygamma(1, t), rtol=2e-9)
    y = x.clone()
    y.lgamma_()
    _check(y, t.lgamma(), rtol=1e-13)
    with pytest.raises(ValueError, match="mvlgamma.*p >= 1"):
        anygrad.mvlgamma(x, 0)
    with pytest.raises(ValueError, match="polygamma.*non-negative"):
        anygrad.polygamma(-1, x)


# -- integers and floating-point representation ---------------------------------------------
@pytest.mark.parametrize("dtype", ["int64", "int32", "int8"])
def test_gcd_lcm_signs_and_dtypes(backend, dtype):
    a = [0, -4, 6, -7, 12, 0, 9]
    b = [0, 6, -4, 0, -18, 5, 9]
    (x, xt), (y, yt) = _both(a, dtype), _both(b, dtype)
    for f in ("gcd", "lcm"):
        out = getattr(anygrad, f)(x, y)
        ref = getattr(torch, f)(xt, yt)
        assert out.dtype == getattr(anygrad, dtype)
        assert out.tolist() == ref.tolist()
    assert x.gcd(y[:1]).tolist() == xt.gcd(yt[:1]).tolist()


def test_gcd_rejects_floats():
    with pytest.raises(TypeError, match="gcd: expected integer tensors, got dtype .*float32"):
        anygrad.gcd(anygrad.tensor([1.0]), anygrad.tensor([2.0]))


def test_ldexp_float_power_dtypes():
    pairs = [([1, 2], [1, 2], "int64", "int64"), ([1.0, 3.0], [3, -1], "float32", "int64"),
             ([1.0, 3.0], [3, -1], "float64", "int32"), ([1.5], [2.0], "float32", "float64")]
    for xv, ev, xd, ed in pairs:
        (x, xt), (e, et) = _both(xv, xd), _both(ev, ed)
        for f in ("ldexp", "float_power"):
            out, ref = getattr(anygrad, f)(x, e), getattr(torch, f)(xt, et)
            assert str(out.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1], (f, xd, ed)
            _check(out, ref, rtol=1e-7)
    x, xt = _both([1.0, 2.0], "float32")
    assert anygrad.float_power(x, 2).dtype == anygrad.float64
    assert anygrad.float_power(x, 1j).dtype == anygrad.complex128
    _check(anygrad.float_power(x, 0.5j), torch.float_power(xt, 0.5j), rtol=1e-12)


def test_float_power_in_place_needs_the_result_dtype():
    x, xt = _both([2.0, 3.0])
    assert x.float_power_(2).tolist() == xt.float_power_(2).tolist()
    y, yt = _both([2.0, 3.0], "float32")
    with pytest.raises(RuntimeError):
        yt.float_power_(2)
    with pytest.raises(RuntimeError, match="float_power_: the base has dtype .*float32"):
        y.float_power_(2)
    assert y.tolist() == [2.0, 3.0]


def test_view_as_real_and_complex_are_copies():
    # A documented difference (docs/differences_pytorch.md): PyTorch's are views.
    z = anygrad.tensor([1.0 + 2.0j])
    r = anygrad.view_as_real(z)
    r[0, 0] = 5.0
    assert z.tolist() == [1.0 + 2.0j]


def test_frexp_matches_torch(backend):
    vals = [0.0, -0.0, 1.0, -3.0, 0.75, 1.7e308, 2.0 ** 1023, INF, -INF, NAN]
    vals += [1e-310, 5e-324]
    x, t = _both(vals)
    m, e = anygrad.frexp(x)
    mt, et = torch.frexp(t)
    assert e.dtype == anygrad.int32
    _check(m, mt, rtol=0)
    assert e.tolist() == et.tolist()
    m32, e32 = x.to(anygrad.float32).frexp()
    mt32, et32 = t.float().frexp()
    _check(m32, mt32, rtol=0)
    assert e32.tolist() == et32.tolist() and m32.dtype == anygrad.float32
    with pytest.raises(TypeError, match="frexp: expected a floating-point tensor"):
        anygrad.frexp(anygrad.tensor([1, 2]))


def test_frexp_mantissa_gradient():
    x = anygrad.tensor([3.0, -40.0], dtype=anygrad.float64, requires_grad=True)
    anygrad.frexp(x).mantissa.sum().backward()
    assert x.grad.tolist() == [0.25, 1 / 64]


# -- steps, non-finite values and complex numbers ---------------------------------------------
def test_heaviside_and_nan_to_num(backend):
    (x, xt), (v, vt) = _both([-1.0, 0.0, 2.0, -0.0]), _both([0.5])
    _check(anygrad.heaviside(x, v), torch.heaviside(xt, vt), rtol=0)
    _check(x.heaviside(v), xt.heaviside(vt), rtol=0)
    with pytest.raises(TypeError, match="heaviside: expected tensors of one dtype"):
        anygrad.heaviside(x, v.to(anygrad.float32))
    for dtype in ("float32", "float64"):
        y, yt = _both([NAN, INF, -INF, 1.5], dtype)
        out = anygrad.nan_to_num(y)
        assert out.dtype == getattr(anygrad, dtype)
        _check(out, torch.nan_to_num(yt), rtol=0)
        _check(y.nan_to_num(1.0, 2.0), yt.nan_to_num(1.0, 2.0), rtol=0)
        _check(anygrad.nan_to_num(y, neginf=-3.0), torch.nan_to_num(yt, neginf=-3.0), rtol=0)
    i, it = _both([1, 2], "int64")
    assert anygrad.nan_to_num(i).tolist() == torch.nan_to_num(it).tolist()
    z = anygrad.tensor([complex(NAN, INF), complex(1.0, -INF)])
    zt = torch.tensor([complex(NAN, INF), complex(1.0, -INF)])
    _check(anygrad.nan_to_num(z), torch.nan_to_num(zt), rtol=0)
    y, yt = _both([NAN, 2.0])
    y.nan_to_num_(nan=-1.0)
    assert y.tolist() == yt.nan_to_num_(nan=-1.0).tolist()


def test_nan_to_num_gradient():
    y = anygrad.tensor([NAN, INF, 1.5], requires_grad=True)
    yt = torch.tensor([NAN, INF, 1.5], requires_grad=True)
    anygrad.nan_to_num(y).sum().backward()
    torch.nan_to_num(yt).sum().backward()
    _check(y.grad, yt.grad, rtol=0)


def test_angle_isreal_complex_constructors(backend):
    x, xt = _both([-1.0, 0.0, 2.0, NAN, -INF])
    _check(anygrad.angle(x), torch.angle(xt), rtol=0)
    i, it = _both([-1, 0, 2], "int64")
    assert anygrad.angle(i).dtype == anygrad.float32
    _check(anygrad.angle(i), torch.angle(it), rtol=1e-7)
    z = anygrad.tensor([1 + 1j, -2.0 + 0j, -1j])
    zt = torch.tensor([1 + 1j, -2.0 + 0j, -1j])
    _check(z.angle(), zt.angle(), rtol=1e-7)
    assert anygrad.isreal(z).tolist() == torch.isreal(zt).tolist()
    assert anygrad.isreal(x).tolist() == torch.isreal(xt).tolist()
    (r, rt), (a, at) = _both([2.0, 1.0], "float32"), _both([0.5, -3.0], "float32")
    for f in ("polar", "complex"):
        out, ref = getattr(anygrad, f)(r, a), getattr(torch, f)(rt, at)
        assert out.dtype == anygrad.complex64
        _check(out, ref, rtol=1e-6)
    w = anygrad.view_as_real(z)
    assert tuple(w.shape) == (3, 2) and w.dtype == anygrad.float32
    _check(w, torch.view_as_real(zt), rtol=0)
    c = anygrad.view_as_complex(anygrad.tensor([[1.0, 2.0], [3.0, -4.0]], dtype=anygrad.float64))
    assert c.dtype == anygrad.complex128 and c.tolist() == [1 + 2j, 3 - 4j]
    _check(anygrad.conj_physical(z), torch.conj_physical(zt), rtol=0)
    y = z.clone()
    y.conj_physical_()
    _check(y, zt.conj_physical(), rtol=0)


def test_complex_errors():
    with pytest.raises(TypeError, match="complex: expected two floating-point tensors of one"):
        anygrad.complex(anygrad.tensor([1.0]), anygrad.tensor([1.0], dtype=anygrad.float64))
    with pytest.raises(TypeError, match="polar: expected two floating-point"):
        anygrad.polar(anygrad.tensor([1]), anygrad.tensor([1]))
    with pytest.raises(ValueError, match="view_as_complex: expected a last dimension of size 2"):
        anygrad.view_as_complex(anygrad.ones(2, 3))
    with pytest.raises(TypeError, match="view_as_real: expected a complex tensor"):
        anygrad.view_as_real(anygrad.ones(2))


def test_complex_gradients_match_torch():
    vals = [[0.5, 1.5], [2.0, 0.25]]  # polar's abs >= 0 (PyTorch: undefined below)
    x = anygrad.tensor(vals, dtype=anygrad.float64, requires_grad=True)
    xt = torch.tensor(vals, dtype=torch.float64, requires_grad=True)
    for f in (lambda m, v: m.angle(m.view_as_complex(v)).sum(),
              lambda m, v: m.view_as_real(m.polar(v[0], v[1]) * (1 + 2j)).pow(2).sum(),
              lambda m, v: m.abs(m.complex(v[0], v[1]).conj_physical() - 1j).sum()):
        f(anygrad, x).backward()
        f(torch, xt).backward()
        _check(x.grad, xt.grad, rtol=1e-12, atol=1e-15)
        x.grad = None
        xt.grad = None


# -- creation and Tensor methods ------------------------------------------------------------
@pytest.mark.parametrize("args, kwargs", [((0, 2, 3), {}), ((0, 2, 5), {"base": 2.0}),
                                          ((-1.5, 3.0, 7), {"dtype": "float64"}),
                                          ((0, 2, 3), {"dtype": "int64"}), ((1, 5, 1), {}),
                                          ((1, 5, 0), {}), ((2.0, -2.0, 4), {"base": 3})])
def test_logspace_matches_torch(args, kwargs):
    akw = {k: getattr(anygrad, v) if k == "dtype" else v for k, v in kwargs.items()}
    tkw = {k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()}
    out, ref = anygrad.logspace(*args, **akw), torch.logspace(*args, **tkw)
    assert str(out.dtype).split(".")[-1] == str(ref.dtype).split(".")[-1]
    _check(out, ref, rtol=1e-6 if ref.dtype == torch.float32 else 1e-14)


def test_logspace_backend_and_grad(backend, device):
    y = anygrad.logspace(0, 1, 4, device=device, requires_grad=True)
    assert y.backend == backend.name and y.requires_grad and tuple(y.shape) == (4,)


def test_methods_that_existed_as_functions(backend):
    x, xt = _both([0.5, -1.0, 2.0])
    _check(x.erf(), xt.erf(), rtol=1e-15)
    y = x.clone()
    y.erf_()
    _check(y, xt.erf(), rtol=1e-15)
    assert x.positive() is x
    _check(x.isclose(x + 1e-3, 1e-2), xt.isclose(xt + 1e-3, 1e-2), rtol=0)
    _check(anygrad.isclose(x, x + 1e-3, 0.0, 1e-2), torch.isclose(xt, xt + 1e-3, 0.0, 1e-2),
           rtol=0)
    y = x.clone()
    y.nextafter_(anygrad.zeros(3, dtype=anygrad.float64))
    _check(y, xt.nextafter(torch.zeros(3, dtype=torch.float64)), rtol=0)
