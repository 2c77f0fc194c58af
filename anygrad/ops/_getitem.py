"""``getitem`` and ``setitem``: NumPy indexing semantics on every backend, with gradients.

A key is parsed once into a :class:`_Plan`: the basic part (ints and ascending slices,
negative steps becoming a ``flip`` since torch has none) and, when there are integer arrays
or boolean masks, an advanced part reduced to one ``take`` of flat positions along a
leading axis (array-api-strict accepts integer arrays only together with integers).
Backward undoes the plan: a scatter-add for the advanced part (duplicates accumulate), then
zero blocks concatenated around the basic selection (no mutation, so JAX works).
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..tensor import Tensor, _make_tensor, make_view
from ._registry import OpSpec, register
from ._scatter import scatter_add as _kernel
from ._operands import check_index_range, unwrap
from .indexing import _index_array, _scatter_any, _zeros

__all__ = ["getitem", "setitem", "scatter"]


class _Plan:
    __slots__ = ("in_shape", "exp_shape", "basic", "basic_info", "flips", "adv", "has_adv")

    def apply(self, xp: Any, y: Any) -> Any:
        """Index the raw array ``y`` (of shape ``in_shape``)."""
        if self.exp_shape != self.in_shape:
            y = xp.reshape(y, self.exp_shape)
        if self.basic is not None:
            y = y[self.basic]
        if self.flips:
            y = xp.flip(y, axis=self.flips)
        adv = self.adv
        if adv is not None:
            perm, m, rest, lin, bshape, out_perm, _ = adv
            if perm is not None:
                y = xp.permute_dims(y, perm)
            y = xp.reshape(y, (m,) + rest)
            y = xp.take(y, lin, axis=0)
            y = xp.reshape(y, bshape + rest)
            if out_perm is not None:
                y = xp.permute_dims(y, out_perm)
        return y

    def undo(self, xp: Any, raw: Any, g: Any) -> Any:
        """The gradient with respect to the indexed array, from the result's gradient ``g``."""
        adv = self.adv
        if adv is not None:
            perm, m, rest, lin, bshape, out_perm, a_sizes = adv
            if out_perm is not None:
                g = xp.permute_dims(g, _inverse(out_perm))
            g = xp.reshape(g, (lin.shape[0],) + rest)
            g = _scatter_any(raw, _zeros(xp, (m,) + rest, g), 0, lin, g)
            g = xp.reshape(g, a_sizes + rest)
            if perm is not None:
                g = xp.permute_dims(g, _inverse(perm))
        if self.flips:
            g = xp.flip(g, axis=self.flips)
        if self.basic is not None:
            pos = 0
            for info in self.basic_info:
                if info[0] == 0:  # an int removed this axis
                    g = xp.expand_dims(g, axis=pos)
                    g = _place(xp, g, pos, info[1], 1, 1, info[2])
                else:
                    _, lo, length, step, n = info
                    if not (lo == 0 and length == n and step == 1):
                        g = _place(xp, g, pos, lo, length, step, n)
                pos += 1
        if self.exp_shape != self.in_shape:
            g = xp.reshape(g, self.in_shape)
        return g


def _inverse(perm: tuple) -> tuple:
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


def _place(xp: Any, g: Any, pos: int, lo: int, length: int, step: int, n: int) -> Any:
    """Put ``g`` (``length`` along ``pos``) at ``lo, lo + step, ...`` in zeros of size ``n``."""
    shape = list(g.shape)
    if length == 0:
        shape[pos] = n
        return _zeros(xp, tuple(shape), g)
    span = (length - 1) * step + 1
    if step > 1 and length > 1:
        z = xp.zeros_like(g)
        g = xp.stack([g] + [z] * (step - 1), axis=pos + 1)
        shape[pos] = length * step
        g = xp.reshape(g, tuple(shape))
        g = g[(slice(None),) * pos + (slice(0, span), Ellipsis)]
    parts = []
    if lo:
        shape[pos] = lo
        parts.append(_zeros(xp, tuple(shape), g))
    parts.append(g)
    after = n - lo - span
    if after:
        shape[pos] = after
        parts.append(_zeros(xp, tuple(shape), g))
    return g if len(parts) == 1 else xp.concat(parts, axis=pos)


