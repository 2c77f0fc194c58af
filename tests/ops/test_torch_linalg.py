"""PyTorch's products, linear algebra, integration and windows (anygrad/ops/torch_linalg.py,
anygrad/ops/windows.py) against PyTorch itself: what the registry suite cannot express
(defaults, positional and keyword spellings, result shapes and dtypes, gradients against
PyTorch's, error messages). Values and finite-difference gradients on every backend are
the registry suite's (tests/ops/test_registry.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def _pair(*arrays, grad=True):
    """The same float64 values as anygrad and torch leaves."""
    a = [anygrad.tensor(x, dtype=anygrad.float64, requires_grad=grad) for x in arrays]
    t = [torch.tensor(x, dtype=torch.float64, requires_grad=grad) for x in arrays]
    return a, t


def _close(a, t, tol=1e-10):
    got = a.detach().numpy() if isinstance(a, anygrad.Tensor) else np.asarray(a)
    want = t.detach().resolve_conj().numpy()
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def _same_grads(fa, ft, arrays, tol=1e-9):
    """Values and gradients (seeded upstream) of fa on anygrad leaves equal ft's on torch's."""
    a, t = _pair(*arrays)
    ya, yt = fa(*a), ft(*t)
    _close(ya, yt, tol)
    u = RNG.standard_normal(tuple(yt.shape))
    (ya * anygrad.tensor(u)).sum().backward()
    (yt * torch.tensor(u)).sum().backward()
    for x, y in zip(a, t):
        if y.grad is None:
            assert x.grad is None or not np.any(x.grad.numpy())
        else:
            _close(x.grad, y.grad, tol)


def r(*shape):
    return RNG.uniform(-1, 1, shape)


# -- einsum ----------------------------------------------------------------------------------
@pytest.mark.parametrize("eq, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("iji->j", [(2, 3, 2)]), ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
    ("bij,bjk->bik", [(1, 2, 3), (4, 3, 2)]), ("i,j->ij", [(3,), (4,)]), ("i,i->", [(3,), (3,)]),
    ("ba,ab", [(2, 3), (3, 2)]), ("Ab,bA->A", [(2, 3), (3, 2)]), ("...i", [(2, 3)]),
    ("i...->...", [(2, 3, 4)]), ("ij,jk,kl->li", [(2, 3), (3, 4), (4, 5)]), ("ij->", [(2, 3)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]), ("ij,ij,ij->i", [(2, 3)] * 3),
    ("i,j,k", [(2,), (3,), (1,)]),
])
def test_einsum_matches_torch(eq, shapes):
    arrays = [r(*s) for s in shapes]
    _same_grads(lambda *xs: anygrad.einsum(eq, *xs), lambda *xs: torch.einsum(eq, *xs), arrays)


def test_einsum_operand_list_and_sublist_forms():
    (a, b), (ta, tb) = _pair(r(2, 3), r(3, 4), grad=False)
    _close(anygrad.einsum("ij,jk", [a, b]), torch.einsum("ij,jk", [ta, tb]))
    _close(anygrad.einsum(a, [0, 1], b, [1, 2], [0, 2]),
           torch.einsum(ta, [0, 1], tb, [1, 2], [0, 2]))
    _close(anygrad.einsum(a, [Ellipsis, 1], [1]), torch.einsum(ta, [Ellipsis, 1], [1]))


@pytest.mark.parametrize("args, match", [
    (("ij,jk->ik", (2, 3), (4, 5)), "subscript 'j' has size 4"),
    (("ij->ik", (2, 3)), "output subscript 'k'"),
    (("ij->ii", (2, 3)), "more than once"),
    (("ijk->", (2, 3)), "do not match its 2 dimensions"),
    (("ij,jk", (2, 3)), "names 2 operand"),
    (("i$", (2, 3)), "letters"),
    (("ii->i", (2, 3)), "subscript .i. has size 3"),
])
def test_einsum_errors(args, match):
    eq, *shapes = args
    with pytest.raises(ValueError, match=match):
        anygrad.einsum(eq, *[anygrad.ones(*s) for s in shapes])


# -- products ----------------------------------------------------------------------------------
def test_mm_bmm_mv_dot_check_operands():
    with pytest.raises(ValueError, match=r"mm: mat1 and mat2 shapes cannot be multiplied \(2x3"):
        anygrad.mm(anygrad.ones(2, 3), anygrad.ones(4, 2))
    with pytest.raises(ValueError, match="mm: expected self to be a 2-D tensor"):
        anygrad.ones(2, 3, 4).mm(anygrad.ones(4, 2))
    with pytest.raises(ValueError, match="bmm: expected batch1 to be a 3-D tensor"):
        anygrad.bmm(anygrad.ones(3, 4), anygrad.ones(2, 4, 2))
    with pytest.raises(ValueError, match=r"bmm: expected batch2 of shape \(2, 4, p\)"):
        anygrad.bmm(anygrad.ones(2, 3, 4), anygrad.ones(1, 4, 2))
    with pytest.raises(ValueError, match="mv: expected the vector to be a 1-D"):
        anygrad.mv(anygrad.ones(2, 3), anygrad.ones(3, 1))
    with pytest.raises(TypeError, match="dot: expected both operands to have the same dtype"):
        anygrad.dot(anygrad.ones(3), anygrad.ones(3, dtype=anygrad.float64))
    with pytest.raises(ValueError, match="dot: expected two vectors of the same size"):
        anygrad.ones(3).dot(anygrad.ones(2))


def test_products_match_torch():
    A, B, v, w = r(3, 4), r(4, 2), r(4), r(4)
    _same_grads(lambda a, b: a.mm(b), lambda a, b: a.mm(b), [A, B])
    _same_grads(lambda a, b: a.bmm(b), lambda a, b: a.bmm(b), [r(2, 3, 4), r(2, 4, 2)])
    _same_grads(lambda a, b: a.mv(b), lambda a, b: a.mv(b), [A, v])
    _same_grads(lambda a, b: a.dot(b), lambda a, b: a.dot(b), [v, w])
    _same_grads(lambda a, b: anygrad.inner(a, b), torch.inner, [r(2, 3), r(4, 3)])
    _same_grads(lambda a, b: a.kron(b), lambda a, b: a.kron(b), [r(2, 3), r(3, 1, 2)])
    zs = np.array([1 + 2j, 3 - 1j]), np.array([2 - 1j, 1j])
    _close(anygrad.vdot(*map(anygrad.tensor, zs)), torch.vdot(*map(torch.tensor, zs)))
    _close(anygrad.tensor(zs[0]).dot(anygrad.tensor(zs[1])),
           torch.tensor(zs[0]).dot(torch.tensor(zs[1])))
    assert anygrad.mm(anygrad.ones(2, 2, requires_grad=True), anygrad.ones(2, 2)).grad_fn.name() \
        == "MmBackward0"


@pytest.mark.parametrize("name, shapes", [
    ("addmv", [(3,), (3, 4), (4,)]), ("addr", [(3, 1), (3,), (4,)]),
    ("addbmm", [(2, 1), (3, 2, 4), (3, 4, 1)]), ("baddbmm", [(1, 2, 1), (3, 2, 4), (3, 4, 1)]),
])
def test_scaled_products_match_torch(name, shapes):
    arrays = [r(*s) for s in shapes]
    for kw in ({}, {"beta": 0.5, "alpha": -2.0}):
        _same_grads(lambda *xs: getattr(anygrad, name)(*xs, **kw),
                    lambda *xs: getattr(torch, name)(*xs, **kw), arrays)
    # beta=0 ignores the input, NaN included, as PyTorch does.
    x = np.full(shapes[0], np.nan)
    got = getattr(anygrad, name)(anygrad.tensor(x), *map(anygrad.tensor, arrays[1:]), beta=0)
    _close(got, getattr(torch, name)(torch.tensor(x), *map(torch.tensor, arrays[1:]), beta=0))
    # The in-place method writes the result into the input.
    a = anygrad.tensor(np.broadcast_to(arrays[0], got.shape).copy())
    t = torch.tensor(np.broadcast_to(arrays[0], got.shape).copy())
    getattr(a, name + "_")(*map(anygrad.tensor, arrays[1:]), alpha=2.0)
    getattr(t, name + "_")(*map(torch.tensor, arrays[1:]), alpha=2.0)
    _close(a, t)


# -- diagonals and blocks -------------------------------------------------------------------
def test_diag_family_matches_torch():
    for k in (0, 2, -1):
        _same_grads(lambda x: anygrad.diag(x, k), lambda x: torch.diag(x, k), [r(3)])
        _same_grads(lambda x: x.diag(diagonal=k), lambda x: x.diag(diagonal=k), [r(3, 4)])
        _same_grads(lambda x: x.diagflat(k), lambda x: x.diagflat(k), [r(2, 2)])
    for args in ((), (1,), (-1, 0, 2), (0, -1, 1)):
        _same_grads(lambda x: x.diag_embed(*args), lambda x: x.diag_embed(*args), [r(2, 3)])
    inf = anygrad.diag(anygrad.tensor([np.inf, 1.0]))
    assert inf.tolist() == [[np.inf, 0.0], [0.0, 1.0]]
    _same_grads(lambda a, b, c: anygrad.block_diag(a, b, c), torch.block_diag,
                [r(2, 3), r(3), np.array(2.0)])
    mixed = anygrad.block_diag(anygrad.tensor([[1]]), anygrad.tensor([2.5], dtype=anygrad.float32))
    assert mixed.dtype == anygrad.float32 and mixed.tolist() == [[1.0, 0.0], [0.0, 2.5]]
    z = np.array([[1 + 1j, 2], [3, 4 - 2j]])
    _close(anygrad.tensor(z).adjoint(), torch.tensor(z).adjoint())
    with pytest.raises(ValueError, match="diag: expected a 1-D or 2-D tensor"):
        anygrad.diag(anygrad.ones(2, 2, 2))


# -- statistics ----------------------------------------------------------------------------
def test_cov_corrcoef_match_torch():
    x = r(3, 6)
    fw = np.array([1, 2, 1, 3, 1, 2])
    aw = RNG.uniform(0.5, 2, 6)
    for kw in ({}, {"correction": 0}, {"correction": 2}):
        _same_grads(lambda a: a.cov(**kw), lambda a: a.cov(**kw), [x])
    _same_grads(lambda a, w: anygrad.cov(a, fweights=anygrad.tensor(fw), aweights=w),
                lambda a, w: torch.cov(a, fweights=torch.tensor(fw), aweights=w), [x, aw])
    _same_grads(lambda a: a.cov(), lambda a: a.cov(), [r(5)])
    _same_grads(lambda a: a.cov(), lambda a: a.cov(), [r(1, 5)])  # one variable: 0-D
    _same_grads(lambda a: a.corrcoef(), lambda a: a.corrcoef(), [x])
    with pytest.raises(ValueError, match="fweights cannot be negative"):
        anygrad.cov(anygrad.tensor(x), fweights=anygrad.tensor(-fw))
    with pytest.raises(TypeError, match="fweights to have integral dtype"):
        anygrad.cov(anygrad.tensor(x), fweights=anygrad.tensor(aw))
    with pytest.raises(ValueError, match="two or fewer dimensions"):
        anygrad.cov(anygrad.ones(2, 2, 2))


# -- decompositions and solvers ------------------------------------------------------------------
def test_logdet_matrix_exp_pinverse_match_torch():
    a = r(2, 3, 3) + 3 * np.eye(3)
    _same_grads(lambda x: x.logdet(), lambda x: x.logdet(), [a])
    neg = np.diag([-1.0, 2.0])
    assert np.isnan(anygrad.logdet(anygrad.tensor(neg)).item())
    assert anygrad.logdet(anygrad.zeros(2, 2)).item() == -np.inf
    for scale in (0.3, 4.0):
        _same_grads(lambda x: x.matrix_exp(), lambda x: x.matrix_exp(), [scale * r(2, 3, 3)])
    _same_grads(lambda x: x.pinverse(), lambda x: x.pinverse(), [r(4, 3)])
    _same_grads(lambda x: x.matrix_power(3), lambda x: x.matrix_power(3), [a])
    _same_grads(lambda x: x.slogdet()[1], lambda x: x.slogdet()[1], [a])


def test_cholesky_solvers_match_torch():
    low = np.tril(r(2, 3, 3)) + 2 * np.eye(3)
    b = r(2, 3, 2)
    for upper in (False, True):
        fac = np.swapaxes(low, -1, -2) if upper else low
        _same_grads(lambda x, y: x.cholesky_solve(y, upper),
                    lambda x, y: x.cholesky_solve(y, upper), [b, fac])
        _same_grads(lambda y: y.cholesky_inverse(upper=upper),
                    lambda y: y.cholesky_inverse(upper=upper), [fac])


def test_lu_unpack_and_solve_match_torch():
    for shape in ((3, 3), (2, 4, 4), (3, 5), (5, 3)):
        lu, piv = torch.linalg.lu_factor(torch.tensor(r(*shape)))
        got = anygrad.lu_unpack(anygrad.tensor(lu.numpy()), anygrad.tensor(piv.numpy()))
        want = torch.lu_unpack(lu, piv)
        for g, w in zip(got, want):
            _close(g, w)
        assert got.P.dtype == anygrad.float64
    lu, piv = torch.linalg.lu_factor(torch.tensor(r(2, 3, 3) + 2 * np.eye(3)))
    apiv = anygrad.tensor(piv.numpy())
    _same_grads(lambda b, f: b.lu_solve(f, apiv), lambda b, f: torch.linalg.lu_solve(f, piv, b),
                [r(2, 3, 2), lu.numpy()])
    _same_grads(lambda f: anygrad.lu_unpack(f, apiv).L, lambda f: torch.lu_unpack(f, piv).L,
                [lu.numpy()])
    none = anygrad.lu_unpack(anygrad.tensor(lu.numpy()), apiv, unpack_data=False)
    assert tuple(none.L.shape) == (0,) and tuple(none.P.shape) == (2, 3, 3)
    with pytest.raises(ValueError, match="pivot 9 at position 0 is out of range"):
        anygrad.lu_unpack(anygrad.eye(2), anygrad.tensor([9, 2]))


def test_torch_svd_and_linalg_svd():
    x = r(4, 3)
    a, t = anygrad.tensor(x), torch.tensor(x)
    for kw in ({}, {"some": False}):
        U, S, V = a.svd(**kw)
        tU, tS, tV = t.svd(**kw)
        assert (U.shape, V.shape) == (tU.shape, tV.shape)
        _close(S, tS)
        _close((U[:, :3] * S) @ V[:, :3].mT, t)  # V, not V^H
    U, S, V = anygrad.svd(a, compute_uv=False)
    tU, tS, tV = torch.svd(t, compute_uv=False)
    _close(U, tU), _close(S, tS), _close(V, tV)
    u, s, vh = anygrad.linalg.svd(a, full_matrices=False)  # the standard's Vh stays there
    _close((u * s) @ vh, t)


def test_renorm_matches_torch():
    x = 2 * r(3, 4)
    for p, dim, maxnorm in ((2, 0, 1.0), (1, 1, 0.8), (3, -1, 5.0)):
        _same_grads(lambda a: a.renorm(p, dim, maxnorm), lambda a: a.renorm(p, dim, maxnorm), [x])
    a, t = anygrad.tensor(x), torch.tensor(x)
    a.renorm_(2, 0, 1.0)
    t.renorm_(2, 0, 1.0)
    _close(a, t)


# -- integration and differences ---------------------------------------------------------------
def test_trapezoid_family_matches_torch():
    y = r(3, 5)
    xs = np.sort(r(5))
    for name in ("trapezoid", "trapz", "cumulative_trapezoid"):
        fa, ft = getattr(anygrad, name), getattr(torch, name)
        _same_grads(lambda a: fa(a), lambda a: ft(a), [y])
        _same_grads(lambda a: fa(a, dx=0.5, dim=0), lambda a: ft(a, dx=0.5, dim=0), [y])
        _same_grads(lambda a, b: fa(a, b), lambda a, b: ft(a, b), [y, xs])
        _same_grads(lambda a, b: fa(a, x=b, dim=0), lambda a, b: ft(a, x=b, dim=0),
                    [y, np.sort(r(3))])
        _same_grads(lambda a, b: fa(a, b), lambda a, b: ft(a, b), [y, np.sort(r(3, 5), axis=1)])
    ints = anygrad.trapezoid(anygrad.tensor([1, 2, 4]))
    assert ints.dtype == anygrad.float32 and ints.item() == 4.5


@pytest.mark.parametrize("kw", [
    {}, {"dim": 1}, {"spacing": 2.0}, {"spacing": [0.5, 2.0]}, {"edge_order": 2},
    {"dim": [1, 0], "spacing": [3.0, 0.5], "edge_order": 2}, {"dim": 0, "coords": True},
    {"dim": 1, "coords": True, "edge_order": 2},
])
def test_gradient_matches_torch(kw):
    kw = dict(kw)
    x = r(4, 5)
    if kw.pop("coords", False):
        n = x.shape[kw["dim"]]
        c = np.cumsum(RNG.uniform(0.3, 1.0, n))
        kw_a = dict(kw, spacing=[anygrad.tensor(c)])
        kw_t = dict(kw, spacing=[torch.tensor(c)])
    else:
        kw_a = kw_t = kw
    a, t = _pair(x)
    ga, gt = anygrad.gradient(a[0], **kw_a), torch.gradient(t[0], **kw_t)
    assert isinstance(ga, tuple) and len(ga) == len(gt)
    for g, w in zip(ga, gt):
        _close(g, w)
    sum(g.sum() * (i + 1) for i, g in enumerate(ga)).backward()
    sum(g.sum() * (i + 1) for i, g in enumerate(gt)).backward()
    _close(a[0].grad, t[0].grad)


def test_gradient_and_vander_errors_and_dtypes():
    with pytest.raises(ValueError, match="at least edge_order"):
        anygrad.gradient(anygrad.ones(2), edge_order=2)
    with pytest.raises(ValueError, match="spacing to have 2 element"):
        anygrad.gradient(anygrad.ones(3, 3), spacing=[1.0])
    g = anygrad.gradient(anygrad.tensor([1, 4, 9]))[0]
    assert g.dtype == anygrad.float32 and g.tolist() == [3.0, 4.0, 5.0]
    x = np.array([1.0, 2.0, 0.0, -1.5])
    for kw in ({}, {"N": 2}, {"N": 5, "increasing": True}, {"N": 0}):
        _close(anygrad.vander(anygrad.tensor(x), **kw), torch.vander(torch.tensor(x), **kw))
    # PyTorch's own vander backward fails (an in-place cumprod); d/dx of x**j is j x**(j-1).
    a = anygrad.tensor(x, requires_grad=True)
    anygrad.vander(a, 4).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 3 * x ** 2 + 2 * x + 1, rtol=1e-12)
    iv = anygrad.vander(anygrad.tensor([2, 3]), 3)
    assert iv.dtype == anygrad.int64
    assert iv.tolist() == torch.vander(torch.tensor([2, 3]), 3).tolist()
    with pytest.raises(ValueError, match="one-dimensional"):
        anygrad.vander(anygrad.ones(2, 2))


# -- windows and triangle indices ------------------------------------------------------------------
WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


@pytest.mark.parametrize("name", WINDOWS)
def test_windows_match_torch(name):
    fa, ft = getattr(anygrad, name), getattr(torch, name)
    for n in (0, 1, 2, 7):
        for periodic in (True, False):
            w = fa(n, periodic, dtype=anygrad.float64)
            _close(w, ft(n, periodic, dtype=torch.float64))
    w = fa(5)
    assert w.dtype == anygrad.get_default_dtype() and not w.requires_grad
    assert fa(3, requires_grad=True).requires_grad
    with pytest.raises(TypeError, match=f"{name}: expected a floating point dtype"):
        fa(4, dtype=anygrad.int64)


def test_windows_on_backend(backend, device):
    for name in WINDOWS:
        w = getattr(anygrad, name)(6, dtype=anygrad.float32, device=device)
        assert (w.dtype, w.backend) == (anygrad.float32, backend.name)
        assert device is None or w.device == device
        np.testing.assert_allclose(w.numpy(), getattr(torch, name)(6).numpy(), rtol=1e-5,
                                   atol=1e-6)


def test_window_options():
    ham = anygrad.hamming_window(6, False, 0.5, 0.5, dtype=anygrad.float64)
    _close(ham, torch.hamming_window(6, False, 0.5, 0.5, dtype=torch.float64))
    kai = anygrad.kaiser_window(9, False, 5.0, dtype=anygrad.float64)
    _close(kai, torch.kaiser_window(9, False, 5.0, dtype=torch.float64))


def test_triangle_indices_match_torch():
    for args in ((3, 3), (4, 3, 1), (3, 5, -1), (0, 2), (4, 4, -5), (2, 6, 3)):
        assert anygrad.tril_indices(*args).tolist() == torch.tril_indices(*args).tolist()
        assert anygrad.triu_indices(*args).tolist() == torch.triu_indices(*args).tolist()
    t = anygrad.triu_indices(3, 3, dtype=anygrad.int32)
    assert t.dtype == anygrad.int32 and tuple(t.shape) == (2, 6)


# -- short-time Fourier transform ---------------------------------------------------------------
STFT_OPTIONS = [
    {"n_fft": 16}, {"n_fft": 16, "hop_length": 3, "win_length": 12}, {"n_fft": 16, "center": False},
    {"n_fft": 16, "pad_mode": "constant", "normalized": True}, {"n_fft": 16, "onesided": False},
    {"n_fft": 16, "center": False, "win_length": 10, "align_to_window": True},
    {"n_fft": 15, "pad_mode": "replicate", "hop_length": 5}, {"n_fft": 16, "pad_mode": "circular"},
]


@pytest.mark.parametrize("kw", STFT_OPTIONS)
def test_stft_matches_torch(kw):
    x, w = r(2, 40), np.hanning(kw.get("win_length", kw["n_fft"])) + 0.1
    a, t = _pair(x, w)
    sa = anygrad.stft(a[0], window=a[1], return_complex=True, **kw)
    st = torch.stft(t[0], window=t[1], return_complex=True, **kw)
    _close(sa, st)
    _close(anygrad.stft(a[0][0], window=a[1], return_complex=True, **kw), st[0])
    u = RNG.standard_normal(tuple(st.shape)) + 1j * RNG.standard_normal(tuple(st.shape))
    anygrad.real(sa * anygrad.tensor(u)).sum().backward()
    (st * torch.tensor(u)).real.sum().backward()
    _close(a[0].grad, t[0].grad), _close(a[1].grad, t[1].grad)


@pytest.mark.filterwarnings("ignore:The length of signal is shorter:UserWarning")  # torch's
@pytest.mark.parametrize("kw", [
    {"n_fft": 16}, {"n_fft": 16, "hop_length": 3, "win_length": 12}, {"n_fft": 16, "center": False},
    {"n_fft": 16, "normalized": True}, {"n_fft": 16, "onesided": False},
    {"n_fft": 16, "length": 30}, {"n_fft": 16, "length": 50},
    {"n_fft": 16, "onesided": False, "return_complex": True},
])
def test_istft_matches_torch(kw):
    w = np.hanning(kw.get("win_length", 16)) + 0.1
    spec_kw = {k: v for k, v in kw.items() if k not in ("length", "return_complex")}
    z = torch.stft(torch.tensor(r(2, 40)), window=torch.tensor(w), return_complex=True, **spec_kw)
    za, zt = anygrad.tensor(z.numpy(), requires_grad=True), z.clone().requires_grad_(True)
    ya = anygrad.istft(za, window=anygrad.tensor(w), **kw)
    yt = torch.istft(zt, window=torch.tensor(w), **kw)
    _close(ya, yt)
    u = RNG.standard_normal(tuple(yt.shape))
    anygrad.real(ya * anygrad.tensor(u)).sum().backward()
    (yt * torch.tensor(u)).real.sum().backward()
    _close(za.grad, zt.grad)


def test_stft_errors():
    x = anygrad.ones(20)
    with pytest.raises(ValueError, match="return_complex must be given for real inputs"):
        anygrad.stft(x, 8)
    with pytest.raises(ValueError, match="align_to_window should only be set when center=False"):
        anygrad.stft(x, 8, return_complex=True, align_to_window=True)
    with pytest.raises(ValueError, match="expected a 1-D window of win_length = 8"):
        anygrad.stft(x, 8, window=anygrad.ones(6), return_complex=True)
    s = anygrad.stft(x, 8, window=anygrad.hann_window(8), return_complex=True)
    with pytest.raises(ValueError, match="NOLA"):
        anygrad.istft(s, 8, window=anygrad.zeros(8))


def test_lowrank_factorisations_match_torch():
    # At full rank the randomized factorisations are exact: S and its gradient are the
    # singular values' whatever the random draws.
    x = r(2, 5, 4)
    _same_grads(lambda a: anygrad.svd_lowrank(a, q=4).S, lambda a: torch.svd_lowrank(a, q=4)[1],
                [x])
    _same_grads(lambda a: anygrad.pca_lowrank(a).S, lambda a: torch.pca_lowrank(a)[1], [x])
    for q in (2, 6):
        got = anygrad.svd_lowrank(anygrad.tensor(x), q=q, niter=1)
        want = torch.svd_lowrank(torch.tensor(x), q=q, niter=1)
        assert [tuple(t.shape) for t in got] == [tuple(t.shape) for t in want]
    with pytest.raises(ValueError, match="pca_lowrank: expected 0 <= q <= min"):
        anygrad.pca_lowrank(anygrad.ones(3, 2), q=3)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_householder_functions_match_torch(shape):
    x = r(*shape)
    ga, gt = anygrad.geqrf(anygrad.tensor(x)), torch.geqrf(torch.tensor(x))
    _close(ga.a, gt.a), _close(ga.tau, gt.tau)
    a, tau = ga.a.numpy(), ga.tau.numpy()
    if shape[-2] >= shape[-1]:
        _same_grads(lambda p, q: p.orgqr(q), lambda p, q: p.orgqr(q), [a, tau])
    for left in (True, False):
        for transpose in (False, True):
            m = shape[-2]
            c = r(*(shape[:-2] + ((m, 2) if left else (2, m))))
            _same_grads(lambda p, q, o: p.ormqr(q, o, left, transpose),
                        lambda p, q, o: p.ormqr(q, o, left, transpose), [a, tau, c])
    z = x + 1j * r(*shape)
    _close(anygrad.geqrf(anygrad.tensor(z)).a, torch.geqrf(torch.tensor(z)).a)


def test_lobpcg_matches_torch():
    a, b = r(9, 9), r(9, 9)
    a, b = a @ a.T + np.eye(9), b @ b.T + 9 * np.eye(9)
    for kw in ({"k": 2}, {"k": 2, "largest": False}, {"k": 1, "B": b}):
        ka = {k: anygrad.tensor(v) if k == "B" else v for k, v in kw.items()}
        kt = {k: torch.tensor(v) if k == "B" else v for k, v in kw.items()}
        ea, xa = anygrad.lobpcg(anygrad.tensor(a), **ka)
        et, xt = torch.lobpcg(torch.tensor(a), **kt)
        _close(ea, et)
        np.testing.assert_allclose(np.abs(xa.numpy()), np.abs(xt.numpy()), atol=1e-6)  # signs
