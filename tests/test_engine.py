"""Engine semantics on every backend of the matrix (issue: foundation)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import anygrad
from anygrad.autograd import Function


def t(backend, values, requires_grad=False, dtype="float64"):
    return anygrad.tensor(values, dtype=dtype, device=backend.device_obj(),
                          requires_grad=requires_grad)


def val(x):
    return np.asarray(x.detach().numpy(), dtype=np.float64)


def test_scalar_backward_and_accumulation(backend):
    x = t(backend, [1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_allclose(val(x.grad), [2.0, 4.0, 6.0])
    first = x.grad
    (x * x).sum().backward()
    np.testing.assert_allclose(val(x.grad), [4.0, 8.0, 12.0])
    assert x.grad is first, "accumulation keeps the same .grad handle, as PyTorch"


def test_gradient_argument_and_nonscalar_error(backend):
    x = t(backend, [1.0, 2.0], requires_grad=True)
    y = x * 3.0
    with pytest.raises(RuntimeError, match="implicitly created only for scalar"):
        y.backward()
    y.backward(t(backend, [1.0, 10.0]))
    np.testing.assert_allclose(val(x.grad), [3.0, 30.0])
    with pytest.raises(RuntimeError, match="mismatch in shape"):
        (x * 3.0).backward(t(backend, [1.0, 2.0, 3.0]))


def test_second_backward_through_freed_graph_raises(backend):
    x = t(backend, [1.5], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_retain_graph_allows_second_backward(backend):
    x = t(backend, [1.5], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(val(x.grad), [6.0])


def test_double_backward_of_cube(backend):
    x = t(backend, 2.0, requires_grad=True)
    y = x ** 3
    (g,) = anygrad.autograd.grad(y, x, create_graph=True)
    assert g.requires_grad
    np.testing.assert_allclose(val(g), 12.0)
    (g2,) = anygrad.autograd.grad(g, x, create_graph=True)
    np.testing.assert_allclose(val(g2), 12.0)  # 6x
    (g3,) = anygrad.autograd.grad(g2, x)
    np.testing.assert_allclose(val(g3), 6.0)


def test_backward_create_graph_accumulates_graph_grad(backend):
    x = t(backend, [1.0, -2.0], requires_grad=True)
    (anygrad.exp(x) * x).sum().backward(create_graph=True)
    gx = x.grad
    assert gx.requires_grad
    expected = np.exp([1.0, -2.0]) * (1 + np.array([1.0, -2.0]))
    np.testing.assert_allclose(val(gx), expected, rtol=1e-12)
    x.grad = None
    gx.sum().backward()
    np.testing.assert_allclose(val(x.grad), np.exp([1.0, -2.0]) * (2 + np.array([1.0, -2.0])), rtol=1e-12)


def test_grad_with_unused_input(backend):
    x = t(backend, [1.0], requires_grad=True)
    z = t(backend, [1.0], requires_grad=True)
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="not have been used"):
        anygrad.autograd.grad(y, [x, z], retain_graph=True)
    gx, gz = anygrad.autograd.grad(y, [x, z], allow_unused=True)
    assert gz is None
    np.testing.assert_allclose(val(gx), [2.0])
    assert x.grad is None, "autograd.grad must not touch .grad"


def test_backward_inputs_restricts_accumulation(backend):
    a = t(backend, [1.0], requires_grad=True)
    b = t(backend, [2.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    np.testing.assert_allclose(val(a.grad), [2.0])
    assert b.grad is None


def test_hooks_on_leaf_and_nonleaf(backend):
    x = t(backend, [1.0, 2.0], requires_grad=True)
    seen = []
    h = x.register_hook(lambda g: g * 10)
    y = x * 2
    y.register_hook(lambda g: seen.append(val(g)))
    y.sum().backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(val(x.grad), [20.0, 20.0])
    h.remove()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(val(x.grad), [2.0, 2.0])


def test_retain_grad(backend):
    x = t(backend, [1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(val(y.grad), [6.0, 12.0])


def test_no_grad_records_nothing(backend):
    x = t(backend, [1.0], requires_grad=True)
    with anygrad.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert anygrad.is_grad_enabled()

    @anygrad.no_grad()
    def f(a):
        return a * 2

    assert not f(x).requires_grad
    with anygrad.no_grad():
        with anygrad.enable_grad():
            assert (x * 2).requires_grad
    with anygrad.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_grad_fn_names_and_next_functions(backend):
    x = t(backend, [1.0], requires_grad=True)
    y = x * 2 + 1
    assert y.grad_fn.name() == "AddBackward0"
    assert "grad_fn=<AddBackward0>" in repr(y)
    mul_fn, _ = y.grad_fn.next_functions[0]
    assert mul_fn.name() == "MulBackward0"
    acc, _ = mul_fn.next_functions[0]
    assert acc.name() == "AccumulateGrad" and acc.variable is x
    assert x.is_leaf and not y.is_leaf


def test_detach_and_data_share_storage(backend):
    x = t(backend, [1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf
    with anygrad.no_grad():
        d.add_(1.0)
    np.testing.assert_allclose(val(x), [2.0, 3.0])
    x.data.mul_(2.0)
    np.testing.assert_allclose(val(x), [4.0, 6.0])
    assert x.requires_grad


def test_manual_sgd_update_through_data(backend):
    f = t(backend, [1.0, -1.0], requires_grad=True)
    (f * f).sum().backward()
    f.data.sub_(f.grad.data * 0.1)
    np.testing.assert_allclose(val(f), [0.8, -0.8])


def test_inplace_on_leaf_requiring_grad_raises(backend):
    x = t(backend, [1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        x.add_(1.0)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        x += 1.0
    np.testing.assert_allclose(val(x), [1.0])  # nothing was written
    with anygrad.no_grad():
        x.add_(1.0)
    np.testing.assert_allclose(val(x), [2.0])
    assert x.is_leaf and x.requires_grad


def test_inplace_on_nonleaf_keeps_saved_values(backend):
    x = t(backend, [3.0], requires_grad=True)
    y = x * 1.0
    z = y * y  # saves y's array
    y.add_(100.0)  # changes y in place: z's backward would read the new value
    assert y.grad_fn.name() == "AddBackward0"
    assert y._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()  # PyTorch raises too
    y.sum().backward()  # y's own history is intact
    np.testing.assert_allclose(val(x.grad), [1.0])


def test_inplace_version_counter_and_shape_check(backend):
    x = t(backend, [1.0, 2.0])
    x.mul_(2.0)
    x.zero_()
    assert x._version == 2
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        x.add_(t(backend, [[1.0, 2.0], [3.0, 4.0]]))


def test_integer_tensors_cannot_require_grad(backend):
    i = anygrad.tensor([1, 2], device=backend.device_obj())
    with pytest.raises(RuntimeError, match="floating point"):
        i.requires_grad_()
    with pytest.raises(RuntimeError, match="floating point"):
        anygrad.tensor([1, 2], requires_grad=True)


def test_deep_chain_has_no_recursion(backend):
    x = t(backend, [1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_allclose(val(x.grad), [1.0])


def test_graph_is_freed_without_gc(backend):
    gc.collect()
    gc.disable()
    try:
        x = t(backend, [1.0, 2.0], requires_grad=True)
        y = anygrad.exp(x * 2.0)
        z = (y * y).sum()
        node_ref = weakref.ref(z.grad_fn)
        saved_owner = weakref.ref(y.grad_fn)
        del y, z
        assert node_ref() is None and saved_owner() is None, "graph must die with its last output"
        # After backward, the leaf's accumulator must not keep the leaf alive either.
        w = t(backend, [1.0], requires_grad=True)
        (w * w).sum().backward()
        w_ref = weakref.ref(w)
        del w
        assert w_ref() is None
    finally:
        gc.enable()


def test_mixing_backends_raises_naming_both(backend):
    other = "array_api_strict" if backend.name == "numpy" else "numpy"
    a = anygrad.tensor([1.0], backend=other)
    b = t(backend, [1.0])
    with pytest.raises(TypeError, match=f"'{other}'.*'{backend.name}'|'{backend.name}'.*'{other}'"):
        a + b
    with pytest.raises(TypeError, match="backend"):
        b * a


def test_mixing_devices_raises_naming_both():
    a = anygrad.tensor([1.0], backend="array_api_strict")
    b = anygrad.tensor([1.0], backend="array_api_strict", device="device1")
    with pytest.raises(ValueError, match="CPU_DEVICE.*device1|device1.*CPU_DEVICE"):
        a + b


def test_to_backend_is_differentiable(backend):
    x = anygrad.tensor([1.0, 2.0], backend="numpy", dtype="float64", requires_grad=True)
    y = x.to(backend=backend.name, device=backend.device_obj())
    assert y.backend == backend.name
    (y * y).sum().backward()
    assert x.grad.backend == "numpy"
    np.testing.assert_allclose(val(x.grad), [2.0, 4.0])


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return 3 * gy * x * x


def test_user_function_first_and_second_order(backend):
    x = t(backend, [2.0, -1.0], requires_grad=True)
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward0"
    (g,) = anygrad.autograd.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(val(g), [12.0, 3.0])
    (g2,) = anygrad.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(val(g2), [12.0, -6.0])


def test_ctx_metadata_and_non_differentiable_outputs(backend):
    class SortWithIndex(Function):
        @staticmethod
        def forward(ctx, x):
            xp = ctx.xp
            idx = xp.argsort(x)
            ctx.idx = idx
            out = xp.take(x, idx)
            ctx.mark_non_differentiable(idx)
            return out, idx

        @staticmethod
        def backward(ctx, gy, gidx):
            assert ctx.needs_input_grad == (True,)
            xp = ctx.xp
            inv = xp.argsort(ctx.idx)
            return xp.take(gy, inv)

    x = t(backend, [3.0, 1.0, 2.0], requires_grad=True)
    values, idx = SortWithIndex.apply(x)
    assert values.requires_grad and not idx.requires_grad
    (values * t(backend, [1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_allclose(val(x.grad), [3.0, 1.0, 2.0])


def test_wrong_gradient_count_and_shape_errors(backend):
    class TooMany(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, gy):
            return gy, gy

    class WrongShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, gy):
            return ctx.xp.concat([gy, gy])

    x = t(backend, [1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="returned 2 gradients, expected 1"):
        TooMany.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match=r"shape \(4,\) for an input of shape \(2,\)"):
        WrongShape.apply(x).sum().backward()


def test_broadcast_gradients_reduced_to_input_shape(backend):
    a = t(backend, [[1.0], [2.0]], requires_grad=True)  # (2, 1)
    b = t(backend, [10.0, 20.0, 30.0], requires_grad=True)  # (3,)
    (a * b).sum().backward()
    np.testing.assert_allclose(val(a.grad), [[60.0], [60.0]])
    np.testing.assert_allclose(val(b.grad), [3.0, 3.0, 3.0])


def test_float32_grads_stay_float32_with_python_scalars(backend):
    x = t(backend, [1.0, 2.0], requires_grad=True, dtype="float32")
    (x * 0.5 + 2).sum().backward()
    assert x.grad.dtype == anygrad.float32
    assert (x * 0.5).dtype == anygrad.float32


def test_apply_builds_the_same_tensor_as_make_tensor():
    # Function.apply builds its single output inline (the per-op hot path); every slot the
    # internal constructor sets must be set there too, with the same values for a result.
    from anygrad.tensor import Tensor, _make_tensor

    x = anygrad.tensor([1.0, 2.0], requires_grad=True)
    made = _make_tensor(np.ones(2), x._backend)
    for out, fn in [(x * 2.0, "MulBackward0"), (x.detach() * 2.0, None)]:
        for slot in Tensor.__slots__:
            if slot == "__weakref__":
                continue
            assert hasattr(out, slot), slot
            if slot not in ("_data", "_storage", "_grad_fn", "_requires_grad", "__dict__"):
                assert getattr(out, slot) == getattr(made, slot), slot
        assert (out.grad_fn.name() if out.grad_fn is not None else None) == fn
        assert out.requires_grad == (fn is not None)
        assert out._storage.version == 0
