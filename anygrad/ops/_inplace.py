"""In-place operations, with PyTorch's autograd semantics.

An in-place method computes its result out of place (recorded as usual), writes it into
the tensor's memory (:meth:`Tensor._write`), then rewires the history:

- a tensor that is not a view takes the result's ``grad_fn``;
- a write into a view changes its base too: the base's new history is a ``CopySlices``
  node (the old base everywhere except the view's positions, which come from the result),
  and every view of that base that carries history is re-derived from it
  (``AsStridedBackward0``), as PyTorch regenerates views after an in-place change.

Positions are flat indices into the storage's root array, found by replaying the view's
recipe on an index array (:meth:`ViewFn.index`), so one mechanism serves every view.
"""

from __future__ import annotations

import math
from typing import Any

from ..autograd.function import Function
from ..autograd.grad_mode import _enabled
from ..tensor import Tensor, _register, dependents
from ._scatter import scatter_add as _kernel
from ._getitem import SetItem
from .indexing import _scatter_any, _zeros

__all__ = ["inplace", "setitem_"]

_grad_enabled = _enabled.get
# PyTorch's categories: an in-place result may not move to a higher one (float into int).
_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


class CopySlices(SetItem):
    """The base after a write into one of its views (the data is already in place).

    Its backward is setitem's: the base's gradient with the written positions zeroed, and
    the written values' gradient taken at those positions."""

    def name(self) -> str:
        return "CopySlices"

    @staticmethod
    def forward(ctx: Any, base: Any, value: Any, *, pos: Any, hit: Any) -> Any:
        ctx.pos, ctx.mask, ctx.dedup = pos, hit, None
        ctx.shape, ctx.sel_shape = tuple(base.shape), tuple(value.shape)
        return base


class AsStrided(Function):
    """A view re-derived from its base's current history (after an in-place change)."""

    @staticmethod
    def forward(ctx: Any, base: Any, *, pos: Any, view: Any) -> Any:
        ctx.pos, ctx.shape = pos, tuple(base.shape)
        return view

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        g = xp.reshape(gy, (-1,))
        z = _zeros(xp, (math.prod(ctx.shape),), g)
        return xp.reshape(_scatter_any(ctx._backend.xp, z, 0, ctx.pos, g), ctx.shape)


def _positions(view: Tensor) -> Any:
    """The view's flat positions in its root, as a backend array on the view's device."""
    backend = view._backend
    root = view._storage.base
    pos = view._view_fn.index(tuple(root.shape)).reshape(-1)
    return backend.xp.asarray(pos, device=backend.device_of(root))


def _leaf_error(op: str, view: bool) -> RuntimeError:
    what = "a view of a leaf tensor" if view else "a leaf tensor"
    return RuntimeError(
        f"{op}: {what} that requires grad is being used in an in-place operation; wrap the "
        "update in `with anygrad.no_grad():` or use .data"
    )


def _cast_result(t: Tensor, result: Tensor, op: str) -> Any:
    """``result``'s array in ``t``'s dtype and shape, by PyTorch's in-place type rules."""
    if result._backend is not t._backend:
        raise TypeError(
            f"{op}: cannot write a tensor of backend {result.backend!r} into one of backend "
            f"{t.backend!r}"
        )
    new, old = result._data, t._data
    if tuple(new.shape) != tuple(old.shape):
        raise RuntimeError(
            f"{op}: output with shape {tuple(old.shape)} doesn't match the broadcast shape "
            f"{tuple(new.shape)}"
        )
    if new.dtype != old.dtype:
        have, want = result.dtype, t.dtype
        if _KIND_RANK[have.kind] > _KIND_RANK[want.kind]:
            raise RuntimeError(
                f"{op}: result type {have} can't be cast to the desired output type {want}"
            )
        new = t._backend.xp.astype(new, old.dtype)
    return new