def _parse(key: Any, shape: tuple, backend: Any, device: Any) -> _Plan:
    xp = backend.xp
    if type(key) is not tuple:
        key = (key,)
    items: list = []
    consumed = 0
    ellipsis = False
    for k in key:
        if k is None:
            items.append(None)
        elif k is Ellipsis:
            if ellipsis:
                raise IndexError("getitem: an index can only have a single ellipsis ('...')")
            ellipsis = True
            items.append(Ellipsis)
        elif type(k) is slice:
            items.append(k)
            consumed += 1
        elif type(k) is bool:
            raise IndexError("getitem: boolean scalars as indices are not supported")
        elif isinstance(k, (int, np.integer)):
            items.append(operator.index(k))
            consumed += 1
        else:
            arr = _index_array(k, backend, device, "getitem")
            if len(arr.shape) == 0 and backend.dtype_of(arr.dtype).kind in "iu":
                items.append(int(backend.to_numpy(arr)))
                consumed += 1
                continue
            items.append(arr)
            is_mask = backend.dtype_of(arr.dtype).kind == "b"
            consumed += len(arr.shape) if is_mask else 1
    if consumed > len(shape):
        raise IndexError(
            f"getitem: too many indices for a tensor of dimension {len(shape)} (got {consumed})"
        )
    # Ellipsis -> full slices; None -> a size-1 axis taken whole; masks -> integer arrays.
    fill = [slice(None)] * (len(shape) - consumed)
    if ellipsis:
        i = items.index(Ellipsis)
        items[i:i + 1] = fill
    else:
        items += fill
    exp_shape: list = []
    per_dim: list = []
    d = 0
    for k in items:
        if k is None:
            exp_shape.append(1)
            per_dim.append(slice(None))
        elif type(k) in (slice, int):
            exp_shape.append(shape[d])
            per_dim.append(k)
            d += 1
        elif backend.dtype_of(k.dtype).kind == "b" and len(k.shape) == 0:
            # A 0-d mask adds an axis of length 1 (True) or 0 (False), as NumPy/PyTorch.
            exp_shape.append(1)
            keep = bool(backend.to_numpy(k))
            per_dim.append(xp.asarray([0] if keep else [], dtype=xp.int64, device=device))
        elif backend.dtype_of(k.dtype).kind == "b":
            nd = len(k.shape)
            if tuple(k.shape) != tuple(shape[d:d + nd]):
                raise IndexError(
                    f"getitem: boolean mask of shape {tuple(k.shape)} does not match the indexed "
                    f"dimensions {tuple(shape[d:d + nd])}"
                )
            exp_shape.extend(shape[d:d + nd])
            per_dim.extend(xp.nonzero(k) if nd else ())
            d += nd
        else:
            exp_shape.append(shape[d])
            per_dim.append(k)
            d += 1
    plan = _Plan()
    plan.in_shape = tuple(shape)
    plan.exp_shape = tuple(exp_shape)
    has_adv = any(type(k) not in (slice, int) for k in per_dim)
    plan.has_adv = has_adv
    basic: list = []
    info: list = []
    flips: list = []
    out_axis = 0
    trivial = True
    for dim, (k, n) in enumerate(zip(per_dim, exp_shape)):
        if type(k) is int and not has_adv:
            if not -n <= k < n:
                raise IndexError(f"getitem: index {k} is out of bounds for axis {dim} with size {n}")
            k %= n
            basic.append(k)
            info.append((0, k, n))
            trivial = False
        elif type(k) is slice:
            start, stop, step = k.indices(n)
            r = range(start, stop, step)
            length = len(r)
            if length == 0:
                lo, s = 0, 1
            elif step > 0:
                lo, s = start, step
            else:
                lo, s = r[-1], -step
                if length > 1:
                    flips.append(out_axis)
            basic.append(slice(lo, lo + (length - 1) * s + 1, s) if length else slice(0, 0))
            info.append((1, lo, length, s, n))
            trivial = trivial and lo == 0 and length == n and s == 1
            out_axis += 1
        else:  # advanced (an array, or an int among arrays): taken whole here
            basic.append(slice(None))
            info.append((1, 0, n, 1, n))
            out_axis += 1
    # A trailing ``...`` keeps NumPy from returning a scalar (a copy) for ``x[i]`` of 1-D x.
    plan.basic = None if trivial else tuple(basic) + (Ellipsis,)
    plan.basic_info = tuple(info)
    plan.flips = tuple(flips)
    plan.adv = _advanced(xp, per_dim, info) if has_adv else None
    return plan


