"""anygrad's Array API namespace: ``anygrad.array_api`` and ``Tensor.__array_namespace__()``.

What array-API-generic code (SciPy, scikit-learn, array-api-extra) and the conformance
suite need from it: a proper namespace (``__name__``, ``__array_api_version__``,
``__array_namespace_info__``), the standard's signatures, conversions that keep the graph,
and conversions to NumPy that refuse to drop a gradient silently. The conformance suite
itself runs in tests/test_array_api_conformance.py.
"""

from __future__ import annotations

import inspect
import math

import array_api_compat
import numpy as np
import pytest

import anygrad
import anygrad.array_api as xpm
from anygrad import ops


def _t(values, backend, **kw):
    return anygrad.tensor(values, backend=backend.name, device=backend.device, **kw)


# -- a proper namespace --------------------------------------------------------------------
def test_module_is_the_namespace_of_the_default_backend():
    assert xpm.__name__ == "anygrad.array_api"
    assert xpm.__array_api_version__ == "2024.12"
    x = xpm.asarray([1.0, 2.0])
    assert x.backend == anygrad.get_default_backend().name
    with anygrad.default_backend("array_api_strict"):
        assert xpm.zeros((2,)).backend == "array_api_strict"  # read at each call
    for name in ("linalg", "e", "pi", "inf", "nan", "newaxis", "float64", "finfo", "iinfo"):
        assert hasattr(xpm, name), name
    assert xpm.linalg.solve is ops.solve and xpm.sum is ops.sum  # one implementation


def test_array_namespace_accepts_tensors(backend):
    x = _t([1.0, 2.0], backend)
    ns = array_api_compat.array_namespace(x)
    assert ns is x.__array_namespace__()
    assert ns.__name__ == f"anygrad.array_api.{backend.name}"
    assert ns.__array_api_version__ == "2024.12"
    assert array_api_compat.array_namespace(x, x * 2) is ns


def test_array_namespace_refuses_two_backends():
    a = anygrad.tensor([1.0], backend="numpy")
    b = anygrad.tensor([1.0], backend="array_api_strict")
    with pytest.raises(TypeError, match="Multiple namespaces"):
        array_api_compat.array_namespace(a, b)


def test_namespace_info(backend):
    x = _t([1.0], backend)
    info = x.__array_namespace__().__array_namespace_info__()
    caps = info.capabilities()
    assert {"boolean indexing", "data-dependent shapes", "max dimensions"} <= set(caps)
    devices = info.devices()
    assert x.device in devices
    assert info.default_dtypes() == {
        "real floating": anygrad.float32, "complex floating": anygrad.complex64,
        "integral": anygrad.int64, "indexing": anygrad.int64,
    }
    for device in devices:
        if device is None:  # JAX lists None beside its devices
            continue
        floats = info.dtypes(device=device, kind="real floating")
        assert anygrad.float32 in floats.values()
        assert all(isinstance(d, anygrad.dtype) for d in info.dtypes(device=device).values())
    assert set(info.dtypes(kind="integral")) >= {"int8", "int16", "int32", "int64", "uint8"}
    with pytest.raises((ValueError, RuntimeError)):  # JAX: a RuntimeError of its own
        info.dtypes(device="no-such-device" if backend.name != "torch" else "cuda:7")


def test_strict_device_without_float64():
    import array_api_strict

    info = anygrad.zeros(1, backend="array_api_strict").__array_namespace__().__array_namespace_info__()
    no_float64 = array_api_strict.Device("no_float64")
    assert set(info.dtypes(device=no_float64, kind="real floating")) == {"float32"}


def test_finfo_of_complex_is_of_the_real_part():
    assert xpm.finfo(xpm.complex64).dtype is xpm.float32
    assert xpm.finfo(xpm.complex128).dtype is xpm.float64
    assert xpm.finfo(xpm.complex128).eps == np.finfo(np.float64).eps
    assert xpm.iinfo(xpm.int8).max == 127


# -- the standard's signatures -------------------------------------------------------------
@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_filled_creation_takes_shape_keyword(backend, name):
    ns = _t([0.0], backend).__array_namespace__()
    out = getattr(ns, name)(shape=(2, 3), dtype=ns.float32, device=_t([0.0], backend).device)
    assert out.shape == (2, 3) and out.dtype is anygrad.float32 and out.backend == backend.name
    assert getattr(ns, name)(4).shape == (4,)
    params = inspect.signature(getattr(ns, name)).parameters
    assert params["dtype"].kind is inspect.Parameter.KEYWORD_ONLY


