"""Checks of a loaded optimizer state (issue 17).

A state dict whose per-parameter buffers have another shape than their parameter loaded
silently and failed at the next ``step`` with a broadcast error from deep inside the
update (PyTorch behaves the same). :func:`check_loaded_state` names the optimizer, the
state entry, the parameter, and both shapes; ``Optimizer.load_state_dict`` calls it for
every parameter after moving the state to the parameter's backend.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PER_PARAMETER_STATE", "check_loaded_state"]

# State entries that hold one value per element of their parameter (moments, momentum,
# running sums). Others are scalars (step, mu_product, ASGD's eta and mu) or, for LBFGS, flat vectors over
# all parameters, and are not compared with one parameter's shape.
PER_PARAMETER_STATE = frozenset({
    "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer", "square_avg", "grad_avg",
    "sum", "exp_inf", "acc_delta", "prev", "step_size", "ax",
})


def check_loaded_state(optimizer: str, index: Any, p: Any, state: dict) -> None:
    """Raise ``ValueError`` if a per-parameter entry of ``state`` (the loaded state of
    parameter ``index``, ``p``) has a shape other than ``p``'s."""
    want = tuple(p.shape)
    for key, value in state.items():
        if key not in PER_PARAMETER_STATE or value is None:
            continue
        shape = getattr(value, "shape", None)
        got = tuple(shape) if shape is not None else f"a {type(value).__name__}"
        if got != want:
            raise ValueError(
                f"{optimizer}.load_state_dict: state {key!r} of parameter {index} has shape "
                f"{got}, expected the parameter's shape {want}"
            )
