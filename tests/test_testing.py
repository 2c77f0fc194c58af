"""anygrad.testing: assert_close, the Hypothesis strategies, profiles and the registry check."""

from __future__ import annotations

import types

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import anygrad
from anygrad.ops._registry import DOMAINS, OpSpec
from anygrad.testing import (
    BACKEND_MATRIX, EXEMPT, NN_EXEMPT, assert_close, make_host_inputs, sample_values,
    unregistered_ops,
)
from anygrad.testing import strategies as ags


# -- assert_close --------------------------------------------------------------------------
def test_assert_close_checks_attributes_before_values(backend):
    dev = backend.device_obj()
    a = anygrad.tensor([1.0, 2.0], dtype="float64", device=dev)
    assert_close(a, anygrad.tensor([1.0, 2.0 + 1e-12], dtype="float64", device=dev))
    assert_close(a, np.array([1.0, 2.0]))
    with pytest.raises(AssertionError, match="dtypes differ"):
        assert_close(a, anygrad.tensor([1.0, 2.0], dtype="float32", device=dev))
    with pytest.raises(AssertionError, match="shapes differ"):
        assert_close(a, np.array([[1.0, 2.0]]))
    with pytest.raises(AssertionError, match=r"values differ at 1 of 2 positions.*\(1,\)"):
        assert_close(a, np.array([1.0, 2.5]))
    other = "array_api_strict" if backend.name == "numpy" else "numpy"
    with pytest.raises(AssertionError, match="backends differ"):
        assert_close(a, anygrad.tensor([1.0, 2.0], dtype="float64", backend=other))


def test_assert_close_devices():
    cpu = anygrad.tensor([1.0], backend="array_api_strict")
    dev1 = anygrad.tensor([1.0], backend="array_api_strict", device="device1", dtype="float32")
    with pytest.raises(AssertionError, match="devices differ"):
        assert_close(cpu, dev1)
    assert_close(cpu, dev1, check_device=False)


def test_assert_close_tolerances_and_non_float():
    a = anygrad.tensor([1.0, 2.0], dtype="float32")
    assert_close(a, np.array([1.0, 2.0 + 1e-6]))
    with pytest.raises(AssertionError):
        assert_close(a, np.array([1.0, 2.001]))
    assert_close(a, np.array([1.0, 2.001]), rtol=1e-2)
    assert_close(anygrad.tensor([1, 2]), np.array([1, 2]))
    with pytest.raises(AssertionError):
        assert_close(anygrad.tensor([1, 2]), np.array([1, 3]))
    with pytest.raises(AssertionError, match="expected a Tensor"):
        assert_close(np.array([1.0]), np.array([1.0]))


# -- the registry check ---------------------------------------------------------------------
def test_registry_check_catches_unregistered_operation():
    def my_op(x):
        return x

    module = types.SimpleNamespace(exp=anygrad.exp, my_op=my_op, REGISTRY={}, TABLE=(1, 2))
    registry = {"exp": object()}
    names = ["exp", "my_op", "REGISTRY", "TABLE"]
    assert unregistered_ops(names, registry=registry, module=module) == ["my_op"]
    assert unregistered_ops(["exp"], registry=registry, module=module) == []
    # An exemption needs a reason and silences the name.
    assert unregistered_ops(names, registry=registry, module=module,
                            exempt={**EXEMPT, "my_op": "test helper"}) == []


def test_registry_check_sees_a_new_public_op(monkeypatch):
    # Adding a public function to anygrad.ops without register(...) is caught.
    def brand_new_op(x, /):
        return x

    monkeypatch.setattr(anygrad.ops, "brand_new_op", brand_new_op, raising=False)
    monkeypatch.setattr(anygrad.ops, "__all__", [*anygrad.ops.__all__, "brand_new_op"])
    assert "brand_new_op" in unregistered_ops()


def test_registry_check_scans_nn_functional(monkeypatch):
    # anygrad.nn.functional is scanned too, with its own exemptions; its names are reported
    # as registered (nn.functional.<name>).
    import anygrad.nn.functional as F

    def brand_new_loss(input, target):  # noqa: A002
        return input

    assert unregistered_ops() == []
    monkeypatch.setattr(F, "brand_new_loss", brand_new_loss, raising=False)
    monkeypatch.setattr(F, "__all__", [*F.__all__, "brand_new_loss"])
    assert unregistered_ops() == ["nn.functional.brand_new_loss"]
    monkeypatch.setitem(EXEMPT, "brand_new_loss", "an exemption of anygrad.ops only")
    assert unregistered_ops() == ["nn.functional.brand_new_loss"]
    monkeypatch.setitem(NN_EXEMPT, "brand_new_loss", "test helper, not an operation")
    assert unregistered_ops() == []


def test_registry_check_counts_aliases():
    # F.relu is covered by an alias of anygrad.relu's entry, not by an entry of its own.
    module = types.SimpleNamespace(relu=anygrad.relu, conv=anygrad.exp)
    kw = dict(registry={"relu": object()}, module=module, prefix="nn.functional.")
    assert unregistered_ops(["relu", "conv"], **kw) == ["nn.functional.conv", "nn.functional.relu"]
    assert unregistered_ops(["relu", "conv"], aliases={"nn.functional.relu": "relu"},
                            **kw) == ["nn.functional.conv"]
    assert anygrad.ops.ALIASES["nn.functional.relu"] == "relu"
    assert "nn.functional.relu" in anygrad.ops.REGISTRY["relu"].aliases


