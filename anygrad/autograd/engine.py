"""The backward engine: count dependencies, then one reverse loop over ready nodes.

Iterative throughout (a 100,000-op chain needs no recursion). A node runs once all the
nodes that feed it gradients have run; gradients for the same input are summed in a
buffer; leaves accumulate into ``.grad``. Gradients are reduced to each input's shape and
dtype here, in one place, so no operation has to "unbroadcast" on its own.
"""

from __future__ import annotations

from typing import Any, Sequence

from .. import _backend
from ..tensor import Tensor, _check_grad, _make_tensor
from .function import FREED, AccumulateGrad, Function, check_versions
from .grad_mode import _anomaly, _enabled

__all__ = ["backward", "grad"]


def backward(
    tensors: Sequence[Tensor] | Tensor,
    grad_tensors: Sequence[Any] | Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Tensor] | Tensor | None = None,
) -> None:
    """Accumulate gradients of ``tensors`` into the leaves of their graph.

    Parameters
    ----------
    tensors : Tensor or sequence of Tensor
        Outputs to differentiate.
    grad_tensors : optional
        One gradient per output (``None`` for scalar outputs).
    retain_graph : bool, optional
        Keep saved arrays for another backward; defaults to ``create_graph``.
    create_graph : bool
        Record the backward pass so that its results can be differentiated again.
    inputs : optional
        Accumulate only into these tensors.
    """
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    targets = None
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("backward: 'inputs' must not be empty")
        targets = {}
        for t in inputs:
            targets[_edge_of(t, "backward")] = t
    _run(tensors, grad_tensors, retain_graph, create_graph, targets, capture=False)


