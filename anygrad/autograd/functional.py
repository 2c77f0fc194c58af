"""Higher-level autograd: ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``vhp``, ``hvp``.

The semantics follow ``torch.autograd.functional``: ``inputs`` is a Tensor or a tuple of
Tensors, ``func`` returns a Tensor or a tuple of Tensors, and results have the same
structure. Everything is built on the reverse-mode engine; ``jvp`` uses the double-vjp
trick (the VJP is linear in its upstream gradient ``u``, so differentiating ``u -> u^T J``
with respect to ``u`` along ``v`` gives ``J v``).
"""

from __future__ import annotations

from typing import Any, Callable

from ..tensor import Tensor
from .engine import grad
from .grad_mode import enable_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def _as_tuple(x: Any, what: str, op: str) -> tuple[bool, tuple]:
    if isinstance(x, tuple):
        items = x
        is_tuple = True
    elif isinstance(x, list):
        items = tuple(x)
        is_tuple = True
    else:
        items = (x,)
        is_tuple = False
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{op}: the {what} must be Tensors (or a tuple of Tensors), but element {i} "
                f"is a {type(t).__name__}"
            )
    return is_tuple, items


def _prepare(inputs: tuple, create_graph: bool) -> tuple:
    # Fresh leaves that require grad; under create_graph they stay connected to the caller's
    # graph (so the results can be differentiated again), as in PyTorch.
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            from ..ops.shape import reshape

            out.append(reshape(x, tuple(x.shape)))
        else:
            out.append(x.detach().requires_grad_(True))
    return tuple(out)


def _grads(outputs: tuple, inputs: tuple, grad_outputs: tuple, create_graph: bool,
           strict: bool, op: str, zeros_from: tuple | None = None) -> tuple:
    from ..creation import zeros_like

    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if pairs:
        gs = grad([o for o, _ in pairs], inputs, grad_outputs=[g for _, g in pairs],
                  retain_graph=True, create_graph=create_graph, allow_unused=True)
    else:
        gs = (None,) * len(inputs)
    res = []
    for i, (g, x) in enumerate(zip(gs, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"{op}: the output is independent of input {i}; this is not allowed in "
                    "strict mode"
                )
            g = zeros_like(x if zeros_from is None else zeros_from[i])
        res.append(g)
    return tuple(res)


def _check_v(v: tuple, ref: tuple, op: str, what: str) -> None:
    if len(v) != len(ref):
        raise ValueError(f"{op}: v has {len(v)} elements but the {what} has {len(ref)}")
    for i, (a, b) in enumerate(zip(v, ref)):
        if tuple(a.shape) != tuple(b.shape):
            raise ValueError(
                f"{op}: element {i} of v has shape {tuple(a.shape)} but the {what} has shape "
                f"{tuple(b.shape)}"
            )


def _default_v(ref: tuple, op: str) -> tuple:
    from ..creation import ones_like

    for r in ref:
        if r.numel() != 1:
            raise RuntimeError(
                f"{op}: v can only be omitted when the tensor has a single element, got shape "
                f"{tuple(r.shape)}"
            )
    return tuple(ones_like(r) for r in ref)


def _maybe_detach(ts: tuple, create_graph: bool) -> tuple:
    return ts if create_graph else tuple(t.detach() for t in ts)


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), v^T J)``: a vector-Jacobian product.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.autograd.functional import vjp
    >>> x = anygrad.tensor([1.0, 2.0], dtype=anygrad.float64)
    >>> vjp(lambda t: (t * t).sum(), x)[1]
    tensor([2., 4.], dtype=anygrad.float64)
    """
    in_tuple, xs = _as_tuple(inputs, "inputs", "vjp")
    with enable_grad():
        xs = _prepare(xs, create_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs of func", "vjp")
        if v is None:
            vs = _default_v(outs, "vjp")
        else:
            _, vs = _as_tuple(v, "v", "vjp")
            _check_v(vs, outs, "vjp", "output")
        gs = _grads(outs, xs, vs, create_graph, strict, "vjp")
    outs = _maybe_detach(outs, create_graph)
    gs = _maybe_detach(gs, create_graph)
    return (outs if out_tuple else outs[0]), (gs if in_tuple else gs[0])


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), J v)``: a Jacobian-vector product (by the double-vjp trick).

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.autograd.functional import jvp
    >>> x = anygrad.tensor([1.0, 2.0], dtype=anygrad.float64)
    >>> jvp(lambda t: t * t, x, anygrad.ones_like(x))[1]
    tensor([2., 4.], dtype=anygrad.float64)
    """
    from ..creation import zeros_like

    in_tuple, xs = _as_tuple(inputs, "inputs", "jvp")
    with enable_grad():
        xs = _prepare(xs, create_graph)
        if v is None:
            vs = _default_v(xs, "jvp")
        else:
            _, vs = _as_tuple(v, "v", "jvp")
            _check_v(vs, xs, "jvp", "input")
        out_tuple, outs = _as_tuple(func(*xs), "outputs of func", "jvp")
        # u is a dummy upstream gradient: g(u) = u^T J is linear in u, so dg/du . v = J v.
        us = tuple(zeros_like(o).requires_grad_(True) for o in outs)
        gs = _grads(outs, xs, us, True, strict, "jvp")
        live = [(g, vv) for g, vv in zip(gs, vs) if g.requires_grad]
        if live:
            jv = grad([g for g, _ in live], us, grad_outputs=[vv for _, vv in live],
                      create_graph=create_graph, allow_unused=True)
        else:
            jv = (None,) * len(us)
        res = []
        for i, (j, o) in enumerate(zip(jv, outs)):
            if j is None:
                if strict:
                    raise RuntimeError(
                        f"jvp: output {i} is independent of the inputs; this is not allowed in "
                        "strict mode"
                    )
                j = zeros_like(o)
            res.append(j)
    outs = _maybe_detach(outs, create_graph)
    res = _maybe_detach(tuple(res), create_graph)
    return (outs if out_tuple else outs[0]), (res if out_tuple else res[0])


