"""Rprop: per-element step sizes grown or shrunk by the sign agreement of the gradients."""

from __future__ import annotations

from typing import Any, Iterable

from ..tensor import Tensor
from .optimizer import Optimizer, _check_common, _state_tensor, _write

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Resilient backpropagation (PyTorch's ``torch.optim.Rprop``).

    Each element keeps its own step size: multiplied by ``etas[1]`` when the gradient kept
    its sign since the last step, by ``etas[0]`` when it flipped (and the element then
    does not move this step), and clamped to ``step_sizes``. The element moves against the
    sign of its gradient by its step size; the gradient's magnitude is not used.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        Initial step size of every element (default 1e-2).
    etas : (float, float)
        Decrease and increase factors ``(etaminus, etaplus)``, with
        ``0 < etaminus < 1 < etaplus`` (default (0.5, 1.2)).
    step_sizes : (float, float)
        Minimal and maximal step sizes (default (1e-6, 50)).
    maximize : bool
        Maximize the objective.

    Raises
    ------
    ValueError
        If ``lr`` is negative or the etas are not ``0 < etaminus < 1 < etaplus``.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import optim
    >>> w = anygrad.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.Rprop([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> [round(v, 4) for v in w.tolist()]
    [0.9, -0.9]
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        _check_common("Rprop", group["lr"])
        for key in ("etas", "step_sizes"):
            value = group[key]
            if not isinstance(value, (tuple, list)) or len(value) != 2:
                raise ValueError(f"Rprop: {key} must be a pair, got {value!r}")
        etaminus, etaplus = group["etas"]
        if not 0.0 < etaminus < 1.0 < etaplus:
            raise ValueError(
                f"Rprop: invalid eta values, expected 0 < etaminus < 1 < etaplus, "
                f"got {etaminus!r}, {etaplus!r}"
            )

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        if not state:
            state["step"] = 0
            state["prev"] = _state_tensor(p, xp.zeros_like(a))
            state["step_size"] = _state_tensor(p, xp.full_like(a, group["lr"]))
        if group["maximize"]:
            g = -g
        state["step"] += 1
        etaminus, etaplus = group["etas"]
        lo, hi = group["step_sizes"]
        prev_t, size_t = state["prev"], state["step_size"]
        sign = xp.sign(g * prev_t._data)
        # Array-API where() needs arrays on both branches (scalars came only in 2024.12).
        factor = xp.where(sign > 0, xp.full_like(a, etaplus),
                          xp.where(sign < 0, xp.full_like(a, etaminus), xp.ones_like(a)))
        size = xp.minimum(xp.maximum(size_t._data * factor, xp.full_like(a, lo)),
                          xp.full_like(a, hi))
        _write(size_t, size)
        g = xp.where(sign < 0, xp.zeros_like(g), g)
        _write(p, a - xp.sign(g) * size)
        _write(prev_t, g)
