"""PyTorch's determinant, exponential and solver functions beyond the standard's
``linalg`` extension: logdet, matrix_exp, pinverse, cholesky_solve, cholesky_inverse,
lu_unpack, lu_solve, renorm and the randomized svd_lowrank and pca_lowrank, composed of
the differentiable decompositions of ``decompositions.py`` and products (gradients of
every order come from theirs)."""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np
from array_api_compat import device as _device

from ..creation import randn
from ..random import Generator

from .arithmetic import abs as _abs, add, conj, divide, multiply, real, subtract
from .conversion import astype
from .decompositions import cholesky, det, eigh, inv, pinv, qr, slogdet, solve, svd
from .exponential import log
from .linalg import matmul, matrix_transpose, vector_norm
from .reduction import mean
from .searching import where
from .shape import flip, reshape, tril, triu
from .torch_linalg import _const, _eye_mask, _register, _shape, _zeros

__all__ = ["logdet", "matrix_exp", "pinverse", "cholesky_solve", "cholesky_inverse",
           "lu_unpack", "lu_solve", "renorm", "svd_lowrank", "pca_lowrank", "lobpcg"]


# -- determinants, exponentials, inverses ----------------------------------------------------
def logdet(x: Any, /) -> Any:
    """Logarithm of the determinant of square matrices: NaN where it is negative, ``-inf``
    where it is 0 (complex log for complex matrices).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.logdet(anygrad.tensor([[2.0, 0.0], [0.0, 3.0]]))
    tensor(1.7918)
    """
    if x.dtype.kind == "c":
        return log(det(x))
    sign, logabs = slogdet(x)
    return where(sign < 0, math.nan, logabs)


def matrix_exp(x: Any, /) -> Any:
    """The matrix exponential of square matrices, by scaling and squaring a Taylor series
    (differentiable through its products, to every order).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.matrix_exp(anygrad.tensor([[0.0, 1.0], [0.0, 0.0]]))
    tensor([[1., 1.],
            [0., 1.]])
    """
    s = tuple(x.shape)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"matrix_exp: expected square matrices (..., n, n), got shape {s}")
    if 0 in s:
        return x * 1
    n = s[-1]
    # The largest 1-norm in the batch fixes the scaling: ||x / 2^k|| <= 1/2, where 18 Taylor
    # terms leave an error below float64's resolution.
    norm = float(_abs(x).detach().sum(axis=-2).max().item())
    k = max(0, int(math.ceil(math.log2(norm))) + 1) if norm > 0 and math.isfinite(norm) else 0
    a = divide(x, 2.0 ** k) if k else x
    eye = where(_eye_mask(x, n), 1.0, _zeros(x, (1,)))
    term, out = eye, eye
    for i in range(1, 19):
        term = divide(matmul(term, a), float(i))
        out = add(out, term)
    for _ in range(k):
        out = matmul(out, out)
    return out


def _expm_ref(x: Any) -> Any:
    # By eigendecomposition: another algorithm than the operation's (random matrices are
    # diagonalisable).
    w, v = np.linalg.eig(x)
    return np.real(v @ (np.exp(w)[..., None] * np.linalg.inv(v)))


def _small(rng: Any, dtype: str) -> list:
    return [rng.uniform(-1.5, 1.5, (2, 3, 3)).astype(dtype)]


def pinverse(x: Any, /, rcond: float = 1e-15) -> Any:
    """Moore-Penrose pseudo-inverse; singular values below ``rcond`` times the largest
    count as zero.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.pinverse(anygrad.tensor([[2.0, 0.0], [0.0, 0.0]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.0000]])
    """
    return pinv(x, rtol=rcond)


def _wellcond(rng: Any, dtype: str) -> list:
    a = rng.uniform(-1, 1, (2, 3, 3)) + 3 * np.eye(3)
    return [a.astype(dtype)]


_register("logdet", logdet, lambda x: np.log(np.linalg.det(x)), make_inputs=_wellcond,
          notes="NaN for a negative determinant")
