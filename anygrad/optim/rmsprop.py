"""RMSprop, plain or centered, with momentum."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check, _check_common, _state_tensor, _write

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (PyTorch's ``torch.optim.RMSprop``).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Learning rate (default 1e-2).
    alpha : float
        Smoothing constant of the squared-gradient average.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay, momentum : float
        L2 penalty, momentum factor.
    centered : bool
        Normalize by the estimated variance of the gradient instead of its second moment.
    maximize : bool
        Maximize the objective.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("RMSprop", group["lr"], group["eps"], group["weight_decay"])
        _check("RMSprop", group["momentum"] >= 0.0, "momentum value, expected momentum >= 0", group["momentum"])
        _check("RMSprop", group["alpha"] >= 0.0, "alpha value, expected alpha >= 0", group["alpha"])

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if not state:
            state["step"] = 0
            state["square_avg"] = _state_tensor(p, xp.zeros_like(a))
            if group["momentum"] > 0:
                state["momentum_buffer"] = _state_tensor(p, xp.zeros_like(a))
            if group["centered"]:
                state["grad_avg"] = _state_tensor(p, xp.zeros_like(a))
        if group["maximize"]:
            g = -g
        state["step"] += 1
        alpha, wd = group["alpha"], group["weight_decay"]
        if wd != 0:
            g = g + wd * a
        sq_t = state["square_avg"]
        sq = sq_t._data * alpha + (1 - alpha) * (g * g)
        _write(sq_t, sq)
        if group["centered"]:
            ga_t = state["grad_avg"]
            ga = ga_t._data
            ga = ga + (1 - alpha) * (g - ga)
            _write(ga_t, ga)
            avg = xp.sqrt(sq - ga * ga)
        else:
            avg = xp.sqrt(sq)
        avg = avg + group["eps"]
        if group["momentum"] > 0:
            buf_t = state["momentum_buffer"]
            buf = buf_t._data * group["momentum"] + g / avg
            _write(buf_t, buf)
            _write(p, a - group["lr"] * buf)
        else:
            _write(p, a - group["lr"] * (g / avg))
