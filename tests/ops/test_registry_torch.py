"""Where PyTorch is installed, every registered operation's gradients agree with PyTorch's.

No hand-written torch mapping per operation: anygrad's forward passes run the backend
namespace ``xp`` on the raw backend arrays, so an anygrad Tensor on the torch backend that
wraps a torch tensor with ``requires_grad=True`` (the anygrad Tensor itself records
nothing) makes *torch* record its own graph of the very same forward computation.
``torch.autograd.grad`` then differentiates it with PyTorch's derivative formulas, which
are independent of anygrad's backward rules. That is compared with anygrad's own gradient
of the same operation on the NumPy backend.

Cases are those of the registry suite (``tests/ops/test_registry.py``): every
differentiable registered operation, every option variant, the same float64 inputs (same
seed), every differentiable input, one random cotangent per floating output.
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad.ops import REGISTRY
from anygrad.testing import call_op, case_seed, grad_indices, make_host_inputs, to_tensors

torch = pytest.importorskip("torch")

pytestmark = [
    # array-api-compat's torch ``asarray`` (used by some forwards to re-wrap a reduction's
    # result) warns that ``requires_grad`` now follows its input's: that new default is
    # exactly what lets torch follow the forward here.
    pytest.mark.filterwarnings("ignore:torch.asarray. unspecified requires_grad:UserWarning"),
]

# Operations torch's autograd cannot follow through anygrad's forward; their cases are not
# generated. Everything else is compared. One reason per operation.
EXCLUDED: dict[str, str] = {
    "floor_divide": (
        "torch has no derivative for floor_divide (torch.autograd raises 'derivative for "
        "aten::floor_divide is not implemented'); anygrad's gradient is zero (piecewise "
        "constant), checked by gradcheck in the registry suite"),
    "to_backend": (
        "its registered variant moves the data out of torch (to NumPy); torch's graph "
        "cannot follow an array into another library"),
    # The trick below hands anygrad torch arrays that carry torch's own graph. A write into
    # memory then becomes part of that graph (and torch forbids writing into a leaf that
    # requires grad), which never happens in real use, where anygrad records the graph.
    "nn.functional.relu_": (
        "writes into its input, here a torch leaf that requires grad, which torch forbids; "
        "it is relu written in place, and relu is compared above"),
    **{f"nn.functional.{name}_": (
        f"writes into its input, as relu_ does; {name} is compared above, and {name}_ against "
        "torch.nn.functional's in tests/nn/test_activations_losses_extra.py")
       for name in ("celu", "elu", "hardtanh", "selu")},
    "nn.functional.batch_norm": (
        "writes its running statistics in place, which makes them part of torch's graph "
        "here; BatchNorm's gradients are compared with PyTorch's in tests/nn"),
    "nn.functional.instance_norm": (
        "writes its running statistics in place, which makes them part of torch's graph "
        "here; InstanceNorm's gradients are compared with PyTorch's in tests/nn"),
}

RTOL, ATOL = 1e-7, 1e-9
DTYPE = "float64"


def _outputs(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _host_inputs(spec, variant):
    # Exactly the registry suite's inputs (same seed rule as tests/ops/test_registry.py).
    seed = case_seed(spec.name, DTYPE, variant)
    return make_host_inputs(spec, np.random.default_rng(seed), DTYPE, variant), seed


def _describe(spec, variant, seed, host):
    with np.printoptions(precision=6, threshold=40):
        shown = ", ".join(f"{a.dtype}{tuple(a.shape)}={np.array2string(a)}" for a in host)
    return f"{spec.name}(**{spec.kwargs[variant]}) variant={variant} seed={seed} inputs: {shown}"


def _anygrad_vjp(spec, kwargs, host, diff, seed):
    """anygrad's gradients (NumPy backend) of the floating outputs for seeded cotangents:
    (indices of those outputs, their values, cotangents, gradients)."""
    with anygrad.default_backend("numpy"):
        xs = to_tensors(host, "numpy", requires_grad=diff)
        outs = _outputs(call_op(spec, xs, kwargs))
        picked = [k for k, o in enumerate(outs)
                  if isinstance(o, anygrad.Tensor) and o.dtype.kind == "f"]
        rng = np.random.default_rng(seed + 1)
        us = [rng.standard_normal(tuple(outs[k].shape)) for k in picked]
        # An output that records no graph (matrix_power with n=0: the identity, a constant)
        # contributes zero, on both sides.
        pairs = [(outs[k], anygrad.tensor(u, dtype=outs[k].dtype))
                 for k, u in zip(picked, us) if outs[k].requires_grad]
        gs = [None] * len(diff)
        if pairs:
            gs = anygrad.autograd.grad([o for o, _ in pairs], [xs[i] for i in diff],
                                       grad_outputs=[u for _, u in pairs], allow_unused=True)
        values = [np.asarray(outs[k].detach().numpy()) for k in picked]
        grads = [np.zeros(host[i].shape) if g is None else np.asarray(g.numpy())
                 for i, g in zip(diff, gs)]
    return picked, values, us, grads


def _torch_vjp(spec, kwargs, host, diff, picked, us, what):
    """PyTorch's gradients of the same forward (anygrad on the torch backend, traced by
    torch's autograd), for the same cotangents: (output values, gradients)."""
    with anygrad.default_backend("torch"):
        leaves = [torch.tensor(a, requires_grad=i in diff) for i, a in enumerate(host)]
        tensors = [anygrad.asarray(leaf) for leaf in leaves]
        for leaf, t in zip(leaves, tensors):
            # The trick needs the anygrad Tensor to hold the torch leaf itself and to record
            # no graph of its own.
            assert t._data is leaf and not t.requires_grad, what
        outs = _outputs(call_op(spec, tensors, kwargs))
        assert len(outs) > max(picked, default=-1), f"{what}: fewer outputs on torch"
        raws = [outs[k]._data for k in picked]
        # An output that does not depend on the inputs (matrix_power with n=0 is the
        # identity) has no torch graph: its contribution is zero, as for any constant. An
        # output that depends on them but lost torch's graph shows up as a mismatch
        # (test_comparison_rejects_a_lost_graph).
        pairs = [(r, torch.as_tensor(u, dtype=r.dtype)) for r, u in zip(raws, us)
                 if r.requires_grad]
        gs = [None] * len(diff)
        if pairs:
            gs = torch.autograd.grad([r for r, _ in pairs], [leaves[i] for i in diff],
                                     grad_outputs=[u for _, u in pairs], allow_unused=True)
        values = [r.detach().numpy() for r in raws]
        grads = [np.zeros(host[i].shape) if g is None else g.detach().numpy()
                 for i, g in zip(diff, gs)]
    return values, grads


