"""``Function``: a differentiable operation, and the node it leaves in the graph.

A Function subclass defines ``forward(ctx, *arrays)`` and ``backward(ctx, *grads)``, both
against ``ctx.xp``. ``Function.apply`` unwraps Tensors to backend arrays, runs ``forward``
once, wraps the results, and -- when an input requires grad -- keeps the instance itself
as the graph node (``grad_fn``) of the outputs. The node points to its inputs' nodes
(``next_functions``) but never to its outputs, so a graph holds no reference cycles and
dies with its last output Tensor.

In an ordinary backward pass ``backward`` receives raw arrays and the backend namespace;
under ``create_graph=True`` the engine hands the same method Tensors and anygrad's
differentiable namespace for that backend, so one definition yields every order.
"""

from __future__ import annotations

import functools
import itertools
import traceback
import weakref
from typing import Any, Callable

from .. import _backend
from ..tensor import Storage, Tensor, _make_tensor, _RemovableHandle
from .grad_mode import _anomaly, _enabled

__all__ = ["Function", "FunctionCtx", "once_differentiable", "AccumulateGrad", "Node"]

_grad_enabled = _enabled.get
_anomaly_enabled = _anomaly.get
_new = object.__new__


class _Freed:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<freed>"


FREED = _Freed()


class Node:
    """Base of graph nodes: ``name()``, ``next_functions``, hooks."""

    __slots__ = ()

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"


class AccumulateGrad(Node):
    """The node that accumulates a gradient into a leaf Tensor's ``.grad``.

    It holds the leaf only weakly: the leaf owns its accumulator, not the other way round.
    """

    __slots__ = ("variable_ref", "__weakref__")
    next_functions: tuple = ()
    _edges: tuple = ()
    _n_out = 1

    def __init__(self, variable: Any) -> None:
        self.variable_ref = weakref.ref(variable)

    @property
    def variable(self) -> Any:
        return self.variable_ref()

    def name(self) -> str:
        return "AccumulateGrad"


