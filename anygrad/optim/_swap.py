"""``swap_in_optimizer_params_and_state``: run an optimizer on other parameters and state
for the length of a ``with`` block (PyTorch's ``torch.optim``)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from typing import Any, Iterator

from ..tensor import Tensor

__all__ = ["swap_in_optimizer_params_and_state"]

_OP = "swap_in_optimizer_params_and_state"


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer: Any, swapin_parameters: dict,
                                       swapin_optim_state: dict) -> Iterator[None]:
    """Inside the block, ``optimizer`` works on ``swapin_parameters`` with the state and
    group options of ``swapin_optim_state``; on exit its own parameters, options and state
    are back.

    Parameters
    ----------
    optimizer : Optimizer
        The live optimizer; it must have state already (after a first ``step()``).
    swapin_parameters : dict of str to Tensor
        The tensors to use as parameters, in the order of the optimizer's groups (usually
        ``model.named_parameters()``'s).
    swapin_optim_state : dict
        A :meth:`~anygrad.optim.Optimizer.state_dict`-shaped dict: ``"state"`` keyed by the
        packed parameter ids, ``"param_groups"`` with the same keys as the live groups. The
        state tensors are used as they are, so in-place updates during the block reach
        them; other changes (new entries) are dropped on exit.

    Examples
    --------
    >>> import anygrad
    >>> w = anygrad.ones(2, requires_grad=True)
    >>> opt = anygrad.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> w.grad = anygrad.ones(2); opt.step()
    >>> other = anygrad.zeros(2, requires_grad=True); other.grad = anygrad.ones(2)
    >>> with anygrad.optim.swap_in_optimizer_params_and_state(
    ...         opt, {"w": other}, opt.state_dict()):
    ...     opt.step()
    >>> other, w
    (tensor([-0.1900, -0.1900], requires_grad=True), tensor([0.9000, 0.9000], requires_grad=True))
    """
    if not optimizer.state:
        raise RuntimeError(f"{_OP}: the optimizer has no state yet (call step() once first)")
    if not isinstance(swapin_optim_state, dict):
        raise RuntimeError(f"{_OP}: expected a state_dict()-shaped dict as swapin_optim_state, "
                           f"got {type(swapin_optim_state).__name__}")
    state = swapin_optim_state.get("state")
    if not isinstance(state, dict) or any(not isinstance(v, dict) for v in state.values()) \
            or any(isinstance(k, Tensor) for k in state):
        raise RuntimeError(f"{_OP}: expected swapin_optim_state['state'] to map packed "
                           "parameter ids (ints) to per-parameter state dicts")
    groups = swapin_optim_state.get("param_groups")
    if not isinstance(groups, list) or len(groups) != len(optimizer.param_groups):
        raise RuntimeError(f"{_OP}: expected swapin_optim_state['param_groups'] to be a list of "
                           f"{len(optimizer.param_groups)} group dicts, got {groups!r:.80}")
    flat = list(swapin_parameters.values())
    offset, seen, plan = 0, set(), []
    for i, (live, new) in enumerate(zip(optimizer.param_groups, groups)):
        if not isinstance(new, dict):
            raise RuntimeError(f"{_OP}: parameter group {i} of swapin_optim_state is not a dict")
        ids = new.get("params")
        if not isinstance(ids, list) or not all(isinstance(j, int) for j in ids):
            raise RuntimeError(f"{_OP}: expected group {i}'s 'params' to be a list of packed "
                               "parameter ids (ints)")
        if len(ids) != len(live["params"]):
            raise RuntimeError(f"{_OP}: group {i} has {len(ids)} parameters in "
                               f"swapin_optim_state, the optimizer's has {len(live['params'])}")
        if set(new) != set(live):
            raise RuntimeError(f"{_OP}: group {i}'s keys differ: only in swap-in "
                               f"{sorted(set(new) - set(live))}, only in the optimizer "
                               f"{sorted(set(live) - set(new))}")
        if offset + len(ids) > len(flat):
            raise RuntimeError(f"{_OP}: expected at least {offset + len(ids)} swap-in "
                               f"parameters (the optimizer's groups, in order), got {len(flat)}")
        plan.append((live, new, flat[offset:offset + len(ids)], ids))
        offset += len(ids)
        seen.update(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise RuntimeError(f"{_OP}: swapin_optim_state['state'] has ids {extra!r} that no "
                           "parameter group lists")
    saved_state = optimizer.state
    saved_groups = [dict(g) for g in optimizer.param_groups]
    try:
        swapped: defaultdict = defaultdict(dict)
        for live, new, params, ids in plan:
            live.update({k: v for k, v in new.items() if k != "params"})
            live["params"] = params
            for p, j in zip(params, ids):
                swapped[p] = dict(state.get(j, {}))
        optimizer.state = swapped
        yield
    finally:
        for live, snapshot in zip(optimizer.param_groups, saved_groups):
            live.clear()
            live.update(snapshot)
        optimizer.state = saved_state
