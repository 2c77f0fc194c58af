"""Adam, with AMSGrad and (coupled or decoupled) weight decay."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check_betas, _check_common, _state_tensor, _write

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam (PyTorch's ``torch.optim.Adam``).

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
    amsgrad : bool
        Use the running maximum of the second moment (AMSGrad).
    maximize : bool
        Maximize the objective.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import optim
    >>> w = anygrad.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> [round(v, 4) for v in w.tolist()]
    [0.9, -0.9]
    """

    _name = "Adam"

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common(self._name, group["lr"], group["eps"], group["weight_decay"])
        _check_betas(self._name, group["betas"])

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if not state:
            state["step"] = 0
            state["exp_avg"] = _state_tensor(p, xp.zeros_like(a))
            state["exp_avg_sq"] = _state_tensor(p, xp.zeros_like(a))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = _state_tensor(p, xp.zeros_like(a))
        if group["maximize"]:
            g = -g
        beta1, beta2 = group["betas"]
        lr, wd = group["lr"], group["weight_decay"]
        step = state["step"] = state["step"] + 1
        if wd != 0:
            if group["decoupled_weight_decay"]:
                a = a * (1 - lr * wd)
            else:
                g = g + wd * a
        m_t, v_t = state["exp_avg"], state["exp_avg_sq"]
        m = m_t._data
        m = m + (1 - beta1) * (g - m)
        v = v_t._data * beta2 + (1 - beta2) * (g * g)
        _write(m_t, m)
        _write(v_t, v)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5
        if group["amsgrad"]:
            vmax_t = state["max_exp_avg_sq"]
            v = xp.maximum(vmax_t._data, v)
            _write(vmax_t, v)
        denom = xp.sqrt(v) / bias_correction2_sqrt + group["eps"]
        _write(p, a - step_size * (m / denom))
