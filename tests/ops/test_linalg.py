"""Products, norms and the linalg extension: forward vs NumPy float64, gradients vs central
differences (first and second order where defined) and vs torch.autograd."""

from __future__ import annotations

import math

import numpy as np
import pytest

import anygrad
from anygrad import linalg as LA
from anygrad.autograd import gradcheck, gradgradcheck

# Float64 inputs, so the checks' tolerances measure the rules, not rounding; first order at
# every position (no input here has more than 64 elements).
FD = {"atol": 1e-5, "rtol": 1e-4, "max_elements": 64}
FD2 = {"atol": 1e-4, "rtol": 1e-4}


def T(a, backend, requires_grad=True):
    """A float64 tensor on the test's backend and device."""
    return anygrad.tensor(np.asarray(a, dtype=np.float64), dtype=anygrad.float64,
                          device=backend.device_obj(), requires_grad=requires_grad)


def N(t):
    return np.asarray(t.detach().numpy(), dtype=np.float64)


RNG = np.random.default_rng(7)


def r(*shape):
    return RNG.uniform(-1, 1, shape)


A3 = r(3, 3) + 3 * np.eye(3)           # well conditioned
B34 = r(3, 4)
SPD = (lambda a: a @ a.T + 3 * np.eye(3))(r(3, 3))
X43 = r(4, 3)
X34 = r(3, 4)


def sym(t):
    return (t + t.mT) * 0.5


