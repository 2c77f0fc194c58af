"""Adagrad, with learning-rate decay and weight decay."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check, _check_common, _state_tensor, _write

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (PyTorch's ``torch.optim.Adagrad``).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Learning rate (default 1e-2).
    lr_decay, weight_decay : float
        Learning-rate decay per step, L2 penalty.
    initial_accumulator_value : float
        Starting value of the sum of squared gradients.
    eps : float
        Added to the denominator for numerical stability.
    maximize : bool
        Maximize the objective.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        super().__init__(params, defaults)
        # PyTorch creates the state eagerly, so a fresh state_dict already holds it.
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> None:
        state = self.state[p]
        if not state:
            xp = p._backend.xp
            a = p._data
            state["step"] = 0
            state["sum"] = _state_tensor(
                p, xp.full_like(a, group["initial_accumulator_value"]))

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("Adagrad", group["lr"], group["eps"], group["weight_decay"])
        _check("Adagrad", group["lr_decay"] >= 0.0, "lr_decay value, expected lr_decay >= 0", group["lr_decay"])
        _check("Adagrad", group["initial_accumulator_value"] >= 0.0,
               "initial_accumulator_value, expected a value >= 0", group["initial_accumulator_value"])

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if not state:
            self._init_state(p, group)
        step = state["step"] = state["step"] + 1
        if group["maximize"]:
            g = -g
        wd = group["weight_decay"]
        if wd != 0:
            g = g + wd * a
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        s_t = state["sum"]
        s = s_t._data + g * g
        _write(s_t, s)
        std = xp.sqrt(s) + group["eps"]
        _write(p, a - clr * (g / std))
