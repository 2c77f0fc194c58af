"""LAPACK's Householder representation of QR, as PyTorch exposes it: ``geqrf`` (R above
the diagonal, the reflectors' vectors below, and their ``tau``), ``orgqr`` (the first
columns of ``Q = H_1 ... H_k``, ``linalg.householder_product``) and ``ormqr`` (a matrix
times ``Q`` or ``Q^H`` without forming ``Q``). Composites of differentiable operations,
with LAPACK's conventions (``H = I - tau v v^H`` with ``v[0] = 1``, ``beta = -sign(alpha)
|x|``), so the values are PyTorch's and gradients exist at every order.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np
from array_api_compat import device as _device

from .arithmetic import conj, divide, imag, multiply, real, sqrt, subtract
from .linalg import matmul, matrix_transpose
from .reduction import sum as _sum
from .searching import where
from .shape import concat, reshape, stack
from .torch_linalg import _const, _register, _shape

__all__ = ["geqrf", "orgqr", "ormqr"]


def _reflect(c: Any, v: Any, tau: Any, left: bool = True) -> Any:
    """``H c`` (``left``) or ``c H`` for ``H = I - tau v v^H``; ``v`` is ``(..., r)``,
    ``tau`` is ``(...)``."""
    t = reshape(tau, _shape(tau) + (1, 1))
    if left:
        col = reshape(v, _shape(v) + (1,))
        return subtract(c, multiply(t, matmul(col, matmul(matrix_transpose(conj(col)), c))))
    row = reshape(v, _shape(v)[:-1] + (1, v.shape[-1]))
    return subtract(c, multiply(t, matmul(matmul(c, matrix_transpose(conj(row))), row)))


def _unit(x: Any, rest: Any) -> Any:
    """``[1, rest...]`` along the last dimension."""
    one = reshape(multiply(x, 0.0) + 1.0, _shape(x) + (1,))
    return concat([one, rest], axis=-1)


def geqrf(x: Any, /) -> Any:
    """QR in LAPACK's Householder form: ``(a, tau)``, where ``a`` holds ``R`` on and above
    the diagonal and, below it, the vectors ``v`` of the reflectors ``H_i = I - tau_i v_i
    v_i^H`` (``v_i[i] = 1`` implied) whose product is ``Q``.

    Examples
    --------
    >>> import anygrad
    >>> a, tau = anygrad.geqrf(anygrad.tensor([[3.0, 1.0], [4.0, 2.0]]))
    >>> a
    tensor([[-5.0000, -2.2000],
            [ 0.5000,  0.4000]])
    >>> tau
    tensor([1.6000, 0.0000])
    """
    if x.ndim < 2:
        raise ValueError(f"geqrf: expected at least 2 dimensions, got shape {_shape(x)}")
    m, n = x.shape[-2], x.shape[-1]
    a, taus = x, []
    for i in range(min(m, n)):
        col = a[..., i:, i]
        alpha, rest = col[..., 0], col[..., 1:]
        zero = multiply(real(alpha), 0.0)
        xnorm2 = _sum(real(multiply(conj(rest), rest)), axis=-1) if m - i > 1 else zero
        trivial = xnorm2 == 0  # nothing to annihilate: H = I (tau = 0), as LAPACK
        if x.dtype.kind == "c":
            trivial = trivial & (imag(alpha) == 0)
        norm = sqrt(where(trivial, 1.0, real(multiply(conj(alpha), alpha)) + xnorm2))
        beta = where(trivial, real(alpha), where(real(alpha) >= 0, -norm, norm))
        tau = where(trivial, multiply(alpha, 0.0),
                    divide(subtract(beta, alpha), where(trivial, 1.0, beta)))
        v = divide(rest, reshape(where(trivial, 1.0, subtract(alpha, beta)), _shape(alpha) + (1,)))
        # The trailing columns under the reflector, then the reflected column itself.
        new_col = concat([reshape(beta + 0.0 * alpha, _shape(alpha) + (1,)), v], axis=-1)
        if i + 1 < n:
            block = _reflect(a[..., i:, i + 1:], _unit(alpha, v), conj(tau))
            below = concat([reshape(new_col, _shape(new_col) + (1,)), block], axis=-1)
        else:
            below = reshape(new_col, _shape(new_col) + (1,))
        a = concat([a[..., :i, :], concat([a[..., i:, :i], below], axis=-1)], axis=-2) if i \
            else below
        taus.append(tau)
    tau = stack(taus, axis=-1) if taus else x[..., 0, :0]
    return namedtuple("geqrf", ["a", "tau"])(a, tau)


def _householder(a: Any, tau: Any, op: str) -> tuple:
    if a.ndim < 2:
        raise ValueError(f"{op}: expected at least 2 dimensions, got shape {_shape(a)}")
    m, n = a.shape[-2], a.shape[-1]
    k = tau.shape[-1]
    if k > min(m, n) or _shape(tau)[:-1] != _shape(a)[:-2]:
        raise ValueError(f"{op}: expected tau of shape {_shape(a)[:-2]} + (k,) with k <= "
                         f"{min(m, n)}, got {_shape(tau)}")
    return m, n, k


def _vector(a: Any, i: int) -> Any:
    """The reflector ``v_i``: 1 at row ``i``, the stored entries below it."""
    return _unit(a[..., i, i], a[..., i + 1:, i])


def orgqr(x: Any, tau: Any, /) -> Any:
    """The first ``n`` columns of ``Q = H_1 ... H_k`` from :func:`geqrf`'s ``(a, tau)``
    (``linalg.householder_product``).

    Examples
    --------
    >>> import anygrad
    >>> a = anygrad.tensor([[3.0, 1.0], [4.0, 2.0]])
    >>> q = anygrad.orgqr(*anygrad.geqrf(a))
    >>> (q @ anygrad.triu(anygrad.geqrf(a).a)).round(decimals=4)
    tensor([[3., 1.],
            [4., 2.]])
    """
    m, n, k = _householder(x, tau, "orgqr")
    if n > m:
        raise ValueError(f"orgqr: expected at most as many columns as rows, got shape "
                         f"{_shape(x)}")
    eye = where(_eye_rect(x, m, n), 1.0, multiply(x[..., :1, :1], 0.0))
    q = eye
    for i in reversed(range(k)):
        block = _reflect(q[..., i:, :], _vector(x, i), tau[..., i])
        q = concat([q[..., :i, :], block], axis=-2) if i else block
    return q


def _eye_rect(x: Any, m: int, n: int) -> Any:
    xp = x.xp
    return _const(x, xp.eye(m, n, dtype=xp.bool, device=_device(x._data)))


def ormqr(x: Any, tau: Any, other: Any, /, left: bool = True, transpose: bool = False) -> Any:
    """``Q @ other`` (``left``) or ``other @ Q``, with ``Q^H`` for ``transpose``, where ``Q``
    is the full product of :func:`geqrf`'s reflectors ``(a, tau)``.

    Examples
    --------
    >>> import anygrad
    >>> a, tau = anygrad.geqrf(anygrad.tensor([[3.0, 1.0], [4.0, 2.0]]))
    >>> anygrad.ormqr(a, tau, anygrad.eye(2), transpose=True)
    tensor([[-0.6000, -0.8000],
            [-0.8000,  0.6000]])
    """
    m, n, k = _householder(x, tau, "ormqr")
    side = other.shape[-2] if left else other.shape[-1]
    if other.ndim < 2 or side != m:
        raise ValueError(f"ormqr: expected other with {m} {'rows' if left else 'columns'}, got "
                         f"shape {_shape(other)}")
    # Q = H_1 ... H_k: Q C applies H_k first; Q^H C applies H_1^H first; C Q applies H_1
    # first; C Q^H applies H_k^H first.
    order = range(k) if left == transpose else reversed(range(k))
    c = other
    for i in order:
        t = conj(tau[..., i]) if transpose else tau[..., i]
        if left:
            block = _reflect(c[..., i:, :], _vector(x, i), t)
            c = concat([c[..., :i, :], block], axis=-2) if i else block
        else:
            block = _reflect(c[..., :, i:], _vector(x, i), t, left=False)
            c = concat([c[..., :, :i], block], axis=-1) if i else block
    return c


# -- registry --------------------------------------------------------------------------------
def _np_geqrf(x: Any) -> tuple:
    a = np.empty(x.shape)
    tau = np.empty(x.shape[:-2] + (min(x.shape[-2:]),))
    for idx in np.ndindex(*x.shape[:-2]):
        h, t = np.linalg.qr(x[idx], mode="raw")
        a[idx], tau[idx] = h.T, t
    return a, tau


def _np_q(a: Any, tau: Any) -> Any:
    """The full ``Q`` as the explicit product of the reflector matrices."""
    m = a.shape[-2]
    q = np.broadcast_to(np.eye(m), a.shape[:-2] + (m, m)).copy()
    for idx in np.ndindex(*a.shape[:-2]):
        for i in range(tau.shape[-1]):
            v = np.concatenate([np.zeros(i), [1.0], a[idx][i + 1:, i]])
            q[idx] = q[idx] @ (np.eye(m) - tau[idx][i] * np.outer(v, v))
    return q


def _hh_inputs(rng: Any, dtype: str, variant: int = 0) -> list:
    a, tau = _np_geqrf(rng.uniform(-1, 1, (2, 4, 3)))
    out = [a.astype(dtype), tau.astype(dtype)]
    if variant is not None and variant >= 0:
        out.append(rng.uniform(-1, 1, (2, 4, 2) if variant in (0, 1) else (2, 2, 4)).astype(dtype))
    return out


def _ormqr_ref(a: Any, tau: Any, c: Any, left: bool = True, transpose: bool = False) -> Any:
    q = _np_q(a, tau)
    q = np.swapaxes(q, -1, -2) if transpose else q
    return q @ c if left else c @ q


_register("geqrf", geqrf, _np_geqrf, shapes=lambda rng: ((2, 4, 3),),
          notes="LAPACK's signs (beta = -sign(alpha) |x|); gradients where alpha is not 0")
_register("orgqr", orgqr, lambda a, tau: _np_q(a, tau)[..., :, :a.shape[-1]], nin=2,
          make_inputs=lambda rng, dtype: _hh_inputs(rng, dtype, None)[:2],
          notes="linalg.householder_product")
_register("ormqr", ormqr, _ormqr_ref, nin=3, make_inputs=_hh_inputs,
          kwargs=({}, {"transpose": True}, {"left": False}, {"left": False, "transpose": True}),
          torch_args=("left", "transpose"))
