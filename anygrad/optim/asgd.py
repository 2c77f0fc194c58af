"""ASGD: stochastic gradient descent with a decaying step and Polyak-Ruppert averaging."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check_common, _state_tensor, _write

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged stochastic gradient descent (PyTorch's ``torch.optim.ASGD``).

    The parameter takes SGD steps of size ``eta = lr / (1 + lambd * lr * step) ** alpha``
    after a decay by ``1 - lambd * eta``; from step ``t0`` on, ``state["ax"]`` holds the
    running average of the iterates (before that, the last iterate).

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Learning rate (default 1e-2).
    lambd : float
        Decay term (default 1e-4).
    alpha : float
        Power of the step-size decay (default 0.75).
    t0 : float
        Step at which averaging starts (default 1e6).
    weight_decay : float
        L2 penalty.
    maximize : bool
        Maximize the objective.

    Raises
    ------
    ValueError
        If ``lr`` or ``weight_decay`` is negative.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import optim
    >>> w = anygrad.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.ASGD([w], lr=0.1, lambd=0.0)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> [round(v, 4) for v in w.tolist()]
    [0.8, -0.8]
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("ASGD", group["lr"], 0.0, group["weight_decay"])

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state["step"] = 0
            # Python floats: PyTorch keeps them in scalar tensors of the default float dtype.
            state["eta"] = float(lr)
            state["mu"] = 1.0
            state["ax"] = _state_tensor(p, xp.zeros_like(a))
        if group["maximize"]:
            g = -g
        step = state["step"] = state["step"] + 1
        wd = group["weight_decay"]
        if wd != 0:
            g = g + wd * a
        eta, mu = state["eta"], state["mu"]
        a = a * (1 - lambd * eta) - eta * g
        _write(p, a)
        ax_t = state["ax"]
        if mu != 1:
            _write(ax_t, ax_t._data + (a - ax_t._data) * mu)
        else:
            _write(ax_t, a, owned=False)  # a copy: p took ``a`` as its memory
        state["eta"] = lr / ((1 + lambd * lr * step) ** group["alpha"])
        state["mu"] = 1 / max(1, step - group["t0"])