MATMUL = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((2, 3, 4), (4, 2)),
          ((2, 1, 3, 4), (3, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((2, 3, 4), (2, 4, 5))]


@pytest.mark.parametrize("sa,sb", MATMUL, ids=[f"{a}@{b}" for a, b in MATMUL])
def test_matmul_broadcasting(backend, sa, sb):
    a, b = r(*sa), r(*sb)
    np.testing.assert_allclose(N(anygrad.matmul(T(a, backend, False), T(b, backend, False))), a @ b,
                               rtol=1e-12, atol=1e-12)
    assert gradcheck(anygrad.matmul, [T(a, backend), T(b, backend)], **FD)
    if len(sa) + len(sb) <= 4:  # second order on the 1-D/2-D cases keeps the suite fast
        assert gradgradcheck(anygrad.matmul, [T(a, backend), T(b, backend)], **FD2)


def test_matmul_shape_error(backend):
    with pytest.raises(ValueError, match=r"matmul: shapes \(3, 4\) and \(5, 2\) do not align"):
        anygrad.matmul(T(r(3, 4), backend), T(r(5, 2), backend))


PRODUCTS = [
    ("tensordot-2", lambda a, b: anygrad.tensordot(a, b, axes=2), lambda a, b: np.tensordot(a, b, 2), (r(2, 3, 4), r(3, 4, 2))),
    ("tensordot-pairs", lambda a, b: anygrad.tensordot(a, b, axes=([0, 2], [1, 0])),
     lambda a, b: np.tensordot(a, b, ([0, 2], [1, 0])), (r(2, 3, 4), r(4, 2, 5))),
    ("tensordot-0", lambda a, b: anygrad.tensordot(a, b, axes=0), lambda a, b: np.tensordot(a, b, 0), (r(2,), r(3,))),
    ("vecdot", anygrad.vecdot, lambda a, b: np.sum(a * b, -1), (r(2, 3), r(3,))),
    ("vecdot-axis0", lambda a, b: anygrad.vecdot(a, b, axis=0), lambda a, b: np.sum(a * b, 0), (r(3, 2), r(3, 2))),
    ("outer", anygrad.outer, np.outer, (r(3), r(4))),
    ("cross", anygrad.cross, np.cross, (r(2, 3), r(3))),
    ("cross-axis0", lambda a, b: anygrad.cross(a, b, axis=0), lambda a, b: np.cross(a, b, axis=0), (r(3, 2), r(3, 2))),
]


@pytest.mark.parametrize("fn,ref,args", [pytest.param(*c[1:], id=c[0]) for c in PRODUCTS])
def test_products(backend, fn, ref, args):
    out = fn(*[T(a, backend, False) for a in args])
    np.testing.assert_allclose(N(out), ref(*args), rtol=1e-12, atol=1e-12)
    assert gradcheck(fn, [T(a, backend) for a in args], **FD)
    assert gradgradcheck(fn, [T(a, backend) for a in args], **FD2)


DIAG = [({}, lambda x: np.diagonal(x, 0, -2, -1)), ({"offset": 1}, lambda x: np.diagonal(x, 1, -2, -1)),
        ({"offset": -2}, lambda x: np.diagonal(x, -2, -2, -1)),
        ({"dim1": 0, "dim2": 2}, lambda x: np.diagonal(x, 0, 0, 2)),
        ({"offset": 1, "dim1": 2, "dim2": 1}, lambda x: np.diagonal(x, 1, 2, 1))]


@pytest.mark.parametrize("kw,ref", DIAG, ids=[str(k) for k, _ in DIAG])
def test_diagonal(backend, kw, ref):
    x = r(3, 4, 4)
    np.testing.assert_allclose(N(anygrad.diagonal(T(x, backend, False), **kw)), ref(x))
    assert gradcheck(lambda t: anygrad.diagonal(t, **kw), [T(x, backend)], **FD)
    if "dim1" not in kw:
        assert gradgradcheck(lambda t: anygrad.diagonal(t, **kw), [T(x, backend)], **FD2)


def test_trace_and_methods(backend):
    x = r(3, 4)
    t = T(x, backend)
    np.testing.assert_allclose(N(anygrad.trace(t)), np.trace(x))
    np.testing.assert_allclose(N(anygrad.trace(t, offset=1)), np.trace(x, 1))
    np.testing.assert_allclose(N(t.diagonal(1)), np.diagonal(x, 1))
    np.testing.assert_allclose(N(LA.diagonal(t, offset=-1)), np.diagonal(x, -1))
    t.trace().backward()
    np.testing.assert_allclose(N(t.grad), np.eye(3, 4))


VNORMS = [{}, {"ord": 1}, {"ord": 3, "axis": 1}, {"ord": 0.5, "axis": 0, "keepdims": True},
          {"ord": math.inf}, {"ord": -math.inf, "axis": 1}, {"ord": -1, "axis": 1}, {"ord": 2, "axis": (0, 1)}]


def _np_vnorm(x, ord=2, axis=None, keepdims=False):
    a = np.abs(x)
    if ord == math.inf:
        return a.max(axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return a.min(axis=axis, keepdims=keepdims)
    return (a ** ord).sum(axis=axis, keepdims=keepdims) ** (1 / ord)


@pytest.mark.parametrize("kw", VNORMS, ids=[str(k) for k in VNORMS])
def test_vector_norm(backend, kw):
    x = r(3, 4)
    np.testing.assert_allclose(N(LA.vector_norm(T(x, backend, False), **kw)), _np_vnorm(x, **kw), rtol=1e-12)
    assert gradcheck(lambda t: LA.vector_norm(t, **kw), [T(x, backend)], **FD)
    if kw.get("ord", 2) not in (math.inf, -math.inf, 1):
        assert gradgradcheck(lambda t: LA.vector_norm(t, **kw), [T(x, backend)], **FD2)


def test_vector_norm_at_zero_is_zero_gradient(backend):
    t = T(np.zeros((2, 3)), backend)
    LA.vector_norm(t, axis=1).sum().backward()
    np.testing.assert_array_equal(N(t.grad), 0.0)
    t = T([[0.0, 0.0], [3.0, 4.0]], backend)
    anygrad.norm(t, dim=1).sum().backward()
    np.testing.assert_allclose(N(t.grad), [[0, 0], [0.6, 0.8]])


MNORMS = ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]


@pytest.mark.parametrize("ord", MNORMS, ids=[str(o) for o in MNORMS])
def test_matrix_norm(backend, ord):
    x = r(2, 3, 4)
    out = LA.matrix_norm(T(x, backend, False), ord=ord)
    np.testing.assert_allclose(N(out), np.linalg.norm(x, ord=ord, axis=(-2, -1)), rtol=1e-10)
    assert gradcheck(lambda t: LA.matrix_norm(t, ord=ord), [T(x, backend)], **FD)
    kept = LA.matrix_norm(T(x, backend, False), ord=ord, keepdims=True)
    assert tuple(kept.shape) == (2, 1, 1)


def test_norm_pytorch_style(backend):
    x = r(3, 4)
    t = T(x, backend, False)
    np.testing.assert_allclose(N(anygrad.norm(t)), np.linalg.norm(x))
    np.testing.assert_allclose(N(t.norm(1, 0)), np.abs(x).sum(0))
    np.testing.assert_allclose(N(anygrad.norm(t, p="nuc")), np.linalg.norm(x, "nuc"))
    np.testing.assert_allclose(N(anygrad.norm(t, 3, dim=1, keepdim=True)), _np_vnorm(x, 3, 1, True))


# -- decompositions --------------------------------------------------------------------------
def _svd_loss(t):
    u, s, vh = LA.svd(t, full_matrices=False)
    # sign-invariant: products u_i v_i^T, and the singular values
    return anygrad.matmul(u * anygrad.reshape(s * s, (1, -1)), vh) + anygrad.sum(s)


def _svd_full_loss(t):
    # Square U and Vh; only their leading min(m, n) vectors carry the decomposition.
    u, s, vh = LA.svd(t)
    k = s.shape[-1]
    return anygrad.matmul(u[:, :k] * anygrad.reshape(s * s, (1, -1)), vh[:k, :]) + anygrad.sum(s)


def _eigh_loss(t):
    w, v = LA.eigh(sym(t))
    return anygrad.matmul(v * anygrad.reshape(w * w, (1, -1)), v.mT) + anygrad.sum(w)


def _qr_loss(t):
    q, r_ = LA.qr(t)
    return anygrad.matmul(q, r_ * r_) + anygrad.sum(r_ * r_)


DECOMP = [
    ("inv", LA.inv, np.linalg.inv, [A3], True),
    ("det", LA.det, np.linalg.det, [A3], True),
    ("slogdet", lambda t: LA.slogdet(t).logabsdet, lambda a: np.linalg.slogdet(a)[1], [-A3], True),
    ("solve-matrix", LA.solve, np.linalg.solve, [A3, r(3, 2)], True),
    ("solve-vector", LA.solve, np.linalg.solve, [A3, r(3)], True),
    ("solve-batched", LA.solve, np.linalg.solve, [np.stack([A3, A3.T]), r(2, 3, 2)], False),
    ("cholesky", lambda t: LA.cholesky(sym(t)), lambda a: np.linalg.cholesky((a + a.T) / 2), [SPD], True),
    ("cholesky-upper", lambda t: LA.cholesky(sym(t), upper=True),
     lambda a: np.linalg.cholesky((a + a.T) / 2).T, [SPD], False),
    ("eigvalsh", lambda t: LA.eigvalsh(sym(t)), lambda a: np.linalg.eigvalsh((a + a.T) / 2), [r(3, 3)], True),
    ("eigh", _eigh_loss, None, [r(3, 3)], True),
    ("svdvals", LA.svdvals, lambda a: np.linalg.svd(a, compute_uv=False), [X43], True),
    ("svd-tall", _svd_loss, None, [X43], True),
    ("svd-wide", _svd_loss, None, [X34], False),
    ("svd-full-tall", _svd_full_loss, None, [X43], True),
    ("svd-full-wide", _svd_full_loss, None, [X34], False),
    ("qr", _qr_loss, None, [X43], False),
    ("qr-wide", _qr_loss, None, [X34], True),
    ("pinv-tall", LA.pinv, np.linalg.pinv, [X43], True),
    ("pinv-wide", LA.pinv, np.linalg.pinv, [X34], False),
    ("matrix_power-3", lambda t: LA.matrix_power(t, 3), lambda a: np.linalg.matrix_power(a, 3), [A3 / 3], True),
    ("matrix_power--2", lambda t: LA.matrix_power(t, -2), lambda a: np.linalg.matrix_power(a, -2), [A3], False),
]


@pytest.mark.parametrize("fn,ref,args,second", [pytest.param(*c[1:], id=c[0]) for c in DECOMP])
def test_decompositions(backend, fn, ref, args, second):
    if ref is not None:
        out = fn(*[T(a, backend, False) for a in args])
        np.testing.assert_allclose(N(out), ref(*args), rtol=1e-10, atol=1e-10)
    assert gradcheck(fn, [T(a, backend) for a in args], **FD)
    if second:
        assert gradgradcheck(fn, [T(a, backend) for a in args], atol=1e-4, rtol=1e-3)


def test_decomposition_outputs(backend):
    a = T(X43, backend, False)
    q, r_ = LA.qr(a)
    np.testing.assert_allclose(N(q @ r_), X43, atol=1e-12)
    np.testing.assert_allclose(np.tril(N(r_), -1), 0, atol=1e-12)
    u, s, vh = LA.svd(a, full_matrices=False)
    np.testing.assert_allclose(N(s), np.linalg.svd(X43, compute_uv=False))
    np.testing.assert_allclose(N((u * s) @ vh), X43, atol=1e-12)
    u, s, vh = LA.svd(a)  # full matrices by default, as the Array API and PyTorch
    assert (tuple(u.shape), tuple(s.shape), tuple(vh.shape)) == ((4, 4), (3,), (3, 3))
    np.testing.assert_allclose(N(u.mT @ u), np.eye(4), atol=1e-12)
    q, r_ = LA.qr(T(X34, backend, False))
    assert (tuple(q.shape), tuple(r_.shape)) == ((3, 3), (3, 4))
    np.testing.assert_allclose(N(q @ r_), X34, atol=1e-12)
    w, v = LA.eigh(T(SPD, backend, False))
    np.testing.assert_allclose(N(w), np.linalg.eigvalsh(SPD))
    np.testing.assert_allclose(N(v @ anygrad.reshape(w, (-1, 1)) * 0 + (v * w) @ v.mT), SPD, atol=1e-12)
    sign, logabs = LA.slogdet(T(-A3, backend, False))
    assert float(sign.item()) == np.linalg.slogdet(-A3)[0]
    np.testing.assert_allclose(N(LA.matrix_power(T(A3, backend, False), 0)), np.eye(3))
    t = T(A3, backend)
    np.testing.assert_allclose(N(t.inverse()), np.linalg.inv(A3))
    np.testing.assert_allclose(N(t.det()), np.linalg.det(A3))
    ns = t.__array_namespace__()
    np.testing.assert_allclose(N(ns.linalg.solve(t, t)), np.eye(3), atol=1e-12)
    with pytest.raises(ValueError, match="inv: expected square"):
        LA.inv(T(X43, backend))


def test_against_torch_autograd(backend):
    torch = pytest.importorskip("torch")
    cases = [
        (lambda t: LA.inv(t), torch.linalg.inv, A3),
        (lambda t: LA.det(t), torch.linalg.det, A3),
        (lambda t: LA.cholesky(sym(t)), lambda t: torch.linalg.cholesky((t + t.mT) / 2), SPD),
        (lambda t: LA.svdvals(t), torch.linalg.svdvals, X43),
        (lambda t: LA.pinv(t), torch.linalg.pinv, X34),
        (lambda t: LA.matrix_norm(t, ord="nuc"), lambda t: torch.linalg.matrix_norm(t, ord="nuc"), X34),
        (lambda t: LA.vector_norm(t, ord=3), lambda t: torch.linalg.vector_norm(t, ord=3), X34),
        (_eigh_loss, lambda t: (lambda w, v: (v * w * w) @ v.mT + w.sum())(*torch.linalg.eigh((t + t.mT) / 2)), A3),
        (_svd_loss, lambda t: (lambda u, s, vh: (u * s * s) @ vh + s.sum())(*torch.linalg.svd(t, full_matrices=False)), X43),
        (_svd_full_loss, lambda t: (lambda u, s, vh: (u[:, :3] * s * s) @ vh[:3] + s.sum())(*torch.linalg.svd(t)), X34),
        (_qr_loss, lambda t: (lambda q, r_: q @ (r_ * r_) + (r_ * r_).sum())(*torch.linalg.qr(t)), X34),
    ]
    W = RNG.standard_normal((4, 4))
    for ours, theirs, x in cases:
        a = T(x, backend)
        out = ours(a)
        w = W[: out.shape[0], : out.shape[1]] if out.ndim == 2 else (W[0, : out.shape[0]] if out.ndim == 1 else 1.0)
        (out * T(np.asarray(w), backend, False)).sum().backward()
        b = torch.tensor(x, requires_grad=True)
        (theirs(b) * torch.tensor(np.asarray(w))).sum().backward()
        np.testing.assert_allclose(N(a.grad), b.grad.numpy(), rtol=1e-8, atol=1e-10)