def grad(
    outputs: Sequence[Tensor] | Tensor,
    inputs: Sequence[Tensor] | Tensor,
    grad_outputs: Sequence[Any] | Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor(2.0, requires_grad=True)
    >>> (g,) = anygrad.autograd.grad(x ** 3, x, create_graph=True)
    >>> g, anygrad.autograd.grad(g, x)[0]
    (tensor(12., grad_fn=<MulBackward0>), tensor(12.))
    """
    outputs = _as_tuple(outputs)
    inputs_t = _as_tuple(inputs)
    grad_outputs = (
        _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    )
    targets: dict = {}
    for t in inputs_t:
        targets.setdefault(_edge_of(t, "grad"), t)
    captured = _run(outputs, grad_outputs, retain_graph, create_graph, targets, capture=True)
    result = []
    for t in inputs_t:
        g = captured.get(_edge_of(t, "grad"))
        if g is None:
            if materialize_grads:
                from ..creation import zeros_like

                g = zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    "grad: one of the differentiated tensors appears to not have been used in "
                    "the graph; pass allow_unused=True if this is the desired behavior"
                )
        result.append(g)
    return tuple(result)


def _tensor_backward(
    self: Tensor,
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Tensor] | None = None,
) -> None:
    """Accumulate the gradient of this tensor into the ``.grad`` of the graph's leaves.

    Parameters
    ----------
    gradient : Tensor or array, optional
        The vector in the vector-Jacobian product; required unless this is a scalar.
    retain_graph : bool, optional
        Keep the saved arrays for another backward (default: ``create_graph``).
    create_graph : bool
        Record the backward pass, for higher-order gradients.
    inputs : sequence of Tensor, optional
        Accumulate only into these tensors.
    """
    backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph, inputs)


# The Tensor layer sits below autograd, so the engine attaches the method at import.
_tensor_backward.__name__, _tensor_backward.__qualname__ = "backward", "Tensor.backward"
Tensor.backward = _tensor_backward  # type: ignore[attr-defined]


# -- internals ---------------------------------------------------------------------------
def _as_tuple(x: Any) -> tuple:
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


def _edge_of(t: Any, op: str) -> tuple:
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}: expected Tensors as inputs, got {type(t).__name__}")
    if not t._requires_grad:
        raise RuntimeError(f"{op}: one of the inputs does not require grad")
    fn = t._grad_fn
    if fn is None:
        fn = t._accumulator
        if fn is None:
            fn = t._accumulator = AccumulateGrad(t)
    return (fn, t._output_nr)


def _root_grad(t: Tensor, g: Any, create_graph: bool, op: str = "backward") -> Any:
    """The incoming gradient of one output: an array (or a Tensor under create_graph)."""
    backend = t._backend
    arr = t._data
    if g is None:
        if t.numel() != 1:
            raise RuntimeError(
                f"{op}: grad can be implicitly created only for scalar outputs; got an output "
                f"of shape {tuple(arr.shape)}, pass gradient= (or grad_outputs=)"
            )
        g = backend.xp.ones(arr.shape, dtype=arr.dtype, device=backend.device_of(arr))
        return _make_tensor(g, backend) if create_graph else g
    if isinstance(g, Tensor):
        if g._backend is not backend:
            raise TypeError(
                f"{op}: the gradient has backend {g.backend!r} but the output has backend "
                f"{backend.name!r}"
            )
        garr = g._data
    else:
        from ..creation import _to_array

        garr, _ = _to_array(g, dtype=t.dtype, device=t.device, backend=backend)
        g = None
    if tuple(garr.shape) != tuple(arr.shape):
        raise RuntimeError(
            f"{op}: mismatch in shape: the gradient has shape {tuple(garr.shape)} and the "
            f"output has shape {tuple(arr.shape)}"
        )
    if garr.dtype != arr.dtype:
        garr = backend.xp.astype(garr, arr.dtype)
        g = None
    if create_graph:
        return g if g is not None else _make_tensor(garr, backend)
    return garr


def _run(
    tensors: tuple,
    grad_tensors: tuple,
    retain_graph: bool | None,
    create_graph: bool,
    targets: dict | None,
    capture: bool,
) -> dict:
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(
            f"backward: got {len(grad_tensors)} gradients for {len(tensors)} outputs"
        )
    if retain_graph is None:
        retain_graph = create_graph
    anomaly = _anomaly.get()
    # Incoming gradients per node: for a node with one output (nearly all) the gradient
    # itself, absent while none has arrived; for a multi-output node a list, one per output.
    buffers: dict = {}
    roots = []
    for t, g in zip(tensors, grad_tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward: expected Tensors, got {type(t).__name__}")
        if not t._requires_grad:
            raise RuntimeError(
                "backward: element 0 of tensors does not require grad and does not have a "
                "grad_fn"
            )
        node, nr = _edge_of(t, "backward")
        garr = _root_grad(t, g, create_graph)
        if node._n_out == 1:
            if node in buffers:
                buffers[node] = buffers[node] + garr
            else:
                buffers[node] = garr
                roots.append(node)
            continue
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_out
            roots.append(node)
        buf[nr] = garr if buf[nr] is None else buf[nr] + garr

    # Dependencies: how many edges lead into each node (restricted, when there are
    # targets, to the nodes from which a target can be reached).
    deps: dict = {}
    if targets is None:
        # deps doubles as the visited set: a node is expanded when first counted.
        root_set = set(roots)
        stack = list(roots)
        while stack:
            node = stack.pop()
            for e in node._edges:
                if e is None:
                    continue
                child = e[0]
                n = deps.get(child)
                if n is None:
                    deps[child] = 1
                    if child not in root_set:
                        stack.append(child)
                else:
                    deps[child] = n + 1
        needed = None
    else:
        needed = _needed_nodes(roots, {edge[0] for edge in targets})
        for node in needed:
            for e in node._edges:
                if e is not None and e[0] in needed:
                    deps[e[0]] = deps.get(e[0], 0) + 1

    ready = [n for n in roots if n not in deps and (needed is None or n in needed)]
    captured: dict = {}
    token = _enabled.set(create_graph)
    try:
        while ready:
            node = ready.pop()
            single = node._n_out == 1
            if single:
                g = buffers.pop(node, None)
            else:
                grads = buffers.pop(node, None) or [None] * node._n_out
            if type(node) is AccumulateGrad:
                if targets is not None:
                    key = (node, 0)
                    if key not in targets:
                        continue
                    if capture:
                        if g is not None:
                            captured[key] = _wrap_grad(g, node, create_graph)
                        continue
                _accumulate(node, g, create_graph)
                continue
            if targets is not None:
                for nr, gt in enumerate((g,) if single else grads):
                    key = (node, nr)
                    if key in targets and gt is not None:
                        gt = _wrap_grad(gt, targets[key], create_graph)
                        if capture:
                            captured[key] = gt
                        else:
                            _store_nonleaf(targets[key], gt)
            if single and not create_graph and not node._pre_hooks and not node._post_hooks:
                # _call_backward's common case, inlined: one output, no hooks.
                versions = node._versions
                if versions and (versions[0].version != versions[1] or len(versions) > 3):
                    check_versions(node)
                if g is None:
                    grads_in = (None,) * len(node._edges)
                else:
                    grads_in = type(node).backward(node, g)
                    if not retain_graph and node._saved is not None:
                        node._saved = FREED
                    if type(grads_in) is not tuple or len(grads_in) != len(node._edges):
                        grads_in = _check_count(node, grads_in)
            else:
                grads_in = _call_backward(node, [g] if single else grads, create_graph,
                                          retain_graph)
            if anomaly:
                _check_nan(node, grads_in)
            for e, g in zip(node._edges, grads_in):
                if e is None:
                    continue
                child = e[0]
                if needed is not None and child not in needed:
                    continue
                if g is not None:
                    if create_graph or type(g) is Tensor or g.shape != e[2] or (
                        g.dtype is not e[3] and g.dtype != e[3]
                    ):
                        g = _conform(node, e, g, create_graph)
                    if child._n_out == 1:
                        old = buffers.get(child)
                        buffers[child] = g if old is None else old + g
                    else:
                        buf = buffers.get(child)
                        if buf is None:
                            buf = buffers[child] = [None] * child._n_out
                        nr = e[1]
                        buf[nr] = g if buf[nr] is None else buf[nr] + g
                remaining = deps[child] - 1
                if remaining:
                    deps[child] = remaining
                else:
                    ready.append(child)
    finally:
        _enabled.reset(token)
    return captured


def _needed_nodes(roots: list, target_nodes: set) -> set:
    """Nodes from which some target can be reached (iterative post-order)."""
    needed: set = set()
    done: set = set()
    stack: list = [(n, False) for n in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if node in target_nodes or any(
                e is not None and e[0] in needed for e in node._edges
            ):
                needed.add(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        for e in node._edges:
            if e is not None and e[0] not in done:
                stack.append((e[0], False))
    return needed


def _wrap_grad(g: Any, ref: Any, create_graph: bool) -> Tensor:
    if isinstance(g, Tensor):
        return g
    if isinstance(ref, AccumulateGrad):
        ref = ref.variable
    backend = ref._backend if ref is not None else _backend.backend_of_array(g)
    return _make_tensor(g, backend)


def _store_nonleaf(t: Tensor, g: Tensor) -> None:
    t._grad = g if t._grad is None else t._grad + g


def _accumulate(node: AccumulateGrad, g: Any, create_graph: bool) -> None:
    t = node.variable_ref()
    if t is None or g is None:
        return
    if t._hooks:
        g = _run_tensor_hooks(t._hooks, g, t._backend, create_graph)
    if create_graph:
        gt = g if isinstance(g, Tensor) else _make_tensor(g, t._backend)
        t._grad = gt if t._grad is None else t._grad + gt
        _after_accumulate(t)
        return
    old = t._grad
    if old is None:
        # ``g`` may be shared (add's backward hands one array to both inputs, the user's
        # gradient, a hook's result): copied on the first write into .grad, not before.
        t._grad = grad = _make_tensor(g, t._backend)
        grad._storage.cow = True
    else:
        # Accumulate into the existing .grad handle, as PyTorch does in place.
        old._write(old._data + g, owned=True)
    _after_accumulate(t)


def _after_accumulate(t: Tensor) -> None:
    """A leaf's ``grad_dtype`` and post-accumulate-grad hooks (``Tensor.__dict__``, set by
    the hand-written methods), once ``.grad`` holds the new sum."""
    extra = t.__dict__
    if not extra:
        return
    gd = extra.get("_grad_dtype")
    if gd is not None and t._grad is not None and t._grad.dtype is not gd:
        t._grad = t._grad.to(gd)
    for hook in list(extra.get("_post_accumulate_grad_hooks", ())):
        hook(t)


def _run_tensor_hooks(hooks: list, g: Any, backend: Any, create_graph: bool) -> Any:
    gt = g if isinstance(g, Tensor) else _make_tensor(g, backend)
    for hook in list(hooks):
        out = hook(gt)
        if out is not None:
            _check_grad(gt, out, f"hook {getattr(hook, '__name__', hook)!r}")
            gt = out
    return gt if create_graph else gt._data


def _check_nan(node: Function, grads: tuple) -> None:
    """Anomaly mode: a NaN out of a backward raises, with where the node ran forward."""
    xp = node._backend.xp
    for i, g in enumerate(grads):
        if g is None:
            continue
        arr = g._data if isinstance(g, Tensor) else g
        if xp.isdtype(arr.dtype, ("real floating", "complex floating")) and bool(
                xp.any(xp.isnan(arr))):
            trace = "".join(getattr(node, "_forward_trace", None) or ["(not recorded)\n"])
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {i}th output. The "
                f"operation ran in the forward pass here:\n{trace}"
            )


def _call_backward(node: Function, grads: list, create_graph: bool, retain_graph: bool) -> tuple:
    """Run one node's backward: one gradient per edge, not yet conformed to the inputs
    (the engine's loop does that, except where post-hooks must see the final values)."""
    versions = node._versions
    # (storage, version, i) triples; the common single one is checked inline.
    if versions and (versions[0].version != versions[1] or len(versions) > 3):
        check_versions(node)
    if node._pre_hooks:
        grads = _run_pre_hooks(node, grads, create_graph)
    if len(grads) == 1:
        if grads[0] is None:
            return (None,) * len(node._edges)
    else:
        missing = [g is None for g in grads]
        if all(missing):
            # Nothing flows through this node; its inputs still count it as done.
            return (None,) * len(node._edges)
        if any(missing) and node._materialize_grads:
            _materialize(node, grads, create_graph)
    if create_graph:
        backend = node._backend
        node._graph_saved = _graph_saved(node)
        node.xp = backend.namespace
        node.create_graph = True
        try:
            out = type(node).backward(node, *grads)
        finally:
            node._graph_saved = None
            node.xp = backend.xp
            node.create_graph = False
    else:
        out = type(node).backward(node, *grads)
    if not retain_graph and node._saved is not None:
        node._saved = FREED
    if type(out) is not tuple or len(out) != len(node._edges):
        out = _check_count(node, out)
    if node._post_hooks:
        out = tuple(
            None if e is None or g is None else _conform(node, e, g, create_graph)
            for e, g in zip(node._edges, out)
        )
        for hook in node._post_hooks:
            hook(out, tuple(grads))
    return out


def _check_count(node: Function, out: Any) -> tuple:
    """A backward's result as a tuple of one gradient per edge (a single gradient, a
    list, or trailing Nones for non-positional arguments are accepted)."""
    if type(out) is not tuple:
        out = (out,) if not isinstance(out, list) else tuple(out)
    n = len(node._edges)
    if len(out) != n:
        if len(out) > n and all(g is None for g in out[n:]):
            out = out[:n]
        else:
            raise RuntimeError(
                f"{node.name()}: backward returned {len(out)} gradients, expected {n} (one per "
                "positional input of forward)"
            )
    return out


def _run_pre_hooks(node: Function, grads: list, create_graph: bool) -> list:
    backend = node._backend
    for nr_filter, hook in list(node._pre_hooks):
        if nr_filter is None:
            wrapped = tuple(
                None if g is None else (g if isinstance(g, Tensor) else _make_tensor(g, backend))
                for g in grads
            )
            out = hook(wrapped)
            if out is not None:
                name = f"{node.name()} pre-hook {getattr(hook, '__name__', hook)!r}"
                if not isinstance(out, (tuple, list)) or len(out) != len(wrapped):
                    raise TypeError(
                        f"{name}: expected a tuple of {len(wrapped)} gradients (or None), got "
                        f"{type(out).__name__}")
                for old, new in zip(wrapped, out):
                    if old is not None and new is not None:
                        _check_grad(old, new, name)
                grads = [
                    None if g is None else (g if create_graph else g._data) for g in out
                ]
        elif grads[nr_filter] is not None:
            grads[nr_filter] = _run_tensor_hooks([hook], grads[nr_filter], backend, create_graph)
    return grads


def _materialize(node: Function, grads: list, create_graph: bool) -> None:
    """Zeros in place of the missing output gradients of a multi-output node."""
    backend = node._backend
    for i, g in enumerate(grads):
        if g is None:
            shape, dt, device = node._out_meta[i]
            z = backend.xp.zeros(shape, dtype=dt, device=device)
            grads[i] = _make_tensor(z, backend) if create_graph else z


def _conform(node: Function, edge: tuple, g: Any, create_graph: bool) -> Any:
    """Reduce a broadcast gradient to its input's shape and dtype (the one central place)."""
    shape, dt = edge[2], edge[3]
    if create_graph:
        if not isinstance(g, Tensor):
            g = _make_tensor(node._backend.xp.asarray(g), node._backend)
        arr = g._data
    else:
        if isinstance(g, Tensor):
            g = g._data
        arr = g
    gshape = arr.shape
    if gshape != shape and tuple(gshape) != tuple(shape):
        g = _sum_to(g, tuple(gshape), tuple(shape), node, create_graph)
    if arr.dtype != dt:
        backend = node._backend
        if arr.dtype in backend.complex_dtypes and dt not in backend.complex_dtypes:
            # A real input of a complex operation gets the real part (PyTorch's rule; the
            # standard forbids casting complex to real).
            g = (backend.namespace if create_graph else backend.xp).real(g)
            arr = g._data if create_graph else g
        if arr.dtype != dt:
            if create_graph:
                g = backend.namespace.astype(g, backend.dtype_of(dt))
            else:
                g = backend.xp.astype(g, dt)
    return g


def _sum_to(g: Any, gshape: tuple, shape: tuple, node: Function, create_graph: bool) -> Any:
    lead = len(gshape) - len(shape)
    ok = lead >= 0 and all(s == 1 or s == gs for s, gs in zip(shape, gshape[lead:]))
    if not ok:
        raise RuntimeError(
            f"{node.name()}: backward returned a gradient of shape {gshape} for an input of "
            f"shape {shape}"
        )
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1
    )
    # Under create_graph, anygrad's differentiable namespace records the reduction.
    xp = node._backend.namespace if create_graph else node._backend.xp
    if axes:
        g = xp.sum(g, axis=axes)
    return xp.reshape(g, shape)


def _graph_saved(node: Function) -> tuple | None:
    """The saved arrays as Tensors connected to the graph, for create_graph."""
    saved = node._saved
    if saved is FREED:
        return None  # saved_tensors raises the "second time" error
    if not saved:
        return ()
    backend = node._backend
    array_type = backend.array_type
    out_ids = node._saved_src  # id of the one output, or a tuple of ids
    if type(out_ids) is int:
        out_ids = (out_ids,)
    edges = [e for e in node._edges if e is not None]
    out = []
    for s in saved:
        if type(s) is not array_type:
            out.append(s)  # Python scalars and other non-arrays stay as they are
            continue
        key = id(s)
        e = next((e for e in edges if e[4] == key), None)
        if e is not None:
            if type(e[0]) is AccumulateGrad:
                # A leaf-like handle on the saved array that feeds the leaf's accumulator.
                t = _make_tensor(s, backend)
                t._requires_grad = True
                t._accumulator = e[0]
                out.append(t)
            else:
                out.append(_make_tensor(s, backend, e[0], e[1]))
        elif key in out_ids:
            out.append(_make_tensor(s, backend, node, out_ids.index(key)))
        else:
            out.append(_make_tensor(s, backend))
    return tuple(out)