def test_creation_defaults_follow_the_fill_value(backend):
    ns = _t([0.0], backend).__array_namespace__()
    dev = _t([0.0], backend).device
    assert ns.full(shape=(2,), fill_value=3, device=dev).dtype is anygrad.int64
    assert ns.full((2,), True, device=dev).dtype is anygrad.bool
    assert ns.full((2,), 1.5, device=dev).dtype is anygrad.float32
    assert ns.arange(3, device=dev).dtype is anygrad.int64
    assert ns.linspace(0, 1, 5, device=dev).shape == (5,)
    assert ns.eye(2, 3, k=1, device=dev).shape == (2, 3)
    assert ns.zeros((1,), device=dev).device == dev


def test_axis_is_keyword_only():
    for name in ("sum", "mean", "max", "min", "prod", "std", "var", "argmax", "concat", "stack",
                 "cumulative_sum", "sort", "argsort", "vecdot", "flip"):
        param = inspect.signature(getattr(xpm, name)).parameters["axis"]
        assert param.kind is inspect.Parameter.KEYWORD_ONLY, name


def test_var_and_std_default_to_no_correction():
    x = xpm.asarray([1.0, 2.0, 3.0, 4.0], dtype=xpm.float64)
    assert float(xpm.var(x)) == pytest.approx(1.25)
    assert float(xpm.std(x)) == pytest.approx(math.sqrt(1.25))


# -- conversions keep the graph ------------------------------------------------------------
CONVERSIONS = {
    "asarray-dtype": lambda ns, x: ns.asarray(x, dtype=ns.float64),
    "asarray-copy": lambda ns, x: ns.asarray(x, copy=True),
    "asarray-device": lambda ns, x: ns.asarray(x, device=x.device, dtype=ns.float64),
    "astype": lambda ns, x: ns.astype(x, ns.float64),
    "astype-same": lambda ns, x: ns.astype(x, ns.float32),
    "from_dlpack": lambda ns, x: ns.from_dlpack(x, copy=True),
    "to_device": lambda ns, x: x.to_device(x.device),
    "anygrad.asarray": lambda ns, x: anygrad.asarray(x, dtype=anygrad.float64),
}


@pytest.mark.parametrize("how", list(CONVERSIONS))
def test_conversions_keep_the_graph(backend, how):
    x = _t([1.0, 2.0, 3.0], backend, dtype=anygrad.float32, requires_grad=True)
    ns = x.__array_namespace__()
    y = CONVERSIONS[how](ns, x)
    assert y.requires_grad
    ns.sum(y * y).backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])


def test_copies_do_not_share_memory():
    x = anygrad.tensor([1.0, 2.0], requires_grad=True)
    for y in (xpm.asarray(x, copy=True), xpm.astype(x, xpm.float32), xpm.from_dlpack(x, copy=True)):
        assert not np.shares_memory(y.detach().numpy(), x.detach().numpy())
    plain = anygrad.tensor([1.0, 2.0])
    assert xpm.astype(plain, xpm.float32, copy=False) is plain
    assert xpm.asarray(plain) is plain


def test_copy_false_refuses_a_copy():
    x = anygrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="copy=False"):
        xpm.asarray(x, dtype=xpm.float64, copy=False)


def test_from_dlpack_takes_device_and_copy():
    a = np.arange(3.0)
    t = xpm.from_dlpack(a, device="cpu", copy=True)
    a[0] = 9.0
    assert t.tolist() == [0.0, 1.0, 2.0]
    shared = xpm.from_dlpack(a)
    a[1] = 7.0
    assert shared.tolist()[1] == 7.0
    assert anygrad.from_dlpack(anygrad.tensor([1.0]), copy=True).tolist() == [1.0]


def test_dlpack_takes_the_standard_keywords():
    x = anygrad.tensor([1.0, 2.0])
    capsule = x.__dlpack__(stream=None, max_version=(1, 0), dl_device=None, copy=None)
    assert capsule is not None
    assert np.from_dlpack(x).tolist() == [1.0, 2.0]


@pytest.mark.parametrize("how", ["np.asarray", "numpy()", "np.from_dlpack"])
def test_conversion_to_numpy_refuses_a_tracked_tensor(how):
    x = anygrad.tensor([1.0, 2.0], requires_grad=True)
    convert = {"np.asarray": np.asarray, "numpy()": lambda t: t.numpy(),
               "np.from_dlpack": np.from_dlpack}[how]
    with pytest.raises(RuntimeError, match=r"detach\(\)"):
        convert(x)
    assert convert(x.detach()).tolist() == [1.0, 2.0]


