"""RAdam: Adam with the variance of the adaptive learning rate rectified."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check_betas, _check_common, _state_tensor, _write

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam (PyTorch's ``torch.optim.RAdam``).

    While the approximated length of the second moment's moving average is at most 5
    (the first steps), the step is plain momentum SGD with a bias-corrected first moment;
    afterwards it is Adam's step scaled by the rectification term.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Learning rate (default 1e-3).
    betas : (float, float)
        Decay rates of the first and second moment averages, each in [0, 1).
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty added to the gradient (decoupled, as AdamW, when ``decoupled_weight_decay``).
    decoupled_weight_decay : bool
        Decay the parameter directly by ``lr * weight_decay`` instead of through the gradient.
    maximize : bool
        Maximize the objective.

    Raises
    ------
    ValueError
        If ``lr``, ``eps`` or ``weight_decay`` is negative, or a beta is outside [0, 1).

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import optim
    >>> w = anygrad.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.RAdam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> [round(v, 4) for v in w.tolist()]
    [0.8, -0.8]
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("RAdam", group["lr"], group["eps"], group["weight_decay"])
        _check_betas("RAdam", group["betas"])

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if not state:
            state["step"] = 0
            state["exp_avg"] = _state_tensor(p, xp.zeros_like(a))
            state["exp_avg_sq"] = _state_tensor(p, xp.zeros_like(a))
        if group["maximize"]:
            g = -g
        step = state["step"] = state["step"] + 1
        beta1, beta2 = group["betas"]
        lr, wd = group["lr"], group["weight_decay"]
        if wd != 0:
            if group["decoupled_weight_decay"]:
                a = a * (1 - lr * wd)
            else:
                g = g + wd * a
        m_t, v_t = state["exp_avg"], state["exp_avg_sq"]
        m = m_t._data
        m = m + (1 - beta1) * (g - m)
        v = v_t._data * beta2 + (1 - beta2) * g * g
        _write(m_t, m)
        _write(v_t, v)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        m_hat = m / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive_lr = bias_correction2**0.5 / (xp.sqrt(v) + group["eps"])
            _write(p, a - m_hat * lr * adaptive_lr * rect)
        else:
            _write(p, a - m_hat * lr)
