"""Muon: momentum steps orthogonalised by a Newton-Schulz iteration, for matrices."""

from __future__ import annotations

import math
from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check, _state_tensor, _write

__all__ = ["Muon"]

_ADJUST = (None, "original", "match_rms_adamw")


class Muon(Optimizer):
    """Muon (PyTorch's ``torch.optim.Muon``) for 2-D parameters.

    Each step takes the (Nesterov) momentum of the gradient, replaces it by an approximate
    orthogonalisation (``U V^T`` of its SVD, up to singular values near 1) from ``ns_steps``
    quintic Newton-Schulz iterations with coefficients ``ns_coefficients``, and moves the
    parameter by ``lr`` times it (scaled by ``adjust_lr_fn``), after decoupled weight decay.

    Parameters
    ----------
    params : iterable of Tensor or dict
        2-D parameters or parameter groups.
    lr : float
        Learning rate (default 1e-3).
    weight_decay : float
        Decoupled weight decay (default 0.1).
    momentum : float
        Momentum factor (default 0.95).
    nesterov : bool
        Nesterov momentum (default True).
    ns_coefficients : (float, float, float)
        The iteration's coefficients ``(a, b, c)``: ``X <- a X + (b A + c A^2) X`` with
        ``A = X X^T``.
    eps : float
        Floor of the norm the momentum is divided by before the iteration (default 1e-7).
    ns_steps : int
        Newton-Schulz iterations (default 5, fewer than 100).
    adjust_lr_fn : {None, "original", "match_rms_adamw"}
        The learning rate is multiplied by ``sqrt(max(1, rows / cols))`` (None,
        ``"original"``) or ``0.2 * sqrt(max(rows, cols))`` (``"match_rms_adamw"``).

    Notes
    -----
    The iteration runs in the parameter's dtype; PyTorch runs it in bfloat16, so its steps
    agree with anygrad's to bfloat16's precision (about 3 significant digits).

    Examples
    --------
    >>> import anygrad
    >>> w = anygrad.ones(2, 3, requires_grad=True)
    >>> opt = anygrad.optim.Muon([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> bool((w < 1).all())
    True
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        weight_decay: float = 0.1,
        momentum: float = 0.95,
        nesterov: bool = True,
        ns_coefficients: tuple[float, float, float] = (3.4445, -4.775, 2.0315),
        eps: float = 1e-7,
        ns_steps: int = 5,
        adjust_lr_fn: str | None = None,
    ) -> None:
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                        adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        name = "Muon"
        _check(name, isinstance(group["lr"], (int, float)) and group["lr"] >= 0,
               "learning rate, expected lr >= 0", group["lr"])
        _check(name, group["momentum"] >= 0, "momentum, expected momentum >= 0", group["momentum"])
        _check(name, group["weight_decay"] >= 0, "weight_decay value, expected weight_decay >= 0",
               group["weight_decay"])
        _check(name, group["adjust_lr_fn"] in _ADJUST,
               "adjust_lr_fn, expected None, 'original' or 'match_rms_adamw'",
               group["adjust_lr_fn"])
        _check(name, len(tuple(group["ns_coefficients"])) == 3,
               "ns_coefficients, expected three values (a, b, c)", group["ns_coefficients"])
        _check(name, isinstance(group["ns_steps"], int) and 0 <= group["ns_steps"] < 100,
               "ns_steps, expected an int in [0, 100)", group["ns_steps"])
        for p in group["params"]:
            if p.ndim != 2:
                raise ValueError(f"Muon: only 2-D parameters are supported, got a parameter of "
                                 f"shape {tuple(p.shape)}")
            if p.dtype.kind == "c":
                raise RuntimeError(f"Muon: complex parameters are not supported, got "
                                   f"{p.dtype.name}")

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = _state_tensor(p, xp.zeros_like(a))
        mu = group["momentum"]
        buf_t = state["momentum_buffer"]
        buf = buf_t._data + (1 - mu) * (g - buf_t._data)
        _write(buf_t, buf)
        m = g + mu * (buf - g) if group["nesterov"] else buf
        o = _orthogonalise(xp, m, tuple(group["ns_coefficients"]), group["ns_steps"],
                           group["eps"])
        rows, cols = a.shape
        fn = group["adjust_lr_fn"]
        lr = group["lr"]
        ratio = 0.2 * math.sqrt(max(rows, cols)) if fn == "match_rms_adamw" else \
            math.sqrt(max(1.0, rows / cols))
        _write(p, a * (1 - lr * group["weight_decay"]) - (lr * ratio) * o)


def _orthogonalise(xp: Any, m: Any, coefficients: tuple, steps: int, eps: float) -> Any:
    """The quintic Newton-Schulz iteration on ``m`` scaled to Frobenius norm <= 1 (on the
    wide orientation, so ``X X^T`` is the smaller Gram matrix)."""
    a, b, c = coefficients
    tall = m.shape[0] > m.shape[1]
    x = xp.matrix_transpose(m) if tall else m
    norm = float(xp.sqrt(xp.sum(x * x)))
    x = x / max(norm, eps)
    for _ in range(steps):
        gram = x @ xp.matrix_transpose(x)
        x = a * x + (b * gram + c * (gram @ gram)) @ x
    return xp.matrix_transpose(x) if tall else x