_register("matrix_exp", matrix_exp, _expm_ref, make_inputs=_small,
          notes="scaling and squaring of an 18-term Taylor series")
_register("pinverse", pinverse, lambda x, rcond=1e-15: np.linalg.pinv(x, rcond=rcond),
          shapes=lambda rng: ((2, 4, 3),), torch_args=("rcond",),
          notes="full rank (locally constant rank)")


def _check_tri(x: Any, op: str, name: str) -> None:
    s = _shape(x)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"{op}: expected {name} to be square matrices (..., n, n), got shape {s}")


def _check_rhs(b: Any, a: Any, op: str, name: str) -> None:
    """``b`` must be ``(..., n, k)`` for the square factor ``a`` ``(..., n, n)``."""
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise ValueError(f"{op}: expected b of shape (..., {a.shape[-1]}, k) for {name} of "
                         f"shape {_shape(a)}, got {_shape(b)}")


def _factor(L: Any, upper: bool) -> Any:  # noqa: N803
    """The lower factor that ``L`` holds: its values are the one triangle that LAPACK reads,
    and its gradient goes to every element of ``L``, as PyTorch's formulas (written with
    the whole of ``L``) give it."""
    other = tril(L, k=-1) if upper else triu(L, k=1)
    low = subtract(L, other.detach())
    return matrix_transpose(conj(low)) if upper else low


def cholesky_solve(b: Any, L: Any, /, upper: bool = False) -> Any:  # noqa: N803
    """The solution ``X`` of ``A X = b`` for ``A = L L^H`` given its Cholesky factor ``L``
    (``A = U^H U`` when ``upper``); only that triangle of ``L`` is read (PyTorch's gradient
    reaches the other one too). Batches broadcast.

    Examples
    --------
    >>> import anygrad
    >>> L = anygrad.tensor([[2.0, 0.0], [1.0, 1.0]])
    >>> anygrad.cholesky_solve(anygrad.tensor([[4.0], [3.0]]), L)
    tensor([[0.5000],
            [1.0000]])
    """
    _check_tri(L, "cholesky_solve", "L")
    _check_rhs(b, L, "cholesky_solve", "L")
    low = _factor(L, upper)
    return solve(matrix_transpose(conj(low)), solve(low, b))


def cholesky_inverse(L: Any, /, upper: bool = False) -> Any:  # noqa: N803
    """The inverse of ``A = L L^H`` (``U^H U`` when ``upper``) from its Cholesky factor.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.cholesky_inverse(anygrad.tensor([[2.0, 0.0], [0.0, 0.5]]))
    tensor([[0.2500, 0.0000],
            [0.0000, 4.0000]])
    """
    _check_tri(L, "cholesky_inverse", "L")
    low = _factor(L, upper)
    li = inv(low)
    return matmul(matrix_transpose(conj(li)), li)


def _chol_factor(rng: Any, dtype: str, k: int = 0) -> list:
    low = np.tril(rng.uniform(-0.5, 0.5, (2, 3, 3))) + 1.5 * np.eye(3)
    out = [low.astype(dtype)]
    if k:
        out.insert(0, rng.uniform(-1, 1, (2, 3, k)).astype(dtype))
    return out


def _chol_solve_ref(b: Any, low: Any, upper: bool = False) -> Any:
    low = np.swapaxes(np.triu(low), -1, -2) if upper else np.tril(low)
    return np.linalg.solve(low @ np.swapaxes(low, -1, -2), b)


def _chol_inverse_ref(low: Any, upper: bool = False) -> Any:
    low = np.swapaxes(np.triu(low), -1, -2) if upper else np.tril(low)
    return np.linalg.inv(low @ np.swapaxes(low, -1, -2))


# The harnesses pass one triangle: its gradient is the derivative of the values, which do
# not depend on the other triangle (PyTorch's gradient reaches it anyway).
_register("cholesky_solve", cholesky_solve, _chol_solve_ref, nin=2,
          make_inputs=lambda rng, dtype: _chol_factor(rng, dtype, 2),
          harness=lambda b, L, upper=False: cholesky_solve(b, triu(L) if upper else tril(L), upper),
          kwargs=({}, {"upper": True}), torch_args=("upper",),
          notes="reads one triangle of the factor; PyTorch's gradient reaches the other too")