def _advanced(xp: Any, per_dim: list, info: list) -> tuple:
    """Flat positions over the advanced axes, and where their block goes in the result."""
    adims = [d for d, k in enumerate(per_dim) if type(k) is not slice]
    rdims = [d for d, k in enumerate(per_dim) if type(k) is slice]
    sizes = tuple(info[d][2] for d in range(len(per_dim)))  # lengths after the basic part
    a_sizes = tuple(sizes[d] for d in adims)
    rest = tuple(sizes[d] for d in rdims)
    bshape = tuple(np.broadcast_shapes(*(
        () if type(per_dim[d]) is int else tuple(per_dim[d].shape) for d in adims)))
    lin: Any = 0
    for d in adims:
        k, n = per_dim[d], sizes[d]
        if type(k) is int:
            if not -n <= k < n:
                raise IndexError(f"getitem: index {k} is out of bounds for axis {d} with size {n}")
            k %= n
        else:
            # Backends differ on out-of-range values (NumPy raises, JAX clamps, the
            # standard leaves it undefined): one check here, for getitem and setitem alike.
            check_index_range(xp, k, n, "getitem", dim=d)
            k = xp.where(k < 0, k + n, k)
        lin = lin * n + k
    lin = xp.reshape(xp.broadcast_to(lin, bshape), (-1,))
    perm = tuple(adims + rdims)
    if perm == tuple(range(len(perm))):
        perm = None
    out_perm = None
    contiguous = adims == list(range(adims[0], adims[0] + len(adims)))
    p = adims[0]
    if contiguous and p > 0:
        nb, nr = len(bshape), len(rest)
        out_perm = tuple(range(nb, nb + p)) + tuple(range(nb)) + tuple(range(nb + p, nb + nr))
    return perm, math.prod(a_sizes), rest, lin, bshape, out_perm, a_sizes


class GetItem(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, *, plan: _Plan) -> Any:
        ctx.plan = plan
        return plan.apply(ctx.xp, x)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.plan.undo(ctx.xp, ctx._backend.xp, gy)

    def name(self) -> str:
        # PyTorch records one node per indexing step; the last step is the one a program
        # sees: an index array (Index), an integer (Select), a slice (Slice), None (Unsqueeze).
        plan = self.plan
        if plan.adv is not None:
            return "IndexBackward0"
        basic = plan.basic if plan.basic is not None else ()
        for k, n in reversed(tuple(zip(basic, plan.exp_shape))):
            if isinstance(k, int):
                return "SelectBackward0"
            if isinstance(k, slice) and k.indices(n) != (0, n, 1):
                return "SliceBackward0"
        if plan.exp_shape != plan.in_shape:
            return "UnsqueezeBackward0"
        return "AliasBackward0"


def getitem(x: Any, key: Any, /) -> Any:
    """``x[key]`` with NumPy semantics: ints, slices (any step), ``...``, ``None``, integer
    arrays (several broadcast together) and boolean masks. Gradients accumulate over
    repeated indices.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.arange(6.0).reshape(2, 3)
    >>> x[:, ::-1]
    tensor([[2., 1., 0.],
            [5., 4., 3.]])
    >>> x[anygrad.tensor([1, 1]), 0]
    tensor([3., 3.])
    """
    (arr,), backend = unwrap((x,), "getitem")
    plan = _parse(key, tuple(arr.shape), backend, backend.device_of(arr))
    out = GetItem.apply(x, plan=plan)
    if plan.adv is None and isinstance(x, Tensor):
        # Basic indexing gives a view (torch has no negative strides: a reversed slice
        # there is kept in sync functionally).
        make_view(out, x, plan.apply, native=not plan.flips or backend.negative_steps)
    return out


