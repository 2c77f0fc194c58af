"""The ``linalg`` extension's solvers and decompositions: inv, det, slogdet, solve, cholesky,
qr, eigh, eigvalsh, svd, svdvals, pinv, matrix_power.

Every backward rule is written with ``ctx.xp`` (``xp.linalg.solve``, ``xp.linalg.inv``...),
so under ``create_graph=True`` it runs on anygrad's own differentiable ``linalg`` and
higher-order gradients come from the same lines. Real dtypes only for gradients.
Where gradients exist: inv/det/slogdet/solve need invertible matrices, cholesky a
positive-definite one (symmetric perturbations), qr full rank leading columns, eigh
distinct eigenvalues, svd distinct non-zero singular values, pinv constant rank.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np
from array_api_compat import device as _device

from ..autograd.function import Function
from ._registry import OpSpec, register
from .shape import triangle_mask

__all__ = ["inv", "det", "slogdet", "solve", "cholesky", "qr", "eigh", "eigvalsh", "svd",
           "svdvals", "pinv", "matrix_power", "matrix_rank"]

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
QRResult = namedtuple("QRResult", ["Q", "R"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])


def _square(x: Any, op: str) -> None:
    s = tuple(x.shape)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"{op}: expected square matrices (..., n, n), got shape {s}")


def _mT(xp: Any, a: Any) -> Any:
    return xp.matrix_transpose(a)


def _col(xp: Any, v: Any) -> Any:
    """``v[..., :, None]``."""
    return xp.reshape(v, tuple(v.shape) + (1,))


def _row(xp: Any, v: Any) -> Any:
    """``v[..., None, :]``."""
    s = tuple(v.shape)
    return xp.reshape(v, s[:-1] + (1, s[-1]))


def _eye(xp: Any, n: int, x: Any) -> Any:
    return xp.eye(n, dtype=x.dtype, device=_device(x))


# -- inverse, determinants, solve ----------------------------------------------------------
class Inv(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        y = ctx.xp.linalg.inv(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (y,) = ctx.saved_tensors
        xp = ctx.xp
        yt = _mT(xp, y)
        return -xp.matmul(xp.matmul(yt, gy), yt)


def inv(x: Any, /) -> Any:
    """Inverse of square matrices; gradient ``-inv(x).mT @ g @ inv(x).mT``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.linalg.inv(anygrad.tensor([[2.0, 0.0], [0.0, 4.0]])).tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    _square(x, "inv")
    return Inv.apply(x)


def _wellcond(rng: Any, dtype: str, shape: tuple = (2, 3, 3)) -> list:
    n = shape[-1]
    a = rng.uniform(-1, 1, shape) + 2.0 * n * np.eye(n) * np.sign(rng.uniform(-1, 1, shape[:-2] + (1, 1)))
    return [a.astype(dtype)]


register(OpSpec("inv", inv, ref=np.linalg.inv, make_inputs=_wellcond, category="linalg",
                method="inverse", notes="invertible matrices"))


