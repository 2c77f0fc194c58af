"""The registry-driven suite: every registered operation, every backend, float32 and float64.

For each ``OpSpec`` in ``anygrad.ops.REGISTRY`` (read at collection time, so new
operations are picked up without touching this file):

1. the forward pass matches the spec's NumPy float64 reference;
2. first-order gradients pass ``gradcheck`` (float64 numerical reference);
3. second-order gradients pass ``gradgradcheck`` where the op is twice differentiable;
4. properties: gradients have their input's shape, dtype, device and backend; ``no_grad``
   records no graph; two backward passes accumulate exactly twice the gradient; VJPs are
   linear in the upstream gradient; every backend gives the NumPy backend's gradients;
5. every public operation has a registry entry: those of ``anygrad.ops`` and of
   ``anygrad.nn.functional`` (registered as ``nn.functional.<name>``, or as an alias of the
   ``anygrad`` operation it spells differently, such as ``F.relu``).

Inputs come from one seeded NumPy generator per (op, dtype, variant): the same on every
backend, and printed with the seed on failure. Test ids read ``exp-array_api_strict-float64``.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import anygrad
from anygrad._tensor_methods import HAND_WRITTEN
from anygrad.autograd import gradcheck, gradgradcheck
from anygrad.ops import ALIASES, REGISTRY
from anygrad.testing import (
    BACKEND_MATRIX, REFERENCES, assert_close, call_op, case_seed, grad_indices, make_host_inputs,
    reference, to_tensors, unregistered_ops,
)

SPECS = sorted(REGISTRY.values(), key=lambda s: s.name)
CASES = [c for c in BACKEND_MATRIX if c.available()[0] or c.name in ("numpy", "array_api_strict")]
UNAVAILABLE = [c for c in BACKEND_MATRIX if c not in CASES]

# Forward tolerances (rtol, atol) against the float64 reference, by dtype under test.
FORWARD_TOL = {"float32": (2e-5, 2e-6), "float64": (1e-9, 1e-12)}
# Tolerances between two backends' gradients, or two ways of computing one gradient.
GRAD_TOL = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-11)}
# Categories of the elementwise operations.
ELEMENTWISE = ("arithmetic", "exponential", "trigonometric", "rounding", "special")


def _params(pred=lambda spec: True, cases=CASES, floats_only=True):
    out = []
    for spec in SPECS:
        if not pred(spec):
            continue
        for case in cases:
            # An op a backend genuinely lacks (``skip_backends``, with the reason shown in
            # the docs table) is not generated there, rather than collected and skipped;
            # test_spec_is_consistent keeps NumPy and array-api-strict out of that list.
            if case.name in spec.skip_backends or case.id in spec.skip_backends:
                continue
            for dtype in spec.dtypes:
                if floats_only and dtype not in GRAD_TOL:
                    continue
                if case.name == "jax" and dtype == "float32" and "float64" in spec.dtypes:
                    # JAX runs every primitive eagerly, at ~20x NumPy's cost per call, and
                    # its float32 arithmetic is the same code path as float64's here: the
                    # float64 case (tight tolerances) checks the operation on JAX, and
                    # float32 is checked on NumPy, array-api-strict and PyTorch. This
                    # keeps the suite inside CI's time.
                    continue
                if case.id == "array_api_strict-device1" and dtype == "float32":
                    # The second device checks that devices never mix, which does not depend
                    # on the dtype: float64 there, both dtypes on the default device.
                    continue
                out.append(pytest.param(spec, case, dtype, id=f"{spec.name}-{case.id}-{dtype}"))
    return out


def _host_inputs(spec, dtype, variant):
    seed = case_seed(spec.name, dtype, variant)
    return make_host_inputs(spec, np.random.default_rng(seed), dtype, variant), seed


def _tensors(spec, case, host, requires_grad=True):
    diff = grad_indices(spec, host) if (requires_grad and spec.differentiable) else ()
    return to_tensors(host, case.name, case.device_obj(), requires_grad=diff)


def _call(spec, tensors, kwargs):
    return call_op(spec, tensors, kwargs)


def _outputs(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _float_outputs(out):
    return tuple(o for o in _outputs(out)
                 if isinstance(o, anygrad.Tensor) and o.dtype.kind == "f" and o.requires_grad)


def _describe(spec, dtype, variant, seed, host):
    with np.printoptions(precision=6, threshold=40):
        shown = ", ".join(f"{a.dtype}{tuple(a.shape)}={np.array2string(a)}" for a in host)
    return (f"{spec.name}(**{spec.kwargs[variant]}) dtype={dtype} variant={variant} "
            f"seed={seed} inputs: {shown}")


def _upstream(outs, seed):
    rng = np.random.default_rng(seed)
    return [anygrad.tensor(rng.standard_normal(tuple(o.shape)), dtype=o.dtype, device=o.device,
                           backend=o.backend) for o in outs]


def _vjp(spec, inputs, kwargs, upstream_seed):
    """Forward, then ``u^T J`` for a seeded u: (outs, us, grads per differentiated input)."""
    outs = _float_outputs(_call(spec, inputs, kwargs))
    us = _upstream(outs, upstream_seed)
    targets = [x for x in inputs if isinstance(x, anygrad.Tensor) and x.requires_grad]
    if not outs:
        return outs, us, targets, [None] * len(targets)
    gs = anygrad.autograd.grad(list(outs), targets, grad_outputs=us, retain_graph=True,
                               allow_unused=True)
    return outs, us, targets, list(gs)


def _host(t):
    return np.asarray(t.detach().numpy())


# -- 1. forward ---------------------------------------------------------------------------
@pytest.mark.parametrize("spec, case, dtype", _params(floats_only=False))
def test_forward(spec, case, dtype):
    rtol, atol = FORWARD_TOL.get(dtype, (0.0, 0.0))
    if dtype == "float32":
        rtol, atol = rtol + spec.rtol, atol + spec.atol
    with anygrad.default_backend(case.name):
        for variant, kwargs in enumerate(spec.kwargs):
            host, seed = _host_inputs(spec, dtype, variant)
            what = _describe(spec, dtype, variant, seed, host)
            out = _outputs(_call(spec, _tensors(spec, case, host, False), kwargs))
            ref = reference(spec)(
                *[a.astype(np.float64) if a.dtype.kind == "f" else a for a in host], **kwargs)
            ref = _outputs(ref)
            assert len(out) == len(ref), f"{what}: {len(out)} outputs, reference has {len(ref)}"
            for o, r in zip(out, ref):
                r = np.asarray(r)
                if not isinstance(o, anygrad.Tensor):
                    # Python results (allclose -> bool) are compared as values.
                    assert type(o) in (bool, int, float), f"{what}: returned {type(o).__name__}"
                    np.testing.assert_allclose(o, r, rtol=rtol, atol=atol, err_msg=what)
                    continue
                if spec.name != "to_backend":
                    assert o.backend == case.name, f"{what}: output on backend {o.backend!r}"
                if r.dtype.kind in "biu" and o.dtype.kind in "biu":
                    assert_close(o, r, rtol=0, atol=0, msg=what)
                else:
                    assert_close(o, r, rtol=rtol, atol=atol, msg=what)


# JAX's first-order gradients are checked by equality with NumPy's (which finite differences
# check here) in test_gradients_agree_across_backends, and its second order by
# test_gradgradcheck; repeating the finite differences and the property checks on JAX, whose
# eager primitives cost ~20x NumPy's, would be most of the suite's time for nothing new. The
# same holds for array-api-strict's second device, whose arithmetic is the first device's:
# there the forward, the gradients (values and device) and the second order are checked.
_NO_JAX = [c for c in CASES if c.name != "jax" and c.id != "array_api_strict-device1"]


# -- 2. and 3. gradient checks -------------------------------------------------------------
@pytest.mark.parametrize("spec, case, dtype", _params(lambda s: s.differentiable, cases=_NO_JAX))
def test_gradcheck(spec, case, dtype):
    with anygrad.default_backend(case.name):
        for variant, kwargs in enumerate(spec.kwargs):
            host, seed = _host_inputs(spec, dtype, variant)
            inputs = _tensors(spec, case, host)
            fn = _bind(spec, kwargs)
            try:
                gradcheck(fn, inputs, seed=seed, max_elements=12)
            except anygrad.autograd.GradcheckError as exc:
                raise AssertionError(f"{_describe(spec, dtype, variant, seed, host)}\n{exc}") from None


@pytest.mark.parametrize("spec, case, dtype",
                         _params(lambda s: s.differentiable and s.twice_differentiable))
def test_gradgradcheck(spec, case, dtype):
    # Second order on the first option variant only (the variants exercise the forward and
    # first-order rules, and double backward costs an order of magnitude more), except in the
    # elementwise families, whose few variants (clip's bounds, round's decimals) are cheap.
    variants = spec.kwargs if spec.category in ELEMENTWISE else spec.kwargs[:1]
    with anygrad.default_backend(case.name):
        for variant, kwargs in enumerate(variants):
            host, seed = _host_inputs(spec, dtype, variant)
            inputs = _tensors(spec, case, host)
            fn = _bind(spec, kwargs)
            try:
                gradgradcheck(fn, inputs, seed=seed, n_directions=1, max_elements=8)
            except anygrad.autograd.GradcheckError as exc:
                raise AssertionError(f"{_describe(spec, dtype, variant, seed, host)}\n{exc}") from None


def _bind(spec, kwargs):
    def fn(*args):
        return _call(spec, args, kwargs)

    return fn


# -- 4. properties -------------------------------------------------------------------------
@pytest.mark.parametrize("spec, case, dtype", _params(lambda s: s.differentiable, cases=_NO_JAX))
def test_gradient_properties(spec, case, dtype):
    kwargs = spec.kwargs[0]
    host, seed = _host_inputs(spec, dtype, 0)
    what = _describe(spec, dtype, 0, seed, host)
    rtol, atol = GRAD_TOL[dtype]
    with anygrad.default_backend(case.name):
        inputs = _tensors(spec, case, host)
        outs, us, targets, gs = _vjp(spec, inputs, kwargs, seed + 1)
        assert outs, f"{what}: no output requires grad although inputs do"
        # A gradient has its input's shape, dtype, device and backend.
        for i, (x, g) in enumerate(zip(targets, gs)):
            if g is None:
                continue
            assert g.backend == x.backend, f"{what}: grad {i} backend {g.backend} != {x.backend}"
            assert g.device == x.device, f"{what}: grad {i} device {g.device} != {x.device}"
            assert g.dtype is x.dtype, f"{what}: grad {i} dtype {g.dtype} != {x.dtype}"
            assert tuple(g.shape) == tuple(x.shape), (
                f"{what}: grad {i} shape {tuple(g.shape)} != {tuple(x.shape)}")

        # VJPs are linear in the upstream gradient: g(2 u1 - 3 u2) = 2 g(u1) - 3 g(u2).
        _, us2, _, gs2 = _vjp(spec, inputs, kwargs, seed + 2)
        mixed = [2.0 * a - 3.0 * b for a, b in zip(us, us2)]
        outs3 = _float_outputs(_call(spec, inputs, kwargs))
        gs3 = anygrad.autograd.grad(list(outs3), targets, grad_outputs=mixed, allow_unused=True)
        for i, (g1, g2, g3) in enumerate(zip(gs, gs2, gs3)):
            if g1 is None or g3 is None:
                assert g1 is None and g3 is None, f"{what}: grad {i} used only sometimes"
                continue
            expected = 2.0 * _host(g1).astype(np.float64) - 3.0 * _host(g2).astype(np.float64)
            scale = 2.0 * np.abs(_host(g1)) + 3.0 * np.abs(_host(g2))
            got = _host(g3).astype(np.float64)
            bad = np.abs(got - expected) > atol + rtol * scale + 4 * np.finfo(dtype).eps * scale
            assert not bad.any(), f"{what}: VJP not linear for input {i}: {got} vs {expected}"

        # Two backward passes accumulate exactly twice the gradient.
        leaves = _tensors(spec, case, host)
        outs4 = _float_outputs(_call(spec, leaves, kwargs))
        us4 = _upstream(outs4, seed + 1)
        anygrad.autograd.backward(list(outs4), us4, retain_graph=True)
        first = [None if x.grad is None else _host(x.grad).copy()
                 for x in leaves if x.requires_grad]
        anygrad.autograd.backward(list(outs4), us4)
        for i, (x, f) in enumerate(zip([x for x in leaves if x.requires_grad], first)):
            if f is None:
                assert x.grad is None, f"{what}: grad {i} appeared only on the second pass"
                continue
            np.testing.assert_array_equal(_host(x.grad), 2 * f, err_msg=f"{what}: input {i}")

        # no_grad records no graph.
        with anygrad.no_grad():
            for o in _outputs(_call(spec, inputs, kwargs)):
                # An op may return its input itself (positive): that is no new graph.
                if isinstance(o, anygrad.Tensor) and not any(o is x for x in inputs):
                    assert not o.requires_grad and o.grad_fn is None, (
                        f"{what}: an output under no_grad has grad_fn {o.grad_fn}")


@pytest.mark.parametrize("spec, case, dtype", _params(
    lambda s: s.differentiable, cases=[c for c in CASES if c.name != "numpy"]))
def test_gradients_agree_across_backends(spec, case, dtype):
    kwargs = spec.kwargs[0]
    host, seed = _host_inputs(spec, dtype, 0)
    what = _describe(spec, dtype, 0, seed, host)
    rtol, atol = GRAD_TOL[dtype]
    with anygrad.default_backend("numpy"):
        _, _, _, ref = _vjp(spec, _tensors(spec, BACKEND_MATRIX[0], host), kwargs, seed + 1)
    with anygrad.default_backend(case.name):
        _, _, targets, got = _vjp(spec, _tensors(spec, case, host), kwargs, seed + 1)
    for i, (r, g, x) in enumerate(zip(ref, got, targets)):
        if r is None or g is None:
            assert r is None and g is None, f"{what}: input {i} gets a gradient on one backend only"
            continue
        assert (g.backend, g.device, g.dtype, tuple(g.shape)) == (
            x.backend, x.device, x.dtype, tuple(x.shape)), f"{what}: grad {i} differs from its input"
        assert_close(g, _host(r), rtol=rtol, atol=atol, msg=f"{what}: input {i} vs numpy")


# -- 5. every public operation is registered -----------------------------------------------
def test_every_public_op_is_registered():
    missing = unregistered_ops()
    assert not missing, (
        f"public operations without a registry entry: {missing}; add register(OpSpec(...)) "
        "beside each (or an exemption with a reason in anygrad.testing.EXEMPT, or NN_EXEMPT "
        "for anygrad.nn.functional)"
    )


def _public(name):
    """``anygrad.<name>``, where ``name`` may be a path (``nn.functional.conv2d``)."""
    return functools.reduce(lambda obj, part: getattr(obj, part, None), name.split("."), anygrad)


NN_ALIASES = sorted(a for a in ALIASES if a.startswith("nn.functional."))


@pytest.mark.parametrize("alias", NN_ALIASES)
def test_nn_functional_alias_is_the_same_operation(alias):
    # F.relu has no entry of its own: it is anygrad.relu under PyTorch's signature (dim for
    # axis, an inplace flag), so on that entry's inputs and options it must give the same
    # values and gradients.
    spec = REGISTRY[ALIASES[alias]]
    fn = _public(alias)
    for variant, kwargs in enumerate(spec.kwargs):
        host, seed = _host_inputs(spec, "float64", variant)
        what = _describe(spec, "float64", variant, seed, host)
        renamed = {("dim" if k == "axis" else k): v for k, v in kwargs.items()}
        xs = to_tensors(host, "numpy", requires_grad=grad_indices(spec, host))
        ys = to_tensors(host, "numpy", requires_grad=grad_indices(spec, host))
        got, want = fn(*xs, **renamed), _call(spec, ys, kwargs)
        assert_close(got.detach(), _host(want), rtol=0, atol=0, msg=f"{alias}: {what}")
        u = _upstream([want], seed)[0]
        (gx,) = anygrad.autograd.grad(got, xs[:1], grad_outputs=u)
        (gy,) = anygrad.autograd.grad(want, ys[:1], grad_outputs=u)
        assert_close(gx, _host(gy), rtol=0, atol=0, msg=f"{alias} gradient: {what}")


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_spec_is_consistent(spec):
    # The name is public, as anygrad.<name> or a path from anygrad (nn.functional.conv2d),
    # and fn is that public function (or the one its generated PyTorch face wraps), so that
    # the faces can be generated from the registry; a test's way of calling it (varargs,
    # fixed options) is the harness.
    public = _public(spec.name)
    assert callable(public), f"anygrad.{spec.name} does not exist"
    for alias in spec.aliases:
        assert callable(_public(alias)), f"{spec.name}: alias anygrad.{alias} does not exist"
    assert spec.fn is public or getattr(public, "__wrapped__", None) is spec.fn, (
        f"{spec.name}: fn is {spec.fn!r}, expected the public function anygrad.{spec.name} "
        f"({public!r}); a test wrapper belongs in harness=")
    assert spec.harness is None or callable(spec.harness), f"{spec.name}: harness not callable"
    assert spec.nin >= 1 and len(spec.kwargs) >= 1, f"{spec.name}: nin/kwargs malformed"
    # Every op is checked against an independent reference on every backend: the forward
    # test would otherwise have nothing to compare with.
    assert reference(spec) is not None, (
        f"{spec.name}: no NumPy reference (ref=... or anygrad.testing.REFERENCES)")
    # NumPy and array-api-strict carry the design's guarantees: no op may opt out there.
    required = {"numpy", "array_api_strict"}
    assert not {b.partition("-")[0] for b in spec.skip_backends} & required, (
        f"{spec.name}: skip_backends names a required backend: {spec.skip_backends}")
    # The faces come from the entry: each method is the generated face of fn (or one of the
    # few hand-written methods that choose between operations), with its in-place variant.
    methods = (spec.method,) if isinstance(spec.method, str) else (spec.method or ())
    for m in methods:
        method = getattr(anygrad.Tensor, m, None)
        assert method is not None, f"{spec.name}: Tensor has no method {m!r}"
        assert m in HAND_WRITTEN or method is spec.fn or method.__wrapped__ is spec.fn, (
            f"{spec.name}: Tensor.{m} is not generated from the entry")
        if spec.inplace:
            assert callable(getattr(anygrad.Tensor, m + "_", None)), f"{spec.name}: no {m}_"
    for op in spec.operators:
        assert op in vars(anygrad.Tensor), f"{spec.name}: Tensor has no operator {op}"


DIFFERENTIABLE = [s for s in SPECS if s.differentiable]


@pytest.mark.parametrize("spec", DIFFERENTIABLE, ids=[s.name for s in DIFFERENTIABLE])
def test_differentiable_op_has_a_reference(spec):
    # Gradients are checked numerically against the op itself; only the reference says
    # the values are right. One kept in anygrad.testing (not the library) shadows none.
    ref = reference(spec)
    assert callable(ref), (
        f"{spec.name}: differentiable but no NumPy reference: expected ref=... in its entry "
        f"or anygrad.testing.REFERENCES[{spec.name!r}], got {ref!r}")
    assert spec.ref is None or spec.name not in REFERENCES, (
        f"{spec.name}: reference given twice (ref=... and anygrad.testing.REFERENCES)")


@pytest.mark.parametrize("case", UNAVAILABLE, ids=[c.id for c in UNAVAILABLE])
def test_optional_backend_present(case):
    ok, reason = case.available()
    if not ok:
        pytest.skip(reason)


# -- the suite can fail ----------------------------------------------------------------------
class _WrongCube(anygrad.autograd.Function):
    """x ** 3 with a backward off by a factor (2 x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return 2 * gy * x * x


class _OnceCube(anygrad.autograd.Function):
    """x ** 3 whose backward saves an intermediate: right first, wrong second order."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(3 * x * x)
        return x * x * x

    @staticmethod
    def backward(ctx, gy):
        (d,) = ctx.saved_tensors
        return gy * d


def test_suite_rejects_broken_operations():
    from anygrad.ops._registry import OpSpec

    case = BACKEND_MATRIX[1]  # array_api_strict: never skipped
    cube = lambda x: x ** 3  # noqa: E731
    wrong_forward = OpSpec("wrong_forward", lambda x: anygrad.exp(x), ref=cube)
    with pytest.raises(AssertionError, match="values differ"):
        test_forward(wrong_forward, case, "float64")
    wrong_backward = OpSpec("wrong_backward", _WrongCube.apply, ref=cube)
    test_forward(wrong_backward, case, "float64")
    with pytest.raises(AssertionError, match="gradient mismatch"):
        test_gradcheck(wrong_backward, case, "float32")
    wrong_second = OpSpec("wrong_second", _OnceCube.apply, ref=cube)
    test_gradcheck(wrong_second, case, "float64")
    with pytest.raises(AssertionError, match="mismatch"):
        test_gradgradcheck(wrong_second, case, "float64")
