"""Adamax: Adam with the infinity norm."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check_betas, _check_common, _state_tensor, _write

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (PyTorch's ``torch.optim.Adamax``).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Learning rate (default 2e-3).
    betas : (float, float)
        Decay rates of the first moment and of the infinity norm, each in [0, 1).
    eps, weight_decay : float
        Numerical-stability term, L2 penalty.
    maximize : bool
        Maximize the objective.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("Adamax", group["lr"], group["eps"], group["weight_decay"])
        _check_betas("Adamax", group["betas"])

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if not state:
            state["step"] = 0
            state["exp_avg"] = _state_tensor(p, xp.zeros_like(a))
            state["exp_inf"] = _state_tensor(p, xp.zeros_like(a))
        if group["maximize"]:
            g = -g
        step = state["step"] = state["step"] + 1
        beta1, beta2 = group["betas"]
        wd = group["weight_decay"]
        if wd != 0:
            g = g + wd * a
        m_t, u_t = state["exp_avg"], state["exp_inf"]
        m = m_t._data
        m = m + (1 - beta1) * (g - m)
        u = xp.maximum(u_t._data * beta2, xp.abs(g) + group["eps"])
        _write(m_t, m)
        _write(u_t, u)
        clr = group["lr"] / (1 - beta1**step)
        _write(p, a - clr * (m / u))
