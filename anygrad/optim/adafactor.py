"""Adafactor: Adam-like steps with a factored second moment (rows and columns)."""

from __future__ import annotations

import math
from typing import Any, Iterable

from .. import _dtype
from ..tensor import Tensor
from .optimizer import Optimizer, _check, _state_tensor, _write

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    """Adafactor (PyTorch's ``torch.optim.Adafactor``, Shazeer and Stern, 2018).

    The second moment of a matrix (or of each matrix of a stacked parameter: the last two
    dimensions) is kept as a row factor and a column factor, so its memory is that of one
    row and one column; vectors keep a full second moment. Steps are relative to the
    parameter's scale and clipped in RMS.

    Parameters
    ----------
    params : iterable of Tensor or dict
        Parameters or parameter groups.
    lr : float
        The largest relative step (default 1e-2); the step at ``t`` uses
        ``min(lr, 1 / sqrt(t))``.
    beta2_decay : float
        The second moment's decay is ``1 - t ** beta2_decay`` at step ``t`` (default -0.8;
        must be <= 0).
    eps : (float or None, float)
        ``eps1``, the floor of the second moment's estimate (None: the dtype's machine
        epsilon), and ``eps2``, the smallest parameter scale (default ``(None, 1e-3)``).
    d : float
        Clipping threshold of the update's RMS (default 1, >= 1).
    weight_decay : float
        Decoupled weight decay (the parameter shrinks by ``lr * weight_decay``).
    maximize : bool
        Maximize the objective.
    foreach : bool, optional
        Accepted for PyTorch's signature (one implementation here).

    Examples
    --------
    >>> import anygrad
    >>> w = anygrad.ones(2, 3, requires_grad=True)
    >>> opt = anygrad.optim.Adafactor([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> bool((w < 1).all())
    True
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        beta2_decay: float = -0.8,
        eps: tuple[float | None, float] = (None, 1e-3),
        d: float = 1.0,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        name = "Adafactor"
        _check(name, isinstance(group["lr"], (int, float)) and group["lr"] >= 0,
               "learning rate, expected lr >= 0", group["lr"])
        _check(name, group["beta2_decay"] <= 0, "beta2_decay, expected beta2_decay <= 0",
               group["beta2_decay"])
        eps = group["eps"]
        _check(name, isinstance(eps, (tuple, list)) and len(eps) == 2,
               "eps, expected a pair (eps1 or None, eps2)", eps)
        _check(name, eps[0] is None or eps[0] >= 0, "eps1, expected None or eps1 >= 0", eps[0])
        _check(name, eps[1] >= 0, "eps2, expected eps2 >= 0", eps[1])
        _check(name, group["d"] >= 1, "clipping threshold d, expected d >= 1", group["d"])
        _check(name, group["weight_decay"] >= 0, "weight_decay value, expected weight_decay >= 0",
               group["weight_decay"])
        for p in group["params"]:
            if p.dtype.kind == "c":
                raise RuntimeError("Adafactor: complex parameters are not supported, got a "
                                   f"{p.dtype.name} parameter")

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        xp = p._backend.xp
        a = p._data
        factored = a.ndim > 1
        if not state:
            state["step"] = 0.0
            if factored:
                rows = tuple(a.shape[:-1]) + (1,)
                cols = tuple(a.shape[:-2]) + (1, a.shape[-1])
                state["row_var"] = _state_tensor(p, xp.zeros(rows, dtype=a.dtype, device=a.device))
                state["col_var"] = _state_tensor(p, xp.zeros(cols, dtype=a.dtype, device=a.device))
            else:
                state["variance"] = _state_tensor(p, xp.zeros_like(a))
        if group["maximize"]:
            g = -g
        step = state["step"] = state["step"] + 1.0
        lr, wd = group["lr"], group["weight_decay"]
        eps1, eps2 = group["eps"]
        if eps1 is None:
            eps1 = float(_dtype.finfo(p.dtype).eps)
        decay = step ** group["beta2_decay"]  # the weight of the new squared gradient
        n = math.prod(a.shape)
        scale = max(eps2, float(xp.sqrt(xp.sum(a * a))) / math.sqrt(n))
        alpha = scale * min(lr, 1.0 / math.sqrt(step))
        if wd != 0:
            a = a * (1 - lr * wd)
        g2 = g * g
        if factored:
            r_t, c_t = state["row_var"], state["col_var"]
            r = r_t._data + decay * (xp.mean(g2, axis=-1, keepdims=True) - r_t._data)
            c = c_t._data + decay * (xp.mean(g2, axis=-2, keepdims=True) - c_t._data)
            _write(r_t, r)
            _write(c_t, c)
            v = (r @ c) / xp.clip(xp.mean(r, axis=-2, keepdims=True), min=eps1)
        else:
            v_t = state["variance"]
            v = v_t._data + decay * (g2 - v_t._data)
            _write(v_t, v)
        u = g / xp.sqrt(xp.clip(v, min=eps1 * eps1))
        denom = max(1.0, float(xp.sqrt(xp.sum(u * u))) / (math.sqrt(n) * group["d"]))
        _write(p, a - (alpha / denom) * u)