class Function(Node):
    """Base class of differentiable operations (also the context ``ctx`` of one call).

    Subclasses implement two static methods written against ``ctx.xp``::

        class Cube(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x * x

            @staticmethod
            def backward(ctx, gy):
                (x,) = ctx.saved_tensors
                return 3 * gy * x * x

    and are called with ``Cube.apply(t)``. ``forward`` receives backend arrays for Tensor
    arguments (other arguments unchanged) and returns an array or a tuple of arrays.
    ``backward`` receives one gradient per output and returns one per positional
    argument of ``forward`` (``None`` where there is none). Save only inputs and outputs
    with ``save_for_backward``; anything else is treated as a constant when
    differentiating twice.
    """

    # Slots for what every recorded call sets (fast); "__dict__" keeps user Functions free
    # to put their own attributes on ctx, and holds the rarely-set ones below.
    __slots__ = ("xp", "_backend", "_edges", "needs_input_grad", "_saved", "_saved_src",
                 "_versions", "__dict__", "__weakref__")
    _graph_saved: Any = None
    _non_differentiable: Any = None
    _materialize_grads = True
    _pre_hooks: Any = None
    _post_hooks: Any = None
    _out_meta: Any = None
    _n_out = 1  # number of outputs (set by apply for multi-output Functions)
    # True while backward runs under create_graph=True: gradients, saved tensors and ctx.xp
    # are then anygrad Tensors and namespace, recording a graph. The one way a backward
    # tells the two modes apart (never isinstance checks on its inputs).
    create_graph = False
    # True for the few Functions whose output lives on another backend (to_backend).
    _changes_backend = False
    # _edges: (node, output_nr, shape, native dtype, id of the array) per positional input,
    # None where no gradient flows.

    # -- the user-facing ctx API ----------------------------------------------------------
    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays (inputs or outputs of ``forward``) for ``backward``."""
        self._saved = arrays

    @property
    def saved_tensors(self) -> tuple:
        """What ``save_for_backward`` kept: arrays, or graph-connected Tensors under
        ``create_graph=True``."""
        saved = self._saved
        if saved is FREED:
            raise RuntimeError(
                f"{self.name()}: trying to backward through the graph a second time (or to "
                "read saved values after they were freed); pass retain_graph=True to the "
                "first backward() if you need to backward twice"
            )
        graph_saved = self._graph_saved
        if graph_saved is not None:
            return graph_saved
        return () if saved is None else saved

    saved_values = saved_tensors


    def mark_non_differentiable(self, *arrays: Any) -> None:
        """Declare outputs (by identity) that never require grad, e.g. indices."""
        self._non_differentiable = arrays

    def set_materialize_grads(self, value: bool) -> None:
        """With ``False``, ``backward`` receives ``None`` for outputs that got no gradient."""
        self._materialize_grads = bool(value)

    def mark_dirty(self, *arrays: Any) -> None:  # pragma: no cover - kept for API parity
        raise RuntimeError(
            "mark_dirty: custom Functions that modify their inputs in place are not "
            "supported; return a new array, and write it back with x.copy_(Fn.apply(x))"
        )

    # -- the graph-node API ---------------------------------------------------------------
    def name(self) -> str:
        return type(self).__name__ + "Backward0"

    @property
    def next_functions(self) -> tuple:
        return tuple((None, 0) if e is None else (e[0], e[1]) for e in self._edges)

    def register_hook(self, hook: Callable) -> Any:
        """``hook(grad_inputs, grad_outputs)`` runs after this node's backward."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(hook)
        return _RemovableHandle(self._post_hooks, hook)

    def register_prehook(self, hook: Callable) -> Any:
        """``hook(grad_outputs)`` runs before this node's backward; it may return new ones."""
        return self._add_prehook(None, hook)

    def _add_prehook(self, output_nr: int | None, hook: Callable) -> Any:
        if self._pre_hooks is None:
            self._pre_hooks = []
        entry = (output_nr, hook)
        self._pre_hooks.append(entry)
        return _RemovableHandle(self._pre_hooks, entry)

    # -- subclasses override -------------------------------------------------------------
    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("Function subclasses must implement forward(ctx, ...)")

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise NotImplementedError(
            "Function subclasses must implement backward(ctx, *grads) to be differentiated"
        )

    # -- calling -------------------------------------------------------------------------
    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run the operation on Tensors (or arrays, or Python scalars) and record it."""
        # The per-op hot path: one pass over the arguments, no per-call imports or helper
        # frames, no list appends (arrays and edges are filled in place), needs_input_grad
        # from a bit mask, Tensors built inline.
        ctx = _new(cls)
        backend = None
        record = _grad_enabled()
        arrays = list(args)
        edges = None
        mask = 0
        k = -1
        for a in args:
            k += 1
            if isinstance(a, Tensor):
                b = a._backend
                if backend is None:
                    backend = b
                elif b is not backend:
                    raise _mixed_backends(cls, backend, b)
                arrays[k] = arr = a._data
                if record and a._requires_grad:
                    fn = a._grad_fn
                    if fn is None:
                        fn = a._accumulator
                        if fn is None:
                            fn = a._accumulator = AccumulateGrad(a)
                    if edges is None:
                        edges = [None] * len(args)
                    edges[k] = (fn, a._output_nr, arr.shape, arr.dtype, id(arr))
                    mask |= 1 << k
            elif a is not None and type(a) not in _SCALARS:
                b = _backend.backend_of_array(a)
                if b is not None:
                    if backend is None:
                        backend = b
                    elif b is not backend:
                        raise _mixed_backends(cls, backend, b)
        if kwargs and record:
            for key, v in kwargs.items():
                if isinstance(v, Tensor) and v._requires_grad:
                    # forward would see it, but no gradient could reach it.
                    raise TypeError(
                        f"{cls.__name__}.apply: the keyword argument {key!r} is a tensor that "
                        "requires grad; pass tensors positionally so gradients can flow to them"
                    )
        if backend is None:
            backend = _backend.get_default_backend()
        ctx.xp = backend.xp
        # Set before forward: the built-in forwards read the backend's dtype sets from it.
        ctx._backend = backend
        ctx._saved = ctx._versions = None
        requires = edges is not None
        needs = _NEEDS_BY_MASK.get((k + 1, mask))
        if needs is None:
            needs = tuple(bool(mask >> i & 1) for i in range(k + 1))
        ctx.needs_input_grad = needs
        if requires:
            ctx._edges = tuple(edges)
        try:
            out = cls.forward(ctx, *arrays, **kwargs)
        except Exception as exc:
            _raise_if_devices_mixed(cls, args, exc)
            raise

        if type(out) is not backend.array_type:
            if type(out) is tuple or type(out) is list:
                return _wrap_outputs(ctx, backend, out, requires, args)
            if cls._changes_backend:
                backend = _backend.backend_of_array(out)
            else:
                out = backend.xp.asarray(out)
        # One array out (the common case): build the Tensor inline (no helper frame).
        t = _new(Tensor)
        t._data = out
        t._storage = storage = _new(Storage)
        storage.base = out
        storage.version = 0
        t._backend = backend
        t._output_nr = 0
        t._grad = t._accumulator = t._hooks = None
        if requires and out.dtype in backend.float_dtypes and not (
            ctx._non_differentiable and any(out is n for n in ctx._non_differentiable)
        ):
            ctx._backend = backend
            if ctx._saved:
                # Output identity, to re-connect saved arrays under create_graph (the
                # edges carry the inputs'). Unambiguous: these arrays are alive together.
                # A bare int: no tuple for the garbage collector to track.
                ctx._saved_src = id(out)
                # The version snapshot (see _snapshot_versions), inlined: this is the
                # per-op hot path, and ops save one to three arrays.
                found = ()
                i = -1
                for s in ctx._saved:
                    i += 1
                    if type(s) in _SCALARS:
                        continue
                    if s is out:
                        found += (storage, 0, i)
                        continue
                    for a in args:
                        if isinstance(a, Tensor) and a._data is s:
                            st = a._storage
                            found += (st, st.version, i)
                            break
                if found:
                    ctx._versions = found
            t._grad_fn = ctx
            t._requires_grad = True
            if _anomaly_enabled():
                ctx._forward_trace = traceback.format_stack()[:-1]
        else:
            t._grad_fn = None
            t._requires_grad = False
        return t


def binary_apply(cls: type) -> Callable[[Any, Any], Any]:
    """``cls.apply(x1, x2)`` specialised for the binary operations' hot path (``x * y``,
    ``x + 0.5``): one function per Function class, made once and kept on the class.

    The same result as :meth:`Function.apply` for a Tensor and a Tensor or a Python
    scalar, without the argument tuple, lists or loop (about a fifth of a small op's
    forward); anything else (a scalar first, backend arrays) goes to ``cls.apply``. An
    operation whose signature is just ``(x1, x2, /)`` *is* this function and a Tensor
    operator calls it directly: no second Python frame per operation.
    """
    fast = cls.__dict__.get("_binary_apply")
    if fast is not None:
        return fast

    def apply2(x1: Any, x2: Any, /) -> Any:
        if not isinstance(x1, Tensor):
            return cls.apply(x1, x2)
        t2 = isinstance(x2, Tensor)
        if not t2 and type(x2) not in _SCALARS:
            return cls.apply(x1, x2)
        record = _grad_enabled()
        backend = x1._backend
        a1 = x1._data
        e1 = e2 = None
        if record and x1._requires_grad:
            fn = x1._grad_fn
            if fn is None:
                fn = x1._accumulator
                if fn is None:
                    fn = x1._accumulator = AccumulateGrad(x1)
            e1 = (fn, x1._output_nr, a1.shape, a1.dtype, id(a1))
        if t2:
            if x2._backend is not backend:
                raise _mixed_backends(cls, backend, x2._backend)
            a2 = x2._data
            if record and x2._requires_grad:
                fn = x2._grad_fn
                if fn is None:
                    fn = x2._accumulator
                    if fn is None:
                        fn = x2._accumulator = AccumulateGrad(x2)
                e2 = (fn, x2._output_nr, a2.shape, a2.dtype, id(a2))
        else:
            a2 = x2
        ctx = _new(cls)
        ctx.xp = backend.xp
        ctx._backend = backend
        ctx._saved = ctx._versions = None
        requires = e1 is not None or e2 is not None
        ctx.needs_input_grad = _NEEDS_BY_MASK[2, (e1 is not None) + 2 * (e2 is not None)]
        if requires:
            ctx._edges = (e1, e2)
        try:
            out = cls.forward(ctx, a1, a2)
        except Exception as exc:
            _raise_if_devices_mixed(cls, (x1, x2), exc)
            raise
        if type(out) is not backend.array_type:
            if type(out) is tuple or type(out) is list:
                return _wrap_outputs(ctx, backend, out, requires, (x1, x2))
            if cls._changes_backend:
                backend = _backend.backend_of_array(out)
            else:
                out = backend.xp.asarray(out)
        # As in Function.apply (tests/test_engine.py keeps the two equal).
        t = _new(Tensor)
        t._data = out
        t._storage = storage = _new(Storage)
        storage.base = out
        storage.version = 0
        t._backend = backend
        t._output_nr = 0
        t._grad = t._accumulator = t._hooks = None
        if requires and out.dtype in backend.float_dtypes and not (
            ctx._non_differentiable and any(out is n for n in ctx._non_differentiable)
        ):
            ctx._backend = backend
            if ctx._saved:
                ctx._saved_src = id(out)
                found = ()
                i = -1
                for s in ctx._saved:
                    i += 1
                    if type(s) in _SCALARS:
                        continue
                    if s is out:
                        found += (storage, 0, i)
                    elif s is a1:
                        st = x1._storage
                        found += (st, st.version, i)
                    elif t2 and s is a2:
                        st = x2._storage
                        found += (st, st.version, i)
                if found:
                    ctx._versions = found
            t._grad_fn = ctx
            t._requires_grad = True
            if _anomaly_enabled():
                ctx._forward_trace = traceback.format_stack()[:-1]
        else:
            t._grad_fn = None
            t._requires_grad = False
        return t

    cls._binary_apply = apply2
    return apply2


def _snapshot_versions(saved: tuple, args: tuple, outs: Any) -> tuple | None:
    """For each saved array that a Tensor holds: its storage, the storage's version now and
    the array's position in ``saved``, as one flat tuple (one object per node for the
    garbage collector, not one per saved array), so that backward can detect in-place
    changes made after saving (PyTorch's version check)."""
    found: tuple = ()
    i = -1
    for s in saved:
        i += 1
        if type(s) in _SCALARS:
            continue
        for a in args:
            if isinstance(a, Tensor) and a._data is s:
                break
        else:
            for a in outs:
                if a._data is s:
                    break
            else:
                continue
        st = a._storage
        found += (st, st.version, i)
    return found or None


def check_versions(node: Function) -> None:
    """Raise if a tensor saved by ``node`` was modified in place since it was saved."""
    vs = node._versions
    for k in range(0, len(vs), 3):
        st, version, i = vs[k], vs[k + 1], vs[k + 2]
        if st.version != version:
            arr = node._saved[i]
            raise RuntimeError(
                f"{node.name()}: one of the variables needed for gradient computation has been "
                f"modified by an inplace operation: saved tensor {i} of shape "
                f"{tuple(arr.shape)} and dtype {arr.dtype} is at version {st.version}; "
                f"expected version {version} instead. Clone it before modifying it in place, "
                "or modify it after backward"
            )


def _wrap_outputs(ctx: Function, backend: Any, out: Any, requires: bool, args: tuple) -> tuple:
    """The Tensors for a multi-output forward, and the node's record of them."""
    array_type = backend.array_type
    outs = tuple(o if type(o) is array_type else backend.xp.asarray(o) for o in out)
    if not requires:
        return tuple([_make_tensor(o, backend) for o in outs])
    ctx._backend = backend
    floats = backend.float_dtypes
    non_diff = ctx._non_differentiable
    results = []
    for nr, o in enumerate(outs):
        differentiable = o.dtype in floats and not (non_diff and any(o is n for n in non_diff))
        results.append(_make_tensor(o, backend, ctx if differentiable else None, nr))
    if ctx._saved:
        ctx._saved_src = tuple(map(id, outs))
        ctx._versions = _snapshot_versions(ctx._saved, args, results)
    if _anomaly_enabled():
        ctx._forward_trace = traceback.format_stack()[:-2]
    device = backend.device_of(outs[0])
    ctx._out_meta = tuple((o.shape, o.dtype, device) for o in outs)
    ctx._n_out = len(outs)
    return tuple(results)


def _mixed_backends(cls: type, a: Any, b: Any) -> TypeError:
    return TypeError(
        f"{cls.__name__.lower()}: cannot combine tensors of backend {a.name!r} and backend "
        f"{b.name!r}; move one with .to(backend=...)"
    )


def _raise_if_devices_mixed(cls: type, args: tuple, exc: Exception) -> None:
    tensors = [a for a in args if isinstance(a, Tensor)]
    if len(tensors) < 2:
        return
    devices = []
    for t in tensors:
        d = t.device
        if all(d != e for e in devices):
            devices.append(d)
    if len(devices) > 1:
        raise ValueError(
            f"{cls.__name__.lower()}: cannot combine tensors on device {devices[0]!r} and "
            f"device {devices[1]!r}; move one with .to(device=...)"
        ) from exc


FunctionCtx = Function


def once_differentiable(backward: Callable) -> Callable:
    """Decorate a ``backward`` that is not itself differentiable.

    Under ``create_graph=True`` it still runs on raw arrays; its results are constants,
    so differentiating them again raises instead of silently returning zero.
    """

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grads: Any) -> Any:
        if ctx._graph_saved is None:
            return backward(ctx, *grads)
        backend = ctx._backend
        graph_saved, xp = ctx._graph_saved, ctx.xp
        raw = tuple(g._data if isinstance(g, Tensor) else g for g in grads)
        ctx._graph_saved = tuple(
            s._data if isinstance(s, Tensor) else s for s in graph_saved
        )
        ctx.xp = backend.xp
        ctx.create_graph = False
        try:
            out = backward(ctx, *raw)
        finally:
            ctx._graph_saved, ctx.xp = graph_saved, xp
            ctx.create_graph = True
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        wrapped = tuple(
            None if g is None else _make_tensor(backend.xp.asarray(g), backend, _NotTwice(ctx), 0)
            for g in outs
        )
        return wrapped[0] if single else wrapped

    wrapper._once_differentiable = True  # type: ignore[attr-defined]
    return wrapper


class _NotTwice(Function):
    """Stands where a once-differentiable backward's result would be differentiated."""

    def __init__(self, source: Function) -> None:
        self._source = source.name()
        self.xp, self._backend = source.xp, source._backend
        self._edges, self.needs_input_grad, self._saved, self._versions = (), (), None, None

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise RuntimeError(
            f"{ctx._source}: this backward is decorated with once_differentiable and cannot "
            "be differentiated again"
        )


# The common needs_input_grad tuples, shared rather than one more tuple per recorded op
# for the garbage collector to traverse (that traversal is a third of a 100k-op chain).
_SHARED_NEEDS = {
    t: t for n in range(7) for t in itertools.product((False, True), repeat=n)
}
# The same tuples by (number of arguments, bit mask of the ones that need a gradient).
_NEEDS_BY_MASK = {
    (len(t), sum(1 << i for i, v in enumerate(t) if v)): t for t in _SHARED_NEEDS
}

_SCALARS = frozenset({int, float, bool, complex, str, tuple, slice, type(None), type(Ellipsis)})