class Det(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        xp = ctx.xp
        d = xp.asarray(xp.linalg.det(x))
        ctx.save_for_backward(x, d)
        return d

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        x, d = ctx.saved_tensors
        xp = ctx.xp
        return _col(xp, _col(xp, gy * d)) * _mT(xp, xp.linalg.inv(x))


def det(x: Any, /) -> Any:
    """Determinant of square matrices (gradient ``det * inv(x).mT``: invertible input)."""
    _square(x, "det")
    return Det.apply(x)


register(OpSpec("det", det, ref=np.linalg.det, make_inputs=_wellcond, category="linalg",
                method="det", notes="gradient needs an invertible matrix"))


class Slogdet(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        xp = ctx.xp
        sign, logabs = xp.linalg.slogdet(x)
        sign, logabs = xp.asarray(sign), xp.asarray(logabs)
        ctx.mark_non_differentiable(sign)
        ctx.save_for_backward(x)
        return sign, logabs

    @staticmethod
    def backward(ctx: Any, gs: Any, gl: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        return _col(xp, _col(xp, gl)) * _mT(xp, xp.linalg.inv(x))


def slogdet(x: Any, /) -> Any:
    """``(sign, logabsdet)`` of square matrices; only ``logabsdet`` is differentiable."""
    _square(x, "slogdet")
    return SlogdetResult(*Slogdet.apply(x))


register(OpSpec("slogdet", slogdet, harness=lambda x: slogdet(x).logabsdet,
                ref=lambda x: np.linalg.slogdet(x)[1], make_inputs=_wellcond, category="linalg",
                notes="registered through logabsdet; sign is not differentiable"))


class Solve(Function):
    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        xp = ctx.xp
        ctx.vec = b.ndim == 1
        out = xp.linalg.solve(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        a, out = ctx.saved_tensors
        xp = ctx.xp
        if ctx.vec:
            gy, out = _col(xp, gy), _col(xp, out)
        gb = xp.linalg.solve(_mT(xp, a), gy)
        ga = -xp.matmul(gb, _mT(xp, out)) if ctx.needs_input_grad[0] else None
        if ctx.vec:
            gb = xp.reshape(gb, tuple(gb.shape[:-1]))
        return ga, (gb if ctx.needs_input_grad[1] else None)


def solve(x1: Any, x2: Any, /) -> Any:
    """Solve ``x1 @ out = x2``; ``x2`` is a vector when 1-D, otherwise (batches of) matrices."""
    _square(x1, "solve")
    n = x1.shape[-1]
    rows = x2.shape[0] if len(x2.shape) == 1 else x2.shape[-2]
    if rows != n:
        raise ValueError(f"solve: shapes {tuple(x1.shape)} and {tuple(x2.shape)} do not align")
    return Solve.apply(x1, x2)


def _solve_inputs(rng: Any, dtype: str) -> list:
    return _wellcond(rng, dtype) + [rng.uniform(-1, 1, (2, 3, 2)).astype(dtype)]


register(OpSpec("solve", solve, ref=np.linalg.solve, nin=2, make_inputs=_solve_inputs,
                category="linalg", notes="invertible x1"))


# -- decompositions ------------------------------------------------------------------------
def _lower_mask(xp: Any, n: int, x: Any, strict: bool) -> Any:
    return triangle_mask(xp, n, n, -1 if strict else 0, True, _device(x))


class Cholesky(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, upper: bool) -> Any:
        xp = ctx.xp
        n = x.shape[-1]
        ctx.upper = upper
        ctx.lower = _lower_mask(xp, n, x, False)
        ctx.strict = _lower_mask(xp, n, x, True)
        out = xp.linalg.cholesky(x, upper=upper)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        (out,) = ctx.saved_tensors
        xp = ctx.xp
        L, gL = (_mT(xp, out), _mT(xp, gy)) if ctx.upper else (out, gy)
        Lt = _mT(xp, L)
        phi = xp.matmul(Lt, gL)
        phi = xp.where(ctx.lower, phi, xp.zeros_like(phi))
        # 0.5 * (phi + phi^T - diag(phi)), then L^-T (.) L^-1.
        phi = 0.5 * (phi + _mT(xp, xp.where(ctx.strict, phi, xp.zeros_like(phi))))
        ga = xp.linalg.solve(Lt, phi)
        return _mT(xp, xp.linalg.solve(Lt, _mT(xp, ga))), None


def cholesky(x: Any, /, *, upper: bool = False) -> Any:
    """Cholesky factor of symmetric positive-definite matrices (``L`` with ``x = L L^T``,
    or ``U`` with ``x = U^T U`` when ``upper``). Only the lower triangle is read; the
    gradient is PyTorch's (defined for positive-definite input)."""
    _square(x, "cholesky")
    return Cholesky.apply(x, bool(upper))


def _spd(rng: Any, dtype: str) -> list:
    a = rng.uniform(-1, 1, (2, 3, 3))
    return [(a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)).astype(dtype)]


def _symmetric(x: Any) -> Any:
    """Registry inputs are perturbed entry by entry; these ops read one triangle only, so
    their entries are differentiated through the symmetric part."""
    from .linalg import matrix_transpose

    return (x + matrix_transpose(x)) * 0.5


register(OpSpec("cholesky", cholesky,
                harness=lambda x, upper=False: cholesky(_symmetric(x), upper=upper),
                ref=None, make_inputs=_spd, category="linalg",
                kwargs=({}, {"upper": True}),
                notes="positive-definite input; gradients for symmetric perturbations"))


class QR(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        xp = ctx.xp
        q, r = xp.linalg.qr(x, mode="reduced")
        ctx.m, ctx.n = x.shape[-2], x.shape[-1]
        k = min(ctx.m, ctx.n)
        ctx.strict = _lower_mask(xp, k, x, True)
        ctx.eye = _eye(xp, k, x)
        ctx.set_materialize_grads(False)
        # A wide input's right block Y enters the gradient; save x itself (not a slice)
        # so that create_graph differentiates through it.
        ctx.save_for_backward(q, r, *((x,) if ctx.m < ctx.n else ()))
        return q, r

    @staticmethod
    def backward(ctx: Any, gq: Any, gr: Any) -> Any:
        q, r, *x = ctx.saved_tensors
        xp = ctx.xp
        if ctx.m >= ctx.n:
            return _qr_backward(xp, q, r, gq, gr, ctx.strict, ctx.eye)
        # Wide input A = [X | Y] with X square: X = Q R1 and R2 = Q^T Y. Y's gradient is
        # Q gR2; gR2 also reaches Q through R2, as the extra term Y gR2^T.
        m = ctx.m
        y, gr1 = x[0][..., :, m:], None if gr is None else gr[..., :, :m]
        gy = None
        if gr is not None:
            gr2 = gr[..., :, m:]
            gy = xp.matmul(q, gr2)
            extra = xp.matmul(y, _mT(xp, gr2))
            gq = extra if gq is None else gq + extra
        gx = _qr_backward(xp, q, r[..., :, :m], gq, gr1, ctx.strict, ctx.eye)
        if gy is None:
            gy = xp.zeros_like(y)
        return xp.concat([gx, gy], axis=-1)


def _qr_backward(xp: Any, q: Any, r: Any, gq: Any, gr: Any, strict: Any, eye: Any) -> Any:
    """The gradient of reduced QR for full column rank input (m >= n)."""
    # M = R gR^T - gQ^T Q; gA = (gQ + Q copyltu(M)) R^-T.
    m = None
    if gr is not None:
        m = xp.matmul(r, _mT(xp, gr))
    if gq is not None:
        t = xp.matmul(_mT(xp, gq), q)
        m = -t if m is None else m - t
    low = xp.where(strict, m, xp.zeros_like(m))
    sym = low + _mT(xp, low) + m * eye
    b = xp.matmul(q, sym)
    if gq is not None:
        b = b + gq
    return _mT(xp, xp.linalg.solve(r, _mT(xp, b)))


class QRComplete(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return tuple(ctx.xp.linalg.qr(x, mode="complete"))

    @staticmethod
    def backward(ctx: Any, gq: Any, gr: Any) -> Any:
        raise RuntimeError(
            "qr: mode='complete' of a matrix with more rows than columns is not "
            "differentiable (the last columns of Q are not unique), as in PyTorch; use "
            "mode='reduced'"
        )


def qr(x: Any, /, *, mode: str = "reduced") -> Any:
    """QR decomposition ``(Q, R)``; differentiable where the leading ``min(m, n)`` columns
    have full rank (tall, square and wide inputs, as PyTorch). ``mode='complete'`` gives
    an ``m x m`` Q; for a tall input it is not differentiable (PyTorch neither)."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}")
    if len(x.shape) < 2:
        raise ValueError(f"qr: expected at least 2 dimensions, got shape {tuple(x.shape)}")
    if mode == "complete" and x.shape[-2] > x.shape[-1]:
        return QRResult(*QRComplete.apply(x))
    return QRResult(*QR.apply(x))


register(OpSpec("qr", qr, harness=lambda x: matmul_(*qr(x)), ref=None, category="linalg",
                shapes=lambda rng: ((2, 4, 3),),
                notes="registered through Q @ R (signs of Q, R vary by backend); full rank"))


class Eigh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        xp = ctx.xp
        w, v = xp.linalg.eigh(x)
        ctx.eye = _eye(xp, x.shape[-1], x)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(w, v)
        return w, v

    @staticmethod
    def backward(ctx: Any, gw: Any, gv: Any) -> Any:
        w, v = ctx.saved_tensors
        xp = ctx.xp
        eye = ctx.eye
        if gv is not None:
            vg = xp.matmul(_mT(xp, v), gv)
            vg = 0.5 * (vg - _mT(xp, vg))
            # E_ij = w_j - w_i off the diagonal (1 on it, where vg is 0).
            inner = vg / (_row(xp, w) - _col(xp, w) + eye)
            if gw is not None:
                inner = inner + _col(xp, gw) * eye
        else:
            inner = _col(xp, gw) * eye
        return xp.matmul(xp.matmul(v, inner), _mT(xp, v))


def eigh(x: Any, /) -> Any:
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices (lower triangle read).

    Gradients need distinct eigenvalues and a loss invariant to the eigenvectors' signs.
    """
    _square(x, "eigh")
    return EighResult(*Eigh.apply(x))


def _sym(rng: Any, dtype: str) -> list:
    a = rng.uniform(-1, 1, (2, 3, 3))
    return [(a + np.swapaxes(a, -1, -2)).astype(dtype)]


register(OpSpec("eigh", eigh,
                harness=lambda x: eigh(_symmetric(x)).eigenvalues,
                ref=lambda x: np.linalg.eigh(x)[0],
                make_inputs=_sym, category="linalg",
                notes="registered through the eigenvalues; distinct eigenvalues"))


class Eigvalsh(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.linalg.eigvalsh(x)

    @staticmethod
    def backward(ctx: Any, gw: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        # Recomputed, not saved: eigh of the input keeps second order on the graph.
        _, v = xp.linalg.eigh(x)
        return xp.matmul(v * _row(xp, gw), _mT(xp, v))


def eigvalsh(x: Any, /) -> Any:
    """Eigenvalues of symmetric matrices (ascending); gradient ``V diag(g) V^T``."""
    _square(x, "eigvalsh")
    return Eigvalsh.apply(x)


register(OpSpec("eigvalsh", eigvalsh,
                harness=lambda x: eigvalsh(_symmetric(x)), ref=np.linalg.eigvalsh, make_inputs=_sym,
                category="linalg", notes="distinct eigenvalues for second order"))


class SVD(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, full_matrices: bool) -> Any:
        xp = ctx.xp
        u, s, vh = xp.linalg.svd(x, full_matrices=full_matrices)
        ctx.m, ctx.n = x.shape[-2], x.shape[-1]
        ctx.k = min(ctx.m, ctx.n)
        ctx.full = full_matrices and ctx.m != ctx.n
        ctx.eye = _eye(xp, ctx.k, x)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    @staticmethod
    def backward(ctx: Any, gu: Any, gs: Any, gvh: Any) -> Any:
        u, s, vh = ctx.saved_tensors
        xp = ctx.xp
        eye, m, n, k = ctx.eye, ctx.m, ctx.n, ctx.k
        if ctx.full:
            # As PyTorch: the extra columns of U (rows of Vh) are an arbitrary basis of the
            # complement; the loss may not depend on them, so their gradients are ignored.
            u, vh = u[..., :, :k], vh[..., :k, :]
            gu = None if gu is None else gu[..., :, :k]
            gvh = None if gvh is None else gvh[..., :k, :]
        return _svd_backward(xp, u, s, vh, gu, gs, gvh, eye, m, n), None


def _svd_backward(xp: Any, u: Any, s: Any, vh: Any, gu: Any, gs: Any, gvh: Any, eye: Any,
                  m: int, n: int) -> Any:
    """The gradient of the reduced SVD (PyTorch's svd_backward, real case)."""
    mm = xp.matmul
    if gu is None and gvh is None:
        return mm(u * _row(xp, gs), vh)
    s_row, s_col = _row(xp, s), _col(xp, s)
    s2 = s * s
    e = _row(xp, s2) - _col(xp, s2) + eye
    v = _mT(xp, vh)
    if gu is not None:
        uhgu = mm(_mT(xp, u), gu)
        uhgu = uhgu - _mT(xp, uhgu)
    if gvh is not None:
        gv = _mT(xp, gvh)
        vhgv = mm(vh, gv)
        vhgv = vhgv - _mT(xp, vhgv)
    if gu is not None and gvh is not None:
        ga = (uhgu * s_row + s_col * vhgv) / e
    elif gu is not None:
        ga = (uhgu / e) * s_row
    else:
        ga = s_col * (vhgv / e)
    if gs is not None:
        ga = ga + _col(xp, gs) * eye
    if m > n and gu is not None:
        ga = mm(u, ga)
        gusinv = gu / s_row
        ga = ga + gusinv - mm(u, mm(_mT(xp, u), gusinv))
        return mm(ga, vh)
    if m < n and gvh is not None:
        ga = mm(ga, vh)
        gvsinv = gv / s_row
        ga = ga + _mT(xp, gvsinv) - mm(mm(_mT(xp, gvsinv), v), vh)
        return mm(u, ga)
    return mm(mm(u, ga), vh)


def svd(x: Any, /, *, full_matrices: bool = True) -> Any:
    """Singular value decomposition ``(U, S, Vh)`` with ``x = U diag(S) Vh``.

    ``full_matrices=True`` (the default, as the Array API and PyTorch) returns square U and
    Vh; their columns (rows) beyond ``min(m, n)`` get no gradient, as in PyTorch. Gradients
    through U or Vh need distinct non-zero singular values and a loss invariant to the
    singular vectors' signs.
    """
    if len(x.shape) < 2:
        raise ValueError(f"svd: expected at least 2 dimensions, got shape {tuple(x.shape)}")
    return SVDResult(*SVD.apply(x, bool(full_matrices)))


def _svd_compose(x: Any) -> Any:
    u, s, vh = svd(x, full_matrices=False)
    return matmul_(u * reshape_(s), vh)


register(OpSpec("svd", svd, harness=_svd_compose, ref=None,
                category="linalg", shapes=lambda rng: ((2, 4, 3),),
                notes="registered through U diag(S) Vh; distinct non-zero singular values"))


class Svdvals(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return ctx.xp.linalg.svdvals(x)

    @staticmethod
    def backward(ctx: Any, gs: Any) -> Any:
        (x,) = ctx.saved_tensors
        xp = ctx.xp
        u, _, vh = xp.linalg.svd(x, full_matrices=False)
        return xp.matmul(u * _row(xp, gs), vh)


def svdvals(x: Any, /) -> Any:
    """Singular values (descending); gradient ``U diag(g) Vh`` (distinct values)."""
    if len(x.shape) < 2:
        raise ValueError(f"svdvals: expected at least 2 dimensions, got shape {tuple(x.shape)}")
    return Svdvals.apply(x)


register(OpSpec("svdvals", svdvals, ref=lambda x: np.linalg.svd(x, compute_uv=False),
                category="linalg", shapes=lambda rng: ((2, 4, 3),),
                notes="distinct non-zero singular values"))


class Pinv(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, rtol: Any) -> Any:
        p = ctx.xp.linalg.pinv(x) if rtol is None else ctx.xp.linalg.pinv(x, rtol=rtol)
        ctx.save_for_backward(x, p)
        return p

    @staticmethod
    def backward(ctx: Any, g: Any) -> Any:
        a, p = ctx.saved_tensors
        xp = ctx.xp
        mm = xp.matmul
        m, n = a.shape[-2], a.shape[-1]
        ph, gh = _mT(xp, p), _mT(xp, g)
        # PyTorch's pinv_backward, arranged for the smaller intermediate products.
        if m <= n:
            k = mm(gh, p)
            kph = mm(k, ph)
            ga = -_mT(xp, mm(p, k)) + kph - mm(mm(a, p), kph) + mm(mm(ph, p), gh - mm(k, a))
        else:
            k = mm(p, gh)
            phk = mm(ph, k)
            ga = -_mT(xp, mm(k, p)) + mm(mm(gh - mm(a, k), p), ph) + phk - mm(mm(phk, p), a)
        return ga, None


def pinv(x: Any, /, *, rtol: Any = None) -> Any:
    """Moore-Penrose pseudo-inverse; gradients where the rank is locally constant."""
    if len(x.shape) < 2:
        raise ValueError(f"pinv: expected at least 2 dimensions, got shape {tuple(x.shape)}")
    return Pinv.apply(x, rtol)


register(OpSpec("pinv", pinv, ref=np.linalg.pinv, category="linalg",
                shapes=lambda rng: ((2, 4, 3),), notes="full rank (locally constant rank)"))


def matrix_power(x: Any, n: int, /) -> Any:
    """``x`` multiplied by itself ``n`` times (``inv(x)`` for negative ``n``), by repeated
    squaring with :func:`matmul`."""
    from ..creation import eye
    from .linalg import matmul
    from .shape import broadcast_to

    _square(x, "matrix_power")
    if not isinstance(n, int):
        raise TypeError(f"matrix_power: n must be an int, got {type(n).__name__}")
    if n == 0:
        return broadcast_to(eye(x.shape[-1], dtype=x.dtype, device=x.device, backend=x._backend),
                            tuple(x.shape))
    if n < 0:
        x, n = inv(x), -n
    result = None
    base = x
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return result


register(OpSpec("matrix_power", matrix_power, harness=lambda x, n=3: matrix_power(x, n),
                ref=lambda x, n=3: np.linalg.matrix_power(x, n), make_inputs=_wellcond,
                category="linalg", kwargs=({"n": 3}, {"n": -2}, {"n": 0}),
                notes="repeated squaring; negative powers through inv"))


def matmul_(a: Any, b: Any) -> Any:
    from .linalg import matmul

    return matmul(a, b)


def reshape_(s: Any) -> Any:
    from .shape import reshape

    return reshape(s, tuple(s.shape[:-1]) + (1, s.shape[-1]))


def matrix_rank(x: Any, /, *, rtol: Any = None, atol: Any = None, hermitian: bool = False) -> Any:
    """The rank of the matrices in the last two axes of ``x``: how many singular values
    exceed ``max(atol, rtol * largest singular value)`` (int64; not differentiable).

    ``rtol`` (a float, or an array broadcast against the batch shape) defaults to
    ``max(M, N) * eps`` of ``x``'s dtype, or to 0 when only PyTorch's ``atol`` is given
    (``hermitian`` is accepted for PyTorch compatibility; the result is the same).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.linalg.matrix_rank(anygrad.tensor([[1.0, 2.0], [2.0, 4.0]]))
    tensor(1)
    """
    from .. import _dtype
    from ..tensor import _make_tensor
    from ._operands import unwrap

    (arr, rt, at), backend = unwrap((x, rtol, atol), "matrix_rank")
    shape = tuple(arr.shape)
    if len(shape) < 2:
        raise ValueError(f"matrix_rank: expected at least 2 dimensions, got shape {shape}")
    xp = backend.xp
    dev = backend.device_of(arr)
    if _dtype.as_dtype(arr.dtype).kind not in "fc":
        arr = xp.astype(arr, xp.float64)
    m, n = shape[-2], shape[-1]
    if min(m, n) == 0:
        return _make_tensor(xp.zeros(shape[:-2], dtype=xp.int64, device=dev), backend)
    s = xp.linalg.svdvals(arr)

    def _column(v: Any) -> Any:
        if hasattr(v, "shape"):
            return xp.expand_dims(xp.astype(v, s.dtype), axis=-1)
        return float(v)

    if rt is None:
        rt = 0.0 if at is not None else max(m, n) * _dtype.finfo(s.dtype).eps
    tol = xp.max(s, axis=-1, keepdims=True) * _column(rt)
    if at is not None:
        tol = xp.maximum(tol, xp.full_like(tol, 0.0) + _column(at))
    rank = xp.sum(xp.astype(s > tol, xp.int64), axis=-1)
    return _make_tensor(rank, backend)


def _rank_inputs(rng: Any, dtype: str) -> list:
    # Columns (a, b, 2 a, 0) in one matrix of the batch: exactly rank-deficient in any
    # precision; a full-rank one beside it.
    a = rng.uniform(-1, 1, (2, 4, 4))
    a[0, :, 2] = 2.0 * a[0, :, 0]
    a[0, :, 3] = 0.0
    return [a.astype(dtype)]


register(OpSpec("matrix_rank", matrix_rank, ref=lambda x: np.linalg.matrix_rank(x),
                make_inputs=_rank_inputs, differentiable=False, twice_differentiable=False,
                category="linalg", notes="int64 result; not differentiable"))
