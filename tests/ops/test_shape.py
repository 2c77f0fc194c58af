"""Shape manipulation: forward vs NumPy on every backend (float32/float64), gradients vs
central differences along random directions (float64), and double backward (these ops are
linear: differentiating the gradient with respect to the cotangent gives J u)."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad

RNG = np.random.default_rng(7)


def T(a, backend, dtype="float64", requires_grad=False):
    return anygrad.tensor(np.asarray(a, dtype=dtype), device=backend.device_obj(),
                          backend=backend.name, requires_grad=requires_grad)


def N(t):
    return np.asarray(t.detach().numpy(), dtype=np.float64)


def check_linear_grads(fn, arrays, backend, *, eps=1e-6, tol=1e-6, seed=0):
    """First order: <grad_x sum(W * f(x)), v> vs a central difference along v.
    Second order: d/dW <grad_x, u> = J u vs a central difference along u."""
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    out0 = fn(*[T(a, backend) for a in arrays])
    W = rng.standard_normal(tuple(out0.shape))

    def value(arrs):
        return float((fn(*[T(a, backend) for a in arrs]) * T(W, backend)).sum().item())

    xs = [T(a, backend, requires_grad=True) for a in arrays]
    w = T(W, backend, requires_grad=True)
    out = fn(*xs)
    grads = anygrad.autograd.grad(out, xs, grad_outputs=w, create_graph=True, allow_unused=True,
                                  materialize_grads=True)
    vs = [rng.standard_normal(a.shape) for a in arrays]
    analytic = sum(float((N(g) * v).sum()) for g, v in zip(grads, vs))
    plus = value([a + eps * v for a, v in zip(arrays, vs)])
    minus = value([a - eps * v for a, v in zip(arrays, vs)])
    np.testing.assert_allclose(analytic, (plus - minus) / (2 * eps), rtol=tol, atol=tol)
    # Second order: grad of <grads, vs> with respect to w is J v.
    inner = sum((g * T(v, backend)).sum() for g, v in zip(grads, vs))
    (jv,) = anygrad.autograd.grad(inner, [w])
    fp = fn(*[T(a + eps * v, backend) for a, v in zip(arrays, vs)])
    fm = fn(*[T(a - eps * v, backend) for a, v in zip(arrays, vs)])
    np.testing.assert_allclose(N(jv), (N(fp) - N(fm)) / (2 * eps), rtol=tol, atol=tol)


A = RNG.standard_normal((2, 3, 4))
B = RNG.standard_normal((3, 4))
C = RNG.standard_normal((3, 1, 4, 1))

# name, anygrad function of tensors, NumPy reference of arrays, inputs
CASES = [
    ("reshape", lambda x: anygrad.reshape(x, (4, -1)), lambda x: x.reshape(4, -1), [A]),
    ("permute_dims", lambda x: anygrad.permute_dims(x, (2, 0, 1)), lambda x: x.transpose(2, 0, 1), [A]),
    ("permute", lambda x: anygrad.permute(x, 1, 2, 0), lambda x: x.transpose(1, 2, 0), [A]),
    ("swapaxes", lambda x: anygrad.swapaxes(x, 0, -1), lambda x: np.swapaxes(x, 0, -1), [A]),
    ("transpose", lambda x: anygrad.transpose(x, 1, 2), lambda x: np.swapaxes(x, 1, 2), [A]),
    ("moveaxis", lambda x: anygrad.moveaxis(x, 0, -1), lambda x: np.moveaxis(x, 0, -1), [A]),
    ("movedim2", lambda x: anygrad.movedim(x, (0, 1), (2, 0)), lambda x: np.moveaxis(x, (0, 1), (2, 0)), [A]),
    ("expand_dims", lambda x: anygrad.expand_dims(x, axis=1), lambda x: np.expand_dims(x, 1), [B]),
    ("unsqueeze", lambda x: anygrad.unsqueeze(x, -1), lambda x: x[..., None], [B]),
    ("squeeze_all", lambda x: anygrad.squeeze(x), np.squeeze, [C]),
    ("squeeze_dim", lambda x: anygrad.squeeze(x, dim=1), lambda x: np.squeeze(x, 1), [C]),
    ("flatten", lambda x: anygrad.flatten(x, 1), lambda x: x.reshape(2, -1), [A]),
    ("flatten_mid", lambda x: anygrad.flatten(x, 0, 1), lambda x: x.reshape(6, 4), [A]),
    ("unflatten", lambda x: anygrad.unflatten(x, 1, (2, -1)), lambda x: x.reshape(3, 2, 2), [B]),
    ("flip_all", lambda x: anygrad.flip(x), lambda x: np.flip(x), [A]),
    ("flip_axis", lambda x: anygrad.flip(x, axis=(0, 2)), lambda x: np.flip(x, (0, 2)), [A]),
    ("roll_flat", lambda x: anygrad.roll(x, 5), lambda x: np.roll(x, 5), [B]),
    ("roll_axes", lambda x: anygrad.roll(x, (1, -2), axis=(0, 1)), lambda x: np.roll(x, (1, -2), (0, 1)), [B]),
    ("concat", lambda x, y: anygrad.concat([x, y, x], axis=0),
     lambda x, y: np.concatenate([x, y, x], 0), [B, B[:1]]),
    ("cat_dim", lambda x, y: anygrad.cat((x, y), dim=1), lambda x, y: np.concatenate([x, y], 1),
     [B, B[:, :2]]),
    ("concat_none", lambda x, y: anygrad.concat([x, y], axis=None),
     lambda x, y: np.concatenate([x.ravel(), y.ravel()]), [A, B]),
    ("stack", lambda x, y: anygrad.stack([x, y], axis=1), lambda x, y: np.stack([x, y], 1), [B, B * 2]),
    ("stack_dim", lambda x, y: anygrad.stack((x, y), dim=-1), lambda x, y: np.stack([x, y], -1), [B, B + 1]),
    ("unstack", lambda x: anygrad.unstack(x, axis=1)[2], lambda x: x[:, 2], [A]),
    ("unbind", lambda x: anygrad.unbind(x, 2)[1] * 2 + anygrad.unbind(x, 2)[3],
     lambda x: x[:, :, 1] * 2 + x[:, :, 3], [A]),
    ("split_int", lambda x: anygrad.split(x, 3, dim=1)[1], lambda x: x[:, 3:], [RNG.standard_normal((2, 5))]),
    ("split_list", lambda x: anygrad.split(x, [1, 2], dim=0)[1] * 3, lambda x: x[1:] * 3, [B]),
    ("chunk", lambda x: anygrad.chunk(x, 2, dim=-1)[0], lambda x: x[..., :2], [A]),
    ("broadcast_to", lambda x: anygrad.broadcast_to(x, (2, 3, 4)), lambda x: np.broadcast_to(x, (2, 3, 4)), [B[:, :1]]),
    ("broadcast_arrays", lambda x, y: anygrad.broadcast_arrays(x, y)[0] * anygrad.broadcast_arrays(x, y)[1],
     lambda x, y: x * y, [B[:, :1], B[:1]]),
    ("expand", lambda x: anygrad.expand(x, 2, -1, 4), lambda x: np.broadcast_to(x, (2, 3, 4)), [B[:, :1]]),
    ("tile", lambda x: anygrad.tile(x, (2, 1, 3)), lambda x: np.tile(x, (2, 1, 3)), [B]),
    ("tile_short", lambda x: anygrad.tile(x, (2,)), lambda x: np.tile(x, 2), [A]),
    ("repeat_int", lambda x: anygrad.repeat(x, 3, axis=1), lambda x: np.repeat(x, 3, 1), [B]),
    ("repeat_flat", lambda x: anygrad.repeat(x, 2), lambda x: np.repeat(x, 2), [B]),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,fn,ref,inputs", CASES, ids=IDS)
def test_forward(backend, name, fn, ref, inputs, dtype):
    out = fn(*[T(a, backend, dtype) for a in inputs])
    expected = ref(*[np.asarray(a, dtype=dtype).astype(np.float64) for a in inputs])
    assert tuple(out.shape) == expected.shape
    assert out.dtype == getattr(anygrad, dtype)
    np.testing.assert_allclose(N(out), expected, rtol=1e-6 if dtype == "float32" else 1e-12)


@pytest.mark.parametrize("name,fn,ref,inputs", CASES, ids=IDS)
def test_gradients(backend, name, fn, ref, inputs):
    check_linear_grads(fn, inputs, backend)


def test_repeat_with_tensor_repeats(backend):
    x = T(B, backend, requires_grad=True)
    reps = anygrad.tensor([2, 0, 1], device=backend.device_obj(), backend=backend.name)
    y = anygrad.repeat(x, reps, axis=0)
    np.testing.assert_allclose(N(y), np.repeat(B, [2, 0, 1], 0))
    y.sum().backward()
    np.testing.assert_allclose(N(x.grad), np.repeat([[2.0], [0.0], [1.0]], 4, 1))


def test_tensor_methods(backend):
    x = T(A, backend)
    assert tuple(x.permute(2, 0, 1).shape) == (4, 2, 3)
    assert tuple(x.view(6, 4).shape) == (6, 4)
    assert tuple(x.transpose(0, 2).shape) == (4, 3, 2)
    assert tuple(x.unsqueeze(0).shape) == (1, 2, 3, 4)
    assert tuple(x[:, :1].squeeze(1).shape) == (2, 4)
    assert tuple(x.flatten(1).shape) == (2, 12)
    np.testing.assert_allclose(N(x.repeat(1, 2, 1)), np.tile(A, (1, 2, 1)))
    np.testing.assert_allclose(N(x.repeat_interleave(2, dim=2)), np.repeat(A, 2, 2))
    np.testing.assert_allclose(N(x.flip(0, 1)), A[::-1, ::-1])
    np.testing.assert_allclose(N(x.roll(1, 2)), np.roll(A, 1, 2))
    assert [tuple(t.shape) for t in x.split(2, dim=2)] == [(2, 3, 2), (2, 3, 2)]
    assert [tuple(t.shape) for t in x.chunk(3, dim=1)] == [(2, 1, 4)] * 3
    assert len(x.unbind(1)) == 3 and len(list(iter(x))) == 2
    assert tuple(x.movedim(0, 2).shape) == (3, 4, 2)
    assert tuple(x[:, :1].expand(-1, 5, -1).shape) == (2, 5, 4)


def test_split_and_chunk_sizes(backend):
    x = T(np.arange(7.0), backend)
    assert [t.shape[0] for t in anygrad.split(x, 3)] == [3, 3, 1]
    assert [t.shape[0] for t in anygrad.chunk(x, 3)] == [3, 3, 1]
    assert [t.shape[0] for t in anygrad.chunk(T(np.arange(6.0), backend), 4)] == [2, 2, 2]


def test_errors(backend):
    x = T(B, backend)
    with pytest.raises(ValueError, match="squeeze"):
        anygrad.squeeze(x, axis=0)  # the standard's axis must name a size-1 axis
    # PyTorch's dim (by position on the PyTorch face) leaves a larger dimension in place.
    assert tuple(anygrad.squeeze(x, 0).shape) == tuple(x.shape)
    with pytest.raises(ValueError, match="permute_dims"):
        anygrad.permute_dims(x, (0, 0))
    with pytest.raises(ValueError, match="concat"):
        anygrad.concat([x, T(A, backend)])
    with pytest.raises(ValueError, match="stack"):
        anygrad.stack([x, x[:1]])
    with pytest.raises(ValueError, match="split"):
        anygrad.split(x, [1, 1])
    with pytest.raises(ValueError, match="out of bounds"):
        anygrad.swapaxes(x, 0, 2)


def test_inputs_not_mutated(backend):
    x = T(B, backend, requires_grad=True)
    before = N(x)
    y = anygrad.concat([anygrad.flip(x, axis=0), anygrad.roll(x, 1), anygrad.tile(x, (1, 1))])
    (y * y).sum().backward()
    np.testing.assert_array_equal(N(x), before)


@pytest.mark.parametrize("kinds", [("int64", "float32"), ("bool", "int32"), ("uint8", "float64"),
                                   ("float32", "int64", "float64"), ("int16", "complex64")])
def test_joins_promote_mixed_kinds_as_pytorch(kinds):
    """cat/stack/where of tensors of different kinds give PyTorch's dtype (int64 with float32
    is float32; NumPy's rules would give float64), and the gradient reaches the float input."""
    torch = pytest.importorskip("torch")
    host = [np.arange(1, 3).astype(k) for k in kinds]
    ours = [anygrad.tensor(h, requires_grad=h.dtype.kind in "fc") for h in host]
    theirs = [torch.tensor(h) for h in host]
    for name in ("cat", "stack"):
        got = getattr(anygrad, name)(ours)
        assert str(got.dtype).split(".")[-1] == str(getattr(torch, name)(theirs).dtype).split(".")[-1]
    cond = anygrad.tensor([True, False])
    got = anygrad.where(cond, ours[0], ours[-1])
    want = torch.where(torch.tensor([True, False]), theirs[0], theirs[-1])
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    if got.requires_grad:
        (got.real if got.dtype.kind == "c" else got).sum().backward()
        assert ours[-1].grad.dtype == ours[-1].dtype
        np.testing.assert_array_equal(ours[-1].grad.numpy(), [0, 1])