def compare_with_torch(spec, variant):
    """Assert that anygrad's gradients of ``spec``'s case ``variant`` are PyTorch's."""
    kwargs = spec.kwargs[variant]
    host, seed = _host_inputs(spec, variant)
    what = _describe(spec, variant, seed, host)
    diff = grad_indices(spec, host)
    assert diff, f"{what}: no differentiable input"
    picked, want_values, us, want = _anygrad_vjp(spec, kwargs, host, diff, seed)
    assert picked, f"{what}: no floating output"
    got_values, got = _torch_vjp(spec, kwargs, host, diff, picked, us, what)
    # The same forward on both sides, so the cotangents meet the same outputs.
    for k, (w, g) in zip(picked, zip(want_values, got_values)):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12,
                                   err_msg=f"{what}: output {k} differs on torch")
    for i, w, g in zip(diff, want, got):
        np.testing.assert_allclose(
            w, g, rtol=RTOL, atol=ATOL,
            err_msg=f"{what}: anygrad's gradient (actual) vs PyTorch's (desired) for input {i}")


def _params():
    out = []
    for name in sorted(REGISTRY):
        spec = REGISTRY[name]
        if not spec.differentiable or name in EXCLUDED:
            continue
        for variant in range(len(spec.kwargs)):
            out.append(pytest.param(spec, variant, id=f"{name}-{variant}"))
    return out


@pytest.mark.parametrize("spec, variant", _params())
def test_gradients_agree_with_pytorch(spec, variant):
    compare_with_torch(spec, variant)


# -- the operation as PyTorch spells it ----------------------------------------------------
# The comparison above runs anygrad's own forward under torch's autograd: it checks the
# backward rules but trusts the entry's forward and options. Here PyTorch's function itself,
# ``torch.<name>`` (looked up by name, never taken from the registry), gets the same inputs
# and options, so a wrong entry (another function, an option ignored, a reference that agrees
# with a wrong forward) cannot make its own test pass. The elementwise families, whose names
# and options are PyTorch's, are compared, every option variant.
ELEMENTWISE = ("arithmetic", "exponential", "trigonometric", "rounding", "special")


def torch_function(name):
    """``torch.<name>``; a failure where PyTorch has no function of that name."""
    fn = getattr(torch, name, None)
    assert callable(fn), (
        f"torch has no function {name!r}: give the comparison PyTorch's name for it")
    return fn


