"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check, _check_common, _state_tensor, _write

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (PyTorch's ``torch.optim.SGD``).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Learning rate (default 1e-3).
    momentum, dampening, weight_decay : float
        Momentum factor, dampening of the momentum, L2 penalty.
    nesterov : bool
        Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize : bool
        Maximize the objective instead of minimizing it.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import optim
    >>> w = anygrad.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> [round(v, 4) for v in w.tolist()]
    [0.8, 1.6]
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("SGD", group["lr"], 0.0, group["weight_decay"])
        _check("SGD", group["momentum"] >= 0.0, "momentum value, expected momentum >= 0", group["momentum"])
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum > 0 and zero dampening")

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        a = p._data
        if group["maximize"]:
            g = -g
        wd = group["weight_decay"]
        if wd != 0:
            g = g + wd * a
        momentum = group["momentum"]
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                state["momentum_buffer"] = _state_tensor(p, g)
                b = g
            else:
                b = buf._data * momentum + (1 - group["dampening"]) * g
                _write(buf, b)
            g = g + momentum * b if group["nesterov"] else b
        _write(p, a - group["lr"] * g)