_register("cholesky_inverse", cholesky_inverse, _chol_inverse_ref, make_inputs=_chol_factor,
          harness=lambda L, upper=False: cholesky_inverse(triu(L) if upper else tril(L), upper),
          kwargs=({}, {"upper": True}), torch_args=("upper",),
          notes="reads one triangle of the factor; PyTorch's gradient reaches the other too")


def _permutation(pivots: Any, m: int, op: str) -> list:
    """Row ``i`` of ``P^T A`` is row ``perm[i]`` of ``A`` for LAPACK's 1-based pivots."""
    piv = pivots.tolist()

    def one(p: list) -> list:
        perm = list(range(m))
        for i, j in enumerate(p):
            j = int(j) - 1
            if not i <= j < m:
                raise ValueError(f"{op}: pivot {j + 1} at position {i} is out of range; LAPACK "
                                 f"pivots are in [{i + 1}, {m}]")
            perm[i], perm[j] = perm[j], perm[i]
        return perm

    def walk(p: Any) -> Any:
        return one(p) if not p or not isinstance(p[0], list) else [walk(q) for q in p]

    return walk(piv)


def lu_unpack(LU_data: Any, LU_pivots: Any, /, unpack_data: bool = True,  # noqa: N803
              unpack_pivots: bool = True) -> Any:
    """``(P, L, U)`` from an LU factorisation in LAPACK's packed form (as
    ``torch.linalg.lu_factor`` returns): ``A = P @ L @ U``; the parts not asked for are
    empty tensors.

    Examples
    --------
    >>> import anygrad
    >>> P, L, U = anygrad.lu_unpack(anygrad.tensor([[2.0, 1.0], [0.5, 0.5]]),
    ...                             anygrad.tensor([2, 2], dtype=anygrad.int32))
    >>> P @ L @ U
    tensor([[1., 1.],
            [2., 1.]])
    """
    s = _shape(LU_data)
    if len(s) < 2:
        raise ValueError(f"lu_unpack: expected LU_data with at least 2 dimensions, got shape {s}")
    m, n = s[-2], s[-1]
    k = min(m, n)
    if LU_pivots.dtype.kind not in "iu":
        raise TypeError(f"lu_unpack: expected integer LU_pivots, got {LU_pivots.dtype}")
    if _shape(LU_pivots) != s[:-2] + (k,):
        raise ValueError(f"lu_unpack: expected LU_pivots of shape {s[:-2] + (k,)} for LU_data of "
                         f"shape {s}, got {_shape(LU_pivots)}")
    empty = _zeros(LU_data, (0,))
    L = U = P = empty
    if unpack_data:
        eye = where(_eye_mask(LU_data, m)[:, :k], 1.0, _zeros(LU_data, (1,)))
        L = add(tril(LU_data[..., :, :k], k=-1), eye)
        U = triu(LU_data[..., :k, :])
    if unpack_pivots:
        xp = LU_data.xp
        dev = _device(LU_data._data)
        perm = xp.asarray(_permutation(LU_pivots, m, "lu_unpack"), device=dev)
        rows = xp.reshape(xp.arange(m, device=dev), (m, 1))
        perm = xp.reshape(perm, tuple(perm.shape[:-1]) + (1, m))
        P = _const(LU_data, xp.astype(rows == perm, LU_data._data.dtype))
        if tuple(P.shape) != s[:-2] + (m, m):  # no batch: the walk gave one permutation
            P = reshape(P, s[:-2] + (m, m))
    return namedtuple("LUUnpackResult", ["P", "L", "U"])(P, L, U)


