"""Adadelta: step sizes from running averages of squared gradients and squared updates."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check, _check_common, _state_tensor, _write

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (PyTorch's ``torch.optim.Adadelta``).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Scale of the update (default 1.0).
    rho : float
        Decay rate of both running averages, in [0, 1] (default 0.9).
    eps : float
        Added inside both square roots for numerical stability (default 1e-6).
    weight_decay : float
        L2 penalty.
    maximize : bool
        Maximize the objective.

    Raises
    ------
    ValueError
        If ``lr``, ``eps`` or ``weight_decay`` is negative, or ``rho`` is outside [0, 1].

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import optim
    >>> w = anygrad.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.Adadelta([w])
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> [round(v, 4) for v in w.tolist()]
    [0.9968, -0.9968]
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("Adadelta", group["lr"], group["eps"], group["weight_decay"])
        _check("Adadelta", 0.0 <= group["rho"] <= 1.0, "rho value, expected 0 <= rho <= 1",
               group["rho"])

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if not state:
            state["step"] = 0
            state["square_avg"] = _state_tensor(p, xp.zeros_like(a))
            state["acc_delta"] = _state_tensor(p, xp.zeros_like(a))
        if group["maximize"]:
            g = -g
        state["step"] += 1
        rho, eps, wd = group["rho"], group["eps"], group["weight_decay"]
        if wd != 0:
            g = g + wd * a
        sq_t, acc_t = state["square_avg"], state["acc_delta"]
        sq = sq_t._data * rho + (1 - rho) * g * g
        _write(sq_t, sq)
        std = xp.sqrt(sq + eps)
        delta = xp.sqrt(acc_t._data + eps) / std * g
        _write(acc_t, acc_t._data * rho + (1 - rho) * delta * delta)
        _write(p, a - group["lr"] * delta)
