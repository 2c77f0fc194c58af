"""Derivative rules as data: one line declares an elementwise operation.

The places an operation can be written, from the lightest:

1. **A rule line** (this module), for elementwise functions whose gradient is a formula::

       sin = rules.unary("sin", lambda xp, g, x: g * xp.cos(x), "Sine, elementwise.", ref=np.sin)

   The formula is the vector-Jacobian product written against ``xp``: ``g`` is the
   incoming gradient; ``x`` the input and ``y`` the output, by name, and exactly the
   names used are saved for backward. It is written for real input; a complex input gets
   the same formula at ``conj(x)``, ``conj(y)``, which is PyTorch's convention
   ``g * conj(f'(z))`` for the holomorphic functions with real coefficients that rule
   lines are used for (``sin``, ``exp``, ``log``, ``sqrt``...; C99 complex functions
   satisfy ``f(conj(z)) == conj(f(z))``, branch cuts included, thanks to signed zeros).
   A rule line builds a ``Function`` subclass with PyTorch's node name (``SinBackward0``),
   the public function, and the operation's one registry entry. Being array-API code,
   the same formula runs again on Tensors under ``create_graph=True``: every order of
   derivative from one line.
2. **A Function subclass**, where the forward needs more than one namespace call, the
   backward has cases (ties, masks, conventions at 0), or the operation is on the hot path
   and deserves hand-inlined dtype checks (``add``, ``multiply``).
3. **A composite**: a plain function of other operations (``softplus``), with no node of
   its own; its gradient is the chain rule through its parts.
"""

from __future__ import annotations

from typing import Any, Callable

from ..autograd.function import Function, binary_apply
from ._registry import OpSpec, register
from ._operands import promote_operands

__all__ = ["Rules", "STEP", "STEP_NOTE"]

# The rule of a piecewise-constant function: a zero gradient (undefined at the jumps, where
# PyTorch also returns zero so that graphs through them still run).
STEP = None
STEP_NOTE = "zero gradient almost everywhere (undefined at the jumps)"


def _operands(rule: Callable, first: int) -> tuple:
    """The names a rule's formula uses after ``xp`` and ``g``: what must be saved."""
    code = rule.__code__
    names = code.co_varnames[:code.co_argcount]
    if names[:2] != ("xp", "g"):
        raise TypeError(f"a rule is written as lambda xp, g, <operands>: ...; got {names}")
    return names[first:]


class _Step(Function):
    """A piecewise-constant function of its inputs: every gradient is zero."""

    @staticmethod
    def backward(ctx: Any, gy: Any) -> Any:
        z = ctx.xp.zeros_like(gy)
        return tuple(z if n else None for n in ctx.needs_input_grad)


def _node_class(node: str, module: str, base: type, forward: Callable,
                backward: Callable | None = None) -> type:
    body = {"forward": staticmethod(forward), "__module__": module, "__qualname__": node}
    if backward is not None:
        body["backward"] = staticmethod(backward)
    return type(node, (base,), body)