# -- standard behaviour where the backends deviate -----------------------------------------
def test_vecdot_keeps_integer_dtypes_and_never_broadcasts_the_contracted_axis(backend):
    ns = _t([0.0], backend).__array_namespace__()
    dev = _t([0.0], backend).device
    a = ns.asarray([1, 2, 3], dtype=ns.uint8, device=dev)
    out = ns.vecdot(a, a)
    assert out.dtype is anygrad.uint8 and int(out) == 14
    with pytest.raises(ValueError, match="differ along axis"):
        ns.vecdot(ns.ones((2, 1), device=dev), ns.ones((2, 3), device=dev))
    assert ns.vecdot(ns.ones((4, 2, 3), device=dev), ns.ones((2, 3), device=dev), axis=-2).shape == (4, 3)


def test_expand_dims_out_of_range_is_an_index_error():
    with pytest.raises(IndexError):
        xpm.expand_dims(xpm.ones((2, 3)), axis=3)
    with pytest.raises(ValueError):  # and still the ValueError it was (NumPy's AxisError too)
        xpm.expand_dims(xpm.ones((2, 3)), axis=-4)


def test_special_values_follow_the_standard(backend):
    ns = _t([0.0], backend).__array_namespace__()
    dev = _t([0.0], backend).device
    inf = math.inf
    x1 = ns.asarray([inf, inf, -inf, 1.0, -1.0, 5.0], dtype=ns.float64, device=dev)
    x2 = ns.asarray([2.0, -2.0, 2.0, -inf, inf, 2.0], dtype=ns.float64, device=dev)
    q = ns.floor_divide(x1, x2).tolist()
    assert q[:3] == [inf, -inf, -inf] and q[5] == 2.0
    assert q[3] == 0.0 and math.copysign(1, q[3]) == -1 and math.copysign(1, q[4]) == -1
    if backend.name != "numpy" and backend.name != "array_api_strict":
        return  # the complex cases below are NumPy's deviations
    z = ns.asarray([complex(inf, 0.0), complex(-0.0, 0.0), complex(inf, 8.17e152)],
                   dtype=ns.complex128, device=dev)
    e = ns.expm1(z).tolist()
    assert e[0] == complex(inf, 0.0) and math.copysign(1, e[1].real) == 1
    t = ns.tanh(z).tolist()[2]
    assert t.real == 1.0 and math.copysign(1, t.imag) == 1


# -- anygrad's own higher-order gradients still run on the namespace -------------------------
def test_create_graph_backward_rules_run_on_the_namespace(backend):
    x = _t([0.3, -0.7, 1.1], backend, dtype=anygrad.float64, requires_grad=True)
    y = anygrad.sum(anygrad.tanh(x) * anygrad.expm1(x) + anygrad.floor_divide(x, 0.5))
    (g,) = anygrad.autograd.grad(y, x, create_graph=True)
    (gg,) = anygrad.autograd.grad(anygrad.sum(g), x)
    v = np.array([0.3, -0.7, 1.1])
    th, ex = np.tanh(v), np.expm1(v)
    d1 = (1 - th**2) * ex + th * (ex + 1)
    d2 = -2 * th * (1 - th**2) * ex + 2 * (1 - th**2) * (ex + 1) + th * (ex + 1)
    np.testing.assert_allclose(g.detach().numpy(), d1, rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), d2, rtol=1e-12)


def test_fft_extension_when_present():
    import importlib.util

    if importlib.util.find_spec("anygrad.ops.fft") is None:
        assert not hasattr(xpm, "fft")
        pytest.skip("anygrad.ops.fft does not exist yet")
    assert callable(xpm.fft.fft) and callable(xpm.fft.fftfreq)


def test_qr_complete(backend):
    x = anygrad.randn(4, 3, dtype=anygrad.float64, backend=backend.name, device=backend.device)
    ns = x.__array_namespace__()
    q, r = ns.linalg.qr(x, mode="complete")
    assert q.shape == (4, 4) and r.shape == (4, 3)
    np.testing.assert_allclose((q @ r).numpy(), x.numpy(), atol=1e-12)
    np.testing.assert_allclose((ns.matrix_transpose(q) @ q).numpy(), np.eye(4), atol=1e-12)
    x.requires_grad_(True)
    q, r = ns.linalg.qr(x, mode="complete")
    with pytest.raises(RuntimeError, match="not differentiable"):
        ns.sum(q).backward()
    wide = anygrad.randn(2, 3, dtype=anygrad.float64, backend=backend.name, device=backend.device,
                         requires_grad=True)
    q, r = ns.linalg.qr(wide, mode="complete")  # the same as reduced: differentiable
    ns.sum(q @ r).backward()
    np.testing.assert_allclose(wide.grad.numpy(), np.ones((2, 3)), atol=1e-10)
    with pytest.raises(ValueError, match="mode"):
        ns.linalg.qr(x, mode="r")