def compare_with_torch_function(spec, variant, torch_fn=None, value_rtol=1e-12, grad_rtol=1e-10):
    """Assert that anygrad's values and gradients of ``spec``'s case ``variant`` are those of
    PyTorch's own function (default ``torch.<spec.name>``) on the same inputs and options."""
    name = spec.name if torch_fn is None else getattr(torch_fn, "__name__", repr(torch_fn))
    torch_fn = torch_function(spec.name) if torch_fn is None else torch_fn
    kwargs = spec.kwargs[variant]
    host, seed = _host_inputs(spec, variant)
    what = _describe(spec, variant, seed, host)
    diff = grad_indices(spec, host)
    picked, values, us, grads = _anygrad_vjp(spec, kwargs, host, diff, seed)
    leaves = [torch.tensor(a, requires_grad=i in diff) for i, a in enumerate(host)]
    outs = _outputs(torch_fn(*leaves, **kwargs))
    for k, v in zip(picked, values):
        np.testing.assert_allclose(v, outs[k].detach().numpy(), rtol=value_rtol, atol=1e-12,
                                   err_msg=f"{what}: anygrad's output {k} (actual) vs torch.{name}")
    if spec.name in EXCLUDED:
        return  # torch has no derivative for it (the reason is in EXCLUDED)
    pairs = [(outs[k], torch.as_tensor(u)) for k, u in zip(picked, us) if outs[k].requires_grad]
    gs = [None] * len(diff)
    if pairs:
        gs = torch.autograd.grad([o for o, _ in pairs], [leaves[i] for i in diff],
                                 grad_outputs=[u for _, u in pairs], allow_unused=True)
    for i, g, w in zip(diff, grads, gs):
        w = np.zeros(host[i].shape) if w is None else w.detach().numpy()
        np.testing.assert_allclose(
            g, w, rtol=grad_rtol, atol=1e-12,
            err_msg=f"{what}: anygrad's gradient (actual) vs torch.{name}'s for input {i}")


def _function_params():
    return [pytest.param(spec, variant, id=f"{spec.name}-{variant}")
            for spec in sorted(REGISTRY.values(), key=lambda s: s.name)
            if spec.category in ELEMENTWISE for variant in range(len(spec.kwargs))]


# Where PyTorch's function takes its arguments in another order, or is less accurate than
# anygrad's: (the call, the rtol of values and gradients, why).
FUNCTION_EXCEPTIONS = {
    "polygamma": (lambda x, n: torch.polygamma(n, x), 2e-9,
                  "torch.polygamma takes the order n first; its trigamma (the gradient of "
                  "n=0, the value of n=1) is accurate to ~1e-9 only: polygamma(1, 1) is "
                  "pi^2/6 + 8e-10 there"),
    "digamma": (None, 2e-9, "its gradient is PyTorch's trigamma, accurate to ~1e-9 only"),
}


@pytest.mark.parametrize("spec, variant", _function_params())
def test_matches_the_torch_function(spec, variant):
    torch_fn, rtol, _why = FUNCTION_EXCEPTIONS.get(spec.name, (None, None, ""))
    if rtol is None:
        compare_with_torch_function(spec, variant, torch_fn)
    else:
        compare_with_torch_function(spec, variant, torch_fn, value_rtol=rtol, grad_rtol=rtol)


def test_function_comparison_rejects_a_wrong_entry():
    from dataclasses import replace

    # Another function under the right name, with a reference that agrees with it.
    other = replace(REGISTRY["add"], fn=anygrad.subtract, ref=np.subtract)
    with pytest.raises(AssertionError, match="torch.add"):
        compare_with_torch_function(other, 0)
    # An option silently dropped.
    rounding = REGISTRY["round"]
    variant = next(i for i, kw in enumerate(rounding.kwargs) if kw.get("decimals"))
    dropped = replace(rounding, harness=lambda x, **kw: anygrad.round(x))
    with pytest.raises(AssertionError, match="torch.round"):
        compare_with_torch_function(dropped, variant)


def test_exclusions_are_registered_differentiable_ops():
    for name, reason in EXCLUDED.items():
        assert name in REGISTRY, f"EXCLUDED names {name!r}, which is not a registered operation"
        assert REGISTRY[name].differentiable, f"{name} is not differentiable: no need to exclude"
        assert reason, f"{name}: no reason given"


class _WrongTanh(anygrad.autograd.Function):
    """tanh with a wrong backward: 1 - y instead of 1 - y**2."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        return gy * (1 - y)


def test_comparison_rejects_a_wrong_backward():
    from anygrad.ops._registry import OpSpec

    right = OpSpec("right_tanh", anygrad.tanh, ref=np.tanh)
    compare_with_torch(right, 0)
    wrong = OpSpec("wrong_tanh", _WrongTanh.apply, ref=np.tanh)
    with pytest.raises(AssertionError, match="PyTorch's"):
        compare_with_torch(wrong, 0)


class _HostTanh(anygrad.autograd.Function):
    """tanh (right backward) whose forward goes through NumPy: torch's graph is lost."""

    @staticmethod
    def forward(ctx, x):
        host = np.tanh(np.asarray(x.detach() if hasattr(x, "detach") else x))
        y = ctx.xp.asarray(host)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        return gy * (1 - y * y)


def test_comparison_rejects_a_lost_graph():
    from anygrad.ops._registry import OpSpec

    lost = OpSpec("host_tanh", _HostTanh.apply, ref=np.tanh)
    with pytest.raises(AssertionError, match="PyTorch's"):
        compare_with_torch(lost, 0)