def _stack_rows(rows: list, shape: tuple) -> Tensor:
    """Differentiably stack same-shaped Tensors and reshape to ``shape``."""
    from .. import ops
    from ..ops.shape import reshape

    stack = getattr(ops, "stack", None)
    if stack is not None:
        return reshape(stack(rows, axis=0), shape)
    # Without a stack op: sum of one-hot outer products (only used for small Jacobians).
    n = len(rows)
    flat = [reshape(r, (1, -1)) for r in rows]
    acc = None
    for k, r in enumerate(flat):
        term = _one_hot_col(n, k, r) * r
        acc = term if acc is None else acc + term
    return reshape(acc, shape)


def _one_hot_col(n: int, k: int, like: Tensor) -> Tensor:
    import numpy as np

    from ..creation import tensor

    h = np.zeros((n, 1))
    h[k, 0] = 1.0
    return tensor(h, dtype=like.dtype, device=like.device, backend=like.backend)


def _one_hot(o: Tensor, flat: int) -> Tensor:
    import numpy as np

    from ..creation import tensor

    h = np.zeros(max(o.numel(), 1))
    h[flat] = 1.0
    return tensor(h.reshape(tuple(o.shape)), dtype=o.dtype, device=o.device, backend=o.backend)


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``, one reverse pass per output element.

    For one input and one output the result has shape ``output.shape + input.shape``; for
    tuples, ``result[i][j]`` is the Jacobian of output ``i`` with respect to input ``j``
    (with the tuple levels dropped where ``func``'s output or ``inputs`` is not a tuple).
    ``vectorize`` is accepted for compatibility and ignored.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.autograd.functional import jacobian
    >>> x = anygrad.tensor([1.0, 2.0], dtype=anygrad.float64)
    >>> jacobian(lambda t: t * t, x)
    tensor([[2., 0.],
            [0., 4.]], dtype=anygrad.float64)
    """
    if strategy != "reverse-mode":
        raise ValueError(f"jacobian: only strategy='reverse-mode' is supported, got {strategy!r}")
    in_tuple, xs = _as_tuple(inputs, "inputs", "jacobian")
    with enable_grad():
        xs = _prepare(xs, create_graph)
        out_tuple, outs = _as_tuple(func(*xs), "outputs of func", "jacobian")
        result = []
        for i, o in enumerate(outs):
            per_input: list[list] = [[] for _ in xs]
            n = o.numel()
            for flat in range(n):
                u = [_one_hot(o, flat) if k == i else None for k in range(len(outs))]
                gs = _grads((o,), xs, (u[i],), create_graph, strict, "jacobian")
                for j, g in enumerate(gs):
                    per_input[j].append(g if create_graph else g.detach())
            row = []
            for j, x in enumerate(xs):
                shape = tuple(o.shape) + tuple(x.shape)
                if n == 0:
                    from ..creation import zeros

                    row.append(zeros(shape, dtype=x.dtype, device=x.device, backend=x.backend))
                else:
                    row.append(_stack_rows(per_input[j], shape))
            result.append(tuple(row))
    if not create_graph:
        result = [tuple(t.detach() for t in row) for row in result]
    if not in_tuple:
        result = [row[0] for row in result]
    return tuple(result) if out_tuple else result[0]


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar function ``func`` at ``inputs``.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.autograd.functional import hessian
    >>> x = anygrad.tensor([1.0, 2.0], dtype=anygrad.float64)
    >>> hessian(lambda t: (t * t * t).sum(), x)
    tensor([[ 6.,  0.],
            [ 0., 12.]], dtype=anygrad.float64)
    """
    in_tuple, xs = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*args: Any) -> Any:
        out = func(*args)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError(
                "hessian: func must return a single-element Tensor, got "
                + (f"shape {tuple(out.shape)}" if isinstance(out, Tensor) else type(out).__name__)
            )
        gs = _grads((out,), args, (_ones(out),), True, strict, "hessian")
        return gs if in_tuple else gs[0]

    return jacobian(gradient, xs if in_tuple else xs[0], create_graph=create_graph,
                    strict=strict)


def _ones(t: Tensor) -> Tensor:
    from ..creation import ones_like

    return ones_like(t)


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), v^T H)`` for a scalar ``func``."""
    in_tuple, xs = _as_tuple(inputs, "inputs", "vhp")
    with enable_grad():
        xs = _prepare(xs, create_graph)
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise RuntimeError("vhp: func must return a single-element Tensor")
        if v is None:
            vs = _default_v(xs, "vhp")
        else:
            _, vs = _as_tuple(v, "v", "vhp")
            _check_v(vs, xs, "vhp", "input")
        gs = _grads((out,), xs, (_ones(out),), True, strict, "vhp")
        live = [(g, vv) for g, vv in zip(gs, vs) if g.requires_grad]
        res = _grads(tuple(g for g, _ in live), xs, tuple(vv for _, vv in live), create_graph,
                     strict, "vhp") if live else tuple(_ones(x) * 0 for x in xs)
    out = out if create_graph else out.detach()
    res = _maybe_detach(tuple(res), create_graph)
    return out, (res if in_tuple else res[0])


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """``(func(*inputs), H v)`` for a scalar ``func`` (equal to ``vhp``: H is symmetric)."""
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict)
