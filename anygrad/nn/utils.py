"""``anygrad.nn.utils``: gradient clipping and flat parameter vectors."""

from __future__ import annotations

import math
from typing import Any, Iterable

import anygrad as _ag

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters",
           "get_total_norm", "clip_grads_with_norm_"]


def _params(parameters: Any) -> list:
    if isinstance(parameters, Tensor):
        return [parameters]
    return list(parameters)


def get_total_norm(tensors: Iterable[Any], norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together (as one concatenated vector)."""
    tensors = [t for t in _params(tensors) if t is not None]
    if not tensors:
        return _ag.tensor(0.0)
    norm_type = float(norm_type)
    with no_grad():
        if math.isinf(norm_type):
            parts = [_ag.max(_ag.abs(t.detach())) for t in tensors]
            total = parts[0]
            for p in parts[1:]:
                total = _ag.maximum(total, p)
        else:
            acc = None
            for t in tensors:
                g = t.detach()
                s = _ag.sum(g * g) if norm_type == 2.0 else _ag.sum(_ag.abs(g) ** norm_type)
                acc = s if acc is None else acc + s
            total = acc ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(float(total.item())):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} for gradients is non-finite, "
            "so it cannot be clipped; set error_if_nonfinite=False to clip anyway"
        )
    return total


def clip_grads_with_norm_(parameters: Any, max_norm: float, total_norm: Any, foreach: Any = None) -> None:
    """Scale gradients by ``min(1, max_norm / (total_norm + 1e-6))``."""
    grads = [p.grad for p in _params(parameters) if p.grad is not None]
    if not grads:
        return
    coef = _ag.clip(max_norm / (total_norm + 1e-6), None, 1.0)
    with no_grad():
        for g in grads:
            g.mul_(coef)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Rescale gradients in place so that their total norm is at most ``max_norm``.

    Returns the total norm before clipping.

    Examples
    --------
    >>> import anygrad
    >>> p = anygrad.nn.Parameter(anygrad.zeros(2))
    >>> p.grad = anygrad.tensor([3.0, 4.0])
    >>> anygrad.nn.utils.clip_grad_norm_([p], 1.0).item()
    5.0
    """
    params = _params(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_value_(parameters: Any, clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient to ``[-clip_value, clip_value]`` in place."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _params(parameters):
            if p.grad is not None:
                p.grad.clamp_(-clip_value, clip_value)


def parameters_to_vector(parameters: Iterable[Any]) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor."""
    return _ag.concat([_ag.reshape(p, (-1,)) for p in parameters], axis=0)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Any]) -> None:
    """Copy consecutive slices of ``vec`` into ``parameters`` (in place)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, got {type(vec).__name__}")
    params = list(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.shape[0] != total:
        raise ValueError(
            f"vector_to_parameters: expected a 1-D vector of {total} elements, got shape {tuple(vec.shape)}"
        )
    offset = 0
    with no_grad():
        for p in params:
            n = p.numel()
            p.copy_(_ag.reshape(vec[offset:offset + n], tuple(p.shape)))
            offset += n