def _unary_node(node: str, module: str, forward: Callable, rule: Callable | None) -> type:
    if rule is STEP:
        return _node_class(node, module, _Step, lambda ctx, x: forward(ctx.xp, x))
    saved = _operands(rule, 2)
    if saved == ():
        def fwd(ctx: Any, x: Any) -> Any:
            return forward(ctx.xp, x)
    elif saved == ("x",):
        def fwd(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            return forward(ctx.xp, x)
    elif saved == ("y",):
        def fwd(ctx: Any, x: Any) -> Any:
            y = forward(ctx.xp, x)
            ctx.save_for_backward(y)
            return y
    elif saved == ("x", "y"):
        def fwd(ctx: Any, x: Any) -> Any:
            y = forward(ctx.xp, x)
            ctx.save_for_backward(x, y)
            return y
    else:
        raise TypeError(f"{node}: a unary rule uses x and/or y (in that order), got {saved}")
    if not saved:
        return _node_class(node, module, Function, fwd, lambda ctx, g: rule(ctx.xp, g))

    def backward(ctx: Any, g: Any) -> Any:
        xp = ctx.xp
        if g.dtype in ctx._backend.complex_dtypes:
            return rule(xp, g, *[xp.conj(s) for s in ctx.saved_tensors])
        return rule(xp, g, *ctx.saved_tensors)

    return _node_class(node, module, Function, fwd, backward)


def _binary_node(node: str, module: str, forward: Callable, rule1: Callable | None,
                 rule2: Callable | None, true_divide: bool) -> type:
    if rule1 is STEP:
        def fwd_step(ctx: Any, x1: Any, x2: Any) -> Any:
            x1, x2 = promote_operands(ctx.xp, x1, x2, true_divide)
            return forward(ctx.xp, x1, x2)
        return _node_class(node, module, _Step, fwd_step)
    saved = _operands(rule1, 2)
    if _operands(rule2, 2) != saved or saved not in (("x1", "x2"), ("x1", "x2", "y")):
        raise TypeError(f"{node}: both rules take (xp, g, x1, x2) or (xp, g, x1, x2, y)")
    with_y = len(saved) == 3

    def fwd(ctx: Any, x1: Any, x2: Any) -> Any:
        x1, x2 = promote_operands(ctx.xp, x1, x2, true_divide)
        y = forward(ctx.xp, x1, x2)
        ctx.save_for_backward(*((x1, x2, y) if with_y else (x1, x2)))
        return y

    def backward(ctx: Any, g: Any) -> Any:
        xp, needs, saved = ctx.xp, ctx.needs_input_grad, ctx.saved_tensors
        return (rule1(xp, g, *saved) if needs[0] else None,
                rule2(xp, g, *saved) if needs[1] else None)

    return _node_class(node, module, Function, fwd, backward)


def _namespace_call(name: str, nin: int) -> Callable:
    """``xp.<name>(...)``: the forward of most rule lines."""
    if nin == 1:
        return lambda xp, x: getattr(xp, name)(x)
    return lambda xp, x1, x2: getattr(xp, name)(x1, x2)


class Rules:
    """The rule lines of one module: ``rules = Rules(__name__, category="exponential")``.

    Each declaration returns the public function, to be bound to the module-level name.
    Keyword arguments other than those below go to the operation's ``OpSpec`` (``ref``,
    ``domain``, ``notes``...); ``method`` defaults to the operation's name.
    """

    def __init__(self, module: str, category: str) -> None:
        self.module = module
        self.category = category

    def unary(self, name: str, rule: Callable | None, doc: str, *, forward: Callable | None = None,
              node: str | None = None, **spec: Any) -> Callable:
        """``name(x)``: ``forward(xp, x)`` (default ``xp.<name>``) with gradient ``rule``
        (``lambda xp, g, x: ...`` / ``y`` / ``x, y``), or ``STEP``."""
        cls = _unary_node(node or _node_name(name), self.module, forward or _namespace_call(name, 1), rule)
        apply = cls.apply

        def fn(x: Any, /) -> Any:
            return apply(x)

        return self._register(fn, name, doc, rule, spec, nin=1)

    def binary(self, name: str, rule1: Callable | None, rule2: Callable | None, doc: str, *,
               forward: Callable | None = None, node: str | None = None,
               true_divide: bool = False, **spec: Any) -> Callable:
        """``name(x1, x2)`` with broadcasting and PyTorch's type promotion (a float result for
        integer operands with ``true_divide``); ``rule1``/``rule2`` give the gradients of
        ``x1`` and ``x2`` (``lambda xp, g, x1, x2[, y]: ...``), or both ``STEP``."""
        cls = _binary_node(node or _node_name(name), self.module, forward or _namespace_call(name, 2),
                           rule1, rule2, true_divide)

        fn = binary_apply(cls)  # named below
        spec.setdefault("nin", 2)
        spec.setdefault("shapes", "broadcast")
        return self._register(fn, name, doc, rule1, spec, nin=2)

    def _register(self, fn: Callable, name: str, doc: str, rule: Any, spec: dict,
                  nin: int) -> Callable:
        fn.__name__ = fn.__qualname__ = name
        fn.__module__ = self.module
        fn.__doc__ = doc
        spec.setdefault("method", name)
        spec.setdefault("category", self.category)
        if rule is STEP:
            spec.setdefault("notes", STEP_NOTE)
        register(OpSpec(name, fn, **spec))
        return fn


def _node_name(name: str) -> str:
    """PyTorch's node name for an operation: ``asinh`` -> ``Asinh`` (``AsinhBackward0``)."""
    return name[:1].upper() + name[1:]