register(OpSpec("getitem", getitem,
                harness=lambda x: getitem(x, (slice(None, None, -2), [0, 2, 0])),
                ref=lambda x: x[::-2][:, [0, 2, 0]], category="indexing", method="__getitem__",
                shapes=lambda rng: ((5, 4),),
                notes="tested as x[::-2, [0, 2, 0]]; the suite in tests/ops covers the rest"))


class SetItem(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, value: Any, *, pos: Any, dedup: Any, sel_shape: tuple) -> Any:
        xp = ctx.xp
        device = x.device
        if type(value) in (int, float, bool, complex):
            value = xp.asarray(value, dtype=x.dtype, device=device)
        elif value.dtype != x.dtype:
            value = xp.astype(value, x.dtype)
        v = xp.reshape(xp.broadcast_to(value, sel_shape), (-1,))
        if dedup is not None:
            v = xp.take(v, dedup)
        numel = math.prod(x.shape)
        # Scatter value *numbers* (1-based integers, exact), not values: the kernel's
        # standard-only path sums, which would turn inf into NaN and lose precision.
        k = pos.shape[0]
        which = xp.arange(1, k + 1, dtype=xp.int64, device=device)
        src = _kernel(xp, xp.zeros((numel,), dtype=xp.int64, device=device), 0, pos, which)
        mask = src > 0
        ctx.mask, ctx.pos, ctx.dedup, ctx.sel_shape = mask, pos, dedup, sel_shape
        ctx.shape = tuple(x.shape)
        flat = xp.reshape(x, (-1,))
        if k == 0:
            return xp.reshape(xp.asarray(flat, copy=True), ctx.shape)
        placed = xp.take(v, xp.where(mask, src - 1, xp.zeros_like(src)))
        return xp.reshape(xp.where(mask, placed, flat), ctx.shape)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp, needs = ctx.xp, ctx.needs_input_grad
        g = xp.reshape(gy, (-1,))
        gx = gv = None
        if needs[0]:
            gx = xp.reshape(xp.where(ctx.mask, xp.zeros_like(g), g), ctx.shape)
        if needs[1]:
            gv = xp.take(g, ctx.pos)
            if ctx.dedup is not None:
                zeros = _zeros(xp, (math.prod(ctx.sel_shape),), g)
                gv = _scatter_any(ctx._backend.xp, zeros, 0, ctx.dedup, gv)
            gv = xp.reshape(gv, ctx.sel_shape)
        return gx, gv


def setitem(x: Any, key: Any, value: Any, /) -> Any:
    """A new tensor equal to ``x`` with ``x[key] = value`` applied (out of place).

    ``Tensor.__setitem__`` writes into the tensor's memory instead. Gradients flow to ``x`` (zero
    where overwritten) and to ``value`` (the overwritten positions, summed over broadcast
    dimensions). Where an advanced index repeats a position, the last value wins.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.setitem(anygrad.zeros(4), slice(1, 3), 5.0)
    tensor([0., 5., 5., 0.])
    """
    (arr,), backend = unwrap((x,), "setitem")
    xp = backend.xp
    shape = tuple(arr.shape)
    device = backend.device_of(arr)
    plan = _parse(key, shape, backend, device)
    ids = xp.reshape(xp.arange(math.prod(shape), dtype=xp.int64, device=device), shape)
    pos = plan.apply(xp, ids)
    sel_shape = tuple(pos.shape)
    pos = xp.reshape(pos, (-1,))
    dedup = None
    if plan.has_adv and pos.shape[0] > 1:
        order = xp.argsort(pos, stable=True)
        spos = xp.take(pos, order)
        last = xp.concat((spos[1:] != spos[:-1], xp.ones((1,), dtype=xp.bool, device=device)))
        if not bool(xp.all(last)):
            (keep,) = xp.nonzero(last)
            dedup = xp.take(order, keep)
            pos = xp.take(spos, keep)
    return SetItem.apply(x, value, pos=pos, dedup=dedup, sel_shape=sel_shape)