def lu_solve(b: Any, LU_data: Any, LU_pivots: Any, /) -> Any:  # noqa: N803
    """The solution ``X`` of ``A X = b`` from ``A``'s LU factorisation in LAPACK's packed
    form (``torch.linalg.lu_factor``'s ``LU, pivots``).

    Examples
    --------
    >>> import anygrad
    >>> LU = anygrad.tensor([[2.0, 1.0], [0.5, 0.5]])
    >>> anygrad.lu_solve(anygrad.tensor([[2.0], [3.0]]), LU, anygrad.tensor([2, 2]))
    tensor([[1.],
            [1.]])
    """
    _check_tri(LU_data, "lu_solve", "LU_data")
    _check_rhs(b, LU_data, "lu_solve", "LU_data")
    P, L, U = lu_unpack(LU_data, LU_pivots)
    return solve(U, solve(L, matmul(matrix_transpose(P), b)))


def _lu_inputs(rng: Any, dtype: str, with_b: bool = False) -> list:
    n = 3
    low = np.tril(rng.uniform(-1, 1, (2, n, n)), -1)
    up = np.triu(rng.uniform(-1, 1, (2, n, n))) + 2.5 * np.eye(n)
    piv = np.stack([[rng.integers(i + 1, n + 1) for i in range(n)] for _ in range(2)])
    out = [(low + up).astype(dtype), piv.astype(np.int32)]
    if with_b:
        out.insert(0, rng.uniform(-1, 1, (2, n, 2)).astype(dtype))
    return out


def _np_unpack(lu: Any, piv: Any) -> tuple:
    m = lu.shape[-1]
    low = np.tril(lu, -1) + np.eye(m)
    up = np.triu(lu)
    p = np.zeros(lu.shape)
    for idx in np.ndindex(*lu.shape[:-2]):
        perm = list(range(m))
        for i, j in enumerate(piv[idx]):
            perm[i], perm[j - 1] = perm[j - 1], perm[i]
        p[idx][perm, range(m)] = 1.0
    return p, low, up


_register("lu_unpack", lu_unpack, lambda lu, piv: _np_unpack(lu, piv), nin=2, method=None,
          make_inputs=_lu_inputs, grad_inputs=(0,), notes="P is not differentiable")
_register("lu_solve", lu_solve,
          lambda b, lu, piv: np.linalg.solve(np.einsum("...ij,...jk,...kl->...il",
                                                       *_np_unpack(lu, piv)), b),
          nin=3, make_inputs=lambda rng, dtype: _lu_inputs(rng, dtype, True), grad_inputs=(0, 1))