def inplace(t: Tensor, result: Tensor, op: str) -> Tensor:
    """Finish an in-place method: write ``result`` (computed out of place) into ``t``."""
    grad_on = _grad_enabled()
    base = t._base
    if grad_on:
        if t._requires_grad and t._grad_fn is None:
            raise _leaf_error(op, False)
        if base is not None and base._requires_grad and base._grad_fn is None:
            raise _leaf_error(op, True)
    tracked = grad_on and (result._requires_grad or t._requires_grad)
    vf = t._view_fn
    if tracked and base is not None and vf.component is not None:
        # Checked before anything is written: no partial writes.
        raise RuntimeError(
            f"{op}: writing into .{vf.component} of a complex tensor is not differentiable in "
            "anygrad yet; write under anygrad.no_grad(), or compute the new tensor out of "
            "place (for example x.real * 2 + 1j * x.imag)"
        )
    node = result._grad_fn
    if node is not None and node._saved:
        _unalias_saved(node, t._data)
    t._write(_cast_result(t, result, op))
    if tracked:
        _rewire(t, result)
    return t


def _unalias_saved(node: Function, array: Any) -> None:
    """Give ``node`` a private copy of ``array`` if it saved it: the write about to happen
    would otherwise change what backward reads (``x.sin_()`` needs the old ``x``)."""
    saved = node._saved
    if not any(s is array for s in saved):
        return
    backend = node._backend
    copy = backend.xp.asarray(array, copy=True) if backend.mutable else array
    node._saved = tuple(copy if s is array else s for s in saved)
    vs = node._versions
    if vs:
        node._versions = sum((vs[k:k + 3] for k in range(0, len(vs), 3)
                              if saved[vs[k + 2]] is not array), ()) or None
    # The edge that carried the array's identity (to reconnect it under create_graph).
    node._edges = tuple(
        e if e is None or e[4] != id(array) else e[:4] + (id(copy),) for e in node._edges
    )


def _rewire(t: Tensor, result: Tensor) -> None:
    base = t._base
    if base is None:
        t._grad_fn, t._output_nr = result._grad_fn, result._output_nr
        t._requires_grad = result._requires_grad
        root = t
    else:
        root = base
        pos = _positions(t)
        xp = t._backend.xp
        numel = math.prod(root._storage.base.shape)
        ones = xp.ones(pos.shape, dtype=xp.int32, device=pos.device)
        hit = _kernel(xp, xp.zeros((numel,), dtype=xp.int32, device=pos.device), 0, pos, ones) > 0
        node = CopySlices.apply(root, result, pos=pos, hit=hit)._grad_fn
        root._grad_fn, root._output_nr, root._requires_grad = node, 0, True
        _rederive(t, root)
        _register(t._storage, t)
    for v in dependents(t._storage):
        if v is not t and v._base is root and v._requires_grad:
            _rederive(v, root)


def _rederive(view: Tensor, root: Tensor) -> None:
    node = AsStrided.apply(root, pos=_positions(view), view=view._data)._grad_fn
    view._grad_fn, view._output_nr, view._requires_grad = node, 0, node is not None


def setitem_(t: Tensor, key: Any, value: Any) -> None:
    """``t[key] = value``: a write into ``t``'s memory (recorded when gradients flow)."""
    from ._getitem import getitem, setitem

    if _grad_enabled() and (t._requires_grad or (isinstance(value, Tensor) and value._requires_grad)):
        inplace(t, setitem(t, key, value), "__setitem__")
        return
    from ..autograd.grad_mode import no_grad

    with no_grad():
        target = getitem(t, key)
        if target._storage is t._storage:  # a view: write through it
            target._write(_value_array(target, value))
        else:  # advanced indexing: write the whole new value
            t._write(setitem(t, key, value)._data)


def _value_array(target: Tensor, value: Any) -> Any:
    """``value`` as an array of ``target``'s dtype broadcast to its shape."""
    from .shape import broadcast_to

    backend = target._backend
    if not isinstance(value, Tensor):
        from ..creation import asarray

        value = asarray(value, dtype=target.dtype, backend=backend, device=target.device)
    elif value._backend is not backend:
        raise TypeError(
            f"__setitem__: cannot write a tensor of backend {value.backend!r} into one of "
            f"backend {target.backend!r}"
        )
    return _cast_result(target, broadcast_to(value, tuple(target.shape)), "__setitem__")
