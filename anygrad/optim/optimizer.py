"""The :class:`Optimizer` base class: parameter groups, state, state dicts.

An optimizer step works on the raw backend arrays (``p._data``) with the backend's
own namespace: no graph, no per-op Tensor overhead. New values are written into the
parameter's memory (``p.data.copy_(new)``), so views of a parameter follow, and a graph
that saved the parameter before the step raises in backward (its version changed).
The arithmetic of every optimizer follows ``torch.optim``'s single-tensor code, in the
same order, so float64 trajectories agree with PyTorch to rounding.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable, Iterable

from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor, _make_tensor
from ._checks import check_loaded_state

__all__ = ["Optimizer", "required"]


class _Required:
    """Marks a hyper-parameter without a default (``SGD(params)`` must give ``lr``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required: Any = _Required()


# -- raw-array helpers shared by the optimizers ----------------------------------------------
def _write(t: Tensor, array: Any, owned: bool = True) -> None:
    """``t.data.copy_(array)``: write into ``t``'s memory, so its views see the update.

    ``array`` is a new result of the update's arithmetic (``owned``): where nothing else
    shares ``t``'s memory, ``t`` takes it without a copy."""
    backend = t._backend
    if type(array) is not backend.array_type:
        # NumPy turns 0-d results into NumPy scalars.
        array = backend.xp.asarray(array)
    t._write(array, owned=owned)


def _state_tensor(p: Tensor, array: Any) -> Tensor:
    """A new state Tensor (``exp_avg``...) on ``p``'s backend holding ``array``."""
    backend = p._backend
    if type(array) is not backend.array_type:
        array = backend.xp.asarray(array)
    return _make_tensor(array, backend)


def _check(name: str, ok: bool, what: str, value: Any) -> None:
    if not ok:
        raise ValueError(f"{name}: invalid {what}, got {value!r}")


def _check_betas(name: str, betas: Any) -> None:
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}") from None
    _check(name, 0.0 <= b1 < 1.0, "beta parameter at index 0, expected 0 <= beta1 < 1", b1)
    _check(name, 0.0 <= b2 < 1.0, "beta parameter at index 1, expected 0 <= beta2 < 1", b2)


def _check_common(name: str, lr: Any, eps: Any = 0.0, weight_decay: Any = 0.0) -> None:
    if lr is not required:
        _check(name, isinstance(lr, (int, float)) and lr >= 0.0, "learning rate, expected lr >= 0", lr)
    _check(name, eps >= 0.0, "epsilon value, expected eps >= 0", eps)
    _check(name, weight_decay >= 0.0, "weight_decay value, expected weight_decay >= 0", weight_decay)


class Optimizer:
    """Base class of all optimizers (PyTorch's ``torch.optim.Optimizer``).

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The leaf tensors to optimize, or parameter groups: dicts with a ``"params"`` entry
        and per-group options overriding ``defaults``.
    defaults : dict
        Default options for every group.

    Attributes
    ----------
    param_groups : list of dict
        The groups, each with its ``"params"`` list and its options.
    state : dict
        Per-parameter state (``{"step": ..., "exp_avg": Tensor, ...}``) keyed by parameter.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(
                f"{name}: params must be an iterable of Tensors or dicts, got a single Tensor"
            )
        if isinstance(params, dict):
            raise TypeError(f"{name}: params must be an iterable of Tensors or dicts, got a dict")
        groups = list(params)
        if len(groups) == 0:
            raise ValueError(f"{name}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- groups ----------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with its own options) to optimize."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a param group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                f"{name}: parameters must be an ordered collection (list, tuple), got a set"
            )
        else:
            params = list(params)
        seen: set[int] = set()
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: can only optimize Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name}: can't optimize a non-leaf Tensor (it has a grad_fn)")
            if id(p) in seen:
                raise ValueError(f"{name}: a parameter appears twice in one param group")
            seen.add(id(p))
        group = dict(param_group)
        group["params"] = params
        for key, default in self.defaults.items():
            if default is required and key not in group:
                raise ValueError(f"{name}: param group does not give the required option {key!r}")
            group.setdefault(key, default)
        for other in self.param_groups:
            if any(id(p) in seen for p in other["params"]):
                raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        self._validate_group(group)
        self.param_groups.append(group)

    def _validate_group(self, group: dict[str, Any]) -> None:
        """Check a group's options (subclasses raise ValueError naming the bad value)."""

    # -- gradients -------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (to None, or to zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g._grad_fn is not None:
                        g = p.grad = g.detach()
                    _write(g, g._backend.xp.zeros_like(g._data))

    def _run_closure(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()``'s loss if given."""
        loss = self._run_closure(closure)
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    g = p.grad
                    if g is None:
                        continue
                    self._update(p, g._data, self.state[p], group)
        return loss

    def _update(self, p: Tensor, g: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    # -- state dicts -----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state, PyTorch's layout: ``{"state": {index: {...}},
        "param_groups": [{..., "params": [index, ...]}]}``."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                i = index.setdefault(id(p), len(index))
                ids.append(i)
            packed["params"] = ids
            groups.append(packed)
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from :meth:`state_dict` (possibly from another backend or device).

        State tensors move to each parameter's backend and device; floating-point ones take
        the parameter's dtype, as in PyTorch.
        """
        name = type(self).__name__
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the state dict has {len(saved_groups)} parameter groups, "
                f"the optimizer has {len(self.param_groups)}"
            )
        by_index: dict[Any, Tensor] = {}
        for group, saved in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: a parameter group of the state dict has "
                    f"{len(saved['params'])} parameters, the optimizer's has {len(group['params'])}"
                )
            for i, p in zip(saved["params"], group["params"]):
                by_index[i] = p
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for key, values in state_dict["state"].items():
            p = by_index.get(key)
            if p is None:
                continue
            state[p] = loaded = {k: _cast_state(p, k, v) for k, v in values.items()}
            check_loaded_state(name, key, p, loaded)
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            merged = {k: v for k, v in saved.items() if k != "params"}
            merged["params"] = group["params"]
            new_groups.append(merged)
        self.state = state
        self.param_groups = new_groups

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key != "params":
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


def _cast_state(p: Tensor, key: str, value: Any) -> Any:
    """A fresh copy of one state value, moved to ``p``'s backend and device."""
    if isinstance(value, (list, tuple)):  # LBFGS keeps lists of history vectors
        return type(value)(_cast_state(p, key, v) for v in value)
    if not isinstance(value, Tensor):
        return value
    from ..creation import asarray

    dtype = p.dtype if (value.dtype.kind in "fc" and key != "step") else value.dtype
    # A copy: later steps write into the state, never into the caller's tensors.
    moved = asarray(value.detach(), dtype=dtype, device=p.device, backend=p._backend.name,
                    copy=True)
    return _make_tensor(moved._data, p._backend)