def _setitem_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-2, 2, (4, 5)).astype(dtype), rng.uniform(-2, 2, (5,)).astype(dtype)]


register(OpSpec("setitem", setitem,
                harness=lambda x, v: setitem(x, slice(1, None, 2), v), ref=None,
                nin=2, make_inputs=_setitem_inputs, category="indexing", method=None,
                notes="tested as x[1::2] = v (v broadcast)"))


def scatter(x: Any, dim: int, index: Any, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Any:
    """PyTorch's ``scatter``: a copy of ``x`` with ``x[..., index[i, j], ...] = src[i, j]``
    along ``dim`` (``src`` a tensor of at least ``index``'s size, or a number ``value``).

    Where ``index`` repeats a position, the last value wins. Gradients flow to ``x`` (zero
    where overwritten) and to ``src``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.scatter(anygrad.zeros(2, 3), 1, anygrad.tensor([[2], [0]]), value=5.0)
    tensor([[0., 0., 5.],
            [5., 0., 0.]])
    """
    if (src is None) == (value is None):
        raise TypeError("scatter: pass exactly one of src (a tensor) and value (a number)")
    if reduce is not None:
        # PyTorch's older spelling of scatter_reduce (which includes x's own values).
        from .torch_indexing import scatter_reduce

        if reduce not in ("add", "multiply"):
            raise ValueError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
        if src is None:
            (arr, idx), backend = unwrap((x, index), "scatter")
            src = _make_tensor(backend.xp.full(tuple(idx.shape), value, dtype=arr.dtype,
                                               device=backend.device_of(arr)), backend)
        return scatter_reduce(x, dim, index, src, "sum" if reduce == "add" else "prod")
    (arr, idx), backend = unwrap((x, index), "scatter")
    xp = backend.xp
    shape, ishape = tuple(arr.shape), tuple(idx.shape)
    nd = len(shape)
    d = dim % nd if nd else 0
    if len(ishape) != nd or any(ishape[k] > shape[k] for k in range(nd) if k != d):
        raise ValueError(
            f"scatter: index of shape {ishape} does not fit a tensor of shape {shape} along "
            f"dimension {dim} (same number of dimensions, no larger elsewhere)")
    device = backend.device_of(arr)
    grids = []
    for k in range(nd):
        if k == d:
            grids.append(idx)
        else:
            axis = [1] * nd
            axis[k] = ishape[k]
            grids.append(xp.reshape(xp.arange(ishape[k], device=device), tuple(axis)))
    if src is None:
        return setitem(x, tuple(grids), value)
    sshape = tuple(src.shape)
    if len(sshape) != nd or any(ishape[k] > sshape[k] for k in range(nd)):
        raise ValueError(f"scatter: index of shape {ishape} is larger than src of shape {sshape}")
    part = src[tuple(slice(0, n) for n in ishape)] if sshape != ishape else src
    return setitem(x, tuple(grids), part)


def _scatter_inputs(rng: Any, dtype: str) -> list:
    x = rng.uniform(-2, 2, (4, 3)).astype(dtype)
    index = np.array([[2, 0, 1], [1, 3, 0]])  # no repeats in a column: one last value
    return [x, index, rng.uniform(-2, 2, (2, 3)).astype(dtype)]


register(OpSpec("scatter", scatter,
                harness=lambda x, i, s: scatter(x, 0, i, s), ref=None, nin=3,
                make_inputs=_scatter_inputs, category="indexing", method="scatter",
                grad_inputs=(0, 2), notes="tested as scatter(x, 0, index, src)", inplace=True))