def renorm(x: Any, /, p: float, dim: int, maxnorm: float) -> Any:
    """``x`` with each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to
    norm ``maxnorm`` (PyTorch's factor ``maxnorm / (norm + 1e-7)``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.renorm(anygrad.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    if not p > 0:
        raise ValueError(f"renorm: p must be positive, got {p}")
    if maxnorm < 0:
        raise ValueError(f"renorm: maxnorm must be non-negative, got {maxnorm}")
    if not -max(x.ndim, 1) <= dim < max(x.ndim, 1):
        raise IndexError(f"renorm: dim {dim} is out of range for shape {_shape(x)}")
    d = dim % max(x.ndim, 1)
    others = tuple(i for i in range(x.ndim) if i != d)
    norm = vector_norm(x, ord=p, axis=others, keepdims=True) if others else _abs(x)
    factor = where(norm > maxnorm, divide(maxnorm, add(norm, 1e-7)), 1.0)
    return multiply(x, factor)


def _renorm_ref(x: Any, p: float, dim: int, maxnorm: float) -> Any:
    axes = tuple(i for i in range(x.ndim) if i != dim % x.ndim)
    norm = np.sum(np.abs(x) ** p, axis=axes, keepdims=True) ** (1 / p)
    return x * np.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)


_register("renorm", renorm, _renorm_ref, shapes=lambda rng: ((3, 4),), inplace=True,
          kwargs=({"p": 2, "dim": 0, "maxnorm": 2.0}, {"p": 1, "dim": -1, "maxnorm": 3.0}),
          torch_args=("p", "dim", "maxnorm"))


# -- randomized low-rank factorisations ----------------------------------------------------
def _orthonormal(x: Any) -> Any:
    return qr(x).Q


def svd_lowrank(A: Any, /, q: int | None = 6, niter: int | None = 2, M: Any = None,  # noqa: N803
                *, generator: Any = None) -> Any:
    """An approximate ``(U, S, V)`` of the matrices ``A - M`` (``A = U diag(S) V^H``) of
    rank at most ``q``, by randomized subspace iteration (Halko, Martinsson and Tropp
    2009): a basis of ``A`` times a Gaussian ``(n, q)`` matrix, refined by ``niter``
    power iterations, then the SVD of ``A`` projected on it. The random matrix comes
    from ``generator`` (default: the global one), so values depend on the seed as in
    PyTorch (not the same draws). Exact when ``q`` reaches the rank.

    Examples
    --------
    >>> import anygrad
    >>> a = anygrad.tensor([[3.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> anygrad.svd_lowrank(a, q=2).S.round(decimals=4)
    tensor([3., 1.])
    """
    if A.ndim < 2:
        raise ValueError(f"svd_lowrank: expected at least 2 dimensions, got shape {_shape(A)}")
    q = 6 if q is None else int(q)
    niter = 2 if niter is None else int(niter)
    if q <= 0 or niter < 0:
        raise ValueError(f"svd_lowrank: expected q > 0 and niter >= 0, got q={q}, niter={niter}")
    if M is not None:
        A = subtract(A, M)
    n = A.shape[-1]
    real_dtype = A.dtype if A.dtype.kind != "c" else real(A).dtype
    omega = randn(n, q, generator=generator, dtype=real_dtype, device=A.device,
                  backend=A._backend)
    if A.dtype.kind == "c":
        omega = astype(omega, A.dtype)
    ah = matrix_transpose(conj(A))
    basis = _orthonormal(matmul(A, omega))
    for _ in range(niter):
        basis = _orthonormal(matmul(A, _orthonormal(matmul(ah, basis))))
    u, s, vh = svd(matmul(matrix_transpose(conj(basis)), A), full_matrices=False)
    return namedtuple("SVD", ["U", "S", "V"])(matmul(basis, u), s, matrix_transpose(conj(vh)))


def pca_lowrank(A: Any, /, q: int | None = None, center: bool = True, niter: int = 2,  # noqa: N803
                *, generator: Any = None) -> Any:
    """Principal components of the rows of ``A`` (observations) as ``(U, S, V)``: the
    :func:`svd_lowrank` of ``A`` minus its column means (when ``center``); ``q`` defaults
    to ``min(6, m, n)``. ``V`` holds the principal directions.

    Examples
    --------
    >>> import anygrad
    >>> a = anygrad.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> anygrad.pca_lowrank(a, q=1).S.round(decimals=4)
    tensor([4.])
    """
    if A.ndim < 2:
        raise ValueError(f"pca_lowrank: expected at least 2 dimensions, got shape {_shape(A)}")
    m, n = A.shape[-2], A.shape[-1]
    q = min(6, m, n) if q is None else q
    if not 0 <= q <= min(m, n):
        raise ValueError(f"pca_lowrank: expected 0 <= q <= min(m, n) = {min(m, n)}, got {q}")
    if center:
        A = subtract(A, mean(A, axis=-2, keepdims=True))
    return svd_lowrank(A, q, niter=niter, generator=generator)


def _lowrank_harness(f: Any) -> Any:
    def harness(x: Any, **kw: Any) -> Any:
        u, s, v = f(x, 3, generator=Generator().manual_seed(0), **kw)
        return matmul(multiply(u, reshape(s, _shape(s)[:-1] + (1, s.shape[-1]))),
                      matrix_transpose(v))

    return harness


_register("svd_lowrank", svd_lowrank, lambda x, niter=2: x, method=None,
          shapes=lambda rng: ((2, 4, 3),), harness=_lowrank_harness(svd_lowrank),
          kwargs=({}, {"niter": 0}), notes="registered through U diag(S) V^H at full rank")
_register("pca_lowrank", pca_lowrank, lambda x: x - x.mean(axis=-2, keepdims=True), method=None,
          shapes=lambda rng: ((2, 5, 3),), harness=_lowrank_harness(pca_lowrank),
          notes="registered through U diag(S) V^H of the centred input at full rank")


# -- symmetric eigenproblems -----------------------------------------------------------------
def lobpcg(A: Any, /, k: int | None = None, B: Any = None, X: Any = None,  # noqa: N803
           n: int | None = None, iK: Any = None, niter: int | None = None,  # noqa: N803
           tol: float | None = None, largest: bool | None = None, method: str | None = None,
           tracker: Any = None, ortho_iparams: Any = None, ortho_fparams: Any = None,
           ortho_bparams: Any = None) -> Any:
    """The ``k`` largest (or smallest) eigenpairs ``(E, X)`` of the symmetric problem
    ``A X = B X diag(E)`` (``B`` positive definite, the identity by default); ``X`` is
    ``B``-orthonormal and ``E`` is in descending order for ``largest`` (the default),
    ascending otherwise.

    PyTorch iterates LOBPCG to ``tol``; here the dense problem is solved directly (Cholesky
    of ``B``, then :func:`~anygrad.linalg.eigh`), which is the point that iteration
    converges to: ``X``, ``n``, ``iK``, ``niter``, ``tol``, ``method``, ``tracker`` and the
    ``ortho_*`` options only steer the iteration and change nothing here, except that ``k``
    defaults to the columns of ``X``. Gradients are eigh's (distinct eigenvalues).

    Examples
    --------
    >>> import anygrad
    >>> a = anygrad.tensor([[2.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 1.0]])
    >>> anygrad.lobpcg(a, k=2)[0]
    tensor([5., 2.])
    """
    s = _shape(A)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"lobpcg: expected square symmetric matrices (..., m, m), got shape {s}")
    m = s[-1]
    if k is None:
        k = X.shape[-1] if X is not None else 1
    if not 0 < k <= m:
        raise ValueError(f"lobpcg: expected 0 < k <= {m} eigenpairs, got k={k}")
    largest = True if largest is None else bool(largest)
    if B is None:
        w, v = eigh(A)
    else:
        if _shape(B)[-2:] != (m, m):
            raise ValueError(f"lobpcg: expected B of shape (..., {m}, {m}), got {_shape(B)}")
        low_inv = inv(cholesky(B))
        w, y = eigh(matmul(matmul(low_inv, A), matrix_transpose(conj(low_inv))))
        v = matmul(matrix_transpose(conj(low_inv)), y)
    if largest:
        w, v = flip(w[..., m - k:], axis=-1), flip(v[..., :, m - k:], axis=-1)
    else:
        w, v = w[..., :k], v[..., :, :k]
    return w, v


def _spd_pair(rng: Any, dtype: str) -> list:
    a = rng.uniform(-1, 1, (2, 5, 5))
    b = rng.uniform(-1, 1, (2, 5, 5))
    return [(a @ np.swapaxes(a, -1, -2) + np.eye(5)).astype(dtype),
            (b @ np.swapaxes(b, -1, -2) + 5 * np.eye(5)).astype(dtype)]


def _lobpcg_ref(a: Any, b: Any, k: int = 2, largest: bool = True) -> Any:
    low = np.linalg.cholesky(b)
    li = np.linalg.inv(low)
    w = np.linalg.eigvalsh(li @ a @ np.swapaxes(li, -1, -2))
    return w[..., ::-1][..., :k] if largest else w[..., :k]


_register("lobpcg", lobpcg, _lobpcg_ref, nin=2, method=None, make_inputs=_spd_pair,
          harness=lambda a, b, **kw: lobpcg(_symmetric(a), B=_symmetric(b), **kw)[0],
          kwargs=({"k": 2}, {"k": 1, "largest": False}),
          notes="solved directly (Cholesky of B, eigh); registered through the eigenvalues")


def _symmetric(x: Any) -> Any:
    return multiply(add(x, matrix_transpose(x)), 0.5)
