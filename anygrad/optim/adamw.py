"""AdamW: Adam with decoupled weight decay."""

from __future__ import annotations

from typing import Any, Iterable

from .adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    """AdamW (PyTorch's ``torch.optim.AdamW``): the parameter decays by ``lr * weight_decay``
    before the Adam step instead of the decay entering the gradient.

    Parameters are those of :class:`Adam`; ``weight_decay`` defaults to 1e-2.
    """

    _name = "AdamW"

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)
