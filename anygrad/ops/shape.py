"""Shape manipulation: reshape, permute, squeeze, flip, roll, concat, stack, split, tile,
tril/triu, diff, meshgrid...

Most of these are one Function whose backward is the inverse rearrangement; the PyTorch
spellings (``permute``, ``transpose``, ``unsqueeze``, ``cat``, ``unbind``, ``movedim``) are
thin functions over the Array API ones.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import numpy as np

from array_api_compat import device as _device

from ..autograd.function import Function
from ..tensor import Tensor, make_view
from ._operands import promote_operands
from ._registry import OpSpec, register

# PyTorch's spellings (permute, transpose, movedim, unsqueeze, cat, unbind) are the
# registry aliases of these operations, generated with PyTorch's signatures by the faces.
__all__ = [
    "reshape", "view", "broadcast_to", "permute_dims", "swapaxes", "moveaxis", "expand_dims",
    "squeeze", "flatten", "unflatten", "flip", "roll", "concat", "stack", "unstack", "split",
    "chunk", "broadcast_arrays", "expand", "tile", "repeat", "tril", "triu", "diff", "meshgrid",
]


def resolve_shape(shape: Any, numel: int, op: str, source: tuple) -> tuple[int, ...]:
    """Fill in one ``-1`` and check that ``shape`` holds ``numel`` elements."""
    if isinstance(shape, int):
        shape = (shape,)
    shape = tuple(int(s) for s in shape)
    unknown = [i for i, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise ValueError(f"{op}: only one dimension can be -1, got shape {shape}")
    known = math.prod(s for s in shape if s != -1)
    if unknown:
        if known == 0 or numel % known:
            raise ValueError(f"{op}: shape {shape} is invalid for input of shape {source}")
        shape = shape[: unknown[0]] + (numel // known,) + shape[unknown[0] + 1 :]
    elif known != numel:
        raise ValueError(f"{op}: shape {shape} is invalid for input of shape {source}")
    return shape


class Reshape(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, shape: tuple, *, out: Any = None) -> Any:
        ctx.in_shape = tuple(x.shape)
        return ctx.xp.reshape(x, shape) if out is None else out

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.xp.reshape(gy, ctx.in_shape), None


# The reshape node under the names PyTorch records, so that a program walking or printing
# the graph (the tutorials do) sees what it sees under PyTorch. One backward for all.
class View(Reshape):
    """A reshape that shares its input's memory (``view``, ``reshape``, ``flatten``...)."""


class UnsafeView(Reshape):
    """A reshape that copied (a non-contiguous input), or of a product's fresh result."""


class Unsqueeze(Reshape):
    """A new axis of size 1."""


class Squeeze(Reshape):
    """``squeeze()``: every size-1 axis removed."""


class SqueezeDim(Reshape):
    def name(self) -> str:  # squeeze(dim)
        return "SqueezeBackward1"


class SqueezeDims(Reshape):
    def name(self) -> str:  # squeeze((dim, ...))
        return "SqueezeBackward2"


class SqueezeLast(Reshape):
    def name(self) -> str:  # the axis a matrix product added for a 1-D operand
        return "SqueezeBackward4"


# -- view recipes: f(xp, array), replayed by functional views (see tensor.ViewFn) -------------
def _reshape_fn(xp: Any, a: Any, shape: tuple) -> Any:
    return xp.reshape(a, shape)


def _permute_fn(xp: Any, a: Any, axes: tuple) -> Any:
    return xp.permute_dims(a, axes)


def _broadcast_fn(xp: Any, a: Any, shape: tuple) -> Any:
    return xp.broadcast_to(a, shape)


def _select_fn(xp: Any, a: Any, key: tuple) -> Any:
    return a[key]


def _reshaped(x: Any, shape: tuple, op: str, view: bool | None, node: type | None = None) -> Any:
    """``x`` reshaped: a view when the layout allows it (PyTorch's rule), else a copy.

    ``view=True`` (``Tensor.view``) raises instead of copying; ``view=False`` always copies.
    The node is PyTorch's: ``ViewBackward0`` for a view, ``UnsafeViewBackward0`` for a copy,
    unless ``node`` (a ``Reshape`` subclass: ``Unsqueeze``, ``Squeeze``...) names the step; a
    view shares its base's version counter either way.
    """
    if not isinstance(x, Tensor):
        return (node or View).apply(x, shape)
    backend = x._backend
    arr = None
    if view is not False:
        index = None
        if not backend.mutable:
            index = _flat_index(x)
        arr = backend.reshape_view(x._data, shape, index)
    if arr is None:
        if view:
            raise RuntimeError(
                f"{op}: view size is not compatible with input tensor's size and stride (shape "
                f"{tuple(x.shape)} to {shape}: at least one dimension spans across two "
                "contiguous subspaces); use .reshape(...) instead"
            )
        node = node or UnsafeView  # PyTorch: a copy, then an unsafe view of it
        if view is False:  # copy=True: never share memory, even where a view was possible
            xp = backend.xp
            return node.apply(x, shape, out=xp.asarray(xp.reshape(x._data, shape), copy=True))
        return node.apply(x, shape)
    return make_view((node or View).apply(x, shape, out=arr), x, partial(_reshape_fn, shape=shape))


