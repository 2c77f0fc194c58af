"""NAdam: Adam with Nesterov momentum and momentum decay."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check, _check_betas, _check_common, _state_tensor, _write

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam (PyTorch's ``torch.optim.NAdam``).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Learning rate (default 2e-3).
    betas : (float, float)
        Decay rates of the moment averages, each in [0, 1).
    eps, weight_decay : float
        Numerical-stability term, L2 penalty.
    momentum_decay : float
        The ``psi`` of the momentum schedule (default 4e-3).
    decoupled_weight_decay : bool
        Decay the parameter directly (as AdamW) instead of through the gradient.
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
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("NAdam", group["lr"], group["eps"], group["weight_decay"])
        _check_betas("NAdam", group["betas"])
        _check("NAdam", group["momentum_decay"] >= 0.0,
               "momentum_decay value, expected momentum_decay >= 0", group["momentum_decay"])

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if not state:
            state["step"] = 0
            # A Python float: PyTorch keeps it in a scalar tensor of the default float dtype.
            state["mu_product"] = 1.0
            state["exp_avg"] = _state_tensor(p, xp.zeros_like(a))
            state["exp_avg_sq"] = _state_tensor(p, xp.zeros_like(a))
        if group["maximize"]:
            g = -g
        step = state["step"] = state["step"] + 1
        beta1, beta2 = group["betas"]
        lr, wd, psi = group["lr"], group["weight_decay"], group["momentum_decay"]
        bias_correction2 = 1 - beta2**step
        if wd != 0:
            if group["decoupled_weight_decay"]:
                a = a * (1 - lr * wd)
            else:
                g = g + wd * a
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
        mu_product = state["mu_product"] = state["mu_product"] * mu
        m_t, v_t = state["exp_avg"], state["exp_avg_sq"]
        m = m_t._data
        m = m + (1 - beta1) * (g - m)
        v = v_t._data * beta2 + (1 - beta2) * (g * g)
        _write(m_t, m)
        _write(v_t, v)
        denom = xp.sqrt(v / bias_correction2) + group["eps"]
        mu_product_next = mu_product * mu_next
        a = a + (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
        a = a + ((-lr * mu_next) / (1.0 - mu_product_next)) * (m / denom)
        _write(p, a)