def test_register_alias_refuses_a_second_meaning():
    from anygrad.ops._registry import register_alias

    with pytest.raises(ValueError, match="already names another operation"):
        register_alias("exp", "nn.functional.relu")
    with pytest.raises(ValueError, match="already names another operation"):
        register_alias("exp", "log")
    with pytest.raises(KeyError, match="no registered operation"):
        register_alias("no_such_op", "nn.functional.no_such_op")


def test_exemptions_have_reasons():
    assert all(isinstance(r, str) and len(r) > 5 for r in EXEMPT.values())
    assert all(isinstance(r, str) and len(r) > 5 for r in NN_EXEMPT.values())


# -- input generation -----------------------------------------------------------------------
@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_sample_values_stay_in_domain(domain):
    lo, hi = DOMAINS[domain]
    x = sample_values(domain, (50,), np.random.default_rng(0))
    mag = np.abs(x) if domain == "nonzero" else x
    assert x.dtype == np.float64 and np.all(mag > lo) and np.all(mag < hi)
    if domain == "nonzero":
        assert (x < 0).any() and (x > 0).any()


def test_make_host_inputs_follows_spec():
    spec = OpSpec("fake", lambda x, y: x, nin=2, shapes="broadcast", domain=("positive", "unit"))
    a, b = make_host_inputs(spec, np.random.default_rng(3), "float32")
    assert a.dtype == np.float32 and b.dtype == np.float32
    np.broadcast_shapes(a.shape, b.shape)
    assert (a > 0.2).all() and (np.abs(b) < 0.9).all()
    same = make_host_inputs(spec, np.random.default_rng(3), "float32")
    np.testing.assert_array_equal(same[0], a)  # seeded: reproducible


def test_make_host_inputs_passes_the_variant_to_make_inputs_that_takes_it():
    # Inputs that depend on the options (a grouped convolution's weight): make_inputs with a
    # third parameter receives the index of the option variant.
    def make(rng, dtype, variant):
        return [np.zeros((2, 2 + variant), dtype=dtype)]

    spec = OpSpec("fake", lambda x, **k: x, kwargs=({}, {"groups": 2}), make_inputs=make)
    rng = np.random.default_rng(0)
    assert make_host_inputs(spec, rng, "float32")[0].shape == (2, 2)
    assert make_host_inputs(spec, rng, "float32", 1)[0].shape == (2, 3)
    two = OpSpec("fake", lambda x: x, make_inputs=lambda rng, dtype: [np.ones(3, dtype)])
    assert make_host_inputs(two, rng, "float64", 1)[0].dtype == np.float64


# -- Hypothesis strategies ------------------------------------------------------------------
@given(ags.backends())
def test_backends_are_installed(case):
    assert case in BACKEND_MATRIX and case.available()[0]


@given(st.data())
def test_tensors_strategy(data):
    case = data.draw(ags.backends())
    dtype = data.draw(ags.float_dtypes())
    x = data.draw(ags.tensors(backend=case, dtype=dtype, domain="positive"))
    assert x.backend == case.name and x.dtype.name == dtype
    assert x.device == anygrad.tensor([1.0], device=case.device_obj(), backend=case.name).device
    assert (x.numpy() > 0.2).all()


@given(ags.mutually_broadcastable_shapes(3))
def test_broadcastable_shapes(shapes):
    assert len(shapes) == 3
    np.broadcast_shapes(*shapes)


@given(st.data())
def test_axes_are_valid(data):
    shape = data.draw(ags.shapes(min_dims=0, max_dims=3))
    axis = data.draw(ags.axes(len(shape)))
    x = np.ones(shape)
    np.sum(x, axis=axis)  # raises for an invalid axis


@given(st.data())
def test_indices_work_on_every_backend(data):
    shape = data.draw(ags.shapes(min_dims=1, max_dims=3))
    idx = data.draw(ags.indices(shape))
    host = np.arange(float(np.prod(shape))).reshape(shape)
    x = anygrad.tensor(host, backend="array_api_strict")
    np.testing.assert_array_equal(np.asarray(x.array[idx]), host[idx])


@settings(max_examples=5)
@given(st.data())
def test_op_inputs_in_domain(data):
    spec = OpSpec("fake", lambda x, y: x, nin=2, shapes="broadcast", domain=("gt1", "prob"))
    a, b = data.draw(ags.op_inputs(spec, values=data.draw(st.sampled_from(["seeded", "hypothesis"]))))
    np.broadcast_shapes(a.shape, b.shape)
    assert (a > 1.2).all() and ((b > 0.05) & (b < 0.95)).all()


def test_hypothesis_profiles_registered():
    from hypothesis import settings as hs

    for name in ("ci", "dev", "thorough"):
        assert hs.get_profile(name) is not None
    assert hs.get_profile("ci").derandomize