def _flat_index(x: Tensor) -> Any:
    """Positions of ``x``'s elements in its storage's root (NumPy; for JAX's decisions)."""
    root_shape = tuple(x._storage.base.shape)
    vf = x._view_fn
    if vf is not None:
        return vf.index(root_shape)
    return np.arange(math.prod(root_shape), dtype=np.int64).reshape(root_shape)


def reshape(x: Any, /, shape: Any, *, copy: bool | None = None) -> Any:
    """``x`` with a new shape holding the same elements (one entry may be -1).

    A view of ``x`` where its layout allows one (as PyTorch's ``reshape``), else a copy;
    ``copy=True`` always copies, ``copy=False`` raises rather than copy (the standard).
    """
    src = tuple(x.shape)
    shape = resolve_shape(shape, math.prod(src), "reshape", src)
    if copy is False:
        return _reshaped(x, shape, "reshape", True)
    return _reshaped(x, shape, "reshape", False if copy else None)


def view(x: Any, /, *shape: Any) -> Any:
    """PyTorch's ``view``: ``x`` with a new shape, always sharing its memory; raises where
    the layout does not allow it (use :func:`reshape` there)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    if len(shape) == 1 and not isinstance(shape[0], int):
        raise TypeError(f"view: expected a shape, got {shape[0]!r}; view(dtype) is not supported "
                        "(anygrad never reinterprets an array's bytes)")
    src = tuple(x.shape)
    return _reshaped(x, resolve_shape(shape, math.prod(src), "view", src), "view", True)


register(OpSpec("view", view, harness=lambda x: view(x, 2, 6), ref=lambda x: np.reshape(x, (2, 6)),
                method="view", category="shape", shapes=lambda rng: ((3, 4),),
                notes="tested as view(x, 2, 6); a view of x (raises where a copy is needed)"))


register(OpSpec("reshape", reshape, ref=lambda x, shape: np.reshape(x, shape), method="reshape",
                category="shape", kwargs=({"shape": (-1,)}, {"shape": (2, -1)}), torch_args=("*shape",)))


class Expand(Function):  # PyTorch's name: ExpandBackward0
    @staticmethod
    def forward(ctx: Any, x: Any, shape: tuple) -> Any:
        return ctx.xp.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        # The engine sums the broadcast gradient back to the input's shape.
        return gy, None


def broadcast_to(x: Any, /, shape: Any) -> Any:
    """``x`` broadcast to ``shape`` (a view; elements repeated along broadcast dimensions
    share memory, so writing into it raises, as PyTorch's in-place ops do)."""
    shape = tuple(int(s) for s in shape)
    src = tuple(x.shape)
    lead = len(shape) - len(src)
    if lead < 0 or any(s not in (1, t) for s, t in zip(src, shape[lead:])):
        raise ValueError(f"broadcast_to: cannot broadcast shape {src} to {shape}")
    if not isinstance(x, Tensor):
        return Expand.apply(x, shape)
    if shape == src:
        return _reshaped(x, shape, "broadcast_to", None)
    overlap = any(t != 1 for t in shape[:lead]) or any(
        s == 1 and t != 1 for s, t in zip(src, shape[lead:]))
    return make_view(Expand.apply(x, shape), x, partial(_broadcast_fn, shape=shape),
                     overlap=overlap)


register(OpSpec("broadcast_to", broadcast_to, ref=lambda x, shape: np.broadcast_to(x, shape),
                category="shape", kwargs=({"shape": (2, 4, 3)},),
                shapes=lambda rng: ((4, 1),), method="broadcast_to"))


# -- helpers ------------------------------------------------------------------------------
class AxisError(IndexError, ValueError):
    """An axis out of range: an ``IndexError`` as the standard (``expand_dims``) and PyTorch
    say, and a ``ValueError`` as NumPy's ``AxisError`` is."""


def _axis(axis: Any, ndim: int, op: str) -> int:
    a = int(axis)
    if not -ndim <= a < max(ndim, 1):
        raise AxisError(f"{op}: axis {axis} is out of bounds for a tensor of dimension {ndim}")
    return a % ndim if ndim else 0


def _pick(axis: Any, dim: Any, default: Any, op: str) -> Any:
    """Accept PyTorch's ``dim`` as an alias of ``axis``."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: pass either axis or dim, not both")
        return dim
    return default if axis is None else axis


def _axes_tuple(axis: Any) -> tuple:
    return tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)


# -- permutations -------------------------------------------------------------------------
class Permute(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple) -> Any:
        ctx.axes = axes
        return ctx.xp.permute_dims(x, axes)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        inverse = [0] * len(ctx.axes)
        for i, a in enumerate(ctx.axes):
            inverse[a] = i
        return ctx.xp.permute_dims(gy, tuple(inverse)), None


def permute_dims(x: Any, /, axes: Any) -> Any:
    """``x`` with its axes reordered as ``axes`` (a permutation of ``range(x.ndim)``).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.permute_dims(anygrad.zeros(2, 3, 4), (2, 0, 1)).shape
    anygrad.Size([4, 2, 3])
    """
    ndim = len(x.shape)
    axes = tuple(_axis(a, ndim, "permute_dims") for a in axes)
    if sorted(axes) != list(range(ndim)):
        raise ValueError(f"permute_dims: axes {axes} are not a permutation of {ndim} dimensions")
    return _permuted(x, axes)


class Transpose(Permute):
    """Two axes exchanged (``transpose``, ``swapaxes``, ``mT``)."""


class T(Permute):
    """``Tensor.t()``."""


def _permuted(x: Any, axes: tuple, node: type = Permute) -> Any:
    out = node.apply(x, axes)
    if isinstance(x, Tensor):
        make_view(out, x, partial(_permute_fn, axes=axes))
    return out


register(OpSpec("permute_dims", aliases=("permute",), fn=permute_dims, ref=lambda x, axes: np.transpose(x, axes),
                category="shape", method="permute", kwargs=({"axes": (1, 0)},),
                shapes=lambda rng: ((3, 4),), torch_args=("*axes",)))


def swapaxes(x: Any, axis1: int, axis2: int, /) -> Any:
    """``x`` with two axes exchanged (PyTorch's ``transpose(x, dim0, dim1)``)."""
    ndim = len(x.shape)
    a, b = _axis(axis1, ndim, "swapaxes"), _axis(axis2, ndim, "swapaxes")
    axes = list(range(ndim))
    axes[a], axes[b] = axes[b], axes[a]
    return _permuted(x, tuple(axes), Transpose)


register(OpSpec("swapaxes", aliases=("transpose",), fn=swapaxes,
                harness=lambda x: swapaxes(x, 0, 2), ref=lambda x: np.swapaxes(x, 0, 2),
                category="shape", method=("transpose", "swapaxes", "swapdims"), shapes=lambda rng: ((2, 3, 4),),
                notes="tested as swapaxes(x, 0, 2)"))


def moveaxis(x: Any, source: Any, destination: Any, /) -> Any:
    """Move axes ``source`` to positions ``destination``, keeping the others in order."""
    ndim = len(x.shape)
    src = [_axis(a, ndim, "moveaxis") for a in _axes_tuple(source)]
    dst = [_axis(a, ndim, "moveaxis") for a in _axes_tuple(destination)]
    if len(src) != len(dst):
        raise ValueError(
            f"moveaxis: source {source} and destination {destination} need the same length"
        )
    order = [a for a in range(ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _permuted(x, tuple(order))


register(OpSpec("moveaxis", aliases=("movedim",), fn=moveaxis,
                harness=lambda x: moveaxis(x, 0, 2), ref=lambda x: np.moveaxis(x, 0, 2),
                category="shape", method=("movedim", "moveaxis"), shapes=lambda rng: ((2, 3, 4),),
                notes="tested as moveaxis(x, 0, 2)"))


# -- adding and removing axes (all reshapes) -------------------------------------------
def expand_dims(x: Any, /, axis: Any = 0, *, dim: Any = None) -> Any:
    """``x`` with a new axis of size 1 at ``axis`` (a tuple inserts several)."""
    axis = _pick(axis, dim, 0, "expand_dims")
    shape = list(x.shape)
    axes = _axes_tuple(axis)
    out_ndim = len(shape) + len(axes)
    norm = sorted(_axis(a, out_ndim, "expand_dims") for a in axes)
    for a in norm:
        shape.insert(a, 1)
    return _reshaped(x, tuple(shape), "expand_dims", None, Unsqueeze)


register(OpSpec("expand_dims", aliases=("unsqueeze",), fn=expand_dims, ref=lambda x, axis: np.expand_dims(x, axis),
                category="shape", method="unsqueeze", kwargs=({"axis": 0}, {"axis": -1}), torch_args=("dim=axis",)))


def squeeze(x: Any, /, axis: Any = None, *, dim: Any = None) -> Any:
    """``x`` without the size-1 axes ``axis`` (all size-1 axes when ``axis`` is None); the
    standard's ``axis`` must name size-1 axes, PyTorch's ``dim`` skips the others."""
    shape = tuple(x.shape)
    given = axis if dim is None else dim
    node = Squeeze if given is None else SqueezeDims if isinstance(given, (tuple, list)) else SqueezeDim
    if dim is not None and axis is None and shape:
        # PyTorch's dim: a listed dimension of another size than 1 is left in place.
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        dim = tuple(d for d in dims if shape[_axis(d, len(shape), "squeeze")] == 1)
    axis = _pick(axis, dim, None, "squeeze")
    if axis is None:
        axes = {i for i, s in enumerate(shape) if s == 1}
    else:
        axes = {_axis(a, len(shape), "squeeze") for a in _axes_tuple(axis)}
        for a in axes:
            if shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot remove axis {a} of size {shape[a]} (shape {shape}); "
                    "only axes of size 1 can be squeezed"
                )
    return _reshaped(x, tuple(s for i, s in enumerate(shape) if i not in axes), "squeeze", None, node)


register(OpSpec("squeeze", squeeze, ref=lambda x, axis=None: np.squeeze(x, axis),
                category="shape", method="squeeze", kwargs=({}, {"axis": 1}),
                shapes=lambda rng: ((3, 1, 2, 1),), torch_args=("dim",)))


def flatten(x: Any, /, start_dim: int = 0, end_dim: int = -1) -> Any:
    """``x`` with dimensions ``start_dim`` to ``end_dim`` (inclusive) merged into one."""
    shape = tuple(x.shape)
    if not shape:
        return _reshaped(x, (1,), "flatten", None)
    s, e = _axis(start_dim, len(shape), "flatten"), _axis(end_dim, len(shape), "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    new = shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:]
    return _reshaped(x, new, "flatten", None)


register(OpSpec("flatten", flatten, ref=lambda x, start_dim=0: np.reshape(
    x, x.shape[:start_dim] + (-1,)), category="shape", method="flatten", kwargs=({}, {"start_dim": 1}),
    shapes=lambda rng: ((2, 3, 4),)))


def unflatten(x: Any, /, dim: int, sizes: Any) -> Any:
    """Split dimension ``dim`` of ``x`` into ``sizes`` (one entry may be -1)."""
    shape = tuple(x.shape)
    d = _axis(dim, len(shape), "unflatten")
    inner = resolve_shape(sizes, shape[d], "unflatten", shape)
    return _reshaped(x, shape[:d] + inner + shape[d + 1:], "unflatten", None)


register(OpSpec("unflatten", unflatten, ref=lambda x, dim, sizes: np.reshape(
    x, x.shape[:dim] + tuple(sizes) + x.shape[dim + 1:]), category="shape", method="unflatten",
    kwargs=({"dim": 1, "sizes": (2, 2)},), shapes=lambda rng: ((3, 4),)))


# -- flip and roll ------------------------------------------------------------------------
class Flip(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple) -> Any:
        ctx.axes = axes
        # A copy, as PyTorch's flip (NumPy-like backends would return a view).
        return ctx.xp.asarray(ctx.xp.flip(x, axis=axes), copy=True)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return ctx.xp.flip(gy, axis=ctx.axes), None


def flip(x: Any, /, *, axis: Any = None, dims: Any = None) -> Any:
    """``x`` with the order of elements reversed along ``axis`` (all axes by default)."""
    axis = _pick(axis, dims, None, "flip")
    ndim = len(x.shape)
    axes = tuple(range(ndim)) if axis is None else tuple(
        _axis(a, ndim, "flip") for a in _axes_tuple(axis))
    return Flip.apply(x, axes)


register(OpSpec("flip", flip, ref=lambda x, axis=None: np.flip(x, axis), category="shape",
                method="flip", kwargs=({}, {"axis": 0}, {"axis": (0, 1)}),
                shapes=lambda rng: ((3, 4),), torch_args=("*dims",)))


class Roll(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, shift: Any, axis: Any) -> Any:
        ctx.shift, ctx.axis = shift, axis
        return ctx.xp.roll(x, shift, axis=axis)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        shift = ctx.shift
        back = tuple(-s for s in shift) if isinstance(shift, tuple) else -shift
        return ctx.xp.roll(gy, back, axis=ctx.axis), None, None


def roll(x: Any, /, shift: Any, *, axis: Any = None, dims: Any = None) -> Any:
    """Shift elements of ``x`` cyclically by ``shift`` along ``axis`` (flattened if None)."""
    axis = _pick(axis, dims, None, "roll")
    if isinstance(shift, (list, tuple)):
        shift = tuple(int(s) for s in shift)
    else:
        shift = int(shift)
    if isinstance(axis, list):
        axis = tuple(axis)
    return Roll.apply(x, shift, axis)


register(OpSpec("roll", roll, ref=lambda x, shift, axis=None: np.roll(x, shift, axis),
                category="shape", method="roll",
                kwargs=({"shift": 2}, {"shift": -1, "axis": 1}, {"shift": (1, 2), "axis": (0, 1)}),
                shapes=lambda rng: ((3, 4),), torch_args=("shifts=shift", "dims")))


# -- joining and splitting ------------------------------------------------------------------
def _promoted(xp: Any, xs: tuple) -> tuple:
    """Arrays of mixed kinds cast up to the highest kind among them, as PyTorch joins them
    (int64 with float32 gives float32, where NumPy's rules give float64); within one kind
    the standard's promotion applies."""
    d0 = xs[0].dtype
    if all(x.dtype == d0 for x in xs[1:]):
        return xs
    top = xs[0]
    for x in xs[1:]:
        if promote_operands(xp, top, x)[0] is not top:  # x is of a higher kind
            top = x
    return tuple(promote_operands(xp, top, x)[1] for x in xs)


class Cat(Function):
    @staticmethod
    def forward(ctx: Any, *xs: Any, axis: int) -> Any:
        ctx.axis = axis
        ctx.sizes = tuple(x.shape[axis] for x in xs)
        return ctx.xp.concat(_promoted(ctx.xp, xs), axis=axis)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        axis, needs = ctx.axis, ctx.needs_input_grad
        lead = (slice(None),) * axis
        out, start = [], 0
        for i, n in enumerate(ctx.sizes):
            out.append(gy[lead + (slice(start, start + n), Ellipsis)] if needs[i] else None)
            start += n
        return tuple(out)


def concat(arrays: Any, /, *, axis: int | None = 0, dim: Any = None) -> Any:
    """Join a sequence of tensors along an existing ``axis`` (flattened first if None).

    Examples
    --------
    >>> import anygrad
    >>> anygrad.concat([anygrad.ones(2), anygrad.zeros(1)])
    tensor([1., 1., 0.])
    """
    if dim is not None:
        axis = dim
    arrays = tuple(arrays)
    if not arrays:
        raise ValueError("concat: expected a non-empty sequence of tensors")
    if axis is None:
        arrays = tuple(reshape(a, (-1,)) for a in arrays)
        axis = 0
    ndim = len(arrays[0].shape)
    axis = _axis(axis, ndim, "concat")
    for a in arrays[1:]:
        shape = tuple(a.shape)
        if len(shape) != ndim or any(
            s != t for i, (s, t) in enumerate(zip(shape, arrays[0].shape)) if i != axis
        ):
            raise ValueError(
                f"concat: shapes {tuple(arrays[0].shape)} and {shape} do not match outside "
                f"axis {axis}"
            )
    return Cat.apply(*arrays, axis=axis)


register(OpSpec("concat", aliases=("cat",), fn=concat, harness=lambda *xs, **k: concat(xs, **k),
                ref=lambda *xs, **k: np.concatenate(xs, **k), nin=3, category="shape",
                kwargs=({"axis": 0}, {"axis": -2}), shapes=lambda rng: ((2, 3), (4, 3), (1, 3)),
                notes="varargs wrapper: concat((x1, x2, x3), axis=...)", torch_args=("dim",)))


class Stack(Function):
    @staticmethod
    def forward(ctx: Any, *xs: Any, axis: int) -> Any:
        ctx.axis = axis
        return ctx.xp.stack(_promoted(ctx.xp, xs), axis=axis)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        return tuple(ctx.xp.unstack(gy, axis=ctx.axis))


def stack(arrays: Any, /, *, axis: int = 0, dim: Any = None) -> Any:
    """Join tensors of one shape along a new ``axis``."""
    if dim is not None:
        axis = dim
    arrays = tuple(arrays)
    if not arrays:
        raise ValueError("stack: expected a non-empty sequence of tensors")
    shape = tuple(arrays[0].shape)
    for a in arrays[1:]:
        if tuple(a.shape) != shape:
            raise ValueError(f"stack: all tensors need one shape, got {shape} and {tuple(a.shape)}")
    return Stack.apply(*arrays, axis=_axis(axis, len(shape) + 1, "stack"))


register(OpSpec("stack", stack, harness=lambda *xs, **k: stack(xs, **k),
                ref=lambda *xs, **k: np.stack(xs, **k), nin=2, shapes="same", category="shape",
                kwargs=({"axis": 0}, {"axis": -1}), notes="varargs wrapper: stack((x1, x2), axis=...)", torch_args=("dim",)))


class Unbind(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, axis: int) -> Any:
        ctx.axis = axis
        return tuple(ctx.xp.unstack(x, axis=axis))

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        return ctx.xp.stack(grads, axis=ctx.axis), None


def unstack(x: Any, /, *, axis: int = 0, dim: Any = None) -> tuple:
    """The slices of ``x`` along ``axis``, as a tuple (PyTorch's ``unbind``)."""
    if dim is not None:
        axis = dim
    shape = tuple(x.shape)
    axis = _axis(axis, len(shape), "unstack")
    if shape[axis] == 0:
        return ()
    out = Unbind.apply(x, axis)
    out = out if isinstance(out, tuple) else (out,)
    if isinstance(x, Tensor):
        lead = (slice(None),) * axis
        for i, o in enumerate(out):
            make_view(o, x, partial(_select_fn, key=lead + (i, Ellipsis)))
    return out


register(OpSpec("unstack", aliases=("unbind",), fn=unstack,
                harness=lambda x, **k: stack(unstack(x, **k), axis=0),
                ref=lambda x, axis=0: np.moveaxis(x, axis, 0), category="shape",
                method="unbind", kwargs=({"axis": 0}, {"axis": 1}), shapes=lambda rng: ((3, 4),),
                notes="tested as stack(unstack(x))", torch_args=("dim",)))


class Split(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, sizes: tuple, axis: int) -> Any:
        ctx.axis = axis
        lead = (slice(None),) * axis
        out, start = [], 0
        for n in sizes:
            out.append(x[lead + (slice(start, start + n), Ellipsis)])
            start += n
        return tuple(out)

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        return ctx.xp.concat(grads, axis=ctx.axis), None, None


def split(x: Any, /, split_size_or_sections: Any, dim: int = 0, *, axis: Any = None) -> tuple:
    """PyTorch's ``split``: pieces of size ``split_size_or_sections`` (the last may be
    smaller), or of the listed sizes, along ``dim``."""
    if axis is not None:
        dim = axis
    shape = tuple(x.shape)
    d = _axis(dim, len(shape), "split")
    n = shape[d]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0:
            raise ValueError(f"split: split_size must be positive, got {size}")
        sizes = tuple(min(size, n - s) for s in range(0, n, size)) or (0,)
    else:
        sizes = tuple(int(s) for s in split_size_or_sections)
        if sum(sizes) != n:
            raise ValueError(
                f"split: sizes {list(sizes)} do not add up to the size {n} of dimension {d}"
            )
    out = Split.apply(x, sizes, d)
    out = out if isinstance(out, tuple) else (out,)
    if isinstance(x, Tensor):
        lead, start = (slice(None),) * d, 0
        for o, size in zip(out, sizes):
            make_view(o, x, partial(_select_fn, key=lead + (slice(start, start + size), Ellipsis)))
            start += size
    return out


register(OpSpec("split", split, harness=lambda x, **k: concat(split(x, **k), axis=k.get("dim", 0)),
                ref=lambda x, **k: x, category="shape", method="split",
                kwargs=({"split_size_or_sections": 2}, {"split_size_or_sections": (1, 3), "dim": 1}),
                shapes=lambda rng: ((5, 4),), notes="tested as concat(split(x))"))


def chunk(x: Any, /, chunks: int, dim: int = 0) -> tuple:
    """``x`` split into ``chunks`` pieces along ``dim`` (the last may be smaller; fewer
    pieces when the size does not allow ``chunks``), as PyTorch."""
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    n = tuple(x.shape)[_axis(dim, len(x.shape), "chunk")]
    return split(x, max(-(-n // chunks), 1), dim)


register(OpSpec("chunk", chunk, harness=lambda x, **k: concat(chunk(x, **k), axis=k.get("dim", 0)),
                ref=lambda x, **k: x, category="shape", method="chunk",
                kwargs=({"chunks": 2}, {"chunks": 3, "dim": 1}), shapes=lambda rng: ((5, 4),),
                notes="tested as concat(chunk(x))"))


# -- broadcasting and repetition -------------------------------------------------------------
def broadcast_arrays(*arrays: Any) -> list:
    """The arrays broadcast against each other, as a list."""
    shape = tuple(np.broadcast_shapes(*(tuple(a.shape) for a in arrays)))
    return [a if tuple(a.shape) == shape else broadcast_to(a, shape) for a in arrays]


register(OpSpec("broadcast_arrays", broadcast_arrays,
                harness=lambda *xs: stack(broadcast_arrays(*xs)),
                ref=lambda *xs: np.stack(np.broadcast_arrays(*xs)), nin=2, shapes="broadcast",
                category="shape", notes="tested as stack(broadcast_arrays(...))"))


def expand(x: Any, /, *sizes: Any) -> Any:
    """PyTorch's ``expand``: broadcast to ``sizes``, where -1 keeps a dimension."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    src = tuple(x.shape)
    lead = len(sizes) - len(src)
    if lead < 0:
        raise ValueError(f"expand: cannot expand shape {src} to fewer dimensions {tuple(sizes)}")
    shape = tuple(
        (src[i - lead] if s == -1 and i >= lead else int(s)) for i, s in enumerate(sizes)
    )
    return broadcast_to(x, shape)


register(OpSpec("expand", expand, harness=lambda x: expand(x, 2, -1, 3),
                ref=lambda x: np.broadcast_to(x, (2, 4, 3)), category="shape", method="expand",
                shapes=lambda rng: ((4, 1),), notes="tested as expand(x, 2, -1, 3)"))


class Repeat(Function):  # PyTorch's Tensor.repeat
    @staticmethod
    def forward(ctx: Any, x: Any, reps: tuple) -> Any:
        ctx.in_shape = tuple(x.shape)
        return ctx.xp.tile(x, reps)

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        out_shape = tuple(gy.shape)
        shape = (1,) * (len(out_shape) - len(ctx.in_shape)) + ctx.in_shape
        split_shape = []
        for o, s in zip(out_shape, shape):
            split_shape += [o // s if s else 0, s]
        g = xp.reshape(gy, tuple(split_shape))
        g = xp.sum(g, axis=tuple(range(0, len(split_shape), 2)))
        return xp.reshape(g, ctx.in_shape), None


def tile(x: Any, /, repetitions: Any) -> Any:
    """``x`` repeated ``repetitions[i]`` times along each axis (PyTorch's ``Tensor.repeat``)."""
    reps = tuple(int(r) for r in (repetitions if isinstance(repetitions, (tuple, list)) else (repetitions,)))
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: repetitions must be non-negative, got {reps}")
    return Repeat.apply(x, reps)


register(OpSpec("tile", tile, ref=lambda x, repetitions: np.tile(x, repetitions), category="shape",
                method=("tile", "repeat"), kwargs=({"repetitions": (2, 3)}, {"repetitions": (2, 1, 2)}),
                shapes=lambda rng: ((2, 3),), torch_args=("*repetitions",)))


def repeat(x: Any, repeats: Any, /, *, axis: int | None = None, dim: Any = None) -> Any:
    """Each element repeated ``repeats`` times along ``axis`` (flattened if None); PyTorch's
    ``repeat_interleave``. ``repeats`` is an int or a 1-D integer tensor."""
    from .indexing import take

    if dim is not None:
        axis = dim
    if axis is None:
        x = reshape(x, (-1,))
        axis = 0
    shape = tuple(x.shape)
    axis = _axis(axis, len(shape), "repeat")
    if isinstance(repeats, int):
        if repeats < 0:
            raise ValueError(f"repeat: repeats must be non-negative, got {repeats}")
        # Repeating each element is a broadcast along a new axis: its backward is a sum.
        y = Reshape.apply(x, shape[:axis + 1] + (1,) + shape[axis + 1:])
        y = broadcast_to(y, shape[:axis + 1] + (repeats,) + shape[axis + 1:])
        return Reshape.apply(y, shape[:axis] + (shape[axis] * repeats,) + shape[axis + 1:])
    from ._operands import unwrap

    (r,), backend = unwrap((repeats,), "repeat")
    xp = backend.xp
    positions = xp.repeat(xp.arange(shape[axis], device=r.device, dtype=r.dtype), r)
    return take(x, positions, axis=axis)


register(OpSpec("repeat", repeat, ref=lambda x, repeats, axis=None: np.repeat(x, repeats, axis),
                category="shape", method="repeat_interleave",
                kwargs=({"repeats": 2}, {"repeats": 3, "axis": 1}), shapes=lambda rng: ((2, 3),), torch_args=("dim",)))


# -- triangles, differences, grids ------------------------------------------------------------
def triangle_mask(xp: Any, rows: int, cols: int, k: int, lower: bool, device: Any) -> Any:
    """Boolean (rows, cols) mask of the lower (on or below the k-th diagonal) or upper
    (on or above it) triangle; also used by the decompositions."""
    offset = (xp.reshape(xp.arange(cols, device=device), (1, cols))
              - xp.reshape(xp.arange(rows, device=device), (rows, 1)))
    return offset <= k if lower else offset >= k


class Triangle(Function):
    @staticmethod
    def forward(ctx: Any, x: Any, k: int, lower: bool) -> Any:
        xp = ctx.xp
        ctx.lower = lower
        ctx.mask = triangle_mask(xp, x.shape[-2], x.shape[-1], k, lower, _device(x))
        return xp.where(ctx.mask, x, xp.zeros_like(x))

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        xp = ctx.xp
        return xp.where(ctx.mask, gy, xp.zeros_like(gy)), None, None

    def name(self) -> str:
        return "TrilBackward0" if self.lower else "TriuBackward0"


def _triangle(x: Any, k: int, diagonal: Any, op: str, lower: bool) -> Any:
    if diagonal is not None:
        if k != 0 and k != diagonal:
            raise TypeError(f"{op}: got both k={k} and diagonal={diagonal}; pass one of them")
        k = diagonal
    if len(x.shape) < 2:
        raise ValueError(
            f"{op}: expected an array of at least 2 dimensions, got shape {tuple(x.shape)}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{op}: k must be an integer, got {type(k).__name__}")
    return Triangle.apply(x, int(k), lower)


def tril(x: Any, /, *, k: int = 0, diagonal: Any = None) -> Any:
    """The lower triangle of the matrices in the last two axes of ``x``: elements above the
    ``k``-th diagonal are zero (``k > 0`` is above the main diagonal). PyTorch's
    ``diagonal=`` (also positional in the Tensor method) is the same as ``k``. Gradients
    flow to the kept elements.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.tril(anygrad.ones((3, 3)))
    tensor([[1., 0., 0.],
            [1., 1., 0.],
            [1., 1., 1.]])
    """
    return _triangle(x, k, diagonal, "tril", True)


register(OpSpec("tril", tril, ref=lambda x, k=0: np.tril(x, k), category="shape", method="tril",
                kwargs=({}, {"k": 1}, {"k": -1}), shapes=lambda rng: ((2, 3, 4),), torch_args=("diagonal",), inplace=True))


def triu(x: Any, /, *, k: int = 0, diagonal: Any = None) -> Any:
    """The upper triangle of the matrices in the last two axes of ``x``: elements below the
    ``k``-th diagonal are zero (``k < 0`` is below the main diagonal). PyTorch's
    ``diagonal=`` is the same as ``k``. Gradients flow to the kept elements.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.triu(anygrad.ones((2, 3)), k=1)
    tensor([[0., 1., 1.],
            [0., 0., 1.]])
    """
    return _triangle(x, k, diagonal, "triu", False)


register(OpSpec("triu", triu, ref=lambda x, k=0: np.triu(x, k), category="shape", method="triu",
                kwargs=({}, {"k": 1}, {"k": -1}), shapes=lambda rng: ((2, 3, 4),), torch_args=("diagonal",), inplace=True))


def _diff_edge(edge: Any, x: Any, axis: int, name: str) -> Any:
    """``prepend``/``append`` as a Tensor of ``x``'s shape except along ``axis``."""
    from ..creation import asarray

    if not hasattr(edge, "shape"):
        edge = asarray(edge, dtype=x.dtype, device=x.device, backend=x._backend)
    shape = tuple(x.shape)
    eshape = tuple(edge.shape)
    if len(eshape) == 0:
        return broadcast_to(edge, shape[:axis] + (1,) + shape[axis + 1:])
    if len(eshape) != len(shape) or any(
            a != b for i, (a, b) in enumerate(zip(eshape, shape)) if i != axis):
        raise ValueError(
            f"diff: {name} must have the shape of x {shape} except along axis {axis}, "
            f"got shape {eshape}")
    return edge


def diff(
    x: Any, /, *, axis: int = -1, n: int = 1, prepend: Any = None, append: Any = None,
    dim: Any = None,
) -> Any:
    """The ``n``-th forward difference ``x[i + 1] - x[i]`` along ``axis``, after joining
    ``prepend`` and ``append`` to ``x`` along it. PyTorch's ``dim=`` is the same as
    ``axis``. Gradients flow to ``x``, ``prepend`` and ``append``.

    Examples
    --------
    >>> import anygrad
    >>> anygrad.diff(anygrad.tensor([1.0, 4.0, 9.0, 16.0]))
    tensor([3., 5., 7.])
    >>> anygrad.diff(anygrad.tensor([1.0, 4.0, 9.0, 16.0]), n=2)
    tensor([2., 2.])
    """
    from .arithmetic import subtract
    from .indexing import getitem

    if dim is not None:
        if axis not in (-1, dim):
            raise TypeError(f"diff: got both axis={axis} and dim={dim}; pass one of them")
        axis = dim
    ndim = len(x.shape)
    if ndim == 0:
        raise ValueError("diff: expected an array of at least 1 dimension, got a 0-d array")
    ax = _axis(axis, ndim, "diff")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"diff: n must be a non-negative integer, got {n!r}")
    parts = [x]
    if prepend is not None:
        parts.insert(0, _diff_edge(prepend, x, ax, "prepend"))
    if append is not None:
        parts.append(_diff_edge(append, x, ax, "append"))
    y = concat(parts, axis=ax) if len(parts) > 1 else x
    before = (slice(None),) * ax
    for _ in range(int(n)):
        if y.shape[ax] == 0:
            break
        y = subtract(getitem(y, before + (slice(1, None),)),
                     getitem(y, before + (slice(None, -1),)))
    return y


def _diff_inputs(rng: Any, dtype: str, variant: int) -> list:
    # x (3, 4) with a prepend and an append along the variant's axis (-1, then 0).
    if variant == 0:
        shapes = [(3, 4), (3, 1), (3, 2)]
    else:
        shapes = [(3, 4), (1, 4), (2, 4)]
    return [rng.uniform(-2, 2, s).astype(dtype) for s in shapes]


register(OpSpec("diff", diff, harness=lambda x, p, a, **k: diff(x, prepend=p, append=a, **k),
                ref=lambda x, p, a, **k: np.diff(x, prepend=p, append=a, **k), nin=3,
                make_inputs=_diff_inputs, category="shape", method="diff",
                kwargs=({}, {"n": 2, "axis": 0}),
                notes="tested with prepend and append arrays", torch_args=("n", "dim", "prepend", "append")))


def meshgrid(*arrays: Any, indexing: str = "xy") -> list:
    """Coordinate grids from 1-D arrays: the ``i``-th output repeats ``arrays[i]`` along
    its own axis. ``indexing="xy"`` (the Array API default; Cartesian) swaps the first
    two axes of the outputs, ``"ij"`` (PyTorch's default; matrix) does not. A single
    list or tuple of arrays (PyTorch's spelling) is accepted. Returns a list of Tensors;
    gradients flow to each input.

    Examples
    --------
    >>> import anygrad
    >>> gx, gy = anygrad.meshgrid(anygrad.tensor([1.0, 2.0, 3.0]), anygrad.tensor([4.0, 5.0]))
    >>> gx.shape, gy.shape
    (anygrad.Size([2, 3]), anygrad.Size([2, 3]))
    """
    if len(arrays) == 1 and isinstance(arrays[0], (list, tuple)):
        arrays = tuple(arrays[0])
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    for i, a in enumerate(arrays):
        if len(a.shape) > 1:
            raise ValueError(
                f"meshgrid: expected 1-D (or 0-d) arrays, got shape {tuple(a.shape)} for "
                f"array {i}")
    sizes = [math.prod(tuple(a.shape)) for a in arrays]
    n = len(arrays)
    swap = indexing == "xy" and n >= 2
    shape = list(sizes)
    if swap:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, a in enumerate(arrays):
        pos = i
        if swap and i < 2:
            pos = 1 - i
        view = [1] * n
        view[pos] = sizes[i]
        out.append(broadcast_to(reshape(a, tuple(view)), tuple(shape)))
    return out


register(OpSpec("meshgrid", meshgrid, ref=lambda *xs, **k: np.meshgrid(*xs, **k), nin=2,
                shapes=lambda rng: ((3,), (4,)), category="shape",
                kwargs=({}, {"indexing": "ij"}), notes="returns a list of Tensors"))
